"""Container health check (Dockerfile HEALTHCHECK): ``python -m core.healthcheck``.

Asks this container's web server for /healthz with a Host header that ALLOWED_HOSTS accepts; exit 0 if it
answers 200, 1 otherwise. Standard library only, so it does not start Django.
"""

import os
import sys
import urllib.error
import urllib.request


def _host() -> str:
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": _host()})
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310 - fixed local http URL
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError):
        return 1


if __name__ == "__main__":
    sys.exit(main())
