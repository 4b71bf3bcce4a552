"""How one input line is checked: as the API checks a request, plus the id."""

from __future__ import annotations

import json

import pytest

from app.api.schemas import QuoteResponse
from app.cli.records import answer_line, dumps, parse_line, response_body
from app.core.config import Settings
from app.engine.types import Attribution, Cue, Mention, Quote, Speaker, SpeakerRef

SETTINGS = Settings(max_text_chars=80, max_word_chars=20)

SAID = '"We will not close the bridge," Mayor Anne Hidalgo said.'


@pytest.mark.parametrize(
    ("raw", "article_id", "error_types"),
    [
        (json.dumps({"id": "a1", "text": SAID}).encode(), "a1", []),
        # Extra fields (PolNeAR's quotes, a source) are ignored, as the API ignores them.
        (json.dumps({"id": "a1", "text": SAID, "quotes": [], "source": "x"}).encode(), "a1", []),
        (b'{"id": "a1", "text": "He said \\"no.\\""', None, ["json_invalid"]),
        (b"\n", None, ["json_invalid"]),
        (b"\xff\xfe not utf-8\n", None, ["json_invalid"]),
        (b"[1, 2]", None, ["model_attributes_type"]),
        (b'"just a string"', None, ["model_attributes_type"]),
        (json.dumps({"text": SAID}).encode(), None, ["missing"]),
        (json.dumps({"id": 17, "text": SAID}).encode(), None, ["string_type"]),
        (json.dumps({"id": "", "text": SAID}).encode(), None, ["string_too_short"]),
        (json.dumps({"id": "a1"}).encode(), "a1", ["missing"]),
        (json.dumps({"id": "a1", "text": 42}).encode(), "a1", ["string_type"]),
        (json.dumps({"id": "a1", "text": " \n\t "}).encode(), "a1", ["string_blank"]),
        (json.dumps({"id": "a1", "text": "word " * 17}).encode(), "a1", ["string_too_long"]),
        (json.dumps({"id": "a1", "text": "A " + "x" * 21}).encode(), "a1", ["word_too_long"]),
        (json.dumps({"id": "a1", "text": "A " + "x" * 20}).encode(), "a1", []),
        # Every problem of a line is listed, not only the first.
        (json.dumps({"id": 3, "text": ""}).encode(), None, ["string_type", "string_blank"]),
    ],
    ids=[
        "good",
        "extra-fields",
        "invalid-json",
        "empty-line",
        "not-utf-8",
        "array",
        "string",
        "no-id",
        "number-id",
        "empty-id",
        "no-text",
        "number-text",
        "blank-text",
        "too-long",
        "word-too-long",
        "word-at-the-limit",
        "two-problems",
    ],
)
def test_a_line_is_checked_as_the_api_checks_a_request(
    raw: bytes, article_id: str | None, error_types: list[str]
) -> None:
    line = parse_line(raw, 7, SETTINGS)

    assert line.number == 7
    assert line.id == article_id
    assert [e["type"] for e in line.errors] == error_types
    assert (line.text is None) == any(e["loc"] != ["id"] for e in line.errors)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        # A lone surrogate escape becomes U+FFFD, one code point for one, as in the API.
        (b'{"id": "a", "text": "He said \\"no\\ud800.\\""}', 'He said "no\ufffd."'),
        # Surrogates written as raw bytes (WTF-8) too.
        (b'{"id": "a", "text": "x\xed\xa0\x80y"}', "x\ufffdy"),
        # A byte order mark before the first line is no error.
        (b'\xef\xbb\xbf{"id": "a", "text": "Hello."}', "Hello."),
        # Windows line ends.
        (b'{"id": "a", "text": "Hello."}\r\n', "Hello."),
    ],
)
def test_a_text_reaches_the_engine_as_the_api_passes_it(raw: bytes, text: str) -> None:
    assert parse_line(raw, 1, SETTINGS).text == text


def test_an_answer_has_the_shape_of_the_api_response() -> None:
    mention = Mention("Mayor Anne Hidalgo", 32, 50)
    result = Attribution(
        quotes=(
            Quote(
                "q1",
                "We will not close the bridge,",
                1,
                30,
                "direct",
                SpeakerRef("s1", "Anne Hidalgo", mention, "explicit"),
                Cue("said", "say", 51, 55),
                0.95,
            ),
        ),
        speakers=(Speaker("s1", "Anne Hidalgo", "PERSON", (mention,), ("q1",)),),
        meta={"model": "m", "model_version": "1"},
    )

    body = response_body(result)

    assert QuoteResponse.model_validate(body).model_dump(mode="json") == body
    assert list(body) == ["quotes", "speakers", "unattributed", "meta"]
    assert body["quotes"][0]["speaker"] == {
        "id": "s1",
        "name": "Anne Hidalgo",
        "mention": {"text": "Mayor Anne Hidalgo", "start": 32, "end": 50},
        "resolution": "explicit",
    }
    assert body["quotes"][0]["cue"] == {"text": "said", "lemma": "say", "start": 51, "end": 55}
    assert body["meta"]["service_version"]
    assert list(json.loads(answer_line("a1", result))) == [
        "id",
        "quotes",
        "speakers",
        "unattributed",
        "meta",
    ]


def test_an_id_with_a_lone_surrogate_is_written_escaped_and_reads_back_the_same() -> None:
    line = dumps({"id": "a\ud800", "text": "é"})

    line.encode("utf-8")
    assert json.loads(line) == {"id": "a\ud800", "text": "é"}
    assert dumps({"id": "é"}) == '{"id":"é"}'  # UTF-8 as it is otherwise
