"""Planning pages: tasks (owned by helper TASKS). The side panel (a fragment the board page loads into its
offcanvas, and the same panel as a page for links and phones), its sections' writes, "My tasks", the
responsibilities view, the CRM artist tab, attachments' downloads."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from planning import permissions
from planning.forms import tasks as forms
from planning.links import get_link_kind, link_kinds
from planning.markdown import render_markdown
from planning.models import Attachment, Comment, Task
from planning.selectors import tasks as selectors
from planning.services import attachments as attachment_services
from planning.services import checklist as checklist_services
from planning.services import comments as comment_services
from planning.services import task_links as link_services
from planning.services import tasks as task_services

from .access import get_task_or_404, planning_read

PANEL = "planning/task_panel.html"


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: [str(m) for e in errors for m in e.messages] for name, errors in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _add_errors(form, exc: ValidationError, mapping: dict[str, str] | None = None) -> None:
    mapping = mapping or {}
    for name, messages in _errors(exc).items():
        target = mapping.get(name, name)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


def _load(request, pk) -> Task:
    task = selectors.task_panel_get(user=request.user, pk=pk)
    if task is None:
        raise Http404
    return task


def panel_context(request, task: Task, **extra) -> dict:
    can_edit = permissions.can_edit_board(request.user, task.board)
    people = selectors.board_people(task.board)
    checklist = list(task.checklist.all())
    context = {
        "task": task,
        "can_edit": can_edit,
        "checklist_items": checklist,
        "progress": checklist_services.checklist_progress(checklist),
        "comments": [
            (comment, comment_services.render_comment(comment.body, list(comment.mentions.all())))
            for comment in task.comments.all()
        ],
        "links": task.resolved_links,
        "description_html": render_markdown(task.description),
        "link_kinds": link_kinds(),
        "board_url": _board_url(task.board_id),
        "editing": extra.pop("editing", ""),
        "on_page": _on_task_page(request, task),
    }
    if can_edit:
        context.update(
            title_form=forms.TitleForm(initial={"title": task.title}),
            description_form=forms.DescriptionForm(initial={"description": task.description}),
            details_form=forms.TaskDetailsForm(people=people, task=task),
            checklist_form=forms.ChecklistItemForm(),
            comment_form=forms.CommentForm(),
            attachment_form=forms.AttachmentForm(),
        )
    context.update(extra)
    return context


def _on_task_page(request, task: Task) -> bool:
    """Whether the panel is (re)drawn on the task's own page rather than in a board's side panel."""
    page = reverse("planning:task-detail", args=[task.pk])
    if not getattr(request, "htmx", False):
        return request.path == page
    return urlsplit(request.htmx.current_url or "").path == page


def _board_url(board_id: int) -> str:
    for name, args in (("planning:board", [board_id]), ("planning:board-detail", [board_id])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:  # the boards pages may name it otherwise
            continue
    return reverse("planning:home")


def _panel(request, task: Task, *, partial: str = "panel", status: int = 200, **extra) -> HttpResponse:
    return render(request, f"{PANEL}#{partial}", panel_context(request, task, **extra), status=status)


# --- the panel and the page ---------------------------------------------------------------------------------


@require_GET
@planning_read
def task_panel(request, pk: int) -> HttpResponse:
    return _panel(request, _load(request, pk))


@require_GET
@planning_read
def task_detail(request, pk: int) -> HttpResponse:
    task = _load(request, pk)
    return render(request, "planning/task_detail.html", panel_context(request, task))


def _editable(request, pk: int) -> Task:
    task = get_task_or_404(request.user, pk, need="edit")
    return task


@require_POST
@planning_read
def task_update(request, pk: int, section: str) -> HttpResponse:
    task = _editable(request, pk)
    if section == "title":
        form = forms.TitleForm(request.POST)
        fields = {"title": form.cleaned_data["title"]} if form.is_valid() else None
        mapping: dict[str, str] = {}
    elif section == "description":
        form = forms.DescriptionForm(request.POST)
        fields = {"description": form.cleaned_data["description"]} if form.is_valid() else None
        mapping = {}
    elif section == "details":
        form = forms.TaskDetailsForm(request.POST, people=selectors.board_people(task.board), task=task)
        fields = _details_fields(form, request.user) if form.is_valid() else None
        mapping = {"start_at": "start_date", "due_at": "due_date", "recurrence": "repeat"}
    else:
        raise Http404
    if fields is not None:
        try:
            task_services.task_update(task=task, by=request.user, **fields)
        except ValidationError as exc:
            _add_errors(form, exc, mapping)
        else:
            return _panel(request, _load(request, pk))
    return _panel(request, _load(request, pk), editing=section, **{f"{section}_form": form})


def _details_fields(form, user) -> dict:
    data = form.cleaned_data
    labels = list(data["labels"])
    names = forms.split_label_names(data.get("new_labels", ""))
    if names:
        labels += task_services.labels_for_names(names=names, by=user)
    return {
        "priority": data["priority"],
        "labels": list(dict.fromkeys(labels)),
        "assignees": list(data["assignees"]),
        "start_at": data["start_at"],
        "due_at": data["due_at"],
        "all_day": data["all_day"],
        "estimate_hours": data["estimate_hours"],
        "responsible": data["responsible"],
        "accountable": data["accountable"],
        "recurrence": data["recurrence"],
    }


@require_POST
@planning_read
def task_done(request, pk: int) -> HttpResponse:
    """Mark done (``done=1``, default) or reopen (``done=0``), through the board's move."""
    task = _editable(request, pk)
    done = request.POST.get("done", "1") != "0"
    message = ""
    try:
        if done:
            task_services.task_mark_done(task=task, by=request.user)
        else:
            task_services.task_reopen(task=task, by=request.user)
    except ValidationError as exc:
        message = " ".join(m for messages in _errors(exc).values() for m in messages)
    if request.POST.get("from") == "my-tasks":
        context = _my_tasks_context(request)
        context["toast"] = message or (_("Marked done: %(title)s") % {"title": task.title} if done else "")
        context["toast_level"] = "error" if message else "success"
        return render(request, "planning/my_tasks.html#my-tasks-list", context)
    return _panel(request, _load(request, pk), toast=message, toast_level="error")


@require_POST
@planning_read
def task_delete(request, pk: int) -> HttpResponse:
    task = _editable(request, pk)
    board_id = task.board_id
    task_services.task_delete(task=task, by=request.user)
    url = _board_url(board_id)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


# --- checklist (tasks, and events for EVENTS' page) -----------------------------------------------------------


def _checklist_action(request, **owner) -> ValidationError | None:
    action = request.POST.get("action", "add")
    by = request.user
    item = request.POST.get("item")
    try:
        if action == "add":
            checklist_services.checklist_add(text=request.POST.get("text", ""), by=by, **owner)
        elif action == "toggle":
            checklist_services.checklist_toggle(item_id=item, by=by, **owner)
        elif action == "edit":
            checklist_services.checklist_edit(item_id=item, text=request.POST.get("text", ""), by=by, **owner)
        elif action == "delete":
            checklist_services.checklist_delete(item_id=item, by=by, **owner)
        elif action == "reorder":
            checklist_services.checklist_reorder(item_ids=request.POST.getlist("order"), by=by, **owner)
        elif action in ("up", "down"):
            ids = _moved(owner, item, up=action == "up")
            if ids is not None:
                checklist_services.checklist_reorder(item_ids=ids, by=by, **owner)
        else:
            raise Http404
    except ValidationError as exc:
        return exc
    return None


def _moved(owner: dict, item, *, up: bool) -> list[int] | None:
    """The owner's item ids with ``item`` one place up (or down); None when it cannot move or is unknown."""
    target = owner.get("task") or owner.get("event")
    ids = list(target.checklist.order_by("position", "pk").values_list("pk", flat=True))
    try:
        index = ids.index(int(item))
    except (TypeError, ValueError):
        raise ValidationError(_("This checklist item no longer exists."), code="gone") from None
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ids):
        return None
    ids[index], ids[other] = ids[other], ids[index]
    return ids


def _checklist_response(request, owner_key: str, owner, items, can_edit: bool, error=None) -> HttpResponse:
    items = list(items)
    context = {
        owner_key: owner,
        "checklist_items": items,
        "progress": checklist_services.checklist_progress(items),
        "can_edit": can_edit,
        "checklist_error": " ".join(m for ms in _errors(error).values() for m in ms) if error else "",
        "checklist_text": request.POST.get("text", "") if error else "",
    }
    return render(request, "planning/components/checklist.html", context)


@require_POST
@planning_read
def task_checklist(request, pk: int) -> HttpResponse:
    task = _editable(request, pk)
    error = _checklist_action(request, task=task)
    return _checklist_response(request, "task", task, task.checklist.order_by("position", "pk"), True, error)


@require_POST
@planning_read
def event_checklist(request, pk: int) -> HttpResponse:
    event = get_object_or_404(permissions.events_visible_to(request.user), pk=pk)
    if not permissions.can_edit_events(request.user, event):
        raise PermissionDenied
    error = _checklist_action(request, event=event)
    return _checklist_response(
        request, "event", event, event.checklist.order_by("position", "pk"), True, error
    )


# --- comments ------------------------------------------------------------------------------------------------


@require_POST
@planning_read
def task_comment(request, pk: int) -> HttpResponse:
    task = _editable(request, pk)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_services.comment_add(task=task, body=form.cleaned_data["body"], by=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            form = forms.CommentForm()
    return _panel(request, _load(request, pk), partial="comments", comment_form=form)


@require_POST
@planning_read
def comment_delete(request, pk: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("task__board").filter(
            task__in=permissions.tasks_visible_to(request.user)
        ),
        pk=pk,
    )
    mine = comment.author_id == request.user.pk
    if not (mine and permissions.can_edit_board(request.user, comment.task.board)) and not (
        permissions.can_manage_board(request.user, comment.task.board)
    ):
        raise PermissionDenied
    task_id = comment.task_id
    comment_services.comment_delete(comment=comment, by=request.user)
    return _panel(request, _load(request, task_id), partial="comments")


@require_POST
@planning_read
def comment_edit(request, pk: int) -> HttpResponse:
    """The author rewrites their comment (the service re-reads its mentions and notifies the newly named)."""
    comment = get_object_or_404(
        Comment.objects.select_related("task__board").filter(
            task__in=permissions.tasks_visible_to(request.user)
        ),
        pk=pk,
    )
    if comment.author_id != request.user.pk or not permissions.can_edit_board(
        request.user, comment.task.board
    ):
        raise PermissionDenied
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_services.comment_edit(comment=comment, body=form.cleaned_data["body"], by=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _panel(request, _load(request, comment.task_id), partial="comments")
    return _panel(
        request,
        _load(request, comment.task_id),
        partial="comments",
        comment_edit_pk=comment.pk,
        comment_edit_form=form,
    )


# --- attachments ---------------------------------------------------------------------------------------------


@require_POST
@planning_read
def task_attachment_add(request, pk: int) -> HttpResponse:
    task = _editable(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_services.attachment_add(task=task, file=form.cleaned_data["file"], by=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            form = forms.AttachmentForm()
    return _panel(request, _load(request, pk), partial="attachments", attachment_form=form)


def _attachment(request, pk: int) -> Attachment:
    return get_object_or_404(
        Attachment.objects.select_related("task__board").filter(
            task__in=permissions.tasks_visible_to(request.user)
        ),
        pk=pk,
    )


@require_GET
@planning_read
def attachment_download(request, pk: int) -> FileResponse:
    attachment = _attachment(request, pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@planning_read
def attachment_delete(request, pk: int) -> HttpResponse:
    attachment = _attachment(request, pk)
    if not permissions.can_edit_board(request.user, attachment.task.board):
        raise PermissionDenied
    task_id = attachment.task_id
    attachment_services.attachment_delete(attachment=attachment, by=request.user)
    return _panel(request, _load(request, task_id), partial="attachments")


# --- links ---------------------------------------------------------------------------------------------------


@require_POST
@planning_read
def task_link_add(request, pk: int) -> HttpResponse:
    task = _editable(request, pk)
    error = ""
    try:
        link_services.task_link_add(
            task=task,
            kind=request.POST.get("kind", ""),
            object_id=request.POST.get("object_id"),
            by=request.user,
        )
    except ValidationError as exc:
        error = " ".join(m for ms in _errors(exc).values() for m in ms)
    return _panel(request, _load(request, pk), partial="links", link_error=error)


@require_POST
@planning_read
def task_link_remove(request, pk: int, link_pk: int) -> HttpResponse:
    task = _editable(request, pk)
    link_services.task_link_remove(task=task, link_id=link_pk, by=request.user)
    return _panel(request, _load(request, pk), partial="links")


@require_GET
@planning_read
def task_link_search(request, pk: int) -> HttpResponse:
    """The picker's choices: records of ``kind`` the person may see matching ``q`` (JSON)."""
    get_task_or_404(request.user, pk, need="edit")
    try:
        kind = get_link_kind(request.GET.get("kind", ""))
    except LookupError:
        return JsonResponse({"results": []})
    query = request.GET.get("q", "").strip()[:100]
    found = kind.visible(request.user)
    found = kind.search(found, query) if query else found
    results = [{"id": obj.pk, "title": kind.title(obj)} for obj in found[:20]]
    return JsonResponse({"results": results})


# --- my tasks, responsibilities, the artist tab ---------------------------------------------------------------


def _int_param(request, name: str):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _my_tasks_context(request) -> dict:
    source = request.POST if request.method == "POST" else request.GET
    board = source.get("board", "")
    priority = source.get("priority", "")
    board = int(board) if board.isdigit() else None
    priority = int(priority) if priority.isdigit() else None
    groups = selectors.my_tasks(user=request.user, board=board, priority=priority)
    return {
        "groups": groups,
        "total": sum(len(g.tasks) for g in groups),
        "boards": permissions.boards_visible_to(request.user).filter(archived=False).order_by("name"),
        "board_filter": board,
        "priority_filter": priority,
        "priorities": Task.Priority.choices,
    }


@require_GET
@planning_read
def my_tasks(request) -> HttpResponse:
    context = _my_tasks_context(request)
    template = "planning/my_tasks.html" + ("#my-tasks-list" if request.htmx else "")
    return render(request, template, context)


@require_GET
@planning_read
def responsibilities(request) -> HttpResponse:
    board = _int_param(request, "board")
    loads = selectors.responsibilities(user=request.user, board=board)
    context = {
        "loads": loads,
        "boards": permissions.boards_visible_to(request.user).filter(archived=False).order_by("name"),
        "board_filter": board,
    }
    template = "planning/responsibilities.html" + ("#responsibilities-table" if request.htmx else "")
    return render(request, template, context)


@require_GET
@planning_read
def person_tasks(request, user_pk: int) -> HttpResponse:
    from django.contrib.auth import get_user_model

    person = get_object_or_404(get_user_model(), pk=user_pk)
    role = request.GET.get("role", "load")
    if role not in ("responsible", "accountable", "load"):
        role = "load"
    board = _int_param(request, "board")
    tasks = list(selectors.person_tasks(user=request.user, person=person, role=role, board=board)[:300])
    context = {"person": person, "role": role, "tasks": tasks, "board_filter": board}
    return render(request, "planning/person_tasks.html", context)


@require_GET
@planning_read
def artist_tasks(request, pk: int) -> HttpResponse:
    from crm.permissions import artists_visible_to

    artist = get_object_or_404(artists_visible_to(request.user), pk=pk)
    context = {"artist": artist, **selectors.artist_planning(user=request.user, artist=artist)}
    return render(request, "planning/artist_tab.html", context)


urlpatterns = [
    path("tasks/<int:pk>/", task_detail, name="task-detail"),
    path("tasks/<int:pk>/panel/", task_panel, name="task-panel"),
    path("tasks/<int:pk>/update/<slug:section>/", task_update, name="task-update"),
    path("tasks/<int:pk>/done/", task_done, name="task-done"),
    path("tasks/<int:pk>/delete/", task_delete, name="task-delete"),
    path("tasks/<int:pk>/checklist/", task_checklist, name="task-checklist"),
    path("tasks/<int:pk>/comments/", task_comment, name="task-comment"),
    path("tasks/<int:pk>/attachments/", task_attachment_add, name="task-attachment-add"),
    path("tasks/<int:pk>/links/", task_link_add, name="task-link-add"),
    path("tasks/<int:pk>/links/<int:link_pk>/delete/", task_link_remove, name="task-link-remove"),
    path("tasks/<int:pk>/links/search/", task_link_search, name="task-link-search"),
    path("comments/<int:pk>/edit/", comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", comment_delete, name="comment-delete"),
    path("attachments/<int:pk>/", attachment_download, name="attachment-download"),
    path("attachments/<int:pk>/delete/", attachment_delete, name="attachment-delete"),
    path("events/<int:pk>/checklist/", event_checklist, name="event-checklist"),
    path("my-tasks/", my_tasks, name="my-tasks"),
    path("responsibilities/", responsibilities, name="responsibilities"),
    path("responsibilities/<int:user_pk>/", person_tasks, name="person-tasks"),
    path("artists/<int:pk>/planning/", artist_tasks, name="artist-tasks"),
]
