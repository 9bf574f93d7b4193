"""Keep reference lists where the pages put them in the PDF.

Sphinx's LaTeX builder moves every citation in the book into a single
"Bibliography" chapter at the very end (its ``BibliographyTransform``, at
post-transform priority 750).  That leaves the References page as an empty
chapter, and moves each article's own reference list away from the article.

Two post-transforms around Sphinx's keep each run of citations in place: the
first lifts every run out of the tree before Sphinx's transform can gather it,
leaving a placeholder; the second puts each run back at its placeholder as a
bibliography list.  Nothing is left for Sphinx to gather, so no extra chapter
appears.  ``LATEX_PREAMBLE`` stops each list from opening a chapter of its own:
the page around it already has its "References" heading.  LaTeX keys citations
as ``docname:id``, so a work listed on two pages gives two distinct entries.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.latex.nodes import thebibliography
from sphinx.transforms.post_transforms import SphinxPostTransform

LATEX_PREAMBLE = r"""
\makeatletter
\renewenvironment{sphinxthebibliography}[1]
  {\let\chapter\@gobbletwo\let\@mkboth\@gobbletwo\begin{thebibliography}{#1}}
  {\end{thebibliography}}
\makeatother
"""


class citation_list_placeholder(nodes.Element):
    """Where a run of citations stood; holds them while Sphinx's transform runs."""


def citation_runs(parent: nodes.Element) -> list[list[nodes.citation]]:
    runs, run = [], []
    for child in parent.children:
        if isinstance(child, nodes.citation):
            run.append(child)
        elif run:
            runs.append(run)
            run = []
    return runs + [run] if run else runs


class LiftCitationLists(SphinxPostTransform):
    default_priority = 740  # before Sphinx's BibliographyTransform (750)
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        parents = {id(c.parent): c.parent for c in self.document.findall(nodes.citation)}
        for parent in parents.values():
            for citations in citation_runs(parent):
                placeholder = citation_list_placeholder()
                placeholder.citations = citations
                parent.insert(parent.index(citations[0]), placeholder)
                for citation in citations:
                    parent.remove(citation)


class RestoreCitationLists(SphinxPostTransform):
    default_priority = 760  # after Sphinx's BibliographyTransform (750)
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for placeholder in list(self.document.findall(citation_list_placeholder)):
            placeholder.replace_self(thebibliography("", *placeholder.citations))


def setup(app: Sphinx) -> dict:
    app.add_node(citation_list_placeholder)
    app.add_post_transform(LiftCitationLists)
    app.add_post_transform(RestoreCitationLists)
    preamble = app.config.latex_elements.get("preamble", "")
    app.config.latex_elements["preamble"] = preamble + LATEX_PREAMBLE
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
