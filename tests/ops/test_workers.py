"""The server with two worker processes: ready only when both are, then every request is
answered, whichever worker takes it (a new connection each time)."""

from __future__ import annotations

import httpx

from tests.conftest import running_server


def test_two_workers_answer_every_request_once_ready() -> None:
    with running_server(workers="2", engine_processes="1") as url:
        statuses = [
            httpx.post(
                f"{url}/v1/quotes", json={"text": f'"Request {k}," she said.'}, timeout=60
            ).status_code
            for k in range(24)
        ]
        batch = httpx.post(
            f"{url}/v1/quotes/batch",
            json={"articles": [{"id": str(k), "text": f'"Batch {k}," he said.'} for k in range(3)]},
            timeout=60,
        )
    assert statuses == [200] * 24
    assert batch.status_code == 200
    assert [r["quotes"][0]["speaker"]["name"] for r in batch.json()["results"]] == ["he"] * 3
