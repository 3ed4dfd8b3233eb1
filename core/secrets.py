"""``Secret``: a string that does not show itself.

``str()``, ``repr()``, f-strings, templates and logs only ever see the mask (``core.crypto.mask``); the
plaintext comes out only through ``.reveal()``, so every place that uses it is greppable.
"""

from __future__ import annotations

import hmac

from core.crypto import mask


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str | Secret | None = "") -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise TypeError(f"Secret holds a str, not {type(value).__name__}.")
        object.__setattr__(self, "_value", value)

    def reveal(self) -> str:
        """The plaintext. Call it only where the secret is used (sent to OBS, Twitch...), never to display."""
        return self._value

    @property
    def masked(self) -> str:
        return mask(self._value)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"Secret({self.masked!r})"

    def __format__(self, format_spec: str) -> str:
        return format(self.masked, format_spec)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Secret):
            other = other.reveal()
        if not isinstance(other, str):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other.encode())

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Secret is immutable.")

    def __reduce__(self):
        return (Secret, (self._value,))
