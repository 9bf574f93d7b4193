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
# On every query that shows the card, Urgent help must also come first.
QUERIES = [
    # Crisis phrasings: the card, and the Urgent help page first.
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
    ("I took too many pills", URGENT, [], True),
    ("nobody would miss me", None, [], True),
    # Phrasings the clinician review found missing: slang, typos, split words.
    ("kms", None, [], True),
    ("unalive myself", None, [], True),
    ("i want to end it", None, [], True),
    ("no point living", None, [], True),
    ("no point in living", None, [], True),
    ("want to disappear", None, [], True),
    ("i do not want to live", None, [], True),
    ("dont wanna live", None, [], True),
    ("i dont want to be alive", None, [], True),
    ("kill my self", None, [], True),
    ("suicde", None, [], True),
    ("sucidal", None, [], True),
    ("want 2 die", None, [], True),
    ("top myself", None, [], True),
    ("do myself in", None, [], True),
    ("self harmed", None, [], True),
    ("cut myself", None, [], True),
    ("harm myself", None, [], True),
    ("self injury", None, [], True),
    ("tired of living", None, [], True),
    ("cant take it anymore", None, [], True),  # codespell:ignore
    ("can't do this any more", None, [], True),
    ("nothing to live for", None, [], True),
    ("i am a burden", None, [], True),
    ("rather be dead", None, [], True),
    ("take my life", None, [], True),
    ("end my own life", None, [], True),
    ("lethal dose", None, [], True),
    ("I can't keep myself safe", None, [], True),
    ("life is pointless", None, [], True),
    ("I feel unsafe", None, [], True),
    # Ordinary questions that only looked like crisis phrases to a broader
    # list ("pointless", "unsafe" alone): no card.
    ("is therapy pointless", HARMS, [], False),
    ("therapy feels pointless", HARMS, [], False),
    ("is online therapy unsafe", "articles/online-and-phone-therapy", [], False),
    ("ending therapy", None, [FAQ], False),
    ("can I end it with my therapist", None, [], False),
    ("my therapist cut my session short", None, [], False),
    # Lay words and old names.
    ("low mood", DEPRESSION, [], False),
    ("feeling down", DEPRESSION, [], False),
    ("shrink", CHOOSING, [], False),
    ("psychotherapist", CHOOSING, [], False),
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
    ("coming off antidepressants", MEDICATION, [], False),
    ("stop taking antidepressants", MEDICATION, [], False),
    ("withdrawal", MEDICATION, [], False),
    ("therapy didnt help me", HARMS, [], False),  # codespell:ignore
    ("therapy isn't working", HARMS, [], False),
    ("feel worse after therapy", HARMS, [URGENT], False),
    ("nhs waiting list therapy", NHS, [], False),
    ("free counselling", NHS, [], False),
    ("can my therapist tell my gp", FAQ, [], False),
    ("is my therapy confidential", FAQ, [], False),
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
    if crisis:
        assert shown["pages"][:1] == [URGENT], f"{query!r}: {shown['pages'][:5]}"
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


def test_a_crisis_query_is_searched_as_typed(search):
    # "pills" would become "medication" and put Therapy and medication first:
    # on a crisis query no synonym applies, and Urgent help leads.
    shown = search("took too many pills")
    assert shown["card"] and shown["pages"][:1] == [URGENT], shown["pages"][:5]
    assert "Also searched for" not in shown["summary"], shown["summary"]
    # The same word without a crisis phrase is still a question about medication.
    shown = search("pills")
    assert not shown["card"] and shown["pages"][:1] == [MEDICATION], shown["pages"][:5]


def test_feeling_worse_lists_urgent_help_straight_after_the_harms_page(search):
    assert search("feel worse after therapy")["pages"][:2] == [HARMS, URGENT]


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
