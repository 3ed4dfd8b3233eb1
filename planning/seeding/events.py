"""A season of events (±3 months): concerts in Paris, Lyon and Marseille, shoots, meetings, releases, lives,
with the CRM's artists and the team; a weekly team meeting and other recurring series (valid RRULEs, expanded in
Europe/Paris); and a few double bookings, so the conflict warnings have something to find. Written in bulk."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from simple_history.utils import bulk_create_with_history

from planning.models import ChecklistItem, Event
from planning.recurrence import normalize_rrule, occurrences

from . import generators as g
from . import vocabulary as v
from .tasks import BATCH, Catalogue, People

# (title, kind, RRULE, weekday of the first one (0 Monday), hour, minutes, how long ago it began in weeks)
SERIES = [
    ("Réunion d'équipe hebdo", "meeting", "FREQ=WEEKLY;BYDAY=MO", 0, 10, 60, 13),
    ("Point social media", "meeting", "FREQ=WEEKLY;BYDAY=TH;COUNT=26", 3, 15, 45, 10),
    ("Comité label", "meeting", "FREQ=MONTHLY;BYDAY=1TU;UNTIL={until}", 1, 14, 90, 12),
]
MORE_SERIES = [
    ("Weekly {topic} sync", "FREQ=WEEKLY;BYDAY={day}"),
    ("Point {topic}", "FREQ=WEEKLY;INTERVAL=2;BYDAY={day}"),
    ("Live hebdo — {artist}", "FREQ=WEEKLY;BYDAY={day};COUNT=20"),
]
TOPICS = ["booking", "release", "prod", "brand deals", "label", "live", "social", "tournée"]
DAYS = ["MO", "TU", "WE", "TH", "FR"]
EVENT_CHECKLISTS = {
    "concert": ["Fiche technique envoyée", "Balances calées", "Guest list", "Merch chargé"],
    "shoot": ["Call sheet", "Matériel loué", "Autorisations", "Catering"],
    "release": ["Audio livré", "Artwork livré", "Pitch envoyé", "Posts programmés"],
}


class EventMaker:
    def __init__(self, rng: random.Random, people: People, cat: Catalogue, today: date, now: datetime):
        self.rng, self.people, self.cat, self.today, self.now = rng, people, cat, today, now
        self.events: list[Event] = []
        self.artists: list[list[int]] = []
        self.members: list[list[int]] = []
        self.checklists: list[list[tuple[str, bool]]] = []
        crew = [u for u in (people.demo.get("Manager"), people.demo.get("Producer")) if u is not None]
        self.crew = crew

    def _people(self, kind: str) -> list[int]:
        rng, people = self.rng, self.people
        pool = people.writers + (people.streamers if kind == "live" else [])
        chosen = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        demo = self.people.demo
        lead = {"shoot": "Producer", "live": "Streamer", "concert": "Manager", "meeting": "Manager"}.get(kind)
        if lead and demo.get(lead) is not None and rng.random() < 0.35:
            chosen.append(demo[lead])
        return list(dict.fromkeys(u.pk for u in chosen))

    def _place(self, kind: str) -> tuple[str, str]:
        rng = self.rng
        if kind in ("meeting", "release"):
            return v.OFFICE if kind == "meeting" and rng.random() < 0.7 else ("", "")
        if kind in ("live", "other"):
            return v.VENUES["Paris"][4]
        city = rng.choices(list(v.VENUES), [60, 22, 18])[0]
        return rng.choice(v.VENUES[city])

    def _title(self, kind: str, artist: str, venue: str = "") -> str:
        rng = self.rng
        pattern = rng.choice(v.EVENT_KINDS[kind][0])
        return pattern.format(
            artist=artist,
            venue=venue,
            song=rng.choice(v.SONGS),
            month=v.MONTHS[self.today.month - 1],
            sponsor=rng.choice(self.cat.sponsors) if self.cat.sponsors else "Maison Lumière",
        )

    def _add(self, event: Event, artists: list[int], members: list[int], checklist=()) -> Event:
        self.events.append(event)
        self.artists.append(artists)
        self.members.append(members)
        self.checklists.append(list(checklist))
        return event

    def one(self) -> Event:
        rng = self.rng
        kinds = list(v.EVENT_KINDS)
        kind = rng.choices(kinds, [v.EVENT_KINDS[k][2] for k in kinds])[0]
        times = g.event_times(kind, rng=rng, today=self.today)
        artist = rng.choice(self.cat.artists) if self.cat.artists else (0, "MONA")
        artists = [artist[0]] if self.cat.artists and (kind != "meeting" or rng.random() < 0.5) else []
        venue, location = self._place(kind)
        title = self._title(kind, artist[1], venue or "Paris")
        checklist = []
        if kind in EVENT_CHECKLISTS and rng.random() < 0.25:
            done = times.starts_at < self.now
            checklist = [(text, done or rng.random() < 0.4) for text in EVENT_CHECKLISTS[kind]]
        return self._add(
            Event(
                kind=kind,
                title=title[:200],
                starts_at=times.starts_at,
                ends_at=times.ends_at,
                all_day=times.all_day,
                venue=venue,
                location=location,
                status=g.event_status(times.starts_at, rng=rng, now=self.now),
                notes=rng.choice(v.EVENT_NOTES),
                created_by=rng.choice(self.crew) if self.crew else None,
            ),
            artists,
            self._people(kind),
            checklist,
        )

    def series(self, title: str, kind: str, rule: str, weekday: int, hour: int, minutes: int, weeks: int):
        monday = self.today - timedelta(days=self.today.weekday())
        day = monday - timedelta(weeks=weeks) + timedelta(days=weekday)
        starts = g.local(day, hour)
        until = (self.today + timedelta(days=180)).strftime("%Y%m%d")
        rule = normalize_rrule(rule.format(until=until), start=starts, tz_name=g.PARIS.key)
        exdates = []
        if kind == "meeting" and weeks > 6 and "WEEKLY" in rule:  # one was cancelled (a bank holiday)
            past = occurrences(
                rule, start=starts, tz_name=g.PARIS.key, window_start=starts, window_end=self.now
            )
            if len(past) > 4:
                exdates = [past[len(past) // 2]]
        members = [u.pk for u in self.people.demo.values() if u is not None and kind == "meeting"]
        members = members or self._people(kind)
        return self._add(
            Event(
                kind=kind,
                title=title,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=minutes),
                venue=v.OFFICE[0] if kind == "meeting" else v.VENUES["Paris"][4][0],
                location=v.OFFICE[1] if kind == "meeting" else v.VENUES["Paris"][4][1],
                recurrence=rule,
                exdates=exdates,
                status=Event.Status.CONFIRMED,
                notes="Ordre du jour dans le doc partagé.",
                created_by=self.people.by,
            ),
            [],
            members,
        )

    def more_series(self) -> None:
        rng = self.rng
        pattern, rule = rng.choice(MORE_SERIES)
        artist = rng.choice(self.cat.artists)[1] if self.cat.artists else "MONA"
        title = pattern.format(topic=rng.choice(TOPICS), artist=artist)
        day = rng.randrange(len(DAYS))
        kind = "live" if "Live" in pattern else "meeting"
        self.series(
            title,
            kind,
            rule.format(day=DAYS[day]),
            day,
            rng.choice([9, 11, 14, 16, 18]),
            60,
            rng.randint(2, 12),
        )
        if kind == "meeting":  # a team's meeting: its own few people, not every demo user
            self.members[-1] = self._people("meeting")

    def conflict(self) -> None:
        """A double booking: an event overlapping an earlier timed one, sharing its artist or a member."""
        rng = self.rng
        timed = [
            i for i, e in enumerate(self.events) if not e.all_day and not e.recurrence and self.artists[i]
        ]
        if not timed:
            return
        base_index = rng.choice(timed)
        base = self.events[base_index]
        kind = rng.choice(["meeting", "shoot", "live"])
        starts = base.starts_at + timedelta(minutes=rng.choice([-30, 0, 30]))
        artist = self.cat.artists[0][1]
        for pk, name in self.cat.artists:
            if pk == self.artists[base_index][0]:
                artist = name
                break
        shared_artist = rng.random() < 0.6 or not self.members[base_index]
        self._add(
            Event(
                kind=kind,
                title=self._title(kind, artist)[:200],
                starts_at=starts,
                ends_at=starts + timedelta(minutes=90),
                venue=self._place(kind)[0],
                status=g.event_status(starts, rng=rng, now=self.now),
                created_by=rng.choice(self.crew) if self.crew else None,
            ),
            list(self.artists[base_index]) if shared_artist else [],
            [rng.choice(self.members[base_index])] if not shared_artist else self._people(kind),
        )

    def save(self, by: Any) -> dict[str, int]:
        events = bulk_create_with_history(self.events, Event, batch_size=BATCH, default_user=by)
        artists = Event.artists.through
        artists.objects.bulk_create(
            [
                artists(event_id=e.pk, artist_id=a)
                for e, pks in zip(events, self.artists, strict=True)
                for a in pks
            ],
            batch_size=BATCH * 5,
            ignore_conflicts=True,
        )
        members = Event.members.through
        members.objects.bulk_create(
            [
                members(event_id=e.pk, user_id=u)
                for e, pks in zip(events, self.members, strict=True)
                for u in pks
            ],
            batch_size=BATCH * 5,
            ignore_conflicts=True,
        )
        checklist = [
            ChecklistItem(event_id=e.pk, text=text, done=done, position=(i + 1) * g.POSITION_GAP)
            for e, items in zip(events, self.checklists, strict=True)
            for i, (text, done) in enumerate(items)
        ]
        ChecklistItem.objects.bulk_create(checklist, batch_size=BATCH)
        self.cat.events = [e.pk for e in events if e.kind in ("concert", "shoot")]
        return {
            "events": len(events),
            "recurring events": sum(1 for e in events if e.recurrence),
            "event checklist items": len(checklist),
        }


def seed_events(maker: EventMaker, *, count: int, recurring: int, conflicts: int) -> None:
    made = 0
    for title, kind, rule, weekday, hour, minutes, weeks in SERIES[:recurring]:
        maker.series(title, kind, rule, weekday, hour, minutes, weeks)
        made += 1
    for _ in range(recurring - made):
        maker.more_series()
    for _ in range(count - recurring - conflicts):
        maker.one()
    for _ in range(conflicts):
        maker.conflict()
