"""Encryption of secrets at rest (OBS passwords, Twitch tokens, TOTP seeds).

Keys come from settings.FIELD_ENCRYPTION_KEYS (env FIELD_ENCRYPTION_KEYS, comma-separated Fernet keys, newest
first). Encryption always uses the first key; decryption tries them all, so a key can be rotated in by putting
the new key first and running `manage.py rotate_encryption_keys`, then removing the old one.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1:"


class DecryptionError(Exception):
    """The stored value was encrypted with a key that is no longer configured, or was tampered with."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes)."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return PREFIX + fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise DecryptionError("Value is not encrypted with this scheme.")
    try:
        return fernet().decrypt(token.removeprefix(PREFIX).encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("Cannot decrypt: unknown key or tampered value.") from exc


def rotate(token: str) -> str:
    """Re-encrypt a stored value with the newest key."""
    try:
        return PREFIX + fernet().rotate(token.removeprefix(PREFIX).encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("Cannot rotate: unknown key or tampered value.") from exc


def mask(secret: str | None, visible: int = 2) -> str:
    """What the UI may show of a secret: never more than its last `visible` characters."""
    if not secret:
        return ""
    if len(secret) <= visible * 4:
        return "•" * 8
    return "•" * 8 + secret[-visible:]
