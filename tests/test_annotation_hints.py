"""A quote that is almost in the body says why it is not found."""

from __future__ import annotations

import pytest

from sitegen.annotation import anchor
from sitegen.markdown import render
from sitegen.model import Annotation

BODY = "The mayor said the vote is on Thursday.\n"


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        ("Thurs", 'not found in body: "Thurs" (found only as part of a longer word)'),
        ("The Mayor Said", 'not found in body: "The Mayor Said" (found only with different capitals)'),
        ("the council said", 'not found in body: "the council said"'),
    ],
)
def test_not_found_gives_a_hint(quote: str, message: str) -> None:
    note = Annotation(quote=quote, kind="note", note="Fictional.", line=7)
    placed = anchor("a.md", render(BODY).html, [note], lambda n: "")
    anchored, [problem] = placed.notes, placed.problems
    assert anchored == ()
    assert (problem.line, problem.field, problem.message) == (7, "annotations[0].quote", message)


def test_a_quote_copied_from_the_page_with_a_footnote_number_says_to_leave_it_out() -> None:
    """The page shows a footnote as [1]; the text anchored in has no such number."""
    note = Annotation(quote="vote is[1] on Thursday", kind="note", note="Fictional.", line=7)
    [problem] = anchor("a.md", render("The mayor said the vote is[^1] on Thursday.\n\n[^1]: Invented.\n").html, [note], lambda n: "").problems
    assert problem.message == (
        'not found in body: "vote is[1] on Thursday" (found without the numbers in brackets: leave out footnote and note numbers such as [1])'
    )


@pytest.mark.parametrize(
    ("quote", "read"),
    [("the *vote* is", "the vote is"), ("said [the vote](https://example.org/v) is", "said the vote is"), ("the `vote` is", "the vote is")],
)
def test_a_quote_copied_from_the_file_with_its_markdown_says_what_to_quote(quote: str, read: str) -> None:
    body = "The mayor said [the *vote*](https://example.org/v) is on Thursday; the `vote` is.\n"
    note = Annotation(quote=quote, kind="note", note="Fictional.", line=7)
    [problem] = anchor("a.md", render(body).html, [note], lambda n: "").problems
    assert problem.message == f'not found in body: "{quote}" (found as the page reads it, without its Markdown: quote "{read}")'
