#!/usr/bin/env python3
"""Vendored front-end libraries: refresh them from the npm registry, or check them against the manifest.

    uv run python scripts/update_vendor.py            # download the pinned versions, rewrite static/vendor/
    uv run python scripts/update_vendor.py --check    # offline: the files on disk match manifest.json
    uv run python scripts/update_vendor.py --latest   # print the newest release of each pinned major

To upgrade a library, change its version in LIBRARIES (stay on the same major unless you mean it), run the
script, look at the diff, run the tests. Nothing is ever loaded from a CDN: pages use {% static %}.

Files are copied as published, except that `sourceMappingURL` comments are dropped (the .map files are not
vendored, and the hashed static storage would fail on the missing reference) and the bootstrap-icons
stylesheet keeps only its woff2 source (the only font file we ship).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "static" / "vendor"
MANIFEST = VENDOR_DIR / "manifest.json"


@dataclass(frozen=True)
class Library:
    key: str  # folder under static/vendor/
    package: str  # npm package name
    version: str  # exact pinned version
    files: dict[str, str]  # path inside the package (glob allowed) -> destination inside static/vendor/<key>/


LIBRARIES: list[Library] = [
    Library("htmx", "htmx.org", "2.0.11", {"dist/htmx.min.js": "htmx.min.js"}),
    Library("htmx-ext-ws", "htmx-ext-ws", "2.0.4", {"dist/ws.js": "ws.js"}),
    Library("sortablejs", "sortablejs", "1.15.7", {"Sortable.min.js": "Sortable.min.js"}),
    Library("fullcalendar", "fullcalendar", "6.1.21", {"index.global.min.js": "index.global.min.js"}),
    Library("chartjs", "chart.js", "4.6.1", {"dist/chart.umd.min.js": "chart.umd.min.js"}),
    Library(
        "bootstrap",
        "bootstrap",
        "5.3.9",
        {
            "dist/css/bootstrap.min.css": "css/bootstrap.min.css",
            "dist/js/bootstrap.bundle.min.js": "js/bootstrap.bundle.min.js",
        },
    ),
    Library(
        "bootstrap-icons",
        "bootstrap-icons",
        "1.13.2",
        {"font/bootstrap-icons.min.css": "bootstrap-icons.min.css", "font/fonts/*.woff2": "fonts/"},
    ),
]

_SOURCE_MAP = re.compile(rb"\n?(//# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^*]*\*/)[ \t]*")
_WOFF_SRC = re.compile(rb',\s*url\("[^"]*\.woff\?[^"]*"\)\s*format\("woff"\)')


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def clean(name: str, data: bytes) -> bytes:
    data = _SOURCE_MAP.sub(b"", data)
    if name.endswith("bootstrap-icons.min.css"):
        data = _WOFF_SRC.sub(b"", data)
    return data


def npm_pack(lib: Library, workdir: Path) -> Path:
    """`npm pack` the exact version into workdir and return the unpacked `package/` folder."""
    out = subprocess.run(
        ["npm", "pack", f"{lib.package}@{lib.version}", "--json", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
        cwd=workdir,
    )
    tarball = workdir / json.loads(out.stdout)[0]["filename"]
    target = workdir / lib.key
    with tarfile.open(tarball) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def copy_library(lib: Library, package_dir: Path) -> list[dict]:
    dest_root = VENDOR_DIR / lib.key
    if dest_root.exists():
        shutil.rmtree(dest_root)
    entries = []
    for pattern, dest in lib.files.items():
        sources = sorted(package_dir.glob(pattern))
        if not sources:
            raise SystemExit(f"{lib.package}@{lib.version}: no file matches {pattern!r}")
        for source in sources:
            target = dest_root / (dest + source.name if dest.endswith("/") else dest)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(clean(target.name, source.read_bytes()))
            rel = target.relative_to(VENDOR_DIR).as_posix()
            entries.append({"path": rel, "sha256": sha256(target), "bytes": target.stat().st_size})
    return entries


def update() -> int:
    manifest = {"generated_by": "scripts/update_vendor.py", "libraries": {}}
    with tempfile.TemporaryDirectory(prefix="vendor-") as tmp:
        for lib in LIBRARIES:
            package_dir = npm_pack(lib, Path(tmp))
            files = copy_library(lib, package_dir)
            manifest["libraries"][lib.key] = {"name": lib.package, "version": lib.version, "files": files}
            print(f"{lib.package}@{lib.version}: {len(files)} file(s)")
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    return 0


def check() -> int:
    """Compare static/vendor/ with the manifest and with LIBRARIES; no network."""
    if not MANIFEST.exists():
        print(f"missing {MANIFEST.relative_to(ROOT)}; run scripts/update_vendor.py", file=sys.stderr)
        return 1
    manifest = json.loads(MANIFEST.read_text())["libraries"]
    problems = []
    listed: set[str] = set()
    for lib in LIBRARIES:
        entry = manifest.get(lib.key)
        if entry is None or entry["name"] != lib.package or entry["version"] != lib.version:
            problems.append(f"{lib.key}: manifest does not pin {lib.package}@{lib.version}")
            continue
        for item in entry["files"]:
            listed.add(item["path"])
            path = VENDOR_DIR / item["path"]
            if not path.is_file():
                problems.append(f"{item['path']}: missing")
            elif sha256(path) != item["sha256"]:
                problems.append(f"{item['path']}: sha256 differs from the manifest")
    extra = {p.relative_to(VENDOR_DIR).as_posix() for p in VENDOR_DIR.rglob("*") if p.is_file()}
    extra -= listed | {MANIFEST.name}
    problems += [f"{p}: not in the manifest" for p in sorted(extra)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"static/vendor matches the manifest ({len(listed)} files)")
    return 1 if problems else 0


def latest() -> int:
    """Print the newest stable release within each pinned major (minor for bootstrap)."""
    for lib in LIBRARIES:
        major, minor = lib.version.split(".")[:2]
        spec = f"{major}.{minor}" if lib.package == "bootstrap" else major
        out = subprocess.run(
            ["npm", "view", f"{lib.package}@{spec}", "version", "--json"],
            check=True,
            capture_output=True,
            text=True,
        )
        versions = json.loads(out.stdout)
        versions = [versions] if isinstance(versions, str) else versions
        stable = [v for v in versions if "-" not in v]
        newest = max(stable, key=lambda v: tuple(int(part) for part in v.split(".")))
        flag = "" if newest == lib.version else "  <- update available"
        print(f"{lib.package}: pinned {lib.version}, latest {newest}{flag}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--check", action="store_true", help="verify static/vendor against the manifest (offline)"
    )
    group.add_argument("--latest", action="store_true", help="show the newest release of each pinned major")
    args = parser.parse_args(argv)
    if args.check:
        return check()
    if args.latest:
        return latest()
    return update()


if __name__ == "__main__":
    sys.exit(main())
