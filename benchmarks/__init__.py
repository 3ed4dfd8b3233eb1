"""Load benchmarks (see README.md); `benchmarks.settings` and `benchmarks.asgi` configure the servers they start."""
