"""Planning's demo data (``manage.py seed_demo``): a believable agency's boards and season.

At ``--scale 1``: five boards ("Release — <artist> EP", "Shoots & clips", "Live shows", "Label ops" for members
only, "Social content" warning past its WIP limits) with Backlog / To do / In progress / Review / Done columns,
the demo users as owners, editors and viewers, 180 tasks written as the staff would (French and English,
Markdown, checklists, comments with @mentions, tags, priorities, due dates around today with some overdue,
responsible/accountable, estimates, links to the CRM's artists and deals), recurring tasks ("Weekly social
report", FREQ=WEEKLY;BYDAY=MO…), and 90 events over ±3 months (concerts in Paris, Lyon and Marseille, shoots,
meetings, releases, lives; a weekly team meeting; a few double bookings). ``--scale 100`` is the benchmark's
size: 50 boards with 20,000 tasks, one of them the "Benchmark board" of exactly 500 tasks, and 5,000 events.

Deterministic (everything comes from the seed's RNG), and bulk: no service runs per row. Runs after the CRM's
step, whose artists and deals it links to.
"""

from __future__ import annotations

import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from accounts import roles
from core.seeding import SeedContext, register_seed_step

from . import generators as g
from . import vocabulary as v
from .events import EventMaker, seed_events
from .tasks import RECURRING_TASKS, Catalogue, People, TaskMaker, seed_boards, seed_columns, seed_labels


def planning_people(ctx: SeedContext) -> People:
    User = get_user_model()
    staff = list(ctx.staff) or list(User.objects.filter(is_active=True).order_by("pk"))
    by_role: dict[str, list] = {name: [] for name in roles.ROLES}
    for user in User.objects.filter(pk__in=[u.pk for u in staff]).prefetch_related("groups").order_by("pk"):
        for group in user.groups.all():
            by_role.setdefault(group.name, []).append(user)
    writers = by_role[roles.ADMIN] + by_role[roles.MANAGER] + by_role[roles.PRODUCER]
    if not writers:
        raise RuntimeError("The Planning demo data needs staff who plan: run the users step first.")
    demo = {role: ctx.users.get(role) for role in (roles.ADMIN, roles.MANAGER, roles.PRODUCER)}
    demo |= {role: ctx.users.get(role) for role in (roles.STREAMER, roles.VIEWER)}
    demo = {role: user for role, user in demo.items() if user is not None}
    return People(
        demo=demo,
        writers=writers,
        streamers=by_role[roles.STREAMER],
        viewers=by_role[roles.VIEWER],
        by=demo.get(roles.MANAGER) or writers[0],
    )


def catalogue() -> Catalogue:
    """The CRM records tasks and events refer to (none when the CRM's step did not run)."""
    from crm.models import Artist, Deal, Sponsor, Stage

    signed = list(Artist.objects.filter(status="signed").order_by("pk").values_list("pk", "stage_name"))
    artists = signed or list(Artist.objects.order_by("pk").values_list("pk", "stage_name"))
    deals = list(
        Deal.objects.filter(stage__outcome=Stage.Outcome.OPEN).order_by("pk").values_list("pk", flat=True)
    )
    sponsors = list(Sponsor.objects.order_by("pk").values_list("name", flat=True)[:500])
    return Catalogue(artists=artists, deals=deals, sponsors=sponsors)


def backdate(task_ids: list[int]) -> None:
    """Creation times before the work: a task was written a few days to weeks before it was due or done (an id's
    hash spreads them, deterministically for a given id); its comments came after it was written."""
    if not task_ids:
        return
    low, high = min(task_ids), max(task_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE planning_task SET created_at = LEAST(now(), COALESCE(completed_at, start_at, due_at, now()))
                - ((id * 7919) %% 40 + 3) * interval '1 day' - ((id * 104729) %% 480) * interval '1 minute'
            WHERE id BETWEEN %s AND %s
            """,
            [low, high],
        )
        cursor.execute(
            """
            UPDATE planning_comment AS c SET created_at = LEAST(now(),
                t.created_at + ((c.id * 7919) %% 96 + 1) * interval '1 hour')
            FROM planning_task AS t WHERE c.task_id = t.id AND t.id BETWEEN %s AND %s
            """,
            [low, high],
        )


def refresh_planner_statistics() -> None:
    """ANALYZE Planning's tables after the bulk load (the first pages would get poor plans otherwise)."""
    with connection.cursor() as cursor:
        for model in apps.get_app_config("planning").get_models():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def seed_planning(ctx: SeedContext) -> dict[str, int]:
    started = time.monotonic()
    rng = ctx.rng
    size = g.sizes(ctx.scale)
    now = timezone.now()
    today = timezone.localdate()
    people = planning_people(ctx)
    cat = catalogue()
    cat.labels = seed_labels()

    events = EventMaker(rng, people, cat, today, now)
    seed_events(events, count=size.events, recurring=size.recurring_events, conflicts=size.conflicts)
    counts = events.save(people.by)

    recurring = sum(1 + done for _kind, _title, _rule, done, _hour in RECURRING_TASKS)
    regular = size.tasks - (g.BENCHMARK_TASKS if size.benchmark else 0) - recurring
    plans = g.board_plans(size, rng=rng, artists=cat.artists, cities=list(v.VENUES), regular_tasks=regular)
    per_column = [g.column_counts(plan.tasks, rng=rng, benchmark=plan.benchmark) for plan in plans]
    boards = seed_boards(plans, people, rng)
    seed_columns(boards, per_column)  # the recurring series go to To do and Done, which have no limit

    maker = TaskMaker(rng, cat, today, now)
    for board, counts_of in zip(boards, per_column, strict=True):
        done_days = max(150, counts_of[4] * g.DONE_DAYS_PER_TASK)
        for column_index, n in enumerate(counts_of):
            for _ in range(n):
                maker.add(board, column_index, done_days=done_days)
    for kind, title, rule, done, hour in RECURRING_TASKS:
        board = next((b for b in boards if b.plan.kind == kind and not b.plan.benchmark), None)
        if board is not None:
            maker.recurring(board, title, rule, done, hour)
    counts |= maker.save(people.by)
    backdate([task.pk for task in maker.tasks])
    refresh_planner_statistics()
    counts = {"boards": len(boards), **counts}
    counts["seconds"] = round(time.monotonic() - started)
    return counts


register_seed_step("planning", seed_planning, order=300)
