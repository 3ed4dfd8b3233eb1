"""URLs for the frontend tests: the project's URLs plus pages that render the layouts and components."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

APP_PAGE = """{% extends "layouts/app.html" %}{% load i18n %}
{% block title %}Shell test{% endblock %}{% block page_title %}Shell test{% endblock %}
{% block page_actions %}<a class="btn btn-sm btn-primary" href="#">New</a>{% endblock %}
{% block live_groups %}test.group.1,test.other{% endblock %}
{% block content %}<p id="page-body">Hello</p>
{% include "components/confirm_button.html" with action="/x/" label="Delete" message="Delete it?" %}
{% include "components/empty_state.html" with icon="inbox" title="Nothing yet" text="Add one." action_url="/new/" action_label="Add" %}
{% include "components/badge.html" with text="Draft" tone="warning" %}
{% include "components/role_pill.html" with role="Manager" %}
{% include "components/page_header.html" with title="Section" subtitle="Sub" %}
{% endblock %}"""

AUTH_PAGE = """{% extends "layouts/auth.html" %}
{% block title %}Sign in{% endblock %}{% block content %}<h1 id="auth-body">Sign in</h1>{% endblock %}"""

PAGINATION = """{% include "components/pagination.html" with page=page %}"""


def render_string(request, source: str, context: dict | None = None, status: int = 200) -> HttpResponse:
    return HttpResponse(engines["django"].from_string(source).render(context or {}, request), status=status)


def shell_page(request):
    if request.GET.get("message"):
        messages.success(request, request.GET["message"])
    context = {}
    if "unread" in request.GET:
        context["unread_count"] = int(request.GET["unread"])
    return render_string(request, APP_PAGE, context)


def auth_page(request):
    return render_string(request, AUTH_PAGE)


def pagination_page(request):
    page = Paginator(list(range(1, 101)), 10).get_page(request.GET.get("page"))
    return render_string(request, PAGINATION, {"page": page})


def boom(request):
    raise RuntimeError("boom (frontend test)")


urlpatterns = [
    path("__frontend__/shell/", shell_page, name="frontend-shell"),
    path("__frontend__/auth/", auth_page, name="frontend-auth"),
    path("__frontend__/pagination/", pagination_page, name="frontend-pagination"),
    path("__frontend__/boom/", boom, name="frontend-boom"),
    *project_urlpatterns,
]


def error_page(request, code: str):
    from django.shortcuts import render

    return render(request, f"{code}.html", status=int(code[:3]) if code[:3].isdigit() else 403)


def forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


urlpatterns = [
    path("__frontend__/error/<str:code>/", error_page, name="frontend-error"),
    path("__frontend__/forbidden/", forbidden, name="frontend-forbidden"),
    *urlpatterns,
]
