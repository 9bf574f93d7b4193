"""Every page in a real browser (Debian's Chromium through Playwright):
accessible (axe-core, WCAG 2.2 AA), private, without errors, usable by keyboard."""

from __future__ import annotations

import gzip
import importlib.util
import io
import posixpath
import shutil
import unicodedata

import pytest
import urgent_help
from conftest import ROOT
from lean_pages import SEARCH_ONLY
from site_checks import (
    VIEWPORTS,
    first_view,
    helpline_problems,
    serve,
    site_pages,
    visit,
)

pytestmark = pytest.mark.build


# Two sweeps, not all four pairings: each viewport (which changes the layout)
# and each colour scheme (which changes the colours) is swept once.
@pytest.mark.parametrize("viewport, scheme", [("phone", "light"), ("desktop", "dark")])
def test_every_page_is_accessible_private_and_error_free(chromium, served, html_dir,
                                                          viewport, scheme):
    problems = []
    for page in site_pages(html_dir):
        problems += visit(chromium, served, page, viewport, scheme).problems(served)
    assert not problems, "\n".join(problems)


def test_every_page_has_the_content_security_policy(html_dir):
    missing = [page for page in site_pages(html_dir)
               if '<meta http-equiv="Content-Security-Policy"' not in
               (html_dir / page).read_text(encoding="utf-8").split("<script", 1)[0]]
    assert not missing, f"pages without the policy before their first script: {missing}"


def test_helplines_on_every_page_equal_the_data_file(chromium, served, html_dir):
    data = urgent_help.load()
    problems = []
    for page in site_pages(html_dir):
        problems += helpline_problems(chromium, served, page, data)
    assert not problems, "\n".join(problems)


def test_pages_load_something(chromium, served):
    # Guards the test above against passing because nothing loaded.
    result = visit(chromium, served, "index.html", "desktop", "light")
    assert len(result.requests) >= 5
    assert all(url.startswith(served) or url.startswith("data:") for url in result.requests)


def benchmarks():
    """benchmarks/run.py, where the budgets and the measured article are defined."""
    spec = importlib.util.spec_from_file_location("benchmarks_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_articles_first_view_keeps_to_its_budget(chromium, served):
    """Issue 18, measured as `make benchmark` does; Sphinx's search scripts
    (lean_pages.py) are not part of it."""
    bench = benchmarks()
    loaded = first_view(chromium, f"{served}{bench.ARTICLE}.html")
    names = {posixpath.basename(url.split("?")[0]) for url, _ in loaded}
    assert not names & SEARCH_ONLY, sorted(names & SEARCH_ONLY)
    assert len(loaded) <= bench.BUDGETS["article first view, requests"], names
    kib = sum(len(gzip.compress(body, 6)) for _, body in loaded) / 1024
    assert kib <= bench.BUDGETS["article first view, gzip KiB"], f"{kib:.1f} KiB"


def test_skip_link_is_first_and_works(chromium, served):
    context = chromium.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(served + "articles/therapeutic-alliance.html")
    page.keyboard.press("Tab")
    first = page.evaluate("() => [document.activeElement.className, "
                          "document.activeElement.textContent.trim()]")
    assert "skip-to-content" in first[0] and first[1] == "Skip to content", first
    # furo slides the link into view when it takes focus.
    page.wait_for_function("() => document.activeElement.getBoundingClientRect().top >= 0",
                           timeout=3000)
    # It takes its own line: furo's slid over "Need help now?".
    link = page.locator(".skip-to-content").bounding_box()
    notice = page.locator(".urgent-help-notice strong").bounding_box()
    assert link["y"] + link["height"] <= notice["y"], (link, notice)
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#furo-main-content"
    context.close()


def test_no_text_is_small_print(chromium, served):
    """furo sets its footer, "See also" boxes, code, the sidebar's headings and
    "Previous"/"Next" at 11.4-13 px: every text a reader reads is 14 px or more."""
    context = chromium.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(served + "articles/therapeutic-alliance.html?highlight=alliance")
    page.locator("span.highlighted").first.wait_for()
    sizes = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.checkVisibility() && !e.closest('.visually-hidden')
                     && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .map(e => [parseFloat(getComputedStyle(e).fontSize), e.textContent.trim().slice(0, 30)])
        .filter(([size]) => size < 14)""")
    context.close()
    assert sizes == [], sizes


def test_printed_article_has_no_navigation(chromium, served):
    from pypdf import PdfReader

    context = chromium.new_context()
    page = context.new_page()
    page.goto(served + "articles/therapeutic-alliance.html")
    pdf = page.pdf(format="A4")
    context.close()
    # Compare without spaces (pypdf drops some in headings) and ligatures ("ﬁ").
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = "".join(unicodedata.normalize("NFKC", "".join(p.extract_text() for p in pages)).split())
    assert "Thetherapeuticalliance" in text and "Whatresearchfinds" in text
    for chrome in ("Skip to content", "Look something up", "Download the handbook",
                   "Previous", "Back to top", "On this page"):
        assert chrome.replace(" ", "") not in text, f"printed page shows navigation: {chrome!r}"


# -- Faults the checks must catch ------------------------------------------------------


@pytest.fixture
def broken_site(tmp_path, html_dir):
    copy = tmp_path / "site"
    shutil.copytree(html_dir, copy)
    return copy


def inject(site, page, markup):
    path = site / page
    path.write_text(path.read_text().replace("</article>", markup + "</article>", 1))


def test_image_without_alt_text_is_caught(chromium, broken_site):
    inject(broken_site, "about.html", '<img src="_static/favicon.svg">')
    with serve(broken_site) as base:
        problems = visit(chromium, base, "about.html", "desktop", "light").problems(base)
    assert any(p.startswith("about.html") and "image-alt" in p for p in problems), problems


def test_script_from_another_host_is_caught(chromium, broken_site):
    inject(broken_site, "glossary.html", '<script src="https://cdn.example.com/track.js"></script>')
    with serve(broken_site) as base:
        problems = visit(chromium, base, "glossary.html", "desktop", "light",
                         run_axe=False).problems(base)
    assert any(p.startswith("glossary.html") and "another host" in p and "cdn.example.com" in p
               for p in problems), problems


def test_inline_script_is_blocked_and_reported(chromium, broken_site):
    inject(broken_site, "urgent-help.html",
           "<script>document.title = 'rewritten'</script><p onclick=\"x()\">Tap</p>")
    with serve(broken_site) as base:
        result = visit(chromium, base, "urgent-help.html", "desktop", "light", run_axe=False)
    violations = [p for p in result.problems(base) if "Content-Security-Policy violation" in p]
    assert any("script-src-elem blocked inline" in v for v in violations), violations


@pytest.mark.parametrize("rewrite, caught", [
    # A same-origin script (which the policy allows) changing the numbers later on
    ("setTimeout(() => document.querySelectorAll('a[href^=\"tel:\"]').forEach((a) => {"
     " a.href = 'tel:08001234567'; a.textContent = '0800 123 4567'; }), 3000);",
     "tel: link"),
    ("document.querySelector('.urgent-help-contact').append(' or call 998');",
     "'998', which is not in the data file"),
])
def test_a_rewritten_helpline_is_caught(chromium, broken_site, rewrite, caught):
    (broken_site / "_static" / "rewrite.js").write_text(rewrite)
    inject(broken_site, "urgent-help.html", '<script src="_static/rewrite.js"></script>')
    with serve(broken_site) as base:
        problems = helpline_problems(chromium, base, "urgent-help.html", urgent_help.load())
    assert any(caught in p for p in problems), problems
