"""``{article-list}``: every article, each with its summary.

The articles are the pages in the list page's folder, in the order of the home
page's toctree (the one place a new article is added).  With ``:group: CAPTION``
the list holds only the articles of the home page's toctree with that caption,
so the index can follow the home page's grouping without repeating it.  The summary is the
``summary`` field of the article's own front matter, so it is written once.
The list is filled in while the page is written; exact_rebuilds.py writes it
again whenever a title or front matter changes, and a new, removed or
re-ordered article makes Sphinx read it again.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)


class article_list(nodes.General, nodes.Element):
    """Placeholder, filled in once every page has been read."""


class ArticleListDirective(SphinxDirective):
    has_content = False
    option_spec = {"group": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        node = article_list(docname=self.env.docname, group=self.options.get("group"))
        self.set_source_info(node)
        list_pages(self.env).add(self.env.docname)
        return [node]


def list_pages(env) -> set[str]:
    if not hasattr(env, "handbook_article_list_pages"):
        env.handbook_article_list_pages = set()
    return env.handbook_article_list_pages


def reread_lists_on_new_articles(app: Sphinx, env, added, changed, removed) -> list[str]:
    """An article added or removed, or the home page's toctree edited, changes the
    list even though no file the list page depends on changed."""
    touched = set(added) | set(removed) | ({app.config.root_doc} & set(changed))
    if not touched:
        return []
    return sorted(page for page in list_pages(env)
                  if page not in removed
                  and (app.config.root_doc in touched
                       or any(d.startswith(page.rpartition("/")[0] + "/") for d in touched)))


def forget_page(app: Sphinx, env, docname: str) -> None:
    list_pages(env).discard(docname)


def merge_pages(app: Sphinx, env, docnames, other) -> None:
    list_pages(env).update(list_pages(other) & set(docnames))


def folder_articles(env, config, list_docname: str) -> list[str]:
    """The articles a list page shows: the pages in its folder, in the home page's
    toctree order.  The print view makes a leaflet of each."""
    folder = list_docname.rpartition("/")[0] + "/"
    root_toctree = env.toctree_includes.get(config.root_doc, [])
    return [d for d in root_toctree if d.startswith(folder) and d != list_docname]


class FillArticleLists(SphinxPostTransform):
    default_priority = 5  # before cross-references are resolved (10)

    def run(self, **kwargs) -> None:
        for placeholder in list(self.document.findall(article_list)):
            # The page that holds the list (in the PDF, self.env.docname is the book's root).
            docname = placeholder["docname"]
            items = nodes.bullet_list(classes=["article-list"])
            folder = docname.rpartition("/")[0] + "/"
            root_toctree = self.toctree_entries(placeholder)
            for article in [d for d in root_toctree if d.startswith(folder) and d != docname]:
                summary = self.env.metadata.get(article, {}).get("summary", "")
                title = self.env.titles[article].astext()
                xref = addnodes.pending_xref(
                    "", nodes.inline(text=title), refdomain="std", reftype="doc",
                    reftarget="/" + article, refexplicit=True, refdoc=docname)
                para = nodes.paragraph("", "", nodes.strong("", "", xref))
                item = nodes.list_item("", para)
                if summary:
                    item += nodes.paragraph(text=str(summary))
                items += item
            placeholder.replace_self(items)

    def toctree_entries(self, placeholder) -> list[str]:
        """The home page's toctree entries, or those under the caption named by :group:."""
        group = placeholder.get("group")
        if not group:
            return self.env.toctree_includes.get(self.config.root_doc, [])
        root = self.env.get_doctree(self.config.root_doc)
        for toctree in root.findall(addnodes.toctree):
            if toctree.get("caption") == group:
                return [docname for _title, docname in toctree["entries"]]
        logger.warning("article-list: the home page has no toctree with the caption %r", group,
                       location=placeholder)
        return []


def setup(app: Sphinx) -> dict:
    app.add_node(article_list)
    app.add_directive("article-list", ArticleListDirective)
    app.add_post_transform(FillArticleLists)
    app.connect("env-get-outdated", reread_lists_on_new_articles)
    app.connect("env-purge-doc", forget_page)
    app.connect("env-merge-info", merge_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1",
            "env_version": 1}
