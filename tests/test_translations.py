"""The French catalogs are complete, the committed .mo files match their .po, and pages render in French.

Needs GNU gettext (msgfmt), which CI installs. After changing any user-visible string:
    uv run python manage.py makemessages -l fr -i ".venv/*" -i "static/vendor/*" -i ".data/*" -i "staticfiles/*"
    uv run python manage.py makemessages -d djangojs -l fr -i ".venv/*" -i "static/vendor/*" -i ".data/*" \
        -i "staticfiles/*"
translate every new or fuzzy entry, then `uv run python manage.py compilemessages -l fr --ignore=.venv`.
"""

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
DOMAINS = ["django", "djangojs"]


def msgfmt() -> str:
    path = shutil.which("msgfmt")
    assert path, "GNU gettext is not installed (apt-get install gettext)"
    return path


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


_UNESCAPE = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _UNESCAPE.get(m.group(1), m.group(0)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """A tiny .po parser (entries are separated by blank lines, as gettext writes them): every live entry,
    the header included; obsolete `#~` entries are left out."""
    entries: list[Entry] = []
    entry, key = Entry(), ("", None)
    lines = path.read_text(encoding="utf-8").splitlines() + [""]
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            if entry.line:
                entries.append(entry)
            entry, key = Entry(), ("", None)
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#"):
            continue  # references, comments, previous msgids, obsolete entries
        elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line):
            name, index, text = match.group(1), match.group(2), _unquote(match.group(3))
            key = (name, int(index or 0) if name == "msgstr" else None)
            if name == "msgid":
                entry.line = lineno
            if name == "msgstr":
                entry.msgstr[key[1]] = text
            else:
                setattr(entry, name, text)
        elif line.startswith('"') and key[0]:
            name, index = key
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line))
        else:
            raise AssertionError(f"{path}:{lineno}: cannot parse {raw!r}")
    return entries


def catalog(domain: str) -> list[Entry]:
    return parse_po(LOCALE_DIR / f"{domain}.po")


def messages(domain: str) -> list[Entry]:
    return [e for e in catalog(domain) if not (e.msgid == "" and e.msgctxt is None)]


@pytest.mark.parametrize("domain", DOMAINS)
def test_catalog_has_real_entries(domain):
    assert len(messages(domain)) > (100 if domain == "django" else 3)


@pytest.mark.parametrize("domain", DOMAINS)
def test_header_is_final_french_with_french_plurals(domain):
    [header] = [e for e in catalog(domain) if e.msgid == "" and e.msgctxt is None]
    assert "fuzzy" not in header.flags, "a fuzzy header is ignored by msgfmt (the .mo loses its Plural-Forms)"
    assert "Language: fr\n" in header.msgstr[0]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n > 1);\n" in header.msgstr[0]


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_entry_is_translated(domain):
    untranslated = []
    for entry in messages(domain):
        expected = [0, 1] if entry.msgid_plural is not None else [0]
        if sorted(entry.msgstr) != expected or any(not entry.msgstr[i].strip() for i in expected):
            untranslated.append(entry.label)
    assert untranslated == [], f"untranslated in {domain}.po:\n" + "\n".join(untranslated)


@pytest.mark.parametrize("domain", DOMAINS)
def test_no_entry_is_fuzzy(domain):
    fuzzy = [entry.label for entry in messages(domain) if "fuzzy" in entry.flags]
    assert fuzzy == [], f"fuzzy in {domain}.po (check the translation, then drop the flag):\n" + "\n".join(
        fuzzy
    )


def test_the_parser_agrees_with_msgattrib():
    """Cross-check of the tiny parser with gettext's own view of the catalog."""
    for domain in DOMAINS:
        path = LOCALE_DIR / f"{domain}.po"
        for option in ("--untranslated", "--only-fuzzy"):
            out = subprocess.run(
                [str(Path(msgfmt()).with_name("msgattrib")), option, "--no-obsolete", str(path)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            assert not re.search(r'^msgid "(?!")|^msgid ""\n"', out, flags=re.M), (
                f"{domain}.po {option}:\n{out}"
            )


@pytest.mark.parametrize("domain", DOMAINS)
def test_po_passes_msgfmt_checks(domain):
    result = subprocess.run(
        [msgfmt(), "--check-format", "-c", "-o", "/dev/null", str(LOCALE_DIR / f"{domain}.po")],
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("domain", DOMAINS)
def test_committed_mo_matches_the_po(domain, tmp_path):
    """File times mean nothing after a git checkout, so compare what the .mo holds with a fresh compile."""
    compiled = tmp_path / f"{domain}.mo"
    subprocess.run(
        [msgfmt(), "--check-format", "-o", str(compiled), str(LOCALE_DIR / f"{domain}.po")], check=True
    )
    committed = LOCALE_DIR / f"{domain}.mo"
    assert committed.exists(), f"{committed} is missing: run compilemessages"
    with committed.open("rb") as mo_file, compiled.open("rb") as fresh_file:
        stale, fresh = gettext.GNUTranslations(mo_file), gettext.GNUTranslations(fresh_file)
    hint = f"{domain}.mo is out of date: run `manage.py compilemessages -l fr --ignore=.venv`"
    assert stale._catalog == fresh._catalog, hint
    assert stale.plural(0) == fresh.plural(0) == 0 and stale.plural(2) == fresh.plural(2) == 1, hint


def test_django_uses_the_french_catalog():
    singular, plural = "Type at least %(n)s character.", "Type at least %(n)s characters."
    with translation.override("fr"):
        assert translation.gettext("Dashboard") == "Tableau de bord"
        assert (
            translation.ngettext(singular, plural, 0) == "Saisissez au moins %(n)s caractère."
        )  # 0 is singular
        assert translation.ngettext(singular, plural, 1) == "Saisissez au moins %(n)s caractère."
        assert translation.ngettext(singular, plural, 2) == "Saisissez au moins %(n)s caractères."


def test_javascript_catalog_is_french(client):
    with translation.override("fr"):
        response = client.get(reverse("javascript-catalog"), HTTP_ACCEPT_LANGUAGE="fr")
    body = response.content.decode()
    assert response.status_code == 200
    assert "\\u00cates-vous s\\u00fbr\\u00b7e ?" in body or "Êtes-vous sûr·e ?" in body


@pytest.mark.django_db
def test_login_page_is_french(client):
    with translation.override("fr"):
        response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in html
    assert "Se connecter" in html
    assert "Connectez-vous avec votre adresse e-mail professionnelle." in html
    assert "Pas de compte ? Demandez une invitation à un administrateur." in html
    for english in ("Sign in with your work e-mail address.", "No account?", "Artist agency"):
        assert english not in html


def test_dashboard_is_french_for_a_french_speaking_user(client, make_user):
    user = make_user("Viewer", language="fr")
    client.force_login(user)

    with translation.override("fr"):
        # the user's own language wins over the browser's
        response = client.get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert "Tableau de bord" in html
    assert "Se déconnecter" in html
    assert re.search(r"(Bonjour|Bonsoir), ", html)
    for english in ("Sign out", "Skip to content", "Good morning", "Good afternoon", "Good evening"):
        assert english not in html
