"""Re-encrypt every secret at rest with the newest key of FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first (``FIELD_ENCRYPTION_KEYS=new,old``), deploy, run this command, then remove the
old key. It covers every ``EncryptedTextField`` of every model (history tables included) and the TOTP and recovery-code seeds of
allauth when they are encrypted with core.crypto. Each batch is one transaction; it can be run again safely.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction

from core import crypto
from core.fields import EncryptedFieldError, EncryptedTextField


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def rotate_model(model: type[models.Model], field_names: list[str], *, batch_size: int) -> int:
    """Re-encrypt `field_names` of every row; returns how many rows were rewritten."""
    manager = model._base_manager
    pk_name = model._meta.pk.name
    last_pk = None
    rewritten = 0
    while True:
        with transaction.atomic():
            rows = manager.select_for_update().order_by(pk_name).only(pk_name, *field_names)
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            try:
                batch = list(rows[:batch_size])
            except EncryptedFieldError as exc:
                raise CommandError(f"{exc} Nothing after primary key {last_pk} was rotated.") from None
            if not batch:
                return rewritten
            # reading decrypted with any configured key; saving encrypts with the newest one
            changed = [obj for obj in batch if any(getattr(obj, name) for name in field_names)]
            if changed:
                manager.bulk_update(changed, field_names)
            rewritten += len(changed)
            last_pk = batch[-1].pk


# the encrypted key of each kind of allauth authenticator's data
MFA_ENCRYPTED_KEYS = {"totp": "secret", "recovery_codes": "seed"}


def rotate_mfa_secrets() -> int:
    """allauth's TOTP seeds and recovery-code seeds, which the MFA adapter encrypts with core.crypto."""
    if not apps.is_installed("allauth.mfa"):
        return 0
    from allauth.mfa.models import Authenticator

    rewritten = 0
    with transaction.atomic():
        authenticators = Authenticator.objects.select_for_update().filter(type__in=MFA_ENCRYPTED_KEYS)
        for auth in authenticators:
            key = MFA_ENCRYPTED_KEYS[auth.type]
            value = (auth.data or {}).get(key)
            if isinstance(value, str) and value.startswith(crypto.PREFIX):
                try:
                    auth.data = {**auth.data, key: crypto.rotate(value)}
                except crypto.DecryptionError:
                    raise CommandError(f"Cannot decrypt the {key} of authenticator {auth.pk}.") from None
                auth.save(update_fields=["data"])
                rewritten += 1
    return rewritten


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options) -> None:
        total = 0
        for model, field_names in encrypted_fields():
            count = rotate_model(model, field_names, batch_size=batch_size)
            total += count
            self.stdout.write(f"{model._meta.label} ({', '.join(field_names)}): {count} rows re-encrypted")
        mfa = rotate_mfa_secrets()
        total += mfa
        self.stdout.write(f"allauth TOTP and recovery-code seeds: {mfa} re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} re-encrypted with the newest key."))
