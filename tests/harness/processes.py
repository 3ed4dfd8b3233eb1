"""Subprocesses for the harness: start, wait until ready, stop, and keep their output in a log file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent.parent

# Every harness process alive in this pytest process, so a failing test's report can show their logs.
RUNNING: list[ManagedProcess] = []


class ManagedProcess:
    def __init__(self, name: str, argv: list[str], *, env: dict[str, str], log_path: Path) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        RUNNING.append(self)

    def wait_until(self, ready: Callable[[], bool], *, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited while starting ({what}).\n{self.log_tail()}")
            if ready():
                return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{self.name} did not become ready in {timeout:.0f}s ({what}).\n{self.log_tail()}"
                )
            time.sleep(0.1)

    def stop(self, timeout: float = 15) -> None:
        if self in RUNNING:
            RUNNING.remove(self)
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_since(self, offset: int, max_chars: int = 20_000) -> str:
        try:
            with self.log_path.open("rb") as log:
                log.seek(offset)
                text = log.read().decode(errors="replace")
        except OSError:
            return ""
        return text[-max_chars:]

    def log_tail(self, max_chars: int = 6_000) -> str:
        return f"--- {self.name} log ({self.log_path}) ---\n{self.log_since(0, max_chars)}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_answers(url: str) -> bool:
    """True once anything answers HTTP at `url` (an error status counts: the server is up)."""
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310 (our own loopback server)
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for Django's connection settings (the test database once pytest-django created it)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]
