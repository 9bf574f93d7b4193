"""Leave out translations.js, which English pages do not need and the site's
Content-Security-Policy would refuse.

With ``language = "en_GB"`` Sphinx adds ``translations.js`` to every page: a
catalogue mapping Sphinx's own interface strings to British English, the same
words.  Two reasons to drop it, not only the request it costs:

- it builds its plural rule with ``new Function(...)``, which the site's CSP
  (content_policy.py: no 'unsafe-eval') blocks, so every page would log an
  error, and the browser tests fail on page errors;
- its catalogue has an empty entry for the search's "found N pages" string,
  which blanks Sphinx's result count.

Sphinx's scripts fall back to the original English string without it.
Remove this module if Sphinx stops shipping a catalogue for en_GB.
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
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "2"}
