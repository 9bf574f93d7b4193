"""Accessible markup where Sphinx and docutils write it.

axe-core (tests/test_browser.py, on every page) finds these faults in the stock
markup.  Each is mended where the markup is made, while the page is written, so
parallel builds (-j) get them too; nothing rewrites a written file.  The faults
in furo's own page template are mended in _templates/page.html.

- Sphinx's HTML5Translator.visit_title writes a toctree caption as
  ``<p class="caption" role="heading">`` with no level, which ARIA requires:
  give it level 2.  Can go when Sphinx sets aria-level there.
- docutils' visit_citation marks reference-list entries ``role="doc-biblioentry"``
  (deprecated in ARIA 1.2) inside a ``role="list"``: make them list items.
  Can go when docutils stops writing doc-biblioentry.
- Pygments (through Sphinx's visit_literal_block) and docutils write code
  blocks as ``<pre>`` that scroll sideways but cannot take keyboard focus:
  make them focusable, as a region named by the block's caption (a keyboard
  user must hear what they landed on).  A block with the class ``wrap-lines``
  wraps its lines (handbook.css) so never scrolls: it stays out of the Tab
  order.  Decided here, not in a script on resize: whether a block of kept
  lines scrolls depends on the width, and a stop that is sometimes there
  serves no one.  Can go when Sphinx adds tabindex to scrolling blocks.
- docutils' HTML5 writer adds a viewport ``<meta>``, which Sphinx passes on
  beside furo's own, so every page had two: drop docutils'.
- docutils' depart_label links back to each citation of a reference cited more
  than once with a bare "1", "2": name each link for where it goes ("Back to
  citation 1 of 2 in the text"), keeping the visible number in the name (WCAG
  2.5.3).  Can go when docutils names its backlinks.
- furo's WrapTableAndMathInAContainerTransform copies a table's id onto the
  ``<div class="table-wrapper">`` it adds, so the id appears twice (invalid
  HTML): keep it on the table, where links to it land.  Can go when furo stops
  copying the id.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.html5 import HTML5Translator

# The EPUB's pages get the same markup (epub_accessibility relies on it).
BUILDERS = ("html", "dirhtml", "epub")
# A literal block's class: its lines wrap (handbook.css), so it never scrolls.
WRAP_LINES = "wrap-lines"


def caption_id(node: nodes.Element) -> str | None:
    """The id of the caption of NODE's code-block wrapper (NODE: the block or
    the caption), if the block has a caption."""
    wrapper = node.parent
    if (isinstance(wrapper, nodes.container) and wrapper.get("literal_block")
            and wrapper["ids"] and isinstance(wrapper[0], nodes.caption)):
        return wrapper["ids"][0] + "-caption"
    return None


class AccessibleHTMLTranslator(HTML5Translator):
    def __init__(self, document, builder) -> None:
        super().__init__(document, builder)
        self.meta = [tag for tag in self.meta if 'name="viewport"' not in tag]

    def scrolling_block(self, node: nodes.literal_block) -> dict[str, str]:
        """The attributes of a code block's <pre>: a named, focusable region."""
        if WRAP_LINES in node["classes"]:
            return {}
        caption = caption_id(node)
        if caption:
            return {"tabindex": "0", "role": "region", "aria-labelledby": caption}
        # Numbered, so that each region's name is its own (axe: landmark-unique).
        unnamed = [block for block in self.document.findall(nodes.literal_block)
                   if WRAP_LINES not in block["classes"] and not caption_id(block)]
        return {"tabindex": "0", "role": "region",
                "aria-label": f"Code example {unnamed.index(node) + 1}"}

    def visit_title(self, node: nodes.title) -> None:
        if isinstance(node.parent, addnodes.compact_paragraph) and node.parent.get("toctree"):
            self.body.append(self.starttag(node, "p", "", CLASS="caption", ROLE="heading",
                                           **{"aria-level": "2"}))
            self.body.append('<span class="caption-text">')
            self.context.append("</span></p>\n")
            self.add_secnumber(node)
            self.add_fignumber(node.parent)
        else:
            super().visit_title(node)

    def visit_citation(self, node: nodes.citation) -> None:
        # docutils' visit_citation, with role="listitem".
        if not isinstance(node.previous_sibling(), type(node)):
            self.body.append('<div role="list" class="citation-list">\n')
        self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))

    def starttag(self, node, tagname: str, suffix: str = "\n", empty: bool = False,
                 **attributes) -> str:
        # docutils' literal blocks and parsed literals open with starttag("pre").
        if tagname == "pre" and isinstance(node, nodes.literal_block):
            attributes = {**self.scrolling_block(node), **attributes}
        # The caption's text, which names its block (Sphinx's visit_caption).
        if tagname == "span" and isinstance(node, nodes.caption) and caption_id(node):
            attributes.setdefault("ids", [caption_id(node)])
        return super().starttag(node, tagname, suffix, empty, **attributes)

    def visit_literal_block(self, node: nodes.literal_block) -> None:
        # Highlighted code comes from Pygments as one string opening "<pre>"
        # (an unhighlighted block's <pre> gets them in starttag).
        start = len(self.body)
        pre = "".join(f' {name}="{value}"' for name, value in self.scrolling_block(node).items())
        try:
            super().visit_literal_block(node)
        finally:
            self.body[start:] = [chunk.replace("<pre>", f"<pre{pre}>", 1)
                                 for chunk in self.body[start:]]

    def depart_label(self, node: nodes.label) -> None:
        backrefs = node.parent.get("backrefs", []) if self.settings.footnote_backlinks else []
        if len(backrefs) <= 1:
            super().depart_label(node)
            return
        self.body.append('<span class="fn-bracket">]</span></span>\n')
        links = [f'<a role="doc-backlink" href="#{ref}" aria-label="Back to citation '
                 f'{number} of {len(backrefs)} in the text">{number}</a>'
                 for number, ref in enumerate(backrefs, 1)]
        self.body.append(f'<span class="backrefs">({",".join(links)})</span>\n')


class KeepTableIdOnTable(SphinxPostTransform):
    # After furo's wrapper (priority 500).
    default_priority = 510
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for wrapper in self.document.findall(nodes.container):
            if "table-wrapper" in wrapper["classes"] and len(wrapper) == 1 \
                    and wrapper[0]["ids"] == wrapper["ids"]:
                wrapper["ids"] = []


def setup(app: Sphinx) -> dict:
    for builder in BUILDERS:
        app.set_translator(builder, AccessibleHTMLTranslator)
    app.add_post_transform(KeepTableIdOnTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "2"}
