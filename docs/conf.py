"""Sphinx configuration for the Psychotherapy Handbook.

The handbook's identity (title, edition, file names, addresses) is data, in
``_data/handbook.toml``; which pages are articles, FAQ and so on is in
``_ext/page_kinds.py``.  This file only configures Sphinx from them.  Builds are
strict: the Makefile and the tests run ``sphinx-build -n -W --keep-going``, so
any warning fails the build.
"""

import datetime
import html
import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

import handbook_identity  # noqa: E402  (docs/_ext/handbook_identity.py)
import page_kinds  # noqa: E402  (docs/_ext/page_kinds.py)

# Checked: its values reach every page's HTML (handbook_identity's docstring).
HANDBOOK = handbook_identity.load(DOCS / "_data" / "handbook.toml")
SITE_URL = HANDBOOK["site"]
REPOSITORY_URL = HANDBOOK["repository"]

project = HANDBOOK["title"]
author = HANDBOOK["author"]
# furo prints this in every page's footer, after "Copyright ©".
copyright = f"2026, {author}. Text: CC BY-SA 4.0. Code: {HANDBOOK['code_licence']}"
release = version = HANDBOOK["version"]

# The build date printed on the title page.  SOURCE_DATE_EPOCH makes it
# reproducible when set (https://reproducible-builds.org/specs/source-date-epoch/).
_build_time = datetime.datetime.fromtimestamp(
    int(os.environ.get("SOURCE_DATE_EPOCH", datetime.datetime.now().timestamp())),
    tz=datetime.UTC,
)
today = f"{_build_time.day} {_build_time:%B %Y}"

# -- General ---------------------------------------------------------------------

language = "en_GB"
root_doc = "index"
# _ext holds the extensions and their README, which is not a page.
exclude_patterns = ["_build", "_templates", "_ext", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]

# Strict cross-references: every link must resolve (the Makefile also passes -n).
nitpicky = True

extensions = [
    # Local (docs/_ext/), one module per concern
    "content_policy",  # first: what pages may contain (see the module)
    "bib_style",
    "citation_syntax",
    "bibtex_speed",
    "page_review",
    "urgent_help",
    "search_words",
    "search_stemming",
    "feedback",
    "article_index",
    "cite_page",
    "cited_in",
    "page_meta",
    "lean_pages",
    "lean_assets",
    "html_accessibility",
    "navigation_cache",
    "template_cache",
    "fewer_gc_pauses",
    "code_assets",
    "uncited_claims",
    "download_links",
    "exact_rebuilds",
    "print_view",
    "epub_accessibility",
    # Third-party
    "myst_parser",
    "sphinxcontrib.bibtex",
    "sphinx_copybutton",
    "notfound.extension",
    "sphinx_sitemap",
    "sphinx_last_updated_by_git",
]

# -- Page metadata (page_meta) -------------------------------------------------------
handbook_subtitle = HANDBOOK["subtitle"]

# -- MyST ------------------------------------------------------------------------
# colon_fence matters: without it ":::{note}" silently renders as plain text.

myst_enable_extensions = [
    "colon_fence",
    "deflist",
    "substitution",
    "attrs_inline",
    "fieldlist",
]
# Every heading down to level 3 gets a stable anchor, so readers can link to it.
myst_heading_anchors = 3
# Pages write {{ name }} for these, and only these (content_policy refuses any
# other expression).  Values are Markdown: raw HTML in them is refused too.
myst_substitutions = {
    "handbook_title": HANDBOOK["title"],
    "content_licence": HANDBOOK["content_licence"],
    # "feedback_link" is added by docs/_ext/feedback.py, with the feedback notice.
}

# -- Bibliography (sphinxcontrib-bibtex) -----------------------------------------

bibtex_bibfiles = ["references.bib"]
bibtex_reference_style = "author_year_round"
# APA-like entries with author-year labels, from docs/_ext/bib_style.py.
bibtex_default_style = "handbook"
# Each article and FAQ page lists the works it cites, so a work cited on two
# pages appears in two lists.  Since sphinxcontrib-bibtex 2.7.0 a citation links
# to the list on its own page, and a work listed twice on the SAME page is
# reported apart (bibtex.duplicate_local_citation, still an error here).  The
# cross-page case is by design, as upstream advises for per-page lists:
# https://github.com/mcmtroffaes/sphinxcontrib-bibtex/issues/385 (PR #387).
suppress_warnings = ["bibtex.duplicate_citation"]

# -- Copy button (sphinx-copybutton) ----------------------------------------------
# Leave shell prompts out of what the reader copies.
copybutton_prompt_text = r"\$ "
copybutton_prompt_is_regexp = True

# -- 404 page (sphinx-notfound-page) ------------------------------------------------
# The 404 page links to the site with absolute paths, so it works at any depth.
notfound_urls_prefix = "/" + SITE_URL.split("/", 3)[3]
notfound_context = {
    "title": "Page not found",
    "body": (
        "<h1>Page not found</h1>"
        "<p>The page you asked for is not here. It may have moved.</p>"
        # Escaped as well as checked: a second defence for a raw HTML string.
        f'<p>Go to the <a href="{html.escape(SITE_URL)}">home page</a> or '
        f'<a href="{html.escape(SITE_URL)}search.html">search the handbook</a>.</p>'
    ),
}

# -- Sitemap (sphinx-sitemap) ---------------------------------------------------------
sitemap_url_scheme = "{link}"
sitemap_excludes = ["search.html", "genindex.html", "404.html"]

# -- HTML output (furo) ------------------------------------------------------------

html_theme = "furo"
html_title = HANDBOOK["title"]
html_short_title = HANDBOOK["short_title"]
html_static_path = ["_static"]
# "Last updated" comes from each page's git history (sphinx-last-updated-by-git):
# when the file last changed, which is not when it was last clinically reviewed.
html_last_updated_fmt = "%d %B %Y"
# The reStructuredText/Markdown sources are not published: the repository is
# where contributors edit them.
html_copy_source = False
html_show_sourcelink = False
html_baseurl = SITE_URL
html_css_files = ["handbook.css"]
# Keyboard and screen-reader behaviour (drawers, copy buttons, search results).
html_js_files = ["handbook.js"]
html_favicon = "_static/favicon.svg"
html_context = {
    "handbook_repository": REPOSITORY_URL,
    "handbook_pdf": f"{HANDBOOK['downloads_dir']}/{HANDBOOK['filename']}.pdf",
    "handbook_epub": f"{HANDBOOK['downloads_dir']}/{HANDBOOK['filename']}.epub",
}
# furo's sidebar, with the download links after the navigation.
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/downloads.html",
        "sidebar/scroll-end.html",
    ],
}
html_theme_options = {
    # Arrow keys scroll (a focused code block, a zoomed page), never turn the page.
    "navigation_with_keys": False,
    # Any true value shows furo's announcement bar; _templates/page.html fills
    # it with the urgent-help notice from docs/_data/urgent-help.toml.
    "announcement": "urgent-help",
    # "Edit this page" goes to the page's own source file.
    "source_repository": REPOSITORY_URL + "/",
    "source_branch": HANDBOOK["branch"],
    "source_directory": "docs/",
    "top_of_page_buttons": ["edit"],
}

# -- External links (make linkcheck, weekly in CI) --------------------------------------
linkcheck_ignore = [
    # Editing a file and opening an issue need a signed-in GitHub account.
    REPOSITORY_URL + r"/(edit|issues/new)",
    # Telephone and email links are not web pages.
    r"^tel:",
    r"^mailto:",
]
linkcheck_timeout = 30

# -- Print view (print_view; the PDF handbook and leaflets, printed by WeasyPrint) --
# Which pages are left out, and whose sections the contents lists: page_kinds.
_pages = page_kinds.source_pages(DOCS)
print_exclude = [page for page in _pages if not page_kinds.kind_of(page).printed]
print_contents_sections = [page for page in _pages
                           if page_kinds.kind_of(page).sections_in_contents]
print_edition = f"{HANDBOOK['edition']}, version {release}"
print_licence = HANDBOOK["content_licence"]
print_keywords = HANDBOOK["keywords"]

# -- EPUB output ----------------------------------------------------------------------

epub_basename = HANDBOOK["filename"]
# EPUB wants a BCP 47 tag ("en-GB"), not Sphinx's locale name ("en_GB").
epub_language = "en-GB"
epub_title = project
epub_author = epub_publisher = author
epub_copyright = copyright
epub_description = HANDBOOK["subtitle"]
epub_contributor = HANDBOOK["contributors"]
# The website's address names the book for good: it is unique, and stays the
# same from edition to edition (the version is in ibooks:version).
epub_identifier = SITE_URL
epub_scheme = "URL"
epub_uid = "handbook-id"  # the XML id of that identifier
# Links are tappable in every e-reader; printed addresses ("[[#1]]" markers and
# a list of URLs at each chapter's end) only cluttered the text. The reference
# list shows each work's DOI or address in full.
epub_show_urls = "no"
# Every page of the home page's toctrees is a chapter: all of them are hidden
# (furo's sidebar shows them), so the default scope gave a one-entry contents.
epub_tocscope = "includehidden"
# The reader's "Contents" opens the contents, not the first chapter.
epub_guide = (("toc", "nav.xhtml", "Table of Contents"),)
# The cover image, drawn at build time (epub_accessibility.write_cover); no cover
# page, so the urgent-help card stays first in the reading order.
epub_cover = ("_static/cover.png", "")
# The glossary is the handbook's index: no generated index in the reading order.
epub_use_index = False
# Sphinx keeps .buildinfo.bak in the output folder after a configuration change.
epub_exclude_files = ["search.html", ".buildinfo", ".buildinfo.bak"]
