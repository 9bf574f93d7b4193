"""Meta description and OpenGraph tags for every HTML page.

The description is the page's front matter ``summary``; pages without one
(search, index) get the handbook's subtitle.  OpenGraph tags let a shared link
show a title and description, and name no image or other host: nothing is
loaded from elsewhere.
"""

from __future__ import annotations

import html

import page_kinds
from sphinx.application import Sphinx


def meta_tags(app: Sphinx, pagename: str, title: str) -> str:
    summary = app.env.metadata.get(pagename, {}).get("summary") or app.config.handbook_subtitle
    url = app.config.html_baseurl.rstrip("/") + "/" + app.builder.get_target_uri(pagename)
    tags = [
        ("name", "description", summary),
        ("property", "og:type", page_kinds.kind_of(pagename).og_type),
        ("property", "og:site_name", app.config.project),
        ("property", "og:title", title or app.config.project),
        ("property", "og:description", summary),
        ("property", "og:url", url),
        ("property", "og:locale", "en_GB"),
    ]
    return "".join(f'\n    <meta {kind}="{name}" content="{html.escape(str(value))}" />'
                   for kind, name, value in tags)


def add_meta_tags(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if app.builder.format != "html" or app.builder.name == "epub":
        return
    title = html.unescape(context.get("title", "")) if context.get("title") else ""
    context["metatags"] = context.get("metatags", "") + meta_tags(app, pagename, title)


def setup(app: Sphinx) -> dict:
    app.add_config_value("handbook_subtitle", "", "html")
    app.connect("html-page-context", add_meta_tags)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
