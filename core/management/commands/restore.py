from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from core.backup import BackupError, backup_restore, read_manifest


class Command(BaseCommand):
    help = "Replace the database and the media files with those of a backup archive (manage.py backup)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, archive: Path, yes: bool, **options) -> None:
        try:
            manifest = read_manifest(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backup of {manifest.get('database')} made {manifest.get('created_at')} "
            f"(PostgreSQL {manifest.get('server_version')})."
        )
        if not yes:
            question = (
                f"This REPLACES the content of database {connection.settings_dict['NAME']} and of "
                f"{settings.MEDIA_ROOT}. Type 'yes' to continue: "
            )
            if input(question).strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            backup_restore(archive=archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS("Restored. Run `manage.py migrate` if the code is newer than the backup.")
        )
