from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core import seeding


class Command(BaseCommand):
    help = "Load the demo data once (deterministic for a given --seed). A second run does nothing unless --force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=int, default=1, help="Size multiplier (1: 20 staff, 200 notifications)."
        )
        parser.add_argument("--seed", type=int, default=seeding.DEFAULT_SEED, help="Random seed.")
        parser.add_argument(
            "--force", action="store_true", help="Run again even if the demo data was loaded."
        )

    def handle(self, *args, scale: int, seed: int, force: bool, **options) -> None:
        if scale < 1:
            self.stderr.write(self.style.ERROR("--scale must be 1 or more."))
            return
        result = seeding.seed_run(scale=scale, seed=seed, force=force)
        if not result.ran:
            self.stdout.write("Demo data already loaded: nothing to do (use --force to load it again).")
        else:
            for step, counts in result.created.items():
                details = ", ".join(f"{count} {label}" for label, count in counts.items())
                self.stdout.write(f"{step}: {details}")
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded (scale {scale}, seed {seed})."))
        self.stdout.write(f"Demo logins (password {seeding.DEMO_PASSWORD}):")
        for role, local, *_ in seeding.DEMO_USERS:
            note = (
                "  (sets up two-factor at first sign-in)"
                if role in settings.TWO_FACTOR_REQUIRED_ROLES
                else ""
            )
            self.stdout.write(f"  {role:<9} {local}@{seeding.DEMO_DOMAIN}{note}")
