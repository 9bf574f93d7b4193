"""Leave out Sphinx's scripts that a page does not need.

``translations.js``, on every page: with ``language = "en_GB"`` Sphinx adds a
catalogue mapping its own interface strings to British English, the same words.
Two reasons to drop it, not only the request it costs:

- it builds its plural rule with ``new Function(...)``, which the site's CSP
  (content_policy.py: no 'unsafe-eval') blocks, so every page would log an
  error, and the browser tests fail on page errors;
- its catalogue has an empty entry for the search's "found N pages" string,
  which blanks Sphinx's result count.

Sphinx's scripts fall back to the original English string without it.
Remove that part if Sphinx stops shipping a catalogue for en_GB.

``doctools.js``, ``sphinx_highlight.js`` and ``documentation_options.js``, on
every page but the search page (whose searchtools.js needs them): about 3.7 KiB
gzip and 3 requests of an article's first view (issue 18), for two things.
Sphinx's "/" shortcut to the search field, which _static/handbook.js gives
itself; and highlighting the words a reader searched for, which only happens
when the address carries ``?highlight=`` (or terms are stored for it), so
handbook.js loads the three scripts then.  ``documentation_options.js`` stays
where sphinx-copybutton's script, which reads it, is loaded.  On the website
the scripts left out are written into an inert ``<template>``
(``handbook_highlight_scripts``, _templates/page.html), so handbook.js loads
exactly those, at the addresses Sphinx gives them, with the ``?v=`` that makes
a browser fetch a changed script afresh.
"""

from __future__ import annotations

import posixpath

from sphinx.application import Sphinx

SEARCH_ONLY = {"doctools.js", "sphinx_highlight.js", "documentation_options.js"}
# sphinx-copybutton's script reads DOCUMENTATION_OPTIONS.
COPYBUTTON = ("copybutton.js", "documentation_options.js")


def name_of(script) -> str:
    return posixpath.basename(str(getattr(script, "filename", script)))


def drop_unneeded_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if "script_files" not in context:
        return
    scripts = context["script_files"]
    names = {name_of(script) for script in scripts}
    # The search page's template loads searchtools.js itself, not through script_files.
    unneeded = set() if templatename == "search.html" else set(SEARCH_ONLY)
    if COPYBUTTON[0] in names:
        unneeded.discard(COPYBUTTON[1])
    if app.config.language.startswith("en"):
        unneeded.add("translations.js")
    # A new list: the builder's own list holds the scripts of the pages to come.
    context["script_files"] = [script for script in scripts
                               if name_of(script) not in unneeded]
    if app.builder.name == "html":  # an e-reader has no search to highlight
        context["handbook_highlight_scripts"] = [
            script for script in scripts if name_of(script) in unneeded & SEARCH_ONLY]


def setup(app: Sphinx) -> dict:
    # After code_assets.py (priority 500), which drops copybutton.js from pages without code.
    app.connect("html-page-context", drop_unneeded_scripts, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "4"}
