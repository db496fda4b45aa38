"""Every HTML page of the three sites (the bundled archive, the fictional one, the invented
fact-checks of conftest's claims_site) passes the Nu HTML Checker with zero errors.

vnu is slow to start, so it runs once per site over the whole output folder.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_check(folder: Path) -> list[dict]:
    """Run the Nu HTML Checker over every .html file under ``folder``; its error messages."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: install default-jre-headless (.ci/run does it)", pytrace=False)
    if not VNU.is_file():
        pytest.fail(f"{VNU} is missing: run npm ci", pytrace=False)
    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,  # vnu exits 1 when it finds errors; the report says which
    )
    report = json.loads(run.stderr or run.stdout)  # vnu writes its report to stderr
    return report["messages"]


@pytest.mark.parametrize("site", ["bundled_site", "fictional_site", "claims_site"])
def test_every_page_is_valid_html(site: str, request: pytest.FixtureRequest, proof_figures: dict) -> None:
    out: Path = request.getfixturevalue(site)
    pages = sorted(out.rglob("*.html"))
    assert pages, f"{site}: no HTML pages were built"
    messages = nu_check(out)
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    proof_figures[f"html validity ({site})"] = f"{len(pages)} pages checked by vnu, {len(errors)} errors"
    shown = [
        f"{m.get('url', '').split(out.as_posix(), 1)[-1]}:{m.get('lastLine', '?')}: "
        f"{m.get('message')} [{m.get('extract', '').strip()[:80]}]"
        for m in errors[:30]
    ]
    assert not errors, f"{len(errors)} HTML errors in {site}:\n" + "\n".join(shown)
