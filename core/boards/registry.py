"""Board declarations: a board is configuration (a :class:`BoardSpec`), registered once under a key.

The spec names the card model (a :class:`core.boards.models.BoardCard`), the FK from a card to its column
(a :class:`core.boards.models.BoardColumn`) and the FK from a column to its board, plus the callables that make
the board specific: who may see and move, what a move must satisfy and what it does, how a card and a column
header look, how the page filters cards. Everything else (ordering, the move service and endpoint, the Sortable
wiring, the live broadcast and resync) is shared. See :mod:`core.boards` for an example.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

GROUP_PREFIX = "board"
_ATTR_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass
class BoardFilter:
    """What a page's filters select, twice: ``q`` for the database and ``conditions`` for the browser, which
    applies them to cards arriving live (``data-f-<attr>`` attributes from ``card_filter_attrs``).

    A condition is ``{"attr": "owner", "op": "in", "values": ["4"]}``; ``op`` is one of
    ``in`` (the card's single value is one of ``values``), ``any`` (one of the card's values is in ``values``),
    ``gte`` / ``lte`` (the card's number compared with ``values[0]``). ``q`` must not duplicate cards (filter
    to-many relations with ``pk__in=<subquery>``). ``form`` is whatever the page shows (a bound form).
    """

    q: Q = field(default_factory=Q)
    conditions: list[dict] = field(default_factory=list)
    form: Any = None
    params: dict[str, Any] = field(default_factory=dict)  # the query-string values in effect (for URLs)

    @property
    def active(self) -> bool:
        return bool(self.conditions)

    def conditions_json(self) -> str:
        return json.dumps(self.conditions)

    @property
    def query(self) -> str:
        """The filters in effect as a query string (what the page sends with its stats / cards requests)."""
        return urlencode({name: str(value) for name, value in self.params.items()})


@dataclass
class BoardLanes:
    """A swimlane option of a board (the page's ``?lanes=<key>``): rows of lanes, each holding every column.

    ``lanes(board, cards) -> [(value, label), …]`` the lanes in order (``cards``: the board's cards under the
    page's filters, to list only the lanes in use); ``value(card) -> str`` the lane a card sits in (one lane
    per card: e.g. a task with several assignees goes in its first assignee's). Cards carry their value of each
    option as ``data-lane-<key>``, so live frames put arriving cards in their lane. A drag stays inside its lane
    (it changes the column, not the lane); the move endpoint gets the neighbours of the card in its lane cell.
    """

    label: Any
    lanes: Callable[[Any, QuerySet], list[tuple[str, str]]]
    value: Callable[[Any], str]


def _no_filter(user: Any, board: Any, params: Mapping) -> BoardFilter:
    return BoardFilter()


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


def _no_fields(*args: Any, **kwargs: Any) -> Iterable[str]:
    return ()


def _same(queryset: QuerySet) -> QuerySet:
    return queryset


@dataclass(eq=False)
class BoardSpec:
    """One kind of board. Required: ``key``, ``card_model``, ``column_field``, ``board_field``, ``can_view``,
    ``can_move``, and ``card_html`` or ``card_template``. Every callable's arguments are positional, as listed.

    - ``can_view(user, board=None)`` / ``can_move(user, card=None)``: predicates (``None``: "at all").
    - ``validate_move(card, from_column, to_column, extra)``: raise ``ValidationError`` to refuse (WIP limits, a
      required reason…); ``extra`` holds the request's ``move_fields`` values.
    - ``apply_move(card, from_column, to_column, extra) -> field names``: change the card's own fields for the
      move (``closed_at``…) and name them; saved with the new column and position.
    - ``on_moved(card, from_column, to_column, by, extra)``: after the save, same transaction (timeline entry).
      Both are called for every effective move; ``from_column is to_column`` for a reorder.
    - ``card_html(card) -> str`` (fast: boards render hundreds of cards) or ``card_template`` (rendered with
      ``{"card": card}``): the inside of a card. It must not depend on the user (live messages go to everybody);
      the card element around it (id, filter attributes, the move button) is the board's.
    - ``header_template``: a column header from ``{"column", "stats", "filtered"}``.
    - ``column_stats(columns, cards) -> {column_pk: {"count": n, ...}}``: aggregates (a constant number of
      queries) over ``cards``, a queryset already narrowed to the columns and the page's filters.
    - ``filter_cards(user, board, params) -> BoardFilter``; ``card_filter_attrs(card) -> {attr: value|list}``.
    - ``prepare_cards(queryset)``: ``select_related``/``prefetch_related`` what the card reads (not the column:
      the board attaches the column objects it already has, see ``attach_columns``).
    - ``column_prompt(column) -> dict | None``: ask before dropping into it, e.g. ``{"field": "lost_reason",
      "title": …, "label": …, "submit": …, "required": True}`` (``field`` must be in ``move_fields``).
    - ``can_move_board(user, board) -> bool``: whether the page offers dragging on this board (default:
      ``can_move(user)``); the move itself is still decided per card by ``can_move``.
    - ``column_top_template``: rendered under each column's header with the page's context plus ``column``
      (e.g. a quick-add field); unlike the header it is not replaced by live frames.
    - ``lanes``: ``{key: BoardLanes}``, the swimlane options of the board (``?lanes=<key>``).
    - ``column_limit(column) -> int | None``: how many cards that column shows first on the board page (None:
      ``page_size``), e.g. fewer in a column of finished cards; "show more" brings the rest.
    """

    key: str
    card_model: type[models.Model]
    column_field: str
    board_field: str
    can_view: Callable[..., bool]
    can_move: Callable[..., bool]
    card_html: Callable[[Any], str] | None = None
    card_template: str = ""
    header_template: str = "boards/column_header.html"
    card_board_field: str | None = None  # the card's own FK to the board, when it has one (faster filters)
    boards: Callable[[Any], QuerySet] | None = None  # boards visible to a user; default: all when can_view
    validate_move: Callable[..., None] = _nothing
    apply_move: Callable[..., Iterable[str]] = _no_fields
    on_moved: Callable[..., None] = _nothing
    column_stats: Callable[..., dict] | None = None
    filter_cards: Callable[..., BoardFilter] = _no_filter
    card_filter_attrs: Callable[[Any], dict] = field(default=lambda card: {})
    prepare_cards: Callable[[QuerySet], QuerySet] = _same
    column_prompt: Callable[[Any], dict | None] = field(default=lambda column: None)
    column_color: Callable[[Any], str] = field(default=lambda column: "")
    can_move_board: Callable[..., bool] | None = None
    column_top_template: str = ""
    lanes: dict[str, BoardLanes] = field(default_factory=dict)
    lane_limit: int = 200  # cards of each column shown in swimlanes (no "show more" there)
    # (column) -> int | None: the first page of that column on the board page, instead of page_size (e.g. a
    # short one for done / won / lost columns, which grow without end); "show more" then pages by page_size
    column_limit: Callable[[Any], int | None] | None = None
    move_fields: tuple[str, ...] = ()
    # how columns are ordered on the board (default: the column model's ordering)
    column_ordering: tuple[str, ...] = ()
    page_size: int = 50
    card_label: Any = _("card")
    move_label: Any = _("Move to another column")
    empty_text: Any = _("Nothing here yet.")
    gone_message: Any = None  # defaults: core.boards.exceptions
    elsewhere_message: Any = None
    stale_message: Any = None
    wrong_column_message: Any = _("This column belongs to another board.")
    audit_action: str = ""  # default "<key>.card_moved"
    # per-process memos of render_card (not configuration)
    _card_ends: dict = field(default_factory=dict, init=False, repr=False)
    _checked_names: set = field(default_factory=set, init=False, repr=False)

    # --- derived ---------------------------------------------------------------------------------------

    @cached_property
    def column_model(self) -> type[models.Model]:
        return self.card_model._meta.get_field(self.column_field).related_model

    @cached_property
    def board_model(self) -> type[models.Model]:
        return self.column_model._meta.get_field(self.board_field).related_model

    @property
    def column_attname(self) -> str:
        return self.card_model._meta.get_field(self.column_field).attname

    @property
    def board_attname(self) -> str:
        return self.column_model._meta.get_field(self.board_field).attname

    @property
    def group_prefix(self) -> str:
        return f"{GROUP_PREFIX}.{self.key}"

    def group(self, board_pk: int) -> str:
        """The live group of one board: ``board.<key>.<pk>`` (put it in the page's ``live_groups`` block)."""
        return f"{self.group_prefix}.{board_pk}"

    # --- querysets -------------------------------------------------------------------------------------

    def visible_boards(self, user: Any) -> QuerySet:
        if self.boards is not None:
            return self.boards(user)
        qs = self.board_model._default_manager.all()
        return qs if self.can_view(user) else qs.none()

    def get_board(self, user: Any, pk: Any) -> Any | None:
        """The board ``pk`` if ``user`` may see it, else None."""
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        board = self.visible_boards(user).filter(pk=pk).first()
        if board is None or not self.can_view(user, board):
            return None
        return board

    def columns(self, board: Any) -> QuerySet:
        columns = self.column_model._default_manager.filter(**{self.board_field: board})
        return columns.order_by(*self.column_ordering) if self.column_ordering else columns

    def cards(self, board: Any) -> QuerySet:
        """Every card on ``board`` (unordered)."""
        manager = self.card_model._default_manager
        if self.card_board_field:
            return manager.filter(**{self.card_board_field: board})
        return manager.filter(**{f"{self.column_field}__{self.board_field}": board})

    def attach_columns(self, cards: Iterable[Any], columns: Iterable[Any]) -> None:
        """Give each card its column object (already loaded by the board) instead of one join per card."""
        by_pk = {column.pk: column for column in columns}
        field = self.card_model._meta.get_field(self.column_field)
        attname = self.column_attname
        for card in cards:
            column = by_pk.get(getattr(card, attname))
            if column is not None:  # the card's own column: the cache, without the descriptor's checks
                field.set_cached_value(card, column)

    def ordered(self, queryset: QuerySet) -> QuerySet:
        return queryset.order_by(self.column_attname, "position", "pk")

    # --- statistics and rendering ----------------------------------------------------------------------

    def stats(self, columns: list, cards: QuerySet) -> dict[int, dict]:
        """``column_stats`` for ``columns`` (every column gets an entry, ``count`` at least)."""
        ids = [column.pk for column in columns]
        cards = cards.filter(**{f"{self.column_attname}__in": ids})
        if self.column_stats is not None:
            found = self.column_stats(columns, cards)
        else:
            rows = cards.order_by().values(self.column_attname).annotate(count=Count("pk"))
            found = {row[self.column_attname]: {"count": row["count"]} for row in rows}
        return {pk: {"count": 0, **found.get(pk, {})} for pk in ids}

    def attrs(self, card: Any) -> dict[str, str]:
        """``card_filter_attrs`` as strings (lists joined by spaces), ready for ``data-f-<name>``."""
        attrs = {name: _attr_value(value) for name, value in self.card_filter_attrs(card).items()}
        checked = self._checked_names
        if not checked.issuperset(attrs):
            bad = [name for name in attrs if not _ATTR_NAME.match(name)]
            if bad:
                raise ValueError(f"card_filter_attrs names must be lowercase identifiers: {bad}")
            checked.update(attrs)
        return attrs

    def render_card(self, card: Any) -> str:
        """The whole card element in the active language; the same for every user. Built here rather than with
        a template: a board page renders hundreds of them."""
        if self.card_html is not None:
            inner = self.card_html(card)
        else:
            inner = mark_safe(render_to_string(self.card_template, {"card": card}).strip())  # noqa: S308
        attrs = "".join(f' data-f-{name}="{escape(value)}"' for name, value in self.attrs(card).items())
        if self.lanes:
            attrs += "".join(
                f' data-lane-{name}="{escape(str(lane.value(card)))}"' for name, lane in self.lanes.items()
            )
        return mark_safe(  # noqa: S308 (attribute names are checked identifiers, every value is escaped)
            f'<article class="board-card" data-card="{int(card.pk)}"{attrs} role="listitem" tabindex="-1">'
            f"{conditional_escape(inner)}{self._card_end(translation.get_language())}"
        )

    def _card_end(self, language: str | None) -> str:
        """The card's move button and closing tag in ``language`` (the same on every card: built once)."""
        end = self._card_ends.get(language)
        if end is None:
            label = escape(str(self.move_label))
            end = (
                f'<button type="button" class="board-card-move" data-board-move aria-haspopup="menu"'
                f' aria-label="{label}" title="{label}"><i class="bi bi-three-dots-vertical" aria-hidden="true">'
                "</i></button></article>"
            )
            self._card_ends[language] = end
        return end

    def render_header(self, column: Any, stats: dict, *, filtered: bool = False) -> str:
        context = {"column": column, "stats": stats, "filtered": filtered, "spec": self}
        return render_to_string(self.header_template, context).strip()

    def prompt_json(self, column: Any) -> str:
        prompt = self.column_prompt(column)
        if not prompt:
            return ""
        return json.dumps(
            {key: str(value) if not isinstance(value, bool) else value for key, value in prompt.items()}
        )

    def editable(self, user: Any, board: Any) -> bool:
        if self.can_move_board is not None:
            return bool(self.can_move_board(user, board))
        return bool(self.can_move(user))

    def message(self, name: str, default: Any) -> str:
        return str(getattr(self, f"{name}_message", None) or default)


def _attr_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return " ".join(_attr_value(item) for item in value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def in_each_language(render: Callable[[], str]) -> dict[str, str]:
    """``{language code: render()}`` for every language of the site (live messages go to everybody)."""
    out = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out[code] = render()
    return out


# --- the registry ------------------------------------------------------------------------------------------

_boards: dict[str, BoardSpec] = {}


def register_board(spec: BoardSpec) -> BoardSpec:
    """Declare a board kind (call it from the app's ``ready()``); also registers its live group family
    ``board.<key>`` (joined by whoever may view the board) and the resync that keeps open pages right."""
    from core.live.registry import register_group, register_resync

    from . import live

    known = spec.key in _boards
    _boards[spec.key] = spec
    register_group(spec.group_prefix, live.can_join(spec.key))
    if not known:  # the resync looks the spec up by key, so a re-registered spec needs no second one
        register_resync(spec.group_prefix, live.resync(spec.key))
    return spec


def get_board_spec(key: str) -> BoardSpec:
    """The spec registered under ``key``; ``LookupError`` when there is none."""
    try:
        return _boards[key]
    except KeyError:
        raise LookupError(key) from None


def board_specs() -> list[BoardSpec]:
    return list(_boards.values())
