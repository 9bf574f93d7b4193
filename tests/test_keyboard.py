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
    # Focus leaving the open drawer closes it: the page under it is covered.
    page.keyboard.press("Shift+Tab")
    assert drawer_state(page, name)["expanded"] == "false"
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
