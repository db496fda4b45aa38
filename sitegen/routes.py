"""URLs: declared once as patterns in the config; output paths are derived from them."""

from __future__ import annotations

from dataclasses import dataclass
from posixpath import normpath
from urllib.parse import urljoin

from .config import Config


@dataclass(frozen=True)
class Routes:
    patterns: dict[str, str]
    base_path: str  # '/' or '/archive/' when the site lives below a path
    base_url: str

    @classmethod
    def from_config(cls, config: Config) -> Routes:
        base = config.base_url if config.base_url.endswith("/") else config.base_url + "/"
        return cls(dict(config.permalinks), config.base_path, base)

    def url_for(self, kind: str, page: int = 1, **values: object) -> str:
        """Site-absolute URL path (with the base path) of a page, e.g. /tags/treaty/page/2/."""
        path = self.patterns[kind].format(**values)
        if page > 1:
            path = f"{path}page/{page}/"
        return self.base_path + path.lstrip("/")

    def published(self, path: str) -> str:
        """The site URL of a path from the root of the site as published, the output folder's
        root (an earlier address, a file of content/static/): below the base path, so a
        preview built for another base URL keeps it."""
        return self.base_path + path[1:]

    def feed_for(self, kind: str, **values: object) -> str:
        return self.url_for(kind, **values) + "feed.xml"

    def absolute(self, url: str) -> str:
        """Absolute URL of a site-absolute path, for feeds, canonical links and the sitemap."""
        if url.startswith("/") and not url.startswith("//"):  # the usual case, tens of thousands a build
            return self.base_url[: -len(self.base_path)] + url
        return urljoin(self.base_url, url)

    def output_path(self, url: str) -> str:
        """Output file of a URL: pretty URLs end in '/', and get an index.html."""
        rel = url[len(self.base_path):] if url.startswith(self.base_path) else url.lstrip("/")
        path = rel + "index.html" if rel.endswith("/") or rel == "" else rel
        clean = normpath(path)
        if clean.startswith(("../", "/")) or clean == ".." or "\x00" in clean:
            raise ValueError(f"refusing to write outside the output folder: {url!r}")
        return clean
