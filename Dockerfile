# syntax=docker/dockerfile:1
# MONA × SPARK: one image for web (daphne), worker (celery) and beat. See docker-compose.yml.

# --- builder: the locked dependencies in /opt/venv (no dev dependencies) ------------------------------------
FROM python:3.11-slim-bookworm AS builder
# the uv that wrote uv.lock (from PyPI)
RUN pip install --no-cache-dir uv==0.13.9
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/opt/venv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-install-project

# --- runtime ------------------------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime
# psycopg[binary] brings its own libpq; the PostgreSQL 15 client tools are only for `manage.py backup/restore`
# (their major version matches the postgres:15 service).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin app
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    MEDIA_ROOT=/app/var/media \
    STATIC_ROOT=/app/staticfiles \
    PORT=8000
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
COPY . .
# Static files are collected at build time (whitenoise serves them); the settings need their secrets to load,
# so dummy ones are given to this one command only. Translations (.mo) are committed: no compilemessages.
RUN DJANGO_SECRET_KEY=collectstatic-only \
    DATABASE_URL=postgres://build@localhost:5432/build \
    FIELD_ENCRYPTION_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var/media \
    && chown -R app:app /app/var /app/staticfiles
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["python", "-m", "core.healthcheck"]
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "config.asgi:application"]
