"""On the complete reference list, say which pages cite each work.

Each entry of a ``{bibliography}`` with ``:all:`` gets a "Cited in:" line of
links to the pages that cite it, in the order of the table of contents, so a
reader can go from a source to the pages that rely on it.  When who cites what
changes, exact_rebuilds.py writes every page again, this list's page included.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform


class AddCitedIn(SphinxPostTransform):
    # After sphinxcontrib-bibtex fills in its lists (5), before links resolve (10).
    default_priority = 6

    def run(self, **kwargs) -> None:
        domain = self.env.get_domain("cite")
        ids = {node_id: node for node in self.document.findall(nodes.list_item)
               for node_id in node["ids"]}
        if not ids:
            return
        reading_order = [self.config.root_doc, *self.env.toctree_includes.get(
            self.config.root_doc, [])]
        for citation in domain.citations:
            item = ids.get(citation.citation_id)
            bibliography = domain.bibliographies.get(citation.bibliography_key)
            if item is None or bibliography is None or not bibliography.list_ == "bullet":
                continue
            citing = {ref.docname for ref in domain.citation_refs
                      if citation.key in {target.key for target in ref.targets}}
            if not citing:
                continue
            para = nodes.paragraph(classes=["cited-in"])
            para += nodes.Text("Cited in: ")
            ordered = sorted(citing, key=lambda d: reading_order.index(d)
                             if d in reading_order else len(reading_order))
            for index, docname in enumerate(ordered):
                if index:
                    para += nodes.Text("; ")
                para += addnodes.pending_xref(
                    "", nodes.inline(text=self.env.titles[docname].astext()),
                    refdomain="std", reftype="doc", reftarget="/" + docname,
                    refexplicit=True, refdoc=citation.bibliography_key.docname)
            item += para



def setup(app: Sphinx) -> dict:
    app.add_post_transform(AddCitedIn)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
