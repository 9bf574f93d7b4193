"""``{handbook-download}``: a link to the PDF or EPUB the website offers.

``{handbook-download}`Download the whole handbook (PDF) <pdf>``` links to the
PDF (``<epub>`` to the EPUB) at the path html_context in conf.py names, from
the page it is on.  A role, not raw HTML in a substitution: pages carry no
HTML (see content_policy.py).  scripts/build.py copies the files there and
then sets the tag ``handbook_downloads``; a website built without them (``make
html``, ``make live``) must not link to them, so put the role inside
``{only} builder_html and handbook_downloads``.  The sidebar's links
(_templates/sidebar/downloads.html) follow the same tag.
"""

from __future__ import annotations

import posixpath

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole
from sphinx.util.nodes import split_explicit_title

KINDS = ("pdf", "epub")
# Set by scripts/build.py when the site carries the PDF and EPUB.
TAG = "handbook_downloads"


class HandbookDownload(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        _, title, kind = split_explicit_title(self.text)
        if kind not in KINDS:
            message = self.inliner.reporter.error(
                f"handbook-download needs <pdf> or <epub>, not {kind!r}", line=self.lineno)
            return [], [message]
        target = self.config.html_context[f"handbook_{kind}"]
        here = posixpath.dirname(self.env.docname)
        uri = posixpath.relpath(target, here) if here else target
        return [nodes.reference(self.rawtext, title, refuri=uri)], []


def offer_downloads(app: Sphinx, pagename, templatename, context, doctree) -> None:
    context["handbook_downloads"] = app.tags.has(TAG)


def setup(app: Sphinx) -> dict:
    app.add_role("handbook-download", HandbookDownload())
    app.connect("html-page-context", offer_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
