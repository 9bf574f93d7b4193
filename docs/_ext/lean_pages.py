"""Leave out a script English pages do not need.

With ``language = "en_GB"`` Sphinx adds ``translations.js`` to every page: a
catalogue that maps Sphinx's own English interface strings to British English,
which are the same words.  Sphinx's scripts fall back to the original string
without it, so readers lose nothing and save a request (about 1 KiB gzip) on
every first view.  benchmarks/run.py measures the page weight.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def drop_translations(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if app.config.language.startswith("en") and "script_files" in context:
        context["script_files"] = [
            script for script in context["script_files"]
            if not getattr(script, "filename", str(script)).endswith("translations.js")]


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", drop_translations)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
