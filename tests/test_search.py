"""Search that understands readers (docs/_static/search-addon.js), in Chromium.

One page is opened and reused; each query is typed as a reader would arrive
with it, through the address (search.html?q=...).  The add-on marks the results
with data-done once Sphinx's search and its own part are finished.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from urllib.parse import quote, urlparse

import pytest
from conftest import DOCS, build, copy_docs
from lean_pages import SEARCH_ONLY

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
    # The keyboard review's misses, found by the [spellings] (search-synonyms.toml).
    ("can not cope", None, [], True),
    ("life isnt worth living", None, [], True),  # codespell:ignore
    ("i wanna die", None, [], True),
    ("i want to kill my self", None, [], True),
    ("dont want to be alive", None, [], True),
    # What phones and pasted text type (hostile review 2): other apostrophes,
    # a soft hyphen, full-width letters, accents, a dotted capital I and a
    # Cyrillic letter that looks Latin.
    ("I can\u00b4t cope", None, [], True),
    ("can\u02bct go on", None, [], True),
    ("can\uff07t cope", None, [], True),
    ("sui\u00adcide", None, [], True),
    ("sui\u200bcide", None, [], True),
    ("\uff53\uff55\uff49\uff43\uff49\uff44\uff45", None, [], True),
    ("SU\u0130C\u0130DE", None, [], True),
    ("su\u00efcide", None, [], True),
    ("want to d\u0456e", None, [], True),
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
    # Ranking (keyboard review 11): the page that answers, not the list of pages.
    ("is therapy worth it", DEPRESSION, [FAQ], False),
    ("therapy on nhs free", NHS, [], False),
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
        titles = page.locator("#search-results > h2")
        return {
            "titles": titles.all_inner_texts(),
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
    # Each page once, and the summary counts them.
    assert len({page.partition("#")[0] for page in shown["pages"]}) == len(shown["pages"])
    count = len(shown["pages"])
    assert (f"Found {count} page{'s' if count != 1 else ''}." in shown["summary"]
            or (not count and "No page matched" in shown["summary"])), shown["summary"]
    # The contributors' guide is not in the search index (keyboard review 2).
    assert "contributing" not in shown["pages"]
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


def test_the_contributors_guide_is_never_a_result(search):
    # Words only the contributors' guide holds: Sphinx's index leaves it out.
    crisis = "cant cope anymore"  # codespell:ignore
    for query in ("pull request", "search-crisis-phrases.toml", crisis):
        assert "contributing" not in search(query)["pages"], query


def test_a_page_is_listed_once_and_the_count_is_of_pages(search):
    # The glossary holds "transference" and "CBT" as terms; Sphinx listed it
    # once per term, and the summary counted each.
    for query in ("transference", "cbt"):
        shown = search(query)
        pages = [page.partition("#")[0] for page in shown["pages"]]
        assert pages.count("glossary") == 1, shown["pages"]
        assert f"Found {len(pages)} pages." in shown["summary"], shown["summary"]
    # The term's excerpt is its definition, with a space between words.
    excerpt = search.page.locator("#search-results li", has=search.page.locator(
        "a[href*='glossary']")).locator("p.context").inner_text()
    assert re.match(r"(?i)cbt: \w", excerpt), excerpt


def test_only_whole_words_are_highlighted(search):
    search("i want to die")
    # Each excerpt arrives once its page is fetched.
    search.page.locator("#search-results li p.context").nth(
        search.page.locator("#search-results li").count() - 1).wait_for(state="attached")
    marked = search.page.locator("#search-results .highlighted").all_inner_texts()
    assert marked and {word.lower() for word in marked} <= {"want", "die"}, marked
    # The page a result opens highlights nothing inside other words ("studies").
    assert search.page.evaluate("localStorage.getItem('sphinx_highlight_terms')") is None


def test_nothing_found_reads_top_to_bottom(search):
    shown = search("xyzzy plugh")
    assert shown["titles"] == ["No pages found"], shown["titles"]
    assert "the pages below" in shown["summary"]
    below = search.page.evaluate(
        "document.getElementById('search-results').compareDocumentPosition("
        "document.getElementById('search-suggestions')) & Node.DOCUMENT_POSITION_FOLLOWING")
    assert below


def test_the_live_region_only_ever_holds_the_handbooks_words(chromium, served):
    # Observed from before the page's scripts run: every text the polite live
    # region (handbook.js) ever holds, however briefly.
    context = chromium.new_context()
    page = context.new_page()
    page.add_init_script("""
      window.__spoken = [];
      new MutationObserver(() => {
        for (const region of document.querySelectorAll('[role=status]')) {
          if (region.textContent) window.__spoken.push(region.textContent);
        }
      }).observe(document, {childList: true, subtree: true, characterData: true});
    """)
    for query, expected in (("xyzzy plugh", "No page matched"), ("transference", "Found "),
                            ("I feel suicidal", "Urgent help numbers")):
        page.goto(f"{served}search.html?q={quote(query)}")
        page.wait_for_selector("#search-results[data-done]", state="attached")
        page.wait_for_timeout(300)  # what handbook.js announces, 50 ms later, and more
        spoken = page.evaluate("window.__spoken")
        assert all("did not match any documents" not in text and "categories" not in text
                   for text in spoken), spoken
        assert len(set(spoken)) == 1 and expected in spoken[0], spoken
    context.close()


@pytest.mark.parametrize("width", [320, 1200])
@pytest.mark.parametrize("address", ["index.html", "search.html?q=therapy"])
def test_slash_focuses_the_search_field_the_reader_can_see(chromium, served, width, address):
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(served + address)
    page.wait_for_load_state("load")
    page.keyboard.press("/")
    page.wait_for_timeout(400)  # the menu drawer slides in (250 ms) at 320 px
    focused = page.evaluate("""() => {
      const field = document.activeElement;
      const box = field.getBoundingClientRect();
      return {name: field.name, id: field.id, visible: getComputedStyle(field).visibility,
              inView: box.width > 0 && box.left >= 0 && box.right <= innerWidth};
    }""")
    assert focused["name"] == "q" and focused["visible"] == "visible" and focused["inView"], focused
    if address.startswith("search.html"):
        assert focused["id"] == "search-page-query", focused  # the page's own field
    # "/" typed into the field is a character, not the shortcut again.
    page.keyboard.type("a/b")
    assert page.evaluate("document.activeElement.value").endswith("a/b")
    context.close()


@pytest.mark.parametrize("width", [320, 390])
def test_helpline_numbers_are_comfortable_to_tap_on_a_phone(chromium, served, width):
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for address, selector in (("search.html?q=suicide", "#search-urgent-help a[href^='tel:'], "
                               "#search-urgent-help a[href^='sms:']"),
                              ("urgent-help.html", "article a.urgent-help-number"),
                              ("urgent-help.html", ".urgent-help-notice a[href^='tel:']"),
                              # In a sentence, in the text of an article.
                              (f"{DEPRESSION}.html", "article p a[href^='tel:']")):
        page.goto(served + address)
        page.wait_for_load_state("load")
        sizes = page.locator(selector).evaluate_all(
            "links => links.map(a => [a.textContent, a.getBoundingClientRect().height,"
            " a.getBoundingClientRect().width])")
        assert sizes, (address, selector)
        assert all(height >= 44 and w >= 44 for _, height, w in sizes), (address, sizes)
    # Shout is a text number: a link that opens a message to it.
    page.goto(served + "search.html?q=suicide")
    page.wait_for_selector("#search-results[data-done]", state="attached")
    assert page.locator("#search-urgent-help a[href='sms:85258']").is_visible()
    context.close()


def test_a_very_long_query_searches_only_its_first_words(search):
    filler = " ".join(f"zq{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(40))
    # "transference" is word 1: searched.  "psychoanalysis" is word 42: not.
    shown = search(f"transference {filler} psychoanalysis")
    assert "Only the first 20 words were searched." in shown["summary"], shown["summary"]
    assert "glossary" in [page.partition("#")[0] for page in shown["pages"]], shown["pages"]
    assert "articles/types-of-talking-therapy" not in shown["pages"], shown["pages"]
    # The same word inside the limit is searched.
    shown = search(f"psychoanalysis {filler}")
    assert "articles/types-of-talking-therapy" in shown["pages"], shown["pages"]
    # A crisis phrase anywhere in a long query still shows the card.
    assert search(f"{filler} {filler} I want to die")["card"]


# -- Bad search data stops the build, naming the file and line ------------------------


@pytest.fixture(scope="module")
def copied(tmp_path_factory):
    root = tmp_path_factory.mktemp("search-data")
    return root, copy_docs(root)


@pytest.fixture
def sandbox(copied):
    """One copy of the handbook; each test breaks a data file, mended after it."""
    yield copied
    for name in ("search-synonyms.toml", "search-crisis-phrases.toml"):
        (copied[1] / "_data" / name).write_text(
            (DOCS / "_data" / name).read_text(encoding="utf-8"), encoding="utf-8")


@pytest.mark.parametrize("first", ["[1, 2]", "[[1]]", '{evil = "x"}', "7",
                                   '["faq/index", "a", "b", "c", "d", "e"]'])
def test_a_bad_first_stops_the_build_naming_the_line(sandbox, first):
    root, docs = sandbox
    path = docs / "_data" / "search-synonyms.toml"
    good = (DOCS / "_data" / "search-synonyms.toml").read_text(encoding="utf-8")
    bad = good + f'\n[[synonyms]]\nreaders = ["zqx"]\nhandbook = "help"\nfirst = {first}\n'
    path.write_text(bad, encoding="utf-8")
    line = bad.splitlines().index(f"first = {first}") + 1
    result = build("html", root / "build", source=docs)
    assert result.returncode != 0
    assert f"search-synonyms.toml:{line}: \"first\" must be a page" in result.output, \
        result.output[-2000:]
    assert "Traceback" not in result.output, result.output[-2000:]


def test_error_lines_for_curly_apostrophes_single_quotes_and_repeats(sandbox):
    root, docs = sandbox
    path = docs / "_data" / "search-crisis-phrases.toml"
    good = (DOCS / "_data" / "search-crisis-phrases.toml").read_text(encoding="utf-8")
    for entry, expected in (("'bad;entry'", "may hold only"),
                            ('"bad\u2019entry;"', "may hold only"),
                            ('"suicide"', "listed twice"), ('"kill my self"', "listed twice")):
        # Last in the list: of two entries that are the same, the later is at fault.
        bad = good.replace('  "keep myself safe",\n]', f'  "keep myself safe",\n  {entry},\n]')
        path.write_text(bad, encoding="utf-8")
        line = [number for number, text in enumerate(bad.splitlines(), 1)
                if text.strip() == entry + ","][-1]
        result = build("html", root / "build", source=docs)
        assert result.returncode != 0
        assert f"search-crisis-phrases.toml:{line}: phrases entry" in result.output \
            and expected in result.output, (entry, result.output[-1500:])
    path.write_text(good, encoding="utf-8")


def test_words_in_the_address_are_highlighted_on_arrival(chromium, served):
    """Only the search page loads Sphinx's highlighting (lean_pages.py); a page
    whose address carries ?highlight= gets it from handbook.js, under the CSP."""
    from site_checks import CSP_LISTENER

    context = chromium.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.add_init_script(CSP_LISTENER)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{served}{DEPRESSION}.html?highlight=Depression")
    marked = page.locator("article span.highlighted")
    marked.first.wait_for()
    # At the addresses Sphinx gives them, with the ?v= that tells a changed script.
    loaded = {posixpath.basename(url.split("?")[0]): url for url in requested}
    assert all("?v=" in loaded[name] for name in SEARCH_ONLY), loaded
    assert {text.lower() for text in marked.all_inner_texts()} == {"depression"}
    # Sphinx takes the words out of the address once they are marked.
    assert "highlight" not in page.url
    # "/" still goes to the search field the reader can see, through Sphinx's
    # shortcut now that doctools.js is loaded, and Escape takes the marks away.
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.locator("article h1").click()
    page.keyboard.press("Escape")
    assert page.locator("span.highlighted").count() == 0
    assert page.locator("button.clear-marks").count() == 0
    # So does the "Hide Search Matches" link (a javascript: address the CSP refuses).
    page.goto(f"{served}{DEPRESSION}.html?highlight=Depression")
    marked.first.wait_for()
    page.locator(".highlight-link a").first.focus()
    page.keyboard.press("Enter")
    assert page.locator("span.highlighted").count() == 0
    assert not errors and not page.evaluate("window.__cspViolations"), errors
    # Without the words, the page loads none of it.
    page.goto(f"{served}{DEPRESSION}.html")
    assert page.evaluate("typeof SphinxHighlight") == "undefined"
    context.close()


def test_a_phone_reader_can_clear_the_marks(chromium, served):
    """On a phone "Hide Search Matches" is in the closed menu: a page with marks
    has its own button, under the title (keyboard and phone review 4)."""
    context = chromium.new_context(viewport={"width": 320, "height": 700}, is_mobile=True,
                                   has_touch=True)
    page = context.new_page()
    page.goto(f"{served}{DEPRESSION}.html?highlight=Depression")
    marked = page.locator("article span.highlighted")
    marked.first.wait_for()
    clear = page.get_by_role("button", name="Clear the highlighted search words")
    assert clear.is_visible() and clear.bounding_box()["height"] >= 44
    clear.tap()
    assert marked.count() == 0 and clear.count() == 0
    assert page.evaluate("document.activeElement.tagName") == "H1"
    # Escape clears them from the button too (Sphinx's shortcut ignores buttons),
    # and words the page does not have bring no button.
    page.goto(f"{served}{DEPRESSION}.html?highlight=Depression")
    clear.focus()
    page.keyboard.press("Escape")
    assert marked.count() == 0 and clear.count() == 0
    page.goto(f"{served}{DEPRESSION}.html?highlight=zzzqqq")
    page.wait_for_function("typeof SphinxHighlight !== 'undefined'")
    page.wait_for_timeout(200)
    assert clear.count() == 0
    context.close()
