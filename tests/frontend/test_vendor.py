"""static/vendor/ is what scripts/update_vendor.py pinned, byte for byte, and nothing loads from a CDN."""

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "update_vendor.py"
MANIFEST = ROOT / "static" / "vendor" / "manifest.json"


@pytest.fixture
def vendor_script():
    spec = importlib.util.spec_from_file_location("update_vendor", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_vendor_check_passes_without_network():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},  # offline: reads files only, never calls npm
    )

    assert result.returncode == 0, result.stderr
    assert "matches the manifest" in result.stdout


def test_vendor_check_reports_changed_missing_and_unlisted_files(
    vendor_script, tmp_path, monkeypatch, capsys
):
    vendor = tmp_path / "vendor"
    shutil.copytree(vendor_script.VENDOR_DIR, vendor)
    monkeypatch.setattr(vendor_script, "VENDOR_DIR", vendor)
    monkeypatch.setattr(vendor_script, "MANIFEST", vendor / "manifest.json")
    assert vendor_script.check() == 0

    (vendor / "htmx" / "htmx.min.js").write_text("/* tampered */")
    (vendor / "sortablejs" / "Sortable.min.js").unlink()
    (vendor / "chartjs" / "extra.js").write_text("")

    assert vendor_script.check() == 1
    errors = capsys.readouterr().err
    assert "htmx/htmx.min.js: sha256 differs" in errors
    assert "sortablejs/Sortable.min.js: missing" in errors
    assert "chartjs/extra.js: not in the manifest" in errors


def test_manifest_pins_the_agreed_majors():
    libraries = json.loads(MANIFEST.read_text())["libraries"]
    versions = {entry["name"]: entry["version"] for entry in libraries.values()}

    assert versions["htmx.org"].startswith("2.")
    assert versions["htmx-ext-ws"].startswith("2.")
    assert versions["sortablejs"].startswith("1.")
    assert versions["fullcalendar"].startswith("6.")
    assert versions["chart.js"].startswith("4.")
    assert versions["bootstrap"].startswith("5.3.")
    assert versions["bootstrap-icons"].startswith("1.")
    fonts = [f["path"] for f in libraries["bootstrap-icons"]["files"] if "/fonts/" in f["path"]]
    assert fonts and all(path.endswith(".woff2") for path in fonts)


def test_cleaning_drops_source_maps_and_the_woff_fallback(vendor_script):
    assert vendor_script.clean("a.min.js", b"code();\n//# sourceMappingURL=a.min.js.map") == b"code();"
    assert vendor_script.clean("b.min.css", b"a{}\n/*# sourceMappingURL=b.min.css.map */") == b"a{}"
    css = b'src:url("fonts/bootstrap-icons.woff2?x") format("woff2"),url("fonts/bootstrap-icons.woff?x") format("woff")}'
    assert (
        vendor_script.clean("bootstrap-icons.min.css", css)
        == b'src:url("fonts/bootstrap-icons.woff2?x") format("woff2")}'
    )
    for path in (ROOT / "static" / "vendor").rglob("*"):
        if path.suffix in (".js", ".css"):
            assert b"sourceMappingURL" not in path.read_bytes(), path


def test_templates_use_only_vendored_files_and_no_cdn():
    listed = {
        f["path"] for entry in json.loads(MANIFEST.read_text())["libraries"].values() for f in entry["files"]
    }
    referenced = set()
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r'(src|href)="(https?:)?//', text), f"{template} loads from another origin"
        referenced |= set(re.findall(r"\{% static ['\"]vendor/([^'\"]+)['\"] %\}", text))

    assert referenced, "the layouts include vendored files"
    assert referenced <= listed
