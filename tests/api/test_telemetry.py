"""Request ids, the JSON access log and the Prometheus metrics of every request."""

from __future__ import annotations

import json
import logging
import re

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app.core.logs import JsonFormatter

from .fakes import MakeClient


def sample(client: TestClient, name: str, **labels: str) -> float:
    """The value of one sample of /metrics (0 when it does not exist yet)."""
    for family in text_string_to_metric_families(client.get("/metrics").text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return 0.0


@pytest.mark.parametrize(
    "sent", ["abc-123", "0af7651916cd43dd8448eb211c80319c", "pipeline/feed:42@2026", "a" * 128]
)
def test_a_sane_request_id_is_kept_and_returned(empty_client: TestClient, sent: str) -> None:
    response = empty_client.post("/v1/quotes", json={"text": "Hi."}, headers={"X-Request-ID": sent})

    assert response.headers["x-request-id"] == sent


@pytest.mark.parametrize(
    "sent", ["", " ", "a" * 129, "two words", "new\\nline", "<script>", "caf\u00e9", "a,b"]
)
def test_any_other_request_id_is_replaced_by_a_new_one(empty_client: TestClient, sent: str) -> None:
    headers = {"X-Request-ID": sent.encode("utf-8")} if sent else {}

    response = empty_client.get("/healthz", headers=headers)

    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


def test_every_response_has_a_request_id_errors_included(make_client: MakeClient) -> None:
    client = make_client(max_body_bytes=10)

    for response in (
        client.get("/healthz"),
        client.get("/no/such/page"),
        client.post("/v1/quotes", json={"text": "far more than ten bytes"}),  # 413, middleware
        client.post("/v1/quotes", content=b"{}", headers={"content-type": "text/plain"}),
    ):
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"]), response.status_code


def test_each_request_logs_one_json_access_line_without_the_text(
    empty_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "UNPUBLISHED-COPY said the minister."
    with caplog.at_level(logging.INFO, logger="app.access"):
        empty_client.post("/v1/quotes", json={"text": secret}, headers={"X-Request-ID": "rid-1"})

    [record] = [r for r in caplog.records if r.name == "app.access"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "rid-1"
    assert line["method"] == "POST"
    assert line["route"] == "/v1/quotes"
    assert line["status"] == 200
    assert line["text_chars"] == len(secret)
    assert line["duration_ms"] >= 0
    assert line["level"] == "INFO" and line["logger"] == "app.access"
    assert line["time"].endswith("+00:00")
    assert "UNPUBLISHED" not in caplog.text


def test_log_lines_are_single_line_json_with_extras_and_exceptions() -> None:
    record = logging.makeLogRecord(
        {"name": "app.test", "levelname": "ERROR", "msg": "two\nlines %s", "args": ("ü",)}
    )
    record.status = 500
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()

    text = JsonFormatter().format(record)

    assert "\n" not in text
    line = json.loads(text)
    assert line["message"] == "two\nlines ü"
    assert line["status"] == 500
    assert "ValueError: boom" in line["exception"]


def test_metrics_count_requests_by_route_template_and_status(empty_client: TestClient) -> None:
    before = sample(
        empty_client, "quotes_http_requests_total", method="POST", route="/v1/quotes", status="200"
    )
    articles = sample(empty_client, "quotes_articles_processed_total")

    empty_client.post("/v1/quotes", json={"text": "One."})
    empty_client.post("/v1/quotes", json={"text": "Two."})

    after = sample(
        empty_client, "quotes_http_requests_total", method="POST", route="/v1/quotes", status="200"
    )
    assert after - before == 2
    assert sample(empty_client, "quotes_articles_processed_total") - articles == 2
    assert (
        sample(empty_client, "quotes_http_request_duration_seconds_count", route="/v1/quotes") > 0
    )
    assert sample(empty_client, "quotes_article_chars_count") > 0
    assert sample(empty_client, "quotes_http_requests_in_flight") == 1  # the scrape itself


def test_metrics_labels_stay_bounded_whatever_the_client_sends(empty_client: TestClient) -> None:
    empty_client.get("/random/path/12345")
    empty_client.request("BREW", "/v1/quotes")

    body = empty_client.get("/metrics").text
    assert "/random/path" not in body
    assert "BREW" not in body
    assert 'route="<unmatched>"' in body
    assert 'method="OTHER"' in body


def test_metrics_are_prometheus_text(empty_client: TestClient) -> None:
    response = empty_client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    names = {family.name for family in text_string_to_metric_families(response.text)}
    assert {
        "quotes_http_requests",
        "quotes_http_request_duration_seconds",
        "quotes_http_requests_in_flight",
        "quotes_articles_processed",
        "quotes_quotations_found",
        "quotes_article_chars",
        "quotes_model_load_seconds",
        "quotes_engine_busy",
        "quotes_engine_waiting",
    } <= names
