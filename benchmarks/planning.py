"""Planning benchmark at agency scale: a board of 500 tasks, the calendar feed of its densest month (~2,000
items), the board move endpoint under 20 concurrent users, then move → visible in a second browser.

    uv run python benchmarks/planning.py                      # seed (20,000 tasks, 5,000 events…), then measure
    uv run python benchmarks/planning.py --reuse-db --duration 20 --repeat 1     # a quick look on the seeded DB
    uv run python benchmarks/planning.py --reuse-db --profile --no-browser --repeat 0   # where the time goes

It reuses benchmarks/load.py's machinery (services, production settings with Server-Timing, N daphne processes,
CPU accounting) and benchmarks/crm.py's signed-in users, VACUUM and second browser. Steps:

1. the database `mona_spark_bench_planning` is recreated, migrated and seeded with `seed_demo --scale S` (the
   Planning step turns --scale 100 into 50 boards, 20,000 tasks — one "Benchmark board" of exactly 500 — and
   5,000 events), then `VACUUM (ANALYZE)`;
2. the think-time model: --users virtual users (Viewers reading, Managers with 2FA also moving cards), each
   picking a target at random, thinking 0.5-1.5 s, for --duration s. Targets: `board` (the page of the
   "Benchmark board"), `calendar` (the feed JSON of the month with the most tasks and events, all sources, as
   the calendar page asks for it), `move` (POST to the shared board move endpoint: a random task of that board
   to a random column, at the top). Latency is measured by the client; the server's own time comes from its
   Server-Timing header (`app`: middleware + view, `cpu`, `db`);
3. move → second browser: Chromium (Playwright) opens the board as a Viewer; --moves times, a Manager moves a
   card that browser shows to a column without a WIP limit, and the time from just before the POST to the moment
   the card is in its new column in that browser's DOM (MutationObserver) is recorded;
4. --profile: each target run in-process (the Django test client, the same settings) --profile-runs times: its
   queries with their time, and the functions that took the CPU (cProfile).

Figures: a table on stdout, JSON in benchmarks/results/planning.json (git-ignored).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import crm as crm_bench  # noqa: E402
from benchmarks import load  # noqa: E402

load.DB_NAME = "mona_spark_bench_planning"  # after importing crm_bench, which names its own
RESULTS = ROOT / "benchmarks" / "results" / "planning.json"
CSRF = crm_bench.CSRF
BOARD_KEY = "planning.kanban"
BENCHMARK_BOARD = "Benchmark board"
ZONE = "Europe/Paris"


# --- what to ask for -----------------------------------------------------------------------------------------


def densest_month() -> tuple[datetime, datetime, int]:
    """The calendar month (Paris) holding the most dated tasks and events, its bounds and that count (recurring
    events counted once: the feed expands them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT month, sum(n) FROM (
                SELECT date_trunc('month', due_at AT TIME ZONE %s) AS month, count(*) AS n
                FROM planning_task WHERE due_at IS NOT NULL GROUP BY 1
                UNION ALL
                SELECT date_trunc('month', starts_at AT TIME ZONE %s), count(*) FROM planning_event GROUP BY 1
            ) AS counts GROUP BY month ORDER BY 2 DESC, 1 LIMIT 1
            """,
            [ZONE, ZONE],
        )
        month, count = cursor.fetchone()
    first = month.date()
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following, int(count)


def plan() -> dict:
    """Ids and URLs the virtual users draw from, read once from the seeded database."""
    import zoneinfo

    from django.urls import reverse

    from planning.models import Board, Event, Task

    board = Board.objects.filter(name=BENCHMARK_BOARD).order_by("pk").first()
    if board is None:
        raise SystemExit(f'no "{BENCHMARK_BOARD}": seed with --scale 10 or more (100 for the figures)')
    columns = list(board.columns.order_by("position", "pk"))
    first, following, dated = densest_month()
    zone = zoneinfo.ZoneInfo(ZONE)
    bounds = {
        "start": datetime.combine(first, datetime.min.time(), tzinfo=zone).isoformat(),
        "end": datetime.combine(following, datetime.min.time(), tzinfo=zone).isoformat(),
    }
    return {
        "board": reverse("planning:board", args=[board.pk]),
        "board_pk": board.pk,
        "columns": [c.pk for c in columns],
        # the second browser moves cards only where no WIP limit can refuse them
        "open_stages": [c.pk for c in columns if c.wip_limit is None],
        "tasks": list(board.tasks.values_list("pk", flat=True)),
        "calendar": reverse("planning:calendar-feed") + "?" + urlencode(bounds),
        "month": first.isoformat()[:7],
        "move": f"/api/boards/{BOARD_KEY}/{board.pk}/move/",
        "counts": {
            "boards": Board.objects.count(),
            "tasks": Task.objects.count(),
            "events": Event.objects.count(),
            "board_tasks": board.tasks.count(),
            "month_dated_tasks_and_events": dated,
        },
    }


class Requests:
    def __init__(self, the_plan: dict, rng: random.Random) -> None:
        self.plan, self.rng = the_plan, rng

    def board(self):
        return "GET", self.plan["board"], None

    def calendar(self):
        return "GET", self.plan["calendar"], None

    def move(self):
        body = {"card": self.rng.choice(self.plan["tasks"]), "column": self.rng.choice(self.plan["columns"])}
        return "POST", self.plan["move"], body


READS = ("board", "calendar")


def feed_items(base: str, the_plan: dict, viewer_key: str, cookie: str) -> int:
    """How many items the month's feed answers to a Viewer (all sources)."""
    import httpx

    response = httpx.get(base + the_plan["calendar"], cookies={cookie: viewer_key}, timeout=60)
    response.raise_for_status()
    return len(response.json())


# --- the think-time model ------------------------------------------------------------------------------------


async def think_time(servers, viewers, managers, the_plan, *, duration, think, seed, cookie, targets) -> dict:
    import httpx

    recorder = load.Recorder()
    rng = random.Random(seed)
    reads = tuple(name for name in READS if name in targets)
    moves = ("move", "move") if "move" in targets else ()
    users = [(key, reads) for key in viewers if reads] + [(key, (*reads, *moves)) for key in managers]

    async def one(client, requests: Requests, name: str, measure: bool) -> None:
        method, path, body = getattr(requests, name)()
        samples = recorder.for_target(name) if measure else None
        headers = {"X-CSRFToken": CSRF, "Accept": "application/json"} if method == "POST" else {}
        started = time.perf_counter()
        try:
            response = await client.request(method, path, json=body, headers=headers)
        except httpx.HTTPError as exc:
            if samples is not None:
                samples.errors[type(exc).__name__] += 1
            return
        elapsed = time.perf_counter() - started
        if samples is None:
            return
        samples.statuses[response.status_code] += 1
        # a move may be refused (a full column, a stale anchor): a 4xx answer is still work
        if response.status_code >= 500 or (method == "GET" and response.status_code != 200):
            samples.errors[str(response.status_code)] += 1
            return
        samples.latencies.append(elapsed)
        timing = load.server_timing(response.headers.get_list("server-timing"))
        for key, values in (("app", samples.app), ("cpu", samples.cpu), ("db", samples.db)):
            if key in timing:
                values.append(float(timing[key]))
        if "db.desc" in timing:
            samples.queries.append(float(timing["db.desc"]))

    async def user(index: int, key: str, names: tuple[str, ...]) -> None:
        user_rng = random.Random(rng.random())
        requests = Requests(the_plan, user_rng)
        cookies = {cookie: key, "csrftoken": CSRF}
        async with httpx.AsyncClient(base_url=servers.url_for(index), cookies=cookies, timeout=60) as client:
            for name in names:  # warm-up
                await one(client, requests, name, False)
            await go.wait()
            await asyncio.sleep(user_rng.uniform(0, think[1]))
            while time.perf_counter() < deadline[0]:
                await one(client, requests, user_rng.choice(names), True)
                await asyncio.sleep(user_rng.uniform(*think))

    go, deadline = asyncio.Event(), [0.0]
    tasks = [asyncio.create_task(user(i, key, names)) for i, (key, names) in enumerate(users)]
    await asyncio.sleep(5)  # warm-ups
    deadline[0] = time.perf_counter() + duration
    go.set()
    await asyncio.gather(*tasks)
    measured = [load.Target(name, "") for name in (*READS, "move")]
    return {
        "targets": [
            recorder.for_target(t.name).result(t, duration) for t in measured if t.name in recorder.samples
        ],
        "seconds": duration,
    }


# --- where the time goes -------------------------------------------------------------------------------------


def profile(the_plan: dict, viewer_key: str, manager_key: str, cookie: str, *, runs: int) -> dict:
    """Each target in-process: the median wall time, its queries (the slowest first) and cProfile's top functions."""
    import cProfile
    import io
    import pstats
    import statistics

    from django.db import connection
    from django.test import Client

    class Queries:  # every query with its time (Django's request_started resets connection.queries)
        def __init__(self) -> None:
            self.captured: list[dict] = []

        def __call__(self, execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                self.captured.append({"sql": sql, "ms": (time.perf_counter() - started) * 1000})

    report = {}
    rng = random.Random(3)
    for name, key in (("board", viewer_key), ("calendar", viewer_key), ("move", manager_key)):
        client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=False)
        client.cookies[cookie] = key
        requests = Requests(the_plan, rng)

        def call(name=name, client=client, requests=requests):
            method, path, body = getattr(requests, name)()
            if method == "GET":
                return client.get(path)
            return client.post(path, data=json.dumps(body), content_type="application/json")

        call()  # warm
        walls = []
        for _ in range(runs):
            started = time.perf_counter()
            response = call()
            walls.append((time.perf_counter() - started) * 1000)
        queries = Queries()
        with connection.execute_wrapper(queries):
            response = call()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(runs):
            call()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
        tottime = io.StringIO()
        pstats.Stats(profiler, stream=tottime).sort_stats("tottime").print_stats(25)
        slowest = sorted(queries.captured, key=lambda q: -q["ms"])
        report[name] = {
            "status": response.status_code,
            "bytes": len(response.content),
            "wall_ms_median": round(statistics.median(walls), 1),
            "queries": len(queries.captured),
            "sql_ms": round(sum(q["ms"] for q in queries.captured), 1),
            "slowest_queries": [{"ms": round(q["ms"], 2), "sql": q["sql"][:1500]} for q in slowest[:8]],
            "all_queries": [f"{q['ms']:.2f} ms  {q['sql'][:160]}" for q in queries.captured],
            "cumulative": out.getvalue(),
            "tottime": tottime.getvalue(),
        }
    return report


def print_profile(report: dict) -> None:
    for name, row in report.items():
        print(
            f"\n=== {name}: HTTP {row['status']}, {row['bytes']} bytes, wall {row['wall_ms_median']} ms (median, "
            f"in-process), {row['queries']} queries, SQL {row['sql_ms']} ms"
        )
        for query in row["slowest_queries"][:5]:
            print(f"  {query['ms']:>7} ms  {query['sql'][:300]}")
        print("\n".join(row["tottime"].splitlines()[:40]))
        print("\n".join(row["cumulative"].splitlines()[:50]))


# --- main ----------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=int, default=100, help="seed_demo --scale (default 100: agency scale)"
    )
    parser.add_argument("--users", type=int, default=20, help="concurrent users (default 20)")
    parser.add_argument("--managers", type=int, default=4, help="of which Managers who also move cards (4)")
    parser.add_argument("--duration", type=float, default=60, help="seconds per think-time run (60)")
    parser.add_argument("--think", type=load.parse_think, default=(0.5, 1.5), help="think time MIN,MAX s")
    parser.add_argument("--repeat", type=int, default=3, help="think-time runs; medians shown (3; 0: none)")
    parser.add_argument(
        "--targets",
        type=lambda value: tuple(v for v in value.split(",") if v),
        default=(*READS, "move"),
        help="what the users ask for, of board,calendar,move (default: all three)",
    )
    parser.add_argument("--moves", type=int, default=60, help="moves watched by the second browser (60)")
    parser.add_argument("--web-procs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--reuse-db", action="store_true", help=f"keep an existing {load.DB_NAME}")
    parser.add_argument("--no-browser", action="store_true", help="skip move → second browser")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=None,
        metavar="CORES",
        help="before each run, wait (up to 5 min) until the rest of the machine uses less than CORES",
    )
    parser.add_argument("--profile", action="store_true", help="profile each target in-process")
    parser.add_argument(
        "--profile-runs", type=int, default=10, help="requests per target when profiling (10)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    devservices = load.load_devservices()
    services = devservices.ensure("test")
    servers = None
    runs: list[dict] = []
    try:
        env = load.bench_env(services, channel_layer="core")
        seeded = time.perf_counter()
        load.prepare_database(env, scale=args.scale, reuse=args.reuse_db)
        crm_bench.vacuum(env)
        seed_seconds = round(time.perf_counter() - seeded, 1)
        load.collect_static(env)
        load.django_setup(env)
        from django.conf import settings

        cookie = settings.SESSION_COOKIE_NAME
        the_plan = plan()
        load.log(f"ready in {seed_seconds} s: {the_plan['counts']}, calendar month {the_plan['month']}")
        viewers, managers = crm_bench.bench_users(args.users - args.managers, args.managers)
        report: dict = {
            "meta": {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "commit": load.git_commit(),
                "scale": args.scale,
                "seed_seconds": None if args.reuse_db else seed_seconds,
                "counts": the_plan["counts"],
                "month": the_plan["month"],
                "users": args.users,
                "managers": args.managers,
                "targets": list(args.targets),
                "web_procs": args.web_procs,
                "cpus": os.cpu_count(),
            }
        }
        if args.profile:
            load.log(f"profiling in-process, {args.profile_runs} requests per target")
            report["profile"] = profile(the_plan, viewers[0], managers[0], cookie, runs=args.profile_runs)
        if args.repeat or not args.no_browser:
            servers = load.start_servers(args.web_procs, env, listen="ports")
            report["meta"]["counts"]["feed_items"] = feed_items(
                servers.url_for(0), the_plan, viewers[0], cookie
            )
            load.log(f"the month's feed holds {report['meta']['counts']['feed_items']} items")
        for run in range(args.repeat):
            if args.wait_quiet is not None:
                load.wait_until_quiet(args.wait_quiet, 300)
            load.log(f"run {run + 1}/{args.repeat}: think-time model, {args.duration:g} s")
            with load.CpuMeter(servers.pids) as cpu:
                result = asyncio.run(
                    think_time(
                        servers,
                        viewers,
                        managers,
                        the_plan,
                        duration=args.duration,
                        think=args.think,
                        seed=run + 1,
                        cookie=cookie,
                        targets=args.targets,
                    )
                )
            result["cpu"] = cpu.result
            runs.append(result)
        report["think_time"] = {"median": load.median_of(runs), "runs": runs} if runs else None
        if not args.no_browser:
            load.log(f"move → second browser, {args.moves} moves")
            report["second_browser"] = crm_bench.second_browser(
                servers, viewers[0], managers[0], the_plan, moves=args.moves, cookie=cookie
            )
    finally:
        load.stop_servers(servers)
        devservices.stop(services.get("DEVSERVICES_STARTED", "").split())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    meta = report["meta"]
    print()
    print(
        f"{meta['users']} users ({meta['managers']} moving cards), {meta['web_procs']} daphne, {meta['counts']}, "
        f"calendar month {meta['month']}"
    )
    if "profile" in report:
        print_profile(report["profile"])
    if runs:
        load.print_http(
            f"Think-time model, median of {args.repeat} x {args.duration:g} s",
            report["think_time"]["median"]["targets"],
            report["think_time"]["median"]["cpu"],
        )
        print(
            "\np95 per run: "
            + "; ".join(
                ", ".join(f"{row['target']} {row['latency_ms']['p95']}" for row in run["targets"])
                for run in runs
            )
        )
    if "second_browser" in report:
        sb = report["second_browser"]
        lat = sb["latency_ms"]
        print(
            f"\nMove → visible in a second browser ({sb['moves']} moves, {sb['missed']} missed): p50 {lat['p50']} "
            f"p95 {lat['p95']} max {lat['max']} ms"
        )
    load.log(f"results: {args.output}")


if __name__ == "__main__":
    main()
