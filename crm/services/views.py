"""Writes of the CRM lists: saved views (a name for a list's filters, sorting and columns, private or shared
with the team) and bulk actions on the selected rows (add or remove a tag, assign a manager or an owner).

Each function checks the permission itself (the views only hide buttons), runs in one transaction and writes the
audit trail. Tags, managers and owners are not score inputs, so no score recomputation is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from audit.services import audit_record
from crm import permissions
from crm.models import Artist, Contact, Deal, SavedView, Sponsor, Tag

MAX_BULK = 500  # rows one bulk action may change (a page holds at most 100)
QUERY_MAX = SavedView._meta.get_field("query").max_length
NAME_MAX = SavedView._meta.get_field("name").max_length
TAG_MAX = Tag._meta.get_field("name").max_length

VISIBLE = {
    Artist: permissions.artists_visible_to,
    Sponsor: permissions.sponsors_visible_to,
    Contact: permissions.contacts_visible_to,
    Deal: permissions.deals_visible_to,
}
TAG_RELATION = {Artist: "artists", Sponsor: "sponsors", Contact: "contacts", Deal: "deals"}


# --- saved views ---------------------------------------------------------------------------------------


def _clean_query(query: str) -> str:
    params = QueryDict(query or "", mutable=True)
    for name in ("page", "cols", "view"):
        params.pop(name, None)
    return params.urlencode()


@transaction.atomic
def saved_view_save(
    *,
    by: Any,
    list_key: str,
    name: str,
    query: str = "",
    columns: Iterable[str] = (),
    shared: bool = False,
) -> SavedView:
    """Save the current state of list ``list_key`` under ``name``; a view of the same name (``by``'s own, on the
    same list) is replaced. Anyone who reads the CRM may save a view; only writers may share it."""
    if not permissions.can_view_crm(by):
        raise PermissionDenied
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("Give the view a name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Keep the name under %(max)d characters.") % {"max": NAME_MAX}
    if list_key not in SavedView.ListKey.values:
        errors["list_key"] = _("This list does not exist.")
    if shared and not permissions.can_share_views(by):
        errors["shared"] = _("Only Managers and Admins may share a view with the team.")
    query = _clean_query(query)
    if len(query) > QUERY_MAX:
        errors["query"] = _("These filters are too long to be saved; remove some.")
    if errors:
        raise ValidationError(errors)
    columns = [key for key in dict.fromkeys(columns) if key][:40]
    view, created = SavedView.objects.select_for_update().get_or_create(
        owner=by,
        list_key=list_key,
        name=name,
        defaults={"query": query, "columns": columns, "shared": shared},
    )
    if not created:
        view.query, view.columns, view.shared = query, columns, shared
        view.full_clean()
        view.save(update_fields=["query", "columns", "shared"])
    audit_record(
        action="crm.saved_view.create" if created else "crm.saved_view.update",
        actor=by,
        target=view,
        data={"list": list_key, "query": query, "columns": columns, "shared": shared},
    )
    return view


@transaction.atomic
def saved_view_delete(*, by: Any, view: SavedView) -> None:
    """Its owner deletes a view; an Admin may delete anybody's."""
    if not permissions.can_change_saved_view(by, view):
        raise PermissionDenied
    audit_record(
        action="crm.saved_view.delete", actor=by, target=view, data={"list": view.list_key, "name": view.name}
    )
    view.delete()


# --- bulk actions --------------------------------------------------------------------------------------


def _selected(*, by: Any, model: type[models.Model], ids: Iterable[Any]) -> list[int]:
    """The ids of ``model`` that ``by`` may change among ``ids`` (unknown or invisible ones are dropped)."""
    if model not in VISIBLE:
        raise ValueError(f"No bulk actions on {model.__name__}")
    if not permissions.can_edit_crm(by):
        raise PermissionDenied
    wanted = {int(pk) for pk in ids if str(pk).strip().isdigit()}
    if not wanted:
        raise ValidationError({"ids": _("Select at least one row.")})
    if len(wanted) > MAX_BULK:
        raise ValidationError({"ids": _("Select at most %(max)d rows at once.") % {"max": MAX_BULK}})
    return sorted(VISIBLE[model](by).filter(pk__in=wanted).values_list("pk", flat=True))


def _tag(*, by: Any, tag: Tag | str | int) -> Tag:
    if isinstance(tag, Tag):
        return tag
    if isinstance(tag, int) or str(tag).isdigit():
        found = Tag.objects.filter(pk=int(tag)).first()
        if found is None:
            raise ValidationError({"tag": _("This tag no longer exists.")})
        return found
    name = " ".join(str(tag or "").split())
    if not name:
        raise ValidationError({"tag": _("Choose a tag or type a new one.")})
    if len(name) > TAG_MAX:
        raise ValidationError({"tag": _("Keep the tag under %(max)d characters.") % {"max": TAG_MAX}})
    found = Tag.objects.filter(name__iexact=name).first()
    if found is None:
        found = Tag.objects.create(name=name)
        audit_record(action="crm.tag.create", actor=by, target=found, data={"name": name})
    return found


def _board_changed(deals: Iterable[Deal]) -> None:
    """Open pipeline boards show owners and tags on the cards: tell them (hook of crm.services.deals)."""
    try:
        from crm.services import deals as deal_services
    except ImportError:  # the board is not installed
        return
    hook = getattr(deal_services, "deal_board_changed", None)
    if hook is not None:
        for deal in deals:
            hook(deal=deal)


@transaction.atomic
def bulk_tag(
    *, by: Any, model: type[models.Model], ids: Iterable[Any], tag: Tag | str | int, remove: bool = False
) -> int:
    """Add ``tag`` to (or remove it from) the selected records; returns how many changed. ``tag`` is a Tag, its
    pk, or a name (an unknown name creates the tag)."""
    selected = _selected(by=by, model=model, ids=ids)
    tag = _tag(by=by, tag=tag)
    relation = getattr(tag, TAG_RELATION[model])
    tagged = set(relation.filter(pk__in=selected).values_list("pk", flat=True))
    changed = sorted(tagged if remove else set(selected) - tagged)
    if not changed:
        return 0
    if remove:
        relation.remove(*changed)
    else:
        relation.add(*changed)
    verb = "tag_remove" if remove else "tag_add"
    for record in model._default_manager.filter(pk__in=changed).order_by("pk"):
        audit_record(
            action=f"crm.{model._meta.model_name}.{verb}", actor=by, target=record, data={"tag": tag.name}
        )
    if model is Deal:
        _board_changed(Deal.objects.filter(pk__in=changed).select_related("stage", "pipeline"))
    return len(changed)


@transaction.atomic
def bulk_assign(*, by: Any, model: type[models.Model], ids: Iterable[Any], user: Any) -> int:
    """Make ``user`` a manager of the selected artists, or the owner of the selected sponsors or deals; returns
    how many changed. ``user`` must be an active Manager or Admin."""
    from crm.selectors.lists import crm_team

    if model not in (Artist, Sponsor, Deal):
        raise ValueError(f"Nobody is assigned to {model.__name__}")
    selected = _selected(by=by, model=model, ids=ids)
    if user is None or not crm_team().filter(pk=getattr(user, "pk", user)).exists():
        raise ValidationError({"user": _("Choose an active Manager or Admin.")})
    user = crm_team().get(pk=getattr(user, "pk", user))
    if model is Artist:
        managed = set(user.managed_artists.filter(pk__in=selected).values_list("pk", flat=True))
        changed = sorted(set(selected) - managed)
        user.managed_artists.add(*changed)
        records = list(Artist.objects.filter(pk__in=changed).order_by("pk"))
        action, data = "crm.artist.manager_add", {"manager": user.pk}
    else:
        records = list(
            model._default_manager.select_for_update()
            .filter(pk__in=selected)
            .exclude(owner=user)
            .order_by("pk")
        )
        for record in records:
            record.owner = user
            record.save(update_fields=["owner", "updated_at"])  # a history row per record
        action, data = f"crm.{model._meta.model_name}.owner_set", {"owner": user.pk}
    for record in records:
        audit_record(action=action, actor=by, target=record, data=data)
    if model is Deal:
        _board_changed(
            Deal.objects.filter(pk__in=[r.pk for r in records]).select_related("stage", "pipeline")
        )
    return len(records)
