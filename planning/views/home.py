"""Planning's landing page: the boards index (cards per board with their figures, "New board" for those who
plan, archived boards behind a toggle ``?archived=1``)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..permissions import can_plan
from ..selectors import boards as selectors
from .access import planning_read


@require_GET
@planning_read
def planning_home(request):
    archived = request.GET.get("archived") == "1"
    context = {
        "boards": selectors.board_list(user=request.user, archived=archived),
        "archived": archived,
        "archived_count": selectors.archived_count(user=request.user) if not archived else 0,
        "can_plan": can_plan(request.user),
    }
    return render(request, "planning/boards/board_index.html", context)
