"""The page shows the API's own error messages, and says something for every other failure.

Empty and too-long texts go to the real service, so the page is checked against the very
problem+json an API user gets. A 503 is taken from the app itself (its answer before the
model is loaded); failures that no working service gives (a dropped connection, a proxy's
HTML error page) are played by the browser's request interception.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.api.errors import problem_response
from app.core.config import Settings
from app.main import create_app

from .conftest import analyse, highlighted, save_screenshot, set_text, wait_until_idle

pytestmark = pytest.mark.slow

ARTICLE = '"We will not close the bridge," Mayor Anne Hidalgo said on Monday.'


def api_problem(live_server: str, text: str) -> dict[str, Any]:
    """The problem the API gives an API client for this text."""
    response = httpx.post(
        f"{live_server}/v1/quotes", json={"text": text, "include_indirect": False}, timeout=60
    )
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


def error_box(page: Any) -> str:
    return page.inner_text("#error")


@pytest.mark.parametrize("text", ["", "  \n\t "], ids=["empty", "whitespace"])
def test_an_empty_submission_shows_the_apis_message(page: Any, live_server: str, text: str) -> None:
    analyse(page, ARTICLE)
    assert page.is_visible("#results")

    response = analyse(page, text)

    problem = api_problem(live_server, text)
    assert response.status == problem["status"] == 422
    assert problem["detail"] in error_box(page)
    assert "HTTP 422 Unprocessable Entity" in error_box(page)
    assert "The service did not accept the text" in error_box(page)
    assert page.get_attribute("#article", "aria-invalid") == "true"
    assert page.get_attribute("#error", "role") == "alert"
    assert page.is_hidden("#results")  # the earlier result is not left standing beside it
    save_screenshot(page, "page-error-empty.png")

    analyse(page, ARTICLE)
    assert error_box(page) == ""
    assert page.get_attribute("#article", "aria-invalid") is None


def test_a_text_over_the_character_limit_shows_the_apis_message(
    page: Any, live_server: str
) -> None:
    settings = Settings()
    text = "a" * (settings.max_text_chars + 1)
    if len(text.encode()) + 100 > settings.max_body_bytes:
        pytest.skip("the body limit is below the text limit here; the 413 test covers it")

    response = analyse(page, text)

    problem = api_problem(live_server, text)
    assert response.status == 422
    assert f"Text should have at most {settings.max_text_chars} characters" in problem["detail"]
    assert problem["detail"] in error_box(page)


def test_a_body_over_the_size_limit_shows_the_apis_message(page: Any, live_server: str) -> None:
    text = "a" * (Settings().max_body_bytes + 1)

    response = analyse(page, text)

    problem = api_problem(live_server, text)
    assert response.status == problem["status"] == 413
    assert problem["detail"] in error_box(page)
    assert "HTTP 413" in error_box(page)


def test_service_unavailable_shows_its_message_and_try_again_works(page: Any) -> None:
    # The app's own 503, as it answers before its model is loaded: outside a `with` block
    # the TestClient runs no lifespan, so no model is ever loaded.
    unavailable = TestClient(create_app(Settings())).post("/v1/quotes", json={"text": ARTICLE})
    assert unavailable.status_code == 503
    page.route(
        "**/v1/quotes",
        lambda route: route.fulfill(
            status=503, headers=dict(unavailable.headers), body=unavailable.content
        ),
    )

    analyse(page, ARTICLE)

    assert unavailable.json()["detail"] in error_box(page)
    assert "The service cannot take this request right now" in error_box(page)
    assert "wait 5 seconds" in error_box(page)
    assert page.get_attribute("#article", "aria-invalid") == "false"

    page.unroute("**/v1/quotes")
    with page.expect_response(lambda r: r.url.endswith("/v1/quotes")) as retried:
        page.get_by_role("button", name="Try again").click()
    wait_until_idle(page)
    assert retried.value.status == 200
    assert highlighted(page) == ["q1"]
    assert error_box(page) == ""


@pytest.mark.parametrize(
    "answer, expected",
    [
        ({"abort": "connectionrefused"}, "Could not reach the service"),
        (
            {"status": 502, "content_type": "text/html", "body": "<html>Bad gateway</html>"},
            "The service answered 502 Bad Gateway without an explanation",
        ),
        (
            {"status": 200, "content_type": "text/html", "body": "<html>Login</html>"},
            "not with the quotations this page expects",
        ),
        (
            {"status": 200, "content_type": "application/json", "body": '{"quotes": 1}'},
            "not with the quotations this page expects",
        ),
    ],
    ids=["unreachable", "proxy-502", "html-instead-of-json", "json-of-another-shape"],
)
def test_failures_without_a_problem_body_still_say_what_happened(
    page: Any, answer: dict[str, Any], expected: str
) -> None:
    def respond(route: Any) -> None:
        if "abort" in answer:
            route.abort(answer["abort"])
        else:
            route.fulfill(**answer)

    page.route("**/v1/quotes", respond)
    set_text(page, ARTICLE)
    page.click("#run")
    wait_until_idle(page)

    assert expected in error_box(page)
    assert page.is_hidden("#results")


def test_cancel_stops_waiting_and_gives_the_focus_back(page: Any) -> None:
    held: list[Any] = []
    page.route("**/v1/quotes", lambda route: held.append(route))
    set_text(page, ARTICLE)
    page.click("#run")
    page.wait_for_selector("#cancel:not([hidden])")
    assert "Finding quotations in 66 characters" in page.inner_text("#status")

    page.click("#cancel")
    wait_until_idle(page)

    assert page.text_content("#status") == "Cancelled."
    assert page.is_hidden("#cancel")
    assert page.evaluate("document.activeElement.id") == "run"
    assert error_box(page) == ""
    assert len(held) == 1
    assert json.loads(held[0].request.post_data)["text"] == ARTICLE


def test_a_service_run_with_api_keys_gets_the_key_from_the_editor(page: Any) -> None:
    # Keys are checked by the service (QUOTES_API_KEYS); here the browser plays that part in
    # front of the real service, answering 401 in the service's problem format.
    unauthorised = problem_response(
        401, "Send an API key as 'Authorization: Bearer <key>'.", "/v1/quotes"
    )
    sent: list[str | None] = []

    def check_key(route: Any) -> None:
        sent.append(route.request.headers.get("authorization"))
        if sent[-1] == "Bearer s3cret":
            route.continue_()
        else:
            route.fulfill(status=401, headers=dict(unauthorised.headers), body=unauthorised.body)

    page.route("**/v1/quotes", check_key)
    assert page.is_hidden("#api-key")

    analyse(page, ARTICLE)
    assert "The service needs a valid API key" in error_box(page)
    assert "Send an API key as 'Authorization: Bearer <key>'." in error_box(page)
    assert page.evaluate("document.activeElement.id") == "api-key"

    page.keyboard.type("wrong")
    page.keyboard.press("Enter")
    wait_until_idle(page)
    assert page.get_attribute("#api-key", "aria-invalid") == "true"

    page.fill("#api-key", "s3cret")
    analyse(page, ARTICLE)
    assert highlighted(page) == ["q1"]
    assert sent == [None, "Bearer wrong", "Bearer s3cret"]

    page.reload()  # kept for the tab's session
    assert page.input_value("#api-key") == "s3cret"
    assert page.is_visible("#api-key")


@pytest.mark.parametrize(
    "status, heading",
    [
        (429, "The service cannot take this request right now"),
        (500, "The service failed"),
        (504, "The service took too long to answer"),
    ],
)
def test_server_side_problems_say_what_happened_and_offer_a_retry(
    page: Any, status: int, heading: str
) -> None:
    # In the service's one error format, with a detail the page must show as it is.
    problem = problem_response(status, f"Detail of the {status} problem.", "/v1/quotes")
    page.route(
        "**/v1/quotes",
        lambda route: route.fulfill(
            status=status, headers=dict(problem.headers), body=problem.body
        ),
    )

    analyse(page, ARTICLE)

    assert heading in error_box(page)
    assert f"Detail of the {status} problem." in error_box(page)
    assert page.get_by_role("button", name="Try again").is_visible()
