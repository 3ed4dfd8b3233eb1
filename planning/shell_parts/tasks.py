"""Planning's tasks: what they register with the shell (owned by helper TASKS): the link kinds (artist, deal,
event), the live group of a task's open panels, the dashboard widget "My tasks", the global search provider,
the CRM artist tab "Planning"."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _can_join_task(user: Any, key: str) -> bool:
    from planning.permissions import tasks_visible_to

    return key.isdigit() and tasks_visible_to(user).filter(pk=int(key)).exists()


def _my_tasks_widget(request) -> dict:
    from planning.selectors.tasks import my_tasks

    groups = my_tasks(user=request.user)
    ordered = [task for group in groups for task in group.tasks if group.key != "none"]
    ordered += [task for group in groups if group.key == "none" for task in group.tasks]
    return {"widget_tasks": ordered[:6], "widget_total": len(ordered)}


def _search_tasks(user: Any, query: str, limit: int) -> list:
    from dashboard.search import SearchResult
    from planning.selectors.tasks import tasks_search

    results = []
    for task in tasks_search(user=user, query=query, limit=limit):
        subtitle = f"{task.board.name} · {task.column.name}"
        results.append(
            SearchResult(
                task.title, reverse("planning:task-detail", args=[task.pk]), subtitle, "check2-square"
            )
        )
    return results


def _register_link_kinds() -> None:
    from crm.permissions import artists_visible_to, deals_visible_to
    from planning.links import LinkKind, register_link_kind
    from planning.permissions import events_visible_to

    register_link_kind(
        LinkKind(
            key="crm.artist",
            model="crm.Artist",
            label=_("Artist"),
            icon="person-badge",
            visible=artists_visible_to,
            search=lambda qs, q: qs.filter(stage_name__icontains=q).order_by("stage_name"),
            url=lambda obj: reverse("crm:artist-detail", args=[obj.pk]),
            title=lambda obj: obj.stage_name,
        )
    )
    register_link_kind(
        LinkKind(
            key="crm.deal",
            model="crm.Deal",
            label=_("Deal"),
            icon="briefcase",
            visible=deals_visible_to,
            search=lambda qs, q: qs.filter(title__icontains=q).order_by("title"),
            url=lambda obj: reverse("crm:deal-detail", args=[obj.pk]),
            title=lambda obj: obj.title,
        )
    )
    register_link_kind(
        LinkKind(
            key="planning.event",
            model="planning.Event",
            label=_("Event"),
            icon="calendar-event",
            visible=events_visible_to,
            search=lambda qs, q: qs.filter(title__icontains=q).order_by("-starts_at"),
            url=_event_url,
            title=lambda obj: obj.title,
        )
    )


def _event_url(event: Any) -> str:
    from django.urls import NoReverseMatch

    for name in ("planning:event-detail", "planning:calendar"):
        try:
            return reverse(name, args=[event.pk]) if name.endswith("detail") else reverse(name)
        except NoReverseMatch:
            continue
    return reverse("planning:home")


def register() -> None:
    from core.live.registry import register_group
    from crm.registry import register_artist_tab
    from dashboard.registry import register_widget
    from dashboard.search import register_search
    from planning.permissions import can_view_planning
    from planning.services.tasks import TASK_GROUP_PREFIX

    _register_link_kinds()
    register_group(TASK_GROUP_PREFIX, _can_join_task)
    register_widget(
        "planning-my-tasks",
        title=_("My tasks"),
        template="planning/components/widget-my-tasks.html",
        context=_my_tasks_widget,
        order=25,
        visible=can_view_planning,
    )
    register_search("planning-tasks", label=_("Tasks"), search=_search_tasks)
    register_artist_tab(
        "planning",
        label=_("Planning"),
        icon="calendar3",
        url_name="planning:artist-tasks",
        order=40,
        visible=can_view_planning,
    )
