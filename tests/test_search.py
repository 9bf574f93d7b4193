"""Search that understands readers (docs/_static/search-addon.js), in Chromium.

One page is opened and reused; each query is typed as a reader would arrive
with it, through the address (search.html?q=...).  The add-on marks the results
with data-done once Sphinx's search and its own part are finished.
"""

from __future__ import annotations

import tomllib
from urllib.parse import quote, urlparse

import pytest
from conftest import DOCS

URGENT = "urgent-help"
NHS = "articles/getting-therapy-on-the-nhs"
DEPRESSION = "articles/can-psychotherapy-help-with-depression"
HARMS = "articles/when-therapy-is-not-helping-or-harms"
MEDICATION = "articles/therapy-and-medication"
CHOOSING = "articles/choosing-a-therapist-safely"
FAQ = "faq/index"

# (query, page that must come first, pages that must also be listed, crisis card shown)
QUERIES = [
    # Crisis phrasings: the card, and the Urgent help page first where it matches.
    ("suicide", None, [], True),
    ("suicidal thoughts", None, [DEPRESSION], True),
    ("feel like ending it", None, [DEPRESSION], True),
    ("I want to end it all", None, [], True),
    ("kill myself", None, [], True),
    ("I want to die", None, [], True),
    ("cant cope", URGENT, [], True),  # codespell:ignore
    ("can't cope", URGENT, [], True),
    ("can\u2019t go on", None, [], True),
    ("self-harm", None, [], True),
    ("self harm", None, [], True),
    ("SELF HARMING", None, [], True),
    ("overdose", None, [], True),
    ("no way out", None, [], True),
    ("feeling hopeless", None, [], True),
    ("I took too many pills", None, [], True),
    ("nobody would miss me", None, [], True),
    # Lay words and old names.
    ("low mood", DEPRESSION, [], False),
    ("feeling down", DEPRESSION, [], False),
    ("shrink", "finding-a-therapist", [], False),
    ("IAPT", NHS, [], False),
    ("talking therapies", NHS, [], False),
    ("side effects", MEDICATION, [HARMS], False),
    ("antidepressants side effects", MEDICATION, [], False),
    ("how much does therapy cost", NHS, [FAQ], False),
    ("price of therapy", NHS, [], False),
    ("self referral", NHS, [], False),
    ("self-referral", NHS, [], False),
    ("can I refer myself", NHS, [], False),
    ("how do I get help tonight", URGENT, [], False),
    ("panic attacks", None, ["articles/types-of-talking-therapy"], False),
    # Spellings and typing variants.
    ("counselor", CHOOSING, [], False),  # codespell:ignore
    ("counseling", None, [FAQ], False),  # codespell:ignore
    # The glossary's entry ranks with the article: both must be listed.
    ("Therapeutic Alliance", None, ["articles/therapeutic-alliance", "glossary"], False),
    ("what is the therapeutic alliance?", None, ["articles/therapeutic-alliance"], False),
    ("psychoanalysis", "articles/types-of-talking-therapy", [], False),
    ("therapy on zoom", "articles/online-and-phone-therapy", [], False),
    ("transference", None, ["glossary"], False),
]


@pytest.fixture(scope="module")
def search(chromium, served):
    """Runs one query in the shared page; returns what the reader is shown."""
    context = chromium.new_context()
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    def run(query: str) -> dict:
        page.goto(f"{served}search.html?q={quote(query)}")
        page.wait_for_selector("#search-results[data-done]", state="attached")
        links = page.locator("#search-results ul.search li > a")
        return {
            "pages": [urlparse(href).path.removeprefix(urlparse(served).path)
                      .removesuffix(".html") for href in
                      links.evaluate_all("(links) => links.map((a) => a.href)")],
            "card": page.locator("#search-urgent-help").is_visible(),
            "card_text": page.locator("#search-urgent-help").inner_text(),
            "suggestions": page.locator("#search-suggestions").is_visible(),
            "summary": page.locator("#search-results .search-summary").inner_text(),
        }

    run.requests, run.errors, run.page = requests, errors, page
    yield run
    context.close()


@pytest.mark.parametrize(("query", "first", "listed", "crisis"), QUERIES,
                         ids=[q for q, *_ in QUERIES])
def test_query_finds_the_page_a_reader_needs(search, query, first, listed, crisis):
    shown = search(query)
    assert shown["card"] == crisis, f"{query!r}: crisis card shown is {shown['card']}"
    if first:
        assert shown["pages"][:1] == [first], f"{query!r}: {shown['pages'][:5]}"
    for page in listed:
        assert page in shown["pages"], f"{query!r}: {page} not in {shown['pages']}"
    # A sensible query never ends in an empty list with nothing to go to.
    assert shown["pages"] or (shown["suggestions"] and crisis), shown
    assert not search.errors


def test_the_crisis_card_shows_every_number_from_the_data_file(search):
    shown = search("I feel suicidal")
    data = tomllib.loads((DOCS / "_data" / "urgent-help.toml").read_text(encoding="utf-8"))
    numbers = [c.get("phone") or c.get("text") for t in data["tiers"] for c in t["contacts"]]
    assert shown["card"] and "Urgent help numbers are above the results" in shown["summary"]
    for number in numbers:
        assert number in shown["card_text"]
    # The card comes before the results on the page.
    above = search.page.evaluate(
        "document.getElementById('search-urgent-help').compareDocumentPosition("
        "document.getElementById('search-results')) & Node.DOCUMENT_POSITION_FOLLOWING")
    assert above


def test_nothing_found_suggests_the_faq_and_urgent_help(search):
    shown = search("xyzzy plugh")
    assert not shown["pages"] and shown["suggestions"] and not shown["card"]
    hrefs = search.page.locator("#search-suggestions a").evaluate_all(
        "(links) => links.map((a) => a.getAttribute('href'))")
    assert "faq/index.html" in hrefs and "urgent-help.html" in hrefs


def test_no_request_leaves_the_site_while_searching(search, served):
    search("I want to end it all")
    search("how much does therapy cost in London")
    host = urlparse(served).netloc
    assert search.requests
    assert [url for url in search.requests
            if urlparse(url).scheme in {"http", "https"} and urlparse(url).netloc != host] == []
    # What the reader typed is never sent anywhere, even to the site itself,
    # beyond the address of the search page it was typed into.
    assert not [url for url in search.requests
                if "London" in url and "search.html?q=" not in url]


def test_the_add_on_is_loaded_on_the_search_page_only(html_dir):
    assert "search-addon.js" in (html_dir / "search.html").read_text(encoding="utf-8")
    assert "search-addon.js" not in (html_dir / "index.html").read_text(encoding="utf-8")


def test_the_card_and_the_suggestions_pass_axe(search):
    from site_checks import AXE_TAGS, axe_script

    for query in ("I feel suicidal", "xyzzy plugh"):
        search(query)
        search.page.evaluate(axe_script() + "\n;0")
        outcome = search.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3])
                for v in outcome["violations"]] == [], query
