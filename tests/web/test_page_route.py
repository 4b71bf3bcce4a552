"""The page's routes over HTTP (no browser, fake engine): what is served, from where, and how."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.api.fakes import FakeAttributor

WEB = Path(__file__).resolve().parents[2] / "app" / "web"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), attributor=FakeAttributor())) as test_client:
        yield test_client


def referenced_assets(client: TestClient) -> set[str]:
    """Every URL the page loads: from the HTML, from module imports, from fetch()."""
    html = client.get("/").text
    urls = set(re.findall(r'(?:src|href)="([^"#]+)"', html))
    scripts = [url for url in urls if url.endswith(".js")]
    while scripts:
        script = scripts.pop()
        source = client.get("/" + script).text
        for name in re.findall(r'from "\./([^"]+)"', source):
            if f"static/{name}" not in urls:
                urls.add(f"static/{name}")
                scripts.append(f"static/{name}")
        urls.update(f"static/{name}" for name in re.findall(r'new URL\("([^"]+)"', source))
    return urls


def test_page_is_served_at_root_with_a_strict_content_security_policy(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<textarea" in response.text
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self';" in csp  # no 'unsafe-inline', no other host
    assert "connect-src 'self'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"


def test_every_asset_the_page_loads_is_served_by_this_app(client: TestClient) -> None:
    urls = referenced_assets(client)

    assert {
        "docs",
        "static/page.css",
        "static/page.js",
        "static/api.js",
        "static/spans.js",
        "static/export.js",
        "static/palette.json",
        "static/favicon.svg",
    } <= urls
    for url in urls:
        # Relative URLs: the page keeps working behind a proxy that adds a path prefix.
        assert not url.startswith(("/", "http:", "https:")), url
        assert client.get("/" + url).status_code == 200, url
    assert client.get("/static/page.js").headers["content-type"] == "text/javascript; charset=utf-8"
    assert client.get("/static/page.css").headers["content-type"] == "text/css; charset=utf-8"


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (WEB / "static").iterdir()) + ["../index.html"]
)
def test_no_page_file_refers_to_another_host(name: str) -> None:
    source = (WEB / "static" / name).read_text(encoding="utf-8")
    source = source.replace('xmlns="http://www.w3.org/2000/svg"', "")  # a name, not a request

    assert not re.search(r"(?:https?:)?//[a-z0-9-]+(?:\.[a-z0-9-]+)+", source, re.IGNORECASE)


@pytest.mark.parametrize(
    "path",
    ["/static/nope.js", "/static/..%2F__init__.py", "/static/%2e%2e%2findex.html", "/static/"],
)
def test_anything_else_under_static_is_a_404_problem(client: TestClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_unchanged_assets_are_revalidated_with_their_etag(client: TestClient) -> None:
    first = client.get("/static/page.js")
    assert first.headers["cache-control"] == "no-cache"

    again = client.get("/static/page.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert client.get("/static/page.js", headers={"If-None-Match": '"stale"'}).status_code == 200


def test_head_answers_the_headers_without_the_body(client: TestClient) -> None:
    response = client.head("/")

    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["content-length"]) == len(client.get("/").content)


def test_posting_to_the_page_is_a_405_problem(client: TestClient) -> None:
    response = client.post("/", json={"text": "x"})

    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"


def test_the_page_is_not_part_of_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    assert "/" not in paths
    assert not any(path.startswith("/static") for path in paths)


def relative_luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_speaker_palette_keeps_its_format_and_text_stays_readable_on_it() -> None:
    # The notebook renderer reads the same file: keep the keys and the value types.
    palette = json.loads((WEB / "static" / "palette.json").read_text(encoding="utf-8"))
    colours = [*palette["speakers"], palette["unattributed"]]

    assert set(palette) == {"about", "speakers", "unattributed"}
    assert len(set(palette["speakers"])) == len(palette["speakers"]) >= 8
    for colour in colours:
        assert re.fullmatch(r"#[0-9a-f]{6}", colour), colour
        # The page's text colour (--ink in page.css) on a highlight: WCAG AA for body text.
        assert contrast(colour, "#1a1a1a") >= 4.5, colour


def test_contrast_formula_matches_known_wcag_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_readme_shows_the_page_on_the_seed_article() -> None:
    root = WEB.parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")

    assert "](docs/page-seed.png)" in readme
    screenshot = (root / "docs" / "page-seed.png").read_bytes()
    assert screenshot.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(screenshot[16:20], "big")
    assert width >= 1024  # a laptop-width picture, as tests/web/test_page_seed.py takes it
