"""Every page by keyboard, on a phone and with a screen reader, in a real browser.

axe-core (test_browser.py) checks the markup; these tests do what a reader does:
press Tab through a page and look at each stop, open and close the drawers, copy
a citation, search on a phone, and read the page at 320 px.  The heading outline
is checked in the written HTML, without a browser.
"""

from __future__ import annotations

import itertools
import re

import pytest
import urgent_help
from conftest import html_pages, main_content, soup
from site_checks import reflow_problems, site_pages, tab_stop_problems, tab_stops

pytestmark = pytest.mark.build

# Phone, a narrow phone (320 px: WCAG's reflow width) and a laptop.  At 1280 px
# "On this page" is already a drawer.
SIZES = {"phone": (375, 812), "narrow phone": (320, 568), "desktop": (1280, 900)}
# One page of each kind.
HOME, ARTICLE, FAQ, URGENT = ("index.html", "articles/can-psychotherapy-help-with-depression.html",
                              "faq/index.html", "urgent-help.html")
PAGE_TYPES = [HOME, ARTICLE, FAQ, URGENT, "glossary.html", "genindex.html",
              "search.html?q=therapy", "404.html"]


def open_page(chromium, base, path, size="phone", scheme="light"):
    width, height = SIZES[size]
    # Reduced motion: furo scrolls and slides smoothly, and a stop is only
    # where it will be once that has finished.
    context = chromium.new_context(viewport={"width": width, "height": height},
                                   color_scheme=scheme, reduced_motion="reduce")
    page = context.new_page()
    page.goto(base + path)
    return context, page


# Each Tab press waits for a frame, so the pages are chosen: every page type on a
# phone, where layout differs most; on the desktop the pages readers start from.
# The colour scheme changes colours, not layout: in dark, the pages that hold
# every kind of element once (home: notice, header, page tools, content links,
# footer; FAQ: "On this page"; urgent help: the tiers).
@pytest.mark.parametrize("size, scheme, pages", [
    ("phone", "light", PAGE_TYPES), ("desktop", "light", [HOME, ARTICLE, FAQ, URGENT]),
    ("phone", "dark", [HOME, FAQ, URGENT]), ("desktop", "dark", [HOME, URGENT])],
    ids=["phone-light", "desktop-light", "phone-dark", "desktop-dark"])
def test_every_tab_stop_is_visible_and_shows_focus(chromium, served, size, scheme, pages):
    problems, measured_kinds = [], set()
    for path in pages:
        context, page = open_page(chromium, served, path, size, scheme)
        blank = context.new_page()
        page.bring_to_front()
        stops = tab_stops(page, blank=blank, measured_kinds=measured_kinds)
        context.close()
        assert len(stops) >= 5, f"{path}: only {len(stops)} tab stops"
        problems += tab_stop_problems(f"{path} ({size}, {scheme})", stops)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", ["phone", "narrow phone"])
def test_shift_tab_never_hides_focus_under_the_header(chromium, served, size):
    # Found by a keyboard review: going backwards, Chromium left focused links
    # under the sticky phone header and the "Back to top" pill.
    problems = []
    for path in (ARTICLE, FAQ):
        context, page = open_page(chromium, served, path, size)
        stops = tab_stops(page, key="Shift+Tab")
        context.close()
        problems += tab_stop_problems(f"{path} ({size}, Shift+Tab)", stops)
    assert not problems, "\n".join(problems)


def test_tab_stops_hidden_in_a_drawer_are_caught(chromium, served):
    # Guards the test above: furo's drawer, off screen but not hidden, fails it.
    context, page = open_page(chromium, served, "faq/index.html")
    page.add_style_tag(content=".toc-drawer { visibility: visible !important; }")
    problems = tab_stop_problems("faq", tab_stops(page))
    context.close()
    assert any("off screen" in problem for problem in problems), problems


def drawer_state(page, name):
    return page.evaluate("""name => {
        const button = [...document.querySelectorAll('button[aria-label="' + name + '"]')]
            .find(b => b.getClientRects().length);
        const panel = document.getElementById(button.getAttribute('aria-controls'));
        return {expanded: button.getAttribute('aria-expanded'),
                focusOnButton: document.activeElement === button,
                focusInPanel: panel.contains(document.activeElement),
                panelVisible: getComputedStyle(panel).visibility === 'visible'};
    }""", name)


@pytest.mark.parametrize("size, name", [("phone", "Menu"), ("phone", "On this page"),
                                        ("desktop", "On this page")])
def test_drawer_opens_with_enter_and_closes_with_escape(chromium, served, size, name):
    context, page = open_page(chromium, served, "faq/index.html", size)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('aria-label')") == name:
            break
    else:
        pytest.fail(f"no {name!r} button in the first 40 tab stops")
    assert drawer_state(page, name) == {"expanded": "false", "focusOnButton": True,
                                        "focusInPanel": False, "panelVisible": False}
    page.keyboard.press("Enter")
    opened = drawer_state(page, name)
    assert opened["expanded"] == "true" and opened["focusInPanel"] and opened["panelVisible"]
    page.keyboard.press("Escape")
    assert drawer_state(page, name) == {"expanded": "false", "focusOnButton": True,
                                        "focusInPanel": False, "panelVisible": False}
    page.keyboard.press(" ")
    assert drawer_state(page, name)["expanded"] == "true"
    # Shift+Tab from the drawer's first link closes it and goes back to its
    # button (found by a review: "On this page" went on to the page's footer,
    # which comes before the drawer in the source).
    page.keyboard.press("Shift+Tab")
    assert drawer_state(page, name) == {"expanded": "false", "focusOnButton": True,
                                        "focusInPanel": False, "panelVisible": False}
    context.close()


def test_copy_keeps_focus_and_announces_what_was_copied(chromium, served):
    context, page = open_page(chromium, served, "articles/therapeutic-alliance.html")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.wait_for_selector("button.copybtn")
    names = page.eval_on_selector_all("button.copybtn", "bs => bs.map(b => b.ariaLabel)")
    assert names == ["Copy APA citation", "Copy BibTeX"]
    page.focus("button[aria-label='Copy APA citation']")
    assert page.evaluate("() => getComputedStyle(document.activeElement).opacity") == "1"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('[role=status]').textContent")
    assert page.evaluate("() => document.activeElement.ariaLabel") == "Copy APA citation"
    assert page.text_content("[role=status]") == "Copied the APA citation."
    context.close()


@pytest.mark.parametrize("size", ["narrow phone", "desktop"])
def test_copy_buttons_cover_no_citation_text(chromium, served, size):
    # Found by a review at 390 px: BibTeX's long first line ran on under "Copy",
    # and the buttons were 32 px high.
    context, page = open_page(chromium, served, "articles/therapeutic-alliance.html", size)
    overlaps = page.eval_on_selector_all(".cite-page-block", """blocks => blocks.map(block => {
        const button = block.querySelector("button").getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(block.querySelector("pre"));
        return [...range.getClientRects()].some(line => line.width > 0
            && line.top < button.bottom && line.bottom > button.top
            && line.left < button.right && line.right > button.left);
    })""")
    heights = page.eval_on_selector_all(".cite-page-block button",
                                        "buttons => buttons.map(b => b.offsetHeight)")
    context.close()
    assert overlaps == [False, False]
    if size == "narrow phone":
        assert min(heights) >= 44, heights


@pytest.mark.parametrize("size", ["narrow phone", "desktop"])
def test_arrow_keys_scroll_a_code_block_and_never_turn_the_page(chromium, served, size):
    # Found by a review: Sphinx's navigation_with_keys turned the page when
    # ArrowRight was pressed in a focused code block.
    context, page = open_page(chromium, served, ARTICLE, size)
    bibtex = page.get_by_role("region", name="BibTeX")
    bibtex.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)  # a navigation would have started by now
    assert page.url == served + ARTICLE
    if size == "narrow phone":  # where its long lines scroll
        assert bibtex.evaluate("pre => pre.scrollLeft") > 0
    context.close()


CODE_BLOCKS_JS = """() => [...document.querySelectorAll("article pre")].map(pre => ({
    text: pre.textContent.slice(0, 30),
    scrolls: pre.scrollWidth > pre.clientWidth + 1,
    focusable: pre.tabIndex >= 0,
    role: pre.getAttribute("role"),
    labelledBy: pre.getAttribute("aria-labelledby"),
}))"""


def test_code_blocks_that_scroll_are_named_regions_and_only_they_take_focus(
        chromium, served, html_dir):
    pages = [path for path in site_pages(html_dir) if "<pre" in (html_dir / path).read_text()]
    assert ARTICLE in pages and "contributing.html" in pages
    problems, blocks = [], 0
    for size in ("narrow phone", "desktop"):
        context, page = open_page(chromium, served, ARTICLE, size)
        for path in pages:
            page.goto(served + path)
            for block in page.evaluate(CODE_BLOCKS_JS):
                blocks += 1
                where = f"{path} ({size}): block {block['text']!r}"
                if block["scrolls"] and not block["focusable"]:
                    problems.append(f"{where} scrolls but takes no focus")
                if block["focusable"] and block["role"] != "region":
                    problems.append(f"{where} takes focus but is no region")
        # Names as the browser computes them: the citation blocks' captions.
        page.goto(served + ARTICLE)
        assert page.get_by_role("region", name="BibTeX").count() == 1
        apa = page.locator("pre.cite-apa")
        assert apa.evaluate("pre => [pre.tabIndex, pre.scrollWidth <= pre.clientWidth]") == [
            -1, True]
        context.close()
    assert blocks > 2 * len(pages)
    assert not problems, "\n".join(problems)


def test_the_sidebar_marks_the_current_page_for_screen_readers(chromium, served):
    context, page = open_page(chromium, served, "index.html", "desktop")
    for path in ("about.html", "articles/index.html", ARTICLE, FAQ):
        page.goto(served + path)
        title = page.locator("article h1").first.evaluate(
            "h1 => h1.firstChild.textContent.trim()")
        assert page.locator("[aria-current]").count() == 1, path
        # The link as the browser's accessibility tree names it: the page's title.
        link = page.locator("nav.sidebar-tree").get_by_role("link", name=title, exact=True)
        assert link.get_attribute("aria-current") == "page", path
    context.close()


def test_theme_button_says_which_theme_is_on(chromium, served):
    context, page = open_page(chromium, served, ARTICLE, "desktop")
    button = page.locator("button.theme-toggle >> visible=true").first
    names = []
    for _ in range(3):
        names.append((page.evaluate("() => document.body.dataset.theme"),
                      button.get_attribute("aria-label")))
        button.click()
    context.close()
    assert names[0] == ("auto", "Colour theme: automatic, as your device (change)")
    assert {theme for theme, _ in names} == {"auto", "light", "dark"}
    for theme, name in names[1:]:
        assert name == f"Colour theme: {theme} (change)"


def test_focus_outline_in_on_this_page_leaves_the_text_clear(chromium, served):
    # Found by a review at 390 px: the inset outline covered the 12 px letters.
    context = chromium.new_context(viewport={"width": 390, "height": 844},
                                   reduced_motion="reduce")
    page = context.new_page()
    page.goto(served + FAQ)
    page.locator("button[aria-label='On this page'] >> visible=true").click()
    overlaps = page.evaluate("""() => [...document.querySelectorAll(".toc-drawer a")]
        .filter(a => a.getClientRects().length).map(a => {
          a.focus();
          const box = a.getBoundingClientRect();
          const style = getComputedStyle(a);
          // An outline offset by -N px covers the link's outer N px.
          const covered = Math.max(0, -parseFloat(style.outlineOffset));
          const text = document.createRange();
          text.selectNodeContents(a);
          const letters = text.getBoundingClientRect();
          return [a.textContent.trim(), Math.min(letters.left - box.left,
                  box.right - letters.right, letters.top - box.top,
                  box.bottom - letters.bottom) - covered];
        })""")
    context.close()
    assert len(overlaps) > 3
    assert all(room >= 1 for _, room in overlaps), overlaps


def test_notice_numbers_stay_big_without_a_gap_before_punctuation(chromium, served):
    context, page = open_page(chromium, served, ARTICLE, "narrow phone")
    numbers = page.evaluate("""() => [...document.querySelectorAll(
        ".urgent-help-notice a[href^='tel:']")].map(a => {
          const box = a.getBoundingClientRect();
          const text = document.createRange();
          text.selectNodeContents(a);
          const after = a.nextSibling && a.nextSibling.textContent[0];
          return {number: a.textContent, width: box.width, height: box.height,
                  punctuation: !!after && /[),.;]/.test(after),
                  gap: box.right - text.getBoundingClientRect().right};
        })""")
    context.close()
    assert any(number["punctuation"] for number in numbers), numbers
    for number in numbers:
        assert number["width"] >= 24 and number["height"] >= 24, number
        if number["punctuation"]:
            assert number["gap"] < 1, number


@pytest.mark.parametrize("size", ["narrow phone", "desktop"])
def test_previous_comes_before_next_in_tab_order_and_on_screen(chromium, served, size):
    context, page = open_page(chromium, served, ARTICLE, size)
    links = page.evaluate("""() => [...document.querySelectorAll(".related-pages a")]
        .map(a => [a.querySelector(".context").textContent.trim(),
                   Math.round(a.getBoundingClientRect().left)])""")
    page.focus(".related-pages a >> nth=0")
    page.keyboard.press("Tab")
    second = page.evaluate("() => document.activeElement.className")
    context.close()
    assert [name for name, _ in links] == ["Previous", "Next"]
    assert links[0][1] < links[1][1] and second == "next-page", (links, second)


def test_search_on_a_phone_finds_urgent_help_and_announces_it(chromium, served):
    context, page = open_page(chromium, served, "search.html?q=samaritans")
    field = page.locator("article input[name=q]")
    assert field.is_visible() and field.input_value() == "samaritans"
    page.wait_for_function("() => /found/i.test(document.querySelector('[role=status]')"
                           ".textContent)", timeout=10000)
    results = page.locator("ul.search a").all_text_contents()
    context.close()
    assert "Urgent help" in results, results


@pytest.mark.parametrize("size", ["narrow phone", "desktop"])
def test_every_page_reflows(chromium, served, html_dir, size):
    problems = []
    width, height = SIZES[size]
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    for path in site_pages(html_dir):
        page.goto(served + path)
        problems += reflow_problems(page, f"{path} ({width} px)")
    context.close()
    assert not problems, "\n".join(problems)


# -- Heading outlines (the written HTML) ---------------------------------------------


def heading_outline(page) -> list[tuple[int, str]]:
    return [(int(h.name[1]), h.get_text(" ", strip=True).removesuffix("¶").strip())
            for h in main_content(page).find_all(re.compile(r"^h[1-6]$"))]


def test_every_page_has_an_outline_without_skipped_levels(html_dir):
    problems = []
    for path in html_pages(html_dir):
        outline = heading_outline(soup(path))
        name = path.relative_to(html_dir)
        if [level for level, _ in outline].count(1) != 1 or outline[0][0] != 1:
            problems.append(f"{name}: starts {outline[:1]}, with "
                            f"{[level for level, _ in outline].count(1)} level-one headings")
        for (before, _), (level, text) in itertools.pairwise(outline):
            if level > before + 1:
                problems.append(f"{name}: h{before} then h{level} {text!r}")
    assert not problems, "\n".join(problems)


def test_urgent_help_tiers_and_home_page_journeys_are_headings(html_dir):
    tiers = [(2, tier.heading) for tier in urgent_help.load().tiers]
    assert heading_outline(soup(html_dir / "urgent-help.html"))[1:4] == tiers
    home = heading_outline(soup(html_dir / "index.html"))
    assert home[:2] == [(1, "The Psychotherapy Handbook"), (2, "Need help now?")]
    assert {"I feel low now", "I am thinking about therapy", "I am in therapy"} <= {
        text for level, text in home if level == 2}
