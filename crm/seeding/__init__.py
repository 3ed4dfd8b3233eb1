"""The CRM's demo data (``manage.py seed_demo``): a believable agency.

At ``--scale 1``: about 60 artists across genres with a year of weekly audience per platform, 25 sponsors with
their contacts, deals in every stage of both pipelines, campaigns with KPIs, 400 timeline entries, tags, and
the artists' scores. ``--scale 100`` is the benchmark's size: 10,000 artists, 2,000 sponsors, 20,000 deals
(2,000 open on the sponsorship board) and 100,000 interactions; other scales lie on the line through both.

Deterministic: everything comes from the seed's RNG and Faker (see :mod:`core.seeding`). A second run with
``--force`` adds another batch beside the first (names, handles and positions never collide).
"""

from __future__ import annotations

import importlib.util
import logging
import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from accounts import roles
from core.seeding import SeedContext, register_seed_step

from .deals import seed_deals, seed_timeline
from .generators import sizes
from .records import People, seed_artists, seed_campaigns, seed_reference, seed_sponsors

logger = logging.getLogger(__name__)
SCORING_MODULE = "crm.services.scoring"


def demo_people(ctx: SeedContext) -> People:
    """Managers and Admins own the records; the demo manager (manager@) owns the most, so the demo shows."""
    User = get_user_model()
    staff_pks = [user.pk for user in ctx.staff]
    writers_qs = User.objects.filter(groups__name__in=[roles.MANAGER, roles.ADMIN], is_active=True)
    if staff_pks:
        writers_qs = writers_qs.filter(pk__in=staff_pks)
    writers = list(writers_qs.distinct().order_by("pk"))
    manager = ctx.users.get(roles.MANAGER) or (writers[0] if writers else None)
    if manager is None:
        raise RuntimeError("The CRM demo data needs a Manager or an Admin: run the users step first.")
    weights = [max(4, len(writers) // 3) if user.pk == manager.pk else 1 for user in writers]
    return People(writers=writers, weights=weights, everyone=list(ctx.staff) or writers, by=manager)


def recompute_scores(artist_ids: list[int]) -> int:
    """Score the new artists with the scoring service when the CRM has one (it is optional for the seed)."""
    if importlib.util.find_spec(SCORING_MODULE) is None:
        logger.warning("crm seed: %s is missing, artists keep a score of 0", SCORING_MODULE)
        return 0
    scoring = importlib.import_module(SCORING_MODULE)
    scoring.artist_score_recompute(artist_ids=artist_ids)
    return len(artist_ids)


def refresh_planner_statistics() -> None:
    """ANALYZE the CRM's tables: after a bulk load PostgreSQL's estimates are stale until autovacuum passes, and
    the first pages (or a benchmark run right after seeding) would get poor plans."""
    with connection.cursor() as cursor:
        for model in apps.get_app_config("crm").get_models():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def seed_crm(ctx: SeedContext) -> dict[str, int]:
    started = time.monotonic()
    size = sizes(ctx.scale)
    now = timezone.now()
    today = timezone.localdate()
    people = demo_people(ctx)
    made = seed_reference()
    seed_artists(ctx, made, people, count=size.artists, today=today)
    seed_sponsors(ctx, made, people, count=size.sponsors)
    seed_campaigns(ctx, made, count=size.campaigns, today=today)
    maker = seed_deals(ctx, made, people, sizes=size, now=now, today=today)
    seed_timeline(ctx, made, maker, people, count=size.interactions, now=now)
    made.counts["scores"] = recompute_scores([artist.pk for artist in made.artists])
    refresh_planner_statistics()
    made.counts["seconds"] = round(time.monotonic() - started)
    return made.counts


register_seed_step("crm", seed_crm, order=200)
