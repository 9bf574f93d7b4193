"""Search that understands readers: the data behind docs/_static/search-addon.js.

Two data files, reviewed like content, say how the search page reads a query:

- ``docs/_data/search-crisis-phrases.toml``: words and phrases that suggest a
  reader may be at risk; a query holding one shows the urgent-help card
  (rendered from urgent-help.toml by ``_templates/search.html``) above the results;
- ``docs/_data/search-synonyms.toml``: readers' words mapped to the handbook's,
  the stop words dropped from every query, and the spellings made one before
  anything is compared ("can not" and "can't" are "cannot").

This extension checks both once when the build starts (a bad entry stops the
build, naming the file and line) and writes them, normalised as the script
compares them, into ``_static/search-words.js``.  That file and the add-on
script are added to the search page only.  Everything happens in the browser:
nothing the reader types is sent anywhere.

Pages that are not for readers (``searched=False`` in page_kinds) are left out
of Sphinx's search index altogether.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import page_kinds
from data_files import Lines, read
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util import logging

DATA = Path(__file__).resolve().parent.parent / "_data"
CRISIS_FILE = DATA / "search-crisis-phrases.toml"
SYNONYMS_FILE = DATA / "search-synonyms.toml"
logger = logging.getLogger(__name__)
SCRIPTS = ("search-words.js", "search-addon.js")

# What an entry may hold: letters, digits, spaces, apostrophes and hyphens.
ALLOWED = re.compile(r"[a-z0-9' \u2019-]+")
# Far more than any real list needs; a bound on what a contributor's file can
# cost the build and every reader's browser (a 20,000-word list took minutes).
MAX_ENTRIES = 1000
MAX_FIRST = 5
FIRST_HELP = (f'"first" must be a page, or a list of at most {MAX_FIRST} pages, each its path '
              'inside docs/ without .md, such as "faq/index"')


def normalise(text: str, spellings: dict[str, str] | None = None) -> str:
    """As search-addon.js compares: lower case, no apostrophes, hyphens as spaces,
    and each of SPELLINGS (whole words) written one way."""
    text = re.sub(r"['\u2018\u2019]", "", text.lower())
    text = " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())
    if spellings:
        # One pass, longest first, whole words: as search-addon.js does.
        alternatives = "|".join(map(re.escape, sorted(spellings, key=len, reverse=True)))
        text = re.sub(rf"(?<![^ ])(?:{alternatives})(?![^ ])",
                      lambda match: spellings[match[0]], text)
    return text


def words(values, lines: Lines, where: str, what: str,
          spellings: dict[str, str] | None = None) -> dict[str, str]:
    """Checked entries of a list: {normalised: as written}; an error names the
    file and line (WHERE when the list itself is wrong)."""
    if not isinstance(values, list) or not values:
        raise ConfigError(f"{where}: {what} must be a non-empty list of strings.")
    if len(values) > MAX_ENTRIES:
        raise ConfigError(f"{where}: {what} has {len(values)} entries; at most "
                          f"{MAX_ENTRIES} are allowed.")
    seen: dict[str, str] = {}
    for value in values:
        if not isinstance(value, str) or not ALLOWED.fullmatch(value.lower()) \
                or not normalise(value):
            raise ConfigError(f"{lines.string(value) if isinstance(value, str) else where}: "
                              f"{what} entry {str(value)[:40]!r} may hold only letters, "
                              "digits, spaces, apostrophes and hyphens.")
        normal = normalise(value, spellings)
        if normal in seen:
            raise ConfigError(f"{lines.string(value, last=True)}: {what} entry {value!r} is "
                              f"listed twice (as {seen[normal]!r} at {lines.string(seen[normal])}"
                              "; case, apostrophes, hyphens and the [spellings] do not count).")
        seen[normal] = value
    return seen


def spellings_of(table, lines: Lines) -> dict[str, str]:
    """[spellings]: each way of writing some words -> the one way compared."""
    if not isinstance(table, dict):
        raise ConfigError(f"{lines.key('spellings')}: [spellings] must be a table of "
                          '"as readers write it" = "as it is compared".')
    if not table:
        return {}
    keys = words(list(table), lines, lines.key("spellings"), "spellings")
    result = {}
    for normal, key in keys.items():
        value = table[key]
        result[normal] = next(iter(words([value], lines, lines.key(key), "spellings")))
    return result


def first_pages(value, where: str) -> list[str]:
    pages = [value] if isinstance(value, str) else value
    if not isinstance(pages, list) or len(pages) > MAX_FIRST \
            or not all(isinstance(page, str) and page for page in pages):
        raise ConfigError(f"{where}: {FIRST_HELP}.")
    return list(dict.fromkeys(pages))


def load() -> dict:
    """The data search-addon.js reads, as one JSON-ready dictionary."""
    crisis, crisis_lines = read(CRISIS_FILE)
    synonyms, lines = read(SYNONYMS_FILE)
    spellings = spellings_of(synonyms.get("spellings", {}), lines)
    entries = synonyms.get("synonyms", [])
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise ConfigError(f"{lines.key('synonyms')}: [[synonyms]] must be at most "
                          f"{MAX_ENTRIES} tables.")
    mapping: dict[str, str] = {}
    first: dict[str, list[str]] = {}
    for index, entry in enumerate(entries):
        where = f"{SYNONYMS_FILE}:{lines.table('synonyms', index)}"
        if not isinstance(entry, dict) or not isinstance(entry.get("handbook"), str):
            raise ConfigError(f"{where}: each [[synonyms]] needs readers = [...] "
                              "and handbook = \"...\".")
        (target,) = words([entry["handbook"]], lines, where, "handbook", spellings)
        pages = (first_pages(entry["first"], lines.key("first", "synonyms", index))
                 if "first" in entry else [])
        readers = words(entry.get("readers"), lines, lines.key("readers", "synonyms", index),
                        "readers", spellings)
        for phrase, written in readers.items():
            if phrase in mapping:
                raise ConfigError(f"{lines.string(written, last=True)}: '{written}' is in "
                                  "two [[synonyms]] entries.")
            if len(mapping) >= MAX_ENTRIES:
                raise ConfigError(f"{lines.string(written)}: more than {MAX_ENTRIES} "
                                  "readers' words in all.")
            mapping[phrase] = target
            first[phrase] = pages
    return {
        "first": first,
        "crisis": sorted(words(crisis.get("phrases"), crisis_lines, crisis_lines.key("phrases"),
                               "phrases", spellings)),
        "synonyms": mapping,
        "spellings": spellings,
        "stopWords": sorted(words(synonyms.get("stop_words"), lines, lines.key("stop_words"),
                                  "stop_words", spellings)),
    }


def check(app: Sphinx, config) -> None:
    # Read once per build: the other hooks use this.
    app.handbook_search_words = load()


def check_pages(app: Sphinx, env) -> None:
    """Every "first" names a page of the handbook."""
    pages = {page for pages in app.handbook_search_words["first"].values() for page in pages}
    for page in sorted(pages - set(env.found_docs)):
        lines = read(SYNONYMS_FILE)[1]
        # A "file:line" string: Sphinx reads a (file, line) pair as a page name.
        logger.warning(f"first = {page!r} names no page; {FIRST_HELP}",
                       location=lines.string(page))


def leave_out_of_index(app: Sphinx, env) -> None:
    """Pages not for readers (the contributors' guide) stay out of Sphinx's search
    index: its text about the crisis phrase file matched crisis searches."""
    for docname in env.found_docs:
        if not page_kinds.kind_of(docname).searched:
            # Sphinx's HTML builder indexes no page whose metadata has "nosearch".
            env.metadata.setdefault(docname, {})["nosearch"] = True


def add_to_search_page(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # Called from html-page-context, add_js_file adds to this page alone.
    if pagename == "search":
        for script in SCRIPTS:
            app.add_js_file(script)


def write_data(app: Sphinx) -> list:
    """Write search-words.js before the search page is written (html-collect-pages
    comes just before it): Sphinx adds the file's checksum to its script tag
    (?v=...), so a new crisis phrase reaches readers who have the old list cached,
    and a clean and an incremental build write the same search.html."""
    if app.builder.format == "html" and app.builder.name != "epub":
        static = Path(app.outdir) / "_static"
        static.mkdir(exist_ok=True)
        # Pages that list the others (the home page, All articles) hold every
        # article's title and summary, so they match most words and answer
        # little, and pages about the handbook itself (About) answer no
        # reader's question: the search page lists them after the rest.
        project = sorted(page for page in app.env.found_docs
                         if page_kinds.kind_of(page) is page_kinds.PROJECT)
        data = {**app.handbook_search_words,
                "last": [app.config.root_doc, page_kinds.ARTICLE_LIST, *project]}
        (static / SCRIPTS[0]).write_text(
            "/* Written by docs/_ext/search_words.py from docs/_data/search-*.toml. */\n"
            f"window.handbookSearchWords = {json.dumps(data, sort_keys=True)};\n",
            encoding="utf-8")
    return []  # no pages of its own


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", check)
    app.connect("env-updated", leave_out_of_index)
    app.connect("env-check-consistency", check_pages)
    app.connect("html-page-context", add_to_search_page)
    app.connect("html-collect-pages", write_data)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
