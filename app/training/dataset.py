"""Training examples: every candidate attribution of every quotation, labelled from gold.

The engine runs with its rules choosing (so each quotation's context, including which
earlier quotation a continuation refers to, is the one the rules build), while every
candidate's features are recorded. A candidate is labelled right when choosing it makes
the quotation right end to end under the reference scorer's rules: the quotation matches
a gold one (Jaccard >= 0.5) and the answer the service would then give names the gold
source: the candidate's mention, or a mention or the name of its entity (coreference).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from app.engine import QuoteAttributor
from app.engine.attributor import speech_only
from app.engine.coref import Entity, entity_name
from app.engine.features import Features, quotation_features
from app.engine.nlp import stored_quote_spans
from app.engine.speakers import (
    Candidate,
    Finding,
    _Context,
    _paragraph_only_quotes,
    mention_range,
)
from app.evaluation.metrics import match_quotes, speaker_is_right


@dataclass(frozen=True, slots=True)
class QuoteExample:
    """The candidates of one quotation: their features and whether each is right end to end."""

    article_id: str
    features: tuple[Features, ...]
    correct: tuple[bool, ...]
    speaks: tuple[bool, ...] = ()
    """Whether each candidate names a speaker: choosing one that does not ("none") makes
    the quotation unattributed, listed apart from the quotations."""
    matched: bool = True
    """Whether the quote-marked words are an annotated quotation at all."""
    embedded: bool = True
    """Whether the quote-marked words share their paragraph with other words."""

    @property
    def choice_target(self) -> tuple[bool, ...]:
        """The candidates the choice model should prefer: the right ones; for embedded
        words that are no annotated quotation (a scare quote, a term, a title), the ones
        that name no speaker, since listing such words apart is the right answer for them.

        A paragraph that is all quotation and has no annotation is left out of the choice
        model's evidence instead: in PolNeAR those are paragraphs of long quotations the
        annotators skipped, not words nobody says.
        """
        if self.matched or not self.embedded or not self.speaks:
            return self.correct
        return tuple(not s for s in self.speaks)


def _speaker_prediction(
    doc: Doc,
    cand: Candidate,
    findings: Sequence[Finding],
    entities: Sequence[Entity],
    of_mention: Mapping[tuple[int, int], int],
    of_finding: Mapping[int, int],
) -> dict[str, Any]:
    """What the service would answer for the quotation if it chose ``cand``: the speaker
    mention, the name of its entity and, as the service lists them, the entity's mentions."""
    if cand.speaker is not None:
        mention = mention_range(doc, cand.speaker)
        entity = of_mention.get(mention)
    elif cand.continued_from is not None:
        source = findings[cand.continued_from]
        while source.mention is None and source.continued_from is not None:
            source = findings[source.continued_from]
        if source.mention is None:
            return {"speaker": None, "speaker_spans": []}
        mention = source.mention
        entity = of_finding.get(cand.continued_from)
    else:
        return {"speaker": None, "speaker_spans": []}
    spans = [mention, *(entities[entity].mentions if entity is not None else [])]
    name = entity_name(doc, entities[entity]) if entity is not None else doc[slice(*mention)].text
    return {
        "speaker": name,
        "speaker_spans": [[doc[a:b].start_char, doc[a:b].end_char] for a, b in spans],
    }


def article_examples(
    attributor: QuoteAttributor, doc: Doc, gold: Mapping[str, Any]
) -> list[QuoteExample]:
    """The examples of one parsed article with its gold annotation.

    A candidate is labelled with what choosing it would make the service answer: its
    speaker mention and every mention of that speaker's entity, as coreference links them
    with the rules' choices (the reference scorer counts a resolved "he" as right).
    """
    spans = stored_quote_spans(doc) or []
    if not spans:
        return []
    recorded: dict[int, tuple[list[Features], list[Candidate]]] = {}
    contexts: dict[int, _Context] = {}
    roles = attributor.roles

    def record(
        ctx: _Context, k: int, options: Sequence[Candidate], findings: Sequence[Finding]
    ) -> tuple[int, None]:
        recorded[k] = (quotation_features(ctx, k, options, findings, roles), list(options))
        contexts[k] = ctx
        return 0, None

    cues, findings = attributor.quote_findings(doc, spans, record)
    kept = [k for k, f in enumerate(findings) if f.speech]
    entities, links = attributor.resolve(doc, speech_only(findings), spans, cues)
    of_mention = {m: e for e, ent in enumerate(entities) for m in ent.mentions}
    of_finding = {k: link.entity for k, link in zip(kept, links, strict=True) if link}
    pred_spans = [{"start": findings[k].quote.start, "end": findings[k].quote.end} for k in kept]
    matched = {m.pred: m.gold for m in match_quotes(gold["text"], gold["quotes"], pred_spans)}
    out = []
    for j, k in enumerate(kept):
        feats, options = recorded[k]
        g = matched.get(j)
        correct = tuple(
            g is not None
            and speaker_is_right(
                gold["quotes"][g],
                _speaker_prediction(doc, c, findings, entities, of_mention, of_finding),
            )
            for c in options
        )
        speaks = tuple(c.speaker is not None or c.continued_from is not None for c in options)
        embedded = not _paragraph_only_quotes(contexts[k], k)
        out.append(QuoteExample(gold["id"], tuple(feats), correct, speaks, g is not None, embedded))
    return out


def examples(
    attributor: QuoteAttributor, articles: Sequence[Mapping[str, Any]], batch_size: int = 16
) -> Iterator[list[QuoteExample]]:
    """The examples of each article, in order (one list per article)."""
    texts: Iterable[str] = (a["text"] for a in articles)
    # The analysis the service runs, so that training sees the features inference sees.
    docs = attributor.analyse(texts, batch_size=batch_size)
    for gold, doc in zip(articles, docs, strict=True):
        yield article_examples(attributor, doc, gold)
