"""A "Cite this page" section, APA-style text and BibTeX, on every citable page
(the articles: ``page_kinds``) of the website; the PDF and the EPUB leave it out.

Both are plain preformatted blocks, not highlighted code: Pygments would wrap
them in ``<div class="highlight">``, and then every article would load
sphinx-copybutton and pygments.css (code_assets.py), 4 requests and about
9 KiB gzip, for two buttons.  ``_static/handbook.js`` gives each block a copy
button of its own, named by the block's caption ("APA citation", "BibTeX"):
"Copy APA citation".  The year
and "last reviewed" date come from the page's front matter (read by
page_review), the address from ``html_baseurl``.
"""

from __future__ import annotations

import html_accessibility
import page_kinds
from docutils import nodes
from page_review import FrontMatterError, british_date, parse_review
from sphinx.application import Sphinx


def citation_texts(title: str, url: str, review, config) -> tuple[str, str]:
    handbook = config.project
    year = review.last_reviewed.year
    # APA ends the title with a full stop, unless it ends with its own mark.
    title_end = "" if title.endswith(("?", "!", ".")) else "."
    apa = (f"{config.author}. ({year}). {title}{title_end} In {handbook} "
           f"(version {config.release}). {url}")
    key = "handbook-" + url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
    bibtex = "\n".join([
        f"@misc{{{key},",
        f"  author       = {{{{{config.author}}}}},",
        f"  title        = {{{title}}},",
        f"  howpublished = {{{handbook}, version {config.release}}},",
        f"  year         = {{{year}}},",
        f"  url          = {{{url}}},",
        f"  note         = {{Last checked by the editors {british_date(review.last_reviewed)}}}",
        "}",
    ])
    return apa, bibtex


def captioned_block(caption: str, text: str, css_class: str,
                    wrap: bool = False) -> nodes.container:
    """A preformatted block with a caption, as the ``code-block`` directive's
    ``:caption:`` makes.  The caption's "¶" link needs an id to point at: the
    block's class.  WRAP: the lines wrap, so the block never scrolls (and takes
    no focus: html_accessibility)."""
    wrapper = nodes.container("", literal_block=True, ids=[css_class],
                              classes=["literal-block-wrapper", "cite-page-block"])
    wrapper += nodes.caption(caption, caption)
    # Sphinx highlights a literal block only when its source is its text (a
    # parsed-literal's is not); with none, it writes a plain <pre>.
    classes = [css_class] + ([html_accessibility.WRAP_LINES] if wrap else [])
    wrapper += nodes.literal_block("", text, classes=classes)
    return wrapper


def add_cite_this_page(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    # Not in the e-book: citation formats are jargon to a patient and too wide for
    # a phone.  Left out when the page is read, not when written, so the e-book's
    # contents (collected from the read pages) has no entry for it either.
    if not page_kinds.kind_of(docname).citable or app.builder.name == "epub":
        return
    try:
        review = parse_review(app.env.metadata.get(docname, {}))
    except FrontMatterError:
        return  # page_review reports the problem
    page = next(iter(doctree.findall(nodes.section)), None)
    if page is None:
        return
    title = page[0].astext()
    url = app.config.html_baseurl.rstrip("/") + "/" + docname + ".html"
    apa, bibtex = citation_texts(title, url, review, app.config)

    # Screen only: a printed page cannot be copied (print_view leaves it out).
    section = nodes.section(ids=["cite-this-page"], names=["cite this page"],
                            classes=["not-in-print"])
    section += nodes.title(text="Cite this page")
    section += nodes.paragraph(text="To cite this page, copy one of these:")
    # One long line: wrapped, so all of it shows at any width.
    section += captioned_block("APA citation", apa, "cite-apa", wrap=True)
    section += captioned_block("BibTeX", bibtex, "cite-bibtex")
    # Before the page's own reference list, which ends the page.
    references = [s for s in page.findall(nodes.section) if s[0].astext() == "References"]
    if references:
        page.insert(page.index(references[-1]), section)
    else:
        page += section


def setup(app: Sphinx) -> dict:
    app.setup_extension("page_review")
    # Before Sphinx's own doctree-read handlers (priority 500), so that the table of
    # contents ("On this page") collected from the page includes the new section.
    # MyST has put the front matter into env.metadata while parsing.
    app.connect("doctree-read", add_cite_this_page, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
