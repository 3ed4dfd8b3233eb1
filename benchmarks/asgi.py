"""The benchmark servers' ASGI application: the project's, with the `asgi` Server-Timing entry around it."""

from config.asgi import application as project_application

from .server_timing import ServerTimingASGI

application = ServerTimingASGI(project_application)
