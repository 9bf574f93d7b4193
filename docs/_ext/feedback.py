"""Feedback that protects readers: one notice beside every feedback link.

Reports go to the handbook's issue tracker on GitHub, where anyone can read
them.  A reader of a mental-health handbook may write about their own crisis
there, in public, and wait for a reply that will not come in time.  So every
way to send feedback comes with the same notice, worded in ``NOTICE`` below
and nowhere else:

- under every page, beside "Report a problem with this page" (the website) or
  the feedback address (the EPUB): ``_templates/page.html``, through the
  ``feedback_*`` template values set here;
- beside a page's own feedback paragraph (About, Contributing): the
  ``{feedback}`` directive, which wraps the paragraph and adds the notice;
- at the top of both issue forms in ``.github/ISSUE_TEMPLATE/``, as Markdown:
  tests/test_feedback.py checks that their copy matches ``notice_markdown``.

The per-page link opens the content-correction form with two fields filled in,
the page's web address and its source file: nothing from the browser and
nothing the reader typed.  The About page's ``{{ feedback_link }}`` is set here
too, so every feedback address is written in this module.
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

import page_kinds
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util.docutils import SphinxDirective

# The notice: the text before the link to the Urgent help page, the link's
# text, and the text after it.
NOTICE = (
    "Reports are public on GitHub: anyone can read them. "
    "Please do not include personal or health details. "
    "If you need help now, do not wait for a reply: see ",
    "Urgent help",
    ".",
)
URGENT_HELP_DOC = page_kinds.URGENT_HELP
# The issue form the per-page link opens, and the ids of the fields it fills.
CORRECTION_FORM = "content-correction.yml"
PREFILLED_FIELDS = ("page", "file")


def notice_text() -> str:
    return "".join(NOTICE)


def notice_html(urgent_help_href: str) -> str:
    before, link, after = (html.escape(part) for part in NOTICE)
    return f'{before}<a href="{html.escape(urgent_help_href)}">{link}</a>{after}'


def notice_markdown(site_url: str) -> str:
    """The notice as the issue forms show it, linking to the published page."""
    before, link, after = NOTICE
    return f"{before}[{link}]({site_url.rstrip('/')}/{URGENT_HELP_DOC}.html){after}"


def repository(config) -> str:
    url = config.html_context.get("handbook_repository")
    if not url:
        raise ConfigError("conf.py: html_context needs 'handbook_repository', the address "
                          "of the repository where readers report problems.")
    return url.rstrip("/")


def feedback_address(config) -> str:
    """Where any reader can start a report: GitHub's list of the issue forms."""
    return repository(config) + "/issues/new/choose"


def report_url(config, page_address: str, source_file: str) -> str:
    """The content-correction form, filled in with the page's address and file only."""
    query = urlencode({"template": CORRECTION_FORM,
                       PREFILLED_FIELDS[0]: page_address,
                       PREFILLED_FIELDS[1]: source_file}, safe="/:")
    return f"{repository(config)}/issues/new?{query}"


def notice_paragraph(docname: str) -> nodes.paragraph:
    before, link, after = NOTICE
    para = nodes.paragraph(classes=["feedback-notice"])
    para += nodes.Text(before)
    para += addnodes.pending_xref(
        "", nodes.inline("", link), refdomain="std", reftype="doc",
        reftarget="/" + URGENT_HELP_DOC, refexplicit=True, refwarn=True, refdoc=docname)
    para += nodes.Text(after)
    return para


class FeedbackBlock(SphinxDirective):
    """A page's own feedback paragraph, followed by the notice."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        block = nodes.container(classes=["feedback"])
        self.state.nested_parse(self.content, self.content_offset, block)
        block += notice_paragraph(self.env.docname)
        return [block]


def add_feedback_link(app: Sphinx, config) -> None:
    config.myst_substitutions["feedback_link"] = (
        f"[open an issue on the handbook's repository]({feedback_address(config)})")


def add_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Feedback values for pages written from a source file (not search or 404)."""
    if pagename not in app.env.all_docs:
        return
    context["feedback_notice"] = notice_html(context["pathto"](URGENT_HELP_DOC))
    context["feedback_address"] = feedback_address(app.config)
    if app.builder.name == "html":
        page_address = app.config.html_baseurl.rstrip("/") + "/" + app.builder.get_target_uri(
            pagename)
        source_file = (app.config.html_theme_options.get("source_directory", "")
                       + pagename + context.get("page_source_suffix", ".md"))
        context["feedback_report_url"] = report_url(app.config, page_address, source_file)


def reread_all_when_the_notice_changes(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Every page carries the notice, but no page's file changes when its wording
    does: an incremental build must still rewrite them all."""
    if getattr(env, "handbook_feedback_notice", None) == NOTICE:
        return []
    env.handbook_feedback_notice = NOTICE
    return sorted(set(env.found_docs) - set(removed))


def setup(app: Sphinx) -> dict:
    app.add_directive("feedback", FeedbackBlock)
    app.connect("config-inited", add_feedback_link)
    app.connect("html-page-context", add_page_context)
    app.connect("env-get-outdated", reread_all_when_the_notice_changes)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
