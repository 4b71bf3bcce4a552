"""Bootstrap intervals over articles (``app.evaluation.uncertainty``)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.evaluation.metrics import ArticleScore, Score, expected_calibration_error
from app.evaluation.uncertainty import METRICS, bootstrap, paired_difference


def article(
    name: str, gold: int, pred: int, matched: int, right: int, calibration=()
) -> ArticleScore:
    return ArticleScore(name, gold, pred, matched, matched, right, False, {}, list(calibration), [])


def scored(*articles: ArticleScore) -> Score:
    total = Score()
    for a in articles:
        total.add(a)
    return total


MIXED = scored(
    article("a", 10, 9, 9, 8, [(0.9, True)] * 8 + [(0.6, False)]),
    article("b", 4, 6, 3, 1, [(0.95, True), (0.4, False), (0.7, False)]),
    article("c", 7, 7, 7, 7, [(0.99, True)] * 7),
    article("d", 3, 0, 0, 0),
    article("e", 12, 11, 10, 9, [(0.85, True)] * 9 + [(0.85, False)] * 2),
)


def summary_figures(total: Score) -> dict[str, float]:
    s = total.summary()
    return {"attr_f1": s["attr_f1"], "quote_f1": s["quote_f1"], "ece": s.get("ece", 0.0)}


@pytest.mark.parametrize(
    ("articles", "expected"),
    [
        # Every article alike: each resample is the whole set again.
        (
            [article(str(n), 2, 2, 2, 1, [(0.5, True), (0.5, False)]) for n in range(6)],
            {"attr_f1": 0.5, "quote_f1": 1.0, "ece": 0.0},
        ),
        ([article(str(n), 4, 4, 4, 4, [(1.0, True)] * 4) for n in range(3)], {"ece": 0.0}),
        # No confidences at all: ECE is 0, as the summary leaves it out.
        ([article(str(n), 3, 1, 1, 0) for n in range(4)], {"attr_f1": 0.0, "ece": 0.0}),
    ],
)
def test_alike_articles_give_an_interval_of_one_point(articles, expected):
    intervals = bootstrap(scored(*articles), resamples=200)
    for name, value in expected.items():
        i = intervals[name]
        assert i.low == pytest.approx(value) and i.high == pytest.approx(value)
        assert i.estimate == pytest.approx(value)


def test_estimates_are_the_summary_figures():
    intervals = bootstrap(MIXED)
    for name, value in summary_figures(MIXED).items():
        assert round(intervals[name].estimate, 4) == value
    pairs = MIXED.calibration
    assert intervals["ece"].estimate == pytest.approx(expected_calibration_error(pairs))


def test_intervals_are_seeded_and_widen_with_the_level():
    assert bootstrap(MIXED, seed=1) == bootstrap(MIXED, seed=1)
    assert bootstrap(MIXED, seed=1) != bootstrap(MIXED, seed=2)
    wide, narrow = bootstrap(MIXED, level=0.99), bootstrap(MIXED, level=0.5)
    for name in METRICS:
        assert wide[name].low <= narrow[name].low <= narrow[name].high <= wide[name].high
        assert wide[name].low < wide[name].high


def test_paired_difference_of_a_score_with_itself_is_zero():
    diff = paired_difference(MIXED, MIXED)
    for name in METRICS:
        assert (diff[name].estimate, diff[name].low, diff[name].high) == (0.0, 0.0, 0.0)
        assert diff[name].ahead == 0.0


def test_paired_difference_of_a_better_scorer_in_every_article():
    # One right attribution fewer in each article (those that have one to lose).
    better = scored(*(a for a in MIXED.articles if a.speaker_right))
    worse = scored(
        *(
            article(a.article_id, a.gold_quotes, a.pred_quotes, a.matched, a.speaker_right - 1)
            for a in better.articles
        )
    )
    diff = paired_difference(better, worse)["attr_f1"]
    assert diff.estimate > 0 and diff.low > 0 and diff.ahead == 1.0
    # The paired interval is narrower than either scorer's own.
    own = bootstrap(better)["attr_f1"]
    assert diff.high - diff.low < own.high - own.low


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (MIXED, scored(*MIXED.articles[:-1])),
        (MIXED, scored(*reversed(MIXED.articles))),
        (Score(), Score()),
    ],
)
def test_paired_difference_needs_the_same_articles(first, second):
    with pytest.raises(ValueError, match="same articles"):
        paired_difference(first, second)


def test_no_articles_no_interval():
    with pytest.raises(ValueError, match="no articles"):
        bootstrap(Score())


@st.composite
def article_scores(draw) -> Score:
    n = draw(st.integers(min_value=1, max_value=12))
    out = []
    for k in range(n):
        gold = draw(st.integers(0, 15))
        pred = draw(st.integers(0, 15))
        matched = draw(st.integers(0, min(gold, pred)))
        right = draw(st.integers(0, matched))
        confidences = draw(st.lists(st.floats(0.0, 1.0), min_size=pred, max_size=pred))
        calibration = [(c, i < right) for i, c in enumerate(confidences)]
        out.append(article(str(k), gold, pred, matched, right, calibration))
    return scored(*out)


@settings(max_examples=60, deadline=None)
@given(article_scores())
def test_intervals_are_ordered_and_in_range(total):
    intervals = bootstrap(total, resamples=100)
    for name, value in summary_figures(total).items():
        i = intervals[name]
        assert 0.0 <= i.low <= i.high <= 1.0
        # The summary rounds to 4 decimals; the estimate is unrounded, and summed in another
        # order, so at a rounding boundary (0.03125) rounding it again can land a unit away.
        assert i.estimate == pytest.approx(value, abs=5e-5 + 1e-9)
