"""Checking rows: each row's cells become field values (or errors), then the row is compared with the records
already in the CRM and with the earlier rows of the same file to find duplicates.

The same :class:`RowChecker` serves the preview (which keeps only the rows that need attention) and the
commit (which re-reads the file and writes), so what the preview promised is what the commit does.

Duplicate keys: artists — e-mail, normalised stage name, social handle (per platform), alias (a stage name
that is another's alias, or the other way round); sponsors — normalised name, website domain; contacts —
e-mail, normalised full name (when the organisation is the same or the row has none).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.db.models.functions import Lower
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from crm import normalize
from crm.models import Artist, Contact, Genre, SocialProfile, Sponsor, Tag

from .fields import SOCIAL_PLATFORMS, Kind, kind_spec
from .reading import FileInfo, iter_rows
from .values import CellError, norm

SKIP, CREATE, UPDATE = "skip", "create", "update"
DECISIONS = (SKIP, CREATE, UPDATE)
ALL_DUPLICATES = "*"  # the decisions key holding the choice "for every duplicate"


@dataclass
class RowResult:
    number: int
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    blocked: bool = False  # a required value is missing or unreadable: the row cannot be imported at all
    match: dict | None = None  # an existing record: {"id", "label", "keys"}
    twin: dict | None = None  # an earlier row of this file: {"row", "label", "keys"}
    label: str = ""
    # contacts: the organisation the row names — None when none, (sponsor id, artist id) when found,
    # ("?", name) when named but not found (then it is nobody's organisation)
    org: tuple | None = None

    @property
    def needs_attention(self) -> bool:
        return bool(self.errors or self.match or self.twin)

    def issue(self) -> dict:
        """What the preview keeps of this row (JSON)."""
        return {
            "row": self.number,
            "label": self.label,
            "errors": self.errors,
            "blocked": self.blocked,
            "match": self.match,
            "twin": self.twin,
        }


def options(issue: dict) -> list[str]:
    """The decisions a row may take: none when blocked; update only when it matches an existing record."""
    if issue.get("blocked"):
        return []
    return [SKIP, CREATE, UPDATE] if issue.get("match") else [SKIP, CREATE]


def decision_for(issue: dict | None, decisions: dict[str, str]) -> str:
    """skip | create | update | error (blocked, or an error row left at its default)."""
    if issue is None:
        return CREATE
    if issue.get("blocked"):
        return "error"
    allowed = options(issue)
    chosen = decisions.get(str(issue["row"]))
    if chosen in allowed:
        return chosen
    if issue.get("errors"):
        return "error"
    if issue.get("match") or issue.get("twin"):
        default = decisions.get(ALL_DUPLICATES)
        return default if default in allowed else SKIP
    return CREATE


# --- lookups -----------------------------------------------------------------------------------------------


class Names:
    """Existing genres or tags by comparable name, and the new ones the file brings (created at commit)."""

    def __init__(self, pairs: Iterator[tuple[int, str]]):
        self.ids: dict[str, int] = {}
        self.new: dict[str, str] = {}
        for pk, name in pairs:
            self.ids.setdefault(norm(name), pk)

    def note(self, names: list[str]) -> None:
        for name in names:
            key = norm(name)
            if key not in self.ids:
                self.new.setdefault(key, name)


class Index:
    """Key → record ids (existing records) or key → row number (this file)."""

    def __init__(self):
        self.keys: dict[tuple, list] = defaultdict(list)
        self.labels: dict[Any, str] = {}

    def add(self, key: tuple, ref: Any, label: str, *, first_only: bool = False) -> None:
        if not key[-1]:
            return
        bucket = self.keys[key]
        if ref not in bucket and not (first_only and bucket):
            bucket.append(ref)
        self.labels.setdefault(ref, label)

    def find(self, queries: list[tuple[str, tuple]]) -> tuple[Any, list[str]] | None:
        """The reference matching most ``(label, key)`` queries (ties: the earliest query's), with the labels
        of the queries it matched."""
        hits: dict[Any, list[str]] = {}
        for label, key in queries:
            if not key[-1]:
                continue
            for ref in self.keys.get(key, ()):
                hits.setdefault(ref, [])
                if label not in hits[ref]:
                    hits[ref].append(label)
        if not hits:
            return None
        ref = max(hits, key=lambda r: len(hits[r]))
        return ref, hits[ref]


def key_label(key: str) -> str:
    return {
        "email": _("same e-mail"),
        "name": _("same name"),
        "alias": _("same alias"),
        "handle": _("same social handle"),
        "website": _("same website"),
    }.get(key, key)


def _domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


# --- the checker -------------------------------------------------------------------------------------------


class RowChecker:
    """Reads a job's file with its mapping and checks every row. Loads what it compares with once."""

    def __init__(
        self, *, kind: str, path: Path, info: FileInfo, mapping: dict[str, str], compare: bool = True
    ):
        """``compare=False``: read and check values only, without loading the CRM's records to find duplicates
        (the preview's first rows take their duplicate flags from the stored findings)."""
        self.spec: Kind = kind_spec(kind)
        self.kind = kind
        self.path = path
        self.info = info
        self.columns = [
            (info.headers.index(h), self.spec.by_name[f]) for h, f in mapping.items() if h in info.headers
        ]
        self.mapped = {f.name for _i, f in self.columns}
        self.genres = Names(Genre.objects.values_list("pk", "name"))
        self.tags = Names(Tag.objects.values_list("pk", "name"))
        self.existing = Index()
        self.in_file = Index()
        self.sponsor_names: dict[str, list[int]] = defaultdict(list)
        self.artist_names: dict[str, list[int]] = defaultdict(list)
        self.orgs: dict[int, tuple] = {}  # contacts: id → (sponsor id, artist id)
        self.row_orgs: dict[int, tuple] = {}  # contacts: row → (sponsor id, artist id)
        self.handles: dict[tuple[str, str], int] = {}  # artists: (platform, handle) → artist id
        if compare:
            getattr(self, f"_load_{kind}")()
        if kind == "contacts":
            self._load_references()

    # existing records, once
    def _load_artists(self) -> None:
        rows = Artist.objects.values_list("pk", "stage_name", "normalized_name", "email", "aliases")
        for pk, name, normalized, email, aliases in rows.iterator(chunk_size=5000):
            label = name
            self.existing.add(("email", normalize.normalize_email(email)), pk, label)
            self.existing.add(("name", normalized or norm(name)), pk, label)
            for alias in aliases or ():
                self.existing.add(("alias", norm(alias)), pk, label)
        socials = SocialProfile.objects.values_list(
            "platform", Lower("handle"), "artist_id", "artist__stage_name"
        )
        for platform, handle, artist_id, name in socials.iterator(chunk_size=5000):
            self.existing.add(("handle", platform, handle), artist_id, name)
            self.handles[(platform, handle)] = artist_id

    def _load_sponsors(self) -> None:
        for pk, name, normalized, website in Sponsor.objects.values_list(
            "pk", "name", "normalized_name", "website"
        ):
            self.existing.add(("name", normalized or norm(name)), pk, name)
            self.existing.add(("website", _domain(website)), pk, name)

    def _load_contacts(self) -> None:
        rows = Contact.objects.values_list(
            "pk", "first_name", "last_name", "email", "sponsor_id", "artist_id"
        )

        for pk, first, last, email, sponsor_id, artist_id in rows.iterator(chunk_size=5000):
            label = f"{first} {last}".strip()
            self.existing.add(("email", normalize.normalize_email(email)), pk, label)
            self.existing.add(("name", norm(label)), pk, label)
            self.orgs[pk] = (sponsor_id, artist_id)

    def _load_references(self) -> None:
        if "sponsor" in self.mapped:
            for pk, name in Sponsor.objects.values_list("pk", "name"):
                self.sponsor_names[norm(name)].append(pk)
        if "artist" in self.mapped:
            for pk, name, aliases in Artist.objects.values_list("pk", "stage_name", "aliases").iterator(
                chunk_size=5000
            ):
                for key in {norm(n) for n in [name, *(aliases or [])]}:
                    self.artist_names[key].append(pk)

    # rows
    def rows(self, limit: int | None = None) -> Iterator[RowResult]:
        for n, (number, cells) in enumerate(iter_rows(self.path, self.info)):
            if limit is not None and n >= limit:
                return
            yield self.check(number, cells)

    def check(self, number: int, cells: list[str]) -> RowResult:
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for index, spec_field in self.columns:
            raw = cells[index]
            if not raw:
                continue
            try:
                values[spec_field.name] = spec_field.parse(raw)
            except CellError as error:
                errors[spec_field.name] = str(error)
        result = RowResult(number=number, values=values, errors=errors)
        getattr(self, f"_finish_{self.kind}")(result)
        for group in self.spec.required_groups():
            if not any(values.get(name) for name in group):
                result.blocked = True
                if not any(name in errors for name in group):
                    label = capfirst(self.spec.by_name[group[0]].label)
                    errors[group[0]] = _("%(field)s is empty: this row cannot be imported.") % {
                        "field": label
                    }
        if not result.blocked:
            own = self._own_keys(result)
            queries = self._queries(result, own)
            found = self.existing.find(queries)
            if found and self._same_person(result, self.orgs.get(found[0], (None, None)), found[1]):
                ref, matched = found
                result.match = {"id": ref, "label": self.existing.labels[ref], "keys": matched}
            twin = self.in_file.find(queries)
            if twin and self._same_person(result, self.row_orgs.get(twin[0], (None, None)), twin[1]):
                ref, matched = twin
                result.twin = {"row": ref, "label": self.in_file.labels[ref], "keys": matched}
            for key in own:
                self.in_file.add(key, number, result.label, first_only=True)
            if self.kind == "contacts":
                self.row_orgs[number] = result.org
        return result

    # per kind: derived values, cross-field rules, label and keys
    def _finish_artists(self, result: RowResult) -> None:
        values = result.values
        result.label = values.get("stage_name", "")
        self.genres.note(values.get("genres", []))
        self.tags.note(values.get("tags", []))
        stage_key = norm(result.label)
        values["aliases"] = [a for a in values.get("aliases", []) if norm(a) != stage_key]

    def _finish_sponsors(self, result: RowResult) -> None:
        values = result.values
        result.label = values.get("name", "")
        self.genres.note(values.get("target_genres", []))
        self.tags.note(values.get("tags", []))
        low, high = values.get("budget_min"), values.get("budget_max")
        if low is not None and high is not None and high < low:
            result.errors["budget_max"] = _(
                "The upper budget (%(high)s) is below the lower one (%(low)s)."
            ) % {
                "high": high,
                "low": low,
            }
            values.pop("budget_max")

    def _finish_contacts(self, result: RowResult) -> None:
        values = result.values
        full = values.get("full_name", "")
        if full and not values.get("last_name"):
            first, _sep, last = full.rpartition(" ")
            values["last_name"] = last[:80]
            if first and not values.get("first_name"):
                values["first_name"] = first[:80]
        result.label = f"{values.get('first_name', '')} {values.get('last_name', '')}".strip()
        self.tags.note(values.get("tags", []))
        for ref, names, what in (
            ("sponsor", self.sponsor_names, _("sponsor")),
            ("artist", self.artist_names, _("artist")),
        ):
            name = values.pop(ref, None)
            if not name:
                continue
            ids = sorted(set(names.get(norm(name), [])))
            if len(ids) == 1:
                values[f"{ref}_id"] = ids[0]
            elif not ids:
                result.errors[ref] = _("No %(what)s named “%(name)s” in the CRM.") % {
                    "what": what,
                    "name": name,
                }
            else:
                result.errors[ref] = _(
                    "Several records are named “%(name)s”; attach the contact by hand."
                ) % {"name": name}
        if values.get("sponsor_id") and values.get("artist_id"):
            result.errors["artist"] = _("A contact belongs to a sponsor or to an artist's team, not both.")
            values.pop("artist_id")
        if values.get("sponsor_id") or values.get("artist_id"):
            result.org = (values.get("sponsor_id"), values.get("artist_id"))
        elif "sponsor" in result.errors or "artist" in result.errors:
            result.org = ("?", result.label)

    def _own_keys(self, result: RowResult) -> list[tuple]:
        """What identifies the row's record: the same keys the CRM's records are indexed by."""
        values = result.values
        if self.kind == "artists":
            keys = [
                ("email", normalize.normalize_email(values.get("email"))),
                ("name", norm(result.label)),
            ]
            keys += [("alias", norm(alias)) for alias in values.get("aliases", [])]
            keys += [
                ("handle", platform, values[platform]["handle"].lower())
                for platform in SOCIAL_PLATFORMS
                if platform in values
            ]
            return keys
        if self.kind == "sponsors":
            return [
                ("name", norm(result.label)),
                ("website", _domain(values.get("website", ""))),
            ]
        return [
            ("email", normalize.normalize_email(values.get("email"))),
            ("name", norm(result.label)),
        ]

    def _queries(self, result: RowResult, own: list[tuple]) -> list[tuple[str, tuple]]:
        """``(what it means, key)`` to look up: the row's own keys, and for artists the alias crossings (its
        stage name is another's alias; one of its aliases is another's name or alias)."""
        queries = [(key[0], key) for key in own if key[0] != "alias"]
        if self.kind == "artists":
            queries.append(("alias", ("alias", norm(result.label))))
            for alias in result.values.get("aliases", []):
                alias_key = norm(alias)
                queries += [("alias", ("name", alias_key)), ("alias", ("alias", alias_key))]
        return queries

    def _same_person(self, result: RowResult, org: tuple, matched: list[str]) -> bool:
        """Contacts: two people sharing only a name are the same person when the row names no organisation or
        the same one (two Marie Martin at two brands are two people)."""
        if self.kind != "contacts" or matched != ["name"]:
            return True
        return result.org is None or result.org == org


def describe_issue(spec: Kind, issue: dict) -> str:
    """One line for the log: the errors, then the duplicate found."""
    parts = [
        f"{capfirst(spec.by_name[f].label) if f in spec.by_name else f}: {message}"
        for f, message in (issue.get("errors") or {}).items()
    ]
    if issue.get("match"):
        match = issue["match"]
        parts.append(
            _("Already in the CRM: %(label)s (%(keys)s).")
            % {"label": match["label"], "keys": ", ".join(key_label(k) for k in match["keys"])}
        )
    if issue.get("twin"):
        twin = issue["twin"]
        parts.append(
            _("Same as row %(row)s of this file (%(keys)s).")
            % {"row": twin["row"], "keys": ", ".join(key_label(k) for k in twin["keys"])}
        )
    return " ".join(parts)
