"""The live side of boards: who joins ``board.<key>.<pk>``, what every open board page receives, and the
resync frame a (re)connecting page gets.

Every change of a board goes out as ONE JSON frame ``{"event": "board.changed", "data": {...}}`` (see
:func:`change_data`); static/js/boards.js applies it column by column, each column only when the frame's
``version`` is newer than what the page shows. Card and header HTML are rendered once per language of the site
(they are the same for every user) and the browser picks its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from core.live import publish

from .registry import BoardSpec, get_board_spec, in_each_language

CHANGED = "board.changed"
RELOAD = "board.reload"
RESYNC = "board.resync"


def can_join(key: str) -> Callable[[Any, str], bool]:
    def _can_join(user: Any, board_pk: str) -> bool:
        return board_pk.isdigit() and get_board_spec(key).get_board(user, board_pk) is not None

    return _can_join


def resync(key: str) -> Callable[[Any, str], str]:
    """On every (re)join of a board's group, the columns' versions: a page that shows older ones (it missed
    messages while its socket was away, or something changed between its render and the join) re-fetches
    its board, with its own filters."""

    def _resync(user: Any, board_pk: str) -> str:
        spec = get_board_spec(key)
        board = spec.get_board(user, board_pk)
        if board is None:
            return ""
        versions = dict(spec.columns(board).values_list("pk", "version"))
        data = {"board": spec.key, "board_id": board.pk, "versions": {str(k): v for k, v in versions.items()}}
        return json.dumps({"event": RESYNC, "data": data})

    return _resync


def column_state(spec: BoardSpec, column: Any, order: list[int], stats: dict) -> dict:
    return {
        "id": column.pk,
        "version": column.version,
        "order": order,
        "count": stats.get("count", 0),
        "header": in_each_language(lambda: spec.render_header(column, stats)),
    }


def card_state(spec: BoardSpec, card: Any) -> dict:
    return {
        "id": card.pk,
        "column": getattr(card, spec.column_attname),
        "html": in_each_language(lambda: spec.render_card(card)),
        "attrs": spec.attrs(card),
    }


def change_data(
    spec: BoardSpec,
    board_pk: int,
    *,
    columns: Iterable[tuple[Any, list[int]]],
    cards: Iterable[Any] = (),
    removed: Iterable[int] = (),
) -> dict:
    """The payload of a ``board.changed`` frame (and of the move endpoint's answer).

    ``columns`` are ``(column, order)`` pairs read under the columns' locks: ``order`` is the complete order
    of the column's card ids at ``column.version``. ``cards`` are the cards the change is about (fetched
    through ``spec.prepare_cards``; rendered here), ``removed`` the ids of cards that left the board.
    ``card`` repeats the first of ``cards`` (or the first removed card), for clients that read one card.
    """
    columns = list(columns)
    stats = spec.stats([column for column, _order in columns], spec.cards(board_pk))
    states = [card_state(spec, card) for card in cards] + [{"id": pk, "removed": True} for pk in removed]
    return {
        "board": spec.key,
        "board_id": board_pk,
        "columns": [column_state(spec, column, order, stats[column.pk]) for column, order in columns],
        "card": states[0] if states else None,
        "cards": states,
    }


def broadcast_changed(spec: BoardSpec, board_pk: int, data: dict) -> None:
    publish(spec.group(board_pk), event=CHANGED, data=data)


def broadcast_reload(spec: BoardSpec, board_pk: int) -> None:
    """Open pages of the board fetch it again (its columns were renamed, added, reordered…)."""
    publish(spec.group(board_pk), event=RELOAD, data={"board": spec.key, "board_id": board_pk})
