"""The limits as clients see them: 503 problems, with Retry-After when retrying will help."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.core.config import Settings
from app.main import create_app

from .fakes import MakeClient
from .test_engine_pool import GatedEngine


def test_an_article_over_the_time_limit_is_a_503_without_retry_after(
    make_client: MakeClient,
) -> None:
    engine = GatedEngine()
    client = make_client(engine, request_timeout_seconds=0.2)

    began = time.monotonic()
    response = client.post("/v1/quotes", json={"text": "A pathological article."})
    engine.gate.set()

    assert time.monotonic() - began < 2
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "time limit of 0.2 s" in response.json()["detail"]
    assert "retry-after" not in response.headers
    assert client.get("/healthz").status_code == 200


def test_a_worker_at_max_in_flight_answers_503_with_retry_after(make_client: MakeClient) -> None:
    engine = GatedEngine()
    client = make_client(engine, max_in_flight=1, engine_processes=1)
    first = threading.Thread(
        target=client.post, args=("/v1/quotes",), kwargs={"json": {"text": "1"}}
    )
    first.start()
    while not engine.texts:
        time.sleep(0.01)

    response = client.post("/v1/quotes", json={"text": "2"})
    engine.gate.set()
    first.join()

    assert response.status_code == 503
    assert int(response.headers["retry-after"]) >= 1
    assert "limit" in response.json()["detail"]
    assert client.post("/v1/quotes", json={"text": "3"}).status_code == 200


def test_an_engine_that_cannot_load_makes_both_probes_503() -> None:
    settings = Settings(spacy_model="no_such_spacy_pipeline", engine_processes=1)
    with TestClient(create_app(settings)) as client:
        deadline = time.monotonic() + 60
        while client.get("/healthz").status_code == 200 and time.monotonic() < deadline:
            time.sleep(0.2)

        health, ready = client.get("/healthz"), client.get("/readyz")
        quotes = client.post("/v1/quotes", json={"text": "Anything."})

    assert health.status_code == 503
    assert "failed to load" in health.json()["detail"]
    assert ready.status_code == 503
    assert quotes.status_code == 503


@pytest.mark.parametrize(
    "limits",
    [
        {"max_batch_size": 0},
        {"max_in_flight": 0},
        {"engine_processes": 0},
        {"request_timeout_seconds": 0},
        {"max_text_chars": 1_000_001},  # beyond spaCy's own limit
    ],
)
def test_limits_that_make_no_sense_are_refused_at_start_up(limits: dict) -> None:
    with pytest.raises(ValidationError):
        Settings(**limits)
