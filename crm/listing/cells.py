"""How the cells of the CRM lists are drawn: one small renderer per kind (``Column.cell``), each returning safe
HTML for ``(value, obj, url)`` — the column's value, the row's record and the record's page ("" if none).

Drawn in Python rather than one template include per cell: a page of 100 rows × 10 columns is a thousand
cells, and the list must answer in a few milliseconds. Everything user-given is escaped by ``format_html``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from crm.templatetags.crm_tags import money

Renderer = Callable[[Any, Any, str], SafeString]
EMPTY = mark_safe('<span class="cell-empty">—</span>')  # noqa: S308 (a constant)
RENDERERS: dict[str, Renderer] = {}

STATUS_TONES = {"signed": "success", "in_talks": "info", "alumni": "neutral", "prospect": "primary"}
OUTCOME_TONES = {"won": "success", "lost": "danger", "open": "neutral"}


def renderer(*names: str) -> Callable[[Renderer], Renderer]:
    def register(function: Renderer) -> Renderer:
        for name in names:
            RENDERERS[name] = function
        return function

    return register


def render_cell(kind: str, value: Any, obj: Any, url: str) -> SafeString:
    return RENDERERS[kind](value, obj, url)


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _number(value: Any, places: int = 0) -> str:
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def _link(url: str, text: Any, css: str = "cell-link") -> SafeString:
    if url:
        return format_html('<a class="{}" href="{}">{}</a>', css, url, text)
    return format_html('<span class="{}">{}</span>', css, text)


def _dot(color: str) -> SafeString:
    return format_html(
        '<svg class="tag-dot" viewBox="0 0 8 8" aria-hidden="true" focusable="false">'
        '<circle cx="4" cy="4" r="4" fill="{}"/></svg>',
        color,
    )


def _badge(text: Any, tone: str) -> SafeString:
    return format_html('<span class="ms-badge ms-badge-{}">{}</span>', tone, text)


def _detail(url_name: str, pk: Any) -> str:
    from crm.listing.engine import detail_url

    return detail_url(url_name, pk)


# --- plain values ----------------------------------------------------------------------------------------


@renderer("text")
def text(value: Any, obj: Any, url: str) -> SafeString:
    return format_html("{}", value) if value not in (None, "") else EMPTY


@renderer("number")
def number(value: Any, obj: Any, url: str) -> SafeString:
    return format_html('<span class="cell-num">{}</span>', _number(value)) if value is not None else EMPTY


@renderer("compact")
def compact(value: Any, obj: Any, url: str) -> SafeString:
    """1,240,000 → "1.2M", 58,000 → "58K" (the exact number in the tooltip)."""
    if value is None:
        return EMPTY
    for size, suffix in ((1_000_000_000, _("B")), (1_000_000, _("M")), (1_000, _("K"))):
        if abs(value) >= size:
            places = 1 if abs(value) < 10 * size else 0
            shown = f"{_number(round(value / size, places), places)}{suffix}"
            break
    else:
        shown = _number(value)
    return format_html('<span class="cell-num" title="{}">{}</span>', _number(value), shown)


@renderer("percent")
def percent(value: Any, obj: Any, url: str) -> SafeString:
    return (
        format_html('<span class="cell-num">{}\u00a0%</span>', _number(value)) if value is not None else EMPTY
    )


@renderer("money")
def money_cell(value: Any, obj: Any, url: str) -> SafeString:
    if value is None:
        return EMPTY
    return format_html('<span class="cell-num">{}</span>', money(value, getattr(obj, "currency", "EUR")))


@renderer("budget")
def budget(value: tuple[Any, Any], obj: Any, url: str) -> SafeString:
    low, high = value
    currency = getattr(obj, "currency", "EUR")
    if low is not None and high is not None:
        shown = f"{money(low, currency)} – {money(high, currency)}"
    elif high is not None:
        shown = _("up to %(amount)s") % {"amount": money(high, currency)}
    elif low is not None:
        shown = _("from %(amount)s") % {"amount": money(low, currency)}
    else:
        return EMPTY
    return format_html('<span class="cell-num">{}</span>', shown)


@renderer("date")
def date_cell(value: Any, obj: Any, url: str) -> SafeString:
    if not value:
        return EMPTY
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        value.isoformat(),
        formats.date_format(value, "DATE_FORMAT"),
        formats.date_format(value, "SHORT_DATE_FORMAT"),
    )


@renderer("list")
def list_cell(value: Any, obj: Any, url: str) -> SafeString:
    return format_html('<span class="cell-list">{}</span>', ", ".join(value)) if value else EMPTY


@renderer("email")
def email(value: Any, obj: Any, url: str) -> SafeString:
    return format_html('<a class="cell-link" href="mailto:{}">{}</a>', value, value) if value else EMPTY


@renderer("url")
def url_cell(value: Any, obj: Any, url: str) -> SafeString:
    if not value:
        return EMPTY
    shown = _short(value.removeprefix("https://").removeprefix("http://"), 32)
    return format_html(
        '<a class="cell-link" href="{}" rel="noopener noreferrer" target="_blank">{}</a>', value, shown
    )


@renderer("tags")
def tags(value: Any, obj: Any, url: str) -> SafeString:
    if not value:
        return EMPTY
    chips = format_html_join(
        "", '<span class="tag-chip">{}{}</span>', ((_dot(tag.color), tag.name) for tag in value)
    )
    return format_html('<span class="tag-list">{}</span>', chips)


@renderer("people")
def people(value: Any, obj: Any, url: str) -> SafeString:
    if not value:
        return EMPTY
    shown = format_html_join(
        "",
        '<span class="person-chip" title="{}"><span class="avatar avatar-xs" aria-hidden="true">{}</span>'
        '<span class="person-name">{}</span></span>',
        ((p.get_full_name() or p.email, p.initials, p.get_full_name() or p.email) for p in value[:2]),
    )
    if len(value) > 2:
        others = ", ".join(p.get_full_name() or p.email for p in value[2:])
        shown = format_html(
            '{}<span class="person-more" title="{}">+{}</span>', shown, others, len(value) - 2
        )
    return format_html('<span class="people-list">{}</span>', shown)


# --- the records' own cells ------------------------------------------------------------------------------


@renderer("contact-name", "deal-title")
def record(value: Any, obj: Any, url: str) -> SafeString:
    return _link(url, value, "cell-title")


@renderer("artist-name")
def artist_name(value: Any, obj: Any, url: str) -> SafeString:
    if not obj.aliases:
        return _link(url, value, "cell-title")
    aliases = _short(", ".join(obj.aliases), 40)
    return format_html(
        '{}<span class="cell-sub">{} {}</span>', _link(url, value, "cell-title"), _("aka"), aliases
    )


@renderer("sponsor-name")
def sponsor_name(value: Any, obj: Any, url: str) -> SafeString:
    if not obj.website:
        return _link(url, value, "cell-title")
    site = obj.website.removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")
    return format_html(
        '{}<span class="cell-sub">{}</span>', _link(url, value, "cell-title"), _short(site, 32)
    )


@renderer("artist-status")
def artist_status(value: Any, obj: Any, url: str) -> SafeString:
    return _badge(value, STATUS_TONES.get(obj.status, "neutral"))


@renderer("score")
def score(value: Any, obj: Any, url: str) -> SafeString:
    band = "high" if value >= 70 else "mid" if value >= 40 else "low"
    return format_html(
        '<span class="score-pill score-{}" title="{}">{}</span>', band, _("Score out of 100"), value
    )


@renderer("stage")
def stage(value: Any, obj: Any, url: str) -> SafeString:
    chip = format_html('<span class="stage-chip">{}{}</span>', _dot(value.color), value.name)
    outcome = value.get_outcome_display()
    if value.outcome != "open" and value.name != outcome:
        return format_html("{} {}", chip, _badge(outcome, OUTCOME_TONES[value.outcome]))
    return chip


@renderer("outcome")
def outcome(value: Any, obj: Any, url: str) -> SafeString:
    return _badge(value, OUTCOME_TONES.get(obj.stage.outcome, "neutral"))


@renderer("link-sponsor")
def link_sponsor(value: Any, obj: Any, url: str) -> SafeString:
    return _link(_detail("crm:sponsor-detail", value.pk), value.name) if value else EMPTY


@renderer("link-artists")
def link_artists(value: Any, obj: Any, url: str) -> SafeString:
    if not value:
        return EMPTY
    links = format_html_join(
        ", ", "{}", ((_link(_detail("crm:artist-detail", a.pk), a.stage_name),) for a in value)
    )
    return format_html('<span class="cell-list">{}</span>', links)


@renderer("organisation")
def organisation(value: Any, obj: Any, url: str) -> SafeString:
    if obj.sponsor_id:
        icon, kind, page = "building", _("Sponsor"), _detail("crm:sponsor-detail", obj.sponsor_id)
    elif obj.artist_id:
        icon, kind, page = "person-badge", _("Artist's team"), _detail("crm:artist-detail", obj.artist_id)
    else:
        return EMPTY
    return format_html(
        '<span class="org-chip"><i class="bi bi-{}" aria-hidden="true"></i>'
        '<span class="visually-hidden">{}:</span>{}</span>',
        icon,
        kind,
        _link(page, value),
    )
