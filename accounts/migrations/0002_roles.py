"""Creates the five role groups. Their model permissions are synced after every migrate
(accounts.signals.sync_role_permissions), because permissions of later apps do not exist yet here."""

from django.db import migrations

ROLES = ["Admin", "Manager", "Producer", "Streamer", "Viewer"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_roles, delete_roles)]
