from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write one .tar.gz with the database (pg_dump), the media files and a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Archive path (default .data/backups/mona-spark-<time>.tar.gz).",
        )

    def handle(self, *args, output: Path | None, **options) -> None:
        try:
            info = backup_create(output=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(info.manifest["row_counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup of {info.manifest['database']} (PostgreSQL {info.manifest['server_version']}, {rows} rows "
                f"in the counted tables) written to {info.path}"
            )
        )
