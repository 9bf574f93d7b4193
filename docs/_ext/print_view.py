"""The print view: the handbook and one leaflet per article, as HTML made for paper.

The ``print`` builder writes the same pages the website shows, through the
handbook's own print templates (``_templates/print/``) and ``_static/print.css``
rather than furo's screen layout:

- ``handbook.html``: title page, the urgent-help card, contents, then every page
  of the home page's toctree as a chapter (the home page's own text first, as
  the introduction), in toctree order.  ``print_exclude`` names pages left out
  (the contributors' guide).
- ``leaflets/SLUG.html``: one article with the urgent-help card, for each page
  the articles list shows.

scripts/build.py prints both with WeasyPrint (scripts/print_pdf.py).  Links
between chapters stay inside the book, so CSS can print "(page N)" after them;
links to a page the output does not hold become the page's web address, which
the print CSS prints after the link text.  Glossary terms in a leaflet are plain
text: the leaflet has no glossary.

Also here, for every builder: a page with two top-level (``#``) titles fails
the build, since each page is one chapter with one title.
"""

from __future__ import annotations

import html
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

from article_index import folder_articles
from docutils import nodes
from markupsafe import Markup
from page_kinds import ARTICLE_LIST, URGENT_HELP
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.osutil import relative_uri
from urgent_help import load as load_urgent_help
from urgent_help import site_name

logger = logging.getLogger(__name__)

PRINT_CSS = Path(__file__).resolve().parent.parent / "_print" / "print.css"
BOOK_PAGE = "handbook"
# Characters of the 9 pt page head that fit the 140 mm measure with room to spare.
RUNNING_HEAD_LIMIT = 70
LEAFLET_FOLDER = "leaflets"
# Content that only makes sense on screen carries this class (see cite_page).
NOT_IN_PRINT = "not-in-print"
# The id of a leaflet's own urgent-help card (_templates/print/leaflet.html):
# a leaflet's links to the Urgent help page lead there.
LEAFLET_CARD = "urgent-help-card"


def anchor(docname: str, target: str = "") -> str:
    """An id unique in the whole book: the page's own ids repeat across pages."""
    base = "p-" + docname.replace("/", "-")
    return f"{base}--{target}" if target else base


def is_print_template(name: str | None) -> bool:
    """Autoescape these templates only: the same environment renders the theme's
    static ``_t`` files (scripts and style sheets), which must stay as written."""
    return (name or "").startswith("print/")


def web_address(config, docname: str) -> str:
    return config.html_baseurl.rstrip("/") + "/" + docname + ".html"


class PrintBuilder(SingleFileHTMLBuilder):
    """Writes the print view of the book and of each article (see the module's docstring)."""

    name = "print"
    epilog = "The print view is in %(outdir)s; scripts/build.py prints it."
    search = False

    # The pages the output being written holds; links to others leave it.
    held: set[str] = set()
    # Section ids merged into the section's first id, for links to follow.
    aliases: dict[str, str] = {}
    # Set while writing a leaflet: links to the Urgent help page lead to the
    # leaflet's own card, which a reader holds, not to the handbook.
    card_in_hand = False

    def init_templates(self) -> None:
        super().init_templates()
        # Escape every value the print templates write, as the website's do:
        # page titles, file names and the urgent-help data come from
        # contributors, and one unescaped tier id rewrote the helpline card.
        # The chapters' HTML is marked as such (write_print_page).
        self.templates.environment.autoescape = is_print_template

    def get_theme_config(self):
        # The print templates stand alone; furo's options do not apply.
        return "basic", {}

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        if docname in self.held:
            return "#" + anchor(docname)
        if docname in self.env.all_docs:
            return web_address(self.config, docname)
        return docname + self.out_suffix

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        return self.get_target_uri(to, typ)

    def chapters(self) -> list[str]:
        """The pages of the book, in reading order: the home page, then its toctree."""
        order, seen = [], set()

        def walk(docname: str) -> None:
            if docname in seen or docname in self.config.print_exclude:
                return
            seen.add(docname)
            order.append(docname)
            for child in self.env.toctree_includes.get(docname, []):
                walk(child)

        walk(self.config.root_doc)
        return order

    def chapter(self, docname: str) -> nodes.document:
        """One page, resolved against the pages this output holds, with unique ids."""
        tree = self.env.get_doctree(docname)
        for toctree in list(tree.findall(addnodes.toctree)):
            # The contents page lists the chapters; the toctree's wrapper goes too.
            wrapper = toctree.parent
            if isinstance(wrapper, nodes.compound) and len(wrapper) == 1:
                wrapper.parent.remove(wrapper)
            else:
                toctree.parent.remove(toctree)
        with fresh_citation_nodes(self.env):
            self.env.resolve_references(tree, docname, self)
        # Extensions may insert shared nodes (reference lists): rename copies only.
        tree = tree.deepcopy()
        for node in list(tree.findall(nodes.Element)):
            if NOT_IN_PRINT in node["classes"]:
                node.parent.remove(node)
            elif "urgent-help-card" in node["classes"]:
                # The print card: tiers as headings, each number once.
                node.replace_self(nodes.raw("", self.print_card(docname), format="html"))
            elif "cited-in" in node["classes"]:
                # An entry of the full reference list (cited_in.py): print.css
                # keeps it whole on one page.
                node.parent["classes"].append("reference-entry")
        for node in tree.findall(nodes.Element):
            node["ids"] = [anchor(docname, i) for i in node["ids"]]
            if "backrefs" in node:
                node["backrefs"] = [anchor(docname, i) for i in node["backrefs"]]
            if node.get("refid"):
                node["refid"] = anchor(docname, node["refid"])
        for ref in tree.findall(nodes.reference):
            if self.card_in_hand:
                self.lead_to_card(ref)
            self.mark_reference(ref)
            if "show-address" in ref["classes"] and ref.get("internal"):
                self.name_handbook_page(ref)
        for citation in list(tree.findall(nodes.inline)):
            move_bracket_out(citation)
        top = next(iter(tree.findall(nodes.section)))
        top["ids"].insert(0, anchor(docname))
        top["classes"].append("chapter")
        # A section's other ids (its label) become empty spans before its
        # heading, which can stay at the foot of a page when the heading moves
        # on: links would give the wrong page.  Keep one id; links follow it.
        for section in tree.findall(nodes.section):
            self.aliases.update({alias: section["ids"][0] for alias in section["ids"][1:]})
            section["ids"] = section["ids"][:1]
        return tree

    def follow_aliases(self, tree: nodes.document) -> None:
        for ref in tree.findall(nodes.reference):
            if ref.get("refid") in self.aliases:
                ref["refid"] = self.aliases[ref["refid"]]
            uri = ref.get("refuri", "")
            if uri.startswith("#") and uri[1:] in self.aliases:
                ref["refuri"] = "#" + self.aliases[uri[1:]]

    def chapters_resolved(self, docs: list[str]) -> list[nodes.document]:
        self.held, self.aliases = set(docs), {}
        trees = [self.chapter(docname) for docname in docs]
        for tree in trees:
            self.follow_aliases(tree)
        return trees

    def print_card(self, docname: str) -> str:
        """The urgent-help card as the print templates set it, for a page that holds it."""
        return self.templates.render_string(
            '{% from "print/card.html" import urgent_card with context %}'
            '{{ urgent_card(2, card_id) }}',
            {"urgent_help": load_urgent_help(), "card_id": anchor(docname, "card")})

    def lead_to_card(self, ref: nodes.reference) -> None:
        """A leaflet's link to the Urgent help page (or a part of it) leads to
        the leaflet's card, so it prints "Urgent help (page N)"."""
        page = web_address(self.config, URGENT_HELP)
        if ref.get("refuri", "").partition("#")[0] == page:
            ref["refuri"] = "#" + LEAFLET_CARD

    @staticmethod
    def mark_reference(ref: nodes.reference) -> None:
        """Classes the print CSS keys on: what kind of link, and where it goes."""
        uri = ref.get("refuri", "")
        if uri.startswith("#") and uri.count("#") == 2:
            page, target = uri[1:].split("#")
            ref["refuri"] = "#" + f"{page}--{target}"
        kinds = {c for child in ref.children if isinstance(child, nodes.Element)
                 for c in child["classes"]}
        # WeasyPrint tags a link that wraps a span as a Span holding the link:
        # PDF/UA wants a Link element, so the link holds the text itself.
        for child in list(ref.children):
            if isinstance(child, nodes.inline):
                unwrap(child)
        if "std-term" in kinds:
            ref["classes"].append("term-link")
        elif ref.get("refid") or uri.startswith("#"):
            # sphinxcontrib-bibtex gives a citation the full reference as its title.
            ref["classes"].append("citation-link" if ref.get("reftitle") else "page-link")
        elif uri.startswith(("http://", "https://")) and ref.astext().strip() not in (
                uri, site_name(uri)):
            # A link named by its site ("nhs.uk") keeps its full address as
            # the link's target only.
            ref["classes"].append("show-address")

    def name_handbook_page(self, ref: nodes.reference) -> None:
        """A link to a page of the handbook this output does not hold (a leaflet's
        "See also") prints where the page is, by its title, not its long
        address: "(in the handbook)", or for a page the printed book leaves out,
        "(on the handbook's website)"; with the page's or section's title
        when the link's own text is not that title."""
        page, _, fragment = ref["refuri"].removeprefix(
            self.config.html_baseurl.rstrip("/") + "/").partition("#")
        docname = page.removesuffix(self.out_suffix)
        if docname not in self.env.titles:
            return
        title = self.env.titles[docname].astext()
        labels = self.env.get_domain("std").labels.values()
        title = next((name for doc, label, name in labels
                      if doc == docname and label == fragment and name), title)
        ref["classes"].remove("show-address")
        ref["classes"].append("handbook-link" if docname in self.chapters() else "website-link")
        if ref.astext().strip() != title:
            ref["classes"].append("titled")
            ref["reftitle"] = title

    def body_html(self, tree: nodes.document, docname: str) -> str:
        tree.settings = self.docsettings
        self.secnumbers, self.fignumbers = {}, {}
        self.imgpath = "_images"
        self.dlpath = "_downloads"
        self.current_docname = docname
        visitor = self.create_translator(tree, self)
        tree.walkabout(visitor)
        title = next(iter(tree.findall(nodes.section)))[0].astext()
        head = html.escape(running_head(title))
        # Links to the chapter land on its title, not its section, and the
        # title names the page head (print.css): WeasyPrint places a section
        # that starts a new page at the foot of the page before, so
        # target-counter() gave the page before the chapter.
        return re.sub(r'<section ([^>]*?) id="([^"]+)">(\s*)<h1>',
                      lambda m: f'<section {m[1]}>{m[3]}<h1 id="{m[2]}" '
                                f'data-running-head="{head}">',
                      "".join(visitor.fragment), count=1)

    def book(self) -> None:
        docs = self.chapters()
        parts, contents = [], []
        for docname, tree in zip(docs, self.chapters_resolved(docs), strict=True):
            top = next(iter(tree.findall(nodes.section)))
            if docname == self.config.root_doc:
                # The title page carries the handbook's title: its text opens the book.
                top[0].children = [nodes.Text(_("Introduction"))]
            entry = {"title": top[0].astext(), "anchor": anchor(docname), "sections": []}
            if docname in self.config.print_contents_sections:
                entry["sections"] = [
                    {"title": s[0].astext(), "anchor": s["ids"][0]}
                    for s in top.children if isinstance(s, nodes.section)]
            contents.append(entry)
            parts.append(self.body_html(tree, docname))
        self.write_print_page(BOOK_PAGE, "print/book.html",
                              {"body": "\n".join(parts), "contents": contents})

    def leaflets(self) -> None:
        for docname in folder_articles(self.env, self.config, self.config.print_leaflets_from):
            self.card_in_hand = True
            try:
                [tree] = self.chapters_resolved([docname])
            finally:
                self.card_in_hand = False
            for ref in list(tree.findall(nodes.reference)):
                if "term-link" in ref["classes"]:
                    unwrap(ref)
            slug = docname.rpartition("/")[2]
            self.write_print_page(f"{LEAFLET_FOLDER}/{slug}", "print/leaflet.html", {
                "body": self.body_html(tree, docname),
                "leaflet_title": self.env.titles[docname].astext(),
                "summary": self.env.metadata[docname].get("summary", ""),
            })

    def write_print_page(self, pagename: str, template: str, context: dict) -> None:
        # The body is HTML the translator wrote from the checked doctrees.
        context = {**context, "body": Markup(context["body"])}
        outfile = Path(self.outdir, pagename + self.out_suffix)
        outfile.parent.mkdir(parents=True, exist_ok=True)
        self.handle_page(pagename, context, template, outfilename=outfile)

    def write_documents(self, _docnames) -> None:
        self.prepare_writing(self.env.all_docs.keys())
        self.book()
        self.leaflets()

    def finish(self) -> None:
        self.copy_static_files()
        # The print style sheet stays out of html_static_path: the website and
        # the EPUB do not use it.
        shutil.copyfile(PRINT_CSS, Path(self.outdir, "_static", "print.css"))
        self.copy_image_files()
        self.write_buildinfo()


@contextmanager
def fresh_citation_nodes(env):
    """sphinxcontrib-bibtex fills the citation nodes it keeps in the environment
    in place each time a page is resolved: resolving a page twice (for the book,
    then its leaflet) listed every reference twice.  Resolve with copies."""
    kept = [(b.citation_nodes, dict(b.citation_nodes))
            for b in env.get_domain("cite").bibliographies.values()]
    for nodes_by_key, originals in kept:
        nodes_by_key.update({key: node.deepcopy() for key, node in originals.items()})
    try:
        yield
    finally:
        for nodes_by_key, originals in kept:
            nodes_by_key.update(originals)


def running_head(title: str, limit: int = RUNNING_HEAD_LIMIT) -> str:
    """The title, cut at a word with an ellipsis when too long for one line of
    the page head (CSS cannot cut a page-margin box's text)."""
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0].rstrip(",:;") + "…"


def unwrap(node: nodes.Element) -> None:
    """Put NODE's children in its place."""
    parent, index = node.parent, node.parent.index(node)
    parent[index:index + 1] = node.children


def move_bracket_out(citation: nodes.inline) -> None:
    """Put a citation's opening bracket before its span, not inside it.

    WeasyPrint 70 finds no line break before an inline box that starts with
    "(", so it broke the line before (a hyphenated word, a few words into the
    line) and left a short line.
    """
    first = citation.children[0] if citation.children else None
    if ("bibtex-citation" in citation["classes"] and isinstance(first, nodes.Text)
            and first.startswith("(")):
        citation.parent.insert(citation.parent.index(citation), nodes.Text("("))
        citation.replace(first, nodes.Text(first[1:]))


def add_leaflet_link(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """On the website, an article links to its leaflet under its review block,
    when the build has leaflets to publish (scripts/build.py says so)."""
    folder = app.config.print_leaflet_folder
    if app.builder.name != "html" or not folder:
        return
    if docname not in folder_articles(app.env, app.config, app.config.print_leaflets_from):
        return
    slug = docname.rpartition("/")[2]
    uri = relative_uri(app.builder.get_target_uri(docname), f"{folder}/{slug}.pdf")
    link = nodes.paragraph(classes=["leaflet-download"])
    link += nodes.reference("", "Download this article (PDF)", refuri=uri)
    top = next(iter(doctree.findall(nodes.section)))
    review = [n for n in top.children if "review-block" in n.get("classes", [])]
    after = review[0] if review else top[0]
    top.insert(top.index(after) + 1, link)


def add_print_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if app.builder.name != "print":
        return
    config = app.config
    context.update(
        handbook_subtitle=config.handbook_subtitle,
        handbook_edition=config.print_edition,
        handbook_licence=config.print_licence,
        handbook_keywords=config.print_keywords,
        author=config.author,
        build_date=config.today,
        site_url=config.html_baseurl,
        # The address as a reader types it: no "https://", no closing slash.
        site_address=config.html_baseurl.split("://", 1)[-1].rstrip("/"),
    )


def check_one_title(app: Sphinx, doctree: nodes.document) -> None:
    """Each page is one chapter: a second ``#`` title would split it in print."""
    titles = [node for node in doctree.children if isinstance(node, nodes.section)]
    for extra in titles[1:]:
        logger.warning(
            f"a second top-level title '{extra[0].astext()}': a page has one '#' title; "
            "make this a section with '##' [one title]",
            location=extra, type="handbook", subtype="two_titles")


def setup(app: Sphinx) -> dict:
    app.setup_extension("article_index")
    app.add_builder(PrintBuilder)
    app.add_config_value("print_exclude", [], "env")
    app.add_config_value("print_contents_sections", [], "env")
    app.add_config_value("print_leaflets_from", ARTICLE_LIST, "env")
    app.add_config_value("print_edition", "", "env")
    app.add_config_value("print_licence", "", "env")
    app.add_config_value("print_keywords", "", "env")
    # Set by scripts/build.py when it publishes leaflets (the site's folder for them).
    app.add_config_value("print_leaflet_folder", "", "html")
    app.connect("html-page-context", add_print_context)
    app.connect("doctree-resolved", add_leaflet_link)
    app.connect("doctree-read", check_one_title)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
