"""The seed article, a real wire story with names stripped by its feed, through the running server.

What it must return is fixed by the product's first issue: exactly four quote-marked
quotations (the page chrome has none), with these kinds, cues and speakers, and the
confidence order that says how each attribution was made.
"""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import shared_file

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed(live_server: str) -> tuple[str, dict]:
    text = shared_file("examples", "lavrov-kono.txt").read_text(encoding="utf-8")
    response = httpx.post(f"{live_server}/v1/quotes", json={"text": text}, timeout=60)
    assert response.status_code == 200, response.text
    return text, response.json()


def test_exactly_four_quotations_in_text_order(seed):
    text, body = seed
    quotes = body["quotes"]
    assert [q["text"][:24] for q in quotes] == [
        "significant differences",
        "The task is not easy, it",
        "Solving a problem that r",
        "It cannot be said that a",
    ]
    assert quotes[1]["text"].endswith("creative work,")
    assert quotes[2]["text"].endswith("is not easy,")
    assert quotes[3]["text"].endswith("these differences.")
    for q in quotes:
        assert text[q["start"] : q["end"]] == q["text"]


def test_kinds_cues_and_speakers(seed):
    _, body = seed
    q1, q2, q3, q4 = body["quotes"]
    assert (q1["kind"], q2["kind"], q3["kind"], q4["kind"]) == (
        "partial",
        "direct",
        "direct",
        "direct",
    )
    assert (q1["cue"]["text"], q2["cue"]["text"], q3["cue"]["text"]) == ("said", "told", "said")
    assert q2["cue"]["lemma"] == "tell"
    assert q1["speaker"]["name"] in {"Lavrov", "Russia"}
    assert q2["speaker"]["name"] == "Lavrov"
    assert q2["speaker"]["mention"]["text"] == "Lavrov"
    assert q3["speaker"]["name"] == "Kono"


def test_quotation_paragraph_continues_previous_speaker(seed):
    _, body = seed
    q3, q4 = body["quotes"][2:]
    assert q4["speaker"]["name"] == "Kono"
    assert q4["speaker"]["id"] == q3["speaker"]["id"]
    assert q4["speaker"]["resolution"] == "continuation"
    assert q4["cue"] is None  # the "said" inside the quotation is part of it


def test_confidence_orders_how_the_speaker_was_found(seed):
    _, body = seed
    q1, q2, q3, q4 = body["quotes"]
    assert q1["confidence"] < q2["confidence"]
    assert q4["confidence"] < q3["confidence"]


def test_speaker_list_holds_lavrov_and_kono_with_their_quotes(seed):
    text, body = seed
    by_name = {s["name"]: s for s in body["speakers"]}
    assert {"Lavrov", "Kono"} <= set(by_name)
    assert by_name["Lavrov"]["quote_ids"][-1] == "q2"
    assert by_name["Kono"]["quote_ids"] == ["q3", "q4"]
    for s in body["speakers"]:
        for m in s["mentions"]:
            assert text[m["start"] : m["end"]] == m["text"]
    ids = {s["id"] for s in body["speakers"]}
    assert all(q["speaker"]["id"] in ids for q in body["quotes"])


@pytest.fixture(scope="module")
def seed_with_indirect(live_server: str) -> tuple[str, dict]:
    text = shared_file("examples", "lavrov-kono.txt").read_text(encoding="utf-8")
    response = httpx.post(
        f"{live_server}/v1/quotes", json={"text": text, "include_indirect": True}, timeout=60
    )
    assert response.status_code == 200, response.text
    return text, response.json()


def test_reported_speech_adds_to_the_quotations_without_changing_them(seed, seed_with_indirect):
    _, plain = seed
    text, body = seed_with_indirect
    quote_marked = [q for q in body["quotes"] if q["kind"] != "indirect"]
    assert quote_marked == plain["quotes"]
    indirect = {q["text"][:40]: q for q in body["quotes"] if q["kind"] == "indirect"}
    meeting = next(q for k, q in indirect.items() if k.startswith("A further meeting between"))
    assert meeting["text"].endswith("in Tokyo")
    assert meeting["speaker"]["name"] == "Lavrov"
    assert meeting["cue"]["text"] == "said"
    negotiations = next(
        q for k, q in indirect.items() if k.startswith("negotiations should be based on a 1956")
    )
    assert negotiations["speaker"]["name"] == "Moscow"
    for q in body["quotes"]:
        assert text[q["start"] : q["end"]] == q["text"]
        assert 0.0 <= q["confidence"] <= 1.0
