"""What a move can meet besides bad input (``ValidationError``) and a missing right (``PermissionDenied``).

Each carries a message for people; the API turns them into 404 / 409 answers and the browser shows the message
in a toast, then re-fetches the board.
"""

from django.utils.translation import gettext_lazy as _


class BoardMoveError(Exception):
    status = 409
    code = "conflict"
    default_message = _("The board changed while you were working; it has been refreshed.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class CardGone(BoardMoveError):
    """The card was deleted (by someone else) before the move reached it."""

    status = 404
    code = "card_gone"
    default_message = _("This card was deleted by someone else; the board has been refreshed.")


class CardElsewhere(BoardMoveError):
    """The card is no longer on this board (someone moved it to another board)."""

    status = 409
    code = "card_elsewhere"
    default_message = _("This card is now on another board; the board has been refreshed.")


class StaleMove(BoardMoveError):
    """The cards the browser placed the card next to are no longer in the target column."""

    status = 409
    code = "stale"
    default_message = _("The column changed while you were dragging; the board has been refreshed.")
