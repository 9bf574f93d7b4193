"""The handbook's own CSS and JavaScript are published without their comments.

The comments in ``_static/`` say why each rule and behaviour is there, for
contributors; a reader's browser does nothing with them.  They were half of
handbook.css and handbook.js once gzipped (about 4 KiB of an article's first
view, issue 18).  No minifier: only comments go, so what runs is the source,
line for line.

- CSS: every comment, but never text inside a quoted string or ``url(...)``.
- JavaScript: a comment that fills whole lines (``// ...`` lines, and
  ``/* ... */`` from a line's start to a line's end).  Comments after code stay:
  telling ``//`` in a string or a regular expression from a comment needs a
  parser.  (A multi-line template string with a line that starts as a comment
  would lose that line: the handbook's scripts have none.)

The files are rewritten in the output folder once the build has passed, after
Sphinx copied them; each page's ``?v=`` still changes whenever the source does.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx

# Kept as they are: quoted strings, and url(...) (an unquoted address may hold "/*").
CSS_COMMENT = re.compile(r"""("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|url\([^)]*\))|/\*.*?\*/""",
                         re.S)
JS_COMMENT_LINES = re.compile(r"^[ \t]*(?://[^\n]*|/\*(?:(?!\*/).)*\*/[ \t]*)\n", re.S | re.M)
BLANK_LINES = re.compile(r"\n[ \t]*(?=\n)")


def lean_css(text: str) -> str:
    return BLANK_LINES.sub("", CSS_COMMENT.sub(lambda match: match[1] or "", text))


def lean_js(text: str) -> str:
    return BLANK_LINES.sub("", JS_COMMENT_LINES.sub("", text))


LEAN = {".css": lean_css, ".js": lean_js}


def publish_lean(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    for entry in app.config.html_static_path:
        folder = Path(app.confdir, entry)
        for source in sorted(folder.rglob("*")):
            if source.suffix in LEAN and source.is_file():
                published = Path(app.outdir, "_static", source.relative_to(folder))
                if published.is_file():
                    published.write_text(LEAN[source.suffix](source.read_text("utf-8")),
                                         "utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", publish_lean)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
