"""Planning's landing page (placeholder until the boards page exists: helper BOARDS replaces it)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import planning_read


@require_GET
@planning_read
def planning_home(request):
    return render(request, "planning/home.html", {})
