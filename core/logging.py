"""Log redaction: no password, token, secret, authorization header or one-time code reaches the log output.

``RedactSecretsFilter`` sits on the console handler (settings.LOGGING). It masks (``core.crypto.mask``):
- values of sensitive keys in ``%``-format dict arguments and in ``extra={...}`` fields;
- ``key=value``, ``key: value`` and ``"key": "value"`` pairs in the message and in string arguments, when the
  key names a password, token, secret, authorization, api key, cookie or otp;
- bare JSON Web Tokens and ``Bearer ...`` credentials anywhere in the text.
``core.secrets.Secret`` values are masked already by their own ``str()``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from core.crypto import mask

SENSITIVE_KEY = re.compile(
    r"passw(or)?d|passwd|pwd|secret|token|authorization|api[_-]?key|cookie|(?<![a-z])t?otp(?![a-z])|credential|"
    r"private[_-]?key",
    re.IGNORECASE,
)
# key = value | key: value | "key": "value" | 'key': 'value'  (value: quoted, or up to a separator)
_PAIR = re.compile(
    r"""(?P<key>["']?[\w.-]*(?:passw(?:or)?d|passwd|pwd|secret|token|authorization|api[_-]?key|cookie|
              (?<![a-z])t?otp(?![a-z])|credential|private[_-]?key)[\w.-]*["']?)
        (?P<sep>\s*[:=]\s*)
        (?P<value>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|(?:(?:Bearer|Basic|Token)\s+)?[^\s,;&'"}\])]+)""",
    re.IGNORECASE | re.VERBOSE,
)
_BEARER = re.compile(r"\b(?P<scheme>Bearer|Basic)\s+(?P<value>[A-Za-z0-9._~+/=-]{8,})")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}")

# LogRecord attributes that are not `extra` fields
_RECORD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


def _mask_value(value: str) -> str:
    quote = value[0] if value[:1] in ("'", '"') and value[-1:] == value[:1] and len(value) > 1 else ""
    inner = value[1:-1] if quote else value
    scheme = ""
    for prefix in ("Bearer ", "Basic ", "Token "):
        if inner.startswith(prefix):
            scheme, inner = prefix, inner[len(prefix) :]
            break
    return f"{quote}{scheme}{mask(inner) or '••••••••'}{quote}"


def redact_text(text: str) -> str:
    text = _PAIR.sub(lambda m: m.group("key") + m.group("sep") + _mask_value(m.group("value")), text)
    text = _BEARER.sub(lambda m: f"{m.group('scheme')} {mask(m.group('value'))}", text)
    return _JWT.sub(lambda m: mask(m.group(0)), text)


def redact(value: Any, *, depth: int = 0) -> Any:
    """A copy of `value` with sensitive mapping values masked and sensitive text patterns redacted."""
    if depth > 5:
        return value
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {
            key: (
                _mask_any(item)
                if isinstance(key, str) and SENSITIVE_KEY.search(key)
                else redact(item, depth=depth + 1)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(redact(item, depth=depth + 1) for item in value)
    return value


def _mask_any(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    return mask(str(value)) or "••••••••"


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self._redact(record)
        except Exception:  # a log line is never lost because of redaction
            logging.getLogger(__name__).debug("redaction failed", exc_info=True)
        return True

    def _redact(self, record: logging.LogRecord) -> None:
        if record.args:
            if isinstance(record.args, Mapping):
                record.args = redact(dict(record.args))
            else:
                record.args = tuple(
                    redact(arg) if isinstance(arg, str | Mapping | list | tuple) else arg
                    for arg in record.args
                )
        if isinstance(record.msg, str):
            message = record.getMessage()
            redacted = redact_text(message)
            if redacted != message or record.args:
                record.msg, record.args = redacted, None
        for key, value in list(record.__dict__.items()):
            if key in _RECORD_ATTRS:
                continue
            if SENSITIVE_KEY.search(key):
                setattr(record, key, _mask_any(value))
            elif isinstance(value, str | Mapping | list | tuple):
                setattr(record, key, redact(value))
