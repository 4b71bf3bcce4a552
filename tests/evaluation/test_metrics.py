"""The scoring rules of ``app.evaluation.metrics``, one table line per case, and a check that
its summary equals the reference scorer's output on hand-made files and on engine output."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.evaluation.__main__ import main
from app.evaluation.metrics import (
    DEFAULT_KINDS,
    Match,
    Score,
    brier_score,
    expected_calibration_error,
    head_name,
    match_quotes,
    parse_kinds,
    read_by_id,
    score,
    score_article,
    speaker_is_right,
    trim,
    write_jsonl,
)
from tests.evaluation.conftest import DEV_QUOTED, RunReference


def q(start: int, end: int, **fields: Any) -> dict[str, Any]:
    return {"start": start, "end": end, "text": "", **fields}


# --- trimming and matching ---------------------------------------------------------------

TRIM_CASES = [
    # text, (start, end), trimmed text
    ('He said: "We will win."', (8, 23), "We will win"),
    ("\u201cWe\u2019ll see,\u201d she said", (0, 12), "We\u2019ll see"),
    ("(a) -- [b]", (0, 10), "a) -- [b"),
    ("...", (0, 3), ""),
    ("plain", (0, 5), "plain"),
]


@pytest.mark.parametrize(("text", "span", "expected"), TRIM_CASES)
def test_trim_strips_whitespace_and_edge_punctuation(text, span, expected):
    start, end = trim(text, *span)
    assert text[start:end] == expected


TEXT = "x" * 300

MATCH_CASES = [
    # gold spans, predicted spans, expected matches (gold index, pred index, exact)
    pytest.param([(0, 10)], [(0, 10)], [(0, 0, True)], id="identical"),
    pytest.param([(0, 100)], [(0, 51)], [(0, 0, False)], id="jaccard-0.51-matches"),
    pytest.param([(0, 100)], [(0, 50)], [(0, 0, False)], id="jaccard-0.50-matches"),
    pytest.param([(0, 100)], [(0, 49)], [], id="jaccard-0.49-does-not"),
    pytest.param([(0, 100)], [(40, 140)], [], id="shifted-overlap-0.43"),
    pytest.param([(0, 10), (0, 12)], [(0, 10)], [(0, 0, True)], id="one-pred-one-gold"),
    pytest.param([(0, 10)], [(0, 6), (0, 9)], [(0, 1, False)], id="best-overlap-first"),
    pytest.param(
        [(0, 10), (20, 30)], [(0, 10), (20, 30)], [(1, 1, True), (0, 0, True)], id="each-to-its-own"
    ),
    # Equal overlaps: the reference sorts (overlap, gold, pred) descending, so the later
    # gold quote is served first.
    pytest.param([(0, 10), (0, 10)], [(0, 10)], [(1, 0, True)], id="tie-later-gold-first"),
    pytest.param([], [(0, 10)], [], id="no-gold"),
]


@pytest.mark.parametrize(("gold", "pred", "expected"), MATCH_CASES)
def test_match_quotes(gold, pred, expected):
    matches = match_quotes(TEXT, [q(*s) for s in gold], [q(*s) for s in pred])
    assert matches == [Match(*m) for m in expected]


def test_match_compares_trimmed_spans():
    text = 'He said, "Yes, we will." Then he left.'
    gold = q(10, 23)  # Yes, we will.   (inside the marks, final stop kept)
    pred = q(8, 24)  # ' "Yes, we will."'  (marks and space included)
    assert match_quotes(text, [gold], [pred]) == [Match(0, 0, True)]


# --- speaker rules -----------------------------------------------------------------------

HEAD_NAME_CASES = [
    ("Donald Trump", "trump"),
    ("Mr. Trump", "trump"),
    ("Trump's campaign manager, Kellyanne Conway", "trump"),
    ("Clinton\u2019s spokesman", "clinton"),
    ("the Democratic nominee", "democratic"),
    ("he", None),
    ("a source", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("speaker", "expected"), HEAD_NAME_CASES)
def test_head_name(speaker, expected):
    assert head_name(speaker) == expected


SPEAKER_CASES = [
    # gold (speaker, spans), predicted (speaker, spans), right?
    pytest.param((None, []), (None, []), True, id="no-speaker-both"),
    pytest.param((None, []), ("Trump", [[0, 5]]), False, id="gold-none-pred-some"),
    pytest.param(("Trump", [[0, 5]]), (None, []), False, id="pred-none"),
    pytest.param(
        ("he", [[50, 52]]),
        ("Donald Trump", [[10, 22], [50, 52]]),
        True,
        id="pronoun-span-in-entity-mentions",
    ),
    pytest.param(
        ("he", [[50, 52]]), ("Donald Trump", [[10, 22]]), False, id="pronoun-not-in-mentions"
    ),
    pytest.param(
        ("he", [[50, 52]]), ("Donald Trump", [[51, 60]]), True, id="one-char-overlap-is-enough"
    ),
    pytest.param(
        ("he", [[50, 52]]), ("Donald Trump", [[52, 60]]), False, id="touching-is-no-overlap"
    ),
    pytest.param(("he", [[5, 7]]), (None, [[5, 7]]), True, id="unnamed-pred-with-span"),
    pytest.param(
        ("Mr. Trump", [[0, 9]]), ("Donald Trump", [[100, 112]]), True, id="head-name-in-pred-name"
    ),
    pytest.param(
        ("Trump's campaign manager, Kellyanne Conway", [[0, 42]]),
        ("Donald Trump", [[100, 112]]),
        True,
        id="possessive-head-before-comma",
    ),
    pytest.param(
        ("Trump's campaign manager, Kellyanne Conway", [[0, 42]]),
        ("Kellyanne Conway", [[100, 116]]),
        False,
        id="name-after-comma-ignored",
    ),
    pytest.param(
        ("Clinton", [[0, 7]]), ("Clinton\u2019s", [[100, 109]]), True, id="possessive-pred-name"
    ),
    pytest.param(
        ("a source", [[0, 8]]),
        ("Anonymous Source", [[100, 116]]),
        False,
        id="no-capitalised-gold-word",
    ),
    pytest.param(("Trump", [[0, 5]]), ("Trumpism", [[100, 108]]), False, id="whole-words-only"),
]


@pytest.mark.parametrize(("gold", "pred", "expected"), SPEAKER_CASES)
def test_speaker_is_right(gold, pred, expected):
    gold_q = {"speaker": gold[0], "speaker_spans": gold[1]}
    pred_q = {"speaker": pred[0], "speaker_spans": pred[1]}
    assert speaker_is_right(gold_q, pred_q) is expected


# --- kinds, errors, calibration ----------------------------------------------------------

ARTICLE = {
    "id": "a1",
    "text": 'Trump said "we will win big" and "nobody knows" today.',
    "quotes": [
        q(
            12,
            27,
            text="we will win big",
            kind="partial",
            speaker="Trump",
            speaker_spans=[[0, 5]],
            attribution_id="E1",
        ),
        q(34, 46, text="nobody knows", kind="partial", speaker="Trump", speaker_spans=[[0, 5]]),
    ],
}


def pred(
    start: int,
    end: int,
    kind: str | None,
    speaker: str | None = "Trump",
    confidence: float | None = 0.9,
) -> dict[str, Any]:
    return {
        "start": start,
        "end": end,
        "kind": kind,
        "speaker": speaker,
        "speaker_spans": [[0, 5]] if speaker == "Trump" else [],
        "confidence": confidence,
    }


@pytest.mark.parametrize(
    ("kinds", "pred_kind", "scored"),
    [
        (DEFAULT_KINDS, "direct", 1),
        (DEFAULT_KINDS, "indirect", 0),
        (DEFAULT_KINDS, None, 1),
        (parse_kinds("direct,partial,continuation,indirect"), "indirect", 1),
        (parse_kinds("direct"), None, 0),
        (parse_kinds("direct"), "partial", 0),
    ],
)
def test_kinds_filter_applies_to_predictions(kinds, pred_kind, scored):
    result = score_article(ARTICLE, {"id": "a1", "quotes": [pred(12, 27, pred_kind)]}, kinds)
    assert (result.pred_quotes, result.matched, result.gold_quotes) == (scored, scored, 2)


def test_parse_kinds_keeps_the_empty_item():
    assert parse_kinds("direct,partial,continuation,") == DEFAULT_KINDS


def test_mismatches_and_calibration_pairs():
    prediction = {
        "id": "a1",
        "quotes": [
            pred(12, 27, "partial", speaker="Clinton", confidence=0.8),  # wrong speaker
            pred(0, 5, "direct", confidence=None),  # spurious, no confidence
            pred(48, 53, "direct", confidence=0.3),  # spurious
        ],
    }
    result = score_article(ARTICLE, prediction)
    assert [(m.type, m.quote, m.gold, m.pred) for m in result.mismatches] == [
        ("wrong_speaker", "we will win big", "Trump", "Clinton"),
        ("missed", "nobody knows", "Trump", None),
        ("spurious", "Trump", None, "Trump"),
        ("spurious", "today", None, "Trump"),
    ]
    assert result.mismatches[0].attribution_id == "E1"
    assert result.calibration == [(0.8, False), (0.3, False)]


def test_missing_prediction_counts_every_gold_quote_missed():
    total = score({"a1": ARTICLE}, {})
    assert total.summary()["missing_predictions"] == 1
    assert [m.type for m in total.mismatches] == ["missed", "missed"]


def test_ece_and_brier_by_hand():
    pairs = [(0.95, True), (0.85, False), (0.15, True), (0.05, False)]
    # One prediction a bin: gaps 0.05, 0.85, 0.85, 0.05 -> ECE 1.8 / 4.
    assert expected_calibration_error(pairs) == pytest.approx(0.45)
    # (0.05^2 + 0.85^2 + 0.85^2 + 0.05^2) / 4
    assert brier_score(pairs) == pytest.approx(0.3625)
    # Two in bin 7 (mean 0.725, accuracy 0.5), one in bin 9: (0.1 + 2 * 0.225) / 3.
    assert expected_calibration_error([(0.9, True), (0.7, False), (0.75, True)]) == pytest.approx(
        0.55 / 3
    )
    # 1.0 falls in the top bin, out-of-range values in the end bins.
    assert expected_calibration_error([(1.0, True), (1.2, True), (-0.1, False)]) == pytest.approx(
        (abs(1.1 - 1.0) * 2 + 0.1) / 3
    )


def test_summary_without_confidences_has_no_ece():
    prediction = {"id": "a1", "quotes": [pred(12, 27, "partial", confidence=None)]}
    summary = score({"a1": ARTICLE}, {"a1": prediction}).summary()
    assert summary["confidence_n"] == 0 and "ece" not in summary and "brier" not in summary
    assert (summary["quote_p"], summary["quote_r"], summary["attr_f1"]) == (1.0, 0.5, 0.6667)


def test_empty_score():
    assert Score().summary()["quote_f1"] == 0.0


# --- agreement with the reference scorer -------------------------------------------------

HAND_GOLD = [
    ARTICLE,
    {
        "id": "a2",
        "text": '"Go home," he told them. "Now."\n\u201cNo,\u201d said Mrs. May\u2019s aide.',
        "quotes": [
            q(1, 9, text="Go home,", kind="direct", speaker="he", speaker_spans=[[11, 13]]),
            q(26, 30, text="Now.", speaker="he", speaker_spans=[[11, 13]]),
            q(
                33,
                36,
                text="No,",
                kind="direct",
                speaker="Mrs. May\u2019s aide",
                speaker_spans=[[43, 58]],
            ),
            q(26, 29, text="Now", kind="partial", speaker=None),
        ],
    },
    {"id": "a3", "text": "No quotes at all.", "quotes": []},
    {
        "id": "a4",
        "text": 'Missing: "the whole thing", they said.',
        "quotes": [
            q(
                10,
                25,
                text="the whole thing",
                kind="partial",
                speaker="they",
                speaker_spans=[[28, 32]],
            )
        ],
    },
    # Two gold quotes on one span (one with a speaker, one without): the tie decides which
    # one the single prediction matches, and so whether its speaker is right.
    {
        "id": "a5",
        "text": 'She said "yes" twice.',
        "quotes": [
            q(10, 13, text="yes", kind="direct", speaker="She", speaker_spans=[[0, 3]]),
            q(10, 13, text="yes", kind="direct", speaker=None),
        ],
    },
]
HAND_PRED = [
    {
        "id": "a1",
        "quotes": [
            pred(11, 28, "partial", confidence=0.97),
            pred(34, 40, "partial", confidence=0.61),
            pred(0, 5, "indirect", confidence=0.2),
        ],
    },
    {
        "id": "a2",
        "quotes": [
            {
                "start": 0,
                "end": 10,
                "kind": "direct",
                "speaker": "Boris",
                "speaker_spans": [[11, 13]],
                "confidence": 0.88,
            },
            {
                "start": 26,
                "end": 30,
                "kind": None,
                "speaker": "Boris",
                "speaker_spans": [],
                "confidence": 0.45,
            },
            {
                "start": 33,
                "end": 36,
                "kind": "direct",
                "speaker": "Theresa May",
                "speaker_spans": [[100, 108]],
                "confidence": 0.75,
            },
            {
                "start": 26,
                "end": 29,
                "kind": "partial",
                "speaker": None,
                "speaker_spans": [],
                "confidence": None,
            },
        ],
    },
    {
        "id": "a3",
        "quotes": [
            {
                "start": 0,
                "end": 9,
                "kind": "direct",
                "speaker": None,
                "speaker_spans": [],
                "confidence": 0.05,
            }
        ],
    },
    {
        "id": "a5",
        "quotes": [
            {
                "start": 10,
                "end": 13,
                "kind": "direct",
                "speaker": None,
                "speaker_spans": [],
                "confidence": 0.5,
            }
        ],
    },
    {"id": "not-in-gold", "quotes": [pred(0, 3, "direct")]},
]


def assert_agrees(
    ours: dict[str, Any],
    reference: dict[str, Any],
    our_errors: list[dict[str, Any]],
    reference_errors: list[dict[str, Any]],
) -> None:
    for key, value in reference.items():
        assert ours[key] == value, key
    assert list(ours) == list(reference)
    # Our error records extend the reference's: same records on its keys, same order.
    assert len(our_errors) == len(reference_errors)
    projected = [{k: e[k] for k in r} for e, r in zip(our_errors, reference_errors, strict=True)]
    assert projected == reference_errors


@pytest.mark.parametrize("kinds", ["direct,partial,continuation,", "direct", "direct,indirect"])
def test_agrees_with_reference_scorer_on_hand_made_files(
    tmp_path: Path, run_reference: RunReference, kinds: str
):
    gold_file, pred_file = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    write_jsonl(gold_file, HAND_GOLD)
    write_jsonl(pred_file, HAND_PRED)
    reference, reference_errors = run_reference(gold_file, pred_file, "--kinds", kinds)
    total = score(read_by_id(gold_file), read_by_id(pred_file), parse_kinds(kinds))
    assert_agrees(
        total.summary(), reference, [m.to_json() for m in total.mismatches], reference_errors
    )
    assert reference["missing_predictions"] == 1  # a4 has no prediction line


@pytest.mark.slow
def test_agrees_with_reference_scorer_on_engine_predictions(
    tmp_path: Path, run_reference: RunReference, capsys: pytest.CaptureFixture[str]
):
    gold_file = tmp_path / "gold.jsonl"
    with open(DEV_QUOTED, encoding="utf-8") as fh:
        gold_file.write_text("".join(fh.readline() for _ in range(5)), encoding="utf-8")
    pred_file, errors_file = tmp_path / "pred.jsonl", tmp_path / "errors.jsonl"

    assert main([str(gold_file), "--pred-out", str(pred_file), "--errors", str(errors_file)]) == 0

    ours = json.loads(capsys.readouterr().out.splitlines()[-1])
    reference, reference_errors = run_reference(gold_file, pred_file)
    our_errors = [json.loads(line) for line in errors_file.read_text("utf-8").splitlines()]
    assert_agrees(ours, reference, our_errors, reference_errors)
    assert ours["documents"] == 5 and ours["pred_quotes"] > 0


def test_read_by_id_keeps_first_position_and_last_record(tmp_path: Path):
    path = tmp_path / "x.jsonl"
    write_jsonl(path, [{"id": "a", "n": 1}, {"id": "b", "n": 2}, {"id": "a", "n": 3}])
    assert list(read_by_id(path).items()) == [
        ("a", {"id": "a", "n": 3}),
        ("b", {"id": "b", "n": 2}),
    ]


@pytest.mark.slow
def test_evaluation_command_compares_scorers_and_draws_the_reliability_diagram(
    tmp_path, capsys
) -> None:
    from app.evaluation.__main__ import main as evaluate
    from tests.conftest import shared_file

    gold = shared_file("data", "polnear", "polnear_quoted-dev.jsonl")
    png = tmp_path / "reliability.png"
    assert evaluate([str(gold), "--limit", "4", "--compare", "--reliability", str(png)]) == 0
    out = capsys.readouterr().out
    rows = [line.split()[0] for line in out.splitlines() if line.startswith(("learned ", "rules "))]
    assert rows == ["learned", "rules"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads(out.strip().splitlines()[-1])["documents"] == 4
    # The intervals of the first scorer, and the paired difference of the two.
    assert "95% intervals (1000 resamples of the 4 articles):" in out
    assert "paired difference, learned - rules (1000 resamples of the same articles):" in out
    interval = next(line for line in out.splitlines() if line.startswith("attribution F1"))
    estimate, low, high = (float(x) for x in re.findall(r"\d\.\d{4}", interval))
    assert low <= estimate <= high


def test_evaluation_command_without_intervals(capsys) -> None:
    from app.evaluation.__main__ import main as evaluate
    from tests.conftest import shared_file

    gold = shared_file("data", "polnear", "polnear_quoted-dev.jsonl")
    assert evaluate([str(gold), "--limit", "2", "--resamples", "0"]) == 0
    assert "intervals" not in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        evaluate([str(gold), "--resamples", "-1"])
    assert exit_info.value.code == 2
