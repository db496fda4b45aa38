"""An invented archive of fact-checks whose claimants are found among the article's people
or not: for test_claimants and conftest's claims_site, which the proofs check."""

from __future__ import annotations

from pathlib import Path

BASE = "https://light.example.org/"
MARLO = "---\nname: Ives Marlo\naliases: [I. Marlo]\ndescription: An invented harbour master\nlinks:\n  wikidata: https://www.wikidata.org/wiki/Q4115189\n---\nInvented.\n"
FENN = "---\nname: Una Fenn\ndescription: An invented mayor, in the registry but not in the article\n---\nInvented.\n"
LIGHT = """---
title: Invented lighthouse relit
date: 2030-04-02
people: [Ives Marlo, Oona Pell]
annotations:
  - quote: mended in a day
    kind: fact-check
    rating: misleading
    claimant: I. Marlo
    note: The invented log says three days.
  - quote: brightest on the coast
    kind: fact-check
    rating: "false"
    claimant: Oona Pell
    note: Two invented lights are brighter.
  - quote: the keeper
    kind: fact-check
    rating: "true"
    claimant: Invented Harbour Board
    note: Invented.
---
The lamp was mended in a day by the keeper, and it is the brightest on the coast.
"""


def archive(root: Path, config: str = "") -> Path:
    for rel, text in (("content/people/ives-marlo.md", MARLO), ("content/people/una-fenn.md", FENN), ("content/articles/2030/04/light.md", LIGHT)):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "sitegen.toml").write_text(f'base_url = "{BASE}"\n{config}', encoding="utf-8")
    return root
