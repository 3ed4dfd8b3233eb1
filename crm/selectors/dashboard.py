"""What the CRM shows on the home page: open pipeline value and the best-scored artists (one query each)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.db.models.functions import Coalesce

from crm.models import Artist, Deal, Pipeline, Stage
from crm.permissions import artists_visible_to, deals_visible_to


@dataclass
class PipelineSummary:
    pk: int
    name: str
    open_count: int = 0
    open_value: Decimal = Decimal(0)
    weighted_value: Decimal = Decimal(0)
    won_count: int = 0


def pipeline_summaries(*, user: Any) -> list[PipelineSummary]:
    """Per pipeline: open deals, their value and weighted value (EUR-denominated view of the board), wins."""
    weighted = ExpressionWrapper(
        F("value") * Coalesce("probability", "stage__probability") / 100,
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    rows = (
        deals_visible_to(user)
        .filter(pipeline__archived=False)
        .values("pipeline_id", "pipeline__name", "pipeline__position", "stage__outcome")
        .annotate(count=Count("pk"), total=Sum("value"), weighted=Sum(weighted))
        .order_by("pipeline__position", "pipeline__name")
    )
    summaries: dict[int, PipelineSummary] = {}
    for row in rows:
        summary = summaries.setdefault(row["pipeline_id"], PipelineSummary(row["pipeline_id"], row["pipeline__name"]))
        if row["stage__outcome"] == Stage.Outcome.OPEN:
            summary.open_count += row["count"]
            summary.open_value += row["total"] or 0
            summary.weighted_value += row["weighted"] or 0
        elif row["stage__outcome"] == Stage.Outcome.WON:
            summary.won_count += row["count"]
    return list(summaries.values())


def top_artists(*, user: Any, limit: int = 5) -> list[Artist]:
    return list(
        artists_visible_to(user)
        .exclude(status=Artist.Status.ALUMNI)
        .only("pk", "stage_name", "score", "status", "city", "country")
        .order_by("-score", "stage_name")[:limit]
    )


__all__ = ["Deal", "Pipeline", "PipelineSummary", "pipeline_summaries", "top_artists"]
