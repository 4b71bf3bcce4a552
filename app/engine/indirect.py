"""Reported speech: the content of attributions without quotation marks.

Where a cue has a clausal complement, that clause is what was reported (Bergler 1992;
Pareti 2015's PARC attribution relations, the scheme PolNeAR follows). Each cue offers
the contents its parse allows (``content_candidates``):

- ``X said (that) ...``: the cue's clausal complement, ``that`` included; also the
  complement before a trailing adjunct (``, which ...``), and with a clause the parser
  coordinated with the cue instead (``said the plan failed and the city must pay``).
- ``..., Lavrov said Friday.``: a postposed attribution; the parser makes the clause before
  it the complement of ``said``, or hangs ``said`` off that clause (parataxis): either way
  the content is the clause without the attribution (or the sentence before it).
- ``..., according to X.``: the clause the phrase modifies, without the phrase.
- ``urged the party to ...``, ``wants to ...``: the to-clause, with or without the object.
- ``criticized the deal``, ``called for a ban``: the object or prepositional object, or
  everything the cue governs on its right.
- ``Sanders appears to lead``: the subject too, which PolNeAR marks as the content of
  seem and appear and of passives, with no source (the writer's own evidence).
- Headlines: ``Russia, Japan say differences remain ...`` is the first form; a line that
  a name opens with a colon (``Poll: Wealthy voters abandon ...``, a transcript's
  ``TAPPER: Do you think ...``) reports what follows the colon, as a whole.

The rules (``scorer`` None) take the first form that applies, and a content only with a
speaker. The learned content scorer (``reported_scorer.py``, weights in
``models/reported_scorer.json``) weighs every candidate instead, in the manner of a
candidate ranker for attribution spans: its probability that span and source are both
right decides which, and whether any, and is calibrated into the confidence.

Cues are those of the quotation step, and verbs and nouns that attribute a content but
seldom a quotation (``models/lexicons/reported_cues.tsv``: declined to, pointed to; the
claim that, criticism of, whose source is the possessor or the subject of the verb the
noun is the object of), kept apart so that quote-marked attribution stays as it is.

A content that is itself a quotation (``"...," he said``) is the direct quotation already
found and is not repeated. Nor is a content that contains a quoted fragment (``Okafor said
the merger brought "real savings" to the region``): the fragment is the quotation step's
``partial`` record, with the cue's speaker, and stands for the whole attribution, as the
project's data define it (``partial``: a quote-marked part of a longer, otherwise
reported, content; ``indirect``: reported speech without quotation marks). Returning the
clause as well would give one statement two records, and count its speaker twice.

Verbs of thought and intention (believe, think, hope, fear, expect, know, want) report a
stance, not speech. The literature splits on them (PARC and PolNeAR annotate them as
attribution; GenderGapTracker's speech-verb list leaves them out). This engine returns
them, because a newsroom measuring who gets a voice counts "Smith believes the plan will
fail" as Smith's voice, but scores them lower, so a client that wants speech alone can cut
on confidence: under the rules by their lexicon strength, with the learned scorer by the
weight it gives their class and lemma (on PolNeAR train their contents are right less
often than those of speech verbs). Evaluation verbs (criticize, praise, accuse) report
what they are about: their object.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from app.engine.cues import CueMatch, find_cues
from app.engine.lexicon import Lexicon
from app.engine.quotes import QuoteSpan
from app.engine.reported_scorer import Features, ReportedScorer, reported_features
from app.engine.speakers import (
    Finding,
    mention_range,
    paragraph_numbers,
    speaker_of,
    tokens_within,
)

_CONTENT_CLASSES = {
    "nominal",
    "speech",
    "assertion",
    "report",
    "writing",
    "question",
    "thought",
    "stance",
    "evaluation",
}
_CLAUSE_DEPS = {"ccomp"}
# Verbs whose object is the person addressed, not what was said ("told reporters").
_ADDRESSEE_VERBS = {
    "tell",
    "ask",
    "assure",
    "remind",
    "warn",
    "inform",
    "urge",
    "thank",
    "congratulate",
}
# Objects that are no content: pronouns and bare determiners ("said it", "denied that").
_EMPTY_OBJECTS = {"PRON", "DET"}
ALTERNATIVES = 3
"""Candidates per cue the learned selection considers: when the most probable one overlaps
a more probable content of another cue, the cue's next one that does not can stand."""
# Where a trailing adjunct starts (``_before_adjunct``).
_ADJUNCT_MARKS = {",", ";", "—", "–", "--", "―", "-", "("}
# Prepositions whose object can be what a cue reports ("pointed to", "accused X of",
# "warned against"); the rules take the first five only.
_PREPS = {"for", "of", "on", "about", "against", "to", "with", "over", "at", "in", "as"}
_RULE_PREPS = {"for", "of", "on", "about", "against"}
# The cue's right-hand dependents that are no part of what it reports.
_NOT_CONTENT_DEPS = {"punct", "cc", "conj", "nsubj", "nsubjpass", "advmod", "npadvmod", "dep"}
_EDGE_PUNCT = {",", ".", ";", ":", "—", "–", "-", "--", "―", '"', "“", "”", "'"}


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible content of a cue: a token range and the syntactic form that proposed it."""

    start: int
    end: int
    form: str
    rule: bool = False
    """Whether the hand-written rules (no learned scorer) would take this content."""


@dataclass(frozen=True, slots=True)
class ReportedContent:
    """The content of one reported-speech attribution, as a token range, and its cue."""

    start: int
    end: int
    cue: CueMatch
    form: str = "complement"
    speaker: int | None = None
    """Index of the speaker's head token, or None for a content without a source."""
    score: float | None = None
    """The learned scorer's raw probability (None under the rules)."""


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and (doc[start].is_space or doc[start].text in _EDGE_PUNCT):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].text in _EDGE_PUNCT):
        end -= 1
    return start, end


def _subtree(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i + 1


def _subtree_without(head: Token, cut: Token | None) -> tuple[int, int]:
    """``head``'s subtree, without ``cut``'s subtree when it sits at an edge of it."""
    start, end = _subtree(head)
    if cut is not None:
        if cut.left_edge.i > head.i:
            end = min(end, cut.left_edge.i)
        elif cut.right_edge.i < head.i:
            start = max(start, cut.right_edge.i + 1)
    return start, end


def _before_adjunct(doc: Doc, start: int, end: int, head: int) -> tuple[int, int] | None:
    """The span up to the first comma, dash or parenthesis after its head: annotators end a
    content before a trailing adjunct (", which ...", " -- even as ...", ", vowing to ...")
    about as often as they keep it, so both are candidates."""
    for k in range(max(start, head + 1), end):
        if doc[k].text in _ADJUNCT_MARKS:
            return start, k
    return None


def content_candidates(doc: Doc, cue: CueMatch) -> list[Candidate]:
    """Every content the parse offers for ``cue``, trimmed, each span once.

    The rules' choice (flagged ``rule``) is the first of the forms of the module docstring
    that applies; the learned scorer (``reported_scorer.py``) chooses among all of them.
    """
    out: list[Candidate] = []

    def add(
        form: str, span: tuple[int, int] | None, rule: bool = False, head: int | None = None
    ) -> None:
        """The span as a candidate and, given its head, the span before its first
        trailing adjunct as another (``form_core``)."""
        if span is None:
            return
        start, end = _trim(doc, *span)
        if end <= start or any((c.start, c.end) == (start, end) for c in out):
            return
        out.append(Candidate(start, end, form, rule and not any(c.rule for c in out)))
        if head is not None:
            add(f"{form}_core", _before_adjunct(doc, start, end, head))

    verb = doc[cue.head]
    sent = verb.sent
    if cue.entry.cls == "phrase":
        # "according to X" modifies the clause it stands in: that clause, without the phrase.
        prep = doc[cue.start]
        clause = prep.head
        while clause.dep_ not in {"ROOT", "ccomp", "conj"} and clause.head.i != clause.i:
            clause = clause.head
        add("according_clause", _subtree_without(clause, prep), rule=True, head=clause.i)
        # A misparse hangs the phrase elsewhere; the sentence on the far side of it remains.
        phrase_end = prep.right_edge.i + 1
        if cue.start - sent.start > sent.end - phrase_end:
            add("according_sentence", (sent.start, cue.start))
        else:
            add("according_sentence", (phrase_end, sent.end))
        return out
    if cue.entry.cls not in _CONTENT_CLASSES:
        return out
    children = list(verb.children)
    for child in children:
        # "said (that) ...", and for a nominal cue "the claim that ...", "a plan to ...".
        if child.dep_ in _CLAUSE_DEPS or (child.dep_ == "acl" and cue.entry.cls == "nominal"):
            start, end = _subtree(child)
            add("complement", (start, end), rule=child.pos_ in {"VERB", "AUX"}, head=child.i)
            if start < verb.i:
                # "which the campaign says includes ...": the relative word is no content.
                add("complement_after_cue", (verb.i + 1, end))
            # "said the plan failed and the city must pay": a second clause the parser
            # coordinates with the cue rather than with the first.
            conj = [c for c in children if c.dep_ == "conj" and c.i >= end]
            if conj:
                add("complement_and", (start, conj[-1].right_edge.i + 1))
    # "..., Lavrov said Friday." parsed with said hanging off the content clause.
    if verb.dep_ in {"parataxis", "ccomp"} and verb.head.i < verb.i:
        add(
            "host",
            _subtree_without(verb.head, verb),
            rule=verb.head.pos_ in {"VERB", "AUX"},
            head=verb.head.i,
        )
    # "..., Lavrov said Friday." parsed any other way: the sentence before the attribution.
    if verb.left_edge.i > sent.start:
        add("sentence_before", (sent.start, verb.left_edge.i))
    # "urged the court to give me a fair sentence", "wants to cut taxes": the to-clause,
    # with or without the person urged.
    for child in children:
        if child.dep_ == "xcomp" and child.i > verb.i:
            add("to_clause", _subtree(child), rule=True, head=child.i)
            objects = [c for c in children if c.dep_ == "dobj" and c.i < child.i]
            if objects:
                span = (objects[0].left_edge.i, child.right_edge.i + 1)
                add("object_to_clause", span, head=child.i)
    # "mocked the presidential ambitions of three hopefuls", "supports a tax on carbon":
    # what the stance is about. For the rules, the person told is no content.
    addressee = verb.lemma_.lower() in _ADDRESSEE_VERBS
    for child in children:
        if child.dep_ == "dobj" and child.i > verb.i:
            rule = not addressee and child.pos_ not in _EMPTY_OBJECTS
            add("object", _subtree(child), rule=rule, head=child.i)
    # "called for a ban", "accused Republicans of placing ...": the prepositional object.
    for child in children:
        if child.dep_ in {"prep", "prt", "agent"} and child.i > verb.i and child.lower_ in _PREPS:
            objects = [g for g in child.children if g.dep_ in {"pobj", "pcomp"}]
            if objects:
                add(
                    "prep_object",
                    _subtree(objects[0]),
                    rule=child.lower_ in _RULE_PREPS and objects[0].pos_ not in _EMPTY_OBJECTS,
                    head=objects[0].i,
                )
    # "accused Clinton of being too cozy with Wall Street": object and what follows, the
    # whole right side of the cue's clause.
    rights = [c for c in children if c.i > verb.i and c.dep_ not in _NOT_CONTENT_DEPS]
    if rights:
        start = min(c.left_edge.i for c in rights)
        end = max(c.right_edge.i for c in rights) + 1
        add("rest", (start, end), head=rights[0].i)
    # "Enthusiasm for Clinton appears to have plummeted": PolNeAR often marks the subject
    # of seem and appear, and of passive cues, as what is reported.
    for child in children:
        if child.dep_ in {"nsubj", "nsubjpass"} and child.i < verb.i:
            add("subject", _subtree(child))
    return out


def _speaker(doc: Doc, cue: CueMatch, quoted: Sequence[bool]) -> Token | None:
    """The cue's source, or None: a subject inside a quotation is the quoted words' (unless
    the cue is itself quoted, reported speech inside a quotation)."""
    nested = quoted[cue.head]
    speaker = speaker_of(doc, cue, (lambda t: False) if nested else (lambda t: quoted[t.i]))
    if (
        speaker is None
        or (quoted[speaker.i] and not nested)
        or not any(ch.isalpha() for ch in speaker.text)
    ):
        return None
    return speaker


def _source_like(verb: Token, speaker: Token, organisations: frozenset[str]) -> bool:
    """A stance verb in the active voice, held by a name, a personal pronoun, or a person or
    organisation noun: only then is "X supports Y" an attribution rather than narration."""
    if any(c.dep_ in {"auxpass", "nsubjpass"} for c in verb.children):
        return False
    if speaker.pos_ == "PROPN" or speaker.lower_ in {"he", "she", "they", "i", "we", "it"}:
        return True
    return speaker.lemma_.lower() in organisations or speaker.ent_type_ in {
        "PERSON",
        "ORG",
        "GPE",
        "NORP",
    }


class WordCounts:
    """Running counts of words and quoted words, so that each content is checked in constant
    time (a paragraph can hold thousands of cues whose contents each span most of it)."""

    def __init__(self, doc: Doc, quoted: Sequence[bool]):
        self.quoted = quoted
        self.words = [0]
        self.quoted_words = [0]
        for tok in doc:
            self.words.append(self.words[-1] + (not tok.is_space))
            self.quoted_words.append(
                self.quoted_words[-1] + (not tok.is_space and bool(quoted[tok.i]))
            )

    def count(self, c: Candidate) -> int:
        return self.words[c.end] - self.words[c.start]

    def quoted_count(self, cue: CueMatch, c: Candidate) -> int:
        """Quoted words in the content, when the cue is outside the quotation (reported
        speech inside a quotation, "Kerry said that ...", is its own attribution)."""
        return 0 if self.quoted[cue.head] else self.quoted_words[c.end] - self.quoted_words[c.start]

    def mostly_quoted(self, cue: CueMatch, c: Candidate) -> bool:
        """A quoted content attributed from outside the marks is the direct quotation itself."""
        return self.quoted_count(cue, c) * 2 >= self.count(c) > 0


def scored_candidates(
    doc: Doc,
    cue: CueMatch,
    words: WordCounts,
    organisations: frozenset[str],
) -> list[tuple[Candidate, Token | None, Features]]:
    """The candidates of ``cue`` the learned scorer weighs, each with the source it would
    get and its features; no candidate holds quote-marked words (module docstring)."""
    candidates = content_candidates(doc, cue)
    if not candidates:
        return []
    speaker = _speaker(doc, cue, words.quoted)
    # A cue with a quotation among its contents is that quotation's cue ("...," Obama said
    # Saturday at the White House): what else it governs is seldom a second content.
    quoting = any(words.mostly_quoted(cue, c) for c in candidates)
    out = []
    for rank, cand in enumerate(candidates):
        if words.quoted_count(cue, cand):
            continue
        source = speaker
        if source is not None and cand.start <= source.i < cand.end:
            source = None  # the content is the subject: "Sanders appears to ..."
        features = reported_features(
            doc, cue, cand, rank, source, speaker, words.quoted, organisations, quoting
        )
        out.append((cand, source, features))
    return out


def _rule_content(
    doc: Doc, cue: CueMatch, words: WordCounts, organisations: frozenset[str]
) -> ReportedContent | None:
    chosen = next((c for c in content_candidates(doc, cue) if c.rule), None)
    if chosen is None or words.count(chosen) < 3 or words.quoted_count(cue, chosen):
        return None
    speaker = _speaker(doc, cue, words.quoted)
    if (
        speaker is None
        or chosen.start <= speaker.i < chosen.end  # the subject inside: a misparse
        # "gains are seen as ...": a stance needs someone who holds it.
        or (cue.entry.cls == "stance" and not _source_like(doc[cue.head], speaker, organisations))
    ):
        return None
    return ReportedContent(chosen.start, chosen.end, cue, chosen.form, speaker.i)


def one_per_stretch(
    proposals: Sequence[ReportedContent], threshold: float | None = None
) -> list[ReportedContent]:
    """One content per stretch of text, in text order.

    Nested attributions ("X said Y claimed Z") keep the outer one under the rules
    (``threshold`` None: proposals in cue order), which cost fewer false contents than it
    gained on PolNeAR train; with the learned scorer, contents below ``threshold`` go and
    the more probable of two on the same words stays. A cue gets one content at most
    (the scorer proposes several per cue, ``ALTERNATIVES``).
    """
    if threshold is not None:
        proposals = sorted(
            (r for r in proposals if (r.score or 0.0) >= threshold), key=lambda r: -(r.score or 0.0)
        )
    found: list[ReportedContent] = []
    taken: list[tuple[int, int]] = []  # sorted, disjoint token ranges already reported
    cues: set[int] = set()
    for r in proposals:
        at = bisect_right(taken, (r.start, r.end))
        if (
            r.cue.head in cues
            or (at and taken[at - 1][1] > r.start)
            or (at < len(taken) and taken[at][0] < r.end)
        ):
            continue
        taken.insert(at, (r.start, r.end))
        cues.add(r.cue.head)
        found.append(r)
    found.sort(key=lambda r: r.start)
    return found


def find_reported(
    doc: Doc,
    cues: Sequence[CueMatch],
    quoted: Sequence[bool],
    organisations: frozenset[str] = frozenset(),
    scorer: ReportedScorer | None = None,
) -> list[ReportedContent]:
    """Contents of reported speech, at most one per cue, in text order.

    ``quoted`` flags the tokens inside quotation marks. Under the rules (``scorer`` None)
    each cue takes its rule candidate, if it has a speaker; with the learned scorer each
    takes its most probable candidate that is probable enough and free of a more
    probable content, and a content without a source is possible ("Sanders appears to
    be spending more").
    """
    words = WordCounts(doc, quoted)
    proposals: list[ReportedContent] = []
    for cue in cues:
        if scorer is None:
            content = _rule_content(doc, cue, words, organisations)
            if content is not None:
                proposals.append(content)
            continue
        scored = [
            (scorer.probability(features), cand, source)
            for cand, source, features in scored_candidates(doc, cue, words, organisations)
        ]
        scored.sort(key=lambda x: -x[0])
        for p, cand, source in scored[:ALTERNATIVES]:
            speaker = source.i if source is not None else None
            proposals.append(ReportedContent(cand.start, cand.end, cue, cand.form, speaker, p))
    return one_per_stretch(proposals, None if scorer is None else scorer.threshold)


def as_quote_span(doc: Doc, content: ReportedContent, paragraph: int) -> QuoteSpan:
    """The content as a (mark-less) quotation span for the later engine steps."""
    a = doc[content.start].idx
    last = doc[content.end - 1]
    b = last.idx + len(last.text)
    return QuoteSpan(a, b, None, None, paragraph, "reported", outer_start=a, outer_end=b)


def reported_cues(
    doc: Doc, lexicon: Lexicon, cues: Sequence[CueMatch], quoted: Sequence[tuple[int, int]]
) -> list[CueMatch]:
    """``cues`` and the cues of reported speech alone (``lexicon.reported``, from
    ``models/lexicons/reported_cues.tsv``) on words no cue of ``cues`` has taken, in text order.

    These words (decline, point to, hope in the small model's lemma "hop") attribute
    contents in PolNeAR but not quotations: kept apart, they leave the quote-marked
    attribution as it is.
    """
    if lexicon.reported is None:
        return list(cues)
    taken = {i for c in cues for i in range(c.start, c.end)}
    extra = [
        c
        for c in find_cues(doc, lexicon.reported, quoted)
        if not any(i in taken for i in range(c.start, c.end))
    ]
    nouns = lexicon.reported.nouns
    if nouns:
        inside = tokens_within(doc, quoted)
        taken.update(i for c in extra for i in range(c.start, c.end))
        for tok in doc:
            entry = nouns.get(tok.lemma_.lower()) if tok.pos_ == "NOUN" else None
            if entry is not None and tok.i not in taken and not inside[tok.i]:
                extra.append(CueMatch(tok.i, tok.i + 1, tok.i, entry))
    return sorted([*cues, *extra], key=lambda c: c.start)


def reported_findings(
    doc: Doc,
    cues: Sequence[CueMatch],
    quotes: Sequence[QuoteSpan],
    lexicon: Lexicon,
    scorer: ReportedScorer | None = None,
) -> list[Finding]:
    """One finding of kind ``indirect`` per reported content (``find_reported``).

    ``cues`` are the cues of the quotation step; the cues of reported speech alone are
    added here (``reported_cues``). Under the rules, a content whose cue has no recoverable
    subject ("In December said it built ...", a feed that stripped the name) is left out;
    the learned scorer may keep a content without a source, as PolNeAR annotates them
    ("Trump appears to be winning"), and its raw probability goes in ``Finding.score``.
    """
    outer = [(q.outer_start, q.outer_end) for q in quotes]
    quoted = tokens_within(doc, outer)
    paragraph_of = paragraph_numbers(doc)
    out = []
    all_cues = reported_cues(doc, lexicon, cues, outer)
    for content in find_reported(doc, all_cues, quoted, lexicon.organisations, scorer):
        paragraph = paragraph_of[content.start]
        path = "according_to" if content.cue.entry.cls == "phrase" else "reported"
        mention = None if content.speaker is None else mention_range(doc, doc[content.speaker])
        out.append(
            Finding(
                as_quote_span(doc, content, paragraph),
                "indirect",
                path,
                content.cue,
                mention,
                score=content.score,
            )
        )
    # A line a name opens with a colon ("TAPPER: Do you think ...", "Poll: ...") is that
    # source's content as a whole, whatever cues stand inside it; a cue's content that is
    # most of the line is the same content, once.
    for start, end, name in _headline_colons(doc, quoted, paragraph_of):
        a, b = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
        out = [f for f in out if _jaccard((f.quote.start, f.quote.end), (a, b)) < 0.5]
        span = QuoteSpan(
            a, b, None, None, paragraph_of[start], "reported", outer_start=a, outer_end=b
        )
        out.append(Finding(span, "indirect", "headline", None, name))
    out.sort(key=lambda f: f.quote.start)
    return out


def _jaccard(x: tuple[int, int], y: tuple[int, int]) -> float:
    inter = min(x[1], y[1]) - max(x[0], y[0])
    return max(inter, 0) / (max(x[1], y[1]) - min(x[0], y[0]))


def _headline_colons(
    doc: Doc, quoted: Sequence[bool], paragraph_of: Sequence[int]
) -> list[tuple[int, int, tuple[int, int]]]:
    """Headline attribution by colon: "Poll: Wealthy Voters Abandon ...", "Trump: ...".

    A paragraph that opens with a short name (one to four capitalised words) and a colon
    reports what follows, when that is not itself a quotation (which the quotation step
    attributes). Returns (content start, content end, speaker token range).
    """
    out = []
    for i, tok in enumerate(doc):
        if tok.text != ":" or quoted[i]:
            continue
        first = i
        while first > 0 and paragraph_of[first - 1] == paragraph_of[i]:
            first -= 1
        words = [t for t in doc[first:i] if not t.is_punct and not t.is_space]
        if not 1 <= len(words) <= 4 or not all(t.is_title or t.is_upper for t in words):
            continue
        # A source is a name or an institution ("Trump:", "Poll:"), not a label with a verb
        # ("First Published:", "You are here:").
        if any(t.pos_ in {"VERB", "AUX", "PRON"} for t in words):
            continue
        end = i + 1
        while end < len(doc) and "\n" not in doc[end].text:
            end += 1
        a, b = _trim(doc, i + 1, end)
        n = sum(1 for t in doc[a:b] if not t.is_space)
        if n < 3 or sum(quoted[k] for k in range(a, b)) * 2 >= n:
            continue
        dates = sum(
            t.ent_type_ in {"DATE", "TIME", "CARDINAL"} or t.is_digit or t.is_punct
            for t in doc[a:b]
        )
        if dates * 2 >= n:
            continue  # "First Published: Fri, May 10 2019": a dateline, not a report
        out.append((a, b, (first, i)))
    return out
