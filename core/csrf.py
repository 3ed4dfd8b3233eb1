"""CSRF_FAILURE_VIEW: a friendly, translated page instead of Django's technical one (templates/csrf_failure.html)."""

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger("django.security.csrf")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    response = render(request, "csrf_failure.html", status=403)
    response["X-CSRF-Failure"] = "1"  # static/js/app.js tells "the form expired" from "not allowed" by this
    return response
