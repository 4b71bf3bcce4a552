"""Access: optional API keys, CORS origins (closed by default), docs that can be switched off."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from .fakes import MakeClient

KEYS = "first-key, second-key"
ARTICLE = {"text": "Nothing was said."}


@pytest.fixture(scope="module")
def keyed_client(make_client: MakeClient) -> TestClient:
    return make_client(api_keys=KEYS)


def test_without_keys_configured_no_key_is_needed(empty_client: TestClient) -> None:
    assert empty_client.post("/v1/quotes", json=ARTICLE).status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic Zmlyc3Qta2V5", "first-key", "Token first-key"],
)
def test_no_key_is_401_with_a_bearer_challenge(
    keyed_client: TestClient, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}

    response = keyed_client.post("/v1/quotes", json=ARTICLE, headers=headers)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json()["detail"]


@pytest.mark.parametrize(
    "key", ["wrong", "first-ke", "first-keyy", "FIRST-KEY", "first-key,second-key", "é" * 40]
)
def test_a_wrong_key_is_403(keyed_client: TestClient, key: str) -> None:
    headers = {"Authorization": f"Bearer {key}".encode()}

    response = keyed_client.post("/v1/quotes", json=ARTICLE, headers=headers)

    assert response.status_code == 403
    assert response.json()["status"] == 403
    assert key not in response.text


@pytest.mark.parametrize("key", ["first-key", "second-key"])
def test_any_configured_key_is_accepted(keyed_client: TestClient, key: str) -> None:
    for authorization in (f"Bearer {key}", f"bearer   {key}  "):
        response = keyed_client.post(
            "/v1/quotes", json=ARTICLE, headers={"Authorization": authorization}
        )
        assert response.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics", "/", "/static/palette.json"])
def test_probes_metrics_and_the_editors_page_need_no_key(
    keyed_client: TestClient, path: str
) -> None:
    assert keyed_client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/docs"),
        ("GET", "/openapi.json"),
        ("GET", "/redoc"),
        ("GET", "/no/such/path"),
        ("POST", "/"),
        ("GET", "/v1/quotes"),
    ],
)
def test_everything_else_needs_a_key(keyed_client: TestClient, method: str, path: str) -> None:
    assert keyed_client.request(method, path).status_code == 401


def test_keys_never_show_in_the_settings_repr(make_client: MakeClient) -> None:
    from app.core.config import Settings

    assert "first-key" not in repr(Settings(api_keys=KEYS))


def test_cors_is_closed_by_default(empty_client: TestClient) -> None:
    response = empty_client.post(
        "/v1/quotes", json=ARTICLE, headers={"Origin": "https://desk.example.org"}
    )

    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_cors_allows_the_configured_origins_only(make_client: MakeClient) -> None:
    client = make_client(cors_origins="https://desk.example.org", api_keys=KEYS)
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }

    allowed = client.options(
        "/v1/quotes", headers={"Origin": "https://desk.example.org", **preflight}
    )
    refused = client.options("/v1/quotes", headers={"Origin": "https://evil.example", **preflight})
    answer = client.post(
        "/v1/quotes",
        json=ARTICLE,
        headers={"Origin": "https://desk.example.org", "Authorization": "Bearer first-key"},
    )

    # The preflight is answered before the key is checked: browsers send it without one.
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://desk.example.org"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-origin" not in refused.headers
    assert answer.headers["access-control-allow-origin"] == "https://desk.example.org"
    assert "x-request-id" in answer.headers["access-control-expose-headers"].lower()


@pytest.mark.parametrize(
    "path", ["/docs", "/redoc", "/openapi.json", "/docs-assets/swagger-ui.css"]
)
def test_docs_can_be_switched_off(make_client: MakeClient, path: str) -> None:
    client = make_client(docs_enabled=False)

    assert client.get(path).status_code == 404
    assert client.post("/v1/quotes", json=ARTICLE).status_code == 200
