"""Comments on tasks, with @mentions: ``@Firstname`` or ``@email`` names a person who can see the task's board;
each person mentioned is stored in ``Comment.mentions`` and notified once (kind ``mention``, a link to the
task). People who cannot see the board are never notified (nor told they were named).
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from notifications.services import notify
from planning.markdown import render_markdown
from planning.models import Comment, Task
from planning.permissions import can_view_board

MAX_LENGTH = 10_000
# "@ada.lovelace@example.org" or "@Ada" (a first name: letters, digits, dashes, apostrophes)
MENTION = re.compile(r"(?<![\w@])@([\w.+'-]+@[\w-]+(?:\.[\w-]+)+|[^\W\d_][\w'-]*)", re.UNICODE)
_TAG = re.compile(r"(<[^>]+>)")


def mention_tokens(body: str) -> list[str]:
    return list(dict.fromkeys(match.group(1).rstrip(".'-") for match in MENTION.finditer(body or "")))


def mentioned_users(*, body: str, task: Task) -> list[Any]:
    """The active people ``body`` mentions who can see ``task``'s board (one query, then their board roles)."""
    tokens = mention_tokens(body)
    if not tokens:
        return []
    condition = Q()
    for token in tokens:
        condition |= Q(email__iexact=token) if "@" in token else Q(first_name__iexact=token)
    users = get_user_model().objects.filter(condition, is_active=True).order_by("pk")
    return [user for user in users if can_view_board(user, task.board)]


@transaction.atomic
def comment_add(*, task: Task, body: str, by: Any) -> Comment:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")}, code="required")
    if len(body) > MAX_LENGTH:
        raise ValidationError(
            {"body": _("A comment holds at most %(max)d characters.") % {"max": MAX_LENGTH}}, code="too_long"
        )
    comment = Comment(task=task, author=by, body=body)
    comment.full_clean()
    comment.save()
    people = mentioned_users(body=body, task=task)
    comment.mentions.set(people)
    audit_record(
        action="planning.comment.add",
        actor=by,
        target=task,
        data={"comment": comment.pk, "mentions": [user.pk for user in people]},
    )
    _notify_mentions(comment=comment, people=people, by=by)
    _changed(task, by)
    return comment


def _notify_mentions(*, comment: Comment, people: list, by: Any) -> None:
    url = reverse("planning:task-detail", args=[comment.task_id]) + f"#comment-{comment.pk}"
    who = (by.get_full_name() or by.email) if getattr(by, "pk", None) else gettext("Someone")
    verb = gettext("%(who)s mentioned you on “%(task)s”") % {"who": who, "task": comment.task.title}
    for user in people:
        if user.pk == getattr(by, "pk", None):
            continue
        notify(recipient=user, verb=verb[:250], kind="mention", target=comment.task, actor=by, url=url)


@transaction.atomic
def comment_edit(*, comment: Comment, body: str, by: Any) -> Comment:
    """The author edits; people newly mentioned are notified (those already mentioned are not, again)."""
    if comment.author_id != getattr(by, "pk", None):
        raise PermissionDenied
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")}, code="required")
    comment.body = body
    comment.edited_at = timezone.now()
    comment.full_clean()
    comment.save(update_fields=["body", "edited_at"])
    before = set(comment.mentions.values_list("pk", flat=True))
    people = mentioned_users(body=body, task=comment.task)
    comment.mentions.set(people)
    _notify_mentions(comment=comment, people=[u for u in people if u.pk not in before], by=by)
    audit_record(action="planning.comment.edit", actor=by, target=comment.task, data={"comment": comment.pk})
    _changed(comment.task, by)
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, by: Any) -> None:
    task = comment.task
    audit_record(action="planning.comment.delete", actor=by, target=task, data={"comment": comment.pk})
    comment.delete()
    _changed(task, by)


def _changed(task: Task, by: Any) -> None:
    from planning.services.tasks import card_touched, task_touched

    card_touched(task)
    task_touched(task, by=by, section="comments")


def render_comment(body: str, mentions: list) -> SafeString:
    """``body`` as safe Markdown HTML, the mentions of ``mentions`` (people) highlighted."""
    html = str(render_markdown(body))
    names = {}
    for user in mentions:
        if user.first_name:
            names[user.first_name.lower()] = user
        if user.email:
            names[user.email.lower()] = user
    if not names:
        return mark_safe(html)  # noqa: S308 (sanitised Markdown)

    def highlight(match: re.Match) -> str:
        token = match.group(1).rstrip(".'-")
        user = names.get(token.lower())
        if user is None:
            return match.group(0)
        title = escape(user.get_full_name() or user.email)
        return f'<span class="mention" title="{title}">@{token}</span>{match.group(1)[len(token) :]}'

    parts = _TAG.split(html)
    inside_link = False
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            lowered = part.lower()
            if lowered.startswith("<a "):
                inside_link = True
            elif lowered.startswith("</a"):
                inside_link = False
            continue
        if not inside_link:
            parts[index] = MENTION.sub(highlight, part)
    return mark_safe("".join(parts))  # noqa: S308 (sanitised Markdown; only escaped text is wrapped)
