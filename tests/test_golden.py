"""Golden snapshot of the bundled archive's article page.

Regenerate after an intended change with:
    SITEGEN_REGENERATE=1 .venv/bin/pytest tests/test_golden.py
and review the diff like any other change.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from sitegen.build import Options, build

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "article.html"
ARTICLE = "articles/2022/02/uks-defence-chief-says-ready-to-discuss-russian-security-proposals-with-shoigu/index.html"


def test_bundled_article_page_matches_the_golden_snapshot(tmp_path: Path):
    out = tmp_path / "public"
    build(Options(root=REPO, out=out, base_url="https://archive.example.org/", search=False, cache=False))
    actual = (out / ARTICLE).read_text(encoding="utf-8")
    if os.environ.get("SITEGEN_REGENERATE"):
        GOLDEN.write_text(actual, encoding="utf-8")
        pytest.fail("golden page regenerated: review its diff, then run again without SITEGEN_REGENERATE")
    expected = GOLDEN.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "golden", "built", n=2))
    assert actual == expected, f"article page differs from tests/golden/article.html:\n{diff}"
