"""Step 1, quotation marks paired in raw text (``app.engine.quotes``): no spaCy involved."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.quotes import ALL_MARKS, find_quotes, looks_like_title, paragraph_spans


def quoted(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Okafor said "the bridge is safe" on Monday.', ["the bridge is safe"]),
        ("Okafor said, “The bridge is safe.”", ["The bridge is safe."]),
        ("The banner read «Basta!» in red letters.", ["Basta!"]),
        ("Merkel said „we can do this“ in 2015.", ["we can do this"]),
        ("Mr. Okafor said ''the bridge is safe'' on Monday.", ["the bridge is safe"]),
        ("``We are ready,'' the minister said.", ["We are ready,"]),
        ("He said ''we're ready'' and left.", ["we're ready"]),
        # The glyph only breaks ties: a right mark standing where an opener belongs opens.
        ("”The bridge is safe,” Okafor said.", ["The bridge is safe,"]),
        ('She said "yes" and he said "no."', ["yes", "no."]),
        (
            '"We have the votes," Park said. "The bill will pass."',
            ["We have the votes,", "The bill will pass."],
        ),
    ],
)
def test_double_marks_delimit_quotations(text: str, expected: list[str]) -> None:
    assert quoted(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Copy from social media carries invisible format characters next to its marks: a
        # left-to-right embedding (U+202A), a zero-width space (U+200B), a byte-order mark.
        ("\u202a”Sorry Sarah, you should have said it!!” posted Sharon Geyer.",
         ["Sorry Sarah, you should have said it!!"]),
        ("\u200b”We are ready,” Okafor said.", ["We are ready,"]),
        ("\ufeff”We are ready,” Okafor said.", ["We are ready,"]),
        ("Okafor said, \u200e”We are ready.”", ["We are ready."]),
    ],
)  # fmt: skip
def test_invisible_format_characters_do_not_turn_a_mark(text: str, expected: list[str]) -> None:
    assert quoted(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A mark glued to a comma and a word lost a space: the glyph tells which, and a
        # straight mark closes an open quotation or else opens one.
        ('"We win," he said. "They lose,"Katie Packer said. "More and more."',
         ["We win,", "They lose,", "More and more."]),
        ("“They lose,”Katie Packer said. “More and more.”", ["They lose,", "More and more."]),
        ("Ryan said,“Look, we will win.”", ["Look, we will win."]),
        ('Ryan said,"Look, we will win."', ["Look, we will win."]),
    ],
)  # fmt: skip
def test_a_mark_glued_between_a_comma_and_a_word(text: str, expected: list[str]) -> None:
    assert quoted(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It's the players' union that won the dispute.", []),
        ("Fans of ’90s rock'n'roll packed the hall.", []),
        ("The '16 campaign didn't end well.", []),
        ("The 6'2\" center didn't play on Sunday.", []),
        ('The 5\'10" guard said "I am ready."', ["I am ready."]),
        # British copy: the plural possessive faces left but opens nothing.
        ("The players' union called it 'a betrayal'.", ["a betrayal"]),
    ],
)
def test_apostrophes_and_inches_are_not_marks(text: str, expected: list[str]) -> None:
    assert quoted(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # After a digit, a straight mark closes the quotation that is open.
        (
            'He accepted "about $200,000" from Wall Street firms, a sign of "disarray."',
            ["about $200,000", "disarray."],
        ),
        (
            'Trump tweeted, "Thank you Indiana! #Trump2016" on Friday afternoon.',
            ["Thank you Indiana! #Trump2016"],
        ),
        ('The "Fight for 15" movement spread to other cities.', ["Fight for 15"]),
        # Set off by spaces after an inner quotation, it closes the open one too.
        (
            "\"Sanders has to do the 'Carolina two-step' \" - and win voters over, he said.",
            ["Sanders has to do the 'Carolina two-step'"],
        ),
        (
            "“I regret having listened to that advice, ” he said, echoing his colleague.",
            ["I regret having listened to that advice,"],
        ),
        (
            "''I hate the term 'Manhattan poor,' '' she said. ''They weren't living large.''",
            ["I hate the term 'Manhattan poor,'", "They weren't living large."],
        ),
        # A left mark set off by spaces opens one.
        (
            "“We did well,” Henry said. “ You know, the future is why.”",
            ["We did well,", "You know, the future is why."],
        ),
        ("As Politico reported, „ the voters were angry.“", ["the voters were angry."]),
        # With no quotation open, it is still an inch mark, or nothing.
        ('The 6\'2" center and the 12" sub were the order.', []),
        ('Sizes: 10" and 12" pans " in stock.', []),
    ],
)
def test_straight_mark_closes_an_open_quotation(text: str, expected: list[str]) -> None:
    assert quoted(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "\"He told me 'never again' and left,\" she said.",
            ["He told me 'never again' and left,"],
        ),
        ("“They shouted ‘shame on you’ at us,” she said.", ["They shouted ‘shame on you’ at us,"]),
    ],
)
def test_nested_single_quotes_stay_inside(text: str, expected: list[str]) -> None:
    assert quoted(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"The first winter was the hardest.\n"We burned furniture to stay warm.\n"Nobody came to help," she said.',
            [
                ("The first winter was the hardest.", False),
                ("We burned furniture to stay warm.", True),
                ("Nobody came to help,", True),
            ],
        ),
        (
            'Park told the council: "We are out of money.\n\n"The schools close in June."',
            [("We are out of money.", False), ("The schools close in June.", True)],
        ),
    ],
)
def test_multi_paragraph_quotation_is_one_quote_per_paragraph(text: str, expected: list) -> None:
    assert [(text[q.start : q.end], q.continues) for q in find_quotes(text)] == expected


def test_multi_paragraph_quotation_closes_only_on_its_last_paragraph() -> None:
    text = '"We are out of money.\n"The schools close in June," Park said.'
    first, last = find_quotes(text)
    assert (first.close_mark, first.unbalanced, first.paragraph) == (None, False, 0)
    assert (last.close_mark, last.paragraph) == (text.rindex('"'), 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'Park said "the budget is balanced.\nLater, "we will see," Okafor said.',
            [("the budget is balanced.", True), ("we will see,", False)],
        ),
        (
            'He called it "a farce.\nThe vote was 7-2.\n"It passed," she said.',
            [("a farce.", True), ("It passed,", False)],
        ),
    ],
)
def test_unbalanced_opening_mark_costs_only_its_paragraph(text: str, expected: list) -> None:
    assert [(text[q.start : q.end], q.unbalanced) for q in find_quotes(text)] == expected


def test_unbalanced_quotation_runs_to_the_end_of_its_paragraph() -> None:
    text = 'Park said "the budget is balanced and fair\nThe vote is on Friday.'
    (q,) = find_quotes(text)
    assert (q.close_mark, q.end) == (None, text.index("\n"))


def test_orphan_closing_mark_quotes_from_the_start_of_the_paragraph() -> None:
    text = 'The vote was close.\nThe plan is dead," she said.'
    (q,) = find_quotes(text)
    assert text[q.start : q.end] == "The plan is dead,"
    assert (q.open_mark, q.unbalanced, q.paragraph) == (None, True, 1)


@pytest.mark.parametrize(
    "text",
    [
        "Home » News » World",
        "Home » Politics » Congress\nThe Senate voted on Tuesday.",
        '<a href="https://example.com/story">Read more</a>',
        '<blockquote class="twitter-tweet">The vote is on</blockquote>',
        '<img src="/photos/council.jpg">',
        '<a href="/budget" target="_blank">the plan</a>',
        '<img alt="" src="/photos/council.jpg">',
    ],
)
def test_breadcrumbs_and_markup_are_not_quotations(text: str) -> None:
    assert quoted(text) == []


def test_markup_does_not_hide_a_real_quotation() -> None:
    text = 'Read <a href="/budget">the plan</a>. Park said "it is balanced."'
    assert quoted(text) == ["it is balanced."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'We are ready,' the minister said.", ["We are ready,"]),
        ("‘We are ready,’ the minister said.", ["We are ready,"]),
        ("The minister called it 'reform'. Critics called it 'a sham'.", ["reform", "a sham"]),
        # Double-marked speech anywhere in the article makes single marks scare quotes.
        ("The 'reform' bill passed. \"We are ready,\" the minister said.", ["We are ready,"]),
        ("The minister called it 'reform'.\n\"We are ready,\" she said.", ["We are ready,"]),
        # Except right after a colon: the headline's "Name: 'words'" is a quotation.
        (
            'Trump: ‘We are going to win so much.’\n\n"It is great," he said.',
            ["We are going to win so much.", "It is great,"],
        ),
        (
            "Reid: 'Never underestimate Trump.'\n\"It is great,\" he said of the 'plan'.",
            ["Never underestimate Trump.", "It is great,"],
        ),
        # Single marks around a double-quoted passage pair with nothing: the spans stay
        # disjoint (a case the property test below found).
        ("Reid: 'He said \"we win\" today,' aides said.", ["we win"]),
        (":'90s''Okafor»'", ["Okafor"]),
    ],
)
def test_top_level_single_marks_count_only_without_double_marked_speech(
    text: str, expected: list[str]
) -> None:
    assert quoted(text) == expected


def test_single_mark_quotations_are_flagged_single_style() -> None:
    assert [q.style for q in find_quotes("'We are ready,' she said. 'Are you?'")] == [
        "single",
        "single",
    ]


@pytest.mark.parametrize(
    "text",
    [
        'Okafor said "the bridge is safe" on Monday.',
        '  "  We are ready,  "  she said.',
        '"We are out of money.\n"The schools close," Park said.',
        "Mr. Okafor said ''the bridge is safe'' on Monday.",
        'The plan is dead," she said.',
    ],
)
def test_offsets_give_the_quoted_words_and_outer_offsets_the_marks(text: str) -> None:
    for q in find_quotes(text):
        words = text[q.start : q.end]
        assert words and words == words.strip()
        outer = text[q.outer_start : q.outer_end]
        assert words in outer
        if q.open_mark is not None:
            assert q.outer_start == q.open_mark and text[q.open_mark] in ALL_MARKS + "`"
        if q.close_mark is not None:
            assert text[q.close_mark] in ALL_MARKS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Face the Nation", True),
        ("The Art of the Deal", True),
        ("we will win", False),
        ("The Bridge Is Safe But The Road Is Not Open Yet", False),
        ("a", False),
        # Title case leaves only its minor words in lower case; a short sentence with one
        # long word is no title.
        ("Man of La Mancha", True),
        ("Ode to de la Cruz", True),
        ("Can we win Illinois?", False),
        ("Medicare for all", False),
        ("Thank you Georgia", False),
        ("Lock her up!", False),
    ],
)
def test_looks_like_title(text: str, expected: bool) -> None:
    assert looks_like_title(text) is expected


def test_paragraphs_are_runs_between_line_breaks() -> None:
    text = "One.\n\nTwo two.\nThree"
    assert [text[a:b] for a, b in paragraph_spans(text)] == ["One.", "Two two.", "Three"]


_PIECES = st.sampled_from(
    ["Okafor", "said", "it's", "players'", "'90s", "5'10", "we", "win", ".", ",", ":", "—", "(", ")",
     '<a href="x">', "»", "«", '"', "“", "”", "„", "'", "‘", "’", "''", "``", "\n", "\n\n"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_PIECES, st.sampled_from(["", " ", "  "])), max_size=40))
def test_any_text_gives_sorted_disjoint_spans_inside_the_text(
    pieces: list[tuple[str, str]],
) -> None:
    text = "".join(word + space for word, space in pieces)
    previous_end = 0
    for q in find_quotes(text):
        assert 0 <= q.outer_start <= q.start < q.end <= q.outer_end <= len(text)
        assert q.outer_start >= previous_end
        previous_end = q.outer_end
        words = text[q.start : q.end]
        assert words == words.strip()
        assert "\n" not in text[q.outer_start : q.outer_end]
