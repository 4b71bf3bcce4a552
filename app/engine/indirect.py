"""Reported speech: the content of attributions without quotation marks.

Where a cue has a clausal complement, that clause is what was reported (Bergler 1992;
Pareti 2015's PARC attribution relations, the scheme PolNeAR follows):

- ``X said (that) ...``: the cue's clausal complement, ``that`` included.
- ``..., Lavrov said Friday.``: a postposed attribution; the parser makes the clause before
  it the complement of ``said``, or hangs ``said`` off that clause (parataxis): either way
  the content is the clause without the attribution.
- ``..., according to X.``: the clause the phrase modifies, without the phrase.
- Headlines: ``Russia, Japan say differences remain ...`` is the first form; a headline
  that names its source before a colon (``Poll: Wealthy voters abandon ...``) reports
  what follows the colon.

A content that is itself a quotation (``"...," he said``) is the direct quotation already
found and is not repeated; a content that only contains a quoted fragment is returned, and
the fragment keeps its own ``partial`` record with the same speaker.

Verbs of thought and intention (believe, think, hope, fear, expect, know, want) report a
stance, not speech. The literature splits on them (PARC and PolNeAR annotate them as
attribution; GenderGapTracker's speech-verb list leaves them out). This engine returns
them, because a newsroom measuring who gets a voice counts "Smith believes the plan will
fail" as Smith's voice, but scores them lower (their lexicon strength), so a client that
wants speech alone can cut on confidence. Evaluation verbs (call, describe, praise) take
no clausal content and yield nothing here.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from app.engine.cues import CueMatch
from app.engine.quotes import QuoteSpan
from app.engine.speakers import Finding, mention_range, paragraph_numbers, speaker_of, tokens_within

_CONTENT_CLASSES = {
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
_EDGE_PUNCT = {",", ".", ";", ":", "—", "–", "-", "--", "―", '"', "“", "”", "'"}


@dataclass(frozen=True, slots=True)
class ReportedContent:
    """The content of one reported-speech attribution, as a token range, and its cue."""

    start: int
    end: int
    cue: CueMatch


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and (doc[start].is_space or doc[start].text in _EDGE_PUNCT):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].text in _EDGE_PUNCT):
        end -= 1
    return start, end


def _subtree_without(head: Token, cut: Token | None) -> tuple[int, int]:
    """``head``'s subtree, without ``cut``'s subtree when it sits at an edge of it."""
    start, end = head.left_edge.i, head.right_edge.i + 1
    if cut is not None:
        if cut.left_edge.i > head.i:
            end = min(end, cut.left_edge.i)
        elif cut.right_edge.i < head.i:
            start = max(start, cut.right_edge.i + 1)
    return start, end


def _content_of(doc: Doc, cue: CueMatch) -> tuple[int, int] | None:
    verb = doc[cue.head]
    if cue.entry.cls == "phrase":
        # "according to X" modifies the clause it stands in: that clause, without the phrase.
        prep = doc[cue.start]
        clause = prep.head
        while clause.dep_ not in {"ROOT", "ccomp", "conj"} and clause.head is not clause:
            clause = clause.head
        return _subtree_without(clause, prep)
    if cue.entry.cls not in _CONTENT_CLASSES:
        return None
    children = list(verb.children)
    for child in children:
        if child.dep_ in _CLAUSE_DEPS and child.pos_ in {"VERB", "AUX"}:
            return child.left_edge.i, child.right_edge.i + 1
    # "..., Lavrov said Friday." parsed with said hanging off the content clause.
    if (
        verb.dep_ in {"parataxis", "ccomp"}
        and verb.head.i < verb.i
        and verb.head.pos_ in {"VERB", "AUX"}
    ):
        return _subtree_without(verb.head, verb)
    # "urged the court to give me a fair sentence", "wants to cut taxes": the to-clause.
    for child in children:
        if child.dep_ == "xcomp" and child.i > verb.i:
            return child.left_edge.i, child.right_edge.i + 1
    # "mocked the presidential ambitions of three hopefuls", "supports a tax on carbon":
    # what the stance is about. The person told is no content.
    if verb.lemma_.lower() not in _ADDRESSEE_VERBS:
        for child in children:
            if child.dep_ == "dobj" and child.pos_ not in _EMPTY_OBJECTS and child.i > verb.i:
                return child.left_edge.i, child.right_edge.i + 1
    # "called for a ban", "accused Republicans of placing ...": the prepositional object.
    for child in children:
        if (
            child.dep_ in {"prep", "prt"}
            and child.i > verb.i
            and child.lower_ in {"for", "of", "on", "about", "against"}
        ):
            objects = [g for g in child.children if g.dep_ in {"pobj", "pcomp"}]
            if objects and objects[0].pos_ not in _EMPTY_OBJECTS:
                return objects[0].left_edge.i, objects[0].right_edge.i + 1
    return None


def find_reported(
    doc: Doc, cues: Sequence[CueMatch], quoted: Sequence[bool]
) -> list[ReportedContent]:
    """Contents of reported speech, one per cue, in text order, never two on the same words.

    ``quoted`` flags the tokens inside quotation marks: a content made mostly of quoted
    tokens and attributed from outside the marks is a direct quotation, found already.
    """
    found: list[ReportedContent] = []
    # Running counts, so each content is checked in constant time (a paragraph can hold
    # thousands of cues whose contents each span most of it).
    words = [0]
    quoted_words = [0]
    for tok in doc:
        words.append(words[-1] + (not tok.is_space))
        quoted_words.append(quoted_words[-1] + (not tok.is_space and bool(quoted[tok.i])))
    taken: list[tuple[int, int]] = []  # sorted, disjoint token ranges already reported
    for cue in cues:
        span = _content_of(doc, cue)
        if span is None:
            continue
        start, end = _trim(doc, *span)
        n = words[end] - words[start]
        if n < 3:
            continue
        # A quoted content attributed from outside the marks is the direct quotation itself;
        # reported speech inside a quotation ("Kerry said that ...") is its own attribution.
        inside = quoted_words[end] - quoted_words[start]
        if not quoted[cue.head] and inside * 2 >= n:
            continue
        # One content per stretch of text: nested attributions ("X said Y claimed Z") keep
        # the outer one, which cost fewer false contents than it gained on PolNeAR train.
        at = bisect_right(taken, (start, end))
        if (at and taken[at - 1][1] > start) or (at < len(taken) and taken[at][0] < end):
            continue
        taken.insert(at, (start, end))
        found.append(ReportedContent(start, end, cue))
    found.sort(key=lambda r: r.start)
    return found


def as_quote_span(doc: Doc, content: ReportedContent, paragraph: int) -> QuoteSpan:
    """The content as a (mark-less) quotation span for the later engine steps."""
    a = doc[content.start].idx
    last = doc[content.end - 1]
    b = last.idx + len(last.text)
    return QuoteSpan(a, b, None, None, paragraph, "reported", outer_start=a, outer_end=b)


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


def reported_findings(
    doc: Doc,
    cues: Sequence[CueMatch],
    quotes: Sequence[QuoteSpan],
    organisations: frozenset[str] = frozenset(),
) -> list[Finding]:
    """One finding of kind ``indirect`` per reported content whose speaker is found.

    A content whose cue has no recoverable subject ("In December said it built ...", a
    feed that stripped the name) is left out: an attribution without a source is no
    attribution.
    """
    quoted = tokens_within(doc, ((q.outer_start, q.outer_end) for q in quotes))
    paragraph_of = paragraph_numbers(doc)
    out = []
    for content in find_reported(doc, cues, quoted):
        nested = quoted[content.cue.head]  # reported speech inside a quotation
        speaker = speaker_of(
            doc, content.cue, (lambda t: False) if nested else (lambda t: quoted[t.i])
        )
        if (
            speaker is None
            or (quoted[speaker.i] and not nested)
            or not any(ch.isalpha() for ch in speaker.text)
        ):
            continue
        if content.start <= speaker.i < content.end:
            continue  # the subject found lies inside the content: a misparse
        if content.cue.entry.cls == "stance" and not _source_like(
            doc[content.cue.head], speaker, organisations
        ):
            continue  # "gains are seen as ...": a stance needs someone who holds it
        paragraph = paragraph_of[content.start]
        path = "according_to" if content.cue.entry.cls == "phrase" else "reported"
        out.append(
            Finding(
                as_quote_span(doc, content, paragraph),
                "indirect",
                path,
                content.cue,
                mention_range(doc, speaker),
            )
        )
    taken = [(f.quote.start, f.quote.end) for f in out]
    for start, end, name in _headline_colons(doc, quoted, paragraph_of):
        a, b = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
        if any(x < b and a < y for x, y in taken):
            continue
        span = QuoteSpan(
            a, b, None, None, paragraph_of[start], "reported", outer_start=a, outer_end=b
        )
        out.append(Finding(span, "indirect", "headline", None, name))
    out.sort(key=lambda f: f.quote.start)
    return out


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
