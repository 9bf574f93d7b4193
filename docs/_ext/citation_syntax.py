"""A malformed citation is an error at its line, not a crash of the build.

sphinxcontrib-bibtex parses ``{cite:p}`key1,key2``` as the page is read and
raises ValueError on a target it cannot parse (an empty key, ``,``, a stray
brace): Sphinx stops with "malformed citation target", naming no page, and
under ``-j`` not even the page being read (hostile review 4).  Its cite roles
are replaced by one that reports the same fault as a warning with the file and
line (an error under ``-W``), and leaves the text as written.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinxcontrib.bibtex.domain import BibtexDomain
from sphinxcontrib.bibtex.roles import CiteRole

logger = logging.getLogger(__name__)


class CheckedCiteRole(CiteRole):
    def result_nodes(self, document, env, node, is_ref):
        try:
            return super().result_nodes(document, env, node, is_ref)
        except ValueError as error:  # raised before the citation is recorded
            logger.warning("%s: write the keys of references.bib, separated by commas, "
                           "for example {cite:p}`bordin1979,crawford2016`", error,
                           location=node, type="bibtex", subtype="malformed_citation")
            return [nodes.Text(self.rawtext)], []


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_role("cite", CheckedCiteRole(), override=True)
    # {cite:p}, {cite:t} and the rest: the domain's roles, a class attribute.
    for name in BibtexDomain.roles:
        BibtexDomain.roles[name] = CheckedCiteRole()
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
