"""Server-side timings for the load benchmark, sent back in a `Server-Timing` response header.

Two layers, so the benchmark can tell the server's own time from queuing in front of it:

- `ServerTimingMiddleware` (first in MIDDLEWARE): `app` = wall time of the whole Django middleware chain and view,
  `cpu` = the CPU time its thread used meanwhile (the request's own cost: under concurrency `app` also counts the
  time other requests' threads held the GIL or the cores), `db` = wall time in SQL and the number of queries
  (`desc`). Django runs each request's synchronous code in a thread of its own (asgiref's ThreadSensitiveContext),
  so concurrent requests of one process share its GIL;
- `ServerTimingASGI` (around the ASGI application): `asgi` = from the moment daphne hands the request to the
  application to the response headers (`app` plus Django's async handler: thread hand-offs, request signals);
  `proc` names the process (to check how requests spread over the processes).

What the client measures beyond `asgi` is daphne (HTTP parsing, the event loop), the network and the client.
Only the benchmark's settings (`benchmarks.settings`, `benchmarks.asgi`) enable them.
"""

from __future__ import annotations

import os
import time

from django.db import connection

PID = str(os.getpid())


class _QueryTimer:
    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started, cpu_started = time.perf_counter(), time.thread_time()
        timer = _QueryTimer()
        with connection.execute_wrapper(timer):
            response = self.get_response(request)
        app_ms = (time.perf_counter() - started) * 1000
        cpu_ms = (time.thread_time() - cpu_started) * 1000
        response["Server-Timing"] = (
            f'app;dur={app_ms:.2f}, cpu;dur={cpu_ms:.2f}, db;dur={timer.seconds * 1000:.2f};desc="{timer.count}"'
        )
        return response


class ServerTimingASGI:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()

        async def timed_send(message):
            if message["type"] == "http.response.start":
                asgi_ms = (time.perf_counter() - started) * 1000
                value = f'asgi;dur={asgi_ms:.2f}, proc;desc="{PID}"'.encode()
                message = {**message, "headers": [*message.get("headers", []), (b"server-timing", value)]}
            await send(message)

        return await self.app(scope, receive, timed_send)
