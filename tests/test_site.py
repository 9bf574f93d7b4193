"""Static checks of the built site: valid HTML, no broken links or anchors, metadata."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from conftest import html_pages, soup
from site_checks import broken_anchor_problems, broken_link_problems, html_validation_problems

pytestmark = pytest.mark.build


def test_html_is_valid(html_dir):
    problems = html_validation_problems(html_dir)
    assert not problems, "\n".join(problems)


def test_no_broken_internal_links_or_anchors(html_dir):
    problems = broken_link_problems(html_dir) + broken_anchor_problems(html_dir)
    assert not problems, "\n".join(problems)


def test_broken_anchor_is_caught(tmp_path, html_dir):
    site = tmp_path / "site"
    shutil.copytree(html_dir, site)
    page = site / "about.html"
    # A link in the page's text (the head's <link rel="prev"> may also point there).
    link = '<a class="reference internal" href="references.html"'
    assert link in page.read_text()
    page.write_text(page.read_text().replace(link, link[:-1] + '#no-such-anchor"', 1))
    problems = broken_anchor_problems(site)
    assert any(p.startswith("about.html") and "no-such-anchor" in p for p in problems), problems


def test_invalid_html_is_caught(tmp_path, html_dir):
    site = tmp_path / "site"
    shutil.copytree(html_dir, site)
    page = site / "glossary.html"
    page.write_text(page.read_text().replace("</article>", "<p><div></p></article>", 1))
    problems = html_validation_problems(site)
    assert any("glossary.html" in p for p in problems), problems


def test_every_page_has_a_description_and_opengraph_tags(html_dir):
    for path in html_pages(html_dir):
        page = soup(path)
        description = page.find("meta", attrs={"name": "description"})
        assert description and len(description["content"]) > 20, path.name
        for prop in ("og:title", "og:description", "og:url", "og:type"):
            tag = page.find("meta", attrs={"property": prop})
            assert tag and tag["content"], f"{path.name}: no {prop}"
        assert not page.find("meta", attrs={"property": "og:image"}), "og:image loads elsewhere"


def test_404_page_and_sitemap(html_dir):
    assert (html_dir / "404.html").is_file()
    assert "Page not found" in (html_dir / "404.html").read_text()
    tree = ET.parse(html_dir / "sitemap.xml")
    urls = [e.text for e in tree.iter() if e.tag.endswith("loc")]
    assert any(u.endswith("articles/therapeutic-alliance.html") for u in urls), urls
    assert not any(re.search(r"(search|genindex|404)\.html$", u) for u in urls)


CODE_ASSETS = ("clipboard.min.js", "copybutton.js", "copybutton.css", "pygments.css",
               "furo-extensions.css")


def test_code_block_assets_load_only_on_pages_with_code(html_dir):
    """docs/_ext/code_assets.py: what a page loads, it uses."""
    problems, with_code = [], 0
    for path in html_pages(html_dir):
        text = path.read_text(encoding="utf-8")
        has_code = '<div class="highlight">' in text
        with_code += has_code
        for asset in CODE_ASSETS:
            if (f"/{asset}?" in text) != has_code:
                problems.append(f"{path.relative_to(html_dir)}: {asset} "
                                f"{'missing' if has_code else 'loaded without a code block'}")
    assert with_code, "no page has a code block: the test checks nothing"
    assert not problems, "\n".join(problems)


def test_every_page_has_one_viewport_tag_and_headed_sidebar_captions(html_dir):
    # docutils' writer added a second viewport tag beside furo's.
    problems = []
    for path in html_pages(html_dir):
        page = soup(path)
        viewports = page.find_all("meta", attrs={"name": "viewport"})
        if len(viewports) != 1:
            problems.append(f"{path.name}: {len(viewports)} viewport tags")
        captions = page.select(".sidebar-drawer p.caption")
        if not captions or any((c.get("role"), c.get("aria-level")) != ("heading", "2")
                               for c in captions):
            problems.append(f"{path.name}: a sidebar caption is no level-2 heading")
    assert not problems, "\n".join(problems)


def test_published_css_and_js_lose_only_their_comments(html_dir):
    """lean_assets.py: what a reader downloads is the source without its comments."""
    import lean_assets

    css = 'a { b: url(data:x/*y*/); } /* why */ c { content: "/* text */"; }'
    assert lean_assets.lean_css(css) == 'a { b: url(data:x/*y*/); }  c { content: "/* text */"; }'
    js = '// why\nconst a = "// text"; // after code\n  /* why */\nb();\n'
    assert lean_assets.lean_js(js) == 'const a = "// text"; // after code\nb();\n'
    published = (html_dir / "_static" / "handbook.css").read_text(encoding="utf-8")
    assert "/*" not in published and "--" in published
