"""Mend accessibility faults in the HTML that Sphinx, docutils and furo write.

axe-core finds these in the stock markup; each fix is made in the written page,
after the build, because the markup comes from templates and writers outside
this project.  Each entry says what is wrong and why the fix is right:

- toctree captions are ``<p class="caption" role="heading">`` with no level
  (ARIA requires ``aria-level`` on a heading role): give them level 2.
- furo's announcement bar, navigation drawer and contents drawer are three
  unnamed ``<aside>`` landmarks: name each after what it holds.
- furo's page tools (edit link, colour-scheme switch) sit outside every
  landmark: make them a named region.
- docutils marks reference-list entries ``role="doc-biblioentry"``, a role
  ARIA 1.2 deprecates, inside a ``role="list"``: make them list items.
- code blocks scroll sideways but cannot take keyboard focus: make them
  focusable, so keyboard users can scroll them.
- a reference cited more than once links back to each citation with a bare
  "1", "2": name each link for where it goes ("Back to citation 1 of 2 in the
  text"), keeping the visible number in the name (WCAG 2.5.3).
- furo wraps a table that has a caption in a ``<div class="table-wrapper">``
  carrying the table's own id, so the id appears twice (invalid HTML): keep it
  on the table, where links to it should land.

The browser tests (tests/test_browser.py) run axe-core on every page and fail
if any of these comes back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from sphinx.application import Sphinx

BACKLINK = re.compile(r'<a role="doc-backlink" href="([^"]+)">(\d+)</a>')


def name_backlinks(match: re.Match) -> str:
    links = match.group(0)
    total = len(BACKLINK.findall(links))
    return BACKLINK.sub(
        lambda link: (f'<a role="doc-backlink" href="{link[1]}" aria-label="Back to citation '
                      f'{link[2]} of {total} in the text">{link[2]}</a>'),
        links)


FIXES: list[tuple[re.Pattern, str | Callable[[re.Match], str]]] = [
    (re.compile(r'(<p class="caption" role="heading")(?![^>]*aria-level)'),
     r'\1 aria-level="2"'),
    (re.compile(r'<aside class="announcement-content">'),
     '<aside class="announcement-content" aria-label="Urgent help">'),
    (re.compile(r'<aside class="sidebar-drawer">'),
     '<aside class="sidebar-drawer" aria-label="Site navigation">'),
    (re.compile(r'<aside class="toc-drawer([^"]*)">'),
     r'<aside class="toc-drawer\1" aria-label="On this page">'),
    (re.compile(r'<div class="content-icon-container">'),
     '<div class="content-icon-container" role="region" aria-label="Page tools">'),
    (re.compile(r'role="doc-biblioentry"'), 'role="listitem"'),
    (re.compile(r'<pre(?![^>]*tabindex)([^>]*)>'), r'<pre tabindex="0"\1>'),
    (re.compile(r'<span class="backrefs">.*?</span>'), name_backlinks),
    (re.compile(r'(<div class="table-wrapper[^"]*") id="([^"]+)"(>\s*<table[^>]* id="\2")'),
     r'\1\3'),
]


def mend(html: str) -> str:
    for pattern, replacement in FIXES:
        html = pattern.sub(replacement, html)
    return html


def note_written_page(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # Only the pages this build writes need mending; an incremental build that
    # re-read every page of a large handbook would undo the point of being
    # incremental.
    if app.builder.name == "html":
        app.builder.handbook_written_pages = getattr(app.builder, "handbook_written_pages", set())
        app.builder.handbook_written_pages.add(app.builder.get_outfilename(pagename))


def mend_written_pages(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    for filename in getattr(app.builder, "handbook_written_pages", ()):
        path = Path(filename)
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        mended = mend(text)
        if mended != text:
            path.write_text(mended, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", note_written_page)
    app.connect("build-finished", mend_written_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
