"""Step 3: link each quotation to its cue and to the mention of its speaker.

For every quotation the rules below are tried in order; the first that applies wins and
is recorded as the attribution ``path``, which the confidence step scores:

``according_to``  ``according to X`` in the quotation's sentence: X, the outermost
                  source of the sentence's report, as PolNeAR credits it.
``governing``     a cue verb governs the quotation in the parse (``"...," Lavrov told
                  journalists``; ``Kono said "..."``), or the cue hangs off the quotation
                  (``"...," said Kono`` parsed as parataxis); of nested reports, the
                  outermost (``Israel said Clinton called on members to be "..."``). The
                  speaker is the cue's subject (through ``and added``, ``saying``, ``who
                  said``), or in the passive its doer (``called "..." by X``); a poll for
                  the share of people it polled, a document's publisher for the document.
``sentence``      no parse link, but a cue with a subject in the same sentence.
``colon``         the sentence or paragraph before ends in a colon and has a cue
                  (``Kono told reporters: "..."``), or is a bare name (``TRUMP: "..."``).
``dash``          a name after a dash following the quotation (``"..." ― Sonya Herridge``),
                  a convention of vox-pop lists.
``continuation``  no cue of its own, and either the quotation continues a multi-paragraph
                  one, follows another quotation in the same paragraph, or is a paragraph
                  that is only a quotation: the previous quotation's speaker goes on.
``previous_paragraph``  a paragraph that is only a quotation, after a paragraph whose
                  last cue has a subject and no quotation (``Clinton said on Monday that
                  ...`` then ``"..."``): that subject.
``paragraph``     a cue with a subject elsewhere in the same paragraph.
``subject``       no cue at all: the named or pronominal subject of the clause that embeds
                  the quotation (``Reid has gone after Trump as a "spoiled brat"``).
                  PolNeAR's annotators attribute such scare and partial quotes to the
                  subject; it is the weakest rule and scored so.
``none``          nothing found: no speaker.

The quotation's kind is decided here too: ``partial`` when the quoted words are embedded
in a clause that goes on outside the marks (``said "significant differences" remained``),
``direct`` when the words outside the marks are only the attribution and punctuation.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from spacy.attrs import IDX
from spacy.tokens import Doc, Span, Token

from app.engine.cues import CueMatch
from app.engine.nlp import text_of
from app.engine.quotes import DOUBLE_MARKS, QuoteSpan, looks_like_title, paragraph_spans
from app.engine.types import QuoteKind

Path = Literal[
    "governing",
    "according_to",
    "sentence",
    "colon",
    "dash",
    "continuation",
    "previous_paragraph",
    "paragraph",
    "subject",
    "none",
    "reported",
    "headline",
]

_SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
NOT_SPEECH = {"thought", "stance"}
"""Cue classes that report thought or a stance, not speech: never the cue of a quotation by
proximity (the attributor keeps stance verbs away from quotations altogether)."""
# How a cue verb hangs off the verb whose subject it shares: "Lavrov said and added ...",
# "Trump tweeted, saying ...", "he went on to say ...".
_SHARED_SUBJECT_DEPS = {"conj", "xcomp", "advcl", "pcomp"}
_DASHES = {"―", "—", "–", "-", "--"}
_NAME_POS = {"PROPN"}


@dataclass(frozen=True, slots=True)
class Finding:
    """What the speaker step found for one quotation."""

    quote: QuoteSpan
    kind: QuoteKind
    path: Path
    cue: CueMatch | None = None
    mention: tuple[int, int] | None = None
    """Token range of the speaker mention in the attributing clause."""
    continued_from: int | None = None
    """Index (in the list of findings) of the quotation whose speaker this one continues."""
    speech: bool = True
    """False for quoted titles and broken marks that no cue vouches for (see ``is_speech``)."""
    score: float | None = None
    """The learned scorer's raw probability for the chosen candidate (None under the rules)."""


def _inner(doc: Doc, q: QuoteSpan) -> Span:
    span = doc.char_span(q.start, q.end, alignment_mode="expand")
    assert span is not None
    return span


def _outer_range(doc: Doc, q: QuoteSpan) -> tuple[int, int]:
    span = doc.char_span(q.outer_start, q.outer_end, alignment_mode="expand")
    assert span is not None
    return span.start, span.end


def mention_range(doc: Doc, head: Token) -> tuple[int, int]:
    """Token range of the mention headed by ``head``: a pronoun, a name with its title, or a description."""
    if head.pos_ == "PRON":
        return head.i, head.i + 1
    start = head.i
    for child in head.lefts:
        if child.dep_ in {
            "compound",
            "amod",
            "det",
            "poss",
            "nmod",
            "nummod",
            "case",
            "punct",
            "flat",
        }:
            start = min(start, child.left_edge.i)
    end = head.i + 1
    for child in head.rights:
        # "Sen. Tim Kaine (D-Va.)" stays out; a trailing name part ("Jr.") or possessive stays in.
        if child.dep_ in {"case", "flat"} or (child.dep_ == "compound" and child.i == end):
            end = child.right_edge.i + 1
    if head.ent_type_:
        # The entity around the head, from the IOB tags (Doc.ents rebuilds every span per call).
        a, b = head.i, head.i + 1
        while a > 0 and doc[a].ent_iob_ == "I":
            a -= 1
        while b < len(doc) and doc[b].ent_iob_ == "I":
            b += 1
        start, end = min(start, a), max(end, b)
    # A mention never reaches back into a quotation or past the end of a sentence ('"What
    # if ...?" the 43-year-old asked', with "asked" parsed a clause of "old"), and leading
    # punctuation (a stray quotation mark) never belongs to it.
    for j in range(head.i - 1, start - 1, -1):
        if doc[j].text in _QUOTATION_MARKS or doc[j].text in {".", "?", "!"}:
            start = j + 1
            break
    while start < head.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while (
        start > 1
        and doc[start - 1].text == "-"
        and not doc[start - 1].whitespace_
        and not doc[start - 2].whitespace_
        and not doc[start - 2].is_space
    ):
        start -= 2  # the rest of a hyphenated word: "the 43-year-old"
    if (
        start > 0
        and all(not doc[j].whitespace_ for j in range(start, head.i))  # one word: "43-year-old"
        and doc[start - 1].lower_ in _ARTICLES
        and head.dep_ not in {"compound", "poss"}
    ):
        start -= 1  # '"...," the two write': the article the parser hung on the verb
    return start, end


_ARTICLES = {"the", "a", "an"}
_QUOTATION_MARKS = {*DOUBLE_MARKS, "''", "``"}
"""Tokens of a double quotation mark: the quotation finder's marks, and the two apostrophes
or backticks of some house styles."""


def _appositive_name(head: Token) -> Token | None:
    """``The attorney general, Scott Pruitt, said``: the name in apposition to a description."""
    if head.pos_ in _NAME_POS:
        return None
    for child in head.children:
        if child.dep_ == "appos" and child.pos_ in _NAME_POS:
            return child
    return None


NOT_SPEAKER_ENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
"""Entity labels of words that name no source (nor any part of a name)."""
_PERSONAL = {"he", "she", "they", "i", "we"}


def _left_subject(verb: Token, quoted: Callable[[Token], bool]) -> Token | None:
    """A name, a pronoun or a description ("the candidate") right before a cue verb that
    the parser left without a subject.

    Parsers trained on edited text lose the subject of "Trump boasted, ..." or of
    "Flynn, a top Trump surrogate, said ..." when a quotation precedes; the word order
    still tells it. An appositive between commas is stepped over.
    """
    doc = verb.doc
    i = verb.i - 1
    while i >= 0 and doc[i].pos_ == "ADV" and not quoted(doc[i]):
        i -= 1  # "Trump later said"
    if i >= 0 and doc[i].text == ")":
        opening = next((j for j in range(i - 1, max(i - 9, -1), -1) if doc[j].text == "("), None)
        if opening is None or quoted(doc[opening]):
            return None
        i = opening - 1  # "Rep. Paul Ryan (R-WI) said": the party and state are no subject
    if i >= 0 and doc[i].text == ",":
        j = i - 1
        inner = 0  # words of a title quoted inside the apposition: 'wearing "Ted Cruz" pins'
        while (
            j >= 0
            and i - j <= 25
            and doc[j].text != ","
            and inner <= 4
            and not doc[j].is_sent_start
        ):
            inner = inner + 1 if quoted(doc[j]) else 0
            j -= 1
        if inner:
            return None
        if j < 0 or doc[j].text != ",":
            return None
        i = j - 1
    if (
        i > 0
        and doc[i].pos_ == "ADP"
        and not any(c.dep_ == "pobj" for c in doc[i].children)
        and doc[i - 1].pos_ == "NOUN"
    ):
        i -= 1  # "a voice over says": a preposition with no object ends a compound noun
    if i < 0 or quoted(doc[i]) or any(doc[j].is_sent_start for j in range(i + 1, verb.i + 1)):
        return None
    tok = doc[i]
    if tok.pos_ == "PROPN" and tok.ent_type_ not in NOT_SPEAKER_ENTS:
        return tok
    if tok.pos_ == "PRON" and tok.lower_ in _PERSONAL:
        return tok
    if (
        tok.pos_ == "NOUN"
        and tok.dep_ != "compound"
        and any(c.dep_ in {"det", "poss"} for c in tok.children)
    ):
        # "..., the Democratic presidential candidate stated that ...", "In a statement,
        # her senior policy adviser, Jake Sullivan, said: ..."
        return tok
    k = i - 1
    while k >= 0 and i - k <= 5 and not doc[k].whitespace_ and not quoted(doc[k]):
        k -= 1  # the words of a hyphenated modifier: "the 43-year-old"
    if (
        tok.pos_ in {"NOUN", "NUM", "ADJ"}
        and k >= 0
        and doc[k].pos_ == "DET"
        and (tok.ent_type_ not in NOT_SPEAKER_ENTS - {"CARDINAL"} or k < i - 1)
    ):
        # '"...," the two write', '"...," the editorial read', their det elsewhere;
        # '"...?" the 43-year-old asked'
        return tok
    if tok.pos_ == "NOUN" and tok.is_title and tok.ent_type_ not in NOT_SPEAKER_ENTS:
        return tok  # '"...," Hannity pressed': a name the tagger took for a noun
    return None


def _after_quotation(tok: Token, quoted: Callable[[Token], bool]) -> bool:
    """Whether the noun phrase of ``tok`` starts right after a quotation ('"...," the two
    write'): only words of a noun phrase (determiners, modifiers, nouns, names, a
    possessive) and commas or hyphens of an apposition between its closing mark and it."""
    doc = tok.doc
    i = tok.i - 1
    while i >= 0 and tok.i - i <= 6 and not quoted(doc[i]):
        t = doc[i]
        if t.pos_ not in {"DET", "ADJ", "NUM", "NOUN", "PROPN", "PART"} and t.text not in {
            ",",
            "-",
        }:
            return False
        i -= 1
    return i >= 0 and quoted(doc[i])


def _ends_right_before(noun: Token, verb: Token) -> bool:
    """Whether the noun phrase of ``noun`` ends right before ``verb``: nothing between them,
    or only an apposition between commas ("the nominee, Donald Trump, tweeted")."""
    doc = noun.doc
    between = doc[noun.i + 1 : verb.i]
    if not between:
        return True
    appositive = {t.i for c in noun.children if c.dep_ == "appos" for t in c.subtree}
    return (
        len(between) <= 12
        and between[0].text == ","
        and between[-1].text == ","
        and all(t.i in appositive or t.text == "," for t in between)
    )


def _author(noun: Token) -> Token | None:
    """The person behind a document noun: "a speech Mrs. Clinton delivered", "Clinton's
    speech", "calculations by Amy Glasmeier of the Massachusetts Institute of Technology"."""
    if noun.pos_ != "NOUN":
        return None
    for child in noun.children:
        if child.dep_ == "poss" and child.pos_ in _NAME_POS:
            return child
        if child.dep_ in {"relcl", "acl"}:
            for grand in child.children:
                if grand.dep_ == "nsubj" and grand.pos_ in _NAME_POS:
                    return grand
        if is_by_phrase(child):
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.pos_ in _NAME_POS:
                    return obj
    return None


def subject_of(
    verb: Token, quoted: Callable[[Token], bool] = lambda t: False, depth: int = 0
) -> Token | None:
    """The speaker token of a cue verb: its subject, or the subject of the verb it depends on;
    in the passive, its doer ("called ... by X": X), and none for the one asked or told.

    Subjects inside a quotation (``quoted``) are skipped: the parser often makes a quoted
    clause's first noun the subject of the cue that follows it. The parse is trusted
    first; word order is the fallback for the subjects a parser trained on edited text
    loses around quotations.
    """

    # The parser sometimes gives a verb two subjects ("in Berea, OH, ... Gov. John Kasich
    # said"): the one nearest the verb, on its left first, is the speaker. But a subject on
    # the left with a quotation between it and the verb is the quoted clause's (the
    # parser's reading of '... X has been "very worked up," said a source'): the subject
    # after the verb speaks.
    def order(subject: Token) -> tuple[int, int]:
        if subject.i > verb.i:
            side = 1
        elif any(quoted(t) for t in verb.doc[subject.i + 1 : verb.i]):
            side = 2
        else:
            side = 0
        return side, abs(verb.i - subject.i)

    # The doer of the cue itself; not of a verb it shares a subject with ('Silverman was
    # joined on stage by Al Franken and joked, "..."': Silverman jokes).
    agent = _agent(verb, quoted) if depth == 0 else None
    if agent is not None:
        return agent
    if depth == 0 and verb.lemma_.lower() in _ADDRESSED and _passive(verb):
        return None  # 'Blumenthal was asked, "..."': the one asked, by no one named
    subjects = sorted(
        (c for c in verb.children if c.dep_ in _SUBJECT_DEPS and not quoted(c)), key=order
    )
    for child in subjects:
        if child.tag_ in {"WP", "WDT"} or child.lower_ in RELATIVE_PRONOUNS:
            return relative_antecedent(child)
        if child.pos_ in {"VERB", "AUX"} and (
            child.dep_ == "csubj" or not child.text[:1].isupper() or any(child.children)
        ):
            continue  # a clausal subject is the content, not the speaker; but "Trump",
            # tagged a verb with nothing of a clause, is a name the tagger got wrong
        return _name_before_parenthesis(_appositive_name(child) or child)
    for child in verb.lefts:
        if (
            child.dep_ == "aux"
            and child.tag_ == "MD"
            and child.text[:1].isupper()
            and verb.tag_ in {"VBD", "VBZ", "VBN"}
            and not any(c.dep_ in {"aux", "auxpass"} and child.i < c.i for c in verb.lefts)
            and not quoted(child)
        ):
            return child  # "Will wrote": a modal takes a bare verb, so this "Will" is a name
    if verb.dep_ == "xcomp":
        # "The ad uses footage of Hillary Clinton asking, ...": who is on the footage.
        for noun in verb.head.children:
            if noun.dep_ == "dobj" and (recorded := _recorded(noun, verb, quoted)) is not None:
                return recorded
        if (controller := _object_controller(verb, quoted)) is not None:
            return controller
    if depth < 3 and verb.dep_ in _SHARED_SUBJECT_DEPS and verb.head.i != verb.i:
        head = verb.head
        if verb.dep_ == "pcomp" and head.dep_ == "prep":
            head = head.head  # "began by saying": the subject of "began"
        elif (
            (verb.dep_ == "conj" or (verb.dep_ == "advcl" and verb.tag_ == "VBG"))
            and head.dep_ == "ccomp"
            and head.head.lemma_.lower() in _REPORTING
            and head.head.i < head.i
        ):
            # 'Suu Kyi said it was too early ... but added, "..."', 'Byrne wrote the agents
            # knew ..., saying, "..."': the parser joins the second cue (a conjunct or a
            # participle) to the clause the first reports; it shares the first's subject.
            head = head.head
        found = subject_of(head, quoted, depth + 1)
        if found is not None:
            return found
    if verb.dep_ == "relcl":
        return verb.head
    if verb.dep_ == "acl":
        noun = verb.head
        if (
            _ends_right_before(noun, verb)
            and verb.tag_ in _FINITE | {"VBN"}
            and _after_quotation(noun, quoted)
        ):
            # '"What if ...?" the 43-year-old asked': the parser read "the 43-year-old
            # (who was) asked"; right after the quotation the phrase is the cue's source
            # ('"...!" the presumptive nominee, Donald Trump, tweeted': its name).
            return _appositive_name(noun) or noun
        if noun.pos_ in _NAME_POS:
            return noun  # "footage of Hillary Clinton asking, ...": Clinton asks
        if noun.dep_ == "appos":
            if any(t.text == ";" for t in verb.doc[noun.head.i + 1 : noun.i]):
                return noun  # "The plan ...; one lawmaker called it": a clause of its own
            return noun.head
        recorded = _recorded(noun, verb, quoted)
        if recorded is not None:
            return recorded
        # "Trump posted a message on Twitter reading ...": whoever posted the message.
        governor = noun.head.head if noun.dep_ == "pobj" else noun.head
        if noun.dep_ in {"dobj", "pobj"} and governor.pos_ in {"VERB", "AUX"} and depth < 3:
            return subject_of(governor, quoted, depth + 1)
    if verb.tag_ in _FINITE:
        left = _left_subject(verb, quoted)
        if left is not None:
            return _appositive_name(left) or left  # "her adviser, Jake Sullivan, said"
    elif (left := _left_subject(verb, quoted)) is not None and _after_quotation(left, quoted):
        # '"...," Trump barked' with barked tagged a participle, '"...," the two write' with
        # write tagged a noun: next to the quotation the word order still tells.
        return _appositive_name(left) or left
    if verb.tag_ == "VBG":
        return None  # '"Build the wall!" cheering Trump on': a participle's object, no source
    # Finite, and also a base form or participle the tagger gave a cue after a quotation
    # ('"...," read the statement'; "read" and "tweeted" are tagged so now and then).
    return _inverted_subject(verb, quoted)


def _agent(verb: Token, quoted: Callable[[Token], bool]) -> Token | None:
    """The doer of a cue in the passive: 'has been called "strategic ambiguity" by Joshua
    Hendrick', 'labeled a "witch hunt" by Democrats'. Its subject is what was named, not
    who named it. Not for a cue whose passive subject speaks and whose agent reports it
    ('Trump was quoted by the Post as saying')."""
    if verb.tag_ != "VBN" or verb.lemma_.lower() in _PASSIVE_SPEAKS:
        return None
    if any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children) and not _passive(verb):
        return None  # "has called": active
    doc = verb.doc
    for tok in doc[verb.i + 1 : min(len(doc), verb.i + 16)]:
        if tok.is_sent_start:
            break
        # The parser hangs "by ..." on the quoted words ('described as "reckless" by
        # Senator Jane Doe') as often as on the verb: any "by" in the verb's clause.
        if is_by_phrase(tok) and (tok.head.i == verb.i or verb.is_ancestor(tok.head)):
            for obj in tok.children:
                if (
                    obj.dep_ == "pobj"
                    and not quoted(obj)
                    and obj.ent_type_ not in NOT_SPEAKER_ENTS
                    and obj.lemma_.lower() not in _NOT_AGENTS
                ):
                    return _appositive_name(obj) or obj
            return None
    return None


def _passive(verb: Token) -> bool:
    """Whether the verb has a passive auxiliary ("was asked", "has been called")."""
    return any(c.dep_ == "auxpass" for c in verb.children)


def is_by_phrase(prep: Token) -> bool:
    """Whether ``prep`` is a "by" that names a doer: a passive's agent, however the parser
    labels it ('called "reckless" by Senator Doe'), or a noun's ('a suggestion by the
    mayor')."""
    return prep.lower_ == "by" and prep.dep_ in {"agent", "prep"}


_ADDRESSED = {"ask", "tell", "question", "press", "urge", "remind", "warn", "inform", "interview"}
"""Cues whose subject in the passive is the one spoken to: "was asked", "were told"."""

_NOT_AGENTS = {"end", "time", "way", "far", "mistake", "accident", "design", "default", "chance"}
"""Nouns of "by" phrases that say when or how, not who: 'called "reckless" by the end of
the day', 'by far', 'by mistake'."""

_PASSIVE_SPEAKS = {"quote", "cite", "report", "hear", "overhear", "record", "tape", "film"}
"""Cues whose subject in the passive is the speaker: "was quoted as saying", "was heard
telling aides"."""

_REPORTING = set(
    "say tell write add note argue explain insist claim state tweet declare announce warn"
    " suggest acknowledge admit contend maintain assert complain stress emphasize predict"
    " reply respond".split()
)
"""Verbs whose reported clause a later cue is wrongly joined to ("said it was ... but
added")."""

_FINITE = {"VBD", "VBZ", "VBP"}
RELATIVE_PRONOUNS = {"who", "which", "that"}


def relative_antecedent(pronoun: Token) -> Token | None:
    """The noun a relative pronoun stands for: the one its relative clause hangs on, or,
    for a clause the parser did not hang on it, the noun right before the pronoun ("the
    Chicago Police Department which reported ...", parsed as an adverbial clause)."""
    if pronoun.head.dep_ == "relcl":
        return pronoun.head.head
    doc = pronoun.doc
    i = pronoun.i - 1
    if i >= 0 and doc[i].text == ",":
        i -= 1
    if i < 0 or doc[i].pos_ not in {"NOUN", "PROPN"} or doc[i].is_sent_start:
        return None
    return doc[i]


_RECORDINGS = {"footage", "video", "clip", "recording", "tape", "audio", "film"}


_CAUSATIVES = set(
    "prompt lead cause inspire spur drive move provoke force compel push pressure encourage"
    " persuade convince trigger tempt".split()
)
"""Verbs that make their object do the next verb: 'prompted the tabloid to do a cover
saying', 'led her to declare'. Not the verbs of asking or telling, whose object may only
repeat the words of the one who asks ('urged voters to call it "rigged"')."""


def _object_controller(verb: Token, quoted: Callable[[Token], bool]) -> Token | None:
    """Who does an infinitive that hangs off a causative verb: its object ('That record
    prompted Dave Leip's Atlas ... to state, "..."': the Atlas states, not the record)."""
    if verb.head.lemma_.lower() not in _CAUSATIVES or not any(
        c.dep_ == "aux" and c.lower_ == "to" for c in verb.lefts
    ):
        return None
    for noun in verb.head.children:
        if noun.dep_ == "dobj" and verb.head.i < noun.i < verb.i and not quoted(noun):
            return noun
    return None


def _recorded(noun: Token, verb: Token, quoted: Callable[[Token], bool]) -> Token | None:
    """The name recorded in "footage of Hillary Clinton" before the participle ``verb``
    ("... of Hillary Clinton asking"): the one who speaks on the recording."""
    if noun.lemma_.lower() not in _RECORDINGS:
        return None
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of" and prep.i < verb.i:
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.pos_ in _NAME_POS and not quoted(obj):
                    return obj
    return None


def _inverted_subject(verb: Token, quoted: Callable[[Token], bool]) -> Token | None:
    """'"...," said Caddell', '"...," read the statement': the parser makes a post-verbal
    source an object now and then."""
    doc = verb.doc
    if verb.i + 1 >= len(doc) or verb.i < 1 or quoted(verb):
        return None
    nxt = doc[verb.i + 1]
    prev = doc[verb.i - 1]
    after_quote = quoted(prev) or (
        prev.text in {",", ":"} and verb.i > 1 and quoted(doc[verb.i - 2])
    )
    if not after_quote:
        return None
    if nxt.pos_ == "DET" and nxt.head.pos_ in {"NOUN", "PROPN"} and nxt.head.i > nxt.i:
        noun = nxt.head
        if noun.head.i == verb.i:
            return noun  # '"...," read the statement': the tagger's object is the source
        if (
            noun.dep_ in _SUBJECT_DEPS
            and noun.i - nxt.i <= 3
            and noun.ent_type_ not in NOT_SPEAKER_ENTS
            and all(t.pos_ in {"ADJ", "NOUN", "PROPN", "NUM"} for t in doc[nxt.i + 1 : noun.i])
        ):
            # '"...," said the woman, who did not want to be named': the parser made the
            # source the subject of the clause after it.
            return noun
    if nxt.lower_ in _INDEFINITE_SOURCES and nxt.pos_ in {"PRON", "NUM", "DET"}:
        noun = nxt.head
        if nxt.dep_ in {"det", "nummod"} and noun.i > nxt.i and noun.pos_ in {"NOUN", "PROPN"}:
            return noun  # '"...," read one sign'
        return nxt  # '"...," tweeted another', '"...," read one'
    if (
        nxt.pos_ in {"NOUN", "ADV", "ADJ"}
        and nxt.is_title
        and nxt.ent_type_ not in NOT_SPEAKER_ENTS
    ):
        # '"...," said Skelly' with Skelly tagged an adverb; '"...," said Oversight ranking
        # Democrat Elijah Cummings': the last name of the run of words names the source.
        # The run is the noun phrase's words only ('said Skelly in New York' stops at "in").
        j = nxt.i + 1
        while (
            j < len(doc)
            and j - nxt.i < 6
            and (doc[j].is_title or doc[j].pos_ in {"NOUN", "ADJ", "VERB"})
            and doc[j].is_alpha
            and not quoted(doc[j])
        ):
            j += 1
        names = [
            t
            for t in doc[nxt.i : j]
            if t.pos_ in _NAME_POS and t.is_title and t.ent_type_ not in _NOT_A_NAME_OF_SOURCE
        ]
        return names[-1] if names else nxt
    if nxt.pos_ not in _NAME_POS or nxt.ent_type_ in NOT_SPEAKER_ENTS:
        return None
    while nxt.dep_ in {"compound", "flat"} and nxt.head.i > nxt.i and nxt.head.pos_ in _NAME_POS:
        nxt = nxt.head
    return nxt


_INDEFINITE_SOURCES = {"another", "one", "others", "both", "some"}
_NOT_A_NAME_OF_SOURCE = NOT_SPEAKER_ENTS | {"GPE", "LOC", "FAC"}
"""Names that end a run after a cue without being its source: 'said Skelly Thursday'."""


def _name_before_parenthesis(tok: Token) -> Token:
    """ "Gov. John Kasich (R-OH), said": the parser may pick the party tag as the subject."""
    doc = tok.doc
    i = tok.i - 1
    while i >= 0 and tok.i - i <= 5 and doc[i].text != ")":
        if doc[i].text == "(":
            j = i - 1
            if j >= 0 and doc[j].pos_ in _NAME_POS:
                return doc[j]
            break
        i -= 1
    return tok


def holder(noun: Token, quoted: Callable[[Token], bool] = lambda t: False) -> Token | None:
    """Whose utterance, claim or stance a nominal cue names: the possessor ("her assertion",
    "Trump's claim"), the agent ("a suggestion by the president", "criticism from the
    mayor"), a name after "of" ("the contention of Hillary Clinton"; not "criticism of the
    deal", whose object is the target), or the subject of a verb of uttering it is the
    object of ("the senator voiced support for ...", "Trump issued a statement")."""
    for child in noun.children:
        if child.dep_ == "poss" and not quoted(child):
            return child
    for child in noun.children:
        if child.dep_ != "prep" or child.lower_ not in {"by", "from", "of"}:
            continue
        for obj in child.children:
            if obj.dep_ != "pobj" or quoted(obj):
                continue
            if child.lower_ != "of" or obj.pos_ in {"PROPN", "PRON"}:
                return _appositive_name(obj) or obj
    verb = noun.head
    if noun.dep_ == "pobj" and verb.dep_ == "prep":
        verb = verb.head
    if (
        noun.dep_ in {"dobj", "pobj"}
        and verb.pos_ in {"VERB", "AUX"}
        and verb.i != noun.i
        and (
            verb.lemma_.lower() in _UTTERING
            or (noun.head.lower_ == "with" and verb.lemma_.lower() in _UTTERING_WITH)
        )
    ):
        return subject_of(verb, quoted)
    return None


_UTTERING = {
    "make",
    "issue",
    "release",
    "deliver",
    "offer",
    "give",
    "voice",
    "express",
    "post",
    "send",
    "publish",
    "repeat",
    "reiterate",
    "renew",
    "lodge",
    "file",
    "write",
    "pen",
    "tweet",
    "add",
    "share",
}
"""Verbs whose subject utters the noun they take ("Trump issued a statement", "the senator
voiced support for"); the subject of "questioned the claim" or "rejected the criticism" is
no holder."""

_UTTERING_WITH = set(
    "begin start open end close conclude kick follow lead respond reply react answer counter"
    " hit fire".split()
)
"""Verbs whose subject utters what they are "with": "Clinton began Sunday with a tweet",
"Trump opened with a call for the party to "embrace" his candidacy"."""


def speaker_of(
    doc: Doc, cue: CueMatch, quoted: Callable[[Token], bool] = lambda t: False
) -> Token | None:
    """The head token of the speaker a cue attributes to."""
    head = doc[cue.head]
    if cue.entry.cls == "nominal":
        return holder(head, quoted)
    if cue.entry.cls == "phrase":
        objects = [c for c in head.children if c.dep_ == "pobj"]
        if not objects and head.i + 1 < len(doc):
            objects = [doc[head.i + 1]]
        if not objects:
            return None
        obj = objects[0]
        name = _appositive_name(obj) or _author(obj)
        return name if name is not None else obj
    return subject_of(head, quoted)


def paragraph_numbers(doc: Doc) -> list[int]:
    """The paragraph of every token, numbered as ``QuoteSpan.paragraph`` is (the
    whitespace between two paragraphs goes with the first)."""
    starts = [a for a, _ in paragraph_spans(text_of(doc))] or [0]
    offsets = doc.to_array(IDX) if len(doc) else np.zeros(0, dtype=np.uint64)
    numbers = np.searchsorted(np.asarray(starts, dtype=np.uint64), offsets, side="right") - 1
    return np.maximum(numbers, 0).tolist()


def tokens_within(doc: Doc, ranges: Iterable[tuple[int, int]]) -> list[bool]:
    """For every token, whether it lies in one of the character ``ranges`` (widened to
    whole tokens)."""
    flags = [False] * len(doc)
    for start, end in ranges:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            for i in range(span.start, span.end):
                flags[i] = True
    return flags


def cue_subjects(
    doc: Doc, cues: Sequence[CueMatch], quoted: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Mentions of the sources of every cue outside quotations (``quoted``: outer character
    ranges), quoted content or not: the people the article gives a voice."""
    ranges = sorted(quoted)
    starts = [a for a, _ in ranges]

    def inside(tok: Token) -> bool:
        n = bisect_right(starts, tok.idx) - 1
        return n >= 0 and tok.idx < ranges[n][1]

    out = []
    for cue in cues:
        if inside(doc[cue.head]):
            continue
        tok = speaker_of(doc, cue, inside)
        if tok is not None and not inside(tok) and any(ch.isalpha() for ch in tok.text):
            out.append(mention_range(doc, tok))
    return out


class _Context:
    """Per-document lookups shared by the rules, built once so each rule is local.

    Sentences and paragraphs are numbered per token here: spaCy's ``Token.sent`` scans
    the document on every call, which made articles with thousands of quotations
    quadratic.
    """

    def __init__(self, doc: Doc, quotes: Sequence[QuoteSpan], cues: Sequence[CueMatch]):
        self.doc = doc
        self.quotes = quotes
        self.inner = [_inner(doc, q) for q in quotes]
        self.outer = [_outer_range(doc, q) for q in quotes]
        self.quoted = [False] * len(doc)
        for a, b in self.outer:
            for i in range(a, b):
                self.quoted[i] = True
        self.cues = list(cues)
        self.cue_at = {c.head: c for c in cues}
        self.cue_tokens = {i: c for c in cues for i in range(c.start, c.end)}
        self.paragraph_of = paragraph_numbers(doc)
        self.sent_bounds: list[tuple[int, int]] = [(s.start, s.end) for s in doc.sents]
        self.sent_of = [0] * len(doc)
        for n, (a, b) in enumerate(self.sent_bounds):
            for i in range(a, b):
                self.sent_of[i] = n
        self.cues_by_sent: dict[int, list[CueMatch]] = {}
        self.cues_by_paragraph: dict[int, list[CueMatch]] = {}
        for c in self.cues:
            self.cues_by_sent.setdefault(self.sent_of[c.head], []).append(c)
            self.cues_by_paragraph.setdefault(self.paragraph_of[c.head], []).append(c)
        self._speakers: dict[int, Token | None] = {}
        self.attributed: dict[int, int] = {}
        """Cue head -> the last quotation (finding index) it attributes, filled as the
        quotations are attributed in order."""
        self.spoken: set[str] = set()
        """Speaker keys (``features.speaker_key``) of the findings seen so far, and the key
        of the last: kept up to date by ``features.quotation_features`` as the findings
        grow, so that no quotation looks back over all the ones before it."""
        self.last_spoken: str | None = None
        self.spoken_through = 0
        self.paragraph_tokens: dict[int, list[int]] = {}
        for tok in doc:
            self.paragraph_tokens.setdefault(self.paragraph_of[tok.i], []).append(tok.i)

    def sentences(self, k: int) -> range:
        """Numbers of the sentences the quotation (with its marks) overlaps."""
        a, b = self.outer[k]
        return range(self.sent_of[a], self.sent_of[b - 1] + 1)

    def sentence_cues(self, k: int) -> list[CueMatch]:
        return [c for n in self.sentences(k) for c in self.cues_by_sent.get(n, [])]

    def with_speaker(self, cue: CueMatch) -> Token | None:
        """The cue's speaker outside every quotation, or None (computed once per cue)."""
        if cue.head not in self._speakers:
            tok = speaker_of(self.doc, cue, lambda t: self.quoted[t.i])
            if tok is not None and (self.quoted[tok.i] or not any(ch.isalpha() for ch in tok.text)):
                tok = None
            if tok is not None and _respondents(self.doc, tok):
                tok = self._poll(tok) or tok
            elif tok is not None and tok.pos_ == "NOUN" and tok.lemma_.lower() in _DOCUMENTS:
                tok = _publisher(tok, lambda t: self.quoted[t.i]) or tok
            elif tok is not None and tok.lower_ in _GENERIC:
                tok = self._reporter(self.doc[cue.head]) or tok
            self._speakers[cue.head] = tok
        return self._speakers[cue.head]

    def _reporter(self, verb: Token) -> Token | None:
        """The subject of a cue above ``verb`` whose clause holds it: 'He notes that the
        right to free speech comes with the limitation that you can't yell "fire"'."""
        node = verb
        for _ in range(8):
            if node.head.i == node.i:
                return None
            node = node.head
            cue = self.cue_at.get(node.i)
            if cue is None or cue.entry.cls in NOT_SPEECH:
                continue
            found = speaker_of(self.doc, cue, lambda t: self.quoted[t.i])
            if found is not None and found.lower_ not in _GENERIC and not self.quoted[found.i]:
                return found
        return None

    def _poll(self, respondents: Token) -> Token | None:
        """The poll or survey whose respondents speak: in their sentence, else in one of
        the two sentences before it in the paragraph."""
        n = self.sent_of[respondents.i]
        paragraph = self.paragraph_of[respondents.i]
        for m in range(n, max(n - 3, -1), -1):
            a, b = self.sent_bounds[m]
            if self.paragraph_of[a] != paragraph and m != n:
                break
            for tok in self.doc[a:b]:
                if tok.pos_ == "NOUN" and tok.lemma_.lower() in _POLLS and not self.quoted[tok.i]:
                    return tok
        return None


_DOCUMENTS = set(
    "ad advertisement commercial spot video email e-mail mailer letter memo statement release"
    " piece column op-ed editorial article post tweet message document filing".split()
)
"""Nouns of what someone puts out: a cue's subject among them speaks for its author."""
_PUBLISHING = set("release run air launch unveil circulate produce send issue post publish".split())


def _publisher(document: Token, quoted: Callable[[Token], bool]) -> Token | None:
    """Who put out a document that is a cue's subject: 'Sanders is releasing a new ad that
    urges voters to "..."', 'a fundraising email sent out by Sanders warned', 'The Post ran
    a piece that noted', 'a court document filed by state attorney Dave Aronberg'."""
    for child in document.children:
        if child.dep_ == "poss" and not quoted(child):
            return child  # "the campaign's ad"
        if child.dep_ == "acl" and child.tag_ == "VBN":
            for prep in child.children:
                if is_by_phrase(prep):
                    for obj in prep.children:
                        if obj.dep_ == "pobj" and not quoted(obj):
                            return _appositive_name(obj) or obj
    verb = document.head
    if document.dep_ == "dobj" and verb.lemma_.lower() in _PUBLISHING:
        return subject_of(verb, quoted, 1)
    return None


_GENERIC = {"some", "many", "others", "you", "one", "few", "most", "all", "everyone"}
"""Subjects that name nobody in particular ("what some call", "you can't yell"): the cue
they are subjects of reports someone else's words when a cue above it has a speaker."""

_POLLS = {"poll", "survey"}
_SHARES = {"percent", "%", "majority", "plurality", "half", "third", "quarter", "fifth"}


def _respondents(doc: Doc, tok: Token) -> bool:
    """Whether a subject is a share of people polled: "75 percent of Republicans", "31% of
    voters", "a majority of Democrats", "six in 10 Republicans"; not "the third-party
    candidate", nor "In 2016 Trump"."""
    if tok.lower_ in _SHARES:
        return True
    a, b = mention_range(doc, tok)
    if any(t.lower_ in {"percent", "%"} for t in doc[a:b]):
        return True
    return any(
        t.lower_ == "in"
        and 0 < t.i < len(doc) - 1
        and doc[t.i - 1].like_num
        and doc[t.i + 1].like_num
        for t in doc[max(tok.i - 3, 0) : tok.i + 1]
    )


_MODIFIER_DEPS = {"amod", "compound", "nmod", "conj"}
"""How a quoted word hangs off a speech noun it describes rather than fills."""


def _governing_cue(ctx: _Context, k: int) -> CueMatch | None:
    """The cue above the quotation in the parse; a speech cue beats a thought cue below it
    ("Obama said, a majority have come to believe "that climate change is real""), and a
    cue whose reported clause holds the cue of the quotation reports it ('Rep. Steve
    Israel said Clinton called on members to be "closely coordinated"': Israel is the
    source PolNeAR names; its annotators credit the outermost report)."""
    inner = ctx.inner[k]
    a, b = ctx.outer[k]
    first_sent, last_sent = ctx.sent_of[a], ctx.sent_of[b - 1]
    roots = [t for t in inner if not (a <= t.head.i < b) or t.head.i == t.i]
    found: list[CueMatch] = []
    reporting: list[CueMatch] = []  # cues above the first found whose reported clause holds it
    for root in roots:
        node = root
        steps: set[str] = set()  # how the walk climbed since the first cue found
        for _ in range(8):
            if node.head.i == node.i:
                break
            below, node = node, node.head
            if not first_sent <= ctx.sent_of[node.i] <= last_sent:
                break
            if ctx.quoted[node.i] and not (a <= node.i < b):
                break  # walked into another quotation
            if found:
                steps.add(below.dep_)
            cue = ctx.cue_at.get(node.i)
            if cue is not None and not ctx.quoted[node.i]:
                if cue.entry.cls == "nominal" and below.dep_ in _MODIFIER_DEPS:
                    continue  # 'Trump's "divisive" comments': a word on the remarks, not in them
                if found and steps <= _REPORTED_DEPS and steps & {"ccomp", "xcomp"}:
                    reporting.append(cue)
                found.append(cue)
        if found:
            break
    if not found:
        # The cue hangs off the quotation: '"...," said Kono' parsed with said as parataxis.
        for tok in inner:
            for child in tok.children:
                if (
                    not (a <= child.i < b)
                    and child.i in ctx.cue_at
                    and child.dep_ in {"parataxis", "ccomp", "advcl", "conj", "dep", "appos"}
                ):
                    found.append(ctx.cue_at[child.i])
    speech = [c for c in found if c.entry.cls not in NOT_SPEECH and ctx.with_speaker(c) is not None]
    outer = [c for c in reporting if c in speech]
    if outer and speech and speech[0] is found[0]:
        return outer[-1]
    return speech[0] if speech else (found[0] if found else None)


_REPORTED_DEPS = {"ccomp", "xcomp", "conj"}
"""How a reported clause hangs off the cue that reports it (a ccomp or xcomp, through
conjuncts inside it; two cues joined as conjuncts report apart: 'Cruz accuses Obama of
"leading from behind" and Trump says he's "losing the war"')."""


def _nearest(
    cues: Sequence[CueMatch], a: int, b: int, limit: int, accept: Callable[[CueMatch], bool]
) -> list[CueMatch]:
    """Up to ``limit`` accepted cues nearest the token range ``[a, b)``, nearest first.

    ``cues`` are in text order. A cue right after the range ('"...," he said') beats one
    as far before it. Walks outwards from the range, so a sentence of a thousand cues costs
    no more than a short one.
    """
    starts = [c.start for c in cues]
    right = bisect_right(starts, a)
    left = right - 1
    out: list[CueMatch] = []
    while len(out) < limit and (left >= 0 or right < len(cues)):
        lkey = (a - cues[left].end) * 2 + 1 if left >= 0 else None
        rkey = (cues[right].start - b) * 2 if right < len(cues) else None
        if rkey is None or (lkey is not None and lkey < rkey):
            cue, left = cues[left], left - 1
        else:
            cue, right = cues[right], right + 1
        if accept(cue):
            out.append(cue)
    return out


def _sentence_cues(ctx: _Context, k: int, limit: int) -> list[CueMatch]:
    """The ``limit`` cues with a speaker nearest the quotation, in its sentences."""
    a, b = ctx.outer[k]

    def usable(cue: CueMatch) -> bool:
        return (
            not ctx.quoted[cue.head]
            and cue.entry.cls not in NOT_SPEECH
            and ctx.with_speaker(cue) is not None
        )

    return _nearest(ctx.sentence_cues(k), a, b, limit, usable)


def _according_to(ctx: _Context, k: int) -> CueMatch | None:
    for cue in ctx.sentence_cues(k):
        if cue.entry.cls == "phrase" and not ctx.quoted[cue.start]:
            return cue
    return None


def _colon_intro(ctx: _Context, k: int) -> tuple[list[CueMatch], Token | None]:
    """What introduces the quotation when the sentence before it ends in a colon.

    The cues of that sentence with a speaker, the last first (``Kono told reporters:
    "..."``; ``As the Post reported, the White House refused to call it terrorism: "..."``
    has two), and a source without a cue: a bare name (``TRUMP: "..."``) or else the
    subject of the sentence (``He then listed the qualities a nominee needs: "..."``).
    """
    doc = ctx.doc
    a, _ = ctx.outer[k]
    i = a - 1
    while i >= 0 and doc[i].is_space:
        i -= 1
    if i < 0 or doc[i].text not in {":", "：", "):"}:  # "):" of "Gowdy (R-S.C.):"
        return [], None
    sent_start, _ = ctx.sent_bounds[ctx.sent_of[i]]
    cues = [
        c
        for c in reversed(ctx.cues_by_sent.get(ctx.sent_of[i], []))
        if c.head < i and not ctx.quoted[c.head] and ctx.with_speaker(c) is not None
    ]
    words = []
    depth = 0
    for t in doc[sent_start:i]:
        depth += t.text.count("(") - t.text.count(")")
        if depth == 0 and not t.is_space and not t.is_punct and ")" not in t.text:
            words.append(t)  # a party and state in parentheses are no name: "Gowdy (R-S.C.):"
    if (
        words
        and len(words) <= 4
        and all(t.pos_ in _NAME_POS or t.is_title or t.is_upper for t in words)
    ):
        return cues, words[-1]
    credited = _credited_source(doc, sent_start, i)
    if credited is not None:
        return cues, credited
    root = next((t for t in doc[sent_start:i] if t.head.i == t.i or t.head.i >= i), None)
    subject = subject_of(root, lambda t: ctx.quoted[t.i]) if root is not None else None
    if subject is not None and sent_start <= subject.i < i and subject.pos_ in _SOURCE_POS:
        return cues, subject
    if root is not None and root.pos_ in {"NOUN", "PROPN"} and sent_start <= root.i < i:
        return cues, root  # a heading with no verb of its own: "Transcript as follows:"
    return cues, None


_SOURCE_POS = {"PROPN", "PRON", "NOUN"}


def _credited_source(doc: Doc, start: int, colon: int) -> Token | None:
    """The source a roundup credits before a colon: a name after a dash ("Iowa polls
    were not wrong - Mark Blumenthal and Jon Cohen: "...""), or what follows a leading
    "From" or "More from" ("More from the report: "...""). Its last word, as with a bare
    name; None when the words there are not a name (or, after "from", a noun phrase)."""
    j = next(
        (
            j
            for j in range(colon - 1, start - 1, -1)
            if doc[j].text in _DASHES
            or (
                doc[j].lower_ == "from"
                and (j == start or (j == start + 1 and doc[start].lower_ == "more"))
            )
        ),
        None,
    )
    if j is None:
        return None
    tail = [t for t in doc[j + 1 : colon] if not t.is_space and not t.is_punct]
    if not tail or len(tail) > 6:
        return None
    names = [t for t in tail if t.lower_ not in {"and", "&"}]
    if all(t.pos_ in _NAME_POS or t.is_title or t.is_upper for t in names):
        return names[-1]
    if doc[j].lower_ == "from" and tail[-1].pos_ in {"NOUN", "PROPN"}:
        if all(t.pos_ in {"DET", "ADJ", "NOUN", "PROPN", "PART"} for t in tail):
            return tail[-1]
    return None


def _dash_name(ctx: _Context, k: int) -> Token | None:
    doc = ctx.doc
    _, b = ctx.outer[k]
    i = b
    while i < len(doc) and doc[i].is_space:
        i += 1
    if i >= len(doc) or doc[i].text not in _DASHES:
        return None
    j = i + 1
    while j < len(doc) and doc[j].is_space:
        j += 1
    if j < len(doc) and doc[j].pos_ in _NAME_POS and doc[j].is_title:
        tok = doc[j]
        while (
            tok.dep_ in {"compound", "flat"} and tok.head.i > tok.i and tok.head.pos_ in _NAME_POS
        ):
            tok = tok.head
        while tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ in _NAME_POS and doc[tok.i + 1].is_title:
            tok = doc[tok.i + 1]
        return tok
    return None


def _paragraph_only_quotes(ctx: _Context, k: int) -> bool:
    """True when the quotation's paragraph holds nothing but quotations."""
    doc = ctx.doc
    p = ctx.paragraph_of[ctx.outer[k][0]]
    return all(ctx.quoted[i] or doc[i].is_space or doc[i].is_punct for i in ctx.paragraph_tokens[p])


_ATTRIBUTION_DEPS = {
    "nsubj",
    "nsubjpass",
    "npadvmod",
    "advmod",
    "prep",
    "mark",
    "aux",
    "auxpass",
    "neg",
    "punct",
    "agent",
    "prt",
}
_TELLING = {"tell", "ask", "assure", "remind", "warn", "inform", "urge", "put"}


def _kind(ctx: _Context, k: int, cue: CueMatch | None, speaker: Token | None) -> QuoteKind:
    q = ctx.quotes[k]
    if q.open_mark is None or q.close_mark is None:
        return "direct"
    doc = ctx.doc
    a, b = ctx.outer[k]
    attribution: set[int] = set()
    if cue is not None:
        attribution.update(range(cue.start, cue.end))
        # The attributing clause: the cue's subject, adverbials and, for verbs of telling,
        # the addressee ("told reporters"), but no branch that holds the quotation itself.
        for child in doc[cue.head].children:
            holds_quote = child.left_edge.i <= a and b - 1 <= child.right_edge.i
            addressee = child.dep_ in {"dobj", "dative"} and cue.lemma in _TELLING
            if not holds_quote and (child.dep_ in _ATTRIBUTION_DEPS or addressee):
                attribution.update(range(child.left_edge.i, child.right_edge.i + 1))
    if speaker is not None:
        attribution.update(range(speaker.left_edge.i, speaker.right_edge.i + 1))
        start, end = mention_range(doc, speaker)
        if start > 0 and doc[start - 1].lower_ in _ARTICLES:
            # '"...," the Saudis state': the article the parser hung on the cue (the
            # mention keeps it out there, as in "the Clinton campaign": same parse).
            start -= 1
        attribution.update(range(start, end))

    def embedding(tok: Token | None) -> bool:
        if (
            tok is None
            or tok.is_punct
            or tok.is_space
            or tok.i in attribution
            or tok.i in ctx.cue_tokens
        ):
            return False
        return not ctx.quoted[tok.i]

    sent_start, _ = ctx.sent_bounds[ctx.sent_of[a]]
    _, sent_end = ctx.sent_bounds[ctx.sent_of[b - 1]]
    before = next((doc[i] for i in range(a - 1, sent_start - 1, -1) if not doc[i].is_space), None)
    after = next((doc[i] for i in range(b, sent_end) if not doc[i].is_space), None)
    return "partial" if embedding(before) or embedding(after) else "direct"


def is_speech(q: QuoteSpan, path: Path, text: str) -> bool:
    """Tell quoted speech from quoted titles and broken marks, where no cue vouches for it
    (``not_speech`` says which)."""
    return not_speech(q, path, text) is None


NotSpeech = Literal["title", "broken_marks"]


def not_speech(q: QuoteSpan, path: Path, text: str) -> NotSpeech | None:
    """Why quote-marked words attributed by ``path`` are not speech, or None when they are.

    Measured on the PolNeAR train split: a quotation whose marks don't balance and that no
    cue attributes is speech 4 times in 100; a short title-cased phrase with no attribution
    ("Face the Nation," "The Art of the Deal") about 15 in 100.
    """
    if path in {"none", "subject"} and q.unbalanced:
        return "broken_marks"
    title = looks_like_title(text[q.start : q.end])
    if title and path in {"none", "subject", "paragraph"}:
        return "title"
    # A title after a preposition or article is a show, book or film whatever the cue:
    # 'said on "Face the Nation,"', 'the "Commander-in-Chief" forum'; so is a title after
    # a possessive or a word for a work ('CNN's "New Day,"', 'his new book, "Doomed to
    # Succeed,"'). On PolNeAR train the last two rules drop 74 quotations, 14 of them
    # annotated.
    before = text[max(0, q.outer_start - 16) : q.outer_start].split()
    if not (title and before):
        return None
    word = before[-1].lower().rstrip(",")
    if word in _TITLE_CONTEXT or word in _WORKS or word.endswith(("'s", "’s", "s'", "s’")):
        return "title"
    return None


_WORKS = {
    "book",
    "novel",
    "memoir",
    "essay",
    "poem",
    "column",
    "editorial",
    "film",
    "movie",
    "documentary",
    "show",
    "program",
    "programme",
    "series",
    "episode",
    "podcast",
    "album",
    "song",
    "musical",
    "magazine",
    "newspaper",
    "blog",
    "website",
    "entitled",
}
"""Words for a work whose title follows in quotation marks."""

_TITLE_CONTEXT = {
    "on",
    "in",
    "of",
    "at",
    "for",
    "the",
    "a",
    "an",
    "from",
    "to",
    "titled",
    "called",
    "dubbed",
    "named",
}


def _continuation(
    ctx: _Context, k: int, findings: Sequence[Finding]
) -> tuple[int | None, Token | None, CueMatch | None, Path]:
    """A quotation with no cue of its own: whose speech does it continue?"""
    q = ctx.quotes[k]
    prev = next((j for j in range(k - 1, -1, -1) if findings[j].speech), None)
    spoken = prev is not None and findings[prev].path != "none"
    if prev is not None and spoken and (q.continues or ctx.quotes[prev].paragraph == q.paragraph):
        return prev, None, None, "continuation"
    if not _paragraph_only_quotes(ctx, k):
        return None, None, None, "none"
    # The paragraph before: its last quotation's speaker, else its last cue's subject.
    before = q.paragraph - 1
    if prev is not None and spoken and ctx.quotes[prev].paragraph == before:
        return prev, None, None, "continuation"
    for c in reversed(ctx.cues_by_paragraph.get(before, [])):
        if not ctx.quoted[c.head] and c.entry.cls not in NOT_SPEECH:
            tok = ctx.with_speaker(c)
            if tok is not None:
                return None, tok, c, "previous_paragraph"
    if prev is not None and spoken and ctx.quotes[prev].paragraph >= q.paragraph - 2:
        return prev, None, None, "continuation"
    return None, None, None, "none"


def _embedding_subject(ctx: _Context, k: int) -> Token | None:
    """The subject of the nearest verb above the quotation, when it names someone."""
    a, b = ctx.outer[k]
    roots = [t for t in ctx.inner[k] if not (a <= t.head.i < b)]
    for root in roots[:1]:
        node = root
        for _ in range(6):
            if node.head.i == node.i:
                break
            node = node.head
            if node.pos_ in {"VERB", "AUX"}:
                subj = subject_of(node, lambda t: ctx.quoted[t.i])
                if subj is None:
                    continue
                if subj.pos_ == "PROPN" or (
                    subj.pos_ == "PRON" and subj.lower_ in {"he", "she", "they"}
                ):
                    return subj
                return None
    return None


@dataclass(frozen=True, slots=True)
class Candidate:
    """One way to attribute a quotation: a rule path, its cue and its speaker token.

    ``speaker`` is None for a continuation (the speaker is that of ``continued_from``) and
    for the ``none`` candidate (no speaker at all).
    """

    path: Path
    cue: CueMatch | None
    speaker: Token | None
    continued_from: int | None = None


Chooser = Callable[
    ["_Context", int, Sequence[Candidate], Sequence[Finding]], tuple[int, float | None]
]
"""Picks one candidate for quotation ``k``: its index and a probability (None for the
rules, which pick the first)."""


def candidates(ctx: _Context, k: int, findings: Sequence[Finding]) -> list[Candidate]:
    """Every attribution the rules can justify for quotation ``k``, the rules' choice first.

    The rule cascade of this module's docstring gives the order; then come ``none`` and the
    alternatives the cascade would not reach (other cues in the sentence and paragraph,
    the previous quotation's speaker, the previous paragraph's cue subjects), so that a
    learned scorer can weigh them against the rules' choice.
    """
    out: list[Candidate] = []
    seen: set[tuple[int, int | None]] = set()

    def add(
        path: Path, cue: CueMatch | None, speaker: Token | None, continued: int | None = None
    ) -> None:
        key = (speaker.i if speaker is not None else -1, continued)
        if (speaker is not None or continued is not None) and key not in seen:
            seen.add(key)
            out.append(Candidate(path, cue, speaker, continued))

    governing = _governing_cue(ctx, k)
    according = _according_to(ctx, k)
    if according is not None and (governing is None or governing.entry.cls != "phrase"):
        # 'According to the school's Facebook post, al Ashry said he was accompanying his
        # wife because "..."', 'Trump said he was "happy to see" that Khan was voted in,
        # according to The New York Times': the outermost source, as PolNeAR credits it.
        # The parser hangs "according to" anywhere in the sentence, so where it hangs
        # does not decide ('said that according to its analysis, ...' is the one loss).
        add("according_to", according, ctx.with_speaker(according))
    if governing is not None:
        add("governing", governing, ctx.with_speaker(governing))
    for near in _sentence_cues(ctx, k, _NEAREST_CUES):
        add("sentence", near, ctx.with_speaker(near))
    colon_cues, colon_source = _colon_intro(ctx, k)
    for cue in colon_cues:
        add("colon", cue, ctx.with_speaker(cue))
    if colon_source is not None:
        add("colon", None, colon_source)
    dash = _dash_name(ctx, k)
    if dash is not None:
        add("dash", None, dash)
    continued, speaker, cue, path = _continuation(ctx, k, findings)
    if path != "none":
        add(path, cue, speaker, continued)
    # The paragraph's cues: the first with a speaker (the rules' choice), then the nearest
    # few. Not all of them: a paragraph of a thousand quotations would make it quadratic.
    a, b = ctx.outer[k]
    in_paragraph = ctx.cues_by_paragraph.get(ctx.quotes[k].paragraph, [])

    def usable(c: CueMatch) -> bool:
        return not ctx.quoted[c.head] and c.entry.cls not in NOT_SPEECH

    def lead(cues: Sequence[CueMatch]) -> CueMatch | None:
        """A paragraph's first usable cue with a speaker: its main attribution."""
        return next((c for c in cues if usable(c) and ctx.with_speaker(c) is not None), None)

    first = lead(in_paragraph)
    for c in ([first] if first is not None else []) + _nearest(
        in_paragraph, a, b, _NEAREST_CUES, usable
    ):
        add("paragraph", c, ctx.with_speaker(c))
    embedding = _embedding_subject(ctx, k)
    if embedding is not None:
        add("subject", None, embedding)
    rules_end = len(out)
    # Alternatives beyond the cascade, for the learned scorer.
    prev = next(
        (j for j in range(k - 1, -1, -1) if findings[j].speech and findings[j].path != "none"), None
    )
    if prev is not None and ctx.quotes[k].paragraph - ctx.quotes[prev].paragraph <= 2:
        add("continuation", None, None, prev)
    # The previous paragraph's last cue, and its first cue with a speaker: the last is
    # often a cue of the reported words ('Carter said that for decades some critics had
    # been predicting a withdrawal.' then '"That's because ..."' is Carter's, not the
    # critics').
    before = ctx.cues_by_paragraph.get(ctx.quotes[k].paragraph - 1, [])
    last = next((c for c in reversed(before) if usable(c)), None)
    for c in (last, lead(before)):
        if c is not None:
            add("previous_paragraph", c, ctx.with_speaker(c))
    extras = out[rules_end:]
    return out[:rules_end] + [Candidate("none", None, None)] + extras


_NEAREST_CUES = 3
"""How many of the nearest cues of a sentence or paragraph become candidates: enough for
any real attribution, and no quadratic work on a paragraph of a thousand quotations."""
_BY_PROXIMITY = {"sentence", "paragraph", "previous_paragraph"}
"""Paths that take a cue for being near the quotation, not for governing it."""


def rule_choice(
    ctx: _Context, k: int, options: Sequence[Candidate], findings: Sequence[Finding]
) -> tuple[int, float | None]:
    """The rules' choice: the first candidate of the cascade."""
    return 0, None


def find_speakers(
    doc: Doc, quotes: Sequence[QuoteSpan], cues: Sequence[CueMatch], choose: Chooser = rule_choice
) -> list[Finding]:
    """One ``Finding`` per quotation, in the order of ``quotes``."""
    ctx = _Context(doc, quotes, cues)
    text = text_of(doc)
    findings: list[Finding] = []
    for k, q in enumerate(quotes):
        options = candidates(ctx, k, findings)
        index, score = choose(ctx, k, options, findings)
        chosen = options[index]
        if chosen.path in _BY_PROXIMITY and chosen.cue and chosen.cue.head in ctx.attributed:
            # A cue nearby that attributes an earlier quotation already ('"...," Lopez told
            # reporters. "..."'): this quotation continues that one, and says so.
            chosen = Candidate("continuation", None, None, ctx.attributed[chosen.cue.head])
        speaker = chosen.speaker
        mention = mention_range(doc, speaker) if speaker is not None else None
        kind = _kind(ctx, k, chosen.cue, speaker)
        speech = is_speech(q, chosen.path, text)
        findings.append(
            Finding(q, kind, chosen.path, chosen.cue, mention, chosen.continued_from, speech, score)
        )
        if speech and chosen.cue is not None:
            ctx.attributed[chosen.cue.head] = k
    return findings
