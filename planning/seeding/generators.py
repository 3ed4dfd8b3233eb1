"""Pure, deterministic pieces of the Planning demo data (no database): sizes per scale, the boards' plans, how
many tasks go in each column, task dates and event times. Given the same ``random.Random`` state they give the
same output."""

from __future__ import annotations

import random
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from . import vocabulary as v

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
POSITION_GAP = 1 << 16
BENCHMARK_BOARD = "Benchmark board"
BENCHMARK_TASKS = 500
BENCHMARK_FROM_SCALE = 10  # below that, the demo's boards only

# name → (count at --scale 1: the demo, count at --scale 100: the benchmark); in between and beyond: linear
COUNTS = {
    "boards": (5, 50),
    "tasks": (180, 20_000),
    "events": (90, 5_000),
}
EVENT_DAYS = 92  # events lie within ±3 months of today
OPEN_SHARE = 0.64  # of a board's tasks, not done (the rest: its Done column)
OPEN_CAP = (45, 70)  # a team board holds this many open tasks at most; older work is done
DONE_DAYS_PER_TASK = 3  # a board's done tasks go back this many days each (at least 150 days)


@dataclass(frozen=True)
class Sizes:
    boards: int
    tasks: int
    events: int
    benchmark: bool

    @property
    def recurring_events(self) -> int:
        return max(3, self.events // 250)

    @property
    def conflicts(self) -> int:
        return max(3, self.events // 100)


def sizes(scale: int) -> Sizes:
    """The demo at 1 (5 boards, 180 tasks, 90 events), the benchmark at 100 (50 boards, 20,000 tasks of which a
    "Benchmark board" of exactly 500, 5,000 events), on a line through both."""
    counts = {name: round(low + (high - low) * (scale - 1) / 99) for name, (low, high) in COUNTS.items()}
    return Sizes(**counts, benchmark=scale >= BENCHMARK_FROM_SCALE)


# --- boards --------------------------------------------------------------------------------------------------


@dataclass
class BoardPlan:
    name: str
    kind: str
    color: str
    description: str
    tasks: int
    artist: tuple[int, str] | None  # (pk, stage name) the board is about
    benchmark: bool = False
    members_only: bool = False
    warn: bool = False  # WIP policy: warn instead of refusing


def board_plans(
    size: Sizes, *, rng: random.Random, artists: list[tuple[int, str]], cities: list[str], regular_tasks: int
) -> list[BoardPlan]:
    """One board per demo kind first (Release — <artist> EP, Shoots & clips, Live shows, Label ops, Social
    content), then more of every kind under other names; at the benchmark sizes the "Benchmark board" of
    exactly 500 tasks. ``regular_tasks`` are shared between the other boards, a little unevenly."""
    count = size.boards - (1 if size.benchmark else 0)
    plans: list[BoardPlan] = []
    used: set[str] = set()
    for index in range(count):
        kind = v.DEMO_BOARD_KINDS[index % len(v.DEMO_BOARD_KINDS)]
        pattern, color, description, _tags = v.BOARD_KINDS[kind]
        artist = rng.choice(artists) if artists else None
        if index >= len(v.DEMO_BOARD_KINDS):
            pattern = rng.choice(v.MORE_BOARD_NAMES[kind])
        name = pattern.format(
            artist=artist[1] if artist else "MONA", season=rng.choice(v.SEASONS), city=rng.choice(cities)
        )
        while name in used:
            name = f"{name} ({len(used) + 1})"
        used.add(name)
        plans.append(
            BoardPlan(
                name=name,
                kind=kind,
                color=color,
                description=description.format(artist=artist[1] if artist else "MONA"),
                tasks=0,
                artist=artist,
                members_only=kind == "label",
                warn=kind == "social",
            )
        )
    for plan, n in zip(plans, spread(regular_tasks, len(plans), rng=rng), strict=True):
        plan.tasks = n
    if size.benchmark:
        plans.append(
            BoardPlan(
                name=BENCHMARK_BOARD,
                kind="release",
                color="#495057",
                description="500 tasks for benchmarks/planning.py.",
                tasks=BENCHMARK_TASKS,
                artist=rng.choice(artists) if artists else None,
                benchmark=True,
            )
        )
    return plans


def spread(total: int, parts: int, *, rng: random.Random, low: float = 0.7, high: float = 1.3) -> list[int]:
    """``total`` split in ``parts`` uneven shares that add up exactly."""
    if parts <= 0:
        return []
    weights = [rng.uniform(low, high) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % parts] += 1
    return counts


def column_counts(tasks: int, *, rng: random.Random, benchmark: bool = False) -> list[int]:
    """Tasks per column (Backlog, To do, In progress, Review, Done). A team board keeps a few dozen open tasks;
    the rest of a large board is its history, in Done. The benchmark board keeps the demo's proportions."""
    weights = v.COLUMN_WEIGHTS
    open_weights = weights[:-1]
    open_total = round(tasks * OPEN_SHARE)
    if not benchmark:
        open_total = min(open_total, rng.randint(*OPEN_CAP))
    counts = [round(open_total * w / sum(open_weights)) for w in open_weights]
    counts[1] += open_total - sum(counts)
    counts.append(tasks - sum(counts))
    return counts


def wip_limit(default: int | None, count: int) -> int | None:
    """The column's WIP limit: the demo's default, raised above what the seed puts there (never overfull)."""
    if default is None:
        return None
    return max(default, count + max(2, count // 4))


# --- dates ---------------------------------------------------------------------------------------------------


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """``day`` at ``hour``:``minute`` in Paris, as UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS).astimezone(UTC)


@dataclass(frozen=True)
class TaskDates:
    start_at: datetime | None
    due_at: datetime | None
    all_day: bool
    completed_at: datetime | None


def task_dates(column: int, *, rng: random.Random, today: date, now: datetime, done_days: int) -> TaskDates:
    """Dates of a task in column ``column`` (0 Backlog … 4 Done): open work due around today (some overdue),
    the backlog mostly undated, done work in the past (completed near its due date)."""
    dated_odds, low, high = [(0.3, 20, 150), (0.8, -6, 60), (0.9, -10, 21), (0.9, -5, 10), (0.85, 0, 0)][
        column
    ]
    done = column == 4
    if done:
        low, high = -done_days, 0
    completed = None
    if rng.random() >= dated_odds:
        if done:
            completed = now - timedelta(days=rng.randint(1, done_days), minutes=rng.randint(0, 600))
        return TaskDates(None, None, False, completed)
    day = today + timedelta(days=rng.randint(low, high))
    all_day = rng.random() < 0.4
    due = local(day, 0) if all_day else local(day, rng.choice([10, 12, 14, 17, 18]), rng.choice([0, 0, 30]))
    start = None
    if column in (2, 3) and rng.random() < 0.5:
        start = due - timedelta(days=rng.randint(2, 14))
    if done:
        completed = min(now, due + timedelta(days=rng.randint(-3, 2), hours=rng.randint(-5, 5)))
    return TaskDates(start, due, all_day, completed)


@dataclass(frozen=True)
class EventTimes:
    starts_at: datetime
    ends_at: datetime
    all_day: bool


def event_times(kind: str, *, rng: random.Random, today: date, days: int = EVENT_DAYS) -> EventTimes:
    """When an event of ``kind`` happens: within ±``days`` of today, at the hours such events keep (a release is
    all day, midnight to midnight in Paris; a shoot takes the day; a concert the evening)."""
    day = today + timedelta(days=rng.randint(-days, days))
    hours = v.EVENT_KINDS[kind][1]
    if hours is None:
        return EventTimes(local(day, 0), local(day + timedelta(days=1), 0), True)
    start_hour = rng.randint(hours[0], max(hours[0], hours[1] - 2))
    minute = rng.choice([0, 0, 30])
    length = {"concert": 150, "shoot": 8 * 60, "meeting": 60, "live": 90, "other": 120}[kind]
    length += rng.choice([0, 0, 30, 60]) if kind != "meeting" else rng.choice([0, 0, 30])
    starts = local(day, start_hour, minute)
    return EventTimes(starts, starts + timedelta(minutes=length), False)


def event_status(starts_at: datetime, *, rng: random.Random, now: datetime) -> str:
    roll = rng.random()
    if roll < 0.05:
        return "cancelled"
    if starts_at < now:
        return "done"
    return "tentative" if roll < 0.3 else "confirmed"
