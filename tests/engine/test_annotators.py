"""The array-based attribute ruler and lemmatizer give the components' output, token for token."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from app.engine.annotators import FastAttributeRuler, FastLemmatizer, Recent, fast_annotator
from tests.conftest import shared_file

SENTENCES = [
    # The ruler's exceptions: "but" as an adverb, articles and demonstratives, negation,
    # auxiliaries and their contractions, "gonna"/"ain't" (two-token rules).
    "But I wasn't gonna say that, and he ain't either.",
    "That is not what those officials said: this ministry's statement isn't final.",
    '"We\'ve been clear," she\'d told reporters, "and we\'re not done."',
    "Whether or not the bill passes, Sen. Tim Kaine (D-Va.) said, nothin' changes.",
    "The tweets were deleted; Trump didn't comment, according to the White House.",
    "Lavrov said a further meeting will take place in Tokyo.\n\nKono was less sure.",
]


def _annotated(nlp: Language, text: str, run) -> Doc:
    doc = nlp(text, disable=["attribute_ruler", "lemmatizer", "ner"])
    for step in run:
        doc = step(doc)
    return doc


def _columns(doc: Doc) -> list[tuple[str, str, str, str]]:
    return [(t.text, t.pos_, str(t.morph), t.lemma_) for t in doc]


def _both(nlp: Language, text: str) -> tuple[list, list]:
    ruler, lemmatizer = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer")
    fast = [fast_annotator(ruler), fast_annotator(lemmatizer)]
    return (
        _columns(_annotated(nlp, text, [ruler, lemmatizer])),
        _columns(_annotated(nlp, text, fast)),
    )


@pytest.mark.parametrize("text", SENTENCES)
def test_same_parts_of_speech_morphology_and_lemmas_as_spacy(nlp: Language, text: str) -> None:
    spacy_out, fast_out = _both(nlp, text)
    assert fast_out == spacy_out


def test_same_output_on_a_real_article(nlp: Language) -> None:
    text = shared_file("examples", "lavrov-kono.txt").read_text(encoding="utf-8")
    spacy_out, fast_out = _both(nlp, text)
    assert fast_out == spacy_out


def test_stand_ins_are_chosen_for_the_rule_components_only(nlp: Language) -> None:
    assert isinstance(fast_annotator(nlp.get_pipe("attribute_ruler")), FastAttributeRuler)
    assert isinstance(fast_annotator(nlp.get_pipe("lemmatizer")), FastLemmatizer)
    assert fast_annotator(nlp.get_pipe("parser")) is None
    assert fast_annotator(nlp.get_pipe("ner")) is None


def test_lemmas_survive_a_memory_zone(nlp: Language) -> None:
    """A lemma made inside one zone is still right in the next: the cache keeps strings."""
    lemmatizer = fast_annotator(nlp.get_pipe("lemmatizer"))
    ruler = fast_annotator(nlp.get_pipe("attribute_ruler"))
    text = "The Zorblatts zorbled the quizzicalities."
    with nlp.memory_zone():
        first = _columns(_annotated(nlp, text, [ruler, lemmatizer]))
    with nlp.memory_zone():
        second = _columns(_annotated(nlp, text, [ruler, lemmatizer]))
    assert first == second == _both(nlp, text)[0]


def test_an_empty_doc_passes_through(nlp: Language) -> None:
    for component in ("attribute_ruler", "lemmatizer"):
        annotator = fast_annotator(nlp.get_pipe(component))
        assert annotator is not None
        assert len(annotator(nlp.make_doc(""))) == 0


def test_a_recent_cache_is_bounded_and_keeps_what_is_in_use() -> None:
    turns = []
    cache: Recent[str, int] = Recent(size=4, on_turn=lambda: turns.append(1))
    cache.put("the", 0)
    for k in range(100):
        cache.put(f"name{k}", k)
        assert len(cache) <= 8  # two generations of four at most
        assert cache.get("the") == 0  # in use all along: never dropped
    assert cache.get("name0") is None  # long unused: dropped
    assert cache.get("name99") == 99
    assert len(turns) >= 20  # the owner hears of every turn (to empty caches of its own)
