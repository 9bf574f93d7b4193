"""What a contributor meets: the article template, edit links, CI and hosting files."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from conftest import ROOT, copy_docs, html_pages, main_content, soup

NEW_ARTICLE = ROOT / "scripts" / "new_article.py"


def new_article(docs, *args):
    return subprocess.run([sys.executable, str(NEW_ARTICLE), *args, "--docs", str(docs)],
                          capture_output=True, text=True)


@pytest.mark.build
def test_scaffolded_article_joins_the_site_in_an_incremental_build(site):
    """The contributor's loop: a site already built, then a new article.  (That it
    is printed too: test_pdf.py's long-title build adds one.)"""
    assert site.build().returncode == 0
    made = new_article(site.docs, "grief-and-depression", "Grief and depression",
                       "--summary", "How grief and depression differ, and where they meet.")
    assert made.returncode == 0, made.stderr
    page = site.docs / "articles" / "grief-and-depression.md"
    assert re.search(r"^last_reviewed: \d{4}-\d{2}-\d{2}$", page.read_text(), re.M)

    built = site.build()
    assert built.returncode == 0 and "WARNING" not in built.output, built.output
    index = main_content(soup(built.html / "articles" / "index.html")).get_text(" ", strip=True)
    assert "Grief and depression" in index
    assert "How grief and depression differ, and where they meet." in index
    sitemap = ET.parse(built.html / "sitemap.xml")
    assert any((e.text or "").endswith("articles/grief-and-depression.html")
               for e in sitemap.iter() if e.tag.endswith("loc"))


@pytest.mark.parametrize("slug", ["Grief", "grief_and_depression", "grief--depression", ""])
def test_new_article_refuses_a_bad_slug(tmp_path, slug):
    made = new_article(tmp_path, slug, "A title")
    assert made.returncode == 2 and "lower-case words joined by hyphens" in made.stderr


def test_new_article_will_not_overwrite(tmp_path):
    docs = copy_docs(tmp_path)
    made = new_article(docs, "therapeutic-alliance", "Again")
    assert made.returncode == 1 and "already exists" in made.stderr


@pytest.mark.build
def test_every_page_has_an_edit_link_to_its_own_source(html_dir):
    generated = {"search.html", "genindex.html", "404.html"}
    for path in html_pages(html_dir):
        if path.name in generated:
            continue
        edit = soup(path).find("a", attrs={"rel": "edit"})
        assert edit is not None, f"{path.name}: no edit link"
        source = re.search(r"/edit/[^/]+/(.+)$", edit["href"]).group(1)
        assert (ROOT / source).is_file(), f"{path.name}: edit link to missing {source}"
        report = soup(path).select_one(".report-problem a")
        page = str(path.relative_to(html_dir).with_suffix(""))
        assert report and "issues/new" in report["href"] and page in report["href"], path.name


@pytest.mark.build
def test_every_page_shows_when_it_was_last_updated(html_dir):
    for path in html_pages(html_dir):
        if path.name in {"search.html", "genindex.html", "404.html"}:
            continue
        text = soup(path).find("footer").get_text(" ", strip=True)
        assert re.search(r"Last updated on \d{2} [A-Z][a-z]+ \d{4}", text), path.name


@pytest.mark.parametrize("path, schema", [
    (".github/workflows/handbook.yml", "vendor.github-workflows"),
    (".readthedocs.yaml", "vendor.readthedocs"),
    (".github/ISSUE_TEMPLATE/content-correction.yml", "vendor.github-issue-forms"),
    (".github/ISSUE_TEMPLATE/new-article.yml", "vendor.github-issue-forms"),
])
def test_ci_and_hosting_files_match_their_schemas(path, schema):
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(ROOT / path)],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.build
def test_a_site_built_without_the_pdf_and_epub_does_not_link_to_them(site):
    """`make html` and `make live` publish no downloads, so no page offers them."""
    built = site.build()  # the website alone, as `make html` builds it
    assert built.returncode == 0, built.output
    assert not (built.html / "downloads").exists()
    for path in html_pages(built.html):
        page = soup(path)
        assert not page.select(".sidebar-downloads"), f"{path.name}: download links"
        hrefs = [a["href"] for a in page.find_all("a", href=True)]
        assert not [h for h in hrefs if "downloads/" in h], f"{path.name}: links a download"


def test_commit_hooks_run_from_a_shell_without_the_venv(tmp_path):
    """After `.venv/bin/pre-commit install`, a commit from a plain shell runs
    every hook: the hooks bring their own tools and need nothing on PATH."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--shared", str(ROOT), str(clone)], check=True)
    # The hooks as they are in this tree, committed or not.
    shutil.copyfile(ROOT / ".pre-commit-config.yaml", clone / ".pre-commit-config.yaml")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=clone, check=True,
                   capture_output=True)
    (clone / "notes.md").write_text("A line that ends in spaces.   \n")
    plain_shell = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
                   # Kept between runs, so the hooks' tools are installed only once.
                   "PRE_COMMIT_HOME": str(ROOT / ".cache" / "pre-commit"),
                   "GIT_AUTHOR_NAME": "A Contributor", "GIT_AUTHOR_EMAIL": "a@example.org",
                   "GIT_COMMITTER_NAME": "A Contributor", "GIT_COMMITTER_EMAIL": "a@example.org"}

    def commit():
        subprocess.run(["git", "add", "-A"], cwd=clone, check=True, env=plain_shell)
        return subprocess.run(["git", "commit", "-q", "-m", "Notes"], cwd=clone, env=plain_shell,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    first = commit()
    assert first.returncode == 1, first.stdout
    assert re.search(r"trim trailing whitespace\.+Failed", first.stdout), first.stdout
    assert "not found" not in first.stdout
    assert (clone / "notes.md").read_text() == "A line that ends in spaces.\n"
    second = commit()
    assert second.returncode == 0, second.stdout
    for hook in ("trim trailing whitespace", "end files with one newline",
                 r"spelling \(British English\)"):
        assert re.search(hook + r"\.+Passed", second.stdout), second.stdout
