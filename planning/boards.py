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

from datetime import datetime, time, timedelta
from functools import lru_cache
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
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


def validate_move(task: Task, source: Column, target: Column, extra: dict) -> None:
    """An archived board is read only; then the WIP limit of the target column (the move holds its lock: the
    count is exact)."""
    from .models import Board
    from .services.boards import wip_check

    if Board.objects.filter(pk=target.board_id, archived=True).exists():
        raise ValidationError(gettext("This board is archived: restore it to move tasks."), code="archived")
    if target.pk == source.pk:
        return

    wip_check(column=target, adding=1)


def on_moved(task: Task, source: Column, target: Column, by: Any, extra: dict) -> None:
    """Completion when a task enters or leaves a done column (and the next occurrence of a recurring one)."""
    if target.pk == source.pk:
        return
    from .services.tasks import task_column_changed

    task_column_changed(task=task, source=source, target=target, by=by)


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


def _count(model, **extra) -> Subquery:
    qs = model.objects.filter(task_id=OuterRef("pk"), **extra).order_by().values("task_id")
    return Coalesce(Subquery(qs.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0)


def prepare_cards(tasks):
    """Everything a card reads, in a constant number of queries: counts as subqueries, assignees, tags and
    links prefetched (three queries, whatever the number of cards)."""
    users = (
        get_user_model()
        .objects.only("pk", "email", "first_name", "last_name")
        .order_by("first_name", "last_name", "email")
    )
    return (
        tasks.only(*CARD_FIELDS)
        .annotate(
            n_checklist=_count(ChecklistItem),
            n_checked=_count(ChecklistItem, done=True),
            n_comments=_count(Comment),
            n_attachments=_count(Attachment),
        )
        .prefetch_related(
            Prefetch("assignees", queryset=users, to_attr="board_assignees"),
            Prefetch("labels", queryset=Label.objects.order_by("name"), to_attr="board_labels"),
            Prefetch(
                "links",
                queryset=TaskLink.objects.only("pk", "task_id", "content_type_id"),
                to_attr="board_links",
            ),
        )
    )


def _assignees(task: Task) -> list:
    found = getattr(task, "board_assignees", None)
    return found if found is not None else list(task.assignees.order_by("first_name", "last_name", "email"))


def _labels(task: Task) -> list:
    found = getattr(task, "board_labels", None)
    return found if found is not None else list(task.labels.order_by("name"))


def _links(task: Task) -> list:
    found = getattr(task, "board_links", None)
    return found if found is not None else list(task.links.all())


def _n(task: Task, name: str) -> int:
    value = getattr(task, name, None)
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


def _link_icon(content_type_id: int) -> tuple[str, str]:
    from .links import kind_for_model

    model = ContentType.objects.get_for_id(content_type_id).model_class()
    kind = kind_for_model(model) if model is not None else None
    if kind is None:
        return "link-45deg", gettext("Link")
    return kind.icon, str(kind.label)


PRIORITY_CLASS = {0: "low", 1: "normal", 2: "high", 3: "urgent"}
SITE_TZ = ZoneInfo(settings.TIME_ZONE)


def task_card_html(task: Task) -> str:
    """The inside of a task's card: title (a link that opens the side panel), priority, tags, due date
    (red when overdue, amber today), checklist progress, comment / attachment counts, link icons, assignees.
    Plain f-strings with every value escaped (a board renders hundreds of cards)."""
    words = _words(get_language())
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
    badges += [f'<li class="deal-tag" data-color="{escape(t.color)}">{escape(t.name)}</li>' for t in labels]
    if badges:
        html.append(f'<ul class="deal-card-tags task-card-tags">{"".join(badges)}</ul>')
    html.append(_foot(task, words, done))
    html.append("</div>")
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)


def _foot(task: Task, words: dict[str, str], done: bool) -> str:
    html = ['<div class="task-card-foot">']
    if task.due_at:
        local = timezone.localtime(task.due_at, SITE_TZ)
        today = timezone.localdate(timezone.now(), SITE_TZ)
        overdue = not done and task.due_at < timezone.now()
        is_today = not done and local.date() == today
        state = " is-overdue" if overdue else " is-today" if is_today else ""
        label = words["overdue"] if overdue else words["today"] if is_today else words["due"]
        shown = date_format(local.date(), "j M" if local.year == today.year else "j M Y")
        if not task.all_day and is_today:
            shown = date_format(local, "H:i")
        html.append(
            f'<span class="task-card-due{state}" title="{label}"><i class="bi bi-calendar-event" aria-hidden="true"></i>'
            f'<span class="visually-hidden">{label}: </span> {escape(shown)}</span>'
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
    seen = set()
    for link in _links(task):
        if link.content_type_id in seen:
            continue
        seen.add(link.content_type_id)
        icon, label = _link_icon(link.content_type_id)
        html.append(
            f'<span class="task-card-meta" title="{escape(label)}"><i class="bi bi-{escape(icon)}" aria-hidden="true"></i>'
            f'<span class="visually-hidden">{escape(label)}</span></span>'
        )
    people = _assignees(task)
    if people:
        avatars = "".join(
            f'<span class="avatar avatar-xs" title="{escape(u.get_full_name() or u.email)}"><span aria-hidden="true">'
            f'{escape(u.initials)}</span><span class="visually-hidden">{escape(u.get_full_name() or u.email)}</span></span>'
            for u in people[:3]
        )
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
    on_moved=on_moved,
    column_stats=column_stats,
    filter_cards=filter_cards,
    card_filter_attrs=card_filter_attrs,
    prepare_cards=prepare_cards,
    column_color=lambda column: column.color,
    column_ordering=("position", "pk"),
    column_top_template="planning/boards/quick_add.html",
    lanes=LANES,
    page_size=50,
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
