"""Sphinx configuration for the Psychotherapy Handbook.

The handbook's identity (title, edition, file names) is set once, in the first
section below; everything else reads it from there.  Builds are strict: the
Makefile and the tests run ``sphinx-build -n -W --keep-going``, so any warning
fails the build.
"""

import datetime
import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

# -- The handbook: the one place that names it ---------------------------------
# The build script, the templates and the tests read these values (the script and
# tests through ``python docs/conf.py --print NAME``), so a rename happens here.

HANDBOOK_TITLE = "The Psychotherapy Handbook"
HANDBOOK_SUBTITLE = (
    "Free, referenced information about psychotherapy, "
    "with a focus on psychodynamic therapy and depression"
)
HANDBOOK_AUTHOR = "The handbook's editors"
# File names of the PDF and EPUB, the same every build, so links to them hold.
HANDBOOK_FILENAME = "psychotherapy-handbook"
HANDBOOK_EDITION = "First edition"
HANDBOOK_KEYWORDS = (
    "psychotherapy, psychodynamic psychotherapy, depression, counselling, therapeutic alliance"
)
# The site's folder for the PDF and EPUB (scripts/build.py puts them there).
DOWNLOADS_DIR = "downloads"
CONTENT_LICENCE = "Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0)"
CODE_LICENCE = "MIT"
# Where contributors edit the sources and readers report problems.
REPOSITORY_URL = "https://github.com/psychotherapy-handbook/handbook"
REPOSITORY_BRANCH = "main"
# Where the website is published (used for "Cite this page" and the sitemap).
SITE_URL = "https://psychotherapy-handbook.github.io/handbook/"

project = HANDBOOK_TITLE
author = HANDBOOK_AUTHOR
# furo prints this in every page's footer, after "Copyright ©".
copyright = f"2026, {HANDBOOK_AUTHOR}. Text: CC BY-SA 4.0. Code: {CODE_LICENCE}"
release = version = "2026.11"

# The build date printed on the title page.  SOURCE_DATE_EPOCH makes it
# reproducible when set (https://reproducible-builds.org/specs/source-date-epoch/).
_build_time = datetime.datetime.fromtimestamp(
    int(os.environ.get("SOURCE_DATE_EPOCH", datetime.datetime.now().timestamp())),
    tz=datetime.UTC,
)
BUILD_DATE = f"{_build_time.day} {_build_time:%B %Y}"
today = BUILD_DATE

# -- General ---------------------------------------------------------------------

language = "en_GB"
root_doc = "index"
exclude_patterns = ["_build", "_templates", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]

# Strict cross-references: every link must resolve (the Makefile also passes -n).
nitpicky = True

extensions = [
    # Local (docs/_ext/), one module per concern
    "content_policy",  # first: what pages may contain (see the module)
    "bib_style",
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
    "html_accessibility",
    "navigation_cache",
    "code_assets",
    "lean_pages",
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
handbook_subtitle = HANDBOOK_SUBTITLE

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
    "handbook_title": HANDBOOK_TITLE,
    "content_licence": CONTENT_LICENCE,
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
        f'<p>Go to the <a href="{SITE_URL}">home page</a> or '
        f'<a href="{SITE_URL}search.html">search the handbook</a>.</p>'
    ),
}

# -- Sitemap (sphinx-sitemap) ---------------------------------------------------------
sitemap_url_scheme = "{link}"
sitemap_excludes = ["search.html", "genindex.html", "404.html"]

# -- HTML output (furo) ------------------------------------------------------------

html_theme = "furo"
html_title = HANDBOOK_TITLE
html_short_title = "Psychotherapy Handbook"
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
    "handbook_pdf": f"{DOWNLOADS_DIR}/{HANDBOOK_FILENAME}.pdf",
    "handbook_epub": f"{DOWNLOADS_DIR}/{HANDBOOK_FILENAME}.epub",
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
    "navigation_with_keys": True,
    # Any true value shows furo's announcement bar; _templates/page.html fills
    # it with the urgent-help notice from docs/_data/urgent-help.toml.
    "announcement": "urgent-help",
    # "Edit this page" goes to the page's own source file.
    "source_repository": REPOSITORY_URL + "/",
    "source_branch": REPOSITORY_BRANCH,
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
# The contributors' guide is for the repository's readers, not for patients.
print_exclude = ["contributing"]
# The contents page lists each question of the FAQ, not only the chapter.
print_contents_sections = ["faq/index"]
print_edition = f"{HANDBOOK_EDITION}, version {release}"
print_licence = CONTENT_LICENCE
print_keywords = HANDBOOK_KEYWORDS

# -- EPUB output ----------------------------------------------------------------------

epub_basename = HANDBOOK_FILENAME
# EPUB wants a BCP 47 tag ("en-GB"), not Sphinx's locale name ("en_GB").
epub_language = "en-GB"
epub_title = HANDBOOK_TITLE
epub_author = HANDBOOK_AUTHOR
epub_publisher = HANDBOOK_AUTHOR
epub_copyright = copyright
epub_show_urls = "footnote"
# The cover image, drawn at build time (epub_accessibility.write_cover); no cover
# page, so the urgent-help card stays first in the reading order.
epub_cover = ("_static/cover.png", "")
# The glossary is the handbook's index: no generated index in the reading order.
epub_use_index = False
# Sphinx keeps .buildinfo.bak in the output folder after a configuration change.
epub_exclude_files = ["search.html", ".buildinfo", ".buildinfo.bak"]

if __name__ == "__main__":
    # ``python docs/conf.py --print HANDBOOK_FILENAME`` lets the Makefile and the
    # tests read a value without repeating it.
    if len(sys.argv) == 3 and sys.argv[1] == "--print":
        print(globals()[sys.argv[2]])
    else:
        sys.exit("usage: python docs/conf.py --print NAME")
