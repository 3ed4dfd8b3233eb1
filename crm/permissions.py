"""Who may see and change what in the CRM. Views, the API, live groups and templates all ask these.

Viewer and Producer read; Manager and Admin write; Streamer has no CRM. Tuning the score weights is the
Admin's. Object-level rules are the same for every record today (an agency works as one team), so each
``can_*`` takes an optional object for the day that changes.
"""

from typing import Any

from django.db.models import QuerySet

from accounts import roles
from accounts.permissions import has_any_role, is_admin

READ_ROLES = (roles.VIEWER, roles.PRODUCER, roles.MANAGER, roles.ADMIN)
WRITE_ROLES = (roles.MANAGER, roles.ADMIN)


def can_view_crm(user: Any, obj: Any = None) -> bool:
    return has_any_role(user, *READ_ROLES)


def can_edit_crm(user: Any, obj: Any = None) -> bool:
    """Create, change, delete artists, sponsors, contacts, deals, campaigns, interactions; move deals; import."""
    return has_any_role(user, *WRITE_ROLES)


def can_edit_pipelines(user: Any, obj: Any = None) -> bool:
    """Add, rename, reorder stages; set their probability and outcome."""
    return has_any_role(user, *WRITE_ROLES)


def can_tune_scoring(user: Any, obj: Any = None) -> bool:
    return is_admin(user)


def can_share_views(user: Any, obj: Any = None) -> bool:
    """Anyone who reads the CRM may save list views; only writers may share one with the team."""
    return can_edit_crm(user)


def visible(user: Any, queryset: QuerySet) -> QuerySet:
    """``queryset`` when ``user`` reads the CRM, else nothing."""
    return queryset if can_view_crm(user) else queryset.none()


def artists_visible_to(user: Any) -> QuerySet:
    from .models import Artist

    return visible(user, Artist.objects.all())


def sponsors_visible_to(user: Any) -> QuerySet:
    from .models import Sponsor

    return visible(user, Sponsor.objects.all())


def contacts_visible_to(user: Any) -> QuerySet:
    from .models import Contact

    return visible(user, Contact.objects.all())


def deals_visible_to(user: Any) -> QuerySet:
    from .models import Deal

    return visible(user, Deal.objects.all())


def pipelines_visible_to(user: Any) -> QuerySet:
    from .models import Pipeline

    return visible(user, Pipeline.objects.all())


def campaigns_visible_to(user: Any) -> QuerySet:
    from .models import Campaign

    return visible(user, Campaign.objects.all())


def interactions_visible_to(user: Any) -> QuerySet:
    from .models import Interaction

    return visible(user, Interaction.objects.all())


def saved_views_visible_to(user: Any) -> QuerySet:
    """A person's own views plus those shared with the team."""
    from django.db.models import Q

    from .models import SavedView

    if not can_view_crm(user):
        return SavedView.objects.none()
    return SavedView.objects.filter(Q(owner=user) | Q(shared=True))


def can_change_saved_view(user: Any, view: Any) -> bool:
    return can_view_crm(user) and (view.owner_id == user.pk or is_admin(user))


def imports_visible_to(user: Any) -> QuerySet:
    """An import's owner sees it; Admins see all."""
    from .models import ImportJob

    if not can_edit_crm(user):
        return ImportJob.objects.none()
    qs = ImportJob.objects.all()
    return qs if is_admin(user) else qs.filter(owner=user)
