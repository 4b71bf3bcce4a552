"""The served OpenAPI schema: checked in as openapi.yaml, stable ids, problems, examples."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from app.api.schemas import EXAMPLE_RESPONSE, EXAMPLE_TEXT
from app.main import app

OPENAPI_YAML = Path(__file__).resolve().parents[2] / "openapi.yaml"


def differences(checked_in: Any, served: Any, path: str = "") -> list[str]:
    """Paths (like ``paths./v1/quotes.post``) where the two schemas differ."""
    if isinstance(checked_in, dict) and isinstance(served, dict):
        found = []
        for key in sorted(checked_in.keys() | served.keys(), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in served:
                found.append(f"{where}: only in openapi.yaml")
            elif key not in checked_in:
                found.append(f"{where}: only in the served schema")
            else:
                found += differences(checked_in[key], served[key], where)
        return found
    return [] if checked_in == served else [f"{path}: differs"]


def test_checked_in_openapi_yaml_equals_the_served_schema() -> None:
    served = json.loads(json.dumps(app.openapi()))  # tuples -> lists, as YAML has them
    checked_in = yaml.safe_load(OPENAPI_YAML.read_text(encoding="utf-8"))

    diff = differences(checked_in, served)
    assert not diff, (
        "openapi.yaml is out of date with the app; regenerate it with\n"
        "    .venv/bin/python scripts/export_openapi.py\n"
        "and commit it. Differences:\n  " + "\n  ".join(diff[:20])
    )


def test_operation_ids_are_the_route_function_names() -> None:
    operation_ids = {
        operation["operationId"]
        for path_item in app.openapi()["paths"].values()
        for operation in path_item.values()
    }

    assert operation_ids == {"attribute_quotes", "attribute_batch", "healthz", "metrics", "readyz"}


def test_error_responses_are_documented_as_problem_json() -> None:
    responses = app.openapi()["paths"]["/v1/quotes"]["post"]["responses"]

    for status in ("400", "413", "415", "422", "500", "503"):
        assert list(responses[status]["content"]) == ["application/problem+json"], status
        schema = responses[status]["content"]["application/problem+json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Problem"}
    assert "HTTPValidationError" not in app.openapi()["components"]["schemas"]


def test_every_response_field_is_described() -> None:
    schemas = app.openapi()["components"]["schemas"]

    undocumented = [
        f"{name}.{field}"
        for name in (
            "QuoteRequest",
            "QuoteResponse",
            "QuoteOut",
            "SpeakerRefOut",
            "MentionOut",
            "CueOut",
            "SpeakerOut",
            "Meta",
            "Problem",
            "ValidationErrorItem",
        )
        for field, spec in schemas[name]["properties"].items()
        if not spec.get("description")
    ]
    assert not undocumented


def test_example_offsets_index_the_example_text() -> None:
    def spans(node: Any):
        if isinstance(node, dict):
            if {"text", "start", "end"} <= node.keys():
                yield node
            for value in node.values():
                yield from spans(value)
        elif isinstance(node, list):
            for value in node:
                yield from spans(value)

    checked = list(spans(EXAMPLE_RESPONSE))
    assert len(checked) == 9  # 2 quotes x (quote, mention, cue) + 3 speaker mentions
    for span in checked:
        assert EXAMPLE_TEXT[span["start"] : span["end"]] == span["text"]


def test_request_and_response_examples_are_in_the_schema() -> None:
    content = app.openapi()["paths"]["/v1/quotes"]["post"]
    request_examples = content["requestBody"]["content"]["application/json"]["examples"]

    assert request_examples["article"]["value"] == {"text": EXAMPLE_TEXT}
    assert content["responses"]["200"]["content"]["application/json"]["example"] == EXAMPLE_RESPONSE


def test_swagger_ui_is_served_at_docs(empty_client: TestClient) -> None:
    response = empty_client.get("/docs")

    assert response.status_code == 200
    assert "swagger-ui" in response.text
    assert empty_client.get("/openapi.json").json() == json.loads(json.dumps(app.openapi()))


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_their_assets_from_this_service(
    empty_client: TestClient, page: str
) -> None:
    html = empty_client.get(page).text

    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the page references no assets"
    for url in assets:
        assert url.startswith("/"), f"{page} loads {url} from another host (breaks offline)"
        assert empty_client.get(url).status_code == 200, url
