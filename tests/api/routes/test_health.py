"""GET /healthz and GET /readyz: the probes a load balancer or orchestrator polls."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app

from ..fakes import FakeAttributor


def test_healthz_is_ok_while_the_process_runs(empty_client: TestClient) -> None:
    response = empty_client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ok_once_the_attributor_is_loaded(empty_client: TestClient) -> None:
    response = empty_client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_503_problem_until_the_attributor_is_loaded() -> None:
    # Not entered as a context manager, so the lifespan never runs and nothing is loaded.
    client = TestClient(create_app(Settings(), attributor=FakeAttributor()))

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"]
    assert client.get("/healthz").status_code == 200


def test_quotes_are_503_until_the_attributor_is_loaded() -> None:
    client = TestClient(create_app(Settings(), attributor=FakeAttributor()))

    response = client.post("/v1/quotes", json={"text": "Too early."})

    assert response.status_code == 503
    assert response.json()["status"] == 503
