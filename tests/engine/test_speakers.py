"""Step 3, speakers (``app.engine.speakers``): each quotation linked to its cue and speaker.

The pattern tables run real sentences through the pipeline and pin, per quotation, the
attribution path (the rule of the module docstring that applied), the speaker mention,
the cue and the kind. The ``subject_of`` tests build their ``Doc`` by hand, so they pin the
subject rules whatever the parser predicts.
"""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from app.engine.nlp import stored_quote_spans
from app.engine.quotes import find_quotes
from app.engine.speakers import Candidate, find_speakers, holder, is_speech, subject_of
from tests.engine.conftest import cues_of

Row = tuple[str | None, str | None, str | None, str]
"""(path, speaker mention, cue, kind) of one quotation."""


def rows(findings_of, text: str) -> list[Row]:
    doc, findings = findings_of(text)
    return [
        (
            f.path,
            doc[f.mention[0] : f.mention[1]].text if f.mention else None,
            f.cue.text(doc) if f.cue else None,
            f.kind,
        )
        for f in findings
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The cue governs the quotation: quote before, after and around the cue.
        ('"We will not raise taxes," Mayor Ellen Park said on Tuesday.',
         [("governing", "Mayor Ellen Park", "said", "direct")]),
        ('Mayor Ellen Park said, "We will not raise taxes."',
         [("governing", "Mayor Ellen Park", "said", "direct")]),
        ('"We will not back down," she said, "and we will win in court."',
         [("governing", "she", "said", "direct"), ("governing", "she", "said", "direct")]),
        ('"That is the end of the matter," Park told the council.',
         [("governing", "Park", "told", "direct")]),
        ('"Nobody is above the law," warned Park.', [("governing", "Park", "warned", "direct")]),
        ('"The figures speak for themselves," Park tweeted.',
         [("governing", "Park", "tweeted", "direct")]),
        ('"The numbers do not add up," Park pointed out.',
         [("governing", "Park", "pointed out", "direct")]),
        ('Park went on: "We will keep fighting."', [("governing", "Park", "went on", "direct")]),
        ('Okafor told reporters: "The bridge is safe for traffic."',
         [("governing", "Okafor", "told", "direct")]),
        # A relative clause the parser hung elsewhere still names the noun before it.
        ('They turned to the Chicago Police Department which reported "2,521 shooting incidents" '
         "in the city.",
         [("governing", "the Chicago Police Department", "reported", "partial")]),
        # The one on the footage speaks: "uses footage of Hillary Clinton asking".
        ('The ad uses footage of Hillary Clinton asking, "Why aren\'t I 50 points ahead?"',
         [("governing", "Hillary Clinton", "asking", "direct")]),
        # Inverted: said Okafor.
        ('"The bridge is safe for traffic," said Okafor.', [("governing", "Okafor", "said", "direct")]),
        ('"The contract is a start," said Dana White, the union leader, after the vote.',
         [("governing", "Dana White", "said", "direct")]),
        # Appositives: the name, whether it comes first or after the description.
        ('Letitia Ramos, the state treasurer, said the deal was "a gift to the banks."',
         [("governing", "Letitia Ramos", "said", "partial")]),
        ('The state treasurer, Letitia Ramos, said the deal was "a gift to the banks."',
         [("governing", "Letitia Ramos", "said", "partial")]),
        ('"We need more buses," said the transport minister, Amara Okafor.',
         [("governing", "Amara Okafor", "said", "direct")]),
        # The speaker through a relative clause, a conjunct and a participle.
        ('The plan was backed by Ellen Park, who said "the city cannot wait any longer."',
         [("governing", "Ellen Park", "said", "direct")]),
        ('Ellen Park praised the workers and added, "The city owes them a great deal."',
         [("governing", "Ellen Park", "added", "direct")]),
        ('Ellen Park left the meeting early, saying "there is nothing more to discuss."',
         [("governing", "Ellen Park", "saying", "direct")]),
        # A subject before the quotation is the quoted clause's when the cue after it
        # has its own: '... has been "very worked up," said a source'.
        ("In particular, Bill Clinton — often the easiest person to provoke — has been "
         '"very worked up about it," said a source close to the campaign.',
         [("governing", "a source", "said", "partial")]),
        # A capitalised modal before a finite verb is a name: the columnist George Will.
        ('"This might, and should, hasten the end of the race," Will wrote.',
         [("governing", "Will", "wrote", "direct")]),
        # A clause after a semicolon is no apposition, whatever the parse.
        ("The plan prompted a debate in the council; one lawmaker called it "
         '"a gift to the banks." The vote failed.',
         [("governing", "one lawmaker", "called", "partial")]),
        # The description right before a cue the parser left without a subject.
        ("In an interview with hosts Joe Scarborough and Mika Brzezinski, the Democratic "
         'presidential candidate stated that the remarks do not "fit with what I thought I '
         'knew about him."',
         [("governing", "the Democratic presidential candidate", "stated", "partial")]),
        # A description is the speaker when no name is given.
        ('"I have no comment," the senator said.', [("governing", "the senator", "said", "direct")]),
        # In the passive the doer names it, not the subject; whether the parser hangs "by"
        # on the verb or on the quoted words.
        ('This feature of the movement has been called "strategic ambiguity" by Joshua '
         "Hendrick, a professor at Loyola University Maryland.",
         [("governing", "Joshua Hendrick", "called", "partial")]),
        ('The plan was described as "reckless" by Senator Jane Doe.',
         [("governing", "Senator Jane Doe", "described", "partial")]),
        ('Trump has called the plan "reckless" from the start.',
         [("governing", "Trump", "called", "partial")]),
        # The subject of "was asked" is the one asked: with no one named, no speaker.
        ('Blumenthal was asked, "Would you have told her it is not a good idea?"',
         [("none", None, None, "direct")]),
        # The doer of the cue only, not of a verb it shares its subject with.
        ("Later, Silverman was joined on stage again by Minnesota Sen. Al Franken and joked, "
         "“Bernie or Bust people, you’re being ridiculous.”",
         [("governing", "Silverman", "joked", "direct")]),
        # ... and the subject of "was quoted as saying" speaks.
        ('Trump was quoted by the Post as saying "we will win."',
         [("governing", "Trump", "saying", "direct")]),
        # A speech noun holds the quotation: its possessor or agent speaks.
        ('Critics seized on her assertion that the plan was "fully paid for" by the savings.',
         [("governing", "her", "assertion", "partial")]),
        ("Okafor's claim that the bridge is \"perfectly safe\" drew jeers from the crowd.",
         [("governing", "Okafor's", "claim", "partial")]),
        ('The vote followed a suggestion by Senator Dana Ruiz that the board "start over."',
         [("governing", "Senator Dana Ruiz", "suggestion", "partial")]),
        ('Many followed President Reagan\'s dictum that the Soviet Union was an "evil empire."',
         [("governing", "President Reagan's", "dictum", "partial")]),
        # A cue whose reported clause holds the quotation's cue is its source (PolNeAR
        # credits the outermost report) ...
        ('Rep. Steve Israel said Clinton called on members to be "closely coordinated."',
         [("governing", "Rep. Steve Israel", "said", "partial")]),
        ("Rep. Gregory Meeks (D-N.Y.) said Clinton reassured them that everyone would come "
         "together and that Democrats “were not going to be like Trump.”",
         [("governing", "Rep. Gregory Meeks", "said", "partial")]),
        # ... but two cues joined as conjuncts report apart.
        ('Ted Cruz accuses Obama of "leading from behind" and Donald Trump says he\'s "losing '
         'the war on terrorism."',
         [("governing", "Ted Cruz", "accuses", "partial"),
          ("governing", "Donald Trump", "says", "partial")]),
        # A quoted word on a speech noun describes the remarks: the describer speaks.
        ("Mr. Scott, who has called Mr. Trump's comments ''racially toxic,'' portrayed his "
         "own part in the party as a bridge.",
         [("governing", "Mr. Scott", "called", "direct")]),
        # A causative's object does the infinitive cue, not its subject.
        ("That record prompted Dave Leip’s Atlas of U.S. Presidential Elections to state, "
         "“Vigo County is the most prominent bellwether of presidential elections.”",
         [("sentence", "Dave Leip’s Atlas", "state", "direct")]),
        ('This prompted the tabloid to do a cover saying "Don\'t be a Bum, Hil!"',
         [("governing", "the tabloid", "saying", "direct")]),
        # ... but the one asked only repeats the words of the one who asks.
        ('The moderator asked Okafor to call the plan "a disgrace" on air.',
         [("governing", "The moderator", "asked", "partial")]),
        # A quoted title between the verb and its participle leaves them one sentence.
        ("Former Mayor Rudy Giuliani, who backs Trump, trashed Comey on MSNBC’s “Morning "
         "Joe,” calling it a “no-brainer” to prosecute under the law.",
         [("sentence", "Former Mayor Rudy Giuliani", "calling", "partial"),
          ("governing", "Former Mayor Rudy Giuliani", "calling", "partial")]),
        # A second cue the parser joins to the clause the first reports shares the first's
        # subject.
        ('Suu Kyi, 70, said it was too early to congratulate winners but added, "I think '
         'you all have an idea of the results."',
         [("governing", "Suu Kyi", "said", "direct")]),
        ("De Blasio said the move was made by NYPD commissioner Bill Bratton and said, “Who "
         "are you going to trust on security?”",
         [("governing", "De Blasio", "said", "direct")]),
        ("Byrne also wrote the agents knew to brace for the eruptions, saying, “They didn’t "
         "happen every day.”",
         [("governing", "Byrne", "saying", "direct")]),
        ('Republicans were quick to chime in, with Donald Trump tweeting that it was a '
         '"disaster" for Clinton and asking, "How can someone with such bad judgement be our '
         'next president?"',
         [("governing", "Donald Trump", "tweeting", "partial"),
          ("governing", "Donald Trump", "tweeting", "direct")]),
        # A document speaks for whoever put it out.
        ("Democratic presidential candidate Bernie Sanders is releasing a new 30-second ad "
         "that urges voters in New York to “reject the status quo.”",
         [("governing", "Democratic presidential candidate Bernie Sanders", "urges", "partial")]),
        ('The Washington Post recently ran a piece that noted his "health care plan would '
         'benefit affluent households."',
         [("governing", "The Washington Post", "noted", "partial")]),
        # ... and one nobody is said to have put out speaks for itself.
        ("A letter to platform committee members calls for the party to recognize that "
         "“radical Islamic terrorism” poses a threat.",
         [("governing", "A letter", "calls", "partial")]),
        # Nobody in particular ('you', 'some') speaks for the speaker of a cue above.
        ("He notes that the right to free speech also comes with the limitation that you "
         "can’t yell “fire” in a theater.",
         [("governing", "He", "yell", "direct")]),
        ('Some call it "a disgrace."', [("governing", "Some", "call", "partial")]),
        # A command is the words of the one who commands.
        ('He commanded the Democratic Party to "do the right thing and open its doors."',
         [("governing", "He", "commanded", "partial")]),
        # Items ticked off are the speaker's.
        ('Sanders ticked off a series of issues, including making the wealthy pay their '
         '"fair share" of taxes.',
         [("governing", "Sanders", "ticked off", "partial")]),
        # A party and state in parentheses before the cue are stepped over when the parser
        # loses the subject.
        ("Tuesday on WTMJ, while discussing a tweet from Donald Trump featuring an image of "
         "Hillary Clinton, Speaker of the House Rep. Paul Ryan (R-WI) said “anti-Semitic "
         "images, they’ve got no place in a presidential campaign.”",
         [("governing", "the House Rep. Paul Ryan", "said", "direct")]),
        # The share of people polled speaks for the poll: in the sentence or just before.
        ('In a September Washington Post-ABC News poll, 75 percent of Republicans said "the '
         'federal government is broken."',
         [("governing", "a September Washington Post-ABC News poll", "said", "direct")]),
        ('A fresh CNN-ORC poll shows voters are split. Six in 10 Republicans said that the '
         'delegates "should vote for the candidate with the most support."',
         [("governing", "A fresh CNN-ORC poll", "said", "partial")]),
        # ... but a count of people is no share of them, nor a year or an ordinal.
        ('Three senators said the poll was "flawed."',
         [("governing", "Three senators", "said", "partial")]),
        ('In 2016 Trump said the poll was "rigged."', [("governing", "Trump", "said", "partial")]),
        ('The third-party candidate said the poll was "rigged."',
         [("governing", "The third-party candidate", "said", "partial")]),
        # A manner of speaking.
        ("“This is fantastic!” beamed Donald Hartley of Madison, Alabama.",
         [("sentence", "Donald Hartley", "beamed", "direct")]),
    ],
)  # fmt: skip
def test_governing_cue(findings_of, text: str, expected: list[Row]) -> None:
    assert rows(findings_of, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('The bridge was "never in danger," according to Amara Okafor.',
         [("according_to", "Amara Okafor", "according to", "partial")]),
        # The author of what "according to" names is the source.
        ('A "living wage" for a single adult is $10.36 an hour, according to calculations by '
         "Amy Glasmeier of the Massachusetts Institute of Technology.",
         [("according_to", "Amy Glasmeier", "according to", "partial")]),
        # "According to" names the outermost source, before the verb cue of the sentence.
        ("According to the school’s Facebook post, al Ashry said he was accompanying his "
         "wife because “if something happens to her I can’t imagine.”",
         [("according_to", "the school’s", "According to", "partial")]),
        ('Trump said he was "happy to see" that Khan was voted in, according to The New York '
         "Times.",
         [("according_to", "The New York Times", "according to", "partial")]),
        ('The budget is "a disgrace," and Okafor said so twice on Monday.',
         [("sentence", "Okafor", "said", "partial")]),
        ('Okafor told the council on Monday:\n"We will not raise taxes this year."',
         [("colon", "Okafor", "told", "direct")]),
        ('PARK: "We will not back down."', [("colon", "PARK", None, "direct")]),
        # A party and state in parentheses are no part of the name, spaced or glued.
        ('Rep. Trey Gowdy (R-S.C.): "I have not heard a good explanation."',
         [("colon", "Rep. Trey Gowdy", None, "direct")]),
        ('Rep. Trey Gowdy (R-S.C.):"I have not heard a good explanation."',
         [("colon", "Rep. Trey Gowdy", None, "direct")]),
        # A colon sentence with no cue: its subject introduces the quotation.
        ('Okafor then listed the three conditions of the union:\n"Pay, hours and safety."',
         [("colon", "Okafor", None, "direct")]),
        # A heading with no verb names what follows: the transcript is the source.
        ('Transcript as follows:\n"Tonight we arrived in Cleveland."',
         [("colon", "Transcript", None, "direct")]),
        # A roundup credits its source before the colon: after a dash, or "More from".
        ('Iowa polls were not wrong - Mark Blumenthal and Jon Cohen:\n'
         '"The polls just ended too early."',
         [("colon", "Jon Cohen", None, "direct")]),
        ('More from the report:\n"Samples with longer field periods were more accurate."',
         [("colon", "the report", None, "direct")]),
        ('"The budget is balanced." ― Maria Lopez, council member',
         [("dash", "Maria Lopez", None, "direct")]),
        ('"Prices keep rising." — Sam Ortiz', [("dash", "Sam Ortiz", None, "direct")]),
        ('"It needs to stop."\n\n-Michelle Marks, Philadelphia.',
         [("dash", "Michelle Marks", None, "direct")]),
        ('Maria Lopez told the council on Monday that the budget was balanced.\n'
         '"Every department has made sacrifices."',
         [("previous_paragraph", "Maria Lopez", "told", "direct")]),
        ('Okafor said on Monday that taxes would stay flat. The council was unconvinced by the '
         '"flat tax" promise after a long debate.',
         [("paragraph", "Okafor", "said", "partial")]),
        ('Lopez fought the "tax grab" for months.', [("subject", "Lopez", None, "partial")]),
        ('The council approved the budget. "It was a long night."', [("none", None, None, "direct")]),
    ],
)  # fmt: skip
def test_rules_without_a_governing_cue(findings_of, text: str, expected: list[Row]) -> None:
    assert rows(findings_of, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The small model's tagger loses attributions that close a quotation: a verb tagged a
        # noun ("write", "state", "read"), a participle in apposition ("barked"), a name
        # tagged an adverb ("Skelly"), an indefinite source ("another"). The words right
        # after the closing mark still tell the cue and its source.
        ('"You have picked a new standard out of thin air," the two write.',
         [("governing", "the two", "write", "direct")]),
        ('"The kingdom is a leading partner in the fight," the Saudis state in the report.',
         [("governing", "Saudis", "state", "direct")]),
        ('"If she wants the job, she should come to Louisiana," the editorial read.',
         [("governing", "the editorial", "read", "direct")]),
        ('"Nobody is above the law," read one. "Vote them out," read another.',
         [("governing", "one", "read", "direct"), ("governing", "another", "read", "direct")]),
        ('"Watch the count closely," tweeted another.',
         [("governing", "another", "tweeted", "direct")]),
        ('"The data is valuable," said Skelly, explaining the plan.',
         [("governing", "Skelly", "said", "direct")]),
        ('"This is a shocking waste of money," said Oversight ranking Democrat Elijah Cummings '
         "(D-Md.).",
         [("governing", "Democrat Elijah Cummings", "said", "direct")]),
        ('"Go back to Univision," Trump barked and a security guard escorted Ramos out.',
         [("governing", "Trump", "barked", "direct")]),
        ('"Lock her up," read one sign.', [("governing", "one sign", "read", "direct")]),
        # A preposition with no object ends a compound noun: "a voice over".
        ("“Donald Trump is skipping the last debate before the Iowa caucuses. Why? Trump can’t "
         "handle tough questions, like why he’d let millions of illegal immigrants "
         "stay in America and even supports a pathway to citizenship,” a voice over says as a "
         "photo of an empty podium is shown.",
         [("governing", "a voice", "says", "direct")]),
        # A source the parser made the subject of the clause after it ("who ... want").
        ('"One guy came in and said we should start killing them," said the woman, who like '
         "many in the town did not want to be named.",
         [("governing", "the woman", "said", "direct")]),
        # "the 43-year-old (who was) asked": the cue read as a clause of the phrase, or the
        # phrase a modifier of the cue; a hyphenated word stays one mention, never reaching
        # back into the quotation.
        ("“What if Donald Trump had elocution lessons?” the 43-year-old asked in the video’s "
         "description.",
         [("sentence", "the 43-year-old", "asked", "direct")]),
        ("“Why do we need it?” the 43-year-old asked.",
         [("sentence", "the 43-year-old", "asked", "direct")]),
        # ... and with a name in apposition between commas, the name.
        ('"If he does not he should resign in disgrace!" the presumptive nominee, Donald '
         "Trump, tweeted Sunday after the attack.",
         [("sentence", "Donald Trump", "tweeted", "partial")]),
        # A long apposition, and one with a title quoted inside it, are stepped over.
        ("“Very good reporter, this guy,” Trump, the GOP presidential frontrunner nationally "
         "and current polling leader in South Carolina by a wide margin after winning the New "
         "Hampshire primary, said when Boyle asked him a question.",
         [("governing", "Trump", "said", "direct")]),
        ("“We’ve had more successful conventions than this one,” Texas delegate Bill Eastland, "
         "wearing a cowboy hat and “Ted Cruz” campaign pins, said as confetti flew.",
         [("governing", "Texas delegate Bill Eastland", "said", "direct"),
          ("continuation", None, None, "partial")]),
        # A description with a possessive before a name in apposition: the name speaks.
        ("In a statement to the Observer, her senior policy adviser, Jake Sullivan, said: "
         "“Hillary Clinton believes that transatlantic cooperation is essential.”",
         [("governing", "Jake Sullivan", "said", "direct")]),
        # Copy that lost the space before the opening mark keeps its cue.
        ("Ryan said,“Look, they have got no place in a presidential campaign.”",
         [("governing", "Ryan", "said", "direct")]),
        # The source's run of words stops at the noun phrase's end and at dates and places.
        ('"It is over," said Skelly in New York.', [("governing", "Skelly", "said", "direct")]),
        ('"We will fight this," said Skelly Thursday.',
         [("governing", "Skelly", "said", "direct")]),
        # A participle after a quotation takes an object, not a source: the crowd cheers,
        # not Trump.
        ('The crowd roared "Build the wall!" cheering Trump on.',
         [("sentence", "The crowd", "cheering", "partial")]),
        # A noun of the speech-noun lexicon stays a nominal cue with its holder.
        ('"You are fired," Trump\'s reply came quickly.',
         [("sentence", "Trump's", "reply", "direct")]),
        # A noun the phrase goes on with stays a noun: "state" of "the state department".
        ('"The rates will rise," the state department said.',
         [("governing", "the state department", "said", "direct")]),
        ('"The rates will rise," state officials said.',
         [("governing", "state officials", "said", "direct")]),
    ],
)  # fmt: skip
def test_attribution_closing_a_quotation_survives_a_mistagged_parse(
    findings_of, text: str, expected: list[Row]
) -> None:
    assert rows(findings_of, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A quotation over two paragraphs: the second part has no cue of its own.
        ('Maria Lopez told the crowd on Saturday: "We have waited long enough for this day.\n'
         '"Now the work begins."',
         [("governing", "Maria Lopez", "told", "direct"), ("continuation", None, None, "direct")]),
        # Another quotation in the same paragraph.
        ('"That is the end of the matter," Park told the council. "We move on."',
         [("governing", "Park", "told", "direct"), ("continuation", None, None, "direct")]),
        # A paragraph that is only a quotation, after a quoted paragraph.
        ('Okafor spoke to reporters on Monday.\n"The bridge is safe," he said.\n'
         '"We inspected every cable twice."',
         [("governing", "he", "said", "direct"), ("continuation", None, None, "direct")]),
    ],
)  # fmt: skip
def test_continuation_goes_on_with_the_previous_speaker(
    findings_of, text: str, expected: list[Row]
) -> None:
    assert rows(findings_of, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The previous paragraph's last cue reports what others said; the paragraph's
        # own speaker leads it.
        ("Carter said that for decades some critics had been predicting a U.S. withdrawal "
         "from the region, but this would not happen.\n"
         '"That is because this region remains the most consequential for America."',
         ["critics", "Carter"]),
        ("The mayor said on Monday that residents had complained for years that the "
         "council ignored them.\n"
         '"We will listen now."',
         ["residents", "mayor"]),
        # One cue: one candidate.
        ("Okafor said the bridge would reopen in May.\n"
         '"Every cable has been inspected twice."',
         ["Okafor"]),
    ],
)  # fmt: skip
def test_previous_paragraph_candidates_are_its_last_cue_and_its_lead_speaker(
    attributor, text: str, expected: list[str]
) -> None:
    doc = attributor.nlp(text)
    spans = stored_quote_spans(doc)
    options: dict[int, list[Candidate]] = {}

    def record(ctx, k, candidates, findings):
        options[k] = list(candidates)
        return 0, None

    find_speakers(doc, spans, cues_of(doc, attributor.lexicon), record)
    assert [
        c.speaker.text for c in options[len(spans) - 1] if c.path == "previous_paragraph"
    ] == expected


def test_continuation_points_at_the_quotation_it_continues(findings_of) -> None:
    _, findings = findings_of(
        '"That is the end of the matter," Park told the council. "We move on."'
    )
    assert [f.continued_from for f in findings] == [None, 0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Okafor said the merger had brought "real savings" to the region.', "partial"),
        ('Okafor said: "The merger brought real savings to the region."', "direct"),
        ('Ramos called the deal "a gift to the banks" and left.', "partial"),
        ('"The deal is a gift to the banks," Ramos said.', "direct"),
        ('"The deal is a gift to the banks," said Ramos, the state treasurer.', "direct"),
        pytest.param(
            '"We need more buses," the transport minister, Amara Okafor, said.', "direct",
        ),
        pytest.param(
            '"The numbers do not add up," as Park put it.', "direct",
        ),
    ],
)  # fmt: skip
def test_partial_when_the_clause_goes_on_outside_the_marks(
    findings_of, text: str, expected: str
) -> None:
    _, (finding,) = findings_of(text)
    assert finding.kind == expected


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        ('Park said "we will win."', "governing", True),
        # A title-cased phrase that nothing attributes is a show, a book, a headline.
        ('Okafor appeared on "Meet the Press" on Sunday.', "subject", False),
        ('The council approved the budget. "Long Live The Council"', "none", False),
        ("Okafor told reporters that the plan was “Dead On Arrival”", "governing", True),
        # After a preposition or article, a title is a title whatever the cue.
        ('The mayor called the budget balanced on "Face the Nation" on Sunday.', "sentence", False),
        # So after a possessive or a word for a work.
        ('Okafor said so on NBC\'s "Meet the Press" that morning.', "sentence", False),
        ('Okafor said it in her new book, "A Bridge Too Far," last spring.', "sentence", False),
        # Not after a speaker's name: that is a quotation, title case or not.
        ('Okafor said "Never Again" to the crowd.', "governing", True),
        # Unbalanced marks with no cue: lost words, not speech.
        ('The vote was "close and the night was long.', "none", False),
        ('The vote was "close and the night was long.', "governing", True),
    ],
)
def test_is_speech(text: str, path: str, expected: bool) -> None:
    (q,) = find_quotes(text)
    assert is_speech(q, path, text) is expected  # type: ignore[arg-type]


def test_quoted_titles_are_flagged_not_speech(findings_of) -> None:
    _, findings = findings_of('Okafor appeared on "Meet the Press" on Sunday.')
    assert [f.speech for f in findings] == [False]


# -- subject_of on hand-built parses ---------------------------------------------------------

VOCAB = spacy.blank("en").vocab


def parse(*tokens: tuple[str, str, str, int, str]) -> Doc:
    """A ``Doc`` from (word, tag, pos, head index, dependency) rows."""
    words, tags, pos, heads, deps = zip(*tokens, strict=True)
    return Doc(
        VOCAB, words=list(words), tags=list(tags), pos=list(pos), heads=list(heads), deps=list(deps)
    )


def subject(doc: Doc, verb: int, quoted: range = range(0)) -> str | None:
    found = subject_of(doc[verb], lambda t: t.i in quoted)
    return found.text if found is not None else None


KONO_SAID = parse(("Okafor", "NNP", "PROPN", 1, "nsubj"), ("said", "VBD", "VERB", 1, "ROOT"))

# Park praised workers and added
CONJ = parse(
    ("Park", "NNP", "PROPN", 1, "nsubj"),
    ("praised", "VBD", "VERB", 1, "ROOT"),
    ("workers", "NNS", "NOUN", 1, "dobj"),
    ("and", "CC", "CCONJ", 1, "cc"),
    ("added", "VBD", "VERB", 1, "conj"),
)

# Park left , saying
ADVCL = parse(
    ("Park", "NNP", "PROPN", 1, "nsubj"),
    ("left", "VBD", "VERB", 1, "ROOT"),
    (",", ",", "PUNCT", 1, "punct"),
    ("saying", "VBG", "VERB", 1, "advcl"),
)

# backed by Park , who said
RELCL = parse(
    ("backed", "VBN", "VERB", 0, "ROOT"),
    ("by", "IN", "ADP", 0, "agent"),
    ("Park", "NNP", "PROPN", 1, "pobj"),
    (",", ",", "PUNCT", 2, "punct"),
    ("who", "WP", "PRON", 5, "nsubj"),
    ("said", "VBD", "VERB", 2, "relcl"),
)

# The treasurer , Ramos , said
APPOS = parse(
    ("The", "DT", "DET", 1, "det"),
    ("treasurer", "NN", "NOUN", 5, "nsubj"),
    (",", ",", "PUNCT", 1, "punct"),
    ("Ramos", "NNP", "PROPN", 1, "appos"),
    (",", ",", "PUNCT", 1, "punct"),
    ("said", "VBD", "VERB", 5, "ROOT"),
)

# " Taxes rise , " Okafor said -- the parser made the quoted noun a second subject.
QUOTED_AND_REAL_SUBJECT = parse(
    ('"', "``", "PUNCT", 6, "punct"),
    ("Taxes", "NNS", "NOUN", 6, "nsubj"),
    ("rise", "VBP", "VERB", 6, "ccomp"),
    (",", ",", "PUNCT", 6, "punct"),
    ('"', "''", "PUNCT", 6, "punct"),
    ("Okafor", "NNP", "PROPN", 6, "nsubj"),
    ("said", "VBD", "VERB", 6, "ROOT"),
)

# " Taxes rise , " said Okafor -- the quoted noun as subject, the name as object.
QUOTED_SUBJECT_INVERTED = parse(
    ('"', "``", "PUNCT", 5, "punct"),
    ("Taxes", "NNS", "NOUN", 5, "nsubj"),
    ("rise", "VBP", "VERB", 5, "ccomp"),
    (",", ",", "PUNCT", 5, "punct"),
    ('"', "''", "PUNCT", 5, "punct"),
    ("said", "VBD", "VERB", 5, "ROOT"),
    ("Okafor", "NNP", "PROPN", 5, "dobj"),
)

# " Taxes rise , " announced -- nothing outside the quotation to speak.
QUOTED_SUBJECT_ONLY = parse(
    ('"', "``", "PUNCT", 5, "punct"),
    ("Taxes", "NNS", "NOUN", 5, "nsubj"),
    ("rise", "VBP", "VERB", 5, "ccomp"),
    (",", ",", "PUNCT", 5, "punct"),
    ('"', "''", "PUNCT", 5, "punct"),
    ("announced", "VBD", "VERB", 5, "ROOT"),
)

# Okafor later said -- the parser left the name without a dependency to the verb.
LOST_SUBJECT = parse(
    ("Okafor", "NNP", "PROPN", 2, "npadvmod"),
    ("later", "RB", "ADV", 2, "advmod"),
    ("said", "VBD", "VERB", 2, "ROOT"),
)

# Flynn , a top adviser , said -- lost subject behind an appositive.
LOST_SUBJECT_APPOS = parse(
    ("Flynn", "NNP", "PROPN", 6, "dep"),
    (",", ",", "PUNCT", 6, "punct"),
    ("a", "DT", "DET", 4, "det"),
    ("top", "JJ", "ADJ", 4, "amod"),
    ("adviser", "NN", "NOUN", 6, "dep"),
    (",", ",", "PUNCT", 6, "punct"),
    ("said", "VBD", "VERB", 6, "ROOT"),
)


# In Berea , OH , Gov. Kasich said -- the parser gave the verb two subjects.
TWO_SUBJECTS = parse(
    ("In", "IN", "ADP", 5, "prep"),
    ("Berea", "NNP", "PROPN", 0, "pobj"),
    (",", ",", "PUNCT", 5, "punct"),
    ("OH", "NNP", "PROPN", 5, "nsubj"),
    ("Kasich", "NNP", "PROPN", 5, "nsubj"),
    ("said", "VBD", "VERB", 5, "ROOT"),
)

# Trump defended it , calling -- the tagger made the name a verb.
NAME_TAGGED_AS_VERB = parse(
    ("Trump", "VB", "VERB", 1, "nsubj"),
    ("defended", "VBD", "VERB", 1, "ROOT"),
    ("it", "PRP", "PRON", 1, "dobj"),
    (",", ",", "PUNCT", 1, "punct"),
    ("calling", "VBG", "VERB", 1, "advcl"),
)

# Saying it shows the rift -- a clausal subject is content, not a speaker.
CLAUSAL_SUBJECT = parse(
    ("Saying", "VBG", "VERB", 2, "csubj"),
    ("it", "PRP", "PRON", 0, "dobj"),
    ("shows", "VBZ", "VERB", 2, "ROOT"),
)

# " Prices rise , " read the statement -- the parser made the source an object.
READ_THE_STATEMENT = parse(
    ('"', "``", "PUNCT", 5, "punct"),
    ("Prices", "NNS", "NOUN", 2, "nsubj"),
    ("rise", "VBP", "VERB", 5, "ccomp"),
    (",", ",", "PUNCT", 5, "punct"),
    ('"', "''", "PUNCT", 5, "punct"),
    ("read", "VBD", "VERB", 5, "ROOT"),
    ("the", "DT", "DET", 7, "det"),
    ("statement", "NN", "NOUN", 5, "dobj"),
)


# Clinton has been " upset , " said a source -- the quoted clause's subject hangs on said.
SUBJECT_ACROSS_THE_QUOTE = parse(
    ("Clinton", "NNP", "PROPN", 7, "nsubj"),
    ("has", "VBZ", "AUX", 4, "aux"),
    ("been", "VBN", "AUX", 4, "auxpass"),
    ('"', "``", "PUNCT", 4, "punct"),
    ("upset", "VBN", "VERB", 7, "ccomp"),
    (",", ",", "PUNCT", 7, "punct"),
    ('"', "''", "PUNCT", 7, "punct"),
    ("said", "VBD", "VERB", 7, "ROOT"),
    ("a", "DT", "DET", 9, "det"),
    ("source", "NN", "NOUN", 7, "nsubj"),
)


def modal(word: str, verb: str, tag: str) -> Doc:
    """<word> <verb> -- a modal tagged before a verb of the given tag, e.g. "Will wrote"."""
    return parse((word, "MD", "AUX", 1, "aux"), (verb, tag, "VERB", 1, "ROOT"))


# The plan ; one lawmaker called it -- a new clause the parser hung on "plan".
APPOS_AFTER_SEMICOLON = parse(
    ("The", "DT", "DET", 1, "det"),
    ("plan", "NN", "NOUN", 1, "ROOT"),
    (";", ":", "PUNCT", 1, "punct"),
    ("one", "CD", "NUM", 4, "nummod"),
    ("lawmaker", "NN", "NOUN", 1, "appos"),
    ("called", "VBN", "VERB", 4, "acl"),
    ("it", "PRP", "PRON", 5, "oprd"),
)

# Ramos , the treasurer , calling -- a participle on an apposition: the name speaks.
APPOS_PARTICIPLE = parse(
    ("Ramos", "NNP", "PROPN", 0, "ROOT"),
    (",", ",", "PUNCT", 0, "punct"),
    ("the", "DT", "DET", 3, "det"),
    ("treasurer", "NN", "NOUN", 0, "appos"),
    (",", ",", "PUNCT", 3, "punct"),
    ("calling", "VBG", "VERB", 3, "acl"),
)

# hosts Scarborough , the candidate stated -- the description lost to an apposition.
LOST_DESCRIPTION = parse(
    ("hosts", "NNS", "NOUN", 5, "npadvmod"),
    ("Scarborough", "NNP", "PROPN", 0, "appos"),
    (",", ",", "PUNCT", 1, "punct"),
    ("the", "DT", "DET", 4, "det"),
    ("candidate", "NN", "NOUN", 1, "appos"),
    ("stated", "VBD", "VERB", 5, "ROOT"),
)

# cheaper taxes stated -- a bare noun is no lost subject.
BARE_NOUN_BEFORE_VERB = parse(
    ("cheaper", "JJR", "ADJ", 1, "amod"),
    ("taxes", "NNS", "NOUN", 2, "npadvmod"),
    ("stated", "VBD", "VERB", 2, "ROOT"),
)


def left_neighbour(tag: str) -> Doc:
    """The crowd cheered Okafor <verb> no -- the verb hangs off "cheered" with no subject."""
    return parse(
        ("The", "DT", "DET", 1, "det"),
        ("crowd", "NN", "NOUN", 2, "nsubj"),
        ("cheered", "VBD", "VERB", 2, "ROOT"),
        ("Okafor", "NNP", "PROPN", 2, "dobj"),
        ("said" if tag == "VBD" else "saying" if tag == "VBG" else "told", tag, "VERB", 2, "dep"),
        ("no", "UH", "INTJ", 4, "dobj"),
    )


def after_quote(*tokens: tuple[str, str, str, int, str]) -> Doc:
    """``" No , "`` (tokens 0-3) and then ``tokens``, whose heads count from the first of them."""
    quote = [('"', "``", "PUNCT", 1, "punct"), ("No", "UH", "INTJ", 1, "ROOT"),
             (",", ",", "PUNCT", 1, "punct"), ('"', "''", "PUNCT", 1, "punct")]  # fmt: skip
    return parse(*quote, *((w, t, p, h + 4, d) for w, t, p, h, d in tokens))


# " No , " Trump barked -- the parser made the cue a participle in apposition to the quote.
BARKED = after_quote(
    ("Trump", "NNP", "PROPN", 1, "compound"), ("barked", "VBN", "VERB", -3, "appos")
)
# " No , " the two write . -- the verb tagged a noun, its article and number on it.
TWO_WRITE = after_quote(
    ("the", "DT", "DET", 2, "det"),
    ("two", "CD", "NUM", 2, "nummod"),
    ("write", "NN", "NOUN", 2, "ROOT"),
)
# " No , " tweeted another
TWEETED_ANOTHER = after_quote(
    ("tweeted", "VBD", "VERB", 0, "ROOT"), ("another", "DT", "DET", 0, "dobj")
)
# " No , " said Skelly , -- the name tagged an adverb.
SAID_SKELLY = after_quote(
    ("said", "VBD", "VERB", 0, "ROOT"),
    ("Skelly", "RB", "ADV", 0, "advmod"),
    (",", ",", "PUNCT", 0, "punct"),
)
# " No , " said Oversight ranking Democrat Elijah Cummings
SAID_RANKING_DEMOCRAT = after_quote(
    ("said", "VBD", "VERB", 0, "ROOT"),
    ("Oversight", "NN", "NOUN", 2, "npadvmod"),
    ("ranking", "VBG", "VERB", 0, "ccomp"),
    ("Democrat", "NNP", "PROPN", 5, "compound"),
    ("Elijah", "NNP", "PROPN", 5, "compound"),
    ("Cummings", "NNP", "PROPN", 2, "dobj"),
)  # fmt: skip


@pytest.mark.parametrize(
    ("doc", "verb", "quoted", "expected"),
    [
        pytest.param(KONO_SAID, 1, range(0), "Okafor", id="nsubj"),
        pytest.param(CONJ, 4, range(0), "Park", id="conj climbs to the first verb's subject"),
        pytest.param(ADVCL, 3, range(0), "Park", id="participle in advcl shares the subject"),
        pytest.param(RELCL, 5, range(0), "Park", id="relcl: who said is the noun it modifies"),
        pytest.param(APPOS, 5, range(0), "Ramos", id="description with an appositive name"),
        pytest.param(QUOTED_AND_REAL_SUBJECT, 6, range(0, 5), "Okafor", id="quoted subject skipped"),
        pytest.param(QUOTED_SUBJECT_INVERTED, 5, range(0, 5), "Okafor", id="quoted subject, inverted name"),
        pytest.param(QUOTED_SUBJECT_ONLY, 5, range(0, 5), None, id="quoted subject only: none"),
        pytest.param(QUOTED_SUBJECT_ONLY, 5, range(0), "Taxes", id="unquoted subject is trusted"),
        pytest.param(LOST_SUBJECT, 2, range(0), "Okafor", id="lost subject from word order over adverb"),
        pytest.param(LOST_SUBJECT_APPOS, 6, range(0), "Flynn", id="lost subject over an appositive"),
        pytest.param(TWO_SUBJECTS, 5, range(0), "Kasich", id="two subjects: the nearest"),
        pytest.param(NAME_TAGGED_AS_VERB, 4, range(0), "Trump", id="a name tagged as a verb"),
        pytest.param(CLAUSAL_SUBJECT, 2, range(0), None, id="a clausal subject is no speaker"),
        pytest.param(READ_THE_STATEMENT, 5, range(0, 5), "statement", id="inverted description"),
        pytest.param(SUBJECT_ACROSS_THE_QUOTE, 7, range(3, 7), "source",
                     id="a subject across the quotation yields to one after the verb"),
        pytest.param(SUBJECT_ACROSS_THE_QUOTE, 7, range(0), "Clinton",
                     id="with nothing quoted between, the left subject stays first"),
        pytest.param(modal("Will", "wrote", "VBN"), 1, range(0), "Will", id="Will wrote: a name"),
        pytest.param(modal("Will", "claims", "VBZ"), 1, range(0), "Will", id="Will claims: a name"),
        pytest.param(modal("Will", "say", "VB"), 1, range(0), None, id="Will say: a modal"),
        pytest.param(modal("will", "wrote", "VBD"), 1, range(0), None, id="lower case: a modal"),
        pytest.param(APPOS_AFTER_SEMICOLON, 5, range(0), "lawmaker",
                     id="no apposition across a semicolon"),
        pytest.param(APPOS_PARTICIPLE, 5, range(0), "Ramos", id="participle on an apposition"),
        pytest.param(LOST_DESCRIPTION, 5, range(0), "candidate",
                     id="lost subject: a description with its determiner"),
        pytest.param(BARE_NOUN_BEFORE_VERB, 2, range(0), None, id="a bare noun is no lost subject"),
        pytest.param(left_neighbour("VBD"), 4, range(0), "Okafor", id="finite verb takes left name"),
        pytest.param(left_neighbour("VBG"), 4, range(0), None, id="participle VBG never takes left name"),
        pytest.param(left_neighbour("VBN"), 4, range(0), None, id="participle VBN never takes left name"),
        # Right after a quotation the word order tells what a mistagged parse does not.
        pytest.param(BARKED, 5, range(0, 4), "Trump", id="after a quotation a participle takes left name"),
        pytest.param(BARKED, 5, range(0), None, id="the same words, no quotation: no left name"),
        pytest.param(TWO_WRITE, 6, range(0, 4), "two", id="after a quotation: the two write"),
        pytest.param(TWEETED_ANOTHER, 4, range(0, 4), "another", id="inverted: tweeted another"),
        pytest.param(SAID_SKELLY, 4, range(0, 4), "Skelly", id="inverted: a name tagged an adverb"),
        pytest.param(SAID_RANKING_DEMOCRAT, 4, range(0, 4), "Cummings",
                     id="inverted: the last name of a run of words"),
    ],
)  # fmt: skip
def test_subject_of(doc: Doc, verb: int, quoted: range, expected: str | None) -> None:
    assert subject(doc, verb, quoted) == expected


@pytest.mark.parametrize(
    ("text", "noun", "expected"),
    [
        ("Critics seized on her assertion that the plan was paid for.", "assertion", "her"),
        ("Okafor's claim that the bridge is safe drew jeers.", "claim", "Okafor"),
        ("The vote followed a suggestion by Senator Dana Ruiz that the board start over.",
         "suggestion", "Ruiz"),
        ("The contention of Maria Lopez that the law is void was rejected.", "contention", "Lopez"),
        # The object of "criticism of" is its target, not its holder.
        ("The mayor answered criticism of the budget on Monday.", "criticism", None),
        # A verb of uttering gives its subject; a verb of answering or doubting does not.
        ("Okafor issued a statement on Tuesday night.", "statement", "Okafor"),
        ("Okafor questioned the claim that taxes would fall.", "claim", None),
        # A stance expressed is the one's who expresses it.
        ("Clinton expressed confidence that the server would not be an issue.", "confidence",
         "Clinton"),
        ("Santilli expressed a desire to try the case himself.", "desire", "Santilli"),
        # What one begins, opens or answers with is one's own.
        ("Clinton began Sunday with a personally signed tweet.", "tweet", "Clinton"),
        ("Trump opened with a call for unity.", "call", "Trump"),
        ("Okafor closed with a statement.", "statement", "Okafor"),
        ("Okafor agreed with the statement.", "statement", None),
    ],
)  # fmt: skip
def test_holder_of_a_nominal_cue(nlp, text: str, noun: str, expected: str | None) -> None:
    doc = nlp(text)
    tok = next(t for t in doc if t.text == noun)
    found = holder(tok)
    assert (found.text.removesuffix("'s") if found is not None else None) == expected
