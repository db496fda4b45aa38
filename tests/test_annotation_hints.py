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
    _, anchored, [problem] = anchor("a.md", render(BODY).html, [note], lambda n: "")
    assert anchored == ()
    assert (problem.line, problem.field, problem.message) == (7, "annotations[0].quote", message)
