"""POST /v1/quotes/batch: one result per article, in order; a bad article fails alone."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.engine.types import Attribution

from ..fakes import FakeAttributor, MakeClient, one_quote_in_middle_third
from .test_quotes import ONE_QUOTE_ARTICLE

BATCH = "/v1/quotes/batch"


def test_each_article_gets_its_result_in_order(one_quote_client: TestClient) -> None:
    texts = ["First article, said someone.", "Second one is longer, said another.", "Third."]
    response = one_quote_client.post(
        BATCH, json={"articles": [{"id": f"a{k}", "text": t} for k, t in enumerate(texts)]}
    )

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["a0", "a1", "a2"]
    for text, result in zip(texts, results, strict=True):
        single = one_quote_client.post("/v1/quotes", json={"text": text}).json()
        parts = ("quotes", "speakers", "unattributed")
        assert {k: result[k] for k in parts} == {k: single[k] for k in parts}
        assert result["error"] is None


@pytest.mark.parametrize(
    ("bad_article", "status", "error_type"),
    [
        ({"id": "bad", "text": "   \n "}, 422, "string_blank"),
        ({"id": "bad", "text": "x" * 101}, 422, "string_too_long"),
        ({"id": "bad", "text": "a " + "y" * 40}, 422, "word_too_long"),
        ({"id": "good", "text": "A second article with the id of the first."}, 422, "duplicate_id"),
    ],
)
def test_a_refused_article_gets_its_own_problem_and_the_others_their_results(
    make_client: MakeClient, bad_article: dict, status: int, error_type: str
) -> None:
    client = make_client(
        FakeAttributor(one_quote_in_middle_third), max_text_chars=100, max_word_chars=30
    )
    articles = [{"id": "good", "text": "A good article."}, bad_article, {"id": "z", "text": "Z."}]
    response = client.post(BATCH, json={"articles": articles})

    assert response.status_code == 200, response.text
    good, bad, last = response.json()["results"]
    assert good["quotes"] and last["quotes"]
    assert bad["quotes"] is None and bad["speakers"] is None
    problem = bad["error"]
    assert problem["status"] == status
    assert problem["instance"] == "/v1/quotes/batch#/articles/1"
    assert [e["type"] for e in problem["errors"]] == [error_type]
    assert problem["errors"][0]["loc"] == ["body", "articles", 1, "text"]


def test_an_article_the_engine_fails_on_fails_alone(make_client: MakeClient) -> None:
    def fails_on_boom(text: str) -> Attribution:
        if "boom" in text:
            raise RuntimeError("the engine broke")
        return one_quote_in_middle_third(text)

    client = make_client(FakeAttributor(fails_on_boom))
    articles = [{"id": str(k), "text": "boom" if k == 2 else f"Article {k}."} for k in range(5)]
    response = client.post(BATCH, json={"articles": articles})

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["error"]["status"] if r["error"] else 200 for r in results] == [
        200,
        200,
        500,
        200,
        200,
    ]
    assert "the engine broke" not in results[2]["error"]["detail"]  # no internals


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"articles": []}, ["body", "articles"]),
        ({"articles": [{"id": "", "text": "x"}]}, ["body", "articles", 0, "id"]),
        ({"articles": [{"text": "no id"}]}, ["body", "articles", 0, "id"]),
        ({"articles": [{"id": "a", "text": 5}]}, ["body", "articles", 0, "text"]),
        ({"articles": "not a list"}, ["body", "articles"]),
        (
            {"articles": [{"id": "a", "text": "x"}], "include_indirect": "yes"},
            ["body", "include_indirect"],
        ),
    ],
)
def test_a_request_that_is_not_a_batch_is_refused_whole(
    empty_client: TestClient, body: dict, where: list
) -> None:
    response = empty_client.post(BATCH, json=body)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == where


def test_more_articles_than_the_batch_limit_is_refused_whole(make_client: MakeClient) -> None:
    client = make_client(FakeAttributor(), max_batch_size=3)
    articles = [{"id": str(k), "text": "Text."} for k in range(4)]
    response = client.post(BATCH, json={"articles": articles})

    assert response.status_code == 422
    assert "at most 3 articles" in response.json()["detail"]
    assert client.post(BATCH, json={"articles": articles[:3]}).status_code == 200


def test_a_batch_needs_a_json_body(empty_client: TestClient) -> None:
    response = empty_client.post(BATCH, content=b"articles", headers={"content-type": "text/plain"})
    assert response.status_code == 415


@pytest.mark.slow
def test_the_real_engine_answers_a_batch_as_it_answers_each_article(client: TestClient) -> None:
    texts = [ONE_QUOTE_ARTICLE, "No quotation here.", '"Fine," he said.\n\n"Really fine."']
    articles = [{"id": f"n{k}", "text": t} for k, t in enumerate(texts)]
    for indirect in (False, True):
        response = client.post(BATCH, json={"articles": articles, "include_indirect": indirect})
        assert response.status_code == 200, response.text
        for text, result in zip(texts, response.json()["results"], strict=True):
            single = client.post("/v1/quotes", json={"text": text, "include_indirect": indirect})
            assert result["quotes"] == single.json()["quotes"]
            assert result["speakers"] == single.json()["speakers"]
