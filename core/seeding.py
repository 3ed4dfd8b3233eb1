"""Demo data (``manage.py seed_demo``): a registry of seeding steps that every app extends.

An app adds its demo data in a ``seeding.py`` module of its own (found automatically):

    # crm/seeding.py
    from core.seeding import SeedContext, register_seed_step

    def seed_crm(ctx: SeedContext) -> dict[str, int]:
        artists = [Artist(name=ctx.faker["fr_FR"].name(), ...) for _ in range(ctx.scale * 40)]
        Artist.objects.bulk_create(artists)
        return {"artists": len(artists)}            # printed by the command

    register_seed_step("crm", seed_crm, order=200)  # after the platform steps (users 10, notifications 50)

A step gets ``ctx.scale``, ``ctx.rng`` (a seeded ``random.Random``), ``ctx.faker`` (a seeded multi-locale
Faker; ``ctx.faker["fr_FR"]`` for one locale) and ``ctx.users`` (the demo users by role, and ``ctx.staff``, all
staff created). Everything it makes must come from these, so the same seed gives the same data. Pure
generator functions (like :func:`generate_staff`) keep that testable without a database.

The whole run is one transaction and is recorded (``core.models.SeedRun``): a second run does nothing unless
``--force``.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from faker import Faker

from accounts import roles

LOCALES = ["fr_FR", "en_GB", "es_ES", "de_DE", "it_IT"]
LOCALE_WEIGHTS = [60, 12, 10, 9, 9]  # mostly French: a Paris agency with an international team
LOCALE_TIME_ZONES = {
    "fr_FR": "Europe/Paris",
    "en_GB": "Europe/London",
    "es_ES": "Europe/Madrid",
    "de_DE": "Europe/Berlin",
    "it_IT": "Europe/Rome",
}
DEMO_DOMAIN = "mona-spark.test"
DEMO_PASSWORD = "demo-pass-2026"
DEFAULT_SEED = 2026
SEED_RUN_NAME = "demo"

# (role, e-mail local part, first name, last name, job title, language)
DEMO_USERS = [
    (roles.ADMIN, "admin", "Claire", "Moreau", "Directrice des opérations", "fr"),
    (roles.MANAGER, "manager", "Julien", "Lefèvre", "Manager d'artistes", "fr"),
    (roles.PRODUCER, "producer", "Inès", "Haddad", "Productrice de contenus", "fr"),
    (roles.STREAMER, "streamer", "Lucas", "Martin", "Streamer et animateur live", "fr"),
    (roles.VIEWER, "viewer", "Emma", "Whitfield", "Partnerships intern", "en"),
]

# "masculine|feminine" where French makes a difference
JOB_TITLES = {
    roles.ADMIN: [
        "Responsable administratif|Responsable administrative",
        "Office manager",
        "Responsable informatique",
    ],
    roles.MANAGER: [
        "Manager d'artistes",
        "A&R",
        "Directeur artistique|Directrice artistique",
        "Label manager",
        "Responsable partenariats",
        "Booker",
        "Head of Sponsorship",
    ],
    roles.PRODUCER: [
        "Producteur de contenus|Productrice de contenus",
        "Chargé de production|Chargée de production",
        "Réalisateur|Réalisatrice",
        "Monteur vidéo|Monteuse vidéo",
        "Motion designer",
        "Ingénieur du son|Ingénieure du son",
        "Chef de projet digital|Cheffe de projet digital",
        "Community manager",
        "Video editor",
    ],
    roles.STREAMER: [
        "Streamer|Streameuse",
        "Animateur live|Animatrice live",
        "Régisseur streaming|Régisseuse streaming",
        "Live producer",
        "Chroniqueur|Chroniqueuse",
    ],
    roles.VIEWER: [
        "Attaché de presse|Attachée de presse",
        "Juriste droits musicaux",
        "Comptable",
        "Stagiaire communication",
        "Assistant de production|Assistante de production",
        "Data analyst",
    ],
}
ROLE_WEIGHTS = {roles.ADMIN: 3, roles.MANAGER: 17, roles.PRODUCER: 35, roles.STREAMER: 20, roles.VIEWER: 25}


# --- registry --------------------------------------------------------------------------------------------------


@dataclass
class SeedContext:
    scale: int
    seed: int
    rng: random.Random
    faker: Faker
    users: dict[str, Any] = field(default_factory=dict)  # role → demo user
    staff: list[Any] = field(default_factory=list)  # every user created (demo users first)


SeedFn = Callable[[SeedContext], dict[str, int]]


@dataclass(frozen=True)
class SeedStep:
    name: str
    fn: SeedFn
    order: int


_steps: dict[str, SeedStep] = {}


def register_seed_step(name: str, fn: SeedFn, *, order: int = 100) -> None:
    """Add (or replace) a seeding step; steps run by ``order``, then name."""
    _steps[name] = SeedStep(name, fn, order)


def seed_steps() -> list[SeedStep]:
    autodiscover_modules("seeding")
    return sorted(_steps.values(), key=lambda step: (step.order, step.name))


def make_faker(seed: int) -> Faker:
    faker = Faker(LOCALES)
    faker.seed_instance(seed)
    return faker


def make_context(*, scale: int, seed: int) -> SeedContext:
    return SeedContext(scale=scale, seed=seed, rng=random.Random(seed), faker=make_faker(seed))


@dataclass
class SeedResult:
    ran: bool
    created: dict[str, dict[str, int]]


def seed_run(*, scale: int = 1, seed: int = DEFAULT_SEED, force: bool = False) -> SeedResult:
    """Run every registered step once (one transaction). Returns what each step created."""
    from core.models import SeedRun

    with transaction.atomic():
        existing = SeedRun.objects.select_for_update().filter(name=SEED_RUN_NAME).first()
        if existing is not None and not force:
            return SeedResult(ran=False, created=existing.summary)
        ctx = make_context(scale=scale, seed=seed)
        created = {step.name: step.fn(ctx) for step in seed_steps()}
        SeedRun.objects.update_or_create(
            name=SEED_RUN_NAME, defaults={"seed": seed, "scale": scale, "summary": created}
        )
    return SeedResult(ran=True, created=created)


# --- platform steps: staff, notifications, audit ---------------------------------------------------------------


@dataclass(frozen=True)
class StaffSpec:
    email: str
    first_name: str
    last_name: str
    job_title: str
    role: str
    language: str
    time_zone: str
    phone: str


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch in "-")


def job_title(choice: str, *, female: bool) -> str:
    masculine, _, feminine = choice.partition("|")
    return feminine if female and feminine else masculine


def generate_staff(count: int, *, rng: random.Random, faker: Faker) -> list[StaffSpec]:
    """`count` staff members with French and international names, roles and job titles (pure, deterministic)."""
    taken = {local for _, local, *_rest in DEMO_USERS}
    people: list[StaffSpec] = []
    role_names, role_weights = zip(*ROLE_WEIGHTS.items(), strict=True)
    for _ in range(count):
        locale = rng.choices(LOCALES, weights=LOCALE_WEIGHTS)[0]
        fake = faker[locale]
        female = rng.random() < 0.5
        first = fake.first_name_female() if female else fake.first_name_male()
        last = fake.last_name()
        local = f"{_ascii(first)}.{_ascii(last)}".strip(".") or "staff"
        candidate, n = local, 1
        while candidate in taken:
            n += 1
            candidate = f"{local}{n}"
        taken.add(candidate)
        role = rng.choices(role_names, weights=role_weights)[0]
        people.append(
            StaffSpec(
                email=f"{candidate}@{DEMO_DOMAIN}",
                first_name=first,
                last_name=last,
                job_title=job_title(rng.choice(JOB_TITLES[role]), female=female),
                role=role,
                language="fr" if locale == "fr_FR" or rng.random() < 0.3 else "en",
                time_zone=LOCALE_TIME_ZONES[locale],
                phone=fake.phone_number(),
            )
        )
    return people


def seed_users(ctx: SeedContext) -> dict[str, int]:
    User = get_user_model()
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ROLES)}
    password = make_password(DEMO_PASSWORD)  # hashed once: the same demo password for everybody
    specs = [
        StaffSpec(f"{local}@{DEMO_DOMAIN}", first, last, title, role, lang, "Europe/Paris", "")
        for role, local, first, last, title, lang in DEMO_USERS
    ] + generate_staff(ctx.scale * 15, rng=ctx.rng, faker=ctx.faker)
    created = 0
    for index, spec in enumerate(specs):
        user, was_created = User.objects.update_or_create(
            email=spec.email,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "job_title": spec.job_title,
                "phone": spec.phone,
                "language": spec.language,
                "time_zone": spec.time_zone,
                "is_staff": spec.role == roles.ADMIN,
                "is_active": True,
                "password": password,
            },
        )
        created += was_created
        user.groups.set([groups[spec.role]])
        if index < len(DEMO_USERS):
            ctx.users[spec.role] = user
        ctx.staff.append(user)
    return {"demo users": len(DEMO_USERS), "staff": len(specs) - len(DEMO_USERS), "users created": created}


NOTIFICATION_TEXTS = {
    "fr": [
        ("system", "info", "Bienvenue sur MONA × SPARK ! Complétez votre profil."),
        ("announcement", "info", "Réunion d'équipe lundi à 10 h au studio B."),
        ("announcement", "warning", "Maintenance de la plateforme samedi de 7 h à 8 h."),
        ("mention", "info", "{actor} vous a mentionné dans un commentaire."),
        ("system", "success", "Votre export est prêt."),
        ("system", "danger", "La connexion OBS du studio A a été perdue."),
        ("mention", "info", "{actor} vous a assigné une tâche."),
        ("announcement", "success", "Nouveau contrat signé : bravo à toute l'équipe !"),
    ],
    "en": [
        ("system", "info", "Welcome to MONA × SPARK! Complete your profile."),
        ("announcement", "info", "Team meeting on Monday at 10am in studio B."),
        ("announcement", "warning", "Platform maintenance on Saturday, 7 to 8am."),
        ("mention", "info", "{actor} mentioned you in a comment."),
        ("system", "success", "Your export is ready."),
        ("system", "danger", "The OBS connection of studio A was lost."),
        ("mention", "info", "{actor} assigned you a task."),
        ("announcement", "success", "New deal signed: well done, everybody!"),
    ],
}


def generate_notifications(
    count: int, *, recipients: list, actors: list, rng: random.Random, now
) -> list[dict[str, Any]]:
    """`count` notification field dicts spread over the last 30 days, about a third unread (deterministic)."""
    rows = []
    for _ in range(count):
        recipient = rng.choice(recipients)
        others = [a for a in actors if a.pk != recipient.pk] if actors else []
        actor = rng.choice(others) if others else None  # nobody assigns themselves a task
        kind, level, text = rng.choice(NOTIFICATION_TEXTS["fr" if recipient.language == "fr" else "en"])
        created_at = now - timedelta(minutes=rng.randint(1, 30 * 24 * 60))
        read = rng.random() < 0.65
        rows.append(
            {
                "recipient": recipient,
                "actor": actor if kind != "system" else None,
                "kind": kind,
                "verb": text.format(actor=actor.get_full_name() if actor else "MONA × SPARK"),
                "level": level,
                "url": "",
                "created_at": created_at,
                "read_at": created_at + timedelta(minutes=rng.randint(1, 600)) if read else None,
            }
        )
    return rows


def seed_notifications(ctx: SeedContext) -> dict[str, int]:
    from notifications.models import Notification

    demo = list(ctx.users.values())
    # demo users get most of them, so every demo login has a lively bell
    recipients = demo * 4 + ctx.staff[len(demo) :]
    rows = generate_notifications(
        ctx.scale * 200, recipients=recipients, actors=ctx.staff, rng=ctx.rng, now=timezone.now()
    )
    objs = [Notification(**{k: v for k, v in row.items() if k != "created_at"}) for row in rows]
    Notification.objects.bulk_create(objs, batch_size=1000)
    for obj, row in zip(objs, rows, strict=True):  # created_at is auto_now_add: set the spread afterwards
        obj.created_at = row["created_at"]
    Notification.objects.bulk_update(objs, ["created_at"], batch_size=1000)
    unread = sum(1 for row in rows if row["read_at"] is None)
    return {"notifications": len(rows), "unread": unread}


def seed_audit(ctx: SeedContext) -> dict[str, int]:
    from audit.services import audit_record

    admin = ctx.users.get(roles.ADMIN)
    count = 0
    for role, user in ctx.users.items():
        if user is admin:
            continue
        audit_record(action="user.invite", actor=admin, target=user, data={"roles": [role], "seed": True})
        count += 1
    audit_record(action="seed.demo", actor=admin, data={"scale": ctx.scale, "seed": ctx.seed})
    return {"audit entries": count + 1}


register_seed_step("users", seed_users, order=10)
register_seed_step("notifications", seed_notifications, order=50)
register_seed_step("audit", seed_audit, order=60)
