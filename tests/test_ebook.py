"""The EPUB handbook, read as e-book readers get it: DAISY Ace (accessibility),
epubcheck (the EPUB standard) and its structure and metadata.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import pytest
from conftest import DOCS, HANDBOOK, ROOT, page_kinds
from site_checks import CHROMIUM

pytestmark = pytest.mark.build


ACE = ROOT / ".cache" / "ace" / "node_modules" / ".bin" / "ace-puppeteer"


def test_epub_passes_daisy_ace(epub_path, tmp_path):
    assert ACE.exists(), "DAISY Ace is missing: `make test` installs it into .cache/ace"
    result = subprocess.run([str(ACE), "--silent", "--outdir", str(tmp_path), str(epub_path)],
                            capture_output=True, text=True,
                            env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM})
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    violations = [f"{item['earl:testSubject']['url']}: {test['earl:test']['dct:title']}"
                  for item in report["assertions"] for test in item.get("assertions", [])]
    assert not violations, violations
    assert report["earl:result"]["earl:outcome"] == "pass", result.stdout + result.stderr


def test_epub_structure_and_accessibility_metadata(epub_path):
    with zipfile.ZipFile(epub_path) as epub:
        pages = {name: epub.read(name).decode("utf-8") for name in epub.namelist()
                 if name.endswith(".xhtml")}
        package = epub.read("content.opf").decode("utf-8")
    for name, text in pages.items():
        assert re.search(r'<html[^>]* lang="en-GB"', text), f"{name} has no lang"
        assert not re.search(r'<p class="rubric">Footnotes</p>(?!\s*<aside)', text), (
            f"{name}: an empty Footnotes heading")
    assert "genindex.xhtml" not in pages, "a generated index beside the glossary"
    spine = re.findall(r'<itemref idref="([^"]+)"', package)
    first = re.search(rf'<item id="{spine[0]}" href="([^"]+)"', package).group(1)
    assert first == "urgent-help.xhtml", f"the reading order starts with {first}"
    for name, text in pages.items():
        if name not in ("urgent-help.xhtml", "nav.xhtml"):
            assert 'class="urgent-help-pointer"' in text, f"{name}: no pointer to urgent help"
    for needed in ("schema:accessMode", "schema:accessModeSufficient",
                   "schema:accessibilityFeature", "schema:accessibilityHazard",
                   "schema:accessibilitySummary", "dcterms:conformsTo"):
        assert needed in package, f"content.opf has no {needed}"
    cover = re.search(r'<item [^>]*href="([^"]+)"[^>]*properties="cover-image"', package)
    assert cover, "no cover image"
    with zipfile.ZipFile(epub_path) as epub:
        assert epub.read(cover.group(1))[:8] == b"\x89PNG\r\n\x1a\n", "the cover is not a PNG"


def test_epub_passes_epubcheck(epub_path):
    jar = "/usr/share/java/epubcheck.jar"
    result = subprocess.run(["java", "-jar", jar, str(epub_path)],
                            capture_output=True, text=True)
    report = result.stdout + result.stderr
    assert result.returncode == 0 and "0 fatals / 0 errors" in report, report


OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XHTML = {"x": "http://www.w3.org/1999/xhtml"}


def spine(epub: zipfile.ZipFile) -> list[tuple[str, bool]]:
    """The reading order: each document's path in the book, and whether it is linear."""
    package = ET.fromstring(epub.read("content.opf"))
    hrefs = {item.get("id"): item.get("href")
             for item in package.iterfind("opf:manifest/opf:item", OPF)}
    return [(hrefs[ref.get("idref")], ref.get("linear") != "no")
            for ref in package.iterfind("opf:spine/opf:itemref", OPF)]


def title_of(epub: zipfile.ZipFile, name: str) -> str:
    page = ET.fromstring(epub.read(name))
    return "".join(page.find(".//x:h1", XHTML).itertext()).strip()


def test_contents_list_every_chapter_in_reading_order(epub_path):
    """An e-reader's contents reach every chapter, urgent help first, in the
    order the pages are read; the contributors' guide is in neither."""
    with zipfile.ZipFile(epub_path) as epub:
        chapters = [(name, title_of(epub, name)) for name, linear in spine(epub) if linear]
        nav = ET.fromstring(epub.read("nav.xhtml"))
        contents = [(a.get("href"), "".join(a.itertext()).strip())
                    for a in nav.iterfind(".//x:nav/x:ol/x:li/x:a", XHTML)]
        ncx = epub.read("toc.ncx").decode("utf-8")
        ncx_files = {src.split("#")[0] for src in re.findall(r'<content src="([^"]+)"', ncx)}
    assert len(chapters) > 10, chapters
    assert chapters[0][0] == "urgent-help.xhtml"
    assert contents == chapters
    assert ncx_files == {name for name, _ in chapters}
    left_out = {f"{page}.xhtml" for page in page_kinds.source_pages(DOCS)
                if not page_kinds.kind_of(page).printed}
    assert left_out and not left_out & ncx_files, left_out


def test_epub_reads_as_a_patient_gets_it(epub_path):
    """No citation blocks, no "[[#1]]" link markers; real book metadata."""
    with zipfile.ZipFile(epub_path) as epub:
        pages = {name: epub.read(name).decode("utf-8") for name in epub.namelist()
                 if name.endswith(".xhtml")}
        package = ET.fromstring(epub.read("content.opf"))
        linear = dict(spine(epub))
    for name, text in pages.items():
        assert "Cite this page" not in text and "@misc{" not in text, f"{name}: cite block"
        shown = re.sub(r"<[^>]+>", "", text)
        assert not re.search(r"\[#\d+\]", shown), f"{name}: a URL footnote marker"
    for page in page_kinds.source_pages(DOCS):
        if not page_kinds.kind_of(page).printed:
            assert linear[f"{page}.xhtml"] is False, f"{page} is in the reading order"
    metadata = package.find("opf:metadata", OPF)
    identifier = metadata.find("dc:identifier", OPF)
    assert identifier.text == HANDBOOK["site"]
    assert package.get("unique-identifier") == identifier.get("id")
    assert metadata.findtext("dc:description", namespaces=OPF) == HANDBOOK["subtitle"]
    assert metadata.findtext("dc:contributor", namespaces=OPF) == HANDBOOK["contributors"]
    guide = package.find("opf:guide/opf:reference[@type='toc']", OPF)
    assert guide.get("href") == "nav.xhtml"


def test_epub_pages_fit_a_phone(epub_path, chromium, tmp_path):
    """Every page of the book, opened in Chromium on a 360 px screen, has no
    sideways scrolling (long DOIs and addresses wrap)."""
    with zipfile.ZipFile(epub_path) as epub:
        epub.extractall(tmp_path)
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    too_wide = {}
    for document in sorted(tmp_path.rglob("*.xhtml")):
        page.goto(document.as_uri())
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[str(document.relative_to(tmp_path))] = width
    context.close()
    assert not too_wide, too_wide
