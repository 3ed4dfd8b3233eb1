"""Planning's Kanban: tasks (cards) in columns of a board, declared on the shared live board mechanism of
:mod:`core.boards` (moves, ordering, the move endpoint, Sortable, live frames are all shared). Registered from
``planning.shell_parts.boards.register()``.

What is specific to Planning: board roles (``planning.permissions``: a board viewer reads, an editor moves),
WIP limits (``planning.services.boards.wip_check``: a full column refuses the move or lets it in and the
header shows the overflow "6/5"), done columns (TASKS' ``task_column_changed``: completion and the next
occurrence of a recurring task), cards with priority, tags, assignees, due date, checklist progress and counts,
filters by assignee / tag / priority / due date, and swimlanes by assignee or priority (``?lanes=``).

Swimlanes: a task with several assignees sits in the lane of its first assignee (by name, then e-mail), so a
card is shown once; the others still see it in the "Assignee" filter.

Dates on a card (the same for every reader, live frames go to everybody): "overdue" is absolute (the due time
has passed), "today" and the date shown are counted in the site's time zone. The page's due filters (overdue,
today, this week) are counted in the reader's own time zone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, JSONField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.boards.registry import BoardFilter, BoardLanes, BoardSpec, register_board

from .models import Attachment, ChecklistItem, Column, Comment, Label, Task, TaskLink
from .permissions import boards_visible_to, can_edit_board, can_move_task, can_view_board

KEY = "planning.kanban"


# --- moves ------------------------------------------------------------------------------------------------


def _board_of(column: Column) -> Any:
    """The column's board when it is already loaded (the move endpoint attaches it), else None."""
    return column.board if Column.board.is_cached(column) else None


def validate_move(task: Task, source: Column, target: Column, extra: dict) -> None:
    """An archived board is read only; then the WIP limit of the target column (the move holds its lock: the
    count is exact)."""
    from .models import Board
    from .services.boards import wip_check

    board = _board_of(target)
    if (
        board.archived
        if board is not None
        else Board.objects.filter(pk=target.board_id, archived=True).exists()
    ):
        raise ValidationError(gettext("This board is archived: restore it to move tasks."), code="archived")
    if target.pk == source.pk:
        return

    wip_check(column=target, adding=1)


def apply_move(task: Task, source: Column, target: Column, extra: dict) -> list[str]:
    """Entering or leaving a done column sets or clears ``completed_at``, saved with the move itself (its history
    row shows it); the rest of what it means is :func:`on_moved`'s."""
    from .services.tasks import task_completion

    return task_completion(task=task, source=source, target=target)


def on_moved(task: Task, source: Column, target: Column, by: Any, extra: dict) -> None:
    """Completion when a task enters or leaves a done column (and the next occurrence of a recurring one)."""
    if target.pk == source.pk:
        return
    from .services.tasks import task_column_changed

    task_column_changed(task=task, source=source, target=target, by=by, saved=True)


# --- columns ----------------------------------------------------------------------------------------------


def column_stats(columns: list[Column], tasks) -> dict[int, dict]:
    """Count per column (the header shows it against the WIP limit) and how many are overdue (one query)."""
    now = timezone.now()
    rows = (
        tasks.order_by()
        .values("column_id")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now, completed_at__isnull=True)))
    )
    stats = {row["column_id"]: {"count": row["n"], "overdue": row["overdue"]} for row in rows}
    for column in columns:
        entry = stats.setdefault(column.pk, {"count": 0, "overdue": 0})
        limit = column.wip_limit
        entry["wip"] = limit
        entry["wip_state"] = (
            ""
            if not limit
            else "over"
            if entry["count"] > limit
            else "full"
            if entry["count"] == limit
            else ""
        )
    return stats


# --- cards ------------------------------------------------------------------------------------------------

CARD_FIELDS = (
    *("id", "position", "board_id", "column_id", "title", "priority", "due_at", "all_day"),
    *("completed_at", "recurrence"),
)


def _card_data_sql() -> str:
    """One JSON array per task with everything its card reads beyond its own fields: ``[checklist items,
    checked items, comments, attachments, [[assignee id, first name, last name, e-mail], …] by name,
    [[tag id, name, colour], …] by name, [content type ids of its links]]``. Plain SQL (built once): the
    same seven correlated subqueries as ORM annotations cost milliseconds to build and compile per request."""
    q = connection.ops.quote_name

    def table(model) -> str:
        return q(model._meta.db_table)

    def col(model, name: str) -> str:
        return q(model._meta.get_field(name).column)

    task = f"{table(Task)}.{col(Task, 'id')}"
    user, assignees, labels = get_user_model(), Task.assignees.through, Task.labels.through
    names = ", ".join(f"u.{col(user, f)}" for f in ("first_name", "last_name", "email"))

    def count(model, extra: str = "") -> str:
        return f"(SELECT count(*) FROM {table(model)} x WHERE x.{col(model, 'task')} = {task}{extra})"  # noqa: S608

    people = (
        f"(SELECT coalesce(jsonb_agg(jsonb_build_array(u.{col(user, 'id')}, {names}) ORDER BY {names}), '[]')"  # noqa: S608
        f" FROM {table(assignees)} a JOIN {table(user)} u ON u.{col(user, 'id')} = a.{col(assignees, 'user')}"
        f" WHERE a.{col(assignees, 'task')} = {task})"
    )
    label_name, label_id = f"l.{col(Label, 'name')}", f"l.{col(Label, 'id')}"
    tags = (
        f"(SELECT coalesce(jsonb_agg(jsonb_build_array({label_id}, {label_name}, l.{col(Label, 'color')})"  # noqa: S608
        f" ORDER BY {label_name}, {label_id}), '[]')"
        f" FROM {table(labels)} t JOIN {table(Label)} l ON {label_id} = t.{col(labels, 'label')}"
        f" WHERE t.{col(labels, 'task')} = {task})"
    )
    kind = f"k.{col(TaskLink, 'content_type')}"
    links = (
        f"(SELECT coalesce(jsonb_agg(DISTINCT {kind} ORDER BY {kind}), '[]') FROM {table(TaskLink)} k"  # noqa: S608
        f" WHERE k.{col(TaskLink, 'task')} = {task})"
    )
    checked = f" AND x.{col(ChecklistItem, 'done')}"
    parts = [count(ChecklistItem), count(ChecklistItem, checked), count(Comment), count(Attachment)]
    return f"jsonb_build_array({', '.join(parts)}, {people}, {tags}, {links})"


_CARD_DATA: list[str] = []
CARD_DATA = ("n_checklist", "n_checked", "n_comments", "n_attachments", "people", "tags", "links")


def prepare_cards(tasks):
    """Everything a card reads, in the cards' own query: its fields, and ``card_data`` (see
    :func:`_card_data_sql`: counts, assignees, tags, link kinds), read by :func:`_assignees`, :func:`_labels`,
    :func:`_link_types` and :func:`_n` as light objects (a board renders hundreds of cards: no model instance,
    no query per relation)."""
    if not _CARD_DATA:
        _CARD_DATA.append(_card_data_sql())
    # quoted identifiers from the models' metadata, no value from outside
    data = RawSQL(_CARD_DATA[0], (), output_field=JSONField())  # noqa: S611
    return tasks.only(*CARD_FIELDS).annotate(card_data=data)


def _data(task: Task, name: str) -> Any:
    """One entry of the task's ``card_data`` (``None`` when the task was not fetched through prepare_cards)."""
    data = getattr(task, "card_data", None)
    return None if data is None else data[CARD_DATA.index(name)]


class CardPerson:
    """An assignee as a card reads it (``pk``, names, e-mail; ``get_full_name()``, ``initials`` like a user)."""

    __slots__ = ("pk", "first_name", "last_name", "email")

    def __init__(self, pk: int, first_name: str, last_name: str, email: str) -> None:
        self.pk, self.first_name, self.last_name, self.email = (
            pk,
            first_name or "",
            last_name or "",
            email or "",
        )

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def initials(self) -> str:
        parts = [p for p in (self.first_name, self.last_name) if p]
        if not parts:
            return self.email[:2].upper()
        return "".join(p[0] for p in parts).upper()


class CardTag:
    __slots__ = ("pk", "name", "color")

    def __init__(self, pk: int, name: str, color: str) -> None:
        self.pk, self.name, self.color = pk, name or "", color or ""


def _assignees(task: Task) -> list:
    found = getattr(task, "board_assignees", None)
    if found is not None:
        return found
    rows = _data(task, "people")
    if rows is None:  # a task read alone: ask (nothing kept, the task may change)
        people = task.assignees.order_by("first_name", "last_name", "email")
        return [CardPerson(*row) for row in people.values_list("pk", "first_name", "last_name", "email")]
    found = task.board_assignees = [CardPerson(*row) for row in rows]
    return found


def _labels(task: Task) -> list:
    found = getattr(task, "board_labels", None)
    if found is not None:
        return found
    rows = _data(task, "tags")
    if rows is None:  # a task read alone: ask (nothing kept, the task may change)
        return list(task.labels.order_by("name", "pk"))
    found = task.board_labels = [CardTag(*row) for row in rows]
    return found


def _link_types(task: Task) -> list[int]:
    found = _data(task, "links")
    if found is not None:
        return found
    return list(task.links.order_by("content_type_id").values_list("content_type_id", flat=True).distinct())


def _n(task: Task, name: str) -> int:
    value = _data(task, name)
    if value is not None:
        return value
    counts = {
        "n_checklist": lambda: task.checklist.count(),
        "n_checked": lambda: task.checklist.filter(done=True).count(),
        "n_comments": lambda: task.comments.count(),
        "n_attachments": lambda: task.attachments.count(),
    }
    return counts[name]()


@lru_cache(maxsize=8)
def _words(language: str | None) -> dict[str, str]:
    words = {
        "priority": gettext("Priority"),
        "due": gettext("Due"),
        "overdue": gettext("Overdue"),
        "today": gettext("Due today"),
        "checklist": gettext("Checklist"),
        "comments": gettext("Comments"),
        "attachments": gettext("Attachments"),
        "assignees": gettext("Assignees"),
        "repeats": gettext("Repeats"),
        "done": gettext("Done"),
        "open": gettext("Open the task"),
        **{f"p{value}": str(label) for value, label in Task.Priority.choices},
    }
    return {key: escape(value) for key, value in words.items()}


@lru_cache(maxsize=256)
def _link_icon_html(content_type_id: int, language: str | None) -> str:
    """The icon of a kind of link on a card (content types and link kinds are fixed while the process runs)."""
    from .links import kind_for_model

    model = ContentType.objects.get_for_id(content_type_id).model_class()
    kind = kind_for_model(model) if model is not None else None
    icon, label = ("link-45deg", gettext("Link")) if kind is None else (kind.icon, str(kind.label))
    return (
        f'<span class="task-card-meta" title="{escape(label)}"><i class="bi bi-{escape(icon)}" aria-hidden="true"></i>'
        f'<span class="visually-hidden">{escape(label)}</span></span>'
    )


@lru_cache(maxsize=4096)
def _avatar_html(first_name: str, last_name: str, email: str) -> str:
    person = CardPerson(0, first_name, last_name, email)
    name = escape(person.get_full_name() or person.email)
    return (
        f'<span class="avatar avatar-xs" title="{name}"><span aria-hidden="true">'
        f'{escape(person.initials)}</span><span class="visually-hidden">{name}</span></span>'
    )


@lru_cache(maxsize=4096)
def _tag_html(name: str, color: str) -> str:
    return f'<li class="deal-tag" data-color="{escape(color)}">{escape(name)}</li>'


@lru_cache(maxsize=2048)
def _shown_date(day: date, with_year: bool, language: str | None) -> str:
    return escape(date_format(day, "j M Y" if with_year else "j M"))


PRIORITY_CLASS = {0: "low", 1: "normal", 2: "high", 3: "urgent"}
SITE_TZ = ZoneInfo(settings.TIME_ZONE)


def task_card_html(task: Task) -> str:
    """The inside of a task's card: title (a link that opens the side panel), priority, tags, due date
    (red when overdue, amber today), checklist progress, comment / attachment counts, link icons, assignees.
    Plain f-strings with every value escaped (a board renders hundreds of cards)."""
    language = get_language()
    words = _words(language)
    title = f'<a class="task-card-link" href="?task={int(task.pk)}" data-task-open="{int(task.pk)}">{escape(task.title)}</a>'
    done = task.completed_at is not None
    html = [f'<div class="task-card{" is-done" if done else ""}"><h3 class="task-card-title">{title}</h3>']
    labels = _labels(task)
    badges = []
    if task.priority != Task.Priority.NORMAL:
        cls = PRIORITY_CLASS.get(task.priority, "normal")
        badges.append(
            f'<li class="task-priority task-priority-{cls}" title="{words["priority"]}">'
            f"{words.get(f'p{task.priority}', '')}</li>"
        )
    badges += [_tag_html(t.name, t.color) for t in labels]
    if badges:
        html.append(f'<ul class="deal-card-tags task-card-tags">{"".join(badges)}</ul>')
    html.append(_foot(task, words, done, language))
    html.append("</div>")
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)


def _foot(task: Task, words: dict[str, str], done: bool, language: str | None) -> str:
    html = ['<div class="task-card-foot">']
    if task.due_at:
        now = timezone.now()
        local = timezone.localtime(task.due_at, SITE_TZ)
        today = timezone.localdate(now, SITE_TZ)
        overdue = not done and task.due_at < now
        is_today = not done and local.date() == today
        state = " is-overdue" if overdue else " is-today" if is_today else ""
        label = words["overdue"] if overdue else words["today"] if is_today else words["due"]
        if not task.all_day and is_today:
            shown = escape(date_format(local, "H:i"))
        else:
            shown = _shown_date(local.date(), local.year != today.year, language)
        html.append(
            f'<span class="task-card-due{state}" title="{label}"><i class="bi bi-calendar-event" aria-hidden="true"></i>'
            f'<span class="visually-hidden">{label}: </span> {shown}</span>'
        )
    total = _n(task, "n_checklist")
    if total:
        checked = _n(task, "n_checked")
        full = " is-complete" if checked == total else ""
        html.append(
            f'<span class="task-card-meta{full}" title="{words["checklist"]}"><i class="bi bi-check2-square" aria-hidden="true"></i>'
            f'<span class="visually-hidden">{words["checklist"]}: </span> {checked}/{total}</span>'
        )
    for name, icon in (("n_comments", "chat-left-text"), ("n_attachments", "paperclip")):
        n = _n(task, name)
        if n:
            word = words["comments" if name == "n_comments" else "attachments"]
            html.append(
                f'<span class="task-card-meta" title="{word}"><i class="bi bi-{icon}" aria-hidden="true"></i>'
                f'<span class="visually-hidden">{word}: </span> {n}</span>'
            )
    if task.recurrence:
        html.append(
            f'<span class="task-card-meta" title="{words["repeats"]}"><i class="bi bi-arrow-repeat" aria-hidden="true"></i></span>'
        )
    html += [_link_icon_html(content_type_id, language) for content_type_id in _link_types(task)]
    people = _assignees(task)
    if people:
        avatars = "".join(_avatar_html(u.first_name, u.last_name, u.email) for u in people[:3])
        more = f'<span class="task-card-more">+{len(people) - 3}</span>' if len(people) > 3 else ""
        html.append(f'<span class="task-card-people" title="{words["assignees"]}">{avatars}{more}</span>')
    html.append("</div>")
    return "".join(html)


def _due_bucket(task: Task) -> str:
    return str(int(task.due_at.timestamp())) if task.due_at else ""


def card_filter_attrs(task: Task) -> dict:
    return {
        "assignees": [u.pk for u in _assignees(task)] or ["none"],
        "tags": [label.pk for label in _labels(task)],
        "priority": task.priority,
        "due": _due_bucket(task),
    }


# --- swimlanes --------------------------------------------------------------------------------------------


def assignee_lane(task: Task) -> str:
    """The lane of a task: its first assignee (by name, then e-mail), "none" without one."""
    people = _assignees(task)
    return str(people[0].pk) if people else "none"


def assignee_lanes(board, tasks) -> list[tuple[str, str]]:
    ids = set(
        Task.assignees.through.objects.filter(task__in=tasks.values("pk")).values_list("user_id", flat=True)
    )
    users = get_user_model().objects.filter(pk__in=ids).order_by("first_name", "last_name", "email")
    return [(str(u.pk), u.get_full_name() or u.email) for u in users] + [("none", gettext("Unassigned"))]


def priority_lanes(board, tasks) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in reversed(Task.Priority.choices)]


LANES = {
    "assignee": BoardLanes(label=_("Assignee"), lanes=assignee_lanes, value=assignee_lane),
    "priority": BoardLanes(label=_("Priority"), lanes=priority_lanes, value=lambda task: str(task.priority)),
}


# --- filters ----------------------------------------------------------------------------------------------


def _user_zone(user: Any) -> ZoneInfo:
    try:
        return ZoneInfo(getattr(user, "time_zone", "") or settings.TIME_ZONE)
    except (KeyError, ValueError):  # an unknown zone name
        return SITE_TZ


def due_window(
    user: Any, due: str, *, now: datetime | None = None
) -> tuple[datetime | None, datetime | None]:
    """``(from, to)`` of a due filter in ``user``'s time zone: overdue (before now), today, this week
    (Monday to Sunday, the week of today)."""
    now = now or timezone.now()
    zone = _user_zone(user)
    today = timezone.localtime(now, zone).date()
    start_of_today = datetime.combine(today, time.min, tzinfo=zone)
    if due == "overdue":
        return None, now
    if due == "today":
        return start_of_today, datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone)
    if due == "week":
        monday = today - timedelta(days=today.weekday())
        return (
            datetime.combine(monday, time.min, tzinfo=zone),
            datetime.combine(monday + timedelta(days=7), time.min, tzinfo=zone),
        )
    return None, None


def filter_cards(user: Any, board: Any, params) -> BoardFilter:
    from .forms.boards import TaskBoardFilterForm

    form = TaskBoardFilterForm(params or None, user=user, board=board)
    if not params or not form.is_valid():
        return BoardFilter(form=form)
    data = form.cleaned_data
    q, conditions, used = Q(), [], {}
    through = Task.assignees.through.objects
    assignee = data.get("assignee")
    if assignee:
        if assignee == "unassigned":
            q &= ~Q(pk__in=through.values("task_id"))
            value = "none"
        else:
            user_id = user.pk if assignee == "me" else int(assignee)
            q &= Q(pk__in=through.filter(user_id=user_id).values("task_id"))
            value = str(user_id)
        conditions.append({"attr": "assignees", "op": "any", "values": [value]})
        used["assignee"] = assignee
    tag = data.get("tag")
    if tag is not None:
        q &= Q(pk__in=Task.labels.through.objects.filter(label_id=tag.pk).values("task_id"))
        conditions.append({"attr": "tags", "op": "any", "values": [str(tag.pk)]})
        used["tag"] = tag.pk
    priority = data.get("priority")
    if priority not in (None, ""):
        q &= Q(priority=int(priority))
        conditions.append({"attr": "priority", "op": "in", "values": [str(priority)]})
        used["priority"] = priority
    due = data.get("due")
    if due:
        low, high = due_window(user, due)
        if low is not None:
            q &= Q(due_at__gte=low)
            conditions.append({"attr": "due", "op": "gte", "values": [str(int(low.timestamp()))]})
        q &= Q(due_at__lt=high)
        # "lte" with the last second before the end: the browser compares numbers
        conditions.append({"attr": "due", "op": "lte", "values": [str(int(high.timestamp()) - 1)]})
        if due == "overdue":
            q &= Q(completed_at__isnull=True)
        used["due"] = due
    if params.get("lanes") in LANES:
        used["lanes"] = params["lanes"]
    return BoardFilter(q=q, conditions=conditions, form=form, params=used)


def open_count_label(n: int) -> str:
    return ngettext("%(n)s open task", "%(n)s open tasks", n) % {"n": n}


# --- the spec ---------------------------------------------------------------------------------------------

# cards a column shows first on the board page (the browser loads the next ones when the last card scrolls into
# view, or on "show more"); a done column shows fewer: finished tasks pile up there
PAGE = 30
DONE_PAGE = 20

TASK_BOARD = BoardSpec(
    key=KEY,
    card_model=Task,
    column_field="column",
    board_field="board",
    card_board_field="board",
    can_view=can_view_board,
    can_move=can_move_task,
    can_move_board=lambda user, board: can_edit_board(user, board) and not board.archived,
    boards=boards_visible_to,
    card_html=task_card_html,
    header_template="planning/boards/column_header.html",
    validate_move=validate_move,
    apply_move=apply_move,
    on_moved=on_moved,
    column_stats=column_stats,
    filter_cards=filter_cards,
    card_filter_attrs=card_filter_attrs,
    prepare_cards=prepare_cards,
    column_color=lambda column: column.color,
    column_ordering=("position", "pk"),
    column_top_template="planning/boards/quick_add.html",
    lanes=LANES,
    page_size=PAGE,
    column_limit=lambda column: DONE_PAGE if column.is_done else None,
    card_label=_("task"),
    move_label=_("Move to another column"),
    empty_text=_("No tasks here."),
    gone_message=_("This task was deleted by someone else; the board has been refreshed."),
    elsewhere_message=_("This task is now on another board; the board has been refreshed."),
    stale_message=_("The column changed while you were dragging; the board has been refreshed."),
    wrong_column_message=_("This column is gone (deleted meanwhile?); the board has been refreshed."),
    audit_action="planning.task.move",
)


def register_boards() -> None:
    register_board(TASK_BOARD)
