"""E-mails sent by the harness subprocesses (daphne, Celery worker) through Django's file-based backend."""

from __future__ import annotations

import email
import email.policy
import time
from email.message import EmailMessage
from pathlib import Path

# The file backend writes each message followed by a line of 79 dashes.
SEPARATOR = b"\n" + b"-" * 79 + b"\n"


class Mailbox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def clear(self) -> None:
        for path in self.folder.glob("*.log"):
            path.unlink(missing_ok=True)

    @property
    def messages(self) -> list[EmailMessage]:
        """Every message sent so far, oldest first."""
        found: list[EmailMessage] = []
        for path in sorted(self.folder.glob("*.log"), key=lambda p: (p.stat().st_mtime_ns, p.name)):
            for chunk in path.read_bytes().split(SEPARATOR):
                if chunk.strip():
                    found.append(email.message_from_bytes(chunk.lstrip(b"\n"), policy=email.policy.default))
        return found

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m.get("To", "")).lower()]

    def wait_for(self, *, to: str | None = None, count: int = 1, timeout: float = 15) -> list[EmailMessage]:
        """Wait until at least `count` messages (to `to`, if given) arrived; returns them. Celery sends later."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.to(to) if to else self.messages
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"expected {count} e-mail(s){f' to {to}' if to else ''}, got {len(found)}"
                )
            time.sleep(0.1)

    @staticmethod
    def body(message: EmailMessage) -> str:
        """The plain-text body (the text/plain part of a multipart message)."""
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""
