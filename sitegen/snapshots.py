"""Web archives' snapshot addresses: when a copy was made and of what, where the address
says (the Wayback Machine's and archive.today's long forms do); pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

# web.archive.org/web/20220211150000/https://…, also with a mode (id_, if_) after the time,
# or a pattern where the time is (2022*, *): a list of captures, not one copy.
_WAYBACK = re.compile(r"https?://(?:web\.)?archive\.org/web/([0-9*]+)(?:[a-z]{2}_)?/(.+)", re.IGNORECASE)
_ARCHIVE_TODAY = re.compile(r"https?://archive\.(?:today|ph|is|li|vn|md|fo)/(\d{4})\.(\d{2})\.(\d{2})-(\d{6})/(.+)", re.IGNORECASE)


@dataclass(frozen=True)
class Snapshot:
    at: datetime | None = None  # when the copy was made
    of: str = ""  # the address it is a copy of
    listing: bool = False  # a list of captures (a pattern for the time), not one copy


def read(url: str) -> Snapshot:
    if found := _WAYBACK.match(url):
        stamp, of = found.groups()
        if "*" in stamp:
            return Snapshot(of=of, listing=True)
        return Snapshot(_time(stamp) if len(stamp) == 14 else None, of)
    if found := _ARCHIVE_TODAY.match(url):
        return Snapshot(_time("".join(found.groups()[:4])), found[5])
    return Snapshot()


def original(url: str) -> str:
    """The original an archived copy's address names, to stand for it where its own address is
    not given; "" for none, or for a site's front page, whose copies hold other stories."""
    of = read(url).of
    return of if urlsplit(of).path.strip("/") else ""


def _time(stamp: str) -> datetime | None:
    try:
        return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
