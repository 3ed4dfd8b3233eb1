"""The boards of the demo, written in bulk: boards, columns (WIP limits on In progress and Review), memberships,
tasks (assignees, tags, checklists, comments with @mentions, links to artists, deals and events, a few recurring
series). Bulk writes skip the services on purpose (20,000 tasks at the benchmark scale), so this module keeps
what the services would: sparse positions per column, ``completed_at`` in done columns, one "created" history
entry per task."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models.functions import Lower
from simple_history.utils import bulk_create_with_history

from planning.models import Board, BoardMembership, ChecklistItem, Column, Comment, Label, Task, TaskLink
from planning.recurrence import normalize_rrule, occurrences

from . import generators as g
from . import vocabulary as v

BATCH = 2_000
PRIORITY_WEIGHTS = [20, 50, 22, 8]  # low, normal, high, urgent
ESTIMATES = [Decimal(x) for x in ("0.5", "1", "2", "3", "4", "6", "8", "12", "16")]
# (board kind, title, RRULE, occurrences already done, hour)
RECURRING_TASKS = [
    ("social", "Weekly social report", "FREQ=WEEKLY;BYDAY=MO", 4, 11),
    ("label", "Relevé mensuel des royalties", "FREQ=MONTHLY;BYDAY=1MO", 2, 10),
    ("shoots", "Sauvegarde des rushes sur le NAS", "FREQ=WEEKLY;BYDAY=FR", 3, 17),
]


@dataclass
class People:
    """Who is on the boards: the demo users by role, then the staff by role (``writers``: Admin, Manager,
    Producer; ``streamers``, ``viewers``)."""

    demo: dict[str, Any]
    writers: list
    streamers: list
    viewers: list
    by: Any


@dataclass
class Catalogue:
    """What tasks and events refer to: the CRM's artists and open deals, sponsor names, the tags."""

    artists: list[tuple[int, str]]
    deals: list[int]
    sponsors: list[str]
    labels: dict[str, Label] = field(default_factory=dict)
    events: list[int] = field(default_factory=list)


def seed_labels() -> dict[str, Label]:
    existing = {label.name.lower(): label for label in Label.objects.annotate(key=Lower("name"))}
    missing = [Label(name=name, color=color) for name, color in v.LABELS if name.lower() not in existing]
    Label.objects.bulk_create(missing)
    existing.update({label.name.lower(): label for label in missing})
    return {name: existing[name.lower()] for name, _color in v.LABELS}


# --- boards, columns, members ------------------------------------------------------------------------------


def members_for(plan: g.BoardPlan, people: People, rng: random.Random) -> list[tuple[Any, str]]:
    """(user, role) on a board: the demo users (Label ops is for members only: no streamer, no viewer there),
    then a few more of the staff."""
    demo = people.demo
    owner_kinds = {"release", "live", "label"}
    chosen: list[tuple[Any, str]] = []
    for role, user in demo.items():
        if user is None:
            continue
        if role == "Admin":
            chosen.append((user, "owner"))
        elif role == "Manager":
            chosen.append((user, "owner" if plan.kind in owner_kinds or plan.benchmark else "editor"))
        elif role == "Producer":
            chosen.append((user, "owner" if plan.kind in {"shoots", "social"} else "editor"))
        elif not plan.members_only:
            chosen.append((user, "viewer"))
    taken = {user.pk for user, _ in chosen}
    extra_writers = [u for u in people.writers if u.pk not in taken]
    for user in rng.sample(extra_writers, min(len(extra_writers), rng.randint(2, 5))):
        chosen.append((user, "editor"))
    if not plan.members_only:
        readers = [u for u in people.streamers + people.viewers if u.pk not in taken]
        for user in rng.sample(readers, min(len(readers), rng.randint(0, 2))):
            chosen.append((user, "viewer"))
    return chosen


@dataclass
class BoardMade:
    plan: g.BoardPlan
    board: Board
    columns: list[Column]
    members: list[tuple[Any, str]]

    @property
    def editors(self) -> list:
        return [user for user, role in self.members if role in ("owner", "editor")]


def seed_boards(plans: list[g.BoardPlan], people: People, rng: random.Random) -> list[BoardMade]:
    boards = Board.objects.bulk_create(
        [
            Board(
                name=plan.name,
                description=plan.description,
                color=plan.color,
                visibility=Board.Visibility.MEMBERS if plan.members_only else Board.Visibility.TEAM,
                wip_policy=Board.WipPolicy.WARN if plan.warn else Board.WipPolicy.REFUSE,
                created_by=people.by,
            )
            for plan in plans
        ]
    )
    made = [
        BoardMade(plan, board, [], members_for(plan, people, rng))
        for plan, board in zip(plans, boards, strict=True)
    ]
    BoardMembership.objects.bulk_create(
        [BoardMembership(board=m.board, user=user, role=role) for m in made for user, role in m.members],
        batch_size=BATCH,
    )
    return made


def seed_columns(made: list[BoardMade], counts: list[list[int]]) -> None:
    columns = []
    for board, per_column in zip(made, counts, strict=True):
        for position, ((name, color, is_done, wip), count) in enumerate(
            zip(v.COLUMNS, per_column, strict=True)
        ):
            column = Column(
                board=board.board,
                name=name,
                position=position,
                color=color,
                is_done=is_done,
                wip_limit=g.wip_limit(wip, count),
            )
            board.columns.append(column)
            columns.append(column)
    Column.objects.bulk_create(columns, batch_size=BATCH)


# --- tasks ---------------------------------------------------------------------------------------------------


@dataclass
class TaskExtras:
    assignees: list[int]
    labels: list[int]
    checklist: list[tuple[str, bool]]
    comments: list[tuple[int, str, list[int]]]  # (author pk, body, mentioned pks)
    links: list[tuple[str, int]]  # ("artist" | "deal" | "event", pk)


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


FIRST_NAME = re.compile(r"[^\W\d_][\w'-]*")


def handle(user) -> str:
    """How the staff @mention someone (as :mod:`planning.services.comments` reads it): the first name, or the
    e-mail address when the first name would not read as one word."""
    return user.first_name if FIRST_NAME.fullmatch(user.first_name or "") else user.email


class TaskMaker:
    """Builds unsaved tasks with what hangs off them; positions are sparse and follow the build order."""

    def __init__(self, rng: random.Random, cat: Catalogue, today: date, now: datetime):
        self.rng, self.cat, self.today, self.now = rng, cat, today, now
        self.tasks: list[Task] = []
        self.extras: list[TaskExtras] = []
        self.positions: dict[int, int] = defaultdict(int)
        self.series: list[tuple[int, int]] = []  # [first, end) of each recurring series in ``tasks``

    def _text(self, pattern: str, board: BoardMade) -> str:
        rng = self.rng
        artist = board.plan.artist[1] if board.plan.artist else "MONA"
        if rng.random() < 0.3 and self.cat.artists:
            artist = rng.choice(self.cat.artists)[1]
        city = rng.choice(list(v.VENUES))
        return pattern.format(
            artist=artist,
            song=rng.choice(v.SONGS),
            city=city,
            venue=rng.choice(v.VENUES[city])[0],
            n=rng.randint(2, 8),
            month=v.MONTHS[(self.today.month - 2) % 12],
            sponsor=rng.choice(self.cat.sponsors) if self.cat.sponsors else "Maison Lumière",
            goal=rng.choice(v.GOALS),
        )

    def add(self, board: BoardMade, column_index: int, *, done_days: int) -> None:
        rng = self.rng
        column = board.columns[column_index]
        dates = g.task_dates(column_index, rng=rng, today=self.today, now=self.now, done_days=done_days)
        editors = board.editors or [m[0] for m in board.members]
        assignees = rng.sample(editors, min(len(editors), rng.choices([0, 1, 2, 3], [10, 55, 28, 7])[0]))
        owners = [u for u, role in board.members if role == "owner"]
        accountable = rng.choice(owners) if owners else None
        self.positions[column.pk] += g.POSITION_GAP
        task = Task(
            board=board.board,
            column=column,
            position=self.positions[column.pk],
            title=self._text(rng.choice(v.TASK_TITLES[board.plan.kind]), board)[:200],
            description=sentence(self._text(rng.choice(v.DESCRIPTIONS), board)) if rng.random() < 0.6 else "",
            priority=rng.choices(range(4), PRIORITY_WEIGHTS)[0],
            start_at=dates.start_at,
            due_at=dates.due_at,
            all_day=dates.all_day,
            completed_at=dates.completed_at,
            estimate_hours=rng.choice(ESTIMATES) if rng.random() < 0.5 else None,
            responsible=assignees[0] if assignees else None,
            accountable=accountable if assignees and rng.random() < 0.7 else None,
            created_by=rng.choice(editors) if editors else None,
        )
        self.tasks.append(task)
        self.extras.append(self._extras(board, assignees))

    def _extras(self, board: BoardMade, assignees: list) -> TaskExtras:
        rng, cat = self.rng, self.cat
        tags = v.BOARD_KINDS[board.plan.kind][3]
        labels = [cat.labels[name].pk for name in rng.sample(tags, rng.choices([0, 1, 2], [30, 50, 20])[0])]
        checklist = []
        if rng.random() < 0.4:
            items = rng.choice(v.CHECKLISTS)
            done_upto = rng.randint(0, len(items))
            checklist = [(text, i < done_upto) for i, text in enumerate(items)]
        comments = []
        people = [u for u, _role in board.members]
        for _ in range(rng.choices([0, 1, 2, 3], [62, 22, 11, 5])[0]):
            author = rng.choice(people)
            others = [u for u in people if u.pk != author.pk] or people
            first, second = rng.choice(others), rng.choice(others)
            pattern = rng.choice(v.COMMENTS).replace("{mention2}", "\x02").replace("{mention}", "\x01")
            body, mentioned = self._text(pattern, board), []
            for marker, user in (("\x01", first), ("\x02", second)):
                if marker in body:
                    body = body.replace(marker, handle(user))
                    if user.pk not in mentioned:
                        mentioned.append(user.pk)
            comments.append((author.pk, body, mentioned))
        links = []
        plan = board.plan
        if plan.artist and plan.kind in ("release", "shoots") and rng.random() < 0.7:
            links.append(("artist", plan.artist[0]))
        elif cat.artists and plan.kind in ("live", "social") and rng.random() < 0.5:
            links.append(("artist", rng.choice(cat.artists)[0]))
        if cat.deals and plan.kind == "label" and rng.random() < 0.4:
            links.append(("deal", rng.choice(cat.deals)))
        if cat.events and plan.kind in ("live", "shoots") and rng.random() < 0.15:
            links.append(("event", rng.choice(cat.events)))
        return TaskExtras([u.pk for u in assignees], labels, checklist, comments, links)

    def recurring(self, board: BoardMade, title: str, rule: str, done: int, hour: int) -> None:
        """A recurring series: its last ``done`` occurrences in Done (their next one spawned), then the open one
        (overdue if its date has passed)."""
        rng = self.rng
        anchor = g.local(self.today - timedelta(days=31 * done + 7), hour)
        rule = normalize_rrule(rule, start=anchor, tz_name=g.PARIS.key)
        dues = occurrences(
            rule,
            start=anchor,
            tz_name=g.PARIS.key,
            window_start=anchor,
            window_end=self.now + timedelta(days=40),
        )
        past = [due for due in dues if due <= self.now][-done:]
        dues = past + [due for due in dues if due > self.now][:1]
        owner = next((u for u, role in board.members if role == "owner"), None)
        responsible = rng.choice(board.editors) if board.editors else owner
        first = len(self.tasks)
        for index, due in enumerate(dues):
            is_done = index < len(past)
            column = board.columns[4 if is_done else 1]
            self.positions[column.pk] += g.POSITION_GAP
            self.tasks.append(
                Task(
                    board=board.board,
                    column=column,
                    position=self.positions[column.pk],
                    title=title,
                    description="Chiffres de la semaine, top posts : à partager en réunion d'équipe.",
                    priority=Task.Priority.NORMAL,
                    due_at=due,
                    completed_at=min(self.now, due - timedelta(hours=2)) if is_done else None,
                    estimate_hours=Decimal("1"),
                    responsible=responsible,
                    accountable=owner,
                    recurrence=rule,
                    next_spawned=is_done,
                    created_by=owner,
                )
            )
            self.extras.append(TaskExtras([responsible.pk] if responsible else [], [], [], [], []))
        self.series.append((first, len(self.tasks)))

    def save(self, by) -> dict[str, int]:
        tasks = bulk_create_with_history(self.tasks, Task, batch_size=BATCH, default_user=by)
        for start, end in self.series:
            root = tasks[start]
            for task in tasks[start + 1 : end]:
                task.series_root = root
            Task.objects.bulk_update(tasks[start + 1 : end], ["series_root"])
        through_assignees = Task.assignees.through
        through_labels = Task.labels.through
        through_assignees.objects.bulk_create(
            [
                through_assignees(task_id=t.pk, user_id=u)
                for t, x in zip(tasks, self.extras, strict=True)
                for u in x.assignees
            ],
            batch_size=BATCH * 5,
            ignore_conflicts=True,
        )
        through_labels.objects.bulk_create(
            [
                through_labels(task_id=t.pk, label_id=label)
                for t, x in zip(tasks, self.extras, strict=True)
                for label in x.labels
            ],
            batch_size=BATCH * 5,
            ignore_conflicts=True,
        )
        checklist = [
            ChecklistItem(task_id=t.pk, text=text, done=done, position=(i + 1) * g.POSITION_GAP)
            for t, x in zip(tasks, self.extras, strict=True)
            for i, (text, done) in enumerate(x.checklist)
        ]
        ChecklistItem.objects.bulk_create(checklist, batch_size=BATCH)
        comments, mentions = [], []
        for t, x in zip(tasks, self.extras, strict=True):
            for author, body, mentioned in x.comments:
                comments.append(Comment(task_id=t.pk, author_id=author, body=body))
                mentions.append(mentioned)
        Comment.objects.bulk_create(comments, batch_size=BATCH)
        through_mentions = Comment.mentions.through
        through_mentions.objects.bulk_create(
            [
                through_mentions(comment_id=c.pk, user_id=u)
                for c, users in zip(comments, mentions, strict=True)
                for u in users
            ],
            batch_size=BATCH * 5,
            ignore_conflicts=True,
        )
        types = {
            "artist": ContentType.objects.get_by_natural_key("crm", "artist"),
            "deal": ContentType.objects.get_by_natural_key("crm", "deal"),
            "event": ContentType.objects.get_by_natural_key("planning", "event"),
        }
        links = [
            TaskLink(task_id=t.pk, content_type=types[kind], object_id=pk)
            for t, x in zip(tasks, self.extras, strict=True)
            for kind, pk in dict.fromkeys(x.links)
        ]
        TaskLink.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
        return {
            "tasks": len(tasks),
            "checklist items": len(checklist),
            "comments": len(comments),
            "task links": len(links),
        }
