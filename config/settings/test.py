"""Test settings: the real PostgreSQL and Redis (one Redis database and key prefix per xdist worker),
the real Redis channel layer, a real Celery worker started by the test session."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, env

_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_index = int(_worker.removeprefix("gw") or 0) if _worker.startswith("gw") else 0

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# "{db}" in TEST_REDIS_URL becomes this worker's own database: cache.clear() empties a whole database
REDIS_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/{db}").replace("{db}", str(1 + _index % 15))
REDIS_PREFIX = f"t{_index}"
CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = REDIS_PREFIX  # noqa: F405
CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["address"] = REDIS_URL  # noqa: F405
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"{REDIS_PREFIX}:asgi"  # noqa: F405
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = f"{REDIS_PREFIX}-default"
CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = f"{REDIS_PREFIX}:celery:"  # noqa: F405
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "global_keyprefix": f"{REDIS_PREFIX}:celery:",
    "retry_policy": CELERY_RESULT_BACKEND_RETRY_POLICY,  # noqa: F405
}
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / ".data" / f"test-mail-{_index}"))
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405  (whitenoise warns on every request otherwise)
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / ".data" / f"test-media-{_index}")
LOG_FORMAT = "text"
LOGGING["handlers"]["console"]["formatter"] = "text"  # noqa: F405
LOGGING["root"]["level"] = env("LOG_LEVEL", default="WARNING")  # noqa: F405
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS}  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405
