"""Live boards, shared by every board of the suite (CRM pipelines, Planning's Kanban…): a board is configuration.

What is shared: the ordering (sparse positions, renumbered when a gap runs out), the move service with its row
locks and conflict errors (:mod:`core.boards.services`), one move endpoint and its reads (:mod:`core.boards.api`,
``/api/boards/<key>/<pk>/move|stats|cards/``), the page's board markup (``boards/board.html`` and
``boards/dialogs.html``), the browser wiring (``static/js/boards.js`` + ``static/css/boards.css``: Sortable,
optimistic moves, the "Move to…" keyboard menu, prompts, live frames, filters, "show more") and the live
broadcast and resync (:mod:`core.boards.live`, group ``board.<key>.<pk>``).

Declaring a new board (Planning's Kanban, for instance)
-------------------------------------------------------
1. Models: the column model extends :class:`core.boards.models.BoardColumn` (``version``), the card model
   :class:`core.boards.models.BoardCard` (``position``, index it with the column FK: ``["column", "position"]``).
2. A spec, registered from the app's ``shell.register()`` / ``ready()``::

       from core.boards.registry import BoardFilter, BoardSpec, register_board

       TASK_BOARD = register_board(BoardSpec(
           key="planning.kanban",                 # live group board.planning.kanban.<board pk>
           card_model=Task, column_field="column", board_field="board",
           card_board_field="board",              # optional: the card's own FK to the board
           can_view=can_view_planning,            # (user, board=None) -> bool
           can_move=can_edit_planning,            # (user, card=None) -> bool
           card_html=task_card_html,              # (card) -> safe str, the same for every user; or card_template=
           header_template="planning/board.html#column-header",   # {"column", "stats", "filtered"}
           column_stats=task_column_stats,        # (columns, cards qs) -> {column pk: {"count": n, ...}}
           validate_move=check_wip_limit,         # (card, from, to, extra) -> raise ValidationError
           apply_move=set_done_at,                # (card, from, to, extra) -> [changed field names]
           on_moved=write_activity,               # (card, from, to, by, extra), same transaction
           filter_cards=task_filters,             # (user, board, params) -> BoardFilter(q, conditions, form, params)
           card_filter_attrs=task_attrs,          # (card) -> {"assignee": 4, "labels": [1, 2]} for live filtering
           prepare_cards=lambda qs: qs.select_related("assignee"),
           column_prompt=None,                    # (column) -> {"field", "title", "label", "submit", "required"}
           column_color=lambda column: column.color,
           move_fields=(),                        # extra body fields a move may carry (e.g. "lost_reason")
           column_ordering=("position", "pk"),
       ))

3. A page: ``selectors.board_view(spec=, board=, user=, params=request.GET)`` into the context as
   ``board_view`` with ``refresh_url`` (the page URL with its filters; on HX-Request the view answers HTML that
   contains the board), then ``{% include "boards/board.html" %}`` and ``{% include "boards/dialogs.html" %}``,
   load ``vendor/sortablejs/Sortable.min.js``, ``js/boards.js`` and ``css/boards.css``, and put
   ``board.<key>.<pk>`` in the ``live_groups`` block.
   Optional: ``can_move_board=(user, board) -> bool`` (dragging offered on this board: board roles),
   ``column_top_template`` (under each header, with the page's context: a quick-add field; live frames leave it
   alone), ``lanes={"assignee": BoardLanes(label, lanes=(board, cards) -> [(value, label)], value=card -> str)}``:
   swimlanes as a view option (``?lanes=assignee``): a row of headers, then per lane one sortable list per
   column; cards carry ``data-lane-<key>``, Sortable groups are per lane (a drag changes the column, never the
   lane; its anchors are its neighbours in the lane cell), live frames deal each column's order into the lanes.
   ``column_limit=(column) -> int | None``: that column's first page on the board page instead of ``page_size``
   (a short one for done / won / lost columns, which only grow; "show more" brings the rest).
4. Writes outside a move call ``services.card_changed(spec, card, created=…, previous_column_id=…)`` and
   ``services.card_removed(spec, card)`` (before ``delete()``) inside their transaction, and
   ``services.board_reload(spec, board)`` after changing the columns: open boards follow live.
"""
