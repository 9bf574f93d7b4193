"""An incremental build publishes what a clean build would.

Sphinx re-reads only the pages that changed and, by default, writes only
those.  Whatever is gathered while pages are written then covers only them:
sphinx-sitemap lists only the pages just written, and a link to a label that
another page no longer has is not checked again.  The search index is
rewritten on every build, even one with nothing to do, and Sphinx does not
carry the glossary's index entries over from the last one (nor drop a deleted
page's words from it: the index starts afresh).  Sphinx also leaves
the output of a deleted page in place.  So every build writes every page
(reading stays incremental; writing the handbook's pages takes well under a
second), and the output of a removed page is deleted.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx


def write_every_page(app: Sphinx, env) -> list[str]:
    # Every page is indexed afresh, so the last build's search index has nothing
    # to give; loaded, it keeps a deleted page's words, each with no pages
    # (Sphinx's IndexBuilder.prune), which a clean build's index lacks.
    index = getattr(app.builder, "searchindex_filename", None)
    if index:
        (Path(app.outdir) / index).unlink(missing_ok=True)
    return sorted(env.found_docs)


def delete_removed_pages(app: Sphinx, env, added, changed, removed) -> list[str]:
    outfile = getattr(app.builder, "get_outfilename", None)  # builders with a file per page
    if outfile:
        for docname in removed:
            Path(outfile(docname)).unlink(missing_ok=True)
    return []


def setup(app: Sphinx) -> dict:
    app.connect("env-get-updated", write_every_page)
    app.connect("env-get-outdated", delete_removed_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
