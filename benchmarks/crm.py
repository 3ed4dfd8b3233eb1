"""CRM benchmark at agency scale: the pipeline board, the filtered artist list, artist detail pages, the move
endpoint and the sponsor match list under 20 concurrent users, then move → visible in a second browser.

    uv run python benchmarks/crm.py                       # seed (about 10,000 artists…), then measure
    uv run python benchmarks/crm.py --reuse-db --duration 20 --repeat 1     # a quick look on the seeded DB

It reuses benchmarks/load.py's machinery (services, production settings with Server-Timing, N daphne
processes, CPU accounting). Steps:

1. the database `mona_spark_bench_crm` is recreated, migrated and seeded with `seed_demo --scale S` (the CRM's
   seed step turns the scale into about 10,000 artists, 2,000 sponsors, 20,000 deals and 100,000 interactions at
   the default --scale; the counts are printed);
2. the think-time model: --users virtual users (Viewers reading, Managers with 2FA moving cards), each picking a
   target at random, thinking 0.5-1.5 s, for --duration s. Targets: `board` (the pipeline with the most open
   deals), `artists-filtered` (status + genre + sort by score), `artist-detail` (a random artist), `matches` (a
   random sponsor's ranked artists), `move` (POST to the shared board move endpoint: a random open deal to a
   random open stage, after a random card of that stage). Latency is measured by the client; the server's own
   time comes from its Server-Timing header (`app`: middleware + view);
3. move → second browser: Chromium (Playwright, /usr/bin/chromium) opens the board as a Viewer; --moves times,
   a Manager moves a card that browser shows, and the time from just before the POST to the moment the card is
   in its new column in that browser's DOM (MutationObserver) is recorded.

Figures: a table on stdout, JSON in benchmarks/results/crm.json (git-ignored).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402

load.DB_NAME = "mona_spark_bench_crm"
RESULTS = ROOT / "benchmarks" / "results" / "crm.json"
CSRF = "benchcsrfbenchcsrfbenchcsrfbench"  # 32 characters: a valid unmasked CSRF secret (cookie = header)
BOARD_KEY = "crm.pipeline"


def vacuum(env: dict[str, str]) -> None:
    """VACUUM (ANALYZE) after the bulk seed, as autovacuum would do on a live database: without it PostgreSQL has
    no statistics on the many-to-many tables and no visibility map, so no index-only scan (and slow plans)."""
    import psycopg

    load.log("VACUUM (ANALYZE)")
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


# --- what to ask for -----------------------------------------------------------------------------------------


def plan() -> dict:
    """Ids the virtual users draw from, read once from the seeded database."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from crm.models import Artist, Deal, Genre, Pipeline, Sponsor, Stage

    pipeline = (
        Pipeline.objects.annotate(open=Count("deals", filter=Q(deals__stage__outcome=Stage.Outcome.OPEN)))
        .order_by("-open")
        .first()
    )
    open_stages = list(pipeline.stages.filter(outcome=Stage.Outcome.OPEN).values_list("pk", flat=True))
    genre = Genre.objects.annotate(n=Count("artists")).order_by("-n").first()
    counts = {
        "artists": Artist.objects.count(),
        "sponsors": Sponsor.objects.count(),
        "deals": Deal.objects.count(),
        "open_deals_on_board": Deal.objects.filter(
            pipeline=pipeline, stage__outcome=Stage.Outcome.OPEN
        ).count(),
        "interactions": __import__("crm.models", fromlist=["Interaction"]).Interaction.objects.count(),
    }
    return {
        "board": reverse("crm:pipeline-board", args=[pipeline.pk]),
        "pipeline": pipeline.pk,
        "open_stages": open_stages,
        "deals": list(
            Deal.objects.filter(pipeline=pipeline, stage__outcome=Stage.Outcome.OPEN).values_list(
                "pk", flat=True
            )
        ),
        "artists_filtered": reverse("crm:artist-list")
        + f"?status=signed&genre={genre.slug}&score_min=20&sort=-score",
        "artists": list(Artist.objects.values_list("pk", flat=True)[:2000]),
        "artist_detail": reverse("crm:artist-detail", args=[0]).replace("/0/", "/{}/"),
        "sponsors": list(Sponsor.objects.values_list("pk", flat=True)[:500]),
        "matches": reverse("crm:sponsor-matches", args=[0]).replace("/0/", "/{}/"),
        "move": f"/api/boards/{BOARD_KEY}/{pipeline.pk}/move/",
        "counts": counts,
    }


def bench_users(viewers: int, managers: int) -> tuple[list[str], list[str]]:
    """Session keys for Viewers and for Managers with 2FA on (the move endpoint is theirs)."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Group

    from accounts.models import User
    from tests.harness.sessions import create_session

    def ensure(role: str, index: int) -> User:
        user, _ = User.objects.get_or_create(
            email=f"bench-{role.lower()}-{index}@mona-spark.test",
            defaults={"first_name": "Bench", "last_name": role},
        )
        user.groups.set([Group.objects.get(name=role)])
        if role == "Manager":
            Authenticator.objects.get_or_create(
                user=user, type=Authenticator.Type.TOTP, defaults={"data": {}}
            )
        return user

    return (
        [create_session(ensure("Viewer", i)) for i in range(viewers)],
        [create_session(ensure("Manager", i)) for i in range(managers)],
    )


# --- the think-time model ------------------------------------------------------------------------------------


class Requests:
    def __init__(self, the_plan: dict, rng: random.Random) -> None:
        self.plan, self.rng = the_plan, rng

    def board(self):
        return "GET", self.plan["board"], None

    def artists_filtered(self):
        return "GET", self.plan["artists_filtered"], None

    def artist_detail(self):
        return "GET", self.plan["artist_detail"].format(self.rng.choice(self.plan["artists"])), None

    def matches(self):
        return "GET", self.plan["matches"].format(self.rng.choice(self.plan["sponsors"])), None

    def move(self):
        body = {
            "card": self.rng.choice(self.plan["deals"]),
            "column": self.rng.choice(self.plan["open_stages"]),
        }
        return "POST", self.plan["move"], body


READS = ("board", "artists_filtered", "artist_detail", "matches")


async def think_time(servers, viewers, managers, the_plan, *, duration, think, seed, cookie) -> dict:
    import httpx

    recorder = load.Recorder()
    rng = random.Random(seed)
    users = [(key, READS) for key in viewers] + [(key, (*READS, "move", "move")) for key in managers]

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
        # a move may be refused for a stale anchor or a Lost stage without a reason: a 4xx answer is still work
        if response.status_code >= 500 or (method == "GET" and response.status_code != 200):
            samples.errors[str(response.status_code)] += 1
            return
        samples.latencies.append(elapsed)
        timing = load.server_timing(response.headers.get_list("server-timing"))
        if "app" in timing:
            samples.app.append(float(timing["app"]))
        if "cpu" in timing:
            samples.cpu.append(float(timing["cpu"]))
        if "db" in timing:
            samples.db.append(float(timing["db"]))
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
    await asyncio.sleep(3)  # warm-ups
    deadline[0] = time.perf_counter() + duration
    go.set()
    await asyncio.gather(*tasks)
    targets = [load.Target(name, "") for name in (*READS, "move")]
    return {
        "targets": [
            recorder.for_target(t.name).result(t, duration) for t in targets if t.name in recorder.samples
        ],
        "seconds": duration,
    }


# --- move → second browser -----------------------------------------------------------------------------------

# Stored on window, not returned: Playwright's evaluate would wait for a returned promise before the move is sent.
WAIT_FOR_MOVE = """([card, column]) => { window.__benchSeen = new Promise((resolve) => {
  const done = () => {
    const el = document.querySelector(`[data-board-column="${column}"] [data-card="${card}"]`);
    if (el) { observer.disconnect(); resolve(performance.timeOrigin + performance.now()); return true; }
    return false;
  };
  const observer = new MutationObserver(done);
  observer.observe(document.querySelector("[data-board]"), {childList: true, subtree: true});
  setTimeout(() => { observer.disconnect(); resolve(null); }, 5000);
}); }"""


def second_browser(
    servers, viewer_key: str, manager_key: str, the_plan: dict, *, moves: int, cookie: str
) -> dict:
    import httpx
    from playwright.sync_api import sync_playwright

    base = servers.url_for(0)
    latencies, missed = [], 0
    rng = random.Random(7)
    with (
        sync_playwright() as p,
        httpx.Client(base_url=base, cookies={cookie: manager_key, "csrftoken": CSRF}) as api,
    ):
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1366, "height": 860})
        host = base.split("//", 1)[1].split(":")[0]
        context.add_cookies([{"name": cookie, "value": viewer_key, "domain": host, "path": "/"}])
        page = context.new_page()
        if os.environ.get("BENCH_DEBUG"):
            page.on("console", lambda msg: load.log(f"  console: {msg.text}"))
            page.on(
                "websocket",
                lambda ws: (
                    load.log(f"  ws {ws.url}"),
                    ws.on("framereceived", lambda f: load.log(f"  frame {str(f)[:160]}")),
                ),
            )
        page.goto(base + the_plan["board"])
        page.wait_for_selector("#live-status[data-state=connected]", state="attached", timeout=15000)
        for _ in range(moves):
            cards = page.eval_on_selector_all(
                "[data-board-column] [data-card]",
                "els => els.map(e => "
                "[+e.dataset.card, +e.closest('[data-board-column]').dataset.boardColumn])",
            )
            card, current = rng.choice(cards)
            column = rng.choice([c for c in the_plan["open_stages"] if c != current])
            page.evaluate(WAIT_FOR_MOVE, [card, column])
            sent = time.time() * 1000
            response = api.post(
                the_plan["move"],
                json={"card": card, "column": column},
                headers={"X-CSRFToken": CSRF, "Accept": "application/json"},
            )
            seen = page.evaluate("window.__benchSeen")
            if response.status_code != 200 or seen is None:
                missed += 1
                if missed <= 3:
                    load.log(
                        f"  move of card {card} to {column}: HTTP {response.status_code} {response.text[:200]!r}, "
                        f"seen in the browser: {seen is not None}"
                    )
                continue
            latencies.append((seen - sent) / 1000)
            time.sleep(0.2)
        browser.close()
    return {"moves": moves, "missed": missed, "latency_ms": load.summary(latencies)}


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
    parser.add_argument("--repeat", type=int, default=3, help="think-time runs; medians shown (3)")
    parser.add_argument("--moves", type=int, default=60, help="moves watched by the second browser (60)")
    parser.add_argument("--web-procs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--reuse-db", action="store_true", help=f"keep an existing {load.DB_NAME}")
    parser.add_argument("--no-browser", action="store_true", help="skip move → second browser")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    devservices = load.load_devservices()
    services = devservices.ensure("test")
    servers = None
    try:
        env = load.bench_env(services, channel_layer="core")
        seeded = time.perf_counter()
        load.prepare_database(env, scale=args.scale, reuse=args.reuse_db)
        vacuum(env)
        seed_seconds = round(time.perf_counter() - seeded, 1)
        load.collect_static(env)
        load.django_setup(env)
        from django.conf import settings

        cookie = settings.SESSION_COOKIE_NAME
        the_plan = plan()
        load.log(f"seeded in {seed_seconds} s: {the_plan['counts']}")
        viewers, managers = bench_users(args.users - args.managers, args.managers)
        servers = load.start_servers(args.web_procs, env, listen="ports")
        runs = []
        for run in range(args.repeat):
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
                    )
                )
            result["cpu"] = cpu.result
            runs.append(result)
        report = {
            "meta": {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "commit": load.git_commit(),
                "scale": args.scale,
                "seed_seconds": None if args.reuse_db else seed_seconds,
                "counts": the_plan["counts"],
                "users": args.users,
                "managers": args.managers,
                "web_procs": args.web_procs,
                "cpus": os.cpu_count(),
            },
            "think_time": {"median": load.median_of(runs), "runs": runs} if runs else None,
        }
        if not args.no_browser:
            load.log(f"move → second browser, {args.moves} moves")
            report["second_browser"] = second_browser(
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
        f"{meta['users']} users ({meta['managers']} moving cards), {meta['web_procs']} daphne, {meta['counts']}"
    )
    if runs:
        load.print_http(
            f"Think-time model, median of {args.repeat} x {args.duration:g} s",
            report["think_time"]["median"]["targets"],
            report["think_time"]["median"]["cpu"],
        )
    if "second_browser" in report:
        sb = report["second_browser"]
        lat = sb["latency_ms"]
        print(
            f"\nMove → visible in a second browser ({sb['moves']} moves, {sb['missed']} missed): p50 {lat['p50']} "
            f"p95 {lat['p95']} max {lat['max']} ms"
        )
    print(
        "\np95 per run: "
        + "; ".join(
            ", ".join(f"{row['target']} {row['latency_ms']['p95']}" for row in run["targets"]) for run in runs
        )
    )
    load.log(f"results: {args.output}")


if __name__ == "__main__":
    main()
