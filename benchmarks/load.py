"""Load benchmark of the platform: pages, API endpoints and the live websocket, against real daphne processes.

    uv run python benchmarks/load.py --wait-quiet 0.3                  # the full run (about 6 minutes)
    uv run python benchmarks/load.py --repeat 1 --duration 20          # a quick look
    uv run python benchmarks/load.py --targets dashboard --no-websocket --no-saturation
    uv run python benchmarks/load.py --channel-layer pubsub --only-websocket

It (1) recreates the database `mona_spark_bench` on the PostgreSQL server of DATABASE_URL (or the local default,
or an embedded one: scripts/devservices.py), migrates it and runs `seed_demo --scale N`; (2) collects the static
files and starts --web-procs daphne processes (one per core by default, one port each, users spread round-robin
as a proxy would: --listen) with production settings (benchmarks/settings.py: DEBUG off, cached templates,
psycopg pool, manifest static files) that add a Server-Timing header; (3) signs in --users
users by creating their sessions directly (no login form) and measures, in this order:

- the *think-time model* (the target measurement): every user is a locust-style virtual user that picks one of
  the pages/endpoints at random, loads it (a page also loads its assets, as a browser would, revalidating with
  If-None-Match), waits a think time drawn from --think (default 0.5-1.5 s) and goes again, for --duration s;
- the *saturation run* (closed loop, no think time): for each target in turn, every user sends the next request
  as soon as the last one is answered: throughput and latency when the servers are the bottleneck;
- the *websocket broadcast*: --ws-clients sockets on /ws/live/ (each joins its user's group) while a separate
  process publishes --ws-messages messages through core.live.publish_many with the send time inside; latency is
  receipt time minus send time (sockets are all connected before the first message).

Each measurement is repeated --repeat times (default 3); the figures shown are the median over the runs of each
statistic (p50, p95, ...), every run is kept in the JSON. Per request the client records latency, time to the
response headers and the server's own times (Server-Timing, see benchmarks/server_timing.py: `app` = wall time
in Django's middleware + view, `cpu` = CPU time of that, `db` = SQL, `asgi` = + Django's async handler); per
phase, the CPU used by the servers, the load client, PostgreSQL + Redis and everything else on the machine, and
the load average. Results: a table on stdout and JSON in benchmarks/results/platform.json (git-ignored). No Celery
worker is needed.

The load generator shares the machine with the servers it measures: compare runs made on one machine, when it is
otherwise idle (see `other` CPU and the load average in the output; --wait-quiet waits for that). Add a target by
appending to TARGETS.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import platform
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "mona_spark_bench"
RESULTS = ROOT / "benchmarks" / "results" / "platform.json"
DATA_DIR = ROOT / ".data" / "bench"
SECOND_FACTOR_ROLES = {"Admin", "Manager"}  # these need a TOTP step; the benchmark signs in the others
# throw-away values for what production settings require (benchmarks/settings.py)
BENCH_SECRET_KEY = "bench-only-not-a-secret-4b9f0e7a1c2d"
BENCH_FIELD_KEY = "zD0VYg6f8S2qJm0qgFQ0l7w5cQm1I3n0q8bC2vHh3Ew="


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    kind: str = "page"  # page | api | asset (an asset is loaded after the pages that list it)
    assets: tuple[str, ...] = ()  # names of asset targets a browser loads with this page


# Later issues append their pages and endpoints here.
TARGETS: list[Target] = [
    Target("dashboard", "/", assets=("jsi18n",)),
    Target("notifications", "/notifications/", assets=("jsi18n",)),
    Target("api-notifications", "/api/notifications/", "api"),
    Target("jsi18n", "/jsi18n/", "asset"),  # the JavaScript catalog every signed-in page loads
]
OK_STATUSES = {"page": {200}, "api": {200}, "asset": {200, 304}}


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


def collect_static(env: dict[str, str]) -> None:
    """collectstatic into .data/bench/static, unless it is newer than every file of our static folders."""
    manifest = DATA_DIR / "static" / "staticfiles.json"
    sources = [ROOT / "static", *ROOT.glob("*/static")]
    newest = max((f.stat().st_mtime for d in sources for f in d.rglob("*") if f.is_file()), default=0)
    if manifest.exists() and manifest.stat().st_mtime > newest:
        return
    log("collectstatic (manifest storage, as in production)")
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
        env=env,
        check=True,
        cwd=ROOT,
    )


def bench_env(services: dict[str, str], *, channel_layer: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DJANGO_SECRET_KEY": BENCH_SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": BENCH_FIELD_KEY,
        "SECURE_COOKIES": "false",  # plain http on the loopback
        "SENTRY_DSN": "",
        "STATIC_ROOT": str(DATA_DIR / "static"),
        "DATABASE_URL": with_database(services["DATABASE_URL"], DB_NAME),
        "REDIS_URL": services["REDIS_URL"],
        "REDIS_PREFIX": "bench",
        "BENCH_CHANNEL_LAYER": channel_layer,
        "LOG_LEVEL": "WARNING",
        "API_THROTTLE_USER": "1000000/min",
        "PYTHONUNBUFFERED": "1",
    }


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def sessions_for(count: int) -> list[tuple[int, str]]:
    """(user id, session key) for `count` clients, cycling over the seeded users that need no second factor
    (an Admin or Manager without TOTP is sent to its set-up page, and its socket is refused)."""
    from django.db.models import Q

    from accounts.models import User
    from tests.harness.sessions import create_session

    users = User.objects.filter(is_active=True).order_by("pk")
    users = users.exclude(Q(groups__name__in=SECOND_FACTOR_ROLES) & ~Q(authenticator__type="totp"))
    users = list(users.distinct())
    if not users:
        raise SystemExit("no user to sign in: did seed_demo run?")
    keys = {user.pk: create_session(user) for user in users[:count]}
    return [(users[i % len(users)].pk, keys[users[i % len(users)].pk]) for i in range(count)]


# --- servers -----------------------------------------------------------------------------------------------


@dataclass
class Servers:
    """`count` daphne processes (daphne cannot share one port between processes by itself). listen="ports"
    (default): one port per process, each user sticks to one, round-robin, as a proxy in front would spread them
    (requests spread evenly); "reuseport": one SO_REUSEPORT socket per process on one port, passed with
    `daphne --fd` (the kernel hashes connections: with 20 keep-alive users the split is often uneven);
    "shared": one listening socket inherited by every process (they race to accept)."""

    urls: list[str]
    processes: list[subprocess.Popen]
    log_paths: list[Path]
    listen: str
    command: str = ""

    def url_for(self, index: int) -> str:
        return self.urls[index % len(self.urls)]

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]


def _listening_socket(port: int, *, reuse_port: bool) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_servers(count: int, env: dict[str, str], *, listen: str) -> Servers:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    base = [sys.executable, "-m", "daphne"]
    app = "benchmarks.asgi:application"
    processes, log_paths, urls, sockets = [], [], [], []
    port = free_port()
    if listen == "shared":
        sockets = [_listening_socket(port, reuse_port=False)]
    for index in range(count):
        if listen == "ports":
            port = free_port() if index else port
            args, fds = ["-b", "127.0.0.1", "-p", str(port)], ()
            urls.append(f"http://127.0.0.1:{port}")
        else:
            if listen == "reuseport":
                sockets.append(_listening_socket(port, reuse_port=True))
            sock = sockets[-1]
            args, fds = ["--fd", str(sock.fileno())], (sock.fileno(),)
        log_path = DATA_DIR / f"daphne-{index}.log"
        with log_path.open("wb") as log_file:
            processes.append(
                subprocess.Popen(
                    [*base, *args, app],
                    env=env,
                    cwd=ROOT,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    pass_fds=fds,
                )
            )
        log_paths.append(log_path)
    for sock in sockets:
        sock.close()  # the children hold them now
    if listen != "ports":
        urls = [f"http://127.0.0.1:{port}"]
    bind = "--fd <socket>" if listen != "ports" else "-b 127.0.0.1 -p <port>"
    servers = Servers(urls, processes, log_paths, listen, f"{count} x daphne {bind} {app}")
    _wait_until_up(servers)
    log(f"{count} daphne process(es), listen={listen}: {', '.join(servers.urls)}")
    return servers


def _wait_until_up(servers: Servers) -> None:
    """Until every process has answered /healthz (its Server-Timing `proc` entry names it)."""
    seen: set[str] = set()
    wanted = {str(pid) for pid in servers.pids}
    deadline = time.monotonic() + 90
    while seen != wanted:
        for process, log_path in zip(servers.processes, servers.log_paths, strict=True):
            if process.poll() is not None:
                raise SystemExit(f"daphne did not start:\n{log_path.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise SystemExit(f"daphne processes {sorted(wanted - seen)} did not answer in time")
        for url in servers.urls:
            pid = _answering_pid(f"{url}/healthz")
            if pid:
                seen.add(pid)
        if seen != wanted:
            time.sleep(0.1)


def _answering_pid(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (our own loopback server)
            return server_timing(response.headers.get_all("Server-Timing") or []).get("proc")
    except (urllib.error.URLError, OSError):
        return None


def stop_servers(servers: Servers | None) -> None:
    if servers is None:
        return
    for process in servers.processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in servers.processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# --- CPU and load accounting -------------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")
SERVICE_NAMES = ("postgres", "redis-server")


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of one process, 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _services_cpu() -> float:
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if comm.startswith(SERVICE_NAMES):
            total += _proc_cpu(int(entry.name))
    return total


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])
    return (total - idle) / TICK, total / TICK


def machine_cpu(seconds: float = 3) -> float:
    """Cores the whole machine keeps busy over `seconds`."""
    busy, _total = _machine_busy()
    time.sleep(seconds)
    return (_machine_busy()[0] - busy) / seconds


def wait_until_quiet(threshold: float | None, max_wait: float) -> float:
    """Cores in use before a run (our servers are idle then); with a threshold, wait until it is that low."""
    deadline = time.monotonic() + max_wait
    while True:
        busy = machine_cpu()
        if threshold is None or busy <= threshold:
            return round(busy, 2)
        if time.monotonic() > deadline:
            log(f"machine still busy ({busy:.2f} cores) after {max_wait:g} s: measuring anyway")
            return round(busy, 2)
        log(f"machine busy ({busy:.2f} cores in use by others): waiting")
        time.sleep(10)


def _own_cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the publisher process, once it has ended
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class CpuMeter:
    """Where the machine's CPU went during a phase, in cores (CPU seconds per second): the servers, the load
    client (with its publisher process), PostgreSQL + Redis (every backend, ours or not) and everything else
    (other people's work on this machine); plus the 1-minute load average before and after."""

    def __init__(self, server_pids: list[int]) -> None:
        self.server_pids = server_pids

    def __enter__(self) -> CpuMeter:
        self.load_before = os.getloadavg()[0]
        self.wall = time.perf_counter()
        self.machine = _machine_busy()
        self.servers = sum(_proc_cpu(pid) for pid in self.server_pids)
        self.client = _own_cpu()
        self.services = _services_cpu()
        return self

    def __exit__(self, *exc) -> None:
        wall = time.perf_counter() - self.wall
        busy, total = _machine_busy()
        cores = (total - self.machine[1]) / wall if wall else 0
        machine = (busy - self.machine[0]) / wall if wall else 0
        servers = (sum(_proc_cpu(pid) for pid in self.server_pids) - self.servers) / wall
        client = (_own_cpu() - self.client) / wall
        services = max(0.0, (_services_cpu() - self.services) / wall)  # backends that ended are missed
        self.result = {
            "seconds": round(wall, 1),
            "cores": round(cores, 1),
            "machine_busy": round(machine, 2),
            "servers": round(servers, 2),
            "client": round(client, 2),
            "postgres_redis": round(services, 2),
            "other": round(max(0.0, machine - servers - client - services), 2),
            "load_before": round(self.load_before, 2),
            "load_after": round(os.getloadavg()[0], 2),
        }


# --- measurements ------------------------------------------------------------------------------------------


def summary(values: list[float], *, scale: float = 1000) -> dict[str, float | None]:
    """p50/p95/p99/max/mean (nearest rank), in milliseconds for seconds (scale 1000)."""
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None, "mean": None}
    ordered = sorted(values)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    return {
        "p50": round(rank(50) * scale, 1),
        "p95": round(rank(95) * scale, 1),
        "p99": round(rank(99) * scale, 1),
        "max": round(ordered[-1] * scale, 1),
        "mean": round(statistics.fmean(ordered) * scale, 1),
    }


def server_timing(values: list[str]) -> dict[str, str]:
    """{"app": "12.3", "db": "1.2", "db.desc": "5", "proc": "1234", ...} from Server-Timing header values."""
    timings: dict[str, str] = {}
    for value in values:
        for entry in value.split(","):
            name, *params = (part.strip() for part in entry.split(";"))
            for param in params:
                key, _, raw = param.partition("=")
                raw = raw.strip('"')
                if key == "dur":
                    timings[name] = raw
                elif key == "desc":
                    timings[f"{name}.desc" if name != "proc" else name] = raw
    return timings


@dataclass
class Samples:
    """What one target's requests gave during a phase."""

    latencies: list[float] = field(default_factory=list)
    ttfbs: list[float] = field(default_factory=list)
    app: list[float] = field(default_factory=list)  # milliseconds, from Server-Timing
    cpu: list[float] = field(default_factory=list)
    asgi: list[float] = field(default_factory=list)
    db: list[float] = field(default_factory=list)
    queries: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    procs: Counter = field(default_factory=Counter)

    def result(self, target: Target, seconds: float) -> dict:
        total = len(self.latencies) + sum(self.errors.values())
        return {
            "target": target.name,
            "path": target.path,
            "kind": target.kind,
            "requests": total,
            "ok": len(self.latencies),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "req_per_s": round(total / seconds, 1) if seconds else None,
            "latency_ms": summary(self.latencies),
            "ttfb_ms": summary(self.ttfbs),
            "server_app_ms": summary(self.app, scale=1),
            "server_cpu_ms": summary(self.cpu, scale=1),
            "server_asgi_ms": summary(self.asgi, scale=1),
            "server_db_ms": summary(self.db, scale=1),
            "queries": summary(self.queries, scale=1),
            "requests_per_process": dict(sorted(self.procs.items())),
        }


class Recorder:
    def __init__(self) -> None:
        self.samples: dict[str, Samples] = {}

    def for_target(self, name: str) -> Samples:
        return self.samples.setdefault(name, Samples())


class VirtualUser:
    """One signed-in browser: its own connection (keep-alive), cookies and cache of asset ETags."""

    def __init__(self, client, targets: dict[str, Target]) -> None:
        self.client = client
        self.targets = targets
        self.etags: dict[str, str] = {}

    async def get(self, target: Target, recorder: Recorder | None) -> None:
        headers = {"Accept": "application/json"} if target.kind == "api" else {}
        if target.kind == "asset" and target.path in self.etags:
            headers["If-None-Match"] = self.etags[target.path]
        samples = recorder.for_target(target.name) if recorder else None
        started = time.perf_counter()
        try:
            async with self.client.stream("GET", target.path, headers=headers) as response:
                ttfb = time.perf_counter() - started
                await response.aread()
        except Exception as exc:  # noqa: BLE001 (a failed request is a measured error, whatever it is)
            if samples is not None:
                samples.errors[type(exc).__name__] += 1
            return
        elapsed = time.perf_counter() - started
        if target.kind == "asset" and response.headers.get("ETag"):
            self.etags[target.path] = response.headers["ETag"]
        if samples is None:
            return
        samples.statuses[response.status_code] += 1
        if response.status_code not in OK_STATUSES[target.kind]:
            samples.errors[str(response.status_code)] += 1
            return
        samples.latencies.append(elapsed)
        samples.ttfbs.append(ttfb)
        timing = server_timing(response.headers.get_list("server-timing"))
        for name, values in (
            ("app", samples.app),
            ("cpu", samples.cpu),
            ("asgi", samples.asgi),
            ("db", samples.db),
        ):
            if name in timing:
                values.append(float(timing[name]))
        if "db.desc" in timing:
            samples.queries.append(float(timing["db.desc"]))
        samples.procs[timing.get("proc", "?")] += 1

    async def visit(self, target: Target, recorder: Recorder | None) -> None:
        """A page view: the page, then the assets it loads."""
        await self.get(target, recorder)
        for name in target.assets:
            if name in self.targets:
                await self.get(self.targets[name], recorder)


def _client(url: str, cookie_name: str, key: str):
    import httpx

    return httpx.AsyncClient(base_url=url, cookies={cookie_name: key}, timeout=60, follow_redirects=False)


async def think_time_run(
    servers: Servers,
    sessions: list[tuple[int, str]],
    targets: list[Target],
    *,
    think: tuple[float, float],
    duration: float,
    seed: int,
    cookie_name: str,
) -> dict:
    """Locust-style: each user picks a page or endpoint at random, loads it (with its assets), thinks, again."""
    by_name = {t.name: t for t in targets}
    tasks = [t for t in targets if t.kind != "asset"]
    recorder = Recorder()
    rng = random.Random(seed)
    starts = [rng.uniform(0, think[1]) for _ in sessions]  # users arrive spread over one think time
    seeds = [rng.random() for _ in sessions]

    async def user(index: int, start_at: float) -> None:
        _user_id, key = sessions[index]
        user_rng = random.Random(seeds[index])
        async with _client(servers.url_for(index), cookie_name, key) as client:
            browser = VirtualUser(client, by_name)
            try:
                for target in tasks:  # warm-up: connection, templates, caches; not measured
                    await browser.visit(target, None)
            finally:
                warm[0] += 1
                if warm[0] == len(sessions):
                    all_warm.set()
            await go.wait()
            await asyncio.sleep(start_at)
            while time.perf_counter() < deadline[0]:
                await browser.visit(user_rng.choice(tasks), recorder)
                await asyncio.sleep(user_rng.uniform(*think))

    warm, all_warm, go, deadline = [0], asyncio.Event(), asyncio.Event(), [0.0]
    workers = [asyncio.create_task(user(i, starts[i])) for i in range(len(sessions))]
    await all_warm.wait()
    deadline[0] = time.perf_counter() + duration
    go.set()
    await asyncio.gather(*workers)
    # requests are counted when they start within `duration` seconds
    return {
        "targets": [
            recorder.for_target(t.name).result(t, duration) for t in targets if t.name in recorder.samples
        ],
        "seconds": duration,
    }


async def closed_loop_run(
    target: Target,
    servers: Servers,
    sessions: list[tuple[int, str]],
    by_name: dict[str, Target],
    *,
    requests: int,
    warmup: int,
    cookie_name: str,
) -> dict:
    """No think time: every user sends its next request as soon as the last one is answered."""
    recorder = Recorder()
    remaining = [requests]
    per_user_warmup = max(1, warmup // len(sessions))

    async def user(index: int, measure: bool) -> None:
        _user_id, key = sessions[index]
        async with _client(servers.url_for(index), cookie_name, key) as client:
            browser = VirtualUser(client, by_name)
            if not measure:
                for _ in range(per_user_warmup):
                    await browser.get(target, None)
                return
            await browser.get(target, None)  # the connection (and an asset's ETag) is made before the clock
            await go.wait()
            while remaining[0] > 0:
                remaining[0] -= 1
                await browser.get(target, recorder)

    go = asyncio.Event()
    await asyncio.gather(*(user(i, False) for i in range(len(sessions))))
    workers = [asyncio.create_task(user(i, True)) for i in range(len(sessions))]
    await asyncio.sleep(0.5)
    started = time.perf_counter()
    go.set()
    await asyncio.gather(*workers)
    return recorder.for_target(target.name).result(target, time.perf_counter() - started)


async def websocket_broadcast(
    servers: Servers,
    sessions: list[tuple[int, str]],
    *,
    messages: int,
    rate: float,
    env: dict[str, str],
    cookie_name: str,
) -> dict:
    """Every client joins its user's group ("user.<pk>"); once all are connected, a separate process publishes
    `messages` messages to all those groups, each carrying its send time; latency = receipt time - send time."""
    import websockets

    latencies: list[float] = []
    connect_times: list[float] = []
    received = [0] * len(sessions)
    failures: Counter = Counter()
    connected = asyncio.Event()
    ready = [0]

    async def client(index: int) -> None:
        _user_id, key = sessions[index]
        url = servers.url_for(index)
        headers = {"Origin": url, "Cookie": f"{cookie_name}={key}"}
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
                f"{url.replace('http', 'ws', 1)}/ws/live/",
                additional_headers=headers,
                open_timeout=30,
                max_queue=None,
            ) as socket_:
                connect_times.append(time.perf_counter() - started)
                count_in()
                while received[index] < messages:
                    frame = await asyncio.wait_for(socket_.recv(), timeout=30)
                    now = time.time()
                    try:
                        payload = json.loads(frame)
                    except ValueError:  # HTML: the resync fragments every socket gets when it connects
                        continue
                    if not isinstance(payload, dict) or payload.get("event") != "bench.ping":
                        continue
                    latencies.append(now - payload["data"]["sent"])
                    received[index] += 1
        except (OSError, TimeoutError, websockets.WebSocketException) as exc:
            failures[type(exc).__name__] += 1
            count_in()

    tasks = [asyncio.create_task(client(i)) for i in range(len(sessions))]
    await asyncio.wait_for(connected.wait(), timeout=120)
    await asyncio.sleep(0.5)  # the last sockets' group_add has reached Redis
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
        stdout=asyncio.subprocess.PIPE,
    )
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    output, _ = await publisher.communicate()
    try:
        publish_ms = json.loads(output.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        publish_ms = summary([])
    expected = messages * len(sessions)
    return {
        "clients": len(sessions),
        "groups": len(groups),
        "messages": messages,
        "rate_per_s": rate,
        "expected": expected,
        "received": len(latencies),
        "lost": expected - len(latencies),
        "failures": dict(failures),
        "deliveries_per_s": round(len(latencies) / elapsed, 1) if elapsed else None,
        "connect_ms": summary(connect_times),
        "publish_ms": publish_ms,
        "latency_ms": summary(latencies),
    }


def publish_main(groups: list[str], messages: int, rate: float) -> None:
    """The publisher process: core.live.publish_many outside a transaction (sent at once), `rate` per second,
    each message to every group (one group_send per group, as an announcement to many people does)."""
    import django

    django.setup()
    from core.live import publish_many

    interval = 1 / rate if rate > 0 else 0
    next_at = time.monotonic()
    durations = []
    for seq in range(messages):
        started = time.perf_counter()
        publish_many(groups, event="bench.ping", data={"seq": seq, "sent": time.time()})
        durations.append(time.perf_counter() - started)
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    print(json.dumps(summary(durations)), flush=True)  # how long publish_many took: read by the parent


# --- repeats -----------------------------------------------------------------------------------------------


def median_of(runs: list):
    """The run-by-run median of every number in a list of same-shaped results (dicts, lists of dicts by
    position); anything else is taken from the first run."""
    first = runs[0]
    if isinstance(first, bool) or first is None:
        return first
    if isinstance(first, int | float):
        values = [r for r in runs if isinstance(r, int | float)]
        value = statistics.median(values)
        return round(value, 2) if isinstance(value, float) else value
    if isinstance(first, dict):
        return {key: median_of([r.get(key) for r in runs if isinstance(r, dict)]) for key in first}
    if isinstance(first, list) and all(isinstance(r, list) and len(r) == len(first) for r in runs):
        return [median_of([r[i] for r in runs]) for i in range(len(first))]
    return first


# --- report ------------------------------------------------------------------------------------------------


def fmt(value) -> str:
    return "-" if value is None else f"{value:g}"


def print_http(title: str, rows: list[dict], cpu: dict | None) -> None:
    print(title)
    print(
        f"{'target':<18} {'reqs':>6} {'err':>4} {'req/s':>6} | {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6} | "
        f"{'app50':>6} {'app95':>6} {'cpu50':>6} {'cpu95':>6} {'db50':>5} {'qry':>4}   (ms)"
    )
    for row in rows:
        lat, app, cpu_ms = row["latency_ms"], row["server_app_ms"], row["server_cpu_ms"]
        print(
            f"{row['target']:<18} {fmt(row['requests']):>6} {fmt(row['errors']):>4} {fmt(row['req_per_s']):>6} | "
            f"{fmt(lat['p50']):>6} {fmt(lat['p95']):>6} {fmt(lat['p99']):>6} {fmt(lat['max']):>6} | "
            f"{fmt(app['p50']):>6} {fmt(app['p95']):>6} {fmt(cpu_ms['p50']):>6} {fmt(cpu_ms['p95']):>6} "
            f"{fmt(row['server_db_ms']['p50']):>5} {fmt(row['queries']['p50']):>4}"
        )
    if cpu:
        print(cpu_line(cpu))


def cpu_line(cpu: dict) -> str:
    return (
        f"  CPU (cores of {fmt(cpu['cores'])}): machine {fmt(cpu['machine_busy'])}, servers {fmt(cpu['servers'])}, "
        f"load client {fmt(cpu['client'])}, postgres+redis {fmt(cpu['postgres_redis'])}, other {fmt(cpu['other'])}; "
        f"load average {fmt(cpu['load_before'])} -> {fmt(cpu['load_after'])}; machine busy before the run "
        f"{fmt(cpu.get('busy_before'))}"
    )


def runs_line(phase: dict, p95_of) -> str:
    """The p95 of every run (the median shown is over these) and how many busy runs were discarded."""
    p95s = ", ".join("/".join(fmt(v) for v in p95_of(run)) for run in phase["runs"])
    return f"  p95 per run: {p95s}; busy runs discarded and rerun: {len(phase.get('discarded', []))}"


def print_table(report: dict) -> None:
    meta = report["meta"]
    print()
    print(
        f"{meta['users']} users, {meta['web_procs']} daphne process(es) (listen={meta['listen']}), scale "
        f"{meta['scale']}, {meta['cpus']} CPUs; median of {meta['repeat']} run(s); channel layer "
        f"{meta['channel_layer']}"
    )

    def http_p95s(run: dict) -> list:
        return [row["latency_ms"]["p95"] for row in run["targets"]]

    for key, title in (
        (
            "think_time",
            f"Think-time model (target): think {meta['think_s'][0]:g}-{meta['think_s'][1]:g} s, "
            f"{meta['duration_s']:g} s per run, pages load their assets",
        ),
        (
            "saturation",
            f"Saturation (closed loop, no think time): {meta['saturation_requests']} requests per target",
        ),
    ):
        phase = report.get(key)
        if phase:
            print()
            print_http(title, phase["median"]["targets"], phase["median"]["cpu"])
            print(runs_line(phase, http_p95s))
    ws = report.get("websocket")
    if ws:
        med = ws["median"]
        lat = med["latency_ms"]
        print()
        print(
            f"Websocket broadcast: {med['clients']} clients in {med['groups']} user groups, {med['messages']} "
            f"messages at {fmt(med['rate_per_s'])}/s"
        )
        print(
            f"  received {fmt(med['received'])}/{fmt(med['expected'])} (lost {fmt(med['lost'])}); publish-to-receipt "
            f"ms p50 {fmt(lat['p50'])} p95 {fmt(lat['p95'])} p99 {fmt(lat['p99'])} max {fmt(lat['max'])}; "
            f"connect p50 {fmt(med['connect_ms']['p50'])} ms (not included)"
        )
        pub = med["publish_ms"]
        print(
            f"  publish_many() to all {med['groups']} groups took ms p50 {fmt(pub['p50'])} p95 {fmt(pub['p95'])} "
            f"max {fmt(pub['max'])}"
        )
        print(cpu_line(med["cpu"]))
        print(runs_line(ws, lambda run: [run["latency_ms"]["p95"]]))
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


def parse_think(value: str) -> tuple[float, float]:
    parts = [float(p) for p in value.split(",")]
    if len(parts) == 1:
        parts *= 2
    if len(parts) != 2 or parts[0] < 0 or parts[1] < parts[0]:
        raise argparse.ArgumentTypeError("--think takes MIN,MAX seconds (or one number; 0 = closed loop)")
    return parts[0], parts[1]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, default=1, help="seed_demo --scale (default 1)")
    parser.add_argument("--users", type=int, default=20, help="concurrent signed-in users (default 20)")
    parser.add_argument(
        "--think",
        type=parse_think,
        default=(0.5, 1.5),
        help="think time MIN,MAX seconds, uniform (default 0.5,1.5; 0 = closed loop)",
    )
    parser.add_argument(
        "--duration", type=float, default=60, help="seconds of the think-time run (default 60)"
    )
    parser.add_argument(
        "--saturation-requests",
        type=int,
        default=300,
        help="requests per target in the closed-loop saturation run (default 300)",
    )
    parser.add_argument("--warmup", type=int, default=40, help="unmeasured requests per target first")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; medians shown (3)")
    parser.add_argument(
        "--web-procs",
        type=int,
        default=os.cpu_count() or 1,
        help="daphne processes (default: one per core)",
    )
    parser.add_argument(
        "--listen",
        choices=["ports", "reuseport", "shared"],
        default="ports",
        help="how the processes share the load: one port each, users spread round-robin over them as a proxy "
        "would (default); one SO_REUSEPORT socket each (the kernel hashes connections); one shared socket",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=None,
        metavar="CORES",
        help="before each run, wait (up to --wait-max s) until the rest of the machine uses at most CORES",
    )
    parser.add_argument("--wait-max", type=float, default=600, help="longest wait for --wait-quiet (600 s)")
    parser.add_argument(
        "--max-other",
        type=float,
        default=None,
        metavar="CORES",
        help="run again a run during which the rest of the machine used more than CORES (see --retries)",
    )
    parser.add_argument("--retries", type=int, default=4, help="reruns of a busy run at most (default 4)")
    parser.add_argument(
        "--targets", default="", help=f"comma-separated subset of: {', '.join(t.name for t in TARGETS)}"
    )
    parser.add_argument("--ws-clients", type=int, default=50, help="websocket clients (default 50)")
    parser.add_argument("--ws-messages", type=int, default=100, help="messages published (default 100)")
    parser.add_argument(
        "--ws-rate", type=float, default=20, help="messages published per second (default 20)"
    )
    parser.add_argument(
        "--channel-layer",
        choices=["core", "pubsub"],
        default="core",
        help="channels_redis layer: the project's RedisChannelLayer (core) or RedisPubSubChannelLayer",
    )
    parser.add_argument("--no-think", action="store_true", help="skip the think-time run")
    parser.add_argument("--no-saturation", action="store_true", help="skip the closed-loop saturation run")
    parser.add_argument("--no-websocket", action="store_true", help="skip the websocket broadcast test")
    parser.add_argument("--only-websocket", action="store_true", help="only the websocket broadcast test")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the virtual users' choices")
    parser.add_argument("--reuse-db", action="store_true", help=f"keep an existing {DB_NAME} (no re-seed)")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"JSON results (default {RESULTS})")
    parser.add_argument("--publish", default=None, help=argparse.SUPPRESS)  # internal: the publisher process
    args = parser.parse_args(argv)
    if args.only_websocket:
        args.no_think = args.no_saturation = True
    return args


def run_phases(args, servers: Servers, env: dict[str, str], targets: list[Target], report: dict) -> None:
    from django.conf import settings

    cookie = settings.SESSION_COOKIE_NAME
    by_name = {t.name: t for t in targets}
    http_sessions = sessions_for(args.users)
    runs: dict[str, list] = {"think_time": [], "saturation": [], "websocket": []}
    discarded: dict[str, list] = {name: [] for name in runs}

    def measure(phase: str, label: str, make_run) -> dict:
        """One run, with the CPU accounting; rerun (up to --retries times) while other work on the machine used
        more than --max-other cores during it. Discarded runs are kept in the JSON."""
        for attempt in range(args.retries + 1):
            busy_before = wait_until_quiet(args.wait_quiet, args.wait_max)
            log(label + (f" (retry {attempt})" if attempt else ""))
            with CpuMeter(servers.pids) as cpu:
                result = asyncio.run(make_run())
            result["cpu"] = {**cpu.result, "busy_before": busy_before}
            busy = args.max_other is not None and cpu.result["other"] > args.max_other
            if not busy or attempt == args.retries:
                return result
            log(f"  others used {cpu.result['other']} cores meanwhile (> {args.max_other:g}): run again")
            discarded[phase].append(result)
        raise AssertionError("unreachable")

    for run in range(args.repeat):
        step = f"run {run + 1}/{args.repeat}"
        if not args.no_think:
            runs["think_time"].append(
                measure(
                    "think_time",
                    f"{step}: think-time model, {args.duration:g} s",
                    lambda run=run: think_time_run(
                        servers,
                        http_sessions,
                        targets,
                        think=args.think,
                        duration=args.duration,
                        seed=args.seed + run,
                        cookie_name=cookie,
                    ),
                )
            )
        if not args.no_saturation:
            rows = [
                measure(
                    "saturation",
                    f"{step}: saturation, {target.name} ({target.path})",
                    lambda target=target: closed_loop_run(
                        target,
                        servers,
                        http_sessions,
                        by_name,
                        requests=args.saturation_requests,
                        warmup=args.warmup,
                        cookie_name=cookie,
                    ),
                )
                for target in targets
            ]
            runs["saturation"].append({"targets": rows, "cpu": median_of([row["cpu"] for row in rows])})
        if not args.no_websocket:
            runs["websocket"].append(
                measure(
                    "websocket",
                    f"{step}: websocket broadcast, {args.ws_clients} clients",
                    lambda: websocket_broadcast(
                        servers,
                        sessions_for(args.ws_clients),
                        messages=args.ws_messages,
                        rate=args.ws_rate,
                        env=env,
                        cookie_name=cookie,
                    ),
                )
            )
    for name, phase_runs in runs.items():
        if phase_runs:
            report[name] = {"median": median_of(phase_runs), "runs": phase_runs, "discarded": discarded[name]}


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
    servers: Servers | None = None
    try:
        env = bench_env(services, channel_layer=args.channel_layer)
        prepare_database(env, scale=args.scale, reuse=args.reuse_db)
        collect_static(env)
        django_setup(env)
        servers = start_servers(args.web_procs, env, listen=args.listen)
        report: dict = {
            "meta": {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "commit": git_commit(),
                "scale": args.scale,
                "users": args.users,
                "think_s": list(args.think),
                "duration_s": args.duration,
                "saturation_requests": args.saturation_requests,
                "repeat": args.repeat,
                "web_procs": args.web_procs,
                "listen": args.listen,
                "server": servers.command,
                "settings": env["DJANGO_SETTINGS_MODULE"],
                "channel_layer": args.channel_layer,
                "ws_clients": 0 if args.no_websocket else args.ws_clients,
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "load_average_at_start": [round(v, 2) for v in os.getloadavg()],
            },
        }
        run_phases(args, servers, env, targets, report)
    finally:
        stop_servers(servers)
        devservices.stop(services.get("DEVSERVICES_STARTED", "").split())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    log(f"results: {args.output}")


if __name__ == "__main__":
    main()
