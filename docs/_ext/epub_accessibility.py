"""An EPUB that passes DAISY Ace: the handbook's EPUB builder.

Sphinx's EPUB 3 builder, with what Ace (tests/test_pdf.py runs it) reports
missing from Sphinx's own files:

- every content document says its language (``lang`` and ``xml:lang``);
- the package file carries the accessibility metadata of EPUB Accessibility
  1.1 (access modes, features, hazards, a summary, conformsTo);
- the navigation document's ``epub:type="toc"`` has its matching ARIA role;
- each page's body gets the same mending as the website's pages
  (html_accessibility.mend: heading levels, list roles, focusable code), and
  loses the empty "Footnotes" headings Sphinx leaves.
"""

from __future__ import annotations

import re
from pathlib import Path

from html_accessibility import mend
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder

ACCESSIBILITY_METADATA = """\
    <meta property="schema:accessMode">textual</meta>
    <meta property="schema:accessModeSufficient">textual</meta>
    <meta property="schema:accessibilityFeature">structuralNavigation</meta>
    <meta property="schema:accessibilityFeature">tableOfContents</meta>
    <meta property="schema:accessibilityFeature">readingOrder</meta>
    <meta property="schema:accessibilityFeature">alternativeText</meta>
    <meta property="schema:accessibilityHazard">none</meta>
    <meta property="schema:accessibilitySummary">Text only, with headings, lists and \
links marked up for screen readers and a table of contents; no images, sound or \
flashing content.</meta>
    <link rel="dcterms:conformsTo" \
href="http://www.idpf.org/epub/a11y/accessibility-20170105.html#wcag-aa"/>
    <meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>
"""


class AccessibleEpubBuilder(Epub3Builder):
    name = "epub"

    def build_content(self) -> None:
        language = self.config.epub_language
        for page in Path(self.outdir).rglob("*.xhtml"):
            text = page.read_text(encoding="utf-8")
            with_lang = re.sub(r"<html(?![^>]*\blang=)", f'<html lang="{language}" '
                               f'xml:lang="{language}"', text, count=1)
            if with_lang != text:
                page.write_text(with_lang, encoding="utf-8")
        super().build_content()
        opf = Path(self.outdir, "content.opf")
        text = opf.read_text(encoding="utf-8")
        opf.write_text(text.replace("  </metadata>", ACCESSIBILITY_METADATA + "  </metadata>",
                                    1), encoding="utf-8")

    def build_navigation_doc(self) -> None:
        super().build_navigation_doc()
        nav = Path(self.outdir, "nav.xhtml")
        text = nav.read_text(encoding="utf-8")
        nav.write_text(text.replace('<nav epub:type="toc">',
                                    '<nav epub:type="toc" role="doc-toc">'), encoding="utf-8")


# Sphinx heads the page's footnotes with a rubric even when every external link
# already shows its address (a DOI in a reference list) and no footnote follows.
EMPTY_FOOTNOTES = re.compile(r'<p class="rubric">Footnotes</p>(?!\s*<aside class="footnote-list)')


def mend_body(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if app.builder.name == "epub" and "body" in context:
        context["body"] = EMPTY_FOOTNOTES.sub("", mend(context["body"]))


def setup(app: Sphinx) -> dict:
    app.add_builder(AccessibleEpubBuilder, override=True)
    app.connect("html-page-context", mend_body)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
