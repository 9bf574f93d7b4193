"""``{article-list}``: every article, each with its summary.

The articles are the pages in the list page's folder, in the order of the home
page's toctree (the one place a new article is added).  The summary is the
``summary`` field of the article's own front matter, so it is written once.
The list page is rebuilt whenever an article in its folder changes.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective


class article_list(nodes.General, nodes.Element):
    """Placeholder, filled in once every page has been read."""


class ArticleListDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        node = article_list(docname=self.env.docname)
        self.set_source_info(node)
        # The list shows other pages' summaries: rebuild this page when they change.
        folder = self.env.doc2path(self.env.docname).parent
        for path in folder.glob("*.md"):
            self.env.note_dependency(str(path))
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
            for article in folder_articles(self.env, self.config, docname):
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


def setup(app: Sphinx) -> dict:
    app.add_node(article_list)
    app.add_directive("article-list", ArticleListDirective)
    app.add_post_transform(FillArticleLists)
    app.connect("env-get-outdated", reread_lists_on_new_articles)
    app.connect("env-purge-doc", forget_page)
    app.connect("env-merge-info", merge_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1",
            "env_version": 1}
