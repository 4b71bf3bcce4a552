"""A real browser for the page's tests: Debian's chromium, headless, driven by Playwright.

Playwright's own browser download cannot reach its CDN on these machines, so the tests use
the distribution's ``/usr/bin/chromium`` (``.ci/steps/10-browser.sh`` installs it in CI).
Without it the browser tests skip on a developer's machine and fail in CI, where a skip
would hide a lost check.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 768, "height": 1024}


def unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI installs it in .ci/steps/10-browser.sh")
    pytest.skip(f"{reason} (apt-get install chromium to run the page's browser tests)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        unavailable(f"no chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def viewport() -> dict[str, int]:
    """The window size of ``page``; a test overrides it with ``@pytest.mark.parametrize``."""
    return LAPTOP


@pytest.fixture
def touch() -> bool:
    """Whether ``page`` has a touch screen (a tablet); overridden like ``viewport``."""
    return False


@pytest.fixture
def page(browser: Any, live_server: str, viewport: dict[str, int], touch: bool) -> Iterator[Any]:
    """The page, opened from the running service, in a fresh browser context.

    It fails the test if the page throws an uncaught error or asks any other host for
    anything: the page must work offline and behind a firewall.
    """
    context = browser.new_context(viewport=viewport, has_touch=touch, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    elsewhere: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def note_request(request: Any) -> None:
        url = urlsplit(request.url)
        if url.scheme not in ("blob", "data") and url.netloc != urlsplit(live_server).netloc:
            elsewhere.append(request.url)

    page.on("request", note_request)
    page.goto(live_server + "/")
    page.wait_for_function("document.getElementById('tentative-threshold').textContent !== ''")
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"the page threw: {errors}"
    assert not elsewhere, f"the page asked other hosts: {elsewhere}"


def save_screenshot(page: Any, name: str, **options: Any) -> Path:
    """Keep a screenshot under artifacts/ (gitignored; CI keeps it as a test artifact)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), **options)
    return path


def analyse(page: Any, text: str) -> Any:
    """Put ``text`` in the text area, press the button, and wait for the page to show the answer.

    Returns the API's response as the browser received it.
    """
    set_text(page, text)
    with page.expect_response(lambda r: r.url.endswith("/v1/quotes")) as answer:
        page.click("#run")
    wait_until_idle(page)
    return answer.value


def set_text(page: Any, text: str) -> None:
    # fill() types through the input pipeline, which is slow for long texts; this is what a
    # paste does: the value changes and an input event fires.
    page.eval_on_selector(
        "#article",
        "(area, text) => { area.value = text; area.dispatchEvent(new Event('input')); }",
        text,
    )


def wait_until_idle(page: Any) -> None:
    page.wait_for_selector("#article-form[aria-busy='false']", state="attached")


def highlighted(page: Any, *, muted: bool | None = None) -> list[str]:
    """The ids of the quotations drawn in the article (one per quotation), in text order."""
    selector = "#article-view mark.quote[tabindex='0']"
    if muted is not None:
        selector += ".is-muted" if muted else ":not(.is-muted)"
    return page.eval_on_selector_all(selector, "marks => marks.map(m => m.dataset.quote)")


def shown_text(page: Any, quote_id: str) -> str:
    """The text drawn for a quotation, over all the pieces it may have been split into."""
    return page.eval_on_selector_all(
        f'#article-view [data-quote="{quote_id}"]',
        "marks => marks.map(m => m.textContent).join('')",
    )
