"""The two abstract models every live board is made of (see :mod:`core.boards`).

A *column* (a CRM stage, a Kanban column) carries ``version``, bumped under a row lock each time the order of
its cards changes, so a browser applies a column's order only when it is newer than what it shows. A *card*
(a deal, a task) carries ``position``: sparse integers, ordered ascending inside its column.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BoardColumn(models.Model):
    version = models.BigIntegerField(_("order version"), default=0, editable=False)

    class Meta:
        abstract = True


class BoardCard(models.Model):
    position = models.BigIntegerField(_("position"), default=0, editable=False, db_index=False)

    class Meta:
        abstract = True
