"""The EPUB handbook, read as e-book readers get it: DAISY Ace (accessibility),
epubcheck (the EPUB standard) and its structure and metadata.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile

import pytest
from conftest import ROOT
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
