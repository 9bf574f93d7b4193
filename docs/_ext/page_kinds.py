"""The kinds of page in the handbook, and the rules that hold for each.

The one place that says which pages are articles, which carry review dates,
which get "Cite this page" and which readability target applies.  The
extensions, the scripts and the tests all ask this module; none names a folder
of pages itself.  It imports nothing from Sphinx, so scripts can use it too.

A page is named as Sphinx names it: its path inside ``docs/`` without ``.md``
("articles/therapeutic-alliance").  The first kind whose pattern matches wins.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

# Where articles live, and the page that lists them (in the home page's toctree
# order); the print view makes a leaflet of every article that page lists.
ARTICLES_FOLDER = "articles"
ARTICLE_LIST = f"{ARTICLES_FOLDER}/index"
# The page every other page points to for help now.
URGENT_HELP = "urgent-help"


@dataclass(frozen=True)
class Kind:
    name: str
    patterns: tuple[str, ...]
    # Front matter with review dates and status, shown under the title (page_review).
    reviewed: bool = False
    # A "Cite this page" section with APA and BibTeX (cite_page), on the website
    # only: the PDF and the EPUB leave it out.
    citable: bool = False
    # OpenGraph type, so a shared link shows as an article or as a site page (page_meta).
    og_type: str = "website"
    # Highest SMOG grade of its prose (scripts/readability.py); None: lists, not prose.
    readability: float | None = None
    # In the PDF handbook (print_view's print_exclude), and in the EPUB's reading
    # order and contents (epub_accessibility; a link still reaches the page).
    printed: bool = True
    # The contents page of the PDF lists each of its sections (print_view).
    sections_in_contents: bool = False
    # In the site's search index (search_words): pages for readers only.
    searched: bool = True

    def matches(self, docname: str) -> bool:
        return any(fnmatch.fnmatchcase(docname, pattern) for pattern in self.patterns)


# Readability targets come from issue 12: the brief asks for a reading age most
# adults manage, as the NHS does; pages a reader may meet in distress lower still.
REFERENCE = Kind("reference page", ("index", ARTICLE_LIST, "glossary", "references"))
ARTICLE = Kind("article", (f"{ARTICLES_FOLDER}/*",), reviewed=True, citable=True,
               og_type="article", readability=10.0)
FAQ = Kind("FAQ", ("faq/*",), reviewed=True, readability=9.0, sections_in_contents=True)
HELP = Kind("help page", (URGENT_HELP, "finding-a-therapist"), readability=9.0)
# The contributors' guide is for the repository's readers, not for patients.
CONTRIBUTING = Kind("contributors' guide", ("contributing",), readability=12.0, printed=False,
                    searched=False)
PROJECT = Kind("project page", ("*",), readability=12.0)  # about the handbook itself
KINDS = (REFERENCE, ARTICLE, FAQ, HELP, CONTRIBUTING, PROJECT)


def kind_of(docname: str) -> Kind:
    return next(kind for kind in KINDS if kind.matches(docname))


def source_pages(docs: Path) -> list[str]:
    """Every page's docname, from the Markdown files in DOCS (not _templates, _build)."""
    return sorted(str(path.relative_to(docs).with_suffix("")) for path in docs.rglob("*.md")
                  if not any(part.startswith(("_", ".")) for part in path.relative_to(docs).parts))


def pages_where(docs: Path, rule: str) -> list[str]:
    """The pages in DOCS whose kind has RULE ("reviewed", "citable", ...) set."""
    return [page for page in source_pages(docs) if getattr(kind_of(page), rule)]


def pages_of(docs: Path, kind: Kind) -> list[str]:
    return [page for page in source_pages(docs) if kind_of(page) is kind]
