"""furo's site navigation, rendered once per folder in a build instead of once per page.

furo puts the whole site's table of contents into every page: for each page it
asks Sphinx for the global toctree (Sphinx copies and renders every entry) and
re-parses that HTML with BeautifulSoup to add its expand/collapse checkboxes
(furo/__init__.py ``_compute_navigation_tree``).  At 300 articles that was 61 %
of a clean build, and it grows with pages x pages.

Yet the tree differs between two pages of one folder only in where "you are
here" is marked (links are relative, so they differ between folders).  So:

1. Before furo's handler, this module hands furo, in place of the page's
   toctree, the tree as a page of the same folder that is in no toctree sees
   it: nothing marked.  Rendered once per folder; furo's own lru_cache on
   ``get_navigation_tree`` then parses it once per folder too.
2. After furo's handler, it marks the current page in furo's result, as Sphinx
   (``_toctree_add_classes``) and furo (``get_navigation_tree``) would: the
   page's link gets ``class="current ..."`` and ``href="#"``, each enclosing
   ``<ul>`` and ``<li>`` the class ``current``, each enclosing branch's checkbox
   ``checked``, and the page's own ``<li>`` ``current-page``.

The rendered trees, and furo's parse of each, are kept for the next build
(in the doctrees folder) while what they are made from is unchanged
(exact_rebuilds.py's digest), so an edit to one page's text renders none.

A page that appears in the tree more than once, or whose link is not found
where expected, gets furo's own uncached computation, so the result is never
a guess.  tests/test_same_output.py builds a generated handbook with and
without this module (``navigation_cache = False``) and compares every page
byte for byte, so a furo or Sphinx upgrade that changes the markup fails
there.  It can go when furo stops rendering the whole tree for each page.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

import exact_rebuilds
from sphinx.application import Sphinx
from sphinx.environment.adapters.toctree import global_toctree_for_doc

# The arguments furo passes to the page's toctree() for its navigation.
FURO_NAVIGATION = {"collapse": False, "titles_only": True, "maxdepth": -1,
                   "includehidden": True}
# A page name no document can have: a page of the folder that no toctree lists.
UNLISTED = "\x00navigation"
# Context key: this page's toctree call was answered from the cache.
ANSWERED = "handbook_navigation_folder"

TAG = re.compile(r'<(/?)(li|ul|a|input)\b([^>]*)>')
LINK = re.compile(r'<a class="reference internal" href="([^"]*)">')
ITEM = re.compile(r'<li class="(toctree-l\d+)( has-children)?">')
CHECKBOX_CLASS = ' class="toctree-checkbox"'


@dataclass
class Element:
    start: int
    end: int
    checkbox: tuple[int, int] | None = None


@dataclass
class FolderTree:
    """The unmarked navigation of one folder, and where each link sits in it."""

    html: str
    # href -> [(the <a> tag's span, its enclosing <li> and <ul> elements)], in order.
    links: dict[str, list[tuple[tuple[int, int], list[tuple[str, Element]]]]] = field(
        default_factory=dict)

    @classmethod
    def index(cls, html: str) -> FolderTree:
        tree = cls(html)
        open_elements: list[tuple[str, Element]] = []
        for tag in TAG.finditer(html):
            closing, name = tag.group(1), tag.group(2)
            if name in ("li", "ul"):
                if closing:
                    open_elements.pop()
                else:
                    open_elements.append((name, Element(tag.start(), tag.end())))
            elif name == "input" and open_elements and open_elements[-1][0] == "li":
                open_elements[-1][1].checkbox = (tag.start(), tag.end())
            elif name == "a" and not closing and (link := LINK.fullmatch(tag.group(0))):
                tree.links.setdefault(link.group(1), []).append(
                    ((tag.start(), tag.end()), list(open_elements)))
        return tree

    def marked(self, href: str) -> str | None:
        """The tree with the page at HREF marked current, or None if not sure how."""
        found = self.links.get(href, [])
        if len(found) != 1:
            return None
        (link_start, link_end), ancestors = found[0]
        edits = [(link_start, link_end, '<a class="current reference internal" href="#">')]
        items = [element for name, element in ancestors if name == "li"]
        for name, element in ancestors:
            tag = self.html[element.start:element.end]
            if name == "ul":
                if tag != "<ul>":
                    return None
                edits.append((element.start, element.end, '<ul class="current">'))
                continue
            item = ITEM.fullmatch(tag)
            if item is None:
                return None
            classes = [item.group(1), "current"] + (["has-children"] if item.group(2) else [])
            if element is items[-1]:
                classes.append("current-page")
            edits.append((element.start, element.end, f'<li class="{" ".join(classes)}">'))
            if element.checkbox:
                start, end = element.checkbox
                checkbox = self.html[start:end]
                if CHECKBOX_CLASS not in checkbox:
                    return None
                edits.append((start, end, checkbox.replace(
                    CHECKBOX_CLASS, ' checked=""' + CHECKBOX_CLASS, 1)))
        pieces, position = [], 0
        for start, end, replacement in sorted(edits):
            pieces += [self.html[position:start], replacement]
            position = end
        pieces.append(self.html[position:])
        return "".join(pieces)


def kept_trees(app: Sphinx) -> dict[tuple[str, str], str]:
    """This build's rendered trees: Sphinx's by folder ("folder", FOLDER), by page
    for pages with a toctree() of their own, such as the 404 page ("page",
    PAGENAME), and furo's parse of each ("furo", SPHINX_HTML).  At first those
    the last build kept, if what they are made from is unchanged
    (exact_rebuilds' digest of titles, toctrees, templates and code), so an
    edit to one page's text renders and parses no tree."""
    builder = app.builder
    if "handbook_trees" not in builder.__dict__:
        builder.handbook_trees = exact_rebuilds.kept_from_last_build(app, "navigation") or {}
    return builder.handbook_trees


def save_trees(app: Sphinx, exception) -> None:
    trees = app.builder.__dict__.get("handbook_trees")
    if exception is None and trees:
        exact_rebuilds.keep_for_next_build(app, "navigation", trees)


def kept(app: Sphinx, key: tuple[str, str], render) -> str:
    trees = kept_trees(app)
    if key not in trees:
        trees[key] = render()
    return trees[key]


def folder_toctree(app: Sphinx, folder: str) -> str:
    """Sphinx's navigation HTML as an unlisted page of FOLDER receives it."""
    def render():
        node = global_toctree_for_doc(app.env, posixpath.join(folder, UNLISTED), app.builder,
                                      tags=app.builder.tags, **FURO_NAVIGATION)
        return app.builder.render_partial(node)["fragment"]
    return kept(app, ("folder", folder), render)


def answer_own_toctree(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Before furo, after sphinx-notfound-page gave the 404 page its own toctree():
    a page that is not a document keeps its navigation between builds too."""
    if (not app.config.navigation_cache or app.builder.name != "html"
            or "toctree" not in context or pagename in app.env.all_docs
            or hasattr(context["toctree"], "answers_folder")):  # answered by folder already
        return
    own_toctree = context["toctree"]

    def toctree(**kwargs):
        if kwargs != FURO_NAVIGATION:
            return own_toctree(**kwargs)
        return kept(app, ("page", pagename), lambda: own_toctree(**kwargs))

    context["toctree"] = toctree


def keep_furo_parses(app: Sphinx) -> None:
    """furo parses each navigation tree with BeautifulSoup (get_navigation_tree,
    remembered only within one process): keep its answers with the trees."""
    import furo

    parse = furo.get_navigation_tree

    def get_navigation_tree(toctree_html: str) -> str:
        if not app.config.navigation_cache or app.builder.name != "html":
            return parse(toctree_html)
        return kept(app, ("furo", toctree_html), lambda: parse(toctree_html))

    furo.get_navigation_tree = get_navigation_tree


def answer_from_cache(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Before furo: its toctree() call for the navigation gets the folder's tree."""
    # Only the "html" builder: with dirhtml each page is its own folder.
    if not app.config.navigation_cache or app.builder.name != "html" or "toctree" not in context:
        return
    page_toctree = context["toctree"]
    folder = posixpath.dirname(pagename)

    def toctree(**kwargs):
        if kwargs != FURO_NAVIGATION:
            return page_toctree(**kwargs)
        context[ANSWERED] = (folder, page_toctree)
        return folder_toctree(app, folder)

    toctree.answers_folder = folder
    context["toctree"] = toctree


def mark_current_page(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """After furo: mark this page in the folder's tree, as furo would have."""
    answered = context.pop(ANSWERED, None)
    if answered is None:
        return
    folder, page_toctree = answered
    context["toctree"] = page_toctree
    trees = app.builder.__dict__.setdefault("handbook_folder_trees", {})
    furo_html = context["furo_navigation_tree"]
    if trees.get(folder) is None or trees[folder].html != furo_html:
        trees[folder] = FolderTree.index(furo_html)
    builder = app.builder
    href = builder.get_relative_uri(posixpath.join(folder, UNLISTED), pagename)
    marked = trees[folder].marked(href)
    if marked is None and href not in trees[folder].links and not listed(app, pagename):
        return  # in no toctree: nothing to mark, the folder's tree is the page's
    if marked is None:
        from furo.navigation import get_navigation_tree

        marked = get_navigation_tree(page_toctree(**FURO_NAVIGATION))
    context["furo_navigation_tree"] = marked


def listed(app: Sphinx, pagename: str) -> bool:
    return any(pagename in children for children in app.env.toctree_includes.values())


def forget_trees(app: Sphinx, env) -> None:
    # Titles and toctrees may have changed since the last build in this process.
    app.builder.__dict__.pop("handbook_trees", None)
    app.builder.__dict__.pop("handbook_folder_trees", None)


def setup(app: Sphinx) -> dict:
    # False gives furo's own per-page computation (the tests compare the two).
    app.add_config_value("navigation_cache", True, "html", types=[bool])
    app.connect("html-page-context", answer_from_cache, priority=400)
    # sphinx-notfound-page sets the 404 page's toctree() at priority 400; furo reads it at 500.
    app.connect("html-page-context", answer_own_toctree, priority=450)
    app.connect("builder-inited", keep_furo_parses)
    app.connect("html-page-context", mark_current_page, priority=600)
    app.connect("env-updated", forget_trees)
    app.connect("build-finished", save_trees)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
