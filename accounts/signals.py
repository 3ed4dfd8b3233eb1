from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_migrate, post_save, pre_save
from django.dispatch import receiver

from . import roles


@receiver(post_migrate)
def sync_role_permissions(sender, **kwargs) -> None:
    """Give each role group exactly the permissions accounts.roles.ROLE_PERMISSIONS lists (idempotent)."""
    # Run once, after the last app's permissions exist (auth creates them per app, in app order).
    last = [c for c in django_apps.get_app_configs() if c.models_module is not None][-1]
    if sender.name != last.name:
        return
    using = kwargs.get("using", "default")
    for name, perms in roles.ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        if perms == ["*"]:
            wanted = Permission.objects.using(using).all()
        else:
            pairs = [p.split(".", 1) for p in perms]
            wanted = Permission.objects.using(using).none()
            for app_label, codename in pairs:
                wanted = wanted | Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename=codename
                )
        group.permissions.set(wanted)


HISTORY_EXCLUDED_FIELDS = frozenset({"password", "last_login"})
_SKIP_MARK = "_accounts_history_skipped"


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.skip_history_pre")
def skip_history_for_untracked_saves(sender, instance, update_fields=None, **kwargs) -> None:
    """`update_last_login` and password changes save only untracked fields: no history row for those."""
    if (
        update_fields is not None
        and set(update_fields) <= HISTORY_EXCLUDED_FIELDS
        and not hasattr(instance, "skip_history_when_saving")
    ):
        instance.skip_history_when_saving = True
        setattr(instance, _SKIP_MARK, True)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.skip_history_post")
def clear_history_skip(sender, instance, **kwargs) -> None:
    # simple-history's own post_save receiver ran before this one (it connects when the model class is made).
    if getattr(instance, _SKIP_MARK, False):
        del instance.skip_history_when_saving
        delattr(instance, _SKIP_MARK)
