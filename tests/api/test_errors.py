"""Every 4xx and 5xx is an RFC 9457 problem; no input can make the service answer 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from .fakes import FakeAttributor, MakeClient

PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance"}
JSON = {"content-type": "application/json"}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert PROBLEM_FIELDS <= problem.keys()
    assert problem["status"] == status
    assert problem["type"] == "about:blank"
    assert problem["detail"]
    return problem


@pytest.mark.parametrize(
    ("body", "error_type"),
    [
        (b"", "missing"),  # no body at all
        (b"not json", "json_invalid"),
        (b'{"text": "unterminated', "json_invalid"),
        (b"[1, 2]", "model_attributes_type"),  # JSON, but not an object
        (b'"just a string"', "model_attributes_type"),
        (b"{}", "missing"),
        (b'{"txt": "typo in the field name"}', "missing"),
        (b'{"text": 42}', "string_type"),
        (b'{"text": null}', "string_type"),
        (b'{"text": ["a", "list"]}', "string_type"),
        (b'{"text": {"nested": "object"}}', "string_type"),
        (b'{"text": ""}', "string_blank"),
        (b'{"text": " \\n\\t\\u00a0\\u3000 "}', "string_blank"),  # Unicode whitespace too
    ],
)
def test_unusable_body_is_a_422_problem(
    empty_client: TestClient, body: bytes, error_type: str
) -> None:
    problem = assert_problem(empty_client.post("/v1/quotes", content=body, headers=JSON), 422)

    assert problem["instance"] == "/v1/quotes"
    assert [error["type"] for error in problem["errors"]] == [error_type]
    assert all(error.keys() == {"loc", "msg", "type"} for error in problem["errors"])


def test_validation_problem_never_echoes_the_input(empty_client: TestClient) -> None:
    secret = "UNPUBLISHED-COPY " * 1000
    for body in ({"text": [secret]}, {"text": {"draft": secret}}, {"text": 7, "extra": secret}):
        response = empty_client.post("/v1/quotes", json=body)

        assert_problem(response, 422)
        assert "UNPUBLISHED-COPY" not in response.text


def test_invalid_utf8_body_is_a_400_problem(empty_client: TestClient) -> None:
    response = empty_client.post("/v1/quotes", content=b'{"text": "\xff\xfe"}', headers=JSON)

    assert "UTF-8" in assert_problem(response, 400)["detail"]


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_non_json_content_type_is_a_415_problem(
    empty_client: TestClient, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}

    response = empty_client.post("/v1/quotes", content=b'{"text": "Hi."}', headers=headers)

    assert "application/json" in assert_problem(response, 415)["detail"]


def test_text_longer_than_max_text_chars_is_a_422_problem(make_client: MakeClient) -> None:
    client = make_client(max_text_chars=10)

    problem = assert_problem(client.post("/v1/quotes", json={"text": "x" * 11}), 422)

    [error] = problem["errors"]
    assert error["type"] == "string_too_long"
    assert error["loc"] == ["body", "text"]
    assert "10" in error["msg"]


def test_text_of_exactly_max_text_chars_is_accepted(make_client: MakeClient) -> None:
    client = make_client(max_text_chars=10)

    assert client.post("/v1/quotes", json={"text": "x" * 10}).status_code == 200


def test_body_declared_larger_than_max_body_bytes_is_a_413_problem(make_client: MakeClient) -> None:
    client = make_client(max_body_bytes=100)

    response = client.post("/v1/quotes", json={"text": "x" * 200})

    assert "100 bytes" in assert_problem(response, 413)["detail"]


def test_chunked_body_growing_past_max_body_bytes_is_a_413_problem(make_client: MakeClient) -> None:
    client = make_client(max_body_bytes=100)
    # A generator body is sent chunked, with no Content-Length to check up front.
    chunks = (b'{"text": "' if i == 0 else b"x" * 40 for i in range(10))

    response = client.post("/v1/quotes", content=chunks, headers=JSON)

    assert "content-length" not in response.request.headers
    assert_problem(response, 413)


def test_unknown_path_is_a_404_problem(empty_client: TestClient) -> None:
    problem = assert_problem(empty_client.get("/v1/quote"), 404)

    assert problem["instance"] == "/v1/quote"


def test_wrong_method_is_a_405_problem_naming_the_allowed_one(empty_client: TestClient) -> None:
    response = empty_client.get("/v1/quotes")

    assert "POST" in assert_problem(response, 405)["detail"]
    assert response.headers["allow"] == "POST"


def test_engine_failure_is_a_500_problem_without_internals(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(text: str):
        raise RuntimeError("secret internals of the engine")

    client = make_client(FakeAttributor(explode), raise_server_exceptions=False)

    response = client.post("/v1/quotes", json={"text": "Anything."})

    assert_problem(response, 500)
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert "Unhandled RuntimeError on POST /v1/quotes" in caplog.text
