#!/usr/bin/env bash
# `make test`: the whole suite on 2 cores against real PostgreSQL and Redis (the configured or default ones, else
# embedded ones started here and stopped at the end). Extra arguments go to pytest.
set -euo pipefail
SCRIPT_NAME=test
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_uv
sync_and_use_venv
compile_translations
start_services test
command -v chromium >/dev/null 2>&1 || say "warning: no chromium on PATH: the browser tests will fail (apt-get install chromium)"

started=$(date +%s)
status=0
python -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadgroup "$@" || status=$?
say "pytest exit status $status after $(( $(date +%s) - started ))s"
exit "$status"
