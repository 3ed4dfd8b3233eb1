import random
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from accounts.models import User
from audit.models import AuditEvent
from core import seeding
from core.models import SeedRun
from notifications.models import Notification


def _staff(seed: int, count: int = 30):
    ctx = seeding.make_context(scale=1, seed=seed)
    return seeding.generate_staff(count, rng=ctx.rng, faker=ctx.faker)


def test_generate_staff_is_deterministic_for_a_seed():
    assert _staff(7) == _staff(7)
    assert _staff(7) != _staff(8)


def test_generated_staff_look_like_an_agency_team():
    people = _staff(2026, count=120)

    assert len({p.email for p in people}) == 120
    assert all(p.email.endswith("@mona-spark.test") and p.email.isascii() for p in people)
    assert {p.role for p in people} == {"Admin", "Manager", "Producer", "Streamer", "Viewer"}
    titles = {role: "|".join(choices).split("|") for role, choices in seeding.JOB_TITLES.items()}
    assert all(p.job_title in titles[p.role] for p in people)
    time_zones = {p.time_zone for p in people}
    assert "Europe/Paris" in time_zones and len(time_zones) > 2  # French and international names
    assert sum(p.time_zone == "Europe/Paris" for p in people) > len(people) / 3


def test_generate_notifications_is_deterministic():
    class Person:
        def __init__(self, language, name):
            self.language, self.name, self.pk = language, name, name

        def get_full_name(self):
            return self.name

    people = [Person("fr", "Ana"), Person("en", "Bob")]
    now = datetime(2026, 1, 1, tzinfo=UTC)

    def make(seed):
        return seeding.generate_notifications(
            50, recipients=people, actors=people, rng=random.Random(seed), now=now
        )

    first = make(1)
    assert first == make(1)
    assert first != make(2)
    assert 0 < sum(row["read_at"] is None for row in first) < 50
    assert all(row["created_at"] < now for row in first)
    assert all(row["actor"] is not row["recipient"] for row in first)  # nobody notifies themselves


@pytest.mark.django_db
def test_seed_demo_creates_demo_logins_staff_and_notifications_once(capsys):
    call_command("seed_demo")

    out = capsys.readouterr().out
    for local in ("admin", "manager", "producer", "streamer", "viewer"):
        assert f"{local}@mona-spark.test" in out
        user = User.objects.get(email=f"{local}@mona-spark.test")
        assert user.check_password(seeding.DEMO_PASSWORD)
    assert "demo-pass-2026" in out
    assert User.objects.get(email="admin@mona-spark.test").role_names == ["Admin"]
    assert User.objects.get(email="manager@mona-spark.test").role_names == ["Manager"]
    assert User.objects.count() == 5 + 15
    assert Notification.objects.count() == 200
    assert Notification.objects.filter(read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=False).exists()
    assert Notification.objects.filter(recipient__email="viewer@mona-spark.test").exists()
    assert Notification.objects.dates("created_at", "day").count() > 5  # spread over the last weeks
    assert AuditEvent.objects.filter(action="user.invite").count() == 4
    assert SeedRun.objects.get(name="demo").summary["users"]["staff"] == 15

    call_command("seed_demo")

    assert "already loaded" in capsys.readouterr().out
    assert User.objects.count() == 20
    assert Notification.objects.count() == 200


@pytest.mark.django_db
def test_seed_demo_force_runs_again_without_duplicating_people(capsys):
    call_command("seed_demo")
    emails = set(User.objects.values_list("email", flat=True))

    call_command("seed_demo", "--force")

    assert set(User.objects.values_list("email", flat=True)) == emails  # same seed, same people
    assert Notification.objects.count() == 400


def test_apps_extend_the_seed_with_their_own_steps():
    calls = []
    seeding.register_seed_step("zz-test", lambda ctx: calls.append(ctx.scale) or {"things": 0}, order=999)
    try:
        names = [step.name for step in seeding.seed_steps()]
    finally:
        seeding._steps.pop("zz-test")

    assert names[:3] == ["users", "notifications", "audit"]
    assert names[-1] == "zz-test"
