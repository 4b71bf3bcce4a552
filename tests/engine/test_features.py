"""Features of speaker candidates (``app.engine.features``), read off real-style sentences."""

from __future__ import annotations

import pytest

from app.engine.attributor import QuoteAttributor
from app.engine.features import Features, quotation_features, speaker_key
from app.engine.nlp import stored_quote_spans


def candidate_features_of(attributor: QuoteAttributor, text: str) -> dict[str, Features]:
    """The features of the first quotation's candidates, by the text of their cue."""
    doc = next(attributor.analyse([text]))
    spans = stored_quote_spans(doc) or []
    out: dict[str, Features] = {}

    def record(ctx, k, options, findings):
        if k == 0:
            for cand, f in zip(options, quotation_features(ctx, k, options, findings), strict=True):
                if cand.cue is not None:
                    out.setdefault(doc[cand.cue.start : cand.cue.end].text, f)
        return 0, None

    attributor.quote_findings(doc, spans, record)
    return out


@pytest.mark.parametrize(
    ("text", "cue", "expected"),
    [
        # The cue the quotation hangs off, with no cue above it.
        ('"We will appeal the ruling," Maria Lopez said on Monday.', "said",
         {"cue_dominates_quote": 1.0}),
        # Nested attribution: "called" holds the quotation, inside what Israel said ...
        ('Steve Israel said Clinton called on members to be "closely coordinated" this fall.',
         "called", {"cue_dominates_quote": 1.0, "cue_nested": 1.0}),
        # ... and "said" holds it through "called".
        ('Steve Israel said Clinton called on members to be "closely coordinated" this fall.',
         "said", {"cue_dominates_quote": 1.0, "cue_dominates_through_cue": 1.0}),
    ],
)  # fmt: skip
def test_nesting_of_the_cue(attributor: QuoteAttributor, text: str, cue: str, expected) -> None:
    f = candidate_features_of(attributor, text)[cue]
    nesting = {k: v for k, v in f.items() if k.startswith(("cue_dominates", "cue_nested"))}
    assert nesting == expected
    assert f[f"cue_lemma={'call' if cue == 'called' else 'say'}"] == 1.0


@pytest.mark.parametrize(
    ("text", "cue", "expected"),
    [
        # A report that closes the sentence after another attribution vouches for it.
        ('"No comment," Canova said, the Miami Herald reported.', "reported",
         {"cue_trails_attribution": 1.0, "cue_trails_attribution&class=report": 1.0}),
        ('"No comment," Canova said, the Miami Herald reported.', "said", {}),
        # Alone in its sentence, or with more of the sentence to come, it does not.
        ('"No comment," the Miami Herald reported.', "reported", {}),
        ('"No comment," Canova said, the Miami Herald reported on Monday after the long '
         "hearing in the state capital.", "reported", {}),
    ],
)  # fmt: skip
def test_an_attribution_that_closes_the_sentence(
    attributor: QuoteAttributor, text: str, cue: str, expected
) -> None:
    f = candidate_features_of(attributor, text)[cue]
    assert {k: v for k, v in f.items() if k.startswith("cue_trails")} == expected


@pytest.mark.parametrize(
    ("text", "cue", "relation"),
    [
        ('"We will appeal the ruling," Maria Lopez said on Monday.', "said", "nsubj"),
        # The doer of a passive cue, however the parser hangs its "by".
        ('The plan was described as "reckless" by Senator Jane Doe.', "described", "agent"),
        ('The vote followed a suggestion by Senator Dana Ruiz that the board "start over."',
         "suggestion", "agent"),
        ('"We need more buses," said the transport minister, Amara Okafor.', "said", "appos"),
    ],
)  # fmt: skip
def test_the_relation_of_the_speaker_to_the_cue(
    attributor: QuoteAttributor, text: str, cue: str, relation: str
) -> None:
    f = candidate_features_of(attributor, text)[cue]
    assert [k for k in f if k.startswith("dep=")] == [f"dep={relation}"]


def test_candidates_that_name_the_same_speaker_agree(attributor: QuoteAttributor) -> None:
    text = (
        '"We will appeal," Maria Lopez said. Thomas Brandt disagreed.\n'
        '"The ruling is fair and the city will abide by it," Lopez added, as Brandt left.'
    )
    doc = next(attributor.analyse([text]))
    seen: dict[str, Features] = {}

    def record(ctx, k, options, findings):
        if k == 1:
            for cand, f in zip(options, quotation_features(ctx, k, options, findings), strict=True):
                if cand.speaker is not None:
                    seen[cand.speaker.text] = f
        return 0, None

    attributor.quote_findings(doc, stored_quote_spans(doc) or [], record)
    assert seen["Lopez"]["speaker_spoke_before"] == 1.0
    assert seen["Lopez"]["speaker_is_previous"] == 1.0
    if "Brandt" in seen:
        assert seen["Brandt"]["speaker_spoke_before"] == 0.0


@pytest.mark.parametrize(
    ("text", "word", "key"),
    [
        ("Foreign Minister Sergei Lavrov said", "Sergei", "lavrov"),
        ("Mr. Lavrov said", "Lavrov", "lavrov"),
        ("Lavrov said", "Lavrov", "lavrov"),
        ("he said", "he", "he"),
        ("the ministry said", "ministry", "ministry"),
    ],
)
def test_speaker_key_is_the_last_word_of_a_name(attributor, text: str, word: str, key: str) -> None:
    doc = attributor.nlp(text)
    tok = next(t for t in doc if t.text == word)
    assert speaker_key(tok) == key


def test_no_speaker_has_no_key() -> None:
    assert speaker_key(None) is None
