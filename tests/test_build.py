"""The handbook builds strictly, completely and atomically."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import DOCS, NOT_PRINTED, ROOT, build, copy_docs, source_pages
from pypdf import PdfReader

pytestmark = pytest.mark.build


def test_build_is_warning_free(handbook):
    assert "WARNING" not in handbook.output, handbook.output


def test_every_page_is_written_to_the_site(html_dir):
    missing = [str(page) for page in source_pages()
               if not (html_dir / page.with_suffix(".html")).is_file()]
    assert not missing, f"pages with no HTML output: {missing}"


def test_doctrees_and_sources_are_not_published(html_dir):
    leaked = [str(p.relative_to(html_dir)) for p in html_dir.rglob("*")
              if p.suffix in {".doctree", ".pickle", ".md"} or p.name == ".buildinfo.bak"]
    assert not leaked, leaked


def pdf_outline_titles(reader: PdfReader) -> list[str]:
    return [item.title for item in reader.outline if not isinstance(item, list)]


def test_pdf_opens_and_its_outline_has_every_chapter(pdf_path):
    reader = PdfReader(pdf_path)
    assert len(reader.pages) > 3
    outline = pdf_outline_titles(reader)
    # Every page but the home page and those left out of print is a chapter of the book.
    left_out = {"index", *NOT_PRINTED}
    chapter_titles = []
    for page in source_pages():
        if str(page) in left_out:
            continue
        text = (DOCS / page.with_suffix(".md")).read_text(encoding="utf-8")
        chapter_titles.append(re.search(r"^# (.+)$", text, re.M).group(1).strip())
    missing = [t for t in chapter_titles if t not in outline]
    assert not missing, f"chapters missing from the PDF outline {outline}: {missing}"


def test_pdf_has_no_empty_bibliography_chapter(pdf_path):
    outline = pdf_outline_titles(PdfReader(pdf_path))
    assert "Bibliography" not in outline


def test_pdf_has_no_unresolved_references(pdf_path):
    text = "\n".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    assert "??" not in text
    assert "[?]" not in text


# -- Faults: a broken source fails the build and names the file -----------------


def break_and_build(tmp_path, page: str, edit) -> str:
    docs = copy_docs(tmp_path)
    path = docs / page
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    result = build("html", tmp_path / "build", source=docs)
    assert result.returncode != 0, "the broken build passed:\n" + result.output
    assert not (tmp_path / "build" / "html").exists(), "a failed build published a site"
    return result.output


def test_dangling_doc_link_fails_naming_the_file(tmp_path):
    output = break_and_build(
        tmp_path, "faq/index.md", lambda text: text + "\nSee {doc}`no-such-page`.\n")
    assert re.search(r"faq/index\.md:\d+: WARNING: unknown document", output), output


def test_unknown_citation_key_fails_naming_the_file(tmp_path):
    output = break_and_build(
        tmp_path, "faq/index.md", lambda text: text + "\nA claim {cite:p}`nobody1999`.\n")
    assert re.search(r"faq/index\.md:\d+: WARNING: .*nobody1999", output), output


def test_page_outside_every_toctree_fails_naming_the_file(tmp_path):
    docs = copy_docs(tmp_path)
    (docs / "articles" / "stray-page.md").write_text("# A stray page\n\nText.\n")
    result = build("html", tmp_path / "build", source=docs)
    assert result.returncode != 0
    assert re.search(r"articles/stray-page\.md: WARNING: document isn't included in any toctree",
                     result.output), result.output


def test_failed_build_removes_the_previous_site(tmp_path):
    docs = copy_docs(tmp_path)
    good = build("html", tmp_path / "build", source=docs)
    assert good.returncode == 0, good.output
    assert (tmp_path / "build" / "html" / "index.html").exists()
    (docs / "index.md").write_text(
        (docs / "index.md").read_text() + "\n{doc}`missing-page`\n")
    bad = build("html", tmp_path / "build", source=docs)
    assert bad.returncode != 0
    assert not (tmp_path / "build" / "html").exists(), "a stale site was left in place"


# -- System packages ------------------------------------------------------------------


def test_missing_system_packages_give_the_exact_commands(tmp_path):
    """Where the script cannot install (no apt-get here), it says what to run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "id", "grep", "sed", "printf", "cat"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    result = subprocess.run(
        [str(bin_dir / "bash"), str(ROOT / "scripts" / "ensure-system-packages"), "pdf",
         "chromium"], capture_output=True, text=True, env={"PATH": str(bin_dir)})
    assert result.returncode == 1, result.stdout + result.stderr
    message = result.stderr
    assert "sudo apt-get update && sudo apt-get install fontconfig fonts-noto-core" in message
    assert "chromium" in message.split("Debian/Ubuntu:")[1].splitlines()[0]
    assert "Fedora:" in message and "sudo dnf install" in message
    assert "macOS:" in message and "brew install" in message
