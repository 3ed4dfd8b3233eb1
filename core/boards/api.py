"""The board endpoints, the same for every board (web pages and API clients alike):

    POST /api/boards/<key>/<board_pk>/move/    {"card", "column", "after", "before", + the board's extra fields}
    GET  /api/boards/<key>/<board_pk>/stats/?<filters>   column headers under the page's filters
    GET  /api/boards/<key>/<board_pk>/cards/?column=&after=&offset=&<filters>   "show more" of one column

Permissions come from the board's spec (``can_view`` for reads, ``can_move`` for moves) through
``core.api.permissions.predicate_permission``; a board the caller cannot see is a 404. Errors use the API's
one shape; a move answers 404 ``card_gone``, 409 ``card_elsewhere`` / ``stale``, 400 for bad input.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.errors import ErrorSerializer
from core.api.permissions import IsStaffUser, predicate_permission

from . import selectors, services
from .exceptions import BoardMoveError
from .registry import BoardSpec, get_board_spec


class BoardConflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"
    default_detail = _("The board changed meanwhile.")


@contextmanager
def board_errors(*, column_field: str = "column") -> Iterator[None]:
    """A move's refusals in the API's words, for every endpoint that moves cards (this one, the CRM's deal
    ``move`` action, Planning's task ``move`` action): a deleted card is 404, a board that changed meanwhile
    409, and a board's "column" error is reported on the API's own name for it (a deal's ``stage``)."""
    try:
        yield
    except BoardMoveError as error:
        if error.status == 404:
            raise exceptions.NotFound(error.message, code=error.code) from None
        raise BoardConflict(error.message, code=error.code) from None
    except ValidationError as error:
        if column_field != "column" and hasattr(error, "error_dict") and "column" in error.error_dict:
            fields = dict(error.error_dict)
            fields[column_field] = fields.pop("column")
            raise ValidationError(fields) from None
        raise


class MoveInputSerializer(serializers.Serializer):
    card = serializers.IntegerField(help_text="The card to move.")
    column = serializers.IntegerField(help_text="The column it goes to (on the same board).")
    after = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The card it goes right after (null: top, unless `before`).",
    )
    before = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The card it goes right before (used when `after` moved away).",
    )


class ColumnStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Bumped each time the column's order or cards change.")
    order = serializers.ListField(child=serializers.IntegerField(), help_text="Every card id, in order.")
    count = serializers.IntegerField()
    header = serializers.DictField(child=serializers.CharField(), help_text="Header HTML per language.")


class BoardChangeSerializer(serializers.Serializer):
    board = serializers.CharField()
    board_id = serializers.IntegerField()
    changed = serializers.BooleanField(required=False)
    columns = ColumnStateSerializer(many=True)
    card = inline_serializer(
        "BoardCard",
        {
            "id": serializers.IntegerField(),
            "column": serializers.IntegerField(),
            "html": serializers.DictField(child=serializers.CharField()),
            "attrs": serializers.DictField(child=serializers.CharField()),
        },
        allow_null=True,
    )


ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class BoardApi(APIView):
    """Common ground: the spec from the URL (unknown key → 404) and its predicates as permissions."""

    spec: BoardSpec

    def get_permissions(self):
        try:
            spec = self.get_spec()
        except Http404:
            # signed-out callers still hear "sign in" first; the others get the 404 from the handler
            return [IsStaffUser()]
        return [predicate_permission(read=spec.can_view, write=spec.can_move, name=f"Board_{spec.key}")()]

    def get_spec(self) -> BoardSpec:
        if not hasattr(self, "spec"):
            try:
                self.spec = get_board_spec(self.kwargs.get("board_key", ""))
            except LookupError:
                raise Http404 from None
        return self.spec

    def get_board(self) -> Any:
        board = self.get_spec().get_board(self.request.user, self.kwargs.get("board_pk"))
        if board is None:
            raise Http404
        return board


KEY_PARAMS = [
    OpenApiParameter(
        "board_key", str, OpenApiParameter.PATH, description="The kind of board, e.g. `crm.pipeline`."
    ),
    OpenApiParameter(
        "board_pk", int, OpenApiParameter.PATH, description="The board (e.g. the pipeline's id)."
    ),
]


class BoardMoveApi(BoardApi):
    """Move a card to a column, between two cards. Extra fields a board asks for go in the same body (the CRM
    pipeline needs `lost_reason` when the target stage is a lost one)."""

    @extend_schema(
        tags=["boards"],
        parameters=KEY_PARAMS,
        request=MoveInputSerializer,
        responses={200: BoardChangeSerializer, **ERRORS},
    )
    def post(self, request: Request, board_key: str, board_pk: int) -> Response:
        spec = self.get_spec()
        board = self.get_board()
        serializer = MoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        extra = {name: _text(request.data.get(name)) for name in spec.move_fields if name in request.data}
        with board_errors():
            outcome = services.card_move(
                spec=spec,
                card_id=values["card"],
                board_id=board.pk,
                to_column_id=values["column"],
                after_id=values.get("after"),
                before_id=values.get("before"),
                by=request.user,
                extra=extra,
                board=board,
            )
        return Response({**outcome.data, "changed": outcome.changed})


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise exceptions.ValidationError({"detail": [_("Expected text.")]})
    if len(value) > 2000:
        raise exceptions.ValidationError({"detail": [_("Keep it under 2,000 characters.")]})
    return value.strip()


class BoardStatsApi(BoardApi):
    """Each column's header (count, totals…) under the filters of the query string."""

    @extend_schema(
        tags=["boards"],
        parameters=KEY_PARAMS,
        responses={
            200: inline_serializer(
                "BoardStats",
                {
                    "filtered": serializers.BooleanField(),
                    "columns": inline_serializer(
                        "BoardColumnStats",
                        {
                            "id": serializers.IntegerField(),
                            "count": serializers.IntegerField(),
                            "header": serializers.CharField(),
                        },
                        many=True,
                    ),
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request: Request, board_key: str, board_pk: int) -> Response:
        spec, board = self.get_spec(), self.get_board()
        columns, stats, flt = selectors.filtered_stats(
            spec=spec, board=board, user=request.user, params=request.GET
        )
        rows = [
            {
                "id": column.pk,
                "count": stats[column.pk]["count"],
                "header": spec.render_header(column, stats[column.pk], filtered=flt.active),
            }
            for column in columns
        ]
        return Response({"filtered": flt.active, "columns": rows})


class BoardCardsApi(BoardApi):
    """The next cards of one column ("show more"), under the filters of the query string: `column`, then
    `after` (the last card shown) or `offset`."""

    @extend_schema(
        tags=["boards"],
        parameters=[
            *KEY_PARAMS,
            OpenApiParameter("column", int, required=True),
            OpenApiParameter("after", int),
            OpenApiParameter("offset", int),
        ],
        responses={
            200: inline_serializer(
                "BoardCards",
                {
                    "more": serializers.BooleanField(),
                    "cards": inline_serializer(
                        "BoardCardHtml",
                        {"id": serializers.IntegerField(), "html": serializers.CharField()},
                        many=True,
                    ),
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request: Request, board_key: str, board_pk: int) -> Response:
        spec, board = self.get_spec(), self.get_board()
        column_id = _int(request.GET.get("column"), "column")
        column = spec.columns(board).filter(pk=column_id).first()
        if column is None:
            raise exceptions.ValidationError({"column": [str(spec.wrong_column_message)]})
        after = request.GET.get("after")
        cards, more = selectors.column_cards(
            spec=spec,
            board=board,
            user=request.user,
            column=column,
            params=request.GET,
            after_id=_int(after, "after") if after else None,
            offset=max(0, _int(request.GET.get("offset") or 0, "offset")),
        )
        return Response({"more": more, "cards": [{"id": c.pk, "html": spec.render_card(c)} for c in cards]})


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise exceptions.ValidationError({name: [_("A whole number is required.")]}) from None
