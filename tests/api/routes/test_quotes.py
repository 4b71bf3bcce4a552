"""POST /v1/quotes: what the route sends to the engine and how it reports the result."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from app import __version__
from app.engine.types import Attribution, Cue, Mention, Quote, Speaker, SpeakerRef, Unattributed

from ..fakes import FakeAttributor, MakeClient

ONE_QUOTE_ARTICLE = (
    "The city council met on Monday to discuss the closure of the old bridge. "
    '"We will not close the bridge this year," Mayor Anne Hidalgo said after the vote.'
)


@pytest.mark.slow
def test_article_with_one_quotation_is_attributed_by_the_real_engine(client: TestClient) -> None:
    response = client.post("/v1/quotes", json={"text": ONE_QUOTE_ARTICLE})

    assert response.status_code == 200, response.text
    body = response.json()
    [quote] = body["quotes"]
    assert "We will not close the bridge this year" in quote["text"]
    assert ONE_QUOTE_ARTICLE[quote["start"] : quote["end"]] == quote["text"]
    assert quote["kind"] == "direct"
    assert "Hidalgo" in quote["speaker"]["name"]
    mention = quote["speaker"]["mention"]
    assert ONE_QUOTE_ARTICLE[mention["start"] : mention["end"]] == mention["text"]
    assert quote["cue"]["lemma"] == "say"
    assert ONE_QUOTE_ARTICLE[quote["cue"]["start"] : quote["cue"]["end"]] == quote["cue"]["text"]
    assert 0.0 <= quote["confidence"] <= 1.0
    [speaker] = body["speakers"]
    assert speaker["id"] == quote["speaker"]["id"]
    assert speaker["quote_ids"] == [quote["id"]]
    assert body["meta"]["model"]
    assert body["meta"]["service_version"] == __version__


def test_text_without_quotations_gives_empty_lists(empty_client: TestClient) -> None:
    response = empty_client.post("/v1/quotes", json={"text": "Rates were left unchanged."})

    assert response.status_code == 200
    assert response.json()["quotes"] == []
    assert response.json()["speakers"] == []


def test_meta_names_the_engine_model_and_the_service_version(empty_client: TestClient) -> None:
    meta = empty_client.post("/v1/quotes", json={"text": "Nothing said."}).json()["meta"]

    assert meta == {
        "model": "fake_pipeline",
        "model_version": "0.0.0",
        "service_version": __version__,
    }


def test_engine_records_are_converted_field_by_field(make_client: MakeClient) -> None:
    text = '"No comment," she said. Ms. Ito left.'
    ito = Mention("Ms. Ito", 24, 31)
    she = Mention("she", 14, 17)
    attribution = Attribution(
        quotes=(
            Quote(
                id="q1",
                text="No comment,",
                start=1,
                end=12,
                kind="direct",
                speaker=SpeakerRef("s7", "Ms. Ito", she, "pronoun"),
                cue=Cue("said", "say", 18, 22),
                confidence=0.75,
            ),
        ),
        speakers=(Speaker("s7", "Ms. Ito", "PERSON", (she, ito), ("q1",)),),
    )
    client = make_client(FakeAttributor(lambda _: attribution))

    body = client.post("/v1/quotes", json={"text": text}).json()

    assert body["quotes"] == [
        {
            "id": "q1",
            "text": "No comment,",
            "start": 1,
            "end": 12,
            "kind": "direct",
            "speaker": {
                "id": "s7",
                "name": "Ms. Ito",
                "mention": {"text": "she", "start": 14, "end": 17},
                "resolution": "pronoun",
            },
            "cue": {"text": "said", "lemma": "say", "start": 18, "end": 22},
            "confidence": 0.75,
        }
    ]
    assert body["speakers"] == [
        {
            "id": "s7",
            "name": "Ms. Ito",
            "label": "PERSON",
            "mentions": [
                {"text": "she", "start": 14, "end": 17},
                {"text": "Ms. Ito", "start": 24, "end": 31},
            ],
            "quote_ids": ["q1"],
        }
    ]


def test_unattributed_words_are_converted_field_by_field(make_client: MakeClient) -> None:
    text = 'She appeared on "Meet the Press" and said "no comment" twice.'
    attribution = Attribution(
        unattributed=(
            Unattributed("Meet the Press", 17, 31, "title"),
            Unattributed("no comment", 43, 53, "no_speaker"),
        )
    )
    client = make_client(FakeAttributor(lambda _: attribution))

    body = client.post("/v1/quotes", json={"text": text}).json()

    assert body["quotes"] == []
    assert body["unattributed"] == [
        {"text": "Meet the Press", "start": 17, "end": 31, "reason": "title"},
        {"text": "no comment", "start": 43, "end": 53, "reason": "no_speaker"},
    ]
    for u in body["unattributed"]:
        assert text[u["start"] : u["end"]] == u["text"]


def test_quote_without_speaker_or_cue_has_nulls(make_client: MakeClient) -> None:
    text = '"Unattributed words."'
    orphan = Quote("q1", "Unattributed words.", 1, 20, "direct", None, None, 0.2)
    client = make_client(FakeAttributor(lambda _: Attribution(quotes=(orphan,))))

    [quote] = client.post("/v1/quotes", json={"text": text}).json()["quotes"]

    assert quote["speaker"] is None
    assert quote["cue"] is None


def test_text_reaches_the_engine_exactly_as_sent(
    empty_client: TestClient, empty_engine: FakeAttributor
) -> None:
    text = "  Leading and trailing whitespace stays,\r\n\tso offsets stay valid.  \n"

    empty_client.post("/v1/quotes", json={"text": text})

    assert empty_engine.texts[-1] == text


def test_unknown_fields_are_ignored(empty_client: TestClient) -> None:
    response = empty_client.post(
        "/v1/quotes", json={"text": "Nothing said.", "include_indirect": True}
    )

    assert response.status_code == 200


def test_lone_surrogates_are_replaced_one_for_one(
    empty_client: TestClient, empty_engine: FakeAttributor
) -> None:
    # json.dumps escapes a lone surrogate as \ud800, as a JavaScript client's JSON.stringify would.
    body = json.dumps({"text": "a\ud800b\udfffc \U0001f600"})

    response = empty_client.post(
        "/v1/quotes", content=body, headers={"content-type": "application/json"}
    )

    assert response.status_code == 200
    assert empty_engine.texts[-1] == "a\ufffdb\ufffdc \U0001f600"


def test_offsets_index_the_text_after_surrogate_replacement(one_quote_client: TestClient) -> None:
    body = json.dumps({"text": "ab\ud800cdef"})

    response = one_quote_client.post(
        "/v1/quotes", content=body, headers={"content-type": "application/json"}
    )

    [quote] = response.json()["quotes"]
    assert "ab\ufffdcdef"[quote["start"] : quote["end"]] == quote["text"] == "\ufffdc"


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "application/vnd.api+json"],
)
def test_json_content_types_are_accepted(empty_client: TestClient, content_type: str) -> None:
    response = empty_client.post(
        "/v1/quotes", content=b'{"text": "Nothing said."}', headers={"content-type": content_type}
    )

    assert response.status_code == 200


def test_include_indirect_is_off_unless_asked(empty_client) -> None:
    schema = empty_client.get("/openapi.json").json()
    field = schema["components"]["schemas"]["QuoteRequest"]["properties"]["include_indirect"]
    assert field["default"] is False
    assert "indirect" in schema["components"]["schemas"]["QuoteOut"]["properties"]["kind"]["enum"]


def test_include_indirect_must_be_a_boolean(empty_client) -> None:
    response = empty_client.post("/v1/quotes", json={"text": "Hello.", "include_indirect": [1]})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


def test_an_endless_word_is_refused_with_a_clear_422(make_client: MakeClient) -> None:
    client = make_client(max_word_chars=50)
    response = client.post("/v1/quotes", json={"text": "Fine words. " + "😀" * 51})
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["type"] == "word_too_long"
    assert "51" in problem["detail"]
