"""Step 4: a coreference heuristic that clusters mentions into entities.

A deliberately small, explainable resolver in the tradition of rule-based news systems
(Haghighi & Klein 2009's "simple coreference" features; Stanford's sieve architecture,
Lee et al. 2013), applied in passes from the most precise to the least:

1. Names (NER entities and proper-noun speaker mentions) cluster by their words with the
   titles taken off: "Russia's Foreign Minister Sergei Lavrov", "Lavrov" and "Mr. Lavrov"
   are one entity. A one-word name joins the most recent entity that has that word (else
   the next one that does); NER labels help but don't decide, since the small model tags
   the same surname PERSON in one sentence and ORG in the next.
2. Pronouns: he/she join the most recent compatible person (gender from titles and from
   earlier pronouns), preferring subjects; it joins organisations and places; they joins
   organisations, groups and plural descriptions.
3. Descriptions ("the minister", a possessive that lost its head noun to a feed:
   "Russia's said") join the nearest person speaker when the description names a role
   that person was introduced with, or when it has no head of its own; otherwise the
   description is an entity of its own ("a source", "officials").
4. A quotation with no cue of its own continues the previous quotation's speaker (done by
   the speaker step, recorded here as resolution ``continuation``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from app.engine.lexicon import Lexicon
from app.engine.speakers import (
    NOT_SPEAKER_ENTS,
    RELATIVE_PRONOUNS,
    Finding,
    paragraph_numbers,
    relative_antecedent,
    tokens_within,
)
from app.engine.types import Resolution

NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
_GROUP_LABELS = {"ORG", "GPE", "NORP"}
# Nouns that denote people by role; with "the" they refer back to someone named before.
_PERSON_NOUNS = {
    "official",
    "source",
    "aide",
    "adviser",
    "advisor",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "lawyer",
    "attorney",
    "candidate",
    "nominee",
    "diplomat",
    "lawmaker",
    "man",
    "woman",
    "businessman",
    "businesswoman",
    "campaign",
    "statement",
    "billionaire",
    "mogul",
    "democrat",
    "republican",
    "counterpart",
    "chief",
    "manager",
    "strategist",
    "pollster",
    "expert",
    "professor",
    "author",
    "host",
    "anchor",
    "reporter",
}
_PARAGRAPH_WINDOW = 3


@dataclass
class Entity:
    """A cluster of mentions (token ranges) that refer to one person, group or place."""

    mentions: list[tuple[int, int]] = field(default_factory=list)
    name_words: tuple[str, ...] = ()
    """The fullest name form seen, as words (titles off); empty for description-only entities."""
    description: str = ""
    labels: Counter[str] = field(default_factory=Counter)
    gender: str | None = None
    roles: set[str] = field(default_factory=set)
    first_name_mention: int = -1

    def add(self, mention: tuple[int, int]) -> None:
        i = bisect_left(self.mentions, mention)
        if i == len(self.mentions) or self.mentions[i] != mention:
            self.mentions.insert(i, mention)

    def last_before(self, token: int) -> tuple[int, int] | None:
        """The last mention that ends at or before ``token``."""
        i = bisect_right(self.mentions, (token, token)) - 1
        while i >= 0 and self.mentions[i][1] > token:
            i -= 1
        return self.mentions[i] if i >= 0 else None

    @property
    def label(self) -> str:
        if not self.labels:
            return "PERSON"
        top = self.labels.most_common()
        best = top[0][1]
        tied = [lab for lab, n in top if n == best]
        if "PERSON" in tied:
            return "PERSON"
        # The small model reads a surname as ORG as often as PERSON ("Christie" 5 times
        # ORG, twice PERSON): a person's title or a first name settles it.
        if self.labels["PERSON"] and (self.roles or self.gender in {"m", "f"}):
            return "PERSON"
        return tied[0]


@dataclass(frozen=True, slots=True)
class Link:
    entity: int
    resolution: Resolution


_NOT_NAME_ENTS = NOT_SPEAKER_ENTS | {""}
"""Entity labels whose words are no part of a name ("the 27-year-old Democrat"), and none."""


def _name_words(
    doc: Doc, start: int, end: int, lexicon: Lexicon
) -> tuple[tuple[str, ...], set[str], str | None]:
    """Words of the name inside a mention, the title words before it, and the gender they tell."""
    words: list[str] = []
    owner: list[str] = []  # the name before a possessive: "Donald Trump's"
    roles: set[str] = set()
    gender = None
    hyphen = False
    skip_to = start
    for tok in doc[start : end - 2]:
        if tok.lower_ in lexicon.titles and doc[tok.i + 1].lower_ == "of":
            # "Secretary of State John F. Kerry": the office's words up to the person the
            # recognizer found are the title's, not the name's.
            person = next(
                (
                    t.i
                    for t in doc[tok.i + 2 : end]
                    if t.ent_iob_ == "B" and t.ent_type_ == "PERSON"
                ),
                None,
            )
            if person is not None:
                skip_to = max(skip_to, person)
    for tok in doc[start:end]:
        low = tok.lower_
        if tok.i < skip_to:
            words = []
            continue
        if low in lexicon.titles and (not words or tok.i < end - 1):
            roles.add(lexicon.roles.get(low, low.rstrip(".")))
            g = lexicon.titles[low]
            gender = g if g in {"m", "f"} else gender
            words = []  # "Russia's Foreign Minister Sergei Lavrov": the name follows the title
            continue
        if tok.dep_ == "case" or tok.lower_ in {"'s", "’s", "the"} or tok.is_punct or tok.is_space:
            if tok.dep_ == "case":
                owner, words = words or owner, []
            # "Ban Ki-moon", "Holtz-Eakin": a hyphen inside a word joins its parts.
            hyphen = (
                tok.text == "-"
                and bool(words)
                and not (tok.whitespace_ or doc[tok.i - 1].whitespace_)
            )
            continue
        if tok.pos_ in {"VERB", "AUX"} and tok.lemma_.lower() != low:
            # An inflected verb is no part of a name, though a headline's title case and
            # its entity span take it in ("Obama Says ...", "Said Ellis"): it ends a name.
            if words:
                break
            continue
        if tok.pos_ == "PROPN" or tok.ent_type_ not in _NOT_NAME_ENTS or tok.is_title:
            if hyphen:
                words[-1] += "-" + tok.text
            else:
                words.append(tok.text)
        else:
            words = []
        hyphen = False
    words = words or owner
    if gender is None and len(words) > 1:
        gender = lexicon.first_names.get(words[0].lower())
    return tuple(words), roles, gender


def _is_pronoun(tok: Token, lexicon: Lexicon) -> bool:
    return tok.pos_ == "PRON" and tok.lower_ in lexicon.pronouns


def _head(doc: Doc, start: int, end: int) -> Token:
    span = doc[start:end]
    return span.root


class _Resolver:
    def __init__(self, doc: Doc, lexicon: Lexicon):
        self.doc = doc
        self.lexicon = lexicon
        self.entities: list[Entity] = []
        self.by_mention: dict[tuple[int, int], int] = {}
        # The speaker step's numbering, so that both steps mean the same by "paragraph".
        self.paragraph_of = paragraph_numbers(doc)

    # -- names -------------------------------------------------------------------------
    def add_names(self, mentions: Sequence[tuple[int, int, str]]) -> None:
        """Cluster name mentions (start, end, NER label or "") in text order."""
        ordered = sorted(set(mentions))
        pending_single: list[tuple[int, int, str, tuple[str, ...]]] = []
        for start, end, label in ordered:
            words, roles, gender = _name_words(self.doc, start, end, self.lexicon)
            if not words:
                continue
            if len(words) == 1:
                pending_single.append((start, end, label, words))
                continue
            target = self._match_full(words, label)
            self._attach(target, (start, end), words, label, roles, gender)
        for start, end, label, words in pending_single:
            target = self._match_single(words[0], start, label)
            _, roles, gender = _name_words(self.doc, start, end, self.lexicon)
            self._attach(target, (start, end), words, label, roles, gender)

    def _compatible_label(self, ent: Entity, label: str) -> bool:
        if not label or not ent.labels:
            return True
        person = {"PERSON"}
        # Only PERSON vs place/group disagreements block a merge: the small model flips
        # surnames between PERSON and ORG freely, but "Washington" the city is no person.
        return not (
            (label == "GPE" and ent.labels.keys() <= person)
            or (label == "PERSON" and ent.labels.keys() <= {"GPE"})
        )

    def _match_full(self, words: tuple[str, ...], label: str) -> int | None:
        lower = [w.lower() for w in words]
        for idx in range(len(self.entities) - 1, -1, -1):
            ent = self.entities[idx]
            have = [w.lower() for w in ent.name_words]
            if not have or not self._compatible_label(ent, label):
                continue
            if have[-1] == lower[-1] and (have[0] == lower[0] or len(have) == 1 or len(lower) == 1):
                return idx
            if have == lower:
                return idx
        return None

    def _match_single(self, word: str, pos: int, label: str) -> int | None:
        low = word.lower()
        best: tuple[int, int] | None = None  # (distance rank, index)
        for idx, ent in enumerate(self.entities):
            if low not in (w.lower() for w in ent.name_words) or not self._compatible_label(
                ent, label
            ):
                continue
            before = [m[0] for m in ent.mentions if m[0] < pos]
            dist = pos - max(before) if before else 10_000 + min(m[0] for m in ent.mentions) - pos
            if best is None or dist < best[0]:
                best = (dist, idx)
        return best[1] if best else None

    def _attach(
        self,
        target: int | None,
        mention: tuple[int, int],
        words: tuple[str, ...],
        label: str,
        roles: set[str],
        gender: str | None,
    ) -> int:
        if target is None:
            self.entities.append(Entity())
            target = len(self.entities) - 1
        ent = self.entities[target]
        ent.add(mention)
        if len(words) > len(ent.name_words):
            ent.name_words = words
        if ent.first_name_mention < 0 or mention[0] < ent.first_name_mention:
            ent.first_name_mention = mention[0]
        if label:
            ent.labels[label] += 1
        ent.roles |= roles
        ent.gender = ent.gender or gender
        self.by_mention[mention] = target
        return target

    # -- speaker mentions --------------------------------------------------------------
    def entity_of_name(self, start: int, end: int) -> int | None:
        if (start, end) in self.by_mention:
            return self.by_mention[(start, end)]
        for (a, b), idx in self.by_mention.items():
            if a < end and start < b and self.entities[idx].name_words:
                return idx
        return None

    def resolve_pronoun(
        self, tok: Token, speakers: set[int], quoted: Sequence[bool] = ()
    ) -> int | None:
        gender, number = self.lexicon.pronouns.get(tok.lower_, ("-", "-"))
        if tok.lower_ in {"i", "me", "we", "us", "you"}:
            return None
        para = self.paragraph_of[tok.i]
        candidates: list[tuple[int, int, int]] = []  # (rank, last position, idx)
        for idx, ent in enumerate(self.entities):
            if not self._pronoun_fits(ent, gender, number, tok.lower_):
                continue
            # Mentions inside quotations are the quoted speaker's words, not the narrative's.
            last = ent.last_before(tok.i)
            while last is not None and quoted and quoted[last[0]]:
                last = ent.last_before(last[0] - 1) if last[0] > 0 else None
            if last is None or para - self.paragraph_of[last[0]] > _PARAGRAPH_WINDOW:
                continue
            head = _head(self.doc, *last)
            recent_speaker = idx in speakers and para - self.paragraph_of[last[0]] <= 1
            rank = (
                3
                if recent_speaker and ent.name_words
                else 2
                if recent_speaker
                else 1
                if head.dep_ in {"nsubj", "nsubjpass"}
                else 0
            )
            candidates.append((rank, last[0], idx))
        # A speaker of this or the previous paragraph first (news pronouns mostly continue
        # the last speaker), then the most recent subject, then the most recent mention.
        if not candidates:
            return None
        top = max(c[0] for c in candidates)
        return max((c for c in candidates if c[0] == top), key=lambda c: c[1])[2]

    def _pronoun_fits(self, ent: Entity, gender: str, number: str, form: str) -> bool:
        if not ent.name_words and ent.description.lower() in self.lexicon.pronouns:
            # An earlier pronoun nobody was found for: the same pronoun goes on with it.
            return self.lexicon.pronouns[ent.description.lower()] == (gender, number)
        label = ent.label
        if gender in {"m", "f"}:
            return (
                label == "PERSON"
                and ent.gender in {None, gender}
                and bool(ent.name_words or ent.roles)
            )
        if gender == "n":
            return label in _GROUP_LABELS
        if number == "pl":
            return label in _GROUP_LABELS or (
                not ent.name_words and bool(ent.description) and ent.description.endswith("s")
            )
        return True

    def resolve_description(self, start: int, end: int, speakers: set[int]) -> int | None:
        doc = self.doc
        head = _head(doc, start, end)
        headless = any(c.dep_ == "case" for c in head.children) and head.dep_ in {
            "nsubj",
            "nsubjpass",
        }
        role = head.lower_
        definite = any(t.lower_ in {"the", "this", "that"} for t in doc[start : head.i])
        if headless:
            pool = [
                i
                for i in speakers
                if self.entities[i].label == "PERSON" and self.entities[i].name_words
            ]
            return self._nearest(pool, start, window=2)
        if definite and (role in self.lexicon.titles or role in _PERSON_NOUNS):
            pool = [i for i, e in enumerate(self.entities) if role in e.roles and e.name_words]
            found = self._nearest(pool, start, window=_PARAGRAPH_WINDOW, backwards_only=True)
            if found is not None:
                return found
        return None

    def _nearest(
        self, pool: Sequence[int], pos: int, window: int, backwards_only: bool = False
    ) -> int | None:
        para = self.paragraph_of[pos]
        best: tuple[int, int] | None = None
        for idx in pool:
            for a, _ in self.entities[idx].mentions:
                gap = abs(self.paragraph_of[a] - para)
                if gap > window or (backwards_only and a > pos):
                    continue
                dist = abs(a - pos) * 2 + (1 if a > pos else 0)
                if best is None or dist < best[0]:
                    best = (dist, idx)
        return best[1] if best else None

    def own_entity(self, start: int, end: int, label: str = "") -> int:
        text = self.doc[start:end].text
        key = text.lower()
        if key.split()[0] in {"the", "this", "that"}:
            for idx, ent in enumerate(self.entities):
                if ent.description.lower() == key and not ent.name_words:
                    ent.add((start, end))
                    return idx
        ent = Entity(description=text)
        ent.add((start, end))
        if label:
            ent.labels[label] += 1
        self.entities.append(ent)
        return len(self.entities) - 1


def resolve(
    doc: Doc,
    findings: Sequence[Finding],
    lexicon: Lexicon,
    sources: Sequence[tuple[int, int]] = (),
) -> tuple[list[Entity], list[Link | None]]:
    """Cluster mentions into entities and link every finding's speaker mention to one.

    ``sources`` are the mentions (token ranges) of everyone a cue attributes anything to,
    quoted or not ("Okafor said the budget was balanced."): names among them join the
    entities, and all of them count as recent speakers when a pronoun is resolved.
    """
    r = _Resolver(doc, lexicon)
    # Reported content is the narrative's words: its names can be antecedents.
    quoted = tokens_within(
        doc, ((f.quote.start, f.quote.end) for f in findings if f.kind != "indirect")
    )
    names: list[tuple[int, int, str]] = [
        (e.start, e.end, e.label_) for e in doc.ents if e.label_ in NAME_LABELS
    ]
    for f in findings:
        if f.mention is not None:
            head = _head(doc, *f.mention)
            if head.pos_ == "PROPN" and not any(c.dep_ == "case" for c in head.children):
                names.append(
                    (
                        f.mention[0],
                        f.mention[1],
                        head.ent_type_ if head.ent_type_ in NAME_LABELS else "",
                    )
                )
    for a, b in sources:
        head = _head(doc, a, b)
        if head.pos_ == "PROPN" and not any(c.dep_ == "case" for c in head.children):
            names.append((a, b, head.ent_type_ if head.ent_type_ in NAME_LABELS else ""))
    r.add_names(names)

    links: list[Link | None] = []
    speakers: set[int] = {idx for a, b in sources if (idx := r.entity_of_name(a, b)) is not None}
    # Names first (they anchor pronouns and descriptions), then the rest in text order.
    order = sorted(range(len(findings)), key=lambda k: (0 if _is_name(doc, findings[k]) else 1, k))
    resolved: dict[int, Link | None] = {}
    for k in order:
        f = findings[k]
        if f.mention is None:
            continue
        start, end = f.mention
        head = _head(doc, start, end)
        if _is_name(doc, f):
            idx = r.entity_of_name(start, end)
            if idx is None:
                idx = r.own_entity(start, end)
            ent = r.entities[idx]
            words, titles, _ = _name_words(doc, start, end, lexicon)
            # The first naming is explicit, and so is a later one in full; a shorter or
            # titled form of a name introduced earlier ("Lopez", "Mr. Brandt") is an alias.
            first = ent.first_name_mention >= start
            full = len(words) >= len(ent.name_words) and not titles
            resolved[k] = Link(idx, "explicit" if first or full else "alias")
            speakers.add(idx)
    by_mention: dict[tuple[int, int], Link] = {}
    for k in sorted(set(range(len(findings))) - set(resolved)):
        f = findings[k]
        if f.path == "continuation" and f.continued_from is not None:
            prev = resolved.get(f.continued_from)
            resolved[k] = Link(prev.entity, "continuation") if prev else None
            continue
        if f.mention is None:
            resolved[k] = None
            continue
        start, end = f.mention
        if (start, end) in by_mention:
            # '"...," she said, "..."': both quotations share the one attributing mention.
            resolved[k] = by_mention[(start, end)]
            continue
        head = _head(doc, start, end)
        if _is_pronoun(head, lexicon):
            idx = r.resolve_pronoun(head, speakers, quoted)
            if idx is None:
                gender = lexicon.pronouns[head.lower_][0]
                idx = r.own_entity(
                    start,
                    end,
                    "PERSON"
                    if gender in {"m", "f"} or head.lower_ == "i"
                    else "ORG"
                    if gender == "n"
                    else "",
                )
            else:
                g = lexicon.pronouns[head.lower_][0]
                if g in {"m", "f"} and r.entities[idx].gender is None:
                    r.entities[idx].gender = g
            r.entities[idx].add((start, end))
            resolved[k] = Link(idx, "pronoun")
        else:
            idx = r.resolve_description(start, end, speakers)
            if idx is None:
                label = head.ent_type_ if head.ent_type_ in NAME_LABELS else ""
                if not label and head.lemma_.lower() in lexicon.organisations:
                    label = "ORG"  # "the ministry said": an institution speaks
                idx = r.own_entity(start, end, label)
            else:
                r.entities[idx].add((start, end))
            resolved[k] = Link(idx, "nominal")
        by_mention[(start, end)] = resolved[k]  # type: ignore[assignment]
        speakers.add(resolved[k].entity)  # type: ignore[union-attr]
    for k in range(len(findings)):
        links.append(resolved.get(k))
    _add_pronoun_sources(r, sources, set(by_mention), speakers, quoted)
    _add_relative_pronouns(r)
    return r.entities, links


def _add_pronoun_sources(
    r: _Resolver,
    sources: Sequence[tuple[int, int]],
    taken: set[tuple[int, int]],
    speakers: set[int],
    quoted: Sequence[bool],
) -> None:
    """Every "he said" of the article joins the entity it refers to, as one of its mentions.

    A speaker's mentions are how a reader (and an annotator) finds them: the "she" of
    "she told reporters" two paragraphs on is the same person even when no quotation hangs
    on it. Resolved after the quotations' own links, in text order, so that no link of a
    quotation changes; only the entities' mention lists grow.
    """
    for start, end in sorted(set(sources) - taken):
        if end - start != 1:
            continue
        tok = r.doc[start]
        if not _is_pronoun(tok, r.lexicon) or quoted[start]:
            continue
        idx = r.resolve_pronoun(tok, speakers, quoted)
        if idx is not None:
            r.entities[idx].add((start, end))


def _add_relative_pronouns(r: _Resolver) -> None:
    """The relative pronoun of a clause on a mention is a mention of the same entity: the
    "who" of "Mike Pence, who said ...", of "Beck, who has described Trump as ..." and of
    "one Democrat familiar with the discussion, who added ...".

    Newswire attaches a second attribution to a name with a relative clause, and
    annotators (PolNeAR among them) mark the relative pronoun as the source. "Who" joins
    the nearest person on the way up, or failing one a group word ("one Democrat");
    "which" and "that" join anything but a person. Only mention lists grow: no
    quotation's link changes.
    """
    doc = r.doc
    owner: dict[int, int] = {}
    for e, ent in enumerate(r.entities):
        for a, b in ent.mentions:
            for i in range(a, b):
                owner.setdefault(i, e)
    for tok in doc:
        if tok.lower_ not in RELATIVE_PRONOUNS or tok.dep_ not in {"nsubj", "nsubjpass"}:
            continue
        if tok.head.dep_ != "relcl" and tok.tag_ not in {"WP", "WDT"}:
            continue  # no relative clause, even a misplaced one: "that" of "that is why"
        antecedent = relative_antecedent(tok)
        if antecedent is None:
            continue
        labels = [(e, r.entities[e].label) for e in _antecedent_entities(antecedent, owner)]
        if tok.lower_ != "who":
            found = next((e for e, lab in labels if lab != "PERSON"), None)
        else:
            found = next((e for e, lab in labels if lab == "PERSON"), None)
            if found is None:
                found = next((e for e, lab in labels if lab == "NORP"), None)
        if found is not None:
            r.entities[found].add((tok.i, tok.i + 1))


def _antecedent_entities(tok: Token, owner: Mapping[int, int]) -> list[int]:
    """The entities a relative clause's head word may belong to, nearest first. The parser
    hangs the clause on the nearest noun, so the walk goes up an apposition or a conjunct
    ("Lionel Sosa, a consultant and an influential Republican who said") and out of an
    adjective's complement ("a Democrat familiar with the discussion, who added"), at
    most 3 steps."""
    found: list[int] = []
    for _ in range(4):
        if tok.i in owner and owner[tok.i] not in found:
            found.append(owner[tok.i])
        if tok.dep_ in {"appos", "conj"}:
            tok = tok.head
        elif (
            tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.head.dep_ in {"amod", "acl"}
        ):
            tok = tok.head.head.head
        else:
            break
    return found


def _is_name(doc: Doc, f: Finding) -> bool:
    if f.mention is None or f.path == "continuation":
        return False
    head = _head(doc, *f.mention)
    return head.pos_ == "PROPN" and not any(c.dep_ == "case" for c in head.children)


def entity_name(doc: Doc, ent: Entity) -> str:
    """The fullest name form of an entity, or its description."""
    if ent.name_words:
        return " ".join(ent.name_words)
    if ent.description:
        # "Donald Trump's": a possessive mention is named without its ending.
        return re.sub(r"\s*['’]s$", "", ent.description) or ent.description
    a, b = ent.mentions[0]
    return doc[a:b].text
