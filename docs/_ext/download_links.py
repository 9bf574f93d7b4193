"""``{handbook-download}``: a link to the PDF or EPUB the website offers.

``{handbook-download}`Download the whole handbook (PDF) <pdf>``` links to the
PDF (``<epub>`` to the EPUB) at the path html_context in conf.py names, from
the page it is on.  A role, not raw HTML in a substitution: pages carry no
HTML (see content_policy.py).  scripts/build.py copies the files there; the
link is for the website only, so put it inside ``{only} builder_html``.
"""

from __future__ import annotations

import posixpath

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole
from sphinx.util.nodes import split_explicit_title

KINDS = ("pdf", "epub")


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


def setup(app: Sphinx) -> dict:
    app.add_role("handbook-download", HandbookDownload())
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
