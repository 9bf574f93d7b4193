"""Search that understands readers: the data behind docs/_static/search-addon.js.

Two data files, reviewed like content, say how the search page reads a query:

- ``docs/_data/search-crisis-phrases.toml``: words and phrases that suggest a
  reader may be at risk; a query holding one shows the urgent-help card
  (rendered from urgent-help.toml by ``_templates/search.html``) above the results;
- ``docs/_data/search-synonyms.toml``: readers' words mapped to the handbook's,
  and the stop words dropped from every query.

This extension checks both when the build starts (a bad entry stops the build,
naming the file and line) and writes them, normalised as the script compares
them, into ``_static/search-words.js``.  That file and the add-on script are
added to the search page only.  Everything happens in the browser: nothing the
reader types is sent anywhere.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util import logging
from urgent_help import line_of

DATA = Path(__file__).resolve().parent.parent / "_data"
CRISIS_FILE = DATA / "search-crisis-phrases.toml"
SYNONYMS_FILE = DATA / "search-synonyms.toml"
logger = logging.getLogger(__name__)
SCRIPTS = ("search-words.js", "search-addon.js")

# What an entry may hold: letters, digits, spaces, apostrophes and hyphens.
ALLOWED = re.compile(r"[a-z0-9' \u2019-]+")


def normalise(text: str) -> str:
    """As search-addon.js compares: lower case, no apostrophes, hyphens as spaces."""
    text = re.sub(r"['\u2018\u2019]", "", text.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def read(path: Path) -> tuple[dict, str]:
    try:
        source = path.read_text(encoding="utf-8")
        return tomllib.loads(source), source
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the search data ({error}). "
                          "Fix the file; its comments describe the format.") from None


def words(values, path: Path, source: str, what: str) -> list[str]:
    """Checked, normalised entries of a list; an error names the file and line."""
    if not isinstance(values, list) or not values:
        raise ConfigError(f"{path}: {what} must be a non-empty list of strings.")
    seen: set[str] = set()
    for value in values:
        where = f"{path}:{line_of(source, json.dumps(value))}"
        if not isinstance(value, str) or not ALLOWED.fullmatch(value.lower()) \
                or not normalise(value):
            raise ConfigError(f"{where}: {what} entry {str(value)[:40]!r} may hold only "
                              "letters, digits, spaces, apostrophes and hyphens.")
        if normalise(value) in seen:
            raise ConfigError(f"{where}: {what} entry {value!r} is listed twice "
                              "(apostrophes, hyphens and case do not count).")
        seen.add(normalise(value))
    return sorted(seen)


def load() -> dict:
    """The data search-addon.js reads, as one JSON-ready dictionary."""
    crisis, crisis_source = read(CRISIS_FILE)
    synonyms, synonyms_source = read(SYNONYMS_FILE)
    mapping: dict[str, str] = {}
    first: dict[str, list[str]] = {}
    for entry in synonyms.get("synonyms", []):
        if not isinstance(entry, dict) or not isinstance(entry.get("handbook"), str):
            raise ConfigError(f"{SYNONYMS_FILE}: each [[synonyms]] needs readers = [...] "
                              "and handbook = \"...\".")
        target = words([entry["handbook"]], SYNONYMS_FILE, synonyms_source, "handbook")[0]
        for phrase in words(entry.get("readers"), SYNONYMS_FILE, synonyms_source, "readers"):
            if phrase in mapping:
                raise ConfigError(f"{SYNONYMS_FILE}:{line_of(synonyms_source, phrase)}: "
                                  f"'{phrase}' is in two [[synonyms]] entries.")
            mapping[phrase] = target
            pages = entry.get("first", [])
            first[phrase] = [pages] if isinstance(pages, str) else list(pages)
    return {
        "first": first,
        "crisis": words(crisis.get("phrases"), CRISIS_FILE, crisis_source, "phrases"),
        "synonyms": mapping,
        "stopWords": words(synonyms.get("stop_words"), SYNONYMS_FILE, synonyms_source,
                           "stop_words"),
    }


def check(app: Sphinx, config) -> None:
    load()


def check_pages(app: Sphinx, env) -> None:
    """Every "first" names a page of the handbook."""
    source = SYNONYMS_FILE.read_text(encoding="utf-8")
    for page in sorted({page for pages in load()["first"].values() for page in pages}):
        if page not in env.found_docs:
            logger.warning(f"first = {page!r} names no page; write a page's path "
                           "inside docs/ without .md, such as \"faq/index\"",
                           location=(str(SYNONYMS_FILE), line_of(source, page)))


def add_to_search_page(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # Called from html-page-context, add_js_file adds to this page alone.
    if pagename == "search":
        for script in SCRIPTS:
            app.add_js_file(script)


def write_data(app: Sphinx, exception) -> None:
    if exception is None and app.builder.format == "html" and app.builder.name != "epub":
        static = Path(app.outdir) / "_static"
        static.mkdir(exist_ok=True)
        # Pages for contributors, not readers (left out of the PDF too) go last.
        data = {**load(), "last": list(app.config.print_exclude)}
        (static / SCRIPTS[0]).write_text(
            "/* Written by docs/_ext/search_words.py from docs/_data/search-*.toml. */\n"
            f"window.handbookSearchWords = {json.dumps(data, sort_keys=True)};\n",
            encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", check)
    app.connect("env-check-consistency", check_pages)
    app.connect("html-page-context", add_to_search_page)
    app.connect("build-finished", write_data)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
