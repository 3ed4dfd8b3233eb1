"""The board endpoints under /api/boards/ (see core.boards.api)."""

from django.urls import path

from .api import BoardCardsApi, BoardMoveApi, BoardStatsApi

app_name = "boards-api"

urlpatterns = [
    path("<str:board_key>/<int:board_pk>/move/", BoardMoveApi.as_view(), name="move"),
    path("<str:board_key>/<int:board_pk>/stats/", BoardStatsApi.as_view(), name="stats"),
    path("<str:board_key>/<int:board_pk>/cards/", BoardCardsApi.as_view(), name="cards"),
]
