"""The scorer's two linear models (``app.training.models``) on small, known problems."""

from __future__ import annotations

import math

import pytest

from app.training.models import fit_conditional_logit, fit_logistic


def lists_where_the_near_candidate_is_right(n: int):
    """Quotations of two candidates: the near one is right, except every fifth time."""
    lists, right = [], []
    for i in range(n):
        # "length" is the same for both candidates of a quotation: a softmax cannot use it.
        near = {"near": 1.0, "length": float(i % 7)}
        far = {"far": 1.0, "length": float(i % 7)}
        lists.append([far, near])
        right.append([i % 5 == 0, i % 5 != 0])
    return lists, right


def test_conditional_logit_ranks_what_is_usually_right_first() -> None:
    lists, right = lists_where_the_near_candidate_is_right(200)
    w = fit_conditional_logit(lists, right, C=1.0)
    assert w["near"] > w["far"]
    # Four right in five: the fitted odds of near over far come close to 4.
    assert 2.5 < math.exp(w["near"] - w["far"]) < 5.5


def test_conditional_logit_gives_no_weight_to_what_a_list_shares() -> None:
    w = fit_conditional_logit(*lists_where_the_near_candidate_is_right(100), C=1.0)
    assert w["length"] == pytest.approx(0.0, abs=1e-6)


def test_conditional_logit_ignores_quotations_without_a_right_candidate() -> None:
    lists, right = lists_where_the_near_candidate_is_right(100)
    noise = [[{"near": 1.0}, {"far": 1.0}]] * 50
    with_noise = fit_conditional_logit(lists + noise, right + [[False, False]] * 50, C=1.0)
    assert with_noise == fit_conditional_logit(lists, right, C=1.0)


def test_conditional_logit_is_deterministic() -> None:
    data = lists_where_the_near_candidate_is_right(150)
    assert fit_conditional_logit(*data, C=0.5) == fit_conditional_logit(*data, C=0.5)


def test_conditional_logit_needs_a_right_candidate_somewhere() -> None:
    with pytest.raises(SystemExit):
        fit_conditional_logit([[{"a": 1.0}]], [[False]], C=1.0)


def test_logistic_puts_the_intercept_in_bias() -> None:
    rows = [{"bias": 1.0, "x": float(i % 2)} for i in range(100)]
    labels = [i % 2 == 1 or i % 10 == 0 for i in range(100)]
    w = fit_logistic(rows, labels, C=1.0, seed=13)
    assert w["x"] > 0 and "bias" in w
