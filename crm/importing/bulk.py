"""Fast inserts for big imports: PostgreSQL ``COPY`` instead of ``INSERT … VALUES`` (Django's ``bulk_create``
spends most of its time building one SQL string with tens of thousands of placeholders; ``COPY`` streams rows).

Primary keys the import needs back (artists, sponsors, contacts: their genres, tags, socials point at them) are
taken from the table's sequence first, in one query. Everything runs inside the caller's transaction, so a
failure rolls it all back like any other write. Model ``save()`` and signals do not run: the import fills the
denormalised columns itself, and writes history rows (django-simple-history) with :func:`copy_history`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

# field classes whose Python value is what the database takes: no conversion per value
_PLAIN = (
    models.CharField,
    models.EmailField,
    models.URLField,
    models.SlugField,
    models.TextField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.BigAutoField,
    models.AutoField,
)


_SIMPLE = (str, int, bool)
# Python values psycopg adapts exactly as Django would (aware datetimes, dates, decimals with their places)
_AS_IS = (models.DateTimeField, models.DateField, models.DecimalField)


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys from the table's sequence (so rows can be linked before they are written)."""
    if count <= 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """One ``COPY`` of ready values (what the database takes) into ``model``'s table."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def copy_insert(model: type[models.Model], objects: Sequence[models.Model], *, with_pk: bool = True) -> None:
    """Writes model instances with one ``COPY``. ``with_pk=False`` lets the database number them (when nobody
    needs the ids back: socials, snapshots)."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    stamps = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    getters = [_getter(f) for f in fields]
    now = timezone.now()  # what auto_now(_add) would set, once for the whole batch

    def rows():
        for obj in objects:
            for attname in stamps:
                setattr(obj, attname, now)
            yield [get(obj) for get in getters]

    copy_rows(model, [f.column for f in fields], rows())


def copy_links(
    through: type[models.Model], owner: str, target: str, pairs: Iterable[tuple[int, int]]
) -> None:
    """Many-to-many rows ``(owner id, target id)`` of new records (no conflict possible)."""
    columns = [through._meta.get_field(owner).column, through._meta.get_field(target).column]
    copy_rows(through, columns, pairs)


def copy_history(
    model: type[models.Model],
    objects: Sequence[models.Model],
    *,
    user: Any,
    reason: str,
    when: datetime,
    history_type: str = "+",
) -> None:
    """The django-simple-history rows ``bulk_history_create`` would write for ``objects``, by ``COPY``."""
    if not objects:
        return
    historical = model.history.model
    tracked = {f.attname for f in historical.tracked_fields}
    extra = {
        "history_date": when,
        "history_user_id": getattr(user, "pk", None),
        "history_change_reason": reason,
        "history_type": history_type,
    }
    fields = [f for f in historical._meta.concrete_fields if not f.primary_key]
    unknown = [f.attname for f in fields if f.attname not in tracked and f.attname not in extra]
    if unknown:  # a history model with fields of its own: let the ORM fill them
        raise RuntimeError(f"{historical.__name__} has fields the import does not fill: {unknown}")
    getters = [_getter(f) if f.attname in tracked else (lambda _obj, v=extra[f.attname]: v) for f in fields]
    copy_rows(historical, [f.column for f in fields], ([get(obj) for get in getters] for obj in objects))


def _getter(field: models.Field):
    """value-for-the-database(obj) for ``field``, read from ``obj`` by attribute name. The usual field types take
    a fast path (psycopg adapts their Python values itself); any other converts through the field, memoised for
    repeated values (a country code, a default)."""
    attname = field.attname
    convert = field.get_db_prep_save
    db = connections[DEFAULT_DB_ALIAS]  # this thread's connection, resolved once (not per value)
    kind = type(field)
    if kind in _PLAIN or kind in _AS_IS:  # exactly: subclasses (CountryField…) convert their own values

        def plain(obj):
            value = getattr(obj, attname)
            return value if value is None or type(value) in _SIMPLE else convert(value, db)

        return plain
    if isinstance(field, ArrayField) and type(field.base_field) in _PLAIN:
        return lambda obj: getattr(obj, attname)  # a list of str: psycopg writes the array
    if isinstance(field, models.JSONField):
        return lambda obj: json.dumps(getattr(obj, attname), cls=field.encoder)
    if isinstance(field, models.FileField):
        return lambda obj: getattr(obj, attname).name or ""
    memo: dict = {}

    def converted(obj):
        value = getattr(obj, attname)
        try:
            return memo[value]
        except KeyError:
            result = memo[value] = convert(value, db)
            return result
        except TypeError:  # not hashable
            return convert(value, db)

    return converted
