"""A load run on loopback: 32 concurrent clients for 30 s against one server.

No answer may be a 5xx but the documented 503 (the worker at its limit of articles in
flight, with Retry-After), and the server's memory (the worker and its engine processes)
must come back to its baseline afterwards. Prints the figures.
"""

from __future__ import annotations

import asyncio
import collections
import time
from urllib.parse import urlsplit

import httpx
import psutil
import pytest

from app.api.schemas import EXAMPLE_TEXT
from tests.conftest import running_server

CLIENTS = 32
SECONDS = 30.0
ARTICLES = [
    EXAMPLE_TEXT,
    '"We will not close the bridge this year," Mayor Anne Hidalgo said on Monday.',
    "The central bank left interest rates unchanged on Thursday.",
    ("The minister said the talks went well. " * 40) + '"It is done," she told reporters.',
]


def server_tree_rss(port: int) -> int:
    """Resident memory of the process listening on ``port`` and all its children, in bytes."""
    [pid] = {
        c.pid
        for c in psutil.net_connections("tcp")
        if c.laddr.port == port and c.status == "LISTEN"
    }
    server = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [server, *server.children(recursive=True)])


async def hammer(url: str, deadline: float, counts: collections.Counter, latencies: list) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        k = 0
        while time.monotonic() < deadline:
            began = time.monotonic()
            response = await client.post("/v1/quotes", json={"text": ARTICLES[k % len(ARTICLES)]})
            k += 1
            counts[response.status_code] += 1
            if response.status_code == 200:
                latencies.append(time.monotonic() - began)
            elif response.status_code == 503:
                assert response.headers["retry-after"], "a 503 under load must say when to retry"
                await asyncio.sleep(0.05)  # a polite client backs off


async def load(url: str) -> tuple[collections.Counter, list[float]]:
    counts: collections.Counter = collections.Counter()
    latencies: list[float] = []
    deadline = time.monotonic() + SECONDS
    await asyncio.gather(*(hammer(url, deadline, counts, latencies) for _ in range(CLIENTS)))
    return counts, latencies


def test_32_clients_for_30_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    with running_server() as url:
        port = urlsplit(url).port
        assert port is not None
        for _ in range(3):  # every engine process sees every article before the baseline
            for text in ARTICLES:
                assert httpx.post(f"{url}/v1/quotes", json={"text": text}, timeout=60).is_success
        time.sleep(1)
        baseline = server_tree_rss(port)

        began = time.monotonic()
        counts, latencies = asyncio.run(load(url))
        took = time.monotonic() - began
        time.sleep(3)
        after = server_tree_rss(port)
        assert httpx.get(f"{url}/readyz", timeout=5).status_code == 200

    latencies.sort()
    answered = sum(counts.values())
    with capsys.disabled():
        print(
            f"\nload: {CLIENTS} clients, {took:.1f} s, {answered} answers "
            f"({answered / took:.0f}/s): {dict(sorted(counts.items()))}; "
            f"200s: {counts[200] / took:.1f}/s, latency p50 {latencies[len(latencies) // 2]:.3f} s, "
            f"p99 {latencies[int(len(latencies) * 0.99)]:.3f} s; "
            f"memory {baseline / 2**20:.0f} MB before, {after / 2**20:.0f} MB after"
        )
    assert set(counts) <= {200, 503}, counts
    assert counts[200] > 0
    # Back to baseline: no more than 10 % or 50 MB above it (allocator slack), whichever is more.
    assert after <= baseline + max(0.10 * baseline, 50 * 2**20)
