"""Writing an import: the rows the person decided to create or update become records, in chunks, with bulk
operations (one COPY or INSERT per table per chunk, never one per row; see :mod:`.bulk`). Runs inside the caller's transaction; raises
:class:`ImportAborted` when a row cannot be written as the preview promised (all-or-nothing: the caller's
transaction then rolls everything back).

Update means: the file's non-empty cells overwrite the record's fields; lists (aliases, languages, genres, tags,
social profiles) are merged; an audience figure records today's snapshot. Empty cells never erase anything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from crm.models import Artist, AudienceSnapshot, Contact, Genre, ImportJob, SocialProfile, Sponsor, Tag

from .bulk import allocate_ids, copy_history, copy_insert, copy_links
from .checking import (
    ALL_DUPLICATES,
    CREATE,
    SKIP,
    UPDATE,
    Names,
    RowChecker,
    RowResult,
    decision_for,
    describe_issue,
)
from .fields import AUDIENCE_FIELDS, SOCIAL_PLATFORMS
from .values import norm

CHUNK = 1000

ARTIST_FIELDS = ("stage_name", "legal_name", "email", "phone", "website", "country", "city", "bio", "status")
ARTIST_LISTS = ("aliases", "languages")
SPONSOR_FIELDS = ("name", "industry", "website", "budget_min", "budget_max", "currency", "brand_safety_notes")
SPONSOR_LISTS = ("target_regions", "target_age_bands")
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "role", "notes", "sponsor_id", "artist_id")

MODELS = {ImportJob.Kind.ARTISTS: Artist, ImportJob.Kind.SPONSORS: Sponsor, ImportJob.Kind.CONTACTS: Contact}


class ImportAborted(Exception):
    """The import cannot be written as previewed; ``str()`` says why (shown on the failed job)."""


class Writer:
    def __init__(self, *, job: ImportJob, checker: RowChecker, by: Any, report: Callable[[int], None]):
        self.job = job
        self.checker = checker
        self.by = by
        self.report = report
        self.kind = job.kind
        self.model = MODELS[job.kind]
        self.decisions = {str(k): v for k, v in (job.decisions or {}).items()}
        # what the preview showed for each row needing attention: "update" targets the record shown there
        self.previewed = {
            entry["row"]: entry for entry in (job.log or []) if isinstance(entry, dict) and "row" in entry
        }
        self.log: list[dict] = []
        self.counts: Counter = Counter()
        self.pending: list[tuple[RowResult, str]] = []
        self.updates: dict[int, models.Model] = {}  # record id → instance being updated
        self.updated_fields: set[str] = set()
        self.touched_artists: set[int] = set()
        self.snapshot_artists: set[int] = set()
        self.new_handles: set[tuple[str, str]] = set()
        self.today = timezone.localdate()
        self.change_reason = _("Import #%(number)s") % {"number": job.pk}

    # --- the pass over the file --------------------------------------------------------------------------

    def run(self) -> None:
        processed = 0
        for result in self.checker.rows():
            processed += 1
            decision = self._decision(result)
            if decision in ("error", SKIP):
                self._note(
                    result,
                    "error" if decision == "error" else "skipped",
                    describe_issue(self.checker.spec, result.issue()),
                )
            else:
                self.pending.append((result, decision))
            if len(self.pending) >= CHUNK:
                self._flush()
                self.report(processed)
        self._flush()
        self._finish_updates()
        self.report(processed)
        self.log.sort(key=lambda entry: entry["row"])

    def _decision(self, result: RowResult) -> str:
        fresh = result.issue() if result.needs_attention else None
        chosen = self.decisions.get(str(result.number))
        previewed = self.previewed.get(result.number)
        if chosen == UPDATE and not result.blocked and previewed and previewed.get("match"):
            result.match = previewed["match"]  # update the record the person saw, not a new guess
            return UPDATE
        if fresh and (fresh["match"] or fresh["twin"]) and not previewed and chosen is None:
            # a duplicate that appeared since the preview: the rule for duplicates applies
            default = self.decisions.get(ALL_DUPLICATES)
            return default if default in (SKIP, CREATE) else SKIP
        return decision_for(fresh, self.decisions)

    def _note(self, result: RowResult, outcome: str, message: str = "", record_id: int | None = None) -> None:
        self.counts[outcome] += 1
        entry = {"row": result.number, "outcome": outcome, "label": result.label, "message": message}
        if record_id:
            entry["id"] = record_id
        self.log.append(entry)

    # --- chunks --------------------------------------------------------------------------------------------

    def _flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        creates = [r for r, d in batch if d == CREATE]
        updates = [r for r, d in batch if d == UPDATE]
        self._load_updates(updates)
        self._ensure_names(batch)
        getattr(self, f"_write_{self.kind}")(creates, updates)

    def _load_updates(self, updates: list[RowResult]) -> None:
        wanted = {r.match["id"] for r in updates} - set(self.updates)
        if wanted:
            self.updates.update(self.model.objects.in_bulk(wanted))
        for result in updates:
            if result.match["id"] not in self.updates:
                raise ImportAborted(
                    _(
                        "Row %(row)s was to update “%(label)s”, which has been deleted since the preview. "
                        "Check the rows again."
                    )
                    % {"row": result.number, "label": result.match["label"]}
                )

    def _ensure_names(self, batch: list[tuple[RowResult, str]]) -> None:
        """Creates the genres and tags this chunk names that do not exist yet."""
        genre_field = "target_genres" if self.kind == ImportJob.Kind.SPONSORS else "genres"
        self._create_names(
            self.checker.genres, Genre, [n for r, _d in batch for n in r.values.get(genre_field, [])]
        )
        self._create_names(self.checker.tags, Tag, [n for r, _d in batch for n in r.values.get("tags", [])])

    def _create_names(self, names: Names, model: type[models.Model], wanted: list[str]) -> None:
        missing: dict[str, str] = {}
        for name in wanted:
            key = norm(name)
            if key not in names.ids:
                missing.setdefault(key, name)
        if not missing:
            return
        objects = []
        if model is Genre:
            slugs = set(Genre.objects.values_list("slug", flat=True))
            for name in missing.values():
                base = slugify(name)[:55] or "genre"
                slug, n = base, 1
                while slug in slugs:
                    n += 1
                    slug = f"{base}-{n}"
                slugs.add(slug)
                objects.append(Genre(name=name, slug=slug))
        else:
            objects = [Tag(name=name) for name in missing.values()]
        for obj in model.objects.bulk_create(objects):
            names.ids[norm(obj.name)] = obj.pk

    def _links(self, field: str, owner_attr: str, target_attr: str, pairs: list, *, new: bool) -> None:
        """Many-to-many rows: one COPY for new records; ``ignore_conflicts`` for updated ones (the record may
        already have that genre or tag)."""
        names = self.checker.tags if field == "tags" else self.checker.genres
        through = self.model._meta.get_field(field).remote_field.through
        links = {(pk, names.ids[norm(name)]) for pk, values in pairs for name in values}
        if not links:
            return
        if new:
            copy_links(through, owner_attr, target_attr, sorted(links))
        else:
            rows = [through(**{owner_attr: pk, target_attr: target}) for pk, target in links]
            through.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)

    def _create(self, objects: list[models.Model]) -> None:
        """New records with their ids (taken from the sequence first), by COPY, with their first history row
        when the model keeps history."""
        for obj, pk in zip(objects, allocate_ids(self.model, len(objects)), strict=True):
            obj.pk = pk
        copy_insert(self.model, objects)
        if hasattr(self.model, "history"):
            copy_history(self.model, objects, user=self.by, reason=self.change_reason, when=timezone.now())

    # --- artists -------------------------------------------------------------------------------------------

    def _write_artists(self, creates: list[RowResult], updates: list[RowResult]) -> None:
        socials: list[SocialProfile] = []
        artists = [self._new_artist(r.values) for r in creates]
        self._create(artists)
        snapshots, genres, tags = [], [], []
        for result, artist in zip(creates, artists, strict=True):
            notes = self._socials(result, artist.pk, socials)
            snapshots += self._snapshots(result.values, artist.pk)
            genres.append((artist.pk, result.values.get("genres", [])))
            tags.append((artist.pk, result.values.get("tags", [])))
            self.touched_artists.add(artist.pk)
            self._note(result, "created", " ".join(notes), artist.pk)
        self._links("genres", "artist_id", "genre_id", genres, new=True)
        self._links("tags", "artist_id", "tag_id", tags, new=True)
        copy_insert(AudienceSnapshot, snapshots, with_pk=False)

        snapshots, genres, tags = [], [], []
        for result in updates:
            artist = self.updates[result.match["id"]]
            changes = self._apply(artist, result.values, ARTIST_FIELDS, ARTIST_LISTS)
            artist.normalized_name = norm(artist.stage_name)
            artist.aliases = [a for a in artist.aliases if norm(a) != artist.normalized_name]
            notes = self._socials(result, artist.pk, socials)
            new_snapshots = self._snapshots(result.values, artist.pk)
            if new_snapshots:
                self.snapshot_artists.add(artist.pk)
                snapshots += new_snapshots
            genres.append((artist.pk, result.values.get("genres", [])))
            tags.append((artist.pk, result.values.get("tags", [])))
            self.touched_artists.add(artist.pk)
            self._note(result, "updated", " ".join([changes, *notes]), artist.pk)
        self._links("genres", "artist_id", "genre_id", genres, new=False)
        self._links("tags", "artist_id", "tag_id", tags, new=False)
        copy_insert(SocialProfile, socials, with_pk=False)  # checked: no handle is taken twice
        if snapshots:
            # one row per artist, platform and day (two rows updating the same artist: the later one wins)
            unique = {(s.artist_id, s.platform, s.date): s for s in snapshots}
            AudienceSnapshot.objects.bulk_create(
                list(unique.values()),
                batch_size=5000,
                update_conflicts=True,
                unique_fields=["artist", "platform", "date"],
                update_fields=["followers", "monthly_listeners"],
            )

    def _new_artist(self, values: dict) -> Artist:
        artist = Artist(**{f: values[f] for f in ARTIST_FIELDS if f in values})
        artist.aliases = values.get("aliases", [])
        artist.languages = values.get("languages", [])
        artist.normalized_name = norm(artist.stage_name)
        artist.audience_total = sum(
            values.get(f, 0) for f, (_p, attr) in AUDIENCE_FIELDS.items() if attr == "followers"
        )
        return artist

    def _socials(self, result: RowResult, artist_id: int, out: list[SocialProfile]) -> list[str]:
        """Adds the row's social profiles that nobody has yet; says which ones were left out and why."""
        notes = []
        labels = {f.name: f.label for f in self.checker.spec.fields}
        for platform in SOCIAL_PLATFORMS:
            social = result.values.get(platform)
            if not social:
                continue
            key = (platform, social["handle"].lower())
            owner = self.checker.handles.get(key)
            if owner == artist_id:
                continue
            if owner is not None or key in self.new_handles:
                notes.append(
                    _("%(platform)s @%(handle)s already belongs to another artist: not added.")
                    % {"platform": labels[platform], "handle": social["handle"]}
                )
                continue
            self.new_handles.add(key)
            out.append(
                SocialProfile(
                    artist_id=artist_id, platform=platform, handle=social["handle"], url=social["url"]
                )
            )
        return notes

    def _snapshots(self, values: dict, artist_id: int) -> list[AudienceSnapshot]:
        per_platform: dict[str, dict] = {}
        for name, (platform, attr) in AUDIENCE_FIELDS.items():
            if name in values:
                per_platform.setdefault(platform, {})[attr] = values[name]
        return [
            AudienceSnapshot(
                artist_id=artist_id,
                platform=platform,
                date=self.today,
                followers=figures.get("followers", 0),
                monthly_listeners=figures.get("monthly_listeners"),
            )
            for platform, figures in per_platform.items()
        ]

    # --- sponsors ------------------------------------------------------------------------------------------

    def _write_sponsors(self, creates: list[RowResult], updates: list[RowResult]) -> None:
        sponsors = []
        for result in creates:
            values = result.values
            sponsor = Sponsor(**{f: values[f] for f in SPONSOR_FIELDS if f in values})
            for name in SPONSOR_LISTS:
                setattr(sponsor, name, values.get(name, []))
            sponsor.normalized_name = norm(sponsor.name)
            sponsors.append(sponsor)
        self._create(sponsors)
        genres, tags = [], []
        for result, sponsor in zip(creates, sponsors, strict=True):
            genres.append((sponsor.pk, result.values.get("target_genres", [])))
            tags.append((sponsor.pk, result.values.get("tags", [])))
            self._note(result, "created", "", sponsor.pk)
        self._links("target_genres", "sponsor_id", "genre_id", genres, new=True)
        self._links("tags", "sponsor_id", "tag_id", tags, new=True)

        genres, tags = [], []
        for result in updates:
            sponsor = self.updates[result.match["id"]]
            changes = self._apply(sponsor, result.values, SPONSOR_FIELDS, SPONSOR_LISTS)
            sponsor.normalized_name = norm(sponsor.name)
            if (
                sponsor.budget_min is not None
                and sponsor.budget_max is not None
                and sponsor.budget_max < sponsor.budget_min
            ):
                raise ImportAborted(
                    _("Row %(row)s would leave “%(label)s” with an upper budget below the lower one.")
                    % {"row": result.number, "label": sponsor.name}
                )
            genres.append((sponsor.pk, result.values.get("target_genres", [])))
            tags.append((sponsor.pk, result.values.get("tags", [])))
            self._note(result, "updated", changes, sponsor.pk)
        self._links("target_genres", "sponsor_id", "genre_id", genres, new=False)
        self._links("tags", "sponsor_id", "tag_id", tags, new=False)

    # --- contacts ------------------------------------------------------------------------------------------

    def _write_contacts(self, creates: list[RowResult], updates: list[RowResult]) -> None:
        contacts = []
        for result in creates:
            contact = Contact(**{f: result.values[f] for f in CONTACT_FIELDS if f in result.values})
            contact.normalized_name = norm(contact.full_name)
            contacts.append(contact)
        self._create(contacts)
        tags = []
        for result, contact in zip(creates, contacts, strict=True):
            tags.append((contact.pk, result.values.get("tags", [])))
            self._note(result, "created", "", contact.pk)
        self._links("tags", "contact_id", "tag_id", tags, new=True)

        tags = []
        for result in updates:
            contact = self.updates[result.match["id"]]
            values = dict(result.values)
            if values.get("sponsor_id"):
                values["artist_id"] = None  # one organisation: the file's replaces the record's
            elif values.get("artist_id"):
                values["sponsor_id"] = None
            changes = self._apply(contact, values, CONTACT_FIELDS, (), allow_none=("artist_id", "sponsor_id"))
            contact.normalized_name = norm(contact.full_name)
            tags.append((contact.pk, result.values.get("tags", [])))
            self._note(result, "updated", changes, contact.pk)
        self._links("tags", "contact_id", "tag_id", tags, new=False)

    # --- updates -------------------------------------------------------------------------------------------

    def _apply(self, instance, values: dict, fields: tuple, lists: tuple, allow_none: tuple = ()) -> str:
        """Sets the file's values on ``instance``; returns "Changed: city, aliases." for the log ("" if nothing)."""
        changed = []
        for name in fields:
            if name in values and (values[name] not in (None, "") or name in allow_none):
                if getattr(instance, name) != values[name]:
                    changed.append(name)
                setattr(instance, name, values[name])
                self.updated_fields.add(name)
        for name in lists:
            if values.get(name):
                current = list(getattr(instance, name) or [])
                added = [v for v in values[name] if v not in current]
                if added:
                    changed.append(name)
                setattr(instance, name, current + added)
                self.updated_fields.add(name)
        changed += [name for name in ("genres", "target_genres", "tags") if values.get(name)]
        changed += [name for name in (*SOCIAL_PLATFORMS, *AUDIENCE_FIELDS) if values.get(name)]
        if not changed:
            return _("Nothing new in the file.")
        spec = self.checker.spec
        labels = [str(spec.by_name[n].label) if n in spec.by_name else n.removesuffix("_id") for n in changed]
        return _("Changed: %(fields)s.") % {"fields": ", ".join(dict.fromkeys(labels))}

    def _finish_updates(self) -> None:
        if not self.updates:
            return
        instances = list(self.updates.values())
        fields = sorted(self.updated_fields | {"normalized_name", "updated_at"})
        now = timezone.now()
        for instance in instances:
            instance.updated_at = now
        if self.model is Contact:
            Contact.objects.bulk_update(instances, fields, batch_size=CHUNK)
        else:
            bulk_update_with_history(
                instances,
                self.model,
                fields,
                batch_size=CHUNK,
                default_user=self.by,
                default_change_reason=self.change_reason,
            )
        if self.snapshot_artists:
            from crm.services.records import artist_audience_refresh

            artist_audience_refresh(artist_ids=sorted(self.snapshot_artists))
