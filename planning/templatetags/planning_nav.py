"""Planning's sub-navigation (``planning/components/nav.html``) and ``planning_url``: ``{% url %}`` that gives ""
for a Planning page not built yet (the navigation hides its entry), so each feature's page joins the navigation
as soon as its URL exists."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()

NAV = (
    ("boards", _("Boards"), "planning:home", "kanban"),
    ("my-tasks", _("My tasks"), "planning:my-tasks", "check2-square"),
    ("calendar", _("Calendar"), "planning:calendar", "calendar3"),
    ("events", _("Events"), "planning:event-list", "calendar-event"),
    ("responsibilities", _("Responsibilities"), "planning:responsibilities", "people"),
    ("reminders", _("Reminders and iCal"), "planning:reminder-settings", "bell"),
)


@register.simple_tag
def planning_url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag
def planning_nav_links(active: str = "") -> list[dict]:
    links = []
    for key, label, name, icon in NAV:
        url = planning_url(name)
        if url:
            links.append({"key": key, "label": label, "url": url, "icon": icon, "active": key == active})
    return links
