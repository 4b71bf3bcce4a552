"""Property tests: whatever Unicode an article holds, POST /v1/quotes never answers 5xx.

Texts mix any code point with the ones that break naive services: lone surrogates (sent as
JSON escapes such as \\ud800, or as raw bytes that are not UTF-8), control characters and
NUL, bidirectional marks, emoji, and quotation marks of many scripts.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

NASTY = st.one_of(
    st.characters(),  # any code point, surrogates included
    st.characters(categories=["Cs"]),  # lone surrogates, often
    st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]),  # controls, NUL, RTL marks, spaces
    st.sampled_from(list("\"'“”‘’«»„‚「」『』\u05f4😀👩‍👩‍👧 \n")),
)
# Not st.text(alphabet=...): it silently drops surrogates, which are the point here.
TEXTS = st.lists(NASTY, max_size=200).map("".join)
PROPERTY = settings(max_examples=150, deadline=None)


def post(client: TestClient, text: str, ascii_only: bool):
    # ascii_only: surrogates travel as \ud800 escapes, as JSON.stringify sends them; otherwise
    # the code points are sent raw, surrogates as the 3-byte forms UTF-8 forbids (WTF-8).
    body = json.dumps({"text": text}, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    return client.post("/v1/quotes", content=body, headers={"content-type": "application/json"})


def analysed(text: str, ascii_only: bool) -> str:
    """The text the engine gets. JSON joins an escaped surrogate pair into one character;
    raw surrogate bytes are decoded one by one (Python's json reads them with surrogatepass).
    Either way the service then replaces every surrogate still alone with U+FFFD."""
    received = json.loads(json.dumps(text)) if ascii_only else text
    return "".join("\ufffd" if 0xD800 <= ord(char) <= 0xDFFF else char for char in received)


def decoded(response) -> dict:
    """The body as JSON, decoded strictly: invalid UTF-8 or JSON fails the test."""
    return json.loads(response.content.decode("utf-8"))


@PROPERTY
@given(text=TEXTS, ascii_only=st.booleans())
def test_any_text_gives_4xx_or_empty_lists_when_the_engine_finds_nothing(
    empty_client: TestClient, text: str, ascii_only: bool
) -> None:
    response = post(empty_client, text, ascii_only)

    assert response.status_code < 500
    body = decoded(response)
    if response.status_code == 200:
        assert body["quotes"] == [] and body["speakers"] == []
    else:
        assert response.status_code in (400, 422)
        assert body["status"] == response.status_code


@PROPERTY
@given(text=TEXTS, ascii_only=st.booleans())
def test_any_text_gives_4xx_or_valid_offsets_when_the_engine_finds_a_quote(
    one_quote_client: TestClient, text: str, ascii_only: bool
) -> None:
    response = post(one_quote_client, text, ascii_only)

    assert response.status_code < 500
    body = decoded(response)
    if response.status_code == 200:
        seen = analysed(text, ascii_only)
        [quote] = body["quotes"]
        assert seen[quote["start"] : quote["end"]] == quote["text"]
        mention = quote["speaker"]["mention"]
        assert seen[mention["start"] : mention["end"]] == mention["text"]
        assert seen[quote["cue"]["start"] : quote["cue"]["end"]] == quote["cue"]["text"]


@PROPERTY
@given(body=st.binary(max_size=200))
def test_any_bytes_give_a_problem_or_a_result_never_5xx(
    one_quote_client: TestClient, body: bytes
) -> None:
    response = one_quote_client.post(
        "/v1/quotes", content=body, headers={"content-type": "application/json"}
    )

    assert response.status_code < 500
    decoded(response)


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(text=TEXTS)
def test_any_text_never_gives_5xx_with_the_real_engine(client: TestClient, text: str) -> None:
    response = post(client, text, ascii_only=True)

    assert response.status_code < 500, response.text
    decoded(response)
