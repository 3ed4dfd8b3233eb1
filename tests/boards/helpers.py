"""Helpers of the board tests: the CRM pipeline board (spec ``crm.pipeline``) is the board under test."""

from crm.boards import PIPELINE_BOARD
from crm.models import Deal, Stage
from tests.crm.factories import DealFactory, sponsorship

SPEC = PIPELINE_BOARD


def stages(pipeline=None) -> dict[str, Stage]:
    pipeline = pipeline or sponsorship()
    return {stage.name: stage for stage in pipeline.stages.all()}


def order(stage) -> list[int]:
    return list(Deal.objects.filter(stage=stage).order_by("position", "pk").values_list("pk", flat=True))


def fill(stage, count: int, **fields) -> list[Deal]:
    """``count`` deals at the bottom of ``stage``, in order."""
    return [DealFactory(stage=stage, **fields) for _ in range(count)]


def version(stage) -> int:
    return Stage.objects.get(pk=stage.pk).version
