"""The container's health check: ``python -m app.healthcheck`` exits 0 when /healthz says 200.

A liveness check, so it passes while the model loads (readiness is /readyz, for the load
balancer); it fails once the engine has failed to start, and when the server does not
answer within 5 s. Standard library only, so it costs no more than starting Python.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    host = os.environ.get("QUOTES_HOST", "127.0.0.1")
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    url = f"http://{host}:{os.environ.get('QUOTES_PORT', '8000')}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return 0 if response.status == 200 else 1
    except (OSError, urllib.error.URLError) as exc:
        print(f"unhealthy: {url}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
