"""References: every key exists and is cited, lists per page, the same in every output."""

from __future__ import annotations

import re
import zipfile

import pytest
from conftest import ARTICLES, DOCS, FAQ, html_pages, main_content, soup
from pybtex.database import parse_file

BIB = DOCS / "references.bib"
CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")


def cited_keys_by_page() -> dict[str, set[str]]:
    cited = {}
    for path in DOCS.rglob("*.md"):
        if "_build" in path.parts:
            continue
        keys = {k.strip() for group in CITE_ROLE.findall(path.read_text(encoding="utf-8"))
                for k in group.split(",")}
        if keys:
            cited[str(path.relative_to(DOCS))] = keys
    return cited


def bib_keys() -> list[str]:
    return list(parse_file(str(BIB)).entries.keys())


# -- Sources ------------------------------------------------------------------------


def test_bib_hook_catches_an_unsorted_file_and_a_bad_key(tmp_path):
    """references.bib itself is checked by the pre-commit hook (scripts/check_bib.py),
    which `make check` and `make test` run; here, that the hook can fail."""
    import check_bib

    assert check_bib.problems(BIB) == []
    entries = BIB.read_text(encoding="utf-8").split("\n@")
    unsorted = tmp_path / "references.bib"
    unsorted.write_text("\n@".join([entries[0], entries[2], entries[1], *entries[3:]]))
    assert any("keep entries sorted by key" in p for p in check_bib.problems(unsorted))
    bad_key = tmp_path / "bad-key.bib"
    bad_key.write_text("@misc{Smith_2020, title={A title}, year={2020}}\n")
    assert any("is not authorYEAR" in p for p in check_bib.problems(bad_key))


def test_every_cited_key_exists_and_every_entry_is_cited():
    keys = set(bib_keys())
    cited = cited_keys_by_page()
    unknown = sorted(f"{page}: {k}" for page, ks in cited.items() for k in ks - keys)
    assert not unknown, f"cited keys missing from references.bib: {unknown}"
    all_cited = set().union(*cited.values())
    uncited = sorted(keys - all_cited)
    assert not uncited, f"entries in references.bib that no page cites: {uncited}"


# -- The website ----------------------------------------------------------------------


@pytest.mark.build
@pytest.mark.parametrize("source", [*ARTICLES, FAQ], ids=lambda p: p.stem)
def test_each_citation_links_to_its_own_page_reference_list(html_dir, source):
    relative = str(source.relative_to(DOCS))
    keys = cited_keys_by_page().get(relative, set())
    page = main_content(soup(html_dir / source.relative_to(DOCS).with_suffix(".html")))
    entries = page.select("section#references div.citation")
    assert len(entries) == len(keys), f"{relative}: {len(entries)} entries for {len(keys)} keys"
    citation_links = [a for a in page.find_all("a", href=True)
                      if a.find_parent(class_="citation") is None
                      and re.fullmatch(r"#[\w-]+", a["href"])
                      and page.find(id=a["href"][1:]) is not None
                      and "citation" in page.find(id=a["href"][1:]).get("class", [])]
    in_text = [a for a in page.find_all("a", class_="reference internal")
               if re.search(r"\(|\d{4}", a.get_text()) and a.find_parent(class_="citation") is None]
    for a in in_text:
        href = a["href"]
        assert href.startswith("#"), (
            f"{relative}: citation {a.get_text()} links off the page: {href}")
        assert page.find(id=href[1:]) is not None, f"{relative}: no anchor for {href}"
    assert len(citation_links) >= len(keys)


@pytest.mark.build
def test_bibliography_page_lists_every_cited_work_with_back_links(html_dir):
    page = main_content(soup(html_dir / "references.html"))
    items = page.select("ul li")
    entries = parse_file(str(BIB)).entries
    assert len(items) == len(entries)
    for item in items:
        cited_in = item.find(class_="cited-in")
        assert cited_in is not None and cited_in.find("a"), item.get_text()[:80]
    surnames = [item.get_text().split(",")[0] for item in items]
    # Alphabetical as a reader reads it: "National ..." comes before "NHS".
    assert surnames == sorted(surnames, key=str.casefold), surnames


@pytest.mark.build
def test_per_page_lists_and_bibliography_agree(html_dir):
    bibliography = main_content(soup(html_dir / "references.html")).get_text(" ", strip=True)
    for article in ARTICLES:
        page = main_content(soup(html_dir / "articles" / f"{article.stem}.html"))
        for entry in page.select("section#references div.citation p"):
            text = " ".join(entry.get_text(" ", strip=True).split())
            assert text in " ".join(bibliography.split()), f"{article.stem}: {text[:60]}"


@pytest.mark.build
def test_dois_are_links_to_doi_org(html_dir):
    page = main_content(soup(html_dir / "references.html"))
    dois = [e.fields["doi"] for e in parse_file(str(BIB)).entries.values() if "doi" in e.fields]
    hrefs = {a["href"] for a in page.find_all("a", href=True)}
    missing = [d for d in dois if f"https://doi.org/{d}" not in hrefs]
    assert not missing, f"DOIs without a https://doi.org/ link: {missing}"


@pytest.mark.build
def test_articles_have_cite_this_page(html_dir):
    for article in ARTICLES:
        page = main_content(soup(html_dir / "articles" / f"{article.stem}.html"))
        section = page.find("section", id="cite-this-page")
        assert section is not None, article.stem
        blocks = section.find_all("pre")
        assert len(blocks) == 2 and "@misc{" in blocks[1].get_text(), article.stem


# -- No unresolved citations in any output ------------------------------------------

UNRESOLVED = ("??", "[?]")
RAW_ROLE = "{cite"


def raw_roles_shown_as_code(html_dir) -> int:
    """How often the contributor guide shows the role's syntax on purpose, as code."""
    return sum(code.get_text().count(RAW_ROLE) for path in html_pages(html_dir)
               for code in main_content(soup(path)).find_all("code"))


@pytest.mark.build
def test_no_unresolved_citations_in_html(html_dir):
    for path in html_pages(html_dir):
        content = main_content(soup(path))
        for code in content.find_all("code"):
            code.decompose()
        text = content.get_text()
        for marker in (*UNRESOLVED, RAW_ROLE):
            assert marker not in text, f"{path.name} contains {marker!r}"


@pytest.mark.build
def test_no_unresolved_citations_in_pdf(pdf_text, html_dir):
    for marker in UNRESOLVED:
        assert marker not in pdf_text
    # The contributors' guide, which shows the role's syntax on purpose, is not printed.
    assert RAW_ROLE not in pdf_text


@pytest.mark.build
def test_no_unresolved_citations_in_epub(epub_path, html_dir):
    raw = 0
    with zipfile.ZipFile(epub_path) as epub:
        for name in epub.namelist():
            if name.endswith(".xhtml"):
                text = re.sub(r"<[^>]+>", "", epub.read(name).decode("utf-8"))
                raw += text.count(RAW_ROLE)
                for marker in UNRESOLVED:
                    assert marker not in text, f"{name} contains {marker!r}"
    assert raw == raw_roles_shown_as_code(html_dir)
