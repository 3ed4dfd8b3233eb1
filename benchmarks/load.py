"""Load benchmark of the platform: pages, API endpoints and the live websocket, against real daphne processes.

    uv run python benchmarks/load.py --scale 1 --users 20                 # 200 requests per target
    uv run python benchmarks/load.py --scale 5 --duration 30 --web-procs 2
    uv run python benchmarks/load.py --targets dashboard,api-notifications --no-websocket

It (1) recreates the database `mona_spark_bench` on the PostgreSQL server of DATABASE_URL (or the local default,
or an embedded one: scripts/devservices.py), migrates it and runs `seed_demo --scale N`; (2) starts --web-procs
daphne processes; (3) signs in --users users by creating their sessions directly (no login form) and sends each
target's requests from that many concurrent clients (asyncio + httpx), counting latency, time to first byte
(response headers), errors (anything but 200) and requests per second; (4) opens --ws-clients sockets on
/ws/live/ (each in its user's own group) while a separate process publishes --ws-messages messages through
core.live.publish with the send time inside, and measures send-to-receipt latency. Results: a table on stdout
and JSON in benchmarks/results/platform.json (git-ignored). No Celery worker is needed.

The load generator shares the machine (2 cores) with the servers it measures: compare runs on one machine only.
Add a target by appending to TARGETS.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "mona_spark_bench"
RESULTS = ROOT / "benchmarks" / "results" / "platform.json"
SECOND_FACTOR_ROLES = {"Admin", "Manager"}  # these need a TOTP step; the benchmark signs in the others


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    kind: str = "page"  # page | api


# Later issues append their pages and endpoints here.
TARGETS: list[Target] = [
    Target("dashboard", "/"),
    Target("notifications", "/notifications/"),
    Target("api-notifications", "/api/notifications/", "api"),
]


# --- set-up ------------------------------------------------------------------------------------------------


def load_devservices():
    spec = importlib.util.spec_from_file_location("devservices", ROOT / "scripts" / "devservices.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["devservices"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def prepare_database(env: dict[str, str], *, scale: int, reuse: bool) -> None:
    import psycopg
    from psycopg import sql

    admin_url = with_database(env["DATABASE_URL"], "postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if exists and reuse:
            log(f"reusing database {DB_NAME}")
            return
        if exists:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(DB_NAME)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
    log(f"database {DB_NAME}: migrate, seed_demo --scale {scale}")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "seed_demo", "--scale", str(scale)],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def bench_env(services: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": with_database(services["DATABASE_URL"], DB_NAME),
        "REDIS_URL": services["REDIS_URL"],
        "REDIS_PREFIX": "bench",
        "LOG_LEVEL": "WARNING",
        "API_THROTTLE_USER": "1000000/min",
        "PYTHONUNBUFFERED": "1",
    }


def django_setup(env: dict[str, str]) -> None:
    for name in (
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_DEBUG",
        "DATABASE_URL",
        "REDIS_URL",
        "REDIS_PREFIX",
        "LOG_LEVEL",
    ):
        os.environ[name] = env[name]
    import django

    django.setup()


def sessions_for(count: int, *, http: bool) -> list[tuple[int, str]]:
    """(user id, session key) for `count` clients, cycling over the seeded users. HTTP clients only use users
    that need no second factor (an Admin or Manager without TOTP is sent to its set-up page)."""
    from django.db.models import Q

    from accounts.models import User
    from tests.harness.sessions import create_session

    users = User.objects.filter(is_active=True).order_by("pk")
    if http:
        users = users.exclude(Q(groups__name__in=SECOND_FACTOR_ROLES) & ~Q(authenticator__type="totp"))
    users = list(users.distinct())
    if not users:
        raise SystemExit("no user to sign in: did seed_demo run?")
    keys = {user.pk: create_session(user) for user in users[:count]}
    return [(users[i % len(users)].pk, keys[users[i % len(users)].pk]) for i in range(count)]


# --- servers -----------------------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_servers(count: int, env: dict[str, str], log_dir: Path) -> list[Server]:
    servers = []
    log_dir.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        port = free_port()
        log_path = log_dir / f"daphne-{index}.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "config.asgi:application",
                ],
                env=env,
                cwd=ROOT,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        servers.append(Server(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path))
    for server in servers:
        deadline = time.monotonic() + 60
        while not _answers(f"{server.url}/healthz"):
            if server.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"daphne did not start:\n{server.log_path.read_text()[-3000:]}")
            time.sleep(0.2)
    log(f"{count} daphne process(es): {', '.join(s.url for s in servers)}")
    return servers


def stop_servers(servers: list[Server]) -> None:
    for server in servers:
        if server.process.poll() is None:
            os.killpg(server.process.pid, signal.SIGTERM)
    for server in servers:
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310 (our own loopback server)
            return True
    except (urllib.error.URLError, OSError):
        return False


# --- measurements ------------------------------------------------------------------------------------------


def summary(values: list[float]) -> dict[str, float | None]:
    """p50/p95/p99/max in milliseconds (nearest rank)."""
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None, "mean": None}
    ordered = sorted(values)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    return {
        "p50": round(rank(50) * 1000, 1),
        "p95": round(rank(95) * 1000, 1),
        "p99": round(rank(99) * 1000, 1),
        "max": round(ordered[-1] * 1000, 1),
        "mean": round(statistics.fmean(ordered) * 1000, 1),
    }


@dataclass
class HttpRun:
    latencies: list[float] = field(default_factory=list)
    ttfbs: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


async def http_target(
    target: Target,
    servers: list[Server],
    sessions: list[tuple[int, str]],
    *,
    requests: int,
    duration: float | None,
    warmup: int,
    cookie_name: str,
) -> dict:
    import httpx

    run = HttpRun()
    remaining = [requests]
    deadline = time.perf_counter() + duration if duration else None

    def more() -> bool:
        if deadline is not None:
            return time.perf_counter() < deadline
        remaining[0] -= 1
        return remaining[0] >= 0

    async def client_loop(index: int, measure: bool, count: int | None = None) -> None:
        _user_id, key = sessions[index]
        server = servers[index % len(servers)]
        headers = {"Accept": "application/json"} if target.kind == "api" else {}
        async with httpx.AsyncClient(
            base_url=server.url,
            cookies={cookie_name: key},
            headers=headers,
            timeout=60,
            follow_redirects=False,
        ) as client:
            done = 0
            while (count is not None and done < count) or (count is None and more()):
                done += 1
                started = time.perf_counter()
                try:
                    async with client.stream("GET", target.path) as response:
                        ttfb = time.perf_counter() - started
                        await response.aread()
                except httpx.HTTPError as exc:
                    if measure:
                        run.error(type(exc).__name__)
                    continue
                if not measure:
                    continue
                if response.status_code != 200:
                    run.error(str(response.status_code))
                    continue
                run.latencies.append(time.perf_counter() - started)
                run.ttfbs.append(ttfb)

    # warm-up: templates, connections and caches, not measured
    await asyncio.gather(
        *(client_loop(i, False, max(1, warmup // len(sessions))) for i in range(len(sessions)))
    )
    started = time.perf_counter()
    await asyncio.gather(*(client_loop(i, True) for i in range(len(sessions))))
    elapsed = time.perf_counter() - started
    total = len(run.latencies) + sum(run.errors.values())
    return {
        "target": target.name,
        "path": target.path,
        "kind": target.kind,
        "requests": total,
        "ok": len(run.latencies),
        "errors": sum(run.errors.values()),
        "error_kinds": run.errors,
        "seconds": round(elapsed, 2),
        "req_per_s": round(total / elapsed, 1) if elapsed else None,
        "latency_ms": summary(run.latencies),
        "ttfb_ms": summary(run.ttfbs),
    }


async def websocket_broadcast(
    servers: list[Server],
    sessions: list[tuple[int, str]],
    *,
    messages: int,
    rate: float,
    env: dict[str, str],
    cookie_name: str,
) -> dict:
    """Every client joins its user's group ("user.<pk>"); a separate process publishes `messages` messages to
    all those groups, each carrying its send time; latency = receipt time - send time."""
    import websockets

    latencies: list[float] = []
    connect_times: list[float] = []
    received = [0] * len(sessions)
    failures: dict[str, int] = {}
    connected = asyncio.Event()
    ready = [0]

    async def client(index: int) -> None:
        _user_id, key = sessions[index]
        server = servers[index % len(servers)]
        headers = {"Origin": server.url, "Cookie": f"{cookie_name}={key}"}
        started = time.perf_counter()
        counted = False

        def count_in() -> None:
            nonlocal counted
            if not counted:
                counted = True
                ready[0] += 1
                if ready[0] == len(sessions):
                    connected.set()

        try:
            async with websockets.connect(
                f"{server.url.replace('http', 'ws', 1)}/ws/live/",
                additional_headers=headers,
                open_timeout=30,
                max_queue=None,
            ) as socket_:
                connect_times.append(time.perf_counter() - started)
                count_in()
                while received[index] < messages:
                    frame = await asyncio.wait_for(socket_.recv(), timeout=30)
                    now = time.time()
                    payload = json.loads(frame)
                    if payload.get("event") != "bench.ping":
                        continue
                    latencies.append(now - payload["data"]["sent"])
                    received[index] += 1
        except (OSError, TimeoutError, websockets.WebSocketException) as exc:
            failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
            count_in()

    tasks = [asyncio.create_task(client(i)) for i in range(len(sessions))]
    await asyncio.wait_for(connected.wait(), timeout=120)
    groups = sorted({f"user.{user_id}" for user_id, _key in sessions})
    publisher = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--publish",
        ",".join(groups),
        "--ws-messages",
        str(messages),
        "--ws-rate",
        str(rate),
        env=env,
        cwd=str(ROOT),
    )
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    await publisher.wait()
    expected = messages * len(sessions)
    return {
        "clients": len(sessions),
        "groups": len(groups),
        "messages": messages,
        "rate_per_s": rate,
        "expected": expected,
        "received": len(latencies),
        "lost": expected - len(latencies),
        "failures": failures,
        "deliveries_per_s": round(len(latencies) / elapsed, 1) if elapsed else None,
        "connect_ms": summary(connect_times),
        "latency_ms": summary(latencies),
    }


def publish_main(groups: list[str], messages: int, rate: float) -> None:
    """The publisher process: core.live.publish_many outside a transaction (sent at once), `rate` per second."""
    import django

    django.setup()
    from core.live import publish_many

    interval = 1 / rate if rate > 0 else 0
    next_at = time.monotonic()
    for seq in range(messages):
        publish_many(groups, event="bench.ping", data={"seq": seq, "sent": time.time()})
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))


# --- report ------------------------------------------------------------------------------------------------


def print_table(report: dict) -> None:
    def fmt(value) -> str:
        return "-" if value is None else f"{value:g}"

    print()
    print(
        f"HTTP ({report['meta']['users']} concurrent users, {report['meta']['web_procs']} daphne process(es))"
    )
    header = (
        f"{'target':<20} {'reqs':>6} {'err':>5} {'req/s':>7}  {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}"
    )
    print(header + f"  {'ttfb p50':>8} {'ttfb p95':>8}   (ms)")
    for row in report["http"]:
        lat, ttfb = row["latency_ms"], row["ttfb_ms"]
        print(
            f"{row['target']:<20} {row['requests']:>6} {row['errors']:>5} {fmt(row['req_per_s']):>7}  "
            f"{fmt(lat['p50']):>7} {fmt(lat['p95']):>7} {fmt(lat['p99']):>7} {fmt(lat['max']):>7}  "
            f"{fmt(ttfb['p50']):>8} {fmt(ttfb['p95']):>8}"
        )
    ws = report.get("websocket")
    if ws:
        lat = ws["latency_ms"]
        print()
        print(
            f"Websocket broadcast: {ws['clients']} clients in {ws['groups']} user groups, {ws['messages']} messages"
        )
        print(
            f"  received {ws['received']}/{ws['expected']} (lost {ws['lost']}), {fmt(ws['deliveries_per_s'])} "
            f"deliveries/s; latency ms p50 {fmt(lat['p50'])} p95 {fmt(lat['p95'])} p99 {fmt(lat['p99'])} "
            f"max {fmt(lat['max'])}; connect p50 {fmt(ws['connect_ms']['p50'])} ms"
        )
    print()


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, default=1, help="seed_demo --scale (default 1)")
    parser.add_argument(
        "--users", type=int, default=20, help="concurrent signed-in HTTP clients (default 20)"
    )
    parser.add_argument("--requests", type=int, default=200, help="requests per target (default 200)")
    parser.add_argument(
        "--duration", type=float, default=None, help="seconds per target instead of --requests"
    )
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests per target first")
    parser.add_argument(
        "--web-procs", type=int, default=1, help="daphne processes (clients spread over them)"
    )
    parser.add_argument(
        "--targets", default="", help=f"comma-separated subset of: {', '.join(t.name for t in TARGETS)}"
    )
    parser.add_argument("--ws-clients", type=int, default=50, help="websocket clients (default 50)")
    parser.add_argument("--ws-messages", type=int, default=100, help="messages published (default 100)")
    parser.add_argument(
        "--ws-rate", type=float, default=20, help="messages published per second (default 20)"
    )
    parser.add_argument("--no-websocket", action="store_true", help="skip the websocket broadcast test")
    parser.add_argument("--reuse-db", action="store_true", help=f"keep an existing {DB_NAME} (no re-seed)")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"JSON results (default {RESULTS})")
    parser.add_argument("--publish", default=None, help=argparse.SUPPRESS)  # internal: the publisher process
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.publish is not None:
        publish_main(args.publish.split(","), args.ws_messages, args.ws_rate)
        return
    wanted = {name.strip() for name in args.targets.split(",") if name.strip()}
    targets = [t for t in TARGETS if not wanted or t.name in wanted]
    if wanted - {t.name for t in targets}:
        raise SystemExit(f"unknown target(s): {', '.join(sorted(wanted - {t.name for t in TARGETS}))}")

    devservices = load_devservices()
    services = devservices.ensure("test")  # the configured or local services, else embedded ones
    servers: list[Server] = []
    try:
        env = bench_env(services)
        prepare_database(env, scale=args.scale, reuse=args.reuse_db)
        django_setup(env)
        from django.conf import settings

        http_sessions = sessions_for(args.users, http=True)
        ws_sessions = sessions_for(args.ws_clients, http=False) if not args.no_websocket else []
        servers = start_servers(args.web_procs, env, ROOT / ".data" / "bench")
        report: dict = {
            "meta": {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "commit": git_commit(),
                "scale": args.scale,
                "users": args.users,
                "web_procs": args.web_procs,
                "requests_per_target": None if args.duration else args.requests,
                "duration_per_target_s": args.duration,
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
            },
            "http": [],
        }
        for target in targets:
            log(f"{target.name}: {target.path}")
            report["http"].append(
                asyncio.run(
                    http_target(
                        target,
                        servers,
                        http_sessions,
                        requests=args.requests,
                        duration=args.duration,
                        warmup=args.warmup,
                        cookie_name=settings.SESSION_COOKIE_NAME,
                    )
                )
            )
        if ws_sessions:
            log(f"websocket broadcast: {args.ws_clients} clients, {args.ws_messages} messages")
            report["websocket"] = asyncio.run(
                websocket_broadcast(
                    servers,
                    ws_sessions,
                    messages=args.ws_messages,
                    rate=args.ws_rate,
                    env=env,
                    cookie_name=settings.SESSION_COOKIE_NAME,
                )
            )
    finally:
        stop_servers(servers)
        devservices.stop(services.get("DEVSERVICES_STARTED", "").split())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    log(f"results: {args.output}")


if __name__ == "__main__":
    main()
