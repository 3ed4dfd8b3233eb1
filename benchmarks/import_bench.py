"""CSV import benchmark: a generated 50,000-row artist file through upload, the check (preview) and the commit
task on a real Celery worker, with production settings.

    uv run python benchmarks/import_bench.py                      # seed a small agency, then 50,000 rows
    uv run python benchmarks/import_bench.py --rows 5000 --reuse-db

Steps:

1. the database `mona_spark_bench_import` is recreated, migrated and seeded with `seed_demo --scale S`
   (default 1: a few hundred artists, so duplicate detection has something to compare with);
2. a CSV of --rows artists is written to .data/bench/: 16 columns (stage name, aliases, e-mail, phone, genres,
   country, city, languages, status, tags, Instagram and TikTok handles, their followers, Spotify monthly
   listeners, bio), ~1 % bad e-mails, ~1 % duplicates of seeded artists, ~0.5 % repeated rows;
3. timed, in this process: `import_upload` (store + recognise the file: format, encoding, delimiter, rows), the
   wizard's mapping page, `import_set_mapping` (the check of every row: values, errors, duplicates — what the
   preview shows), the preview page (Django test client, like a browser's GET);
4. `import_commit` queues `import_run_task`; a Celery worker (`celery -A config worker`, started here with the
   same settings) runs it. Timed: commit → DONE seen by polling (what the person waits) and the task's own
   started → finished; the worker's peak memory; progress updates seen while its transaction was open;
5. the log CSV download.

Figures: a table on stdout, JSON in benchmarks/results/import.json (git-ignored).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402

load.DB_NAME = "mona_spark_bench_import"
RESULTS = ROOT / "benchmarks" / "results" / "import.json"
HEADER = ["Nom de scène", "Alias", "E-mail", "Téléphone", "Genres", "Pays", "Ville", "Langues", "Statut", "Tags",
          "Instagram", "TikTok", "Abonnés Instagram", "Abonnés TikTok", "Auditeurs mensuels", "Bio"]  # fmt: skip
GENRES = ["Pop", "Hip-Hop", "Électro", "Rock", "R&B", "Jazz", "Afro", "Rap", "Chanson", "Reggaeton"]
COUNTRIES = ["France", "BE", "Suisse", "Canada", "FR", "Allemagne", "Spain", "Italie", "UK", "Sénégal"]
CITIES = [
    "Paris",
    "Lyon",
    "Marseille",
    "Bruxelles",
    "Genève",
    "Montréal",
    "Dakar",
    "Lille",
    "Nantes",
    "Berlin",
]


def generate(path: Path, rows: int, seeded: list[tuple[str, str]], seed: int = 7) -> dict:
    """Writes the CSV; returns how many bad, duplicate and repeated rows it holds."""
    rng = random.Random(seed)
    counts = {"bad_email": 0, "duplicate_of_crm": 0, "repeated_in_file": 0}
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for n in range(rows):
            name, email = (
                f"Artiste {n:05d} {rng.choice(['Nova', 'Luz', 'MC', 'Kid', 'Lil', 'Dj'])}",
                f"artist{n}@example.com",
            )
            roll = rng.random()
            if roll < 0.01 and seeded:
                name, email = rng.choice(seeded)
                counts["duplicate_of_crm"] += 1
            elif roll < 0.02:
                email = f"artist{n}@"  # a bad e-mail: a row error
                counts["bad_email"] += 1
            elif roll < 0.025 and n > 10:
                name, email = f"Artiste {n - 5:05d} repeat", f"artist{n - 5}@example.com"
                counts["repeated_in_file"] += 1
            handle = f"artist{n}"
            writer.writerow([
                name, f"A{n}; Art {n}" if n % 3 == 0 else "", email, f"+33 6 {n % 100:02d} {n % 97:02d} 12 34",
                "; ".join(rng.sample(GENRES, rng.randint(1, 3))), rng.choice(COUNTRIES), rng.choice(CITIES),
                "fr; en" if n % 2 else "français", rng.choice(["prospect", "En discussion", "signé"]),
                "import 2026" if n % 5 else "import 2026; festival", f"@{handle}",
                f"https://www.tiktok.com/@{handle}" if n % 4 == 0 else "", str(rng.randint(200, 2_000_000)),
                f"{rng.randint(1, 900)}k" if n % 4 == 0 else "", str(rng.randint(0, 5_000_000)) if n % 2 else "",
                "Artiste indépendant·e, " * rng.randint(1, 8),
            ])  # fmt: skip
    return counts


def start_worker(env: dict[str, str], log_path: Path, queue: str) -> subprocess.Popen:
    """One worker process (solo pool: the task's time is its own) on the benchmark's queue."""
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "--without-gossip",
         "--without-mingle", "--loglevel=WARNING", "--hostname", f"bench-import-{os.getpid()}@%h"],
        env=env, cwd=ROOT, stdout=log_path.open("w"), stderr=subprocess.STDOUT,  # noqa: SIM115 (lives with it)
    )  # fmt: skip
    return process


def bench_manager():
    """The Manager who imports (2FA on, as Managers must have)."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Group

    from accounts.models import User

    user, _ = User.objects.get_or_create(
        email="bench-import-manager@mona-spark.test",
        defaults={"first_name": "Bench", "last_name": "Importer"},
    )
    user.groups.set([Group.objects.get(name="Manager")])
    Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {}})
    return user


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def timed(label: str, results: dict, function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    results[label] = round(time.perf_counter() - started, 2)
    load.log(f"{label}: {results[label]} s")
    return value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=50_000, help="rows in the generated file (50,000)")
    parser.add_argument("--scale", type=int, default=1, help="seed_demo --scale of the existing CRM (1)")
    parser.add_argument("--reuse-db", action="store_true", help=f"keep an existing {load.DB_NAME}")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    devservices = load.load_devservices()
    services = devservices.ensure("test")
    report: dict = {"meta": {"date": datetime.now(UTC).isoformat(timespec="seconds"), "commit": load.git_commit(),
                             "rows": args.rows, "scale": args.scale, "cpus": os.cpu_count(),
                             "load_average_at_start": [round(v, 2) for v in os.getloadavg()]}}  # fmt: skip
    try:
        env = load.bench_env(services, channel_layer="core")
        env["MEDIA_ROOT"] = str(load.DATA_DIR / "media")
        load.prepare_database(env, scale=args.scale, reuse=args.reuse_db)
        load.collect_static(env)
        load.django_setup(env)
        report["figures"] = run(args, env, report)
    finally:
        devservices.stop(services.get("DEVSERVICES_STARTED", "").split())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    load.log(f"results: {args.output}")


def run(args, env: dict[str, str], report: dict) -> dict:
    from django.core.files import File
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from crm.models import Artist, ImportJob
    from crm.services import imports

    figures: dict = {}
    load.DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = load.DATA_DIR / f"artists-{args.rows}.csv"
    seeded = list(Artist.objects.exclude(email="").values_list("stage_name", "email")[:500])
    report["meta"]["artists_before"] = Artist.objects.count()
    report["meta"]["file"] = timed("generate_s", figures, generate, path, args.rows, seeded)
    report["meta"]["file_mb"] = round(path.stat().st_size / 1e6, 1)
    manager = bench_manager()
    client = Client(HTTP_HOST="localhost")  # production settings: ALLOWED_HOSTS
    client.force_login(manager)

    with open(path, "rb") as stream:
        job = timed("upload_parse_s", figures, imports.import_upload, by=manager, kind="artists",
                    file=File(stream, name=path.name))  # fmt: skip
    timed("mapping_page_s", figures, client.get, reverse("crm:import-detail", args=[job.pk]))
    job = timed(
        "check_preview_s", figures, imports.import_set_mapping, job=job, by=manager, mapping=job.mapping
    )
    summary = imports.preview_summary(job)
    report["meta"]["preview"] = {k: summary[k] for k in ("total", "create", "skip", "error", "duplicates")}
    page = timed("preview_page_s", figures, client.get, reverse("crm:import-detail", args=[job.pk]))
    assert page.status_code == 200, page.status_code

    from django.conf import settings

    from config.celery import app

    app.control.purge()  # tasks an earlier run left queued (score recomputations) would run first
    worker = start_worker(env, load.DATA_DIR / "import-worker.log", settings.CELERY_TASK_DEFAULT_QUEUE)
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if time.monotonic() > deadline:
                raise SystemExit("the Celery worker did not start (see .data/bench/import-worker.log)")
        connection.close()
        started = time.perf_counter()
        imports.import_commit(job=job, by=manager)  # queued on commit (autocommit here)
        progress = []
        while True:
            job.refresh_from_db(fields=["status", "processed_rows", "error"])
            progress.append((round(time.perf_counter() - started, 2), job.status, job.processed_rows))
            if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
                break
            time.sleep(0.25)
        figures["commit_to_done_s"] = round(time.perf_counter() - started, 2)
        figures["worker_peak_rss_mb"] = peak_rss_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    job.refresh_from_db()
    if job.status != ImportJob.Status.DONE:
        raise SystemExit(f"import failed: {job.error}")
    figures["task_s"] = round((job.finished_at - job.started_at).total_seconds(), 2)
    figures["progress_updates_seen"] = len(
        {p for _t, s, p in progress if s == "running" and 0 < p < job.total_rows}
    )
    report["meta"]["result"] = {"created": job.created_count, "updated": job.updated_count,
                                "skipped": job.skipped_count, "errors": job.error_count}  # fmt: skip
    load.log(
        f"commit → done: {figures['commit_to_done_s']} s (task {figures['task_s']} s): {report['meta']['result']}"
    )
    response = timed(
        "log_csv_s",
        figures,
        lambda: b"".join(client.get(reverse("crm:import-log", args=[job.pk])).streaming_content),
    )
    figures["log_csv_mb"] = round(len(response) / 1e6, 1)
    timed("done_page_s", figures, client.get, reverse("crm:import-detail", args=[job.pk]))
    figures["rows_per_s_task"] = round(job.total_rows / figures["task_s"])
    return figures


def print_table(report: dict) -> None:
    meta, figures = report["meta"], report.get("figures", {})
    print()
    print(f"Import benchmark — {meta['rows']:,} artist rows ({meta.get('file_mb')} MB CSV), "
          f"{meta.get('artists_before', 0):,} artists already in the CRM, {meta['cpus']} CPUs")  # fmt: skip
    print(f"preview: {meta.get('preview')}   result: {meta.get('result')}")
    print()
    print("| step                                   | seconds |")
    print("|----------------------------------------|--------:|")
    for key, label in [
        ("upload_parse_s", "upload + parse (format, encoding, rows)"),
        ("mapping_page_s", "mapping page"),
        ("check_preview_s", "check every row (preview)"),
        ("preview_page_s", "preview page"),
        ("commit_to_done_s", "commit → done (worker, polled)"),
        ("task_s", "  of which the task itself"),
        ("log_csv_s", "log CSV download"),
        ("done_page_s", "log page"),
    ]:
        print(f"| {label:<38} | {figures.get(key, '—'):>7} |")
    print()
    print(f"task throughput: {figures.get('rows_per_s_task')} rows/s; worker peak RSS {figures.get('worker_peak_rss_mb')} MB; "
          f"progress values seen while running: {figures.get('progress_updates_seen')}; log {figures.get('log_csv_mb')} MB")  # fmt: skip


if __name__ == "__main__":
    main()
