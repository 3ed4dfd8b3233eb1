"""Writes of every board: moving a card, and telling open pages that cards were created, edited or deleted.

Ordering: a card's ``position`` is a sparse integer (``GAP`` apart); a card dropped between two others takes
the middle, and when there is no room left the target column is renumbered. The column row lock serialises
every change of a column's order, so each column has one total order at each ``version``.

Locks are always taken in the same order, so two moves never deadlock: the columns involved (in primary-key
order), then the card. Writers that change cards outside a move (create, edit, delete) do not take column locks
inside their own transaction: :func:`card_changed` / :func:`card_removed` bump the columns in a short
transaction of their own right after the commit, and broadcast from there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F

from audit.services import audit_record

from . import live
from .exceptions import CardElsewhere, CardGone, StaleMove
from .registry import BoardSpec

logger = logging.getLogger("core.boards")

GAP = 1 << 16
MAX_ATTEMPTS = 3


class _CardMovedMeanwhile(Exception):
    """The card changed column between reading it and locking it: try again with the right columns."""


@dataclass
class MoveOutcome:
    card: Any  # the card, fetched through spec.prepare_cards (ready to render)
    from_column: Any
    to_column: Any
    changed: bool  # False when the card was already there (nothing written, nothing broadcast)
    data: dict  # the ``board.changed`` payload: what was broadcast, and what the move endpoint answers


@dataclass
class _Locked:
    card: Any
    from_column: Any
    to_column: Any
    changed: bool
    columns: list[tuple[Any, list[int]]]


def card_move(
    *,
    spec: BoardSpec,
    card_id: int,
    board_id: int,
    to_column_id: int,
    after_id: int | None = None,
    before_id: int | None = None,
    by: Any,
    extra: dict | None = None,
    board: Any = None,
) -> MoveOutcome:
    """Move card ``card_id`` of board ``board_id`` into column ``to_column_id``, right after card ``after_id``
    (or, when that one left the column, right before ``before_id``); with neither, at the end of the column.
    ``board``: the board object when the caller has it (the endpoint does): the card and its columns get it as
    their cached board, so the spec's predicates and hooks read it without a query.

    Raises ``CardGone`` (deleted), ``CardElsewhere`` (on another board now), ``StaleMove`` (both anchors left
    the column), ``ValidationError`` (a column of another board, or the spec's ``validate_move``),
    ``PermissionDenied`` (``spec.can_move``). Nothing is written unless everything passes. After the commit,
    one ``board.changed`` frame goes to the board's live group.
    """
    extra = {
        name: value.strip() if isinstance(value, str) else value
        for name, value in (extra or {}).items()
        if name in spec.move_fields
    }
    target_id = _column_id(spec, to_column_id)
    if board is not None and board.pk != board_id:
        board = None
    for _attempt in range(MAX_ATTEMPTS):
        try:
            with transaction.atomic():
                locked = _move_locked(
                    spec, card_id, board_id, target_id, after_id, before_id, by, extra, board
                )
            break
        except _CardMovedMeanwhile:
            continue
    else:  # somebody keeps moving this very card
        raise StaleMove(spec.message("stale", StaleMove.default_message))

    card = spec.prepare_cards(spec.card_model._default_manager.filter(pk=card_id)).first() or locked.card
    spec.attach_columns([card], [locked.to_column])
    data = live.change_data(spec, board_id, columns=locked.columns, cards=[card])
    if locked.changed:
        live.broadcast_changed(spec, board_id, data)
    return MoveOutcome(
        card=card,
        from_column=locked.from_column,
        to_column=locked.to_column,
        changed=locked.changed,
        data=data,
    )


def _wrong_column(spec: BoardSpec) -> ValidationError:
    return ValidationError({"column": [str(spec.wrong_column_message)]}, code="wrong_column")


def _column_id(spec: BoardSpec, column_id: Any) -> int:
    """The target column's id (whether it exists on the board is checked with its lock)."""
    try:
        return int(column_id)
    except (TypeError, ValueError):
        raise _wrong_column(spec) from None


def _attach_board(spec: BoardSpec, board: Any, card: Any, columns: Iterable[Any]) -> None:
    """Give the card and its columns the board object the caller already has (no query to read it)."""
    column_field = spec.column_model._meta.get_field(spec.board_field)
    for column in columns:
        if getattr(column, spec.board_attname) == board.pk:
            column_field.set_cached_value(column, board)
    if spec.card_board_field:
        card_field = spec.card_model._meta.get_field(spec.card_board_field)
        if getattr(card, card_field.attname) == board.pk:
            card_field.set_cached_value(card, board)


def _move_locked(
    spec: BoardSpec,
    card_id: int,
    board_id: int,
    target_id: int,
    after_id: int | None,
    before_id: int | None,
    by: Any,
    extra: dict,
    board: Any = None,
) -> _Locked:
    cards = spec.card_model._default_manager
    column_attname = spec.column_attname
    gone = CardGone(spec.message("gone", CardGone.default_message))

    current = cards.filter(pk=card_id).order_by().values_list(column_attname, flat=True).first()
    if current is None:
        raise gone
    # the target column is read with its lock: one that does not exist (deleted meanwhile) or is on another board
    # is refused here, before anything is written
    locked = {
        column.pk: column
        for column in spec.column_model._default_manager.select_for_update(of=("self",))
        .filter(pk__in={current, target_id})
        .order_by("pk")
    }
    to_column = locked.get(target_id)
    if to_column is None or getattr(to_column, spec.board_attname) != board_id:
        raise _wrong_column(spec)
    # of=("self",) and no default ordering: a join (the card model's ordering follows its column's) would lock
    # the column and board rows too, out of order, and deadlock against other moves
    card = cards.select_for_update(of=("self",)).filter(pk=card_id).order_by().first()
    if card is None:
        raise gone
    if getattr(card, column_attname) != current or current not in locked:
        raise _CardMovedMeanwhile
    from_column = locked[current]
    if getattr(from_column, spec.board_attname) != board_id:
        raise CardElsewhere(spec.message("elsewhere", CardElsewhere.default_message))
    if board is not None:
        _attach_board(spec, board, card, {from_column, to_column})
    if not spec.can_move(by, card):
        raise PermissionDenied

    siblings = list(
        cards.filter(**{column_attname: to_column.pk})
        .exclude(pk=card.pk)
        .order_by("position", "pk")
        .values_list("pk", "position")
    )
    index = _drop_index(spec, siblings, after_id, before_id)
    same = from_column.pk == to_column.pk
    if same and index == sum(1 for pk, pos in siblings if (pos, pk) < (card.position, card.pk)):
        order = [pk for pk, _pos in siblings[:index]] + [card.pk] + [pk for pk, _pos in siblings[index:]]
        return _Locked(card, from_column, to_column, False, [(to_column, order)])

    spec.validate_move(card, from_column, to_column, extra)
    position, renumbered = _position(siblings, index)
    if renumbered:
        _write_positions(spec, renumbered)
    card.position = position
    if same:
        cards.filter(pk=card.pk).update(position=position)  # a reorder: no signals, no history entry
    else:
        setattr(card, spec.column_field, to_column)
        fields = [spec.column_field, "position", *spec.apply_move(card, from_column, to_column, extra)]
        fields += [f.name for f in spec.card_model._meta.concrete_fields if getattr(f, "auto_now", False)]
        card.save(update_fields=list(dict.fromkeys(fields)))
    touched = [to_column] if same else sorted((from_column, to_column), key=lambda c: c.pk)
    _bump(spec, touched)
    spec.on_moved(card, from_column, to_column, by, extra)
    audit_record(
        action=spec.audit_action or f"{spec.key}.card_moved",
        actor=by,
        target=card,
        data={
            "board": spec.key,
            "board_id": board_id,
            "from": {"id": from_column.pk, "name": str(from_column)},
            "to": {"id": to_column.pk, "name": str(to_column)},
            "index": index,
            **{name: value for name, value in extra.items() if value},
        },
    )
    order = [pk for pk, _pos in siblings[:index]] + [card.pk] + [pk for pk, _pos in siblings[index:]]
    columns = [(to_column, order)]
    if not same:
        columns.insert(0, (from_column, _orders(spec, [from_column.pk])[from_column.pk]))
    return _Locked(card, from_column, to_column, True, columns)


def _drop_index(spec: BoardSpec, siblings: list[tuple[int, int]], after_id: Any, before_id: Any) -> int:
    """Where the card goes among ``siblings`` (the target column without it)."""
    ids = [pk for pk, _pos in siblings]
    after_id, before_id = _as_id(after_id), _as_id(before_id)
    if after_id is not None and after_id in ids:
        return ids.index(after_id) + 1
    if before_id is not None and before_id in ids:
        return ids.index(before_id)
    if after_id is None and before_id is None:
        return len(ids)
    raise StaleMove(spec.message("stale", StaleMove.default_message))


def _as_id(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # never a card: the move is refused as stale rather than silently misplaced


def _position(siblings: list[tuple[int, int]], index: int) -> tuple[int, list[tuple[int, int]] | None]:
    """The new position for a card inserted at ``index``, and the column's new positions when it had to be
    renumbered (``[(pk, position), …]``), else None."""
    before = siblings[index - 1][1] if index > 0 else None
    after = siblings[index][1] if index < len(siblings) else None
    if before is None and after is None:
        return 0, None
    if before is None:
        return after - GAP, None
    if after is None:
        return before + GAP, None
    if after - before >= 2:
        return (before + after) // 2, None
    renumbered = [(pk, (i + 1 if i < index else i + 2) * GAP) for i, (pk, _pos) in enumerate(siblings)]
    return (index + 1) * GAP, renumbered


def _write_positions(spec: BoardSpec, positions: list[tuple[int, int]]) -> None:
    """One UPDATE for the whole column (no signals: positions are not history)."""
    meta = spec.card_model._meta
    table = connection.ops.quote_name(meta.db_table)
    pk_column = connection.ops.quote_name(meta.pk.column)
    position_column = connection.ops.quote_name(meta.get_field("position").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {position_column} = v.pos "  # noqa: S608 (quoted identifiers, bound values)
            f"FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, pos) WHERE {table}.{pk_column} = v.id",
            [[pk for pk, _ in positions], [pos for _, pos in positions]],
        )


def _bump(spec: BoardSpec, columns: Iterable[Any]) -> None:
    """Increase the version of ``columns`` (locked by the caller) by one."""
    columns = list(columns)
    spec.column_model._default_manager.filter(pk__in=[c.pk for c in columns]).update(version=F("version") + 1)
    for column in columns:
        column.version += 1


def _orders(spec: BoardSpec, column_ids: Iterable[int]) -> dict[int, list[int]]:
    """The complete order of card ids of each column (read under the columns' locks)."""
    column_ids = list(column_ids)
    orders: dict[int, list[int]] = {pk: [] for pk in column_ids}
    rows = (
        spec.card_model._default_manager.filter(**{f"{spec.column_attname}__in": column_ids})
        .order_by(spec.column_attname, "position", "pk")
        .values_list(spec.column_attname, "pk")
    )
    for column_id, pk in rows:
        orders[column_id].append(pk)
    return orders


# --- cards created, edited, deleted elsewhere -------------------------------------------------------------

MAX_CARDS_PER_FRAME = 20  # a bigger batch (bulk tagging, an import) makes open boards fetch themselves again


def card_changed(
    spec: BoardSpec, card: Any, *, created: bool = False, previous_column_id: int | None = None
) -> None:
    """Call from the service that created or edited ``card`` (inside its transaction). After the commit, the
    card's columns get a new version (``created`` puts the card on top of its column, so does a change of
    column) and open boards receive the card and the new headers (a value edit changes the totals). Calls in
    one transaction are gathered: one short transaction and one frame per board after the commit."""
    column_id = getattr(card, spec.column_attname)
    column_ids = {column_id}
    if previous_column_id and previous_column_id != column_id:
        column_ids.add(previous_column_id)
    _queue(spec, column_ids, changed={card.pk: created or len(column_ids) > 1})


def card_removed(
    spec: BoardSpec, card: Any = None, *, card_id: int | None = None, column_id: int | None = None
) -> None:
    """Call from the service that deletes ``card`` (or that moves it off the board), inside its transaction.
    After ``delete()`` the card has forgotten its primary key: call it before, or pass ``card_id`` and
    ``column_id``."""
    if card is not None:
        card_id = card_id or card.pk
        column_id = column_id or getattr(card, spec.column_attname)
    _queue(spec, {column_id}, removed={card_id} if card_id else set())


def _queue(
    spec: BoardSpec, column_ids: set, *, changed: dict | None = None, removed: set | None = None
) -> None:
    pending = _pending()
    entry = pending.setdefault(spec.key, {"spec": spec, "columns": set(), "changed": {}, "removed": set()})
    entry["columns"] |= column_ids
    for pk, place in (changed or {}).items():
        entry["changed"][pk] = entry["changed"].get(pk, False) or place
    entry["removed"] |= removed or set()
    # every call registers a flush (a rolled-back savepoint drops its own); the first one after the commit
    # sends everything, the others find nothing left
    transaction.on_commit(lambda: _flush(spec.key), robust=True)


def _pending() -> dict:
    connection_ = transaction.get_connection()
    if not hasattr(connection_, "board_changes"):
        connection_.board_changes = {}
    return connection_.board_changes


def _flush(key: str) -> None:
    entry = _pending().pop(key, None)
    if entry:
        columns_sync(
            entry["spec"], column_ids=entry["columns"], changed=entry["changed"], removed=entry["removed"]
        )


def columns_sync(
    spec: BoardSpec,
    *,
    column_ids: Iterable[int],
    changed: dict[int, bool] | None = None,
    removed: Iterable[int] = (),
) -> None:
    """Bump ``column_ids`` under their locks (in a transaction of its own), put the ``changed`` cards marked
    True on top of their column, and broadcast the columns' orders with the cards to each board concerned."""
    cards = spec.card_model._default_manager
    changed = dict(changed or {})
    with transaction.atomic():
        columns = list(
            spec.column_model._default_manager.select_for_update(of=("self",))
            .filter(pk__in={pk for pk in column_ids if pk})
            .order_by("pk")
        )
        if not columns:
            return
        locked = {column.pk for column in columns}
        current = (
            dict(cards.filter(pk__in=list(changed)).values_list("pk", spec.column_attname)) if changed else {}
        )
        for pk, column_id in current.items():
            if changed[pk] and column_id in locked:
                _put_on_top(spec, pk, column_id)
        _bump(spec, columns)
        orders = _orders(spec, locked)
    present = list(spec.prepare_cards(cards.filter(pk__in=list(current)))) if current else []
    spec.attach_columns(present, columns)
    gone = set(removed) | (set(changed) - set(current))
    by_board: dict[int, list[Any]] = {}
    for column in columns:
        by_board.setdefault(getattr(column, spec.board_attname), []).append(column)
    for board_id, board_columns in by_board.items():
        here = {column.pk for column in board_columns}
        on_board = [card for card in present if getattr(card, spec.column_attname) in here]
        left = sorted(gone | {card.pk for card in present if card not in on_board})
        if len(on_board) + len(left) > MAX_CARDS_PER_FRAME:
            live.broadcast_reload(spec, board_id)
            continue
        data = live.change_data(
            spec,
            board_id,
            columns=[(column, orders[column.pk]) for column in board_columns],
            cards=on_board,
            removed=left,
        )
        live.broadcast_changed(spec, board_id, data)


def _put_on_top(spec: BoardSpec, card_id: int, column_id: int) -> None:
    cards = spec.card_model._default_manager
    top = (
        cards.filter(**{spec.column_attname: column_id})
        .exclude(pk=card_id)
        .order_by("position", "pk")
        .values_list("position", flat=True)
        .first()
    )
    cards.filter(pk=card_id).update(position=0 if top is None else top - GAP)


def board_reload(spec: BoardSpec, board: Any) -> None:
    """Call after changing a board's columns (added, renamed, reordered, recoloured): open pages re-fetch it."""
    live.broadcast_reload(spec, board.pk)
