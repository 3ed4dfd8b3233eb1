"""Reads of every board: the page (first cards of each column, headers over whole columns), the next cards of
one column ("show more"), the headers under a page's filters. A constant number of queries, whatever the size
of the board."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.safestring import mark_safe

from .registry import BoardFilter, BoardSpec


@dataclass
class ColumnView:
    column: Any
    cards: list[Any]
    stats: dict
    has_more: bool
    prompt: str = ""
    color: str = ""

    @property
    def pk(self) -> int:
        return self.column.pk

    @property
    def cards_html(self) -> str:
        """Every card of the column, rendered (one string for the template rather than one variable a card)."""
        return _joined(self.cards)


@dataclass
class LaneCell:
    column: ColumnView
    cards: list[Any]

    @property
    def cards_html(self) -> str:
        return _joined(self.cards)


def _joined(cards: list[Any]) -> str:
    return mark_safe("".join(card.board_html for card in cards))  # noqa: S308 (render_card's safe strings)


@dataclass
class LaneView:
    value: str
    label: str
    cells: list[LaneCell]

    @property
    def count(self) -> int:
        return sum(len(cell.cards) for cell in self.cells)


@dataclass
class BoardView:
    spec: BoardSpec
    board: Any
    columns: list[ColumnView]
    filter: BoardFilter
    editable: bool
    known_ids: list[int] = field(default_factory=list)  # every card of the board, filtered out or not
    known_text: str | None = None  # the same ids, already joined by spaces (what board_view gives)
    lane_key: str = ""  # the swimlane option in effect ("" for none)
    lanes: list[LaneView] = field(default_factory=list)

    @property
    def known(self) -> str:
        if self.known_text is not None:
            return self.known_text
        return " ".join(map(str, self.known_ids))

    @property
    def card_count(self) -> int:
        return sum(column.stats.get("count", 0) for column in self.columns)


def board_view(
    *, spec: BoardSpec, board: Any, user: Any, params: Mapping, limit: int | None = None
) -> BoardView:
    """What a board page shows to ``user`` under the filters in ``params`` (a QueryDict); with
    ``params["lanes"]`` one of the spec's ``lanes``, the cards also go in swimlanes (``lane_limit`` per column).
    Each column shows its first ``limit`` cards: by default ``spec.column_limit(column)`` or ``page_size``
    ("show more" brings the next ones), ``lane_limit`` in swimlanes."""
    lane_key = params.get("lanes") or "" if params else ""
    if lane_key not in spec.lanes:
        lane_key = ""
    flt = spec.filter_cards(user, board, params)
    columns = list(spec.columns(board))
    limits = _limits(spec, columns, limit=limit, lanes=bool(lane_key))
    every = spec.cards(board)
    filtered = every.filter(flt.q) if flt.active else every
    by_column: dict[int, list[Any]] = {column.pk: [] for column in columns}
    cards = list(
        spec.prepare_cards(spec.ordered(every.filter(pk__in=_first_cards(spec, filtered, columns, limits))))
    )
    spec.attach_columns(cards, columns)
    for card in cards:
        by_column.setdefault(getattr(card, spec.column_attname), []).append(card)
    stats = spec.stats(columns, filtered)
    for column_id, cards in by_column.items():
        for card in cards[: limits.get(column_id, spec.page_size)]:
            card.board_html = spec.render_card(card)
    views = [
        ColumnView(
            column=column,
            cards=by_column[column.pk][: limits[column.pk]],
            stats=stats[column.pk],
            has_more=len(by_column[column.pk]) > limits[column.pk],
            prompt=spec.prompt_json(column),
            color=spec.column_color(column) or "",
        )
        for column in columns
    ]
    # every card id of the board, joined by the database: thousands of ids on a big board (won/lost columns)
    # would otherwise be fetched row by row and joined here
    known = every.aggregate(
        ids=StringAgg(Cast("pk", TextField()), " ", order_by=(spec.column_attname, "position", "pk"))
    )["ids"]
    editable = spec.editable(user, board)
    view = BoardView(
        spec=spec, board=board, columns=views, filter=flt, editable=editable, known_text=known or ""
    )
    if lane_key:
        view.lane_key = lane_key
        view.lanes = _lanes(spec.lanes[lane_key], board, filtered, views)
    return view


def _lanes(option: Any, board: Any, cards: QuerySet, columns: list[ColumnView]) -> list[LaneView]:
    """The cards of ``columns`` distributed in the lanes of ``option`` (a card whose lane is not listed goes in
    a lane of its own at the end, so none is lost)."""
    lanes = [
        LaneView(value=str(value), label=str(label), cells=[]) for value, label in option.lanes(board, cards)
    ]
    by_value = {lane.value: lane for lane in lanes}
    placed: dict[str, dict[int, list[Any]]] = {lane.value: {} for lane in lanes}
    for column in columns:
        for card in column.cards:
            value = str(option.value(card))
            if value not in by_value:
                by_value[value] = LaneView(value=value, label=value, cells=[])
                lanes.append(by_value[value])
                placed[value] = {}
            placed[value].setdefault(column.pk, []).append(card)
    for lane in lanes:
        lane.cells = [
            LaneCell(column=column, cards=placed[lane.value].get(column.pk, [])) for column in columns
        ]
    return lanes


def _limits(spec: BoardSpec, columns: list[Any], *, limit: int | None, lanes: bool) -> dict[int, int]:
    """How many cards each column shows first: ``limit`` when given, ``lane_limit`` in swimlanes (they have no
    "show more"), else the spec's ``column_limit(column)`` or ``page_size``."""
    if limit or lanes or spec.column_limit is None:
        same = limit or (spec.lane_limit if lanes else spec.page_size)
        return {column.pk: same for column in columns}
    return {column.pk: max(1, spec.column_limit(column) or spec.page_size) for column in columns}


def _first_cards(spec: BoardSpec, cards: QuerySet, columns: list[Any], limits: dict[int, int]) -> QuerySet:
    """The ids of the first ``limit + 1`` cards of each column, as a subquery: one short index scan per column
    (``(column, position)``) in a ``UNION ALL``, rather than ranking every card of the board with a window."""
    heads = [
        cards.filter(**{spec.column_attname: column.pk})
        .order_by("position", "pk")
        .values("pk")[: limits[column.pk] + 1]
        for column in columns
    ]
    if not heads:
        return cards.none().values("pk")
    return heads[0].union(*heads[1:], all=True) if len(heads) > 1 else heads[0]


def column_cards(
    *,
    spec: BoardSpec,
    board: Any,
    user: Any,
    column: Any,
    params: Mapping,
    after_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Any], bool]:
    """The next cards of ``column`` under the filters in ``params``: those after card ``after_id`` (when it is
    still in the column), else from ``offset``. Returns ``(cards, more)``."""
    limit = limit or spec.page_size
    flt = spec.filter_cards(user, board, params)
    qs: QuerySet = spec.cards(board).filter(**{spec.column_attname: column.pk})
    if flt.active:
        qs = qs.filter(flt.q)
    anchor = None
    if after_id is not None:
        anchor = qs.filter(pk=after_id).values_list("position", "pk").first()
    qs = qs.order_by("position", "pk")
    if anchor is not None:
        position, pk = anchor
        qs = qs.filter(Q(position__gt=position) | Q(position=position, pk__gt=pk))
        page = list(spec.prepare_cards(qs[: limit + 1]))
    else:
        page = list(spec.prepare_cards(qs[offset : offset + limit + 1]))
    spec.attach_columns(page, [column])
    return page[:limit], len(page) > limit


def filtered_stats(
    *, spec: BoardSpec, board: Any, user: Any, params: Mapping
) -> tuple[list[Any], dict, BoardFilter]:
    """The board's columns and their header statistics under the filters in ``params``."""
    flt = spec.filter_cards(user, board, params)
    columns = list(spec.columns(board))
    cards = spec.cards(board)
    if flt.active:
        cards = cards.filter(flt.q)
    return columns, spec.stats(columns, cards), flt
