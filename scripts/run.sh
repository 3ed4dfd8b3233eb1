#!/usr/bin/env bash
# `make run`: install, start the services (embedded unless DATABASE_URL / REDIS_URL are set), migrate, seed the
# demo data, then web + worker + beat through honcho (Procfile). Ctrl-C stops everything this script started.
set -euo pipefail
SCRIPT_NAME=run
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

PORT="${PORT:-8000}"
HONCHO_PID=""
BANNER_PID=""

cleanup() {
    trap - INT TERM EXIT
    if [ -n "$HONCHO_PID" ] && kill -0 "$HONCHO_PID" 2>/dev/null; then
        kill -INT "$HONCHO_PID" 2>/dev/null || true
        wait "$HONCHO_PID" 2>/dev/null || true
    fi
    [ -z "$BANNER_PID" ] || kill "$BANNER_PID" 2>/dev/null || true
    stop_services
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_uv
sync_and_use_venv
compile_translations
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
mkdir -p .data
start_services run

say "migrating"
python manage.py migrate --noinput
say "loading the demo data (once)"
python manage.py seed_demo

# The banner comes once the web process answers, so it is not lost in the start-up logs.
(
    python - "$PORT" <<'PY'
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}"
for _ in range(240):
    try:
        urllib.request.urlopen(f"{url}/healthz", timeout=1)
        break
    except Exception:
        time.sleep(0.5)
else:
    sys.exit(0)
print(f"""
  ┌──────────────────────────────────────────────────────────────────────────┐
    MONA × SPARK is running at {url}/
    Demo logins (password demo-pass-2026):
      producer@mona-spark.test   streamer@mona-spark.test   viewer@mona-spark.test
      admin@mona-spark.test      manager@mona-spark.test    (these two set up 2FA first)
    Ctrl-C stops everything.
  └──────────────────────────────────────────────────────────────────────────┘
""", file=sys.stderr, flush=True)
PY
) &
BANNER_PID=$!

say "starting web (http://127.0.0.1:$PORT/), worker and beat"
honcho start -f Procfile -p "$PORT" &
HONCHO_PID=$!
status=0
wait "$HONCHO_PID" || status=$?
HONCHO_PID=""
exit "$status"
