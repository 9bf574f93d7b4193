"""Feedback that protects readers: the notice beside every feedback link.

Reports go to GitHub, where anyone can read them.  Every link that starts one
has the notice beside it (public, no personal or health details, Urgent help);
the per-page link fills in the page's address and source file and nothing more;
both issue forms open with the same notice; the EPUB gives the address.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import feedback  # docs/_ext/feedback.py: the notice is worded there
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import HANDBOOK, ROOT, html_pages, soup, source_pages

FORMS = ROOT / ".github" / "ISSUE_TEMPLATE"
NOTICE = feedback.notice_text()
# The link to Urgent help, from any page ("#" on the Urgent help page itself).
URGENT_HELP_HREF = re.compile(r"((^|/)urgent-help\.x?html|^#)$")


def squeeze(text: str) -> str:
    return " ".join(text.split())


def notice_problems(where: str, link) -> list[str]:
    """The notice in the same feedback block as LINK, with its link to Urgent help."""
    block = link.find_parent(class_="feedback")
    notice = block.find(class_="feedback-notice") if block else None
    if notice is None:
        return [f"{where}: no notice beside the feedback link {link['href']}"]
    problems = []
    if squeeze(notice.get_text()) != NOTICE:
        problems.append(f"{where}: the notice reads {squeeze(notice.get_text())!r}, "
                        f"not {NOTICE!r}")
    if not notice.find("a", href=URGENT_HELP_HREF):
        problems.append(f"{where}: the notice has no link to Urgent help")
    return problems


def report_link_problems(name: str, href: str) -> list[str]:
    """The per-page link: the content-correction form, with the page's address and file."""
    url = urlparse(href)
    form = f"{url.scheme}://{url.netloc}{url.path}"
    expected = {
        "template": [feedback.CORRECTION_FORM],
        "page": [HANDBOOK["site"] + name],
        "file": [str(Path("docs", name).with_suffix(".md"))],
    }
    problems = []
    if form != HANDBOOK["repository"] + "/issues/new":
        problems.append(f"{name}: the report link goes to {form}")
    query = parse_qs(url.query, keep_blank_values=True)
    if query != expected:
        problems.append(f"{name}: the report link fills in {query}, not only {expected}")
    elif not (ROOT / expected["file"][0]).is_file():
        problems.append(f"{name}: the report link names {expected['file'][0]}, which is missing")
    return problems


def feedback_problems(folder: Path) -> list[str]:
    """Every HTML page: each link to the issue tracker has the notice beside it, and
    each page made from a source has one report link, filled in as it should be."""
    repository = HANDBOOK["repository"]
    sources = {f"{page}.html" for page in source_pages()}
    problems = []
    for path in html_pages(folder):
        name = str(path.relative_to(folder))
        page = soup(path)
        for link in page.find_all("a", href=re.compile("^" + re.escape(repository + "/issues"))):
            problems += notice_problems(name, link)
        reports = page.select(".page-feedback .report-problem a")
        if name not in sources:
            continue
        if len(reports) != 1:
            problems.append(f"{name}: {len(reports)} report links under the page, not 1")
        else:
            problems += report_link_problems(name, reports[0]["href"])
    return problems


@pytest.mark.build
def test_every_feedback_link_has_the_notice_and_the_report_link_fills_in_only_the_page(
        html_dir):
    problems = feedback_problems(html_dir)
    assert not problems, "\n".join(problems)


@pytest.mark.build
def test_the_pages_own_feedback_paragraphs_have_the_notice(html_dir):
    for page in ("about.html", "contributing.html"):
        block = soup(html_dir / page).find("article").find(class_="feedback")
        assert block and squeeze(block.find(class_="feedback-notice").get_text()) == NOTICE, page


@pytest.mark.build
@pytest.mark.parametrize("damage, expected", [
    # The notice dropped from one page's footer.
    (lambda html: re.sub(r'<p class="feedback-notice">.*?</p>', "", html, count=1, flags=re.S),
     "no notice beside the feedback link"),
    # The notice's link to Urgent help gone.
    (lambda html: html.replace('see <a href="../urgent-help.html">Urgent help</a>',
                               "see Urgent help", 1),
     "no link to Urgent help"),
    # Something more than the page and its file filled in.
    (lambda html: html.replace("&amp;file=", "&amp;body=My+story&amp;file=", 1),
     "not only"),
    # A blank issue, which skips the form and its notice.
    (lambda html: html.replace("/issues/new?template=content-correction.yml&amp;", "/issues/new?",
                               1),
     "not only"),
])
def test_a_footer_without_the_protection_is_caught(tmp_path, html_dir, damage, expected):
    site = tmp_path / "site"
    shutil.copytree(html_dir, site)
    page = site / "articles" / "therapeutic-alliance.html"
    page.write_text(damage(page.read_text()))
    problems = feedback_problems(site)
    assert any(p.startswith("articles/therapeutic-alliance.html") and expected in p
               for p in problems), problems


@pytest.mark.build
def test_a_new_wording_reaches_every_page_in_an_incremental_build(site):
    assert site.build().returncode == 0
    site.edit("_ext/feedback.py",
              lambda text: text.replace("anyone can read them", "anyone may read them"))
    built = site.build()
    assert built.returncode == 0, built.output
    stale = [name for name in ("index.html", "about.html", "articles/therapeutic-alliance.html")
             if "anyone may read them" not in squeeze(soup(built.html / name).get_text())]
    assert not stale, stale


@pytest.mark.parametrize("form", ["content-correction.yml", "new-article.yml"])
def test_issue_form_opens_with_the_notice(form):
    first = yaml.safe_load((FORMS / form).read_text())["body"][0]
    assert first["type"] == "markdown", f"{form}: the notice must come first"
    assert first["attributes"]["value"] == feedback.notice_markdown(HANDBOOK["site"]), (
        f"{form}: the notice differs from NOTICE in docs/_ext/feedback.py")


def test_the_report_link_fills_in_fields_the_form_has():
    form = yaml.safe_load((FORMS / feedback.CORRECTION_FORM).read_text())
    ids = {element.get("id") for element in form["body"]}
    assert set(feedback.PREFILLED_FIELDS) <= ids


@pytest.mark.build
def test_epub_gives_the_feedback_address_with_the_notice(epub_path):
    address = HANDBOOK["repository"] + "/issues/new/choose"
    with zipfile.ZipFile(epub_path) as epub:
        names = set(epub.namelist())
        for page in source_pages():
            name = f"{page}.xhtml"
            assert name in names, name
            xhtml = BeautifulSoup(epub.read(name).decode("utf-8"), "html.parser")
            assert not xhtml.find("a", href=re.compile(r"/issues/new\?")), (
                f"{name}: a link that opens a form; the e-book gives the address")
            block = xhtml.find(class_="page-feedback")
            assert block, f"{name}: no feedback address at the end"
            assert address in squeeze(block.get_text()), name
            problems = notice_problems(name, block.find("a", href=address))
            assert not problems, problems
