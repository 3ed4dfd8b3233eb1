from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from . import roles


@receiver(post_migrate)
def sync_role_permissions(sender, **kwargs) -> None:
    """Give each role group exactly the permissions accounts.roles.ROLE_PERMISSIONS lists (idempotent)."""
    if sender.name != "accounts":
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
