"""The handbook's pages: see-also structure, FAQ labels, glossary, urgent help."""

from __future__ import annotations

import re

import pytest
import urgent_help
from conftest import ARTICLES, DOCS, FAQ, html_pages, main_content, soup, source_pages


def faq_labels() -> list[str]:
    """The label written above each FAQ question, in order."""
    text = FAQ.read_text(encoding="utf-8")
    return re.findall(r"^\((faq-[a-z0-9-]+)\)=\n## ", text, re.M)


# -- Checks of the sources (no build needed) -----------------------------------


def test_every_faq_question_has_its_own_label():
    text = FAQ.read_text(encoding="utf-8")
    # The page's reference list is a section, not a question.
    questions = [q for q in re.findall(r"^## (.+)$", text, re.M) if q != "References"]
    assert len(questions) >= 20
    assert len(faq_labels()) == len(questions), (
        "every '## question' in faq/index.md needs a '(faq-...)=' label on the line above")
    assert len(set(faq_labels())) == len(faq_labels()), "FAQ labels must be unique"


def test_helpline_numbers_are_written_only_in_the_data_file():
    numbers = {number for tier in urgent_help.load().tiers for c in tier.contacts
               for number in (c.phone, c.text) if number}
    offenders = []
    for path in DOCS.rglob("*"):
        relative = path.relative_to(DOCS)
        if (not path.is_file() or relative.parts[0] in {"_build", "_data"}
                or path.suffix not in {".md", ".html", ".py", ".css", ".txt"}):
            continue
        text = path.read_text(encoding="utf-8")
        for number in numbers:
            for match in re.finditer(rf"(?<![\d-]){re.escape(number)}(?![\d-])", text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{relative}:{line}: {number}")
    assert not offenders, ("helpline numbers belong in docs/_data/urgent-help.toml only: "
                           + ", ".join(offenders))


# -- Checks of the built site -------------------------------------------------------


@pytest.mark.build
@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.stem)
def test_article_ends_with_see_also_linking_an_faq_answer(html_dir, article):
    page = soup(html_dir / "articles" / f"{article.stem}.html")
    box = main_content(page).find(class_="seealso")
    assert box is not None, f"{article.name} has no {{seealso}} block"
    links = [a["href"] for a in box.find_all("a", href=True)]
    assert len(links) >= 2, f"{article.name}: see-also needs at least two links, has {links}"
    assert any(re.search(r"faq/index\.html#faq-", href) for href in links), (
        f"{article.name}: see-also needs a link to an FAQ answer, has {links}")
    assert "../urgent-help.html" in links, f"{article.name}: see-also needs Urgent help"
    for href in links:
        target, _, anchor = href.partition("#")
        target_path = (html_dir / "articles" / target).resolve()
        assert target_path.is_file(), f"{article.name}: see-also link {href} is broken"
        if anchor:
            assert soup(target_path).find(id=anchor), f"{article.name}: no anchor for {href}"


@pytest.mark.build
def test_every_faq_question_is_a_section_on_the_web(html_dir):
    # That each question is bookmarked in the PDF: test_pdf.py.
    page = main_content(soup(html_dir / "faq" / "index.html"))
    for label in faq_labels():
        section = page.find("section", id=label)
        assert section is not None, f"no section with id {label} in the FAQ page"
        assert section.find("h2"), f"{label} is not a question's section"


@pytest.mark.build
def test_every_glossary_term_is_used(html_dir):
    glossary = main_content(soup(html_dir / "glossary.html"))
    linked = set()
    for path in html_pages(html_dir):
        if path.name == "glossary.html":
            continue  # a term linked only from the glossary itself is not used
        for a in main_content(soup(path)).find_all("a", href=re.compile(r"glossary\.html#")):
            linked.add(a["href"].rpartition("#")[2])
    unused = []
    for entry in glossary.find_all("dl", class_="glossary"):
        for dt_group in group_terms(entry):
            if not any(dt.get("id") in linked for dt in dt_group):
                unused.append(" / ".join(dt.get_text(strip=True).rstrip("¶") for dt in dt_group))
    assert not unused, f"glossary terms no page links to with {{term}}: {unused}"


def group_terms(dl):
    """Terms that share one definition (a <dt> run before a <dd>) form one entry."""
    group = []
    for child in dl.find_all(["dt", "dd"], recursive=False):
        if child.name == "dt":
            group.append(child)
        elif group:
            yield group
            group = []


@pytest.mark.build
def test_every_page_is_reachable_from_the_home_page(html_dir):
    nav = soup(html_dir / "index.html").find(class_="sidebar-tree")
    linked = {a["href"].split("#")[0] for a in nav.find_all("a", href=True)}
    missing = [str(p) for p in source_pages()
               if str(p) != "index" and f"{p}.html" not in linked]
    assert not missing, f"pages not in the home page's navigation: {missing}"


@pytest.mark.build
def test_urgent_help_notice_is_on_every_page(html_dir):
    missing = []
    for path in html_pages(html_dir):
        notice = soup(path).find(class_="urgent-help-notice")
        if notice is None or not notice.find("a", href=re.compile(r"(urgent-help\.html|^#)$")):
            missing.append(str(path.relative_to(html_dir)))
    assert not missing, f"pages without the urgent-help notice: {missing}"


@pytest.mark.build
def test_home_page_box_names_each_number_once(html_dir):
    box = soup(html_dir / "index.html").find(class_="urgent-help-brief")
    text = box.get_text(" ", strip=True)
    assert "Call 999 or go to A&E" in text, text
    for contact in urgent_help.notice_contacts():
        assert text.count(contact.phone) == 1, f"{contact.phone} in {text!r}"
        assert box.find("a", href=contact.tel_uri), f"{contact.phone} is not a link"


@pytest.mark.build
def test_articles_index_shows_each_summary_from_front_matter(html_dir):
    index = main_content(soup(html_dir / "articles" / "index.html")).get_text(" ", strip=True)
    for article in ARTICLES:
        summary = re.search(r"^summary: (.+)$", article.read_text(encoding="utf-8"), re.M)
        assert summary, f"{article.name} has no summary"
        assert summary.group(1).strip() in index, f"summary of {article.name} not in the index"


@pytest.mark.build
def test_old_finding_a_therapist_address_leads_to_the_new_article(html_dir):
    # The first edition's page; links to it from elsewhere must keep working.
    page = main_content(soup(html_dir / "finding-a-therapist.html"))
    hrefs = [a["href"] for a in page.find_all("a", href=True)]
    assert "articles/choosing-a-therapist-safely.html" in hrefs, hrefs
