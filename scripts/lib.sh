# Shared by scripts/run.sh and scripts/test.sh (sourced, not run).
# ROOT: the project folder. ensure_uv sets UV; use_venv puts the project's .venv first on PATH.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\033[1m[%s]\033[0m %s\n' "${SCRIPT_NAME:-make}" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# uv from PATH, from an earlier bootstrap, or installed now (pip --user, else a private venv under .data/).
ensure_uv() {
    local candidate
    for candidate in "$(command -v uv 2>/dev/null || true)" "$HOME/.local/bin/uv" "$ROOT/.data/uv/bin/uv"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then UV="$candidate"; return; fi
    done
    local python
    python="$(command -v python3 || true)"
    [ -n "$python" ] || die "python3 (>= 3.11) is needed"
    say "installing uv (from PyPI)"
    if "$python" -m pip install --user --quiet uv 2>/dev/null \
        && [ -x "$("$python" -m site --user-base)/bin/uv" ]; then
        UV="$("$python" -m site --user-base)/bin/uv"
    elif "$python" -m venv "$ROOT/.data/uv" >/dev/null 2>&1 \
        && "$ROOT/.data/uv/bin/python" -m pip install --quiet uv; then
        UV="$ROOT/.data/uv/bin/uv"
    elif "$python" -m pip install --user --quiet --break-system-packages uv; then
        UV="$("$python" -m site --user-base)/bin/uv"
    else
        die "could not install uv: install python3-pip or python3-venv (apt-get install python3-pip python3-venv)"
    fi
    [ -x "$UV" ] || die "uv was installed but $UV is missing"
}

# uv sync --frozen, then the project's virtualenv first on PATH (python, daphne, celery, honcho, pytest).
sync_and_use_venv() {
    (cd "$ROOT" && "$UV" sync --frozen --quiet) || die "uv sync --frozen failed"
    local venv="${UV_PROJECT_ENVIRONMENT:-$ROOT/.venv}"
    export VIRTUAL_ENV="$venv"
    export PATH="$venv/bin:$PATH"
}

# Compile a .po file whenever its .mo is missing or older (the .mo files are committed, so without msgfmt
# the committed ones are used).
compile_translations() {
    command -v msgfmt >/dev/null 2>&1 || return 0
    local po mo
    while IFS= read -r po; do
        mo="${po%.po}.mo"
        if [ ! -e "$mo" ] || [ "$po" -nt "$mo" ]; then
            say "compiling ${po#"$ROOT"/}"
            msgfmt --check-format -o "$mo" "$po" || die "msgfmt failed on $po"
        fi
    done < <(find "$ROOT" \( -path "$ROOT/.venv" -o -path "$ROOT/.data" -o -path "$ROOT/node_modules" \) -prune \
        -o -path '*/locale/*/LC_MESSAGES/*.po' -print)
}

# Embedded PostgreSQL / Redis as needed (scripts/devservices.py); exports DATABASE_URL, REDIS_URL, ... and
# DEVSERVICES_STARTED (what stop_services must stop).
start_services() {
    local exports
    exports="$(python "$ROOT/scripts/devservices.py" ensure --mode "$1")" || die "could not get PostgreSQL and Redis"
    eval "$exports"
}

stop_services() {
    if [ -n "${DEVSERVICES_STARTED:-}" ]; then
        # shellcheck disable=SC2086  # a list of words
        python "$ROOT/scripts/devservices.py" stop $DEVSERVICES_STARTED || true
        DEVSERVICES_STARTED=""
    fi
}
