"""Step 2, attribution cues (``app.engine.cues``): lexicon matches over a spaCy ``Doc``.

The rule tests build their ``Doc`` by hand (words, lemmas, tags, dependencies), so they pin
the matching rules whatever the statistical model predicts; one table runs real sentences
through the pipeline to pin the lemma matching end to end.
"""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from app.engine.cues import find_cues
from app.engine.lexicon import Lexicon

from .conftest import cues_of


def cues(doc: Doc, lexicon: Lexicon, quoted: list[tuple[int, int]] | None = None) -> list[str]:
    return [c.text(doc) for c in find_cues(doc, lexicon, quoted or [])]


VOCAB = spacy.blank("en").vocab  # English lexical attributes (lower case, punctuation)


def doc_id(value: object) -> str | None:
    """Test ids: the words of a hand-built ``Doc``, the cues expected of it."""
    if isinstance(value, Doc):
        return value.text.strip()
    if isinstance(value, list):
        return "cue " + "+".join(value) if value else "no cue"
    return None


def parsed(words: str, lemmas: str, tags: str, pos: str, heads: list[int], deps: str) -> Doc:
    """A hand-built ``Doc``; the string arguments are space-separated, one item per word."""
    return Doc(
        VOCAB,
        words=words.split(),
        lemmas=lemmas.split(),
        tags=tags.split(),
        pos=pos.split(),
        heads=heads,
        deps=deps.split(),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Okafor says the bridge is safe.", [("says", "say")]),
        ("Okafor told reporters the bridge was safe.", [("told", "tell")]),
        ("She added that the vote was close.", [("added", "add")]),
        ("Park insists the budget is balanced.", [("insists", "insist")]),
        ("The transport agency warned of long delays.", [("warned", "warn")]),
        ("He explained the plan to the council.", [("explained", "explain")]),
        ("Lopez wrote in a memo that costs had doubled.", [("wrote", "write")]),
        ("The mayor tweeted a photo of the bridge.", [("tweeted", "tweet")]),
        ('"We are ready," said Okafor.', [("said", "say")]),
        ("Costs doubled, according to the agency.", [("according to", "according to")]),
        ("She pointed out that costs had doubled.", [("pointed out", "point")]),
        ("Costs were, as he put it, out of control.", [("put", "put")]),
        ("He went on to thank the workers.", [("went on", "go"), ("thank", "thank")]),
        ("He went to the bridge on Monday.", []),
        ("She put the file on the desk.", []),
        ("She pointed at the map on the wall.", []),
        ('"Nobody can say we did not try," Okafor told reporters.', [("told", "tell")]),
        ('The bridge was, "according to the plans we saw," safe.', []),
    ],
)
def test_cues_of_real_sentences(nlp: Language, lexicon: Lexicon, text: str, expected: list) -> None:
    doc = nlp(text)
    assert [(c.text(doc), c.lemma) for c in cues_of(doc, lexicon)] == expected


def test_verb_matches_by_lemma_not_by_word_form(lexicon: Lexicon) -> None:
    doc = parsed("Okafor insisted", "Okafor insist", "NNP VBD", "PROPN VERB", [1, 1], "nsubj ROOT")
    (cue,) = find_cues(doc, lexicon)
    assert (cue.text(doc), cue.lemma, cue.entry.cls, cue.head) == (
        "insisted",
        "insist",
        "assertion",
        1,
    )


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (parsed("He went on", "he go on", "PRP VBD RP", "PRON VERB ADP", [1, 1, 1], "nsubj ROOT prt"), ["went on"]),
        (parsed("He went home", "he go home", "PRP VBD RB", "PRON VERB ADV", [1, 1, 1], "nsubj ROOT advmod"), []),
        (parsed("He went", "he go", "PRP VBD", "PRON VERB", [1, 1], "nsubj ROOT"), []),
        (parsed("as he put it", "as he put it", "IN PRP VBD PRP", "SCONJ PRON VERB PRON", [2, 2, 2, 2],
                "mark nsubj ROOT dobj"), ["put"]),
        (parsed("he put files", "he put file", "PRP VBD NNS", "PRON VERB NOUN", [1, 1, 1], "nsubj ROOT dobj"), []),
        (parsed("She pointed out", "she point out", "PRP VBD RP", "PRON VERB ADP", [1, 1, 1], "nsubj ROOT prt"),
         ["pointed out"]),
        (parsed("She pointed", "she point", "PRP VBD", "PRON VERB", [1, 1], "nsubj ROOT"), []),
        # A particle the parser tagged an adverb, right after the verb, is the particle.
        (parsed("Sanders shot back", "Sanders shoot back", "NNP VBD RB", "PROPN VERB ADV", [1, 1, 1],
                "nsubj ROOT advmod"), ["shot back"]),
        (parsed("Sanders shot it back", "Sanders shoot it back", "NNP VBD PRP RB", "PROPN VERB PRON ADV",
                [1, 1, 1, 1], "nsubj ROOT dobj advmod"), []),
    ],
    ids=doc_id,
)  # fmt: skip
def test_verb_that_requires_a_particle_or_object_is_a_cue_only_with_it(
    lexicon: Lexicon, doc: Doc, expected: list[str]
) -> None:
    assert cues(doc, lexicon) == expected


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        # "have a say": a noun with a cue lemma is no cue.
        (parsed("a say", "a say", "DT NN", "DET NOUN", [1, 1], "det ROOT"), []),
        (parsed("the tell", "the tell", "DT NN", "DET NOUN", [1, 1], "det ROOT"), []),
        # The reporting forms are cues however the model tags them.
        pytest.param(parsed("Okafor says", "Okafor say", "NNP NNS", "PROPN NOUN", [1, 1], "compound ROOT"),
                     ["says"], id="says/NOUN by word form"),
        pytest.param(parsed("Okafor said", "Okafor say", "NNP VBD", "PROPN ADJ", [1, 1], "nsubj ROOT"),
                     ["said"], id="said/ADJ with a VBD tag"),
        pytest.param(
            # The lemma the rule lemmatizer gives an adjective "said" is "said", not "say".
            parsed("Okafor said", "Okafor said", "NNP JJ", "PROPN ADJ", [1, 1], "nsubj ROOT"), ["said"],
            id="said/ADJ with a JJ tag and the lemma 'said'",
        ),
    ],
    ids=doc_id,
)  # fmt: skip
def test_verb_cue_needs_a_verb_tag_or_a_reporting_form(
    lexicon: Lexicon, doc: Doc, expected: list[str]
) -> None:
    assert cues(doc, lexicon) == expected


def after_quote(words: str, lemmas: str, tags: str, pos: str, heads: list[int], deps: str) -> Doc:
    """``" No , "`` and then ``words``: a quotation, and the words that follow its closing mark."""
    n = 4
    return parsed(
        '" No , " ' + words,
        '" no , " ' + lemmas,
        "`` UH , '' " + tags,
        "PUNCT INTJ PUNCT PUNCT " + pos,
        [1, 1, 1, 1] + [h + n for h in heads],
        "punct ROOT punct punct " + deps,
    )


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        # A verb form the tagger took for a noun closes the quotation: after a short noun
        # phrase (its source), or first, with its source after it.
        (after_quote("the two write .", "the two write .", "DT CD NN .", "DET NUM NOUN PUNCT",
                     [2, 2, 2, 2], "det nummod ROOT punct"), ["write"]),
        (after_quote("the Saudis state in the report", "the Saudis state in the report",
                     "DT NNPS NN IN DT NN", "DET PROPN NOUN ADP DET NOUN", [2, 2, 2, 2, 5, 3],
                     "det compound ROOT prep det pobj"), ["state"]),
        (after_quote("read one .", "read one .", "NN CD .", "NOUN NUM PUNCT", [0, 0, 0],
                     "ROOT dobj punct"), ["read"]),
        # Not where the noun goes on, nor away from a quotation.
        (after_quote("the state department said", "the state department say", "DT NN NN VBD",
                     "DET NOUN NOUN VERB", [2, 2, 3, 3], "det compound nsubj ROOT"), ["said"]),
        (after_quote("state officials said", "state official say", "NN NNS VBD",
                     "NOUN NOUN VERB", [1, 2, 2], "compound nsubj ROOT"), ["said"]),
        (parsed("the two write .", "the two write .", "DT CD NN .", "DET NUM NOUN PUNCT",
                [2, 2, 2, 2], "det nummod ROOT punct"), []),
        # A noun a verb follows is that verb's subject; "of" goes on with the phrase.
        (after_quote("The city report stands", "the city report stand", "DT NN NN VBZ",
                     "DET NOUN NOUN VERB", [2, 2, 3, 3], "det compound nsubj ROOT"), []),
        (after_quote("the state of Texas", "the state of Texas", "DT NN IN NNP",
                     "DET NOUN ADP PROPN", [1, 1, 1, 2], "det ROOT prep pobj"), []),
    ],
    ids=doc_id,
)  # fmt: skip
def test_verb_form_tagged_a_noun_is_a_cue_right_after_a_quotation(
    lexicon: Lexicon, doc: Doc, expected: list[str]
) -> None:
    quoted = [(0, doc[3].idx + 1)] if doc[0].text == '"' else []
    assert cues(doc, lexicon, quoted) == expected


def test_speech_noun_after_a_quotation_stays_a_nominal_cue(lexicon: Lexicon) -> None:
    # " No , " Trump 's reply . -- "reply" is a verb of the lexicon too, but as a noun of
    # the speech-noun lexicon it names Trump's utterance.
    doc = after_quote("Trump 's reply .", "Trump 's reply .", "NNP POS NN .",
                      "PROPN PART NOUN PUNCT", [2, 0, 2, 2], "poss case ROOT punct")  # fmt: skip
    (cue,) = find_cues(doc, lexicon, [(0, doc[3].idx + 1)])
    assert (cue.text(doc), cue.entry.cls) == ("reply", "nominal")


def test_phrase_matches_by_word_sequence_with_its_last_word_as_head(lexicon: Lexicon) -> None:
    doc = parsed(
        "Costs rose according to Okafor",
        "cost rise accord to Okafor",
        "NNS VBD VBG IN NNP",
        "NOUN VERB VERB ADP PROPN",
        [1, 1, 1, 2, 3],
        "nsubj ROOT prep prep pobj",
    )
    (cue,) = find_cues(doc, lexicon)
    assert (cue.text(doc), cue.lemma, cue.entry.cls, cue.head) == (
        "according to",
        "according to",
        "phrase",
        3,
    )


def test_cue_inside_a_quotation_is_never_returned(lexicon: Lexicon) -> None:
    # " We said no , " Okafor told us
    doc = parsed(
        '" We said no , " Okafor told us',
        '" we say no , " Okafor tell we',
        "`` PRP VBD UH , '' NNP VBD PRP",
        "PUNCT PRON VERB INTJ PUNCT PUNCT PROPN VERB PRON",
        [7, 2, 7, 2, 7, 7, 7, 7, 7],
        "punct nsubj ccomp intj punct punct nsubj ROOT dobj",
    )
    quote = (0, doc[5].idx + 1)  # outer offsets, marks included
    assert cues(doc, lexicon) == ["said", "told"]
    assert cues(doc, lexicon, [quote]) == ["told"]


def test_phrase_inside_a_quotation_is_never_returned(lexicon: Lexicon) -> None:
    doc = parsed(
        '" according to plan "',
        '" accord to plan "',
        "`` VBG IN NN ''",
        "PUNCT VERB ADP NOUN PUNCT",
        [1, 1, 1, 2, 1],
        "punct ROOT prep pobj punct",
    )
    assert cues(doc, lexicon, [(0, len(doc.text))]) == []
