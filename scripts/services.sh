#!/usr/bin/env bash
# `make stop-services` / `make services-status`: scripts/devservices.py through the project's environment.
set -euo pipefail
SCRIPT_NAME=services
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_uv
exec "$UV" run --frozen python scripts/devservices.py "$@"
