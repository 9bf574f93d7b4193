"""The PDF handbook and the EPUB: structure, metadata, fonts, links, downloads."""

from __future__ import annotations

import re
import shutil
import subprocess
from urllib.parse import urlparse

import pytest
from conftest import ARTICLES, FAQ, conf_value, html_pages, soup
from pypdf import PdfReader

pytestmark = pytest.mark.build


def toctree_titles(html_dir) -> list[str]:
    """Titles of the home page's toctree entries, in order, as the website shows them."""
    nav = soup(html_dir / "index.html").find(class_="sidebar-tree")
    return [a.get_text(strip=True) for a in nav.select("li.toctree-l1 > a")]


def test_outline_top_level_mirrors_the_toctree(pdf_path, html_dir):
    outline = [item.title for item in PdfReader(pdf_path).outline if not isinstance(item, list)]
    # The home page's own text comes first, as the introduction.
    assert outline == ["Introduction", *toctree_titles(html_dir)]


def squeeze(text: str) -> str:
    # pypdf drops some spaces between words set in the bold heading font.
    return re.sub(r"\s+", "", text)


def test_text_has_every_article_and_faq_question(pdf_text):
    flat = squeeze(pdf_text)
    titles = [re.search(r"^# (.+)$", a.read_text(), re.M).group(1) for a in ARTICLES]
    questions = re.findall(r"^## (.+)$", FAQ.read_text(), re.M)
    missing = [t for t in titles + questions if squeeze(t) not in flat]
    assert not missing, missing


def test_title_page_and_front_matter(pdf_path):
    reader = PdfReader(pdf_path)
    first = " ".join(reader.pages[0].extract_text().split())
    assert "The Psychotherapy Handbook" in first
    assert re.search(r"version \d{4}\.\d+", first)
    assert re.search(r"Built on \d{1,2} \w+ \d{4}", first)
    assert "Creative Commons" in first
    second = reader.pages[1].extract_text()
    assert "Need help now?" in second, "the urgent-help card should follow the title page"
    third = reader.pages[2].extract_text()
    assert "Contents" in third


def test_document_information(pdf_path):
    reader = PdfReader(pdf_path)
    info = reader.metadata
    assert info.title == "The Psychotherapy Handbook"
    assert info.author == "The handbook's editors"
    assert info.subject and "psychotherapy" in info.subject
    assert info.get("/Keywords") and "depression" in info["/Keywords"]
    assert reader.trailer["/Root"].get("/Lang") == "en-GB"


def test_internal_links_exist(pdf_path):
    reader = PdfReader(pdf_path)
    internal = 0
    external = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            if annot.get("/Dest") is not None or (action and action.get("/S") == "/GoTo"):
                internal += 1
            elif action and action.get("/S") == "/URI":
                external += 1
    assert internal >= 50, f"only {internal} internal links"
    assert external >= 10, f"only {external} external links"


def test_every_font_is_embedded(pdf_path):
    assert shutil.which("pdffonts"), "pdffonts (poppler-utils) is needed; make test installs it"
    rows = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True,
                          check=True).stdout.splitlines()[2:]
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert rows and not not_embedded, not_embedded


def test_no_blank_pages(pdf_path):
    reader = PdfReader(pdf_path)
    blank = [number for number, page in enumerate(reader.pages, start=1)
             if not page.extract_text().strip() and not page.images]
    assert not blank, f"blank pages: {blank}"


def test_no_overfull_lines(handbook):
    log = (handbook.builddir / "work" / "latex" / "psychotherapy-handbook.log").read_text(
        errors="replace")
    wide = [float(m) for m in re.findall(r"Overfull \\hbox \((\d+\.\d+)pt too wide", log)]
    assert not [w for w in wide if w > 3.0], f"overfull lines (pt): {wide}"


def test_downloads_resolve_on_every_page(html_dir, pdf_path, epub_path):
    # The 404 page links by absolute path, from where the site is published.
    site_path = urlparse(conf_value("SITE_URL")).path
    for path in html_pages(html_dir):
        links = soup(path).select(".sidebar-downloads a")
        assert len(links) == 2, path.name
        for a in links:
            href = a["href"]
            target = (html_dir / href.removeprefix(site_path) if href.startswith("/")
                      else path.parent / href).resolve()
            assert target.is_file(), f"{path.name}: {href} does not resolve"
    assert (html_dir / "downloads" / pdf_path.name).read_bytes() == pdf_path.read_bytes()
    home = soup(html_dir / "index.html").find("article")
    assert home.find("a", href=f"downloads/{pdf_path.name}"), "no PDF link on the home page"


def test_epub_passes_epubcheck(epub_path):
    jar = "/usr/share/java/epubcheck.jar"
    result = subprocess.run(["java", "-jar", jar, str(epub_path)],
                            capture_output=True, text=True)
    report = result.stdout + result.stderr
    assert result.returncode == 0 and "0 fatals / 0 errors" in report, report
