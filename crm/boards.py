"""The pipeline board: deals (cards) in stages (columns) of a pipeline (board), declared on the shared board
mechanism of :mod:`core.boards`. Registered from ``crm.shell.register()``.

What is specific to the CRM: a lost stage needs a reason (asked in a dialog), won/lost stages set ``closed_at``
(an open stage clears it), each move writes a "moved from … to … by …" timeline entry, column headers show
count, total and weighted value (the deal's probability, else the stage's), and the page filters by owner,
tag, artist and value.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from html import escape
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Prefetch, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from core.boards.registry import BoardFilter, BoardSpec, register_board
from core.widgets import FastSelect

from .models import Artist, Deal, Stage, Tag
from .permissions import can_edit_crm, can_view_crm, pipelines_visible_to
from .templatetags.crm_tags import money

KEY = "crm.pipeline"
ARTIST_MATCH_LIMIT = 200


# --- moves ------------------------------------------------------------------------------------------------


def validate_move(deal: Deal, source: Stage, target: Stage, extra: dict) -> None:
    if target.pk != source.pk and target.outcome == Stage.Outcome.LOST and not extra.get("lost_reason"):
        raise ValidationError({"lost_reason": _("Say why this deal was lost.")}, code="required")


def apply_move(deal: Deal, source: Stage, target: Stage, extra: dict) -> list[str]:
    """Won/lost close the deal (``closed_at``), an open stage reopens it; a lost one keeps its reason."""
    if target.pk == source.pk:
        return []
    if target.is_closed:
        if deal.closed_at is None or source.outcome != target.outcome:
            deal.closed_at = timezone.now()
    else:
        deal.closed_at = None
    if target.outcome == Stage.Outcome.LOST:
        deal.lost_reason = extra.get("lost_reason", "")
    elif source.outcome == Stage.Outcome.LOST:
        deal.lost_reason = ""  # the reason stays on the timeline entry of the move to Lost
    return ["closed_at", "lost_reason"]


def on_moved(deal: Deal, source: Stage, target: Stage, by: Any, extra: dict) -> None:
    if target.pk == source.pk:
        return
    from crm.services.records import timeline_event

    who = (by.get_full_name() or by.email) if getattr(by, "pk", None) else ""
    data = {
        "event": "stage_changed",
        "from": source.name,
        "to": target.name,
        "from_id": source.pk,
        "to_id": target.pk,
    }
    if target.outcome == Stage.Outcome.LOST and extra.get("lost_reason"):
        data["reason"] = extra["lost_reason"]
    # the summary is the fallback text; crm.timeline.describe renders it from data in the reader's language
    summary = gettext("Moved from %(from)s to %(to)s by %(who)s") % {
        "from": source.name,
        "to": target.name,
        "who": who,
    }
    timeline_event(by=by, summary=summary, data=data, deal=deal, sponsor=deal.sponsor)


# --- columns and cards ------------------------------------------------------------------------------------


def column_stats(stages: list[Stage], deals) -> dict[int, dict]:
    """Count, total and weighted value of each stage, per currency (one query over the deal table alone: the
    deals without a probability of their own are summed apart and weighted here by their stage's)."""
    own = ExpressionWrapper(
        F("value") * F("probability"), output_field=DecimalField(max_digits=20, decimal_places=2)
    )
    rows = (
        deals.order_by()
        .values("stage_id", "currency")
        .annotate(
            n=Count("pk"),
            total=Sum("value"),
            own=Sum(own),  # value × the deal's probability (NULL ones are skipped)
            bare=Sum("value", filter=Q(probability__isnull=True)),
        )
        .order_by("stage_id", "-total", "currency")
    )
    probability = {stage.pk: Decimal(stage.probability or 0) for stage in stages}
    stats: dict[int, dict] = {}
    for row in rows:
        entry = stats.setdefault(row["stage_id"], {"count": 0, "money": []})
        entry["count"] += row["n"]
        weighted = (row["own"] or Decimal(0)) + (row["bare"] or Decimal(0)) * probability.get(
            row["stage_id"], Decimal(0)
        )
        entry["money"].append(
            {
                "currency": row["currency"],
                "total": row["total"] or Decimal(0),
                "weighted": (weighted / Decimal(100)).quantize(Decimal("0.01")),
            }
        )
    return stats


# What the card and its filter attributes read: nothing more is loaded for hundreds of cards (the stage is the
# board's own column object, attached by core.boards).
CARD_FIELDS = (
    *("id", "position", "pipeline_id", "stage_id", "title", "sponsor_id", "value", "currency", "probability"),
    *("expected_close_date", "owner_id", "lost_reason", "closed_at", "sponsor__id", "sponsor__name"),
    *("owner__id", "owner__email", "owner__first_name", "owner__last_name"),
)


def prepare_cards(deals):
    return (
        deals.select_related("sponsor", "owner")
        .only(*CARD_FIELDS)
        .prefetch_related(
            Prefetch(
                "artists",
                queryset=Artist.objects.only("pk", "stage_name").order_by("stage_name"),
                to_attr="board_artists",
            ),
            Prefetch("tags", queryset=Tag.objects.order_by("name"), to_attr="board_tags"),
        )
    )


def _artists(deal: Deal) -> list:
    found = getattr(deal, "board_artists", None)
    return found if found is not None else list(deal.artists.order_by("stage_name"))


def _tags(deal: Deal) -> list:
    found = getattr(deal, "board_tags", None)
    return found if found is not None else list(deal.tags.order_by("name"))


_url_pattern: list[str] = []


def deal_url(pk: int) -> str:
    """The deal's page (reversed once: the board links hundreds of cards); "" until that page exists."""
    if not _url_pattern:
        try:
            _url_pattern.append(reverse("crm:deal-detail", args=[987654321]).replace("987654321", "{}"))
        except NoReverseMatch:
            return ""
    return _url_pattern[0].format(pk)


@lru_cache(maxsize=8)
def _labels(language: str | None) -> dict[str, str]:
    """The card's words in ``language`` (looked up once per language, not once per card)."""
    words = {
        "sponsor": gettext("Sponsor"),
        "artists": gettext("Artists"),
        "owner": gettext("Owner"),
        "probability": gettext("Probability set on the deal"),
        "close": gettext("Expected close"),
        "overdue": gettext("Expected close (overdue)"),
    }
    return {key: escape(value) for key, value in words.items()}


def deal_card_html(deal: Deal) -> str:
    """The inside of a deal's card: title (a link), sponsor, artists, tags, the lost reason, value, expected
    close (red when overdue), owner. The same for every reader (live messages), in the active language.

    Plain f-strings with every value escaped: a board renders hundreds of cards, and this is ~10x faster than a
    template (see tests/crm/board/test_views.py for what it shows)."""
    words = _labels(get_language())
    url = deal_url(deal.pk)
    title = f'<a href="{escape(url)}">{escape(deal.title)}</a>' if url else escape(deal.title)
    html = [f'<div class="deal-card"><h3 class="deal-card-title">{title}</h3>']
    if deal.sponsor_id:
        html.append(_line("building", words["sponsor"], escape(deal.sponsor.name)))
    artists = [artist.stage_name for artist in _artists(deal)]
    if artists:
        names = escape(", ".join(artists[:2]))
        if len(artists) > 2:
            names += f' <span class="text-body-secondary">+{len(artists) - 2}</span>'
        html.append(_line("person-badge", words["artists"], names))
    tags = _tags(deal)
    if tags:
        chips = "".join(
            f'<li class="deal-tag" data-color="{escape(t.color)}">{escape(t.name)}</li>' for t in tags
        )
        html.append(f'<ul class="deal-card-tags">{chips}</ul>')
    if deal.lost_reason and deal.stage.outcome == Stage.Outcome.LOST:
        reason = escape(Truncator(deal.lost_reason).chars(90))
        html.append(
            f'<p class="deal-card-reason"><i class="bi bi-chat-left-quote" aria-hidden="true"></i> {reason}</p>'
        )
    html.append(_foot(deal, words))
    html.append("</div>")
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)


def _line(icon: str, label: str, text: str) -> str:
    return (
        f'<p class="deal-card-line"><i class="bi bi-{icon}" aria-hidden="true"></i>'
        f'<span class="visually-hidden">{label}: </span>{text}</p>'
    )


def _foot(deal: Deal, words: dict[str, str]) -> str:
    html = [
        '<div class="deal-card-foot"><span class="deal-card-value tabular-nums">',
        escape(money(deal.value, deal.currency)),
    ]
    if deal.probability is not None:
        html.append(
            f' <span class="deal-card-prob" title="{words["probability"]}">{int(deal.probability)}%</span>'
        )
    html.append("</span>")
    close = deal.expected_close_date
    if close:
        today = timezone.localdate()
        overdue = close < today and deal.stage.outcome == Stage.Outcome.OPEN
        shown = escape(date_format(close, "j M" if close.year == today.year else "M Y"))
        html.append(
            f'<span class="deal-card-date{" is-overdue" if overdue else ""}" title="{words["overdue" if overdue else "close"]}">'
            f'<i class="bi bi-calendar-event" aria-hidden="true"></i> {shown}</span>'
        )
    if deal.owner_id:
        owner = deal.owner
        name = escape(owner.get_full_name() or owner.email)
        html.append(
            f'<span class="avatar avatar-xs deal-card-owner" title="{name}"><span aria-hidden="true">'
            f'{escape(owner.initials)}</span><span class="visually-hidden">{words["owner"]}: {name}</span></span>'
        )
    html.append("</div>")
    return "".join(html)


def card_filter_attrs(deal: Deal) -> dict:
    return {
        "owner": deal.owner_id or "",
        "tags": [tag.pk for tag in _tags(deal)],
        "artists": [artist.pk for artist in _artists(deal)],
        "value": deal.value,
    }


def column_prompt(stage: Stage) -> dict | None:
    if stage.outcome != Stage.Outcome.LOST:
        return None
    return {
        "field": "lost_reason",
        "title": _("Why was this deal lost?"),
        "label": _("Reason"),
        "help": _("It is kept on the deal's timeline."),
        "placeholder": _("e.g. budget cut, went with another artist…"),
        "submit": _("Mark as lost"),
        "required": True,
    }


# --- filters ----------------------------------------------------------------------------------------------


class DealBoardFilterForm(forms.Form):
    owner = forms.ChoiceField(label=_("Owner"), required=False, widget=FastSelect)
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=Tag.objects.order_by("name"), required=False, widget=FastSelect
    )
    artist = forms.CharField(label=_("Artist"), required=False, max_length=120)
    value_min = forms.DecimalField(
        label=_("Value from"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    value_max = forms.DecimalField(
        label=_("Value up to"), required=False, min_value=0, max_digits=14, decimal_places=2
    )

    def __init__(self, *args, user=None, pipeline=None, **kwargs):
        super().__init__(*args, **kwargs)
        # a semi-join on the owner ids (not DISTINCT over whole user rows joined to every deal)
        owners = (
            get_user_model()
            .objects.filter(pk__in=Deal.objects.filter(pipeline=pipeline).values("owner_id"))
            .only("pk", "email", "first_name", "last_name")
            .order_by("first_name", "email")
        )
        choices = [("", _("Anyone")), ("me", _("Me")), ("none", _("No owner"))]
        choices += [
            (str(u.pk), u.get_full_name() or u.email) for u in owners if u.pk != getattr(user, "pk", None)
        ]
        self.fields["owner"].choices = choices
        self.fields["tag"].empty_label = _("Any tag")
        self.fields["artist"].widget.attrs.update(placeholder=_("Any artist"), autocomplete="off")
        for name in ("value_min", "value_max"):
            self.fields[name].widget.attrs.update(step="any", inputmode="decimal")
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm"
                if isinstance(field, forms.ChoiceField)
                else "form-control form-control-sm",
            )

    def clean(self):
        data = super().clean()
        low, high = data.get("value_min"), data.get("value_max")
        if low is not None and high is not None and high < low:
            self.add_error("value_max", _("The upper value cannot be below the lower one."))
        return data


def filter_cards(user: Any, pipeline: Any, params) -> BoardFilter:
    form = DealBoardFilterForm(params or None, user=user, pipeline=pipeline)
    if not params or not form.is_valid():
        return BoardFilter(form=form)
    data = form.cleaned_data
    q, conditions, used = Q(), [], {}
    owner = data.get("owner")
    if owner:
        owner_id = "" if owner == "none" else str(user.pk) if owner == "me" else owner
        q &= Q(owner__isnull=True) if owner_id == "" else Q(owner_id=int(owner_id))
        conditions.append({"attr": "owner", "op": "in", "values": [owner_id]})
        used["owner"] = owner
    tag = data.get("tag")
    if tag is not None:
        q &= Q(pk__in=Deal.tags.through.objects.filter(tag_id=tag.pk).values("deal_id"))
        conditions.append({"attr": "tags", "op": "any", "values": [str(tag.pk)]})
        used["tag"] = tag.pk
    artist = (data.get("artist") or "").strip()
    if artist:
        ids = list(
            Artist.objects.filter(Q(stage_name__icontains=artist) | Q(aliases__icontains=artist))
            .order_by("stage_name")
            .values_list("pk", flat=True)[:ARTIST_MATCH_LIMIT]
        )
        q &= Q(pk__in=Deal.artists.through.objects.filter(artist_id__in=ids).values("deal_id"))
        conditions.append({"attr": "artists", "op": "any", "values": [str(pk) for pk in ids]})
        used["artist"] = artist
    for name, op, lookup in (("value_min", "gte", "value__gte"), ("value_max", "lte", "value__lte")):
        if data.get(name) is not None:
            q &= Q(**{lookup: data[name]})
            conditions.append({"attr": "value", "op": op, "values": [format(data[name], "f")]})
            used[name] = data[name]
    return BoardFilter(q=q, conditions=conditions, form=form, params=used)


# --- the spec ---------------------------------------------------------------------------------------------

PIPELINE_BOARD = BoardSpec(
    key=KEY,
    card_model=Deal,
    column_field="stage",
    board_field="pipeline",
    card_board_field="pipeline",
    can_view=can_view_crm,
    can_move=can_edit_crm,
    boards=pipelines_visible_to,
    card_html=deal_card_html,
    header_template="crm/pipeline_board.html#stage-header",
    validate_move=validate_move,
    apply_move=apply_move,
    on_moved=on_moved,
    column_stats=column_stats,
    filter_cards=filter_cards,
    card_filter_attrs=card_filter_attrs,
    prepare_cards=prepare_cards,
    column_prompt=column_prompt,
    column_color=lambda stage: stage.color,
    move_fields=("lost_reason",),
    column_ordering=("position", "pk"),
    page_size=20,
    card_label=_("deal"),
    move_label=_("Move to another stage"),
    empty_text=_("No deals in this stage."),
    gone_message=_("This deal was deleted by someone else; the board has been refreshed."),
    elsewhere_message=_("This deal is now on another pipeline; the board has been refreshed."),
    stale_message=_("The stage changed while you were dragging; the board has been refreshed."),
    wrong_column_message=_("This stage belongs to another pipeline."),
    audit_action="crm.deal.move",
)


def register_boards() -> None:
    register_board(PIPELINE_BOARD)
