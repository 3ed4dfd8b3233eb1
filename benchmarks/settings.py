"""Settings of the servers the load benchmark starts: production settings (DEBUG off, cached template loader,
psycopg pool, manifest static files, JSON logs) plus the Server-Timing middleware. The secrets production asks
for come from benchmarks/load.py (throw-away values); BENCH_CHANNEL_LAYER=pubsub swaps the channel layer for
channels_redis' RedisPubSubChannelLayer (to compare fan-out latency)."""

from config.settings.production import *  # noqa: F403
from config.settings.production import env

MIDDLEWARE = ["benchmarks.server_timing.ServerTimingMiddleware", *MIDDLEWARE]  # noqa: F405

if env("BENCH_CHANNEL_LAYER", default="core") == "pubsub":
    CHANNEL_LAYERS["default"]["BACKEND"] = "channels_redis.pubsub.RedisPubSubChannelLayer"  # noqa: F405
