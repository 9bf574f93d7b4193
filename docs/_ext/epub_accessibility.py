"""The handbook's EPUB builder: an e-book that passes DAISY Ace and shows urgent help.

Sphinx's EPUB 3 builder, with what Ace (tests/test_ebook.py runs it) reports
missing from Sphinx's own files:

- every content document says its language (``lang`` and ``xml:lang``);
- the package file carries the accessibility metadata of EPUB Accessibility
  1.1 (access modes, features, hazards, a summary, conformsTo);
- the navigation document's ``epub:type="toc"`` has its matching ARIA role;
- the urgent-help page comes first in the reading order, and every other page
  starts with a line saying where to get help now;
- pages the page model keeps out of the printed handbook (the contributors'
  guide: ``page_kinds``) are left out of the reading order and the contents;
  Sphinx keeps them in the book as non-linear, so links to them still work;
- each page's body is written by the website's translator
  (html_accessibility: heading levels, list roles, focusable code).

The contents list every chapter because conf.py sets ``epub_tocscope``: the
home page's toctrees are all hidden.
"""

from __future__ import annotations

import html
from pathlib import Path

from page_kinds import URGENT_HELP, kind_of
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder
from urgent_help import notice_contacts

ACCESSIBILITY_METADATA = """\
    <meta property="schema:accessMode">textual</meta>
    <meta property="schema:accessModeSufficient">textual</meta>
    <meta property="schema:accessibilityFeature">structuralNavigation</meta>
    <meta property="schema:accessibilityFeature">tableOfContents</meta>
    <meta property="schema:accessibilityFeature">readingOrder</meta>
    <meta property="schema:accessibilityFeature">alternativeText</meta>
    <meta property="schema:accessibilityHazard">none</meta>
    <meta property="schema:accessibilitySummary">Text only, with headings, lists and \
links marked up for screen readers and a table of contents; the only image is \
the cover, which shows the title; no sound or flashing content.</meta>
    <link rel="dcterms:conformsTo" \
href="http://www.idpf.org/epub/a11y/accessibility-20170105.html#wcag-aa"/>
    <meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>
"""


class AccessibleEpubBuilder(Epub3Builder):
    name = "epub"

    def toc_add_files(self, refnodes: list[dict]) -> None:
        """The urgent-help page (with its sections) first, in the reading order
        and in the tables of contents, which must agree; pages for contributors
        out of both."""
        super().toc_add_files(refnodes)
        refnodes[:] = [r for r in refnodes if kind_of(self.docname_of(r["refuri"])).printed]
        first = self.config.epub_urgent_help_page + self.out_suffix
        start = next((i for i, r in enumerate(refnodes) if r["refuri"] == first), None)
        if start is None:
            return
        end = start + 1
        while end < len(refnodes) and refnodes[end]["level"] > refnodes[start]["level"]:
            end += 1
        block = refnodes[start:end]
        del refnodes[start:end]
        refnodes[:0] = block

    def toc_metadata(self, level: int, navpoints: list) -> dict:
        # toc.ncx's dtb:uid must be the book's identifier (epubcheck NCX-001);
        # Sphinx writes epub_uid there, the XML id that merely names it.
        return {**super().toc_metadata(level, navpoints),
                "uid": html.escape(self.config.epub_identifier)}

    def docname_of(self, refuri: str) -> str:
        return refuri.split("#")[0].removesuffix(self.out_suffix)

    def prepare_writing(self, docnames) -> None:
        super().prepare_writing(docnames)
        # Sphinx's EPUB pages open with epub3.HTML_TAG, which has no lang; Ace
        # wants one on every content document.  Set where the tag is made.
        language = html.escape(self.config.epub_language)
        self.globalcontext["html_tag"] = self.html_tag.replace(
            "<html ", f'<html lang="{language}" xml:lang="{language}" ', 1)

    def build_content(self) -> None:
        super().build_content()
        opf = Path(self.outdir, "content.opf")
        text = opf.read_text(encoding="utf-8")
        text = text.replace("  </metadata>", ACCESSIBILITY_METADATA + "  </metadata>", 1)
        # EPUB 3 names the cover by a property; Sphinx writes only EPUB 2's meta.
        text = text.replace(f'href="{COVER}" media-type="image/png"',
                            f'href="{COVER}" media-type="image/png" properties="cover-image"')
        opf.write_text(text, encoding="utf-8")

    def build_navigation_doc(self) -> None:
        super().build_navigation_doc()
        nav = Path(self.outdir, "nav.xhtml")
        text = nav.read_text(encoding="utf-8")
        nav.write_text(text.replace('<nav epub:type="toc">',
                                    '<nav epub:type="toc" role="doc-toc">'), encoding="utf-8")


def urgent_help_pointer(app: Sphinx, context) -> str:
    """Every chapter says where to get help now (the website's notice, in words)."""
    emergency, urgent, lifeline, support = notice_contacts()
    href = context["pathto"](app.config.epub_urgent_help_page)
    return (f'<p class="urgent-help-pointer"><strong>Need help now?</strong> In the UK call '
            f"{emergency.phone} in an emergency, NHS {urgent.phone} for urgent help "
            f"(in Northern Ireland, Lifeline on {lifeline.phone}), or Samaritans on "
            f"{support.phone} at any time. "
            f'<a href="{href}">Who to contact, in the UK and elsewhere</a></p>\n')


def mend_body(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if app.builder.name != "epub" or "body" not in context:
        return
    if pagename != app.config.epub_urgent_help_page:
        context["body"] = urgent_help_pointer(app, context) + context["body"]


COVER = "_static/cover.png"
COVER_FONTS = Path("/usr/share/fonts/truetype/noto")  # Debian's fonts-noto-core


def write_cover(app: Sphinx) -> list:
    """The e-book's cover (epub_cover in conf.py): the title and subtitle, drawn
    from conf.py's values at build time so the cover never disagrees with them.
    It is the cover image only, not a page, so urgent help stays first to read."""
    if app.builder.name != "epub":
        return []
    from PIL import Image, ImageDraw, ImageFont

    def font(weight: str, size: int):
        path = COVER_FONTS / f"NotoSans-{weight}.ttf"
        return ImageFont.truetype(str(path), size) if path.exists() \
            else ImageFont.load_default(size)

    width, height, margin = 1200, 1800, 120
    cover = Image.new("RGB", (width, height), "#0b3d5c")
    draw = ImageDraw.Draw(cover)
    y = 520
    for text, face, gap in ((app.config.project, font("Bold", 96), 40),
                            (app.config.handbook_subtitle, font("Regular", 48), 24)):
        words, line = text.split(), ""
        for word in words + [None]:
            trial = f"{line} {word}".strip() if word else None
            if word and draw.textlength(trial, font=face) <= width - 2 * margin:
                line = trial
                continue
            draw.text((margin, y), line, font=face, fill="white")
            y += face.size + gap
            line = word or ""
        y += 80
    out = Path(app.outdir) / COVER
    out.parent.mkdir(exist_ok=True)
    cover.save(out)
    return []


def setup(app: Sphinx) -> dict:
    app.connect("html-collect-pages", write_cover)
    app.add_builder(AccessibleEpubBuilder, override=True)
    app.add_config_value("epub_urgent_help_page", URGENT_HELP, "epub")
    app.connect("html-page-context", mend_body)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
