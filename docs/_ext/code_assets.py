"""The assets of code blocks only on pages that have a code block.

sphinx-copybutton adds clipboard.min.js, copybutton.js and copybutton.css to
every page (3 requests, about 7 KiB gzip), and Sphinx adds pygments.css (about
2 KiB gzip), though most of the handbook's pages have no code block.  The copy
buttons go on the elements copybutton's selector (``copybutton_selector``, by
default ``div.highlight pre``) finds, every rule of pygments.css starts with
``.highlight``, and Pygments writes every highlighted block as
``<div class="highlight">``: a page whose body has none gets none of the four.

furo-extensions.css (1 request, about 1.2 KiB gzip) styles the copy buttons in
code blocks, and otherwise only the parts of other extensions (sphinx-design,
sphinx-inline-tabs, Read the Docs' menus and ads) the handbook does not use:
it goes with them.  (Its one rule that matches other pages, on
``[role=main] .container``, zeroes a padding those containers do not have.)
"""

from __future__ import annotations

import posixpath

from sphinx.application import Sphinx

ASSETS = {"clipboard.min.js", "copybutton.js", "copybutton.css", "pygments.css",
          "furo-extensions.css"}
COPYABLE = '<div class="highlight">'


def drop_unused_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if COPYABLE in context.get("body", ""):
        return
    # New lists: the builder's own lists hold the assets of the pages to come.
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key]
                            if posixpath.basename(str(getattr(asset, "filename", asset)))
                            not in ASSETS]


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", drop_unused_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
