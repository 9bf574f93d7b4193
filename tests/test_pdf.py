"""The PDF handbook and the article leaflets, read as readers get them (the EPUB:
test_ebook.py).

The PDFs are read with pypdf (text, outline, pages) and pikepdf (structure
tree, fonts, metadata).  ``pdfua`` checks a machine-checkable subset of
PDF/UA-1: passing it is not full PDF/UA conformance.
"""

from __future__ import annotations

import functools
import itertools
import re
import subprocess
import sys
from dataclasses import dataclass
from urllib.parse import urlparse

import pikepdf
import pytest
from conftest import (
    ARTICLES,
    FAQ,
    HANDBOOK,
    NOT_PRINTED,
    ROOT,
    build,
    copy_docs,
    html_pages,
    main_content,
    soup,
)
from pypdf import PdfReader

pytestmark = pytest.mark.build


# -- Reading a PDF --------------------------------------------------------------


def flat(text: str) -> str:
    """Text as a reader reads it: words joined again across line-end hyphens."""
    return " ".join(text.replace("\u2010\n", "").split())


@functools.cache  # extracting the book's text takes seconds; seven tests read it
def page_texts(path) -> tuple[str, ...]:
    return tuple(flat(page.extract_text()) for page in PdfReader(path).pages)


# The page's measure: A4 less print.css's 35 mm margins, in points.
RIGHT_EDGE = 595.28 - 35 / 25.4 * 72
# The foot margin, below the text (print.css: 32 mm).
FOOT = 32 / 25.4 * 72


@dataclass
class Run:
    """A run of text as printed: where, how large, in what colour."""

    text: str
    y: float  # from the page's foot, in points
    size: float  # in points
    colour: tuple[float, ...]


def printed_runs(page) -> list[Run]:
    """The page's text runs with their place, size and fill colour (pypdf's
    visitors: WeasyPrint sets text in pixels, scaled to points by the page's matrix)."""
    runs, colour = [], [(0.0,)]

    def operator(op, args, cm, tm):
        if op in (b"rg", b"g", b"sc", b"scn"):
            colour[0] = tuple(float(a) for a in args)

    def text(chunk, cm, tm, font, size):
        if chunk.strip():
            y = cm[3] * tm[5] + cm[5]
            runs.append(Run(chunk, y, size * abs(tm[0] * cm[0]), colour[0]))

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return runs


def contrast_on_white(colour: tuple[float, ...]) -> float:
    """WCAG 2 contrast ratio of a grey or RGB fill against white paper."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = colour * 3 if len(colour) == 1 else colour
    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return 1.05 / (luminance + 0.05)


def words_past_the_right_margin(path) -> list[str]:
    """Words printed beyond the page's measure (pdftotext's word boxes)."""
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                           text=True, check=True).stdout
    found, page = [], 0
    for line in boxes.splitlines():
        page += "<page " in line
        word = re.search(r'xMax="([\d.]+)"[^>]*>(.*)</word>', line)
        if word and float(word.group(1)) > RIGHT_EDGE + 1:
            found.append(f"{path.name} page {page}: {word.group(2)[:60]}")
    return found


def outline_pages(path) -> dict[str, int]:
    """Each bookmark's title and the page (from 1) it opens."""
    reader = PdfReader(path)
    found = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.setdefault(item.title, reader.get_destination_page_number(item) + 1)

    walk(reader.outline)
    return found


_OPEN: dict = {}


def opened(path) -> pikepdf.Pdf:
    """The PDF, opened once per test session (its objects live as long as it)."""
    if path not in _OPEN:
        _OPEN[path] = pikepdf.open(path)
    return _OPEN[path]


def structure(path) -> list[tuple[str, pikepdf.Dictionary]]:
    """The structure elements in reading order, as (role, element)."""
    elements = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            elements.append((str(node.S), node))
            if "/K" in node:
                walk(node.K)

    walk(opened(path).Root.StructTreeRoot.K)
    return elements


def chapter_pages(path) -> dict[str, int]:
    """The chapters' and FAQ questions' bookmarks, with the page each opens."""
    reader = PdfReader(path)
    questions = set(re.findall(r"^## (.+)$", FAQ.read_text(), re.M)) - {"References"}
    found, seen = {}, set()
    for item in reader.outline:
        items = item if isinstance(item, list) else [item]
        for entry in items:
            if isinstance(entry, list) or (item is not entry and entry.title not in questions):
                continue
            if entry.title in seen:  # two headings of one name: neither can be checked
                found.pop(entry.title, None)
                continue
            seen.add(entry.title)
            found[entry.title] = reader.get_destination_page_number(entry) + 1
    return found


def leaflets(pdf_path):
    return sorted((pdf_path.parent / "leaflets").glob("*.pdf"))


def toctree_titles(html_dir) -> list[str]:
    """Titles of the home page's toctree entries, in order, as the website shows them."""
    nav = soup(html_dir / "index.html").find(class_="sidebar-tree")
    return [a.get_text(strip=True) for a in nav.select("li.toctree-l1 > a")]


def print_excluded_titles(html_dir) -> list[str]:
    excluded = NOT_PRINTED
    return [soup(html_dir / f"{page}.html").find("h1").get_text(strip=True).rstrip("#¶")
            for page in excluded]


@pytest.fixture(scope="module")
def all_pdfs(pdf_path):
    return [pdf_path, *leaflets(pdf_path)]


# -- The book's order and front -------------------------------------------------


def test_outline_is_card_contents_then_the_toctree(pdf_path, html_dir):
    top = [item.title for item in PdfReader(pdf_path).outline if not isinstance(item, list)]
    chapters = [t for t in toctree_titles(html_dir) if t not in print_excluded_titles(html_dir)]
    assert top == ["Need help now?", "Contents", "Introduction", *chapters]


def test_every_article_and_faq_question_is_bookmarked(pdf_path):
    bookmarks = outline_pages(pdf_path)
    titles = [re.search(r"^# (.+)$", a.read_text(), re.M).group(1) for a in ARTICLES]
    questions = re.findall(r"^## (.+)$", FAQ.read_text(), re.M)
    missing = [t for t in titles + questions if t not in bookmarks]
    assert not missing, missing


def test_title_page_with_a_note_about_the_pdf(pdf_path):
    first, second, third = page_texts(pdf_path)[:3]
    assert "The Psychotherapy Handbook" in first
    assert re.search(r"version \d{4}\.\d+", first)
    assert re.search(r"Built on \d{1,2} [A-Z][a-z]+ \d{4}", first)
    squeezed = first.replace(" ", "")
    assert "AboutthisPDF" in squeezed and HANDBOOK["site"] in squeezed
    assert "Creative Commons" in first
    assert second.startswith("Need help now?"), "the urgent-help card follows the title page"
    assert third.startswith("Contents")


def test_urgent_help_card_prints_each_number_once(pdf_path):
    from urgent_help import load

    page = page_texts(pdf_path)[1]
    assert "last checked" in page, "the whole card, its closing line too, fits on one page"
    card = page.split("Need help now?", 1)[1].split("Anywhere else")[0]
    data = load()
    for tier in data.tiers:
        assert tier.heading in card
        for contact in tier.contacts:
            # A number shared by several nations (111) is printed once for each of them.
            for _, value in contact.ways():
                shared = sum(value in [v for _, v in c.ways()]
                             for t in data.tiers for c in t.contacts)
                assert card.count(value) == shared, f"{value} printed {card.count(value)} times"
    headings = [role for role, _ in structure(pdf_path) if re.fullmatch(r"/H\d", role)]
    assert headings[:4] == ["/H1", "/H2", "/H2", "/H2"], "the tiers are headings under the card's"


def test_contents_give_the_page_of_every_chapter_and_question(pdf_path):
    # The contents run from page 3 to the page before the first chapter.
    pages = chapter_pages(pdf_path)
    contents = " ".join(page_texts(pdf_path)[2:pages["Introduction"] - 1])
    for title, page in pages.items():
        if title in ("Need help now?", "Contents") or title not in contents:
            continue
        assert re.search(re.escape(title) + r"[ .]*" + str(page) + r"\b", contents), (
            f"contents: {title} should say page {page}")
    faq = outline_pages(pdf_path)
    for question in re.findall(r"^## (.+)$", FAQ.read_text(), re.M):
        assert question in contents and faq[question]


def link_annotations(path, pages) -> list[pikepdf.Dictionary]:
    """The link annotations on the given pages (numbered from 1)."""
    pdf = opened(path)
    return [a for number in pages for a in pdf.pages[number - 1].get("/Annots", [])
            if a.get("/Subtype") == "/Link"]


def test_contents_entries_are_one_link_each_without_dot_leaders(pdf_path):
    """A screen reader hears each entry once, as one link and its page number:
    no link inside a link, no run of leader dots."""
    pages = range(3, chapter_pages(pdf_path)["Introduction"])
    text = " ".join(page_texts(pdf_path)[page - 1] for page in pages)
    assert ".." not in text, "dot leaders in the contents"
    links = link_annotations(pdf_path, pages)
    entries = len(re.findall(r"^## (.+)$", FAQ.read_text(), re.M)) + len(
        [item for item in PdfReader(pdf_path).outline if not isinstance(item, list)]) - 2
    assert len(links) == entries, (
        f"{len(links)} links for {entries} entries: one link per entry")
    on_contents = {opened(pdf_path).pages[page - 1].objgen for page in pages}
    for _, element in structure(pdf_path):
        if element.S == "/Link" and element.Pg.objgen in on_contents:
            assert element.P.S != "/Link" and element.P.P.S != "/Link", "a link in a link"


def test_helpline_sentences_read_naturally(all_pdfs):
    """A link to another page is not followed by the word "page" (it printed
    "the Urgent help (page 26) page (111)")."""
    for path in all_pdfs:
        text = " ".join(page_texts(path))
        clumsy = re.findall(r".{30}\((?:page \d+|in the handbook)\) page\b.{0,20}", text)
        assert not clumsy, f"{path.name}: {clumsy}"
    book = " ".join(page_texts(all_pdfs[0]))
    assert "call NHS 24 on 111." in book and "Call Lifeline on 0808 808 8000." in book


def test_sources_of_the_numbers_print_site_names_with_the_links_kept(pdf_path):
    from urgent_help import load, site_name

    start = chapter_pages(pdf_path)["Urgent help"]
    text = " ".join(page_texts(pdf_path)[start - 1:start + 3])
    sources = text.split("Where these numbers come from", 1)[1]
    assert "http" not in sources.split("Need help now?")[0], "a web address is printed"
    targets = {str(a.A.URI) for a in link_annotations(pdf_path, range(start, start + 4))
               if "/A" in a and "/URI" in a.A}
    for contact in load().contacts:
        site = site_name(contact.source)
        assert re.search(rf"\({contact.region}\): confirmed on {re.escape(site)}, "
                         r"\d{1,2} [A-Z][a-z]+ \d{4}\.", sources), (contact.region, site)
        assert contact.source in targets, f"{site}: the link lost its address"


def test_glossary_references_give_the_glossarys_page(pdf_path):
    glossary = chapter_pages(pdf_path)["Glossary"]
    text = " ".join(page_texts(pdf_path))
    found = re.findall(r"See [a-zA-Z ]+ in the Glossary \(page (\d+)\)", text)
    assert found and set(found) == {str(glossary)}, found


def test_cross_references_give_the_right_page(pdf_path):
    pages = chapter_pages(pdf_path)
    text = " ".join(page_texts(pdf_path)[3:])
    found = 0
    for title, page in pages.items():
        for match in re.finditer(re.escape(title) + r" \(page (\d+)\)", text):
            found += 1
            assert int(match.group(1)) == page, f"{title} is on page {page}, not {match.group(1)}"
    assert found >= 10, f"only {found} cross-references with a page number"


def test_citations_give_the_page_of_their_reference(pdf_path):
    text = " ".join(page_texts(pdf_path))
    assert re.search(r"\(Hardeveld et al\., 2010 \[page \d+\]\)", text), (
        "no page after a citation")


def test_external_addresses_are_printed(pdf_text):
    text = flat(pdf_text).replace(" ", "")
    assert (HANDBOOK["repository"] + "/issues/new").replace(" ", "") in text


def test_print_leaves_out_screen_only_content(pdf_text, pdf_path, html_dir):
    text = flat(pdf_text)
    for screen_only in ("Cite this page", "@misc", "search box", "cookies", "Edit this page",
                        "Download the whole handbook"):
        assert screen_only not in text, f"{screen_only!r} is in the PDF"
    bookmarks = outline_pages(pdf_path)
    for title in print_excluded_titles(html_dir):
        assert title not in bookmarks


def running_head(path, page: int) -> str:
    """The text in the page's top margin only: 24 mm of an A4 page (595 pt wide)."""
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-x", "0", "-y", "0",
                           "-W", "595", "-H", "68", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout.strip()


def test_running_heads_show_the_chapter_after_its_first_page(pdf_path):
    """A chapter's first page has no page head (its title is there, large);
    every later page of it, the references' last pages too, names the chapter."""
    from print_view import running_head as cut

    reader = PdfReader(pdf_path)
    starts = [(item.title, reader.get_destination_page_number(item) + 1)
              for item in reader.outline if not isinstance(item, list)]
    assert [title for title, _ in starts][-2:] == ["References", "About this handbook"]
    ends = [page - 1 for _, page in starts[1:]] + [len(reader.pages)]
    for (title, start), end in zip(starts, ends, strict=True):
        assert running_head(pdf_path, start) == "", f"page {start} repeats its title {title!r}"
        for page in range(start + 1, end + 1):
            assert running_head(pdf_path, page) == cut(title), f"page {page}: not {title!r}"


def test_every_page_says_where_to_get_urgent_help(all_pdfs):
    """Every page's foot, the first page's too, names the notice's numbers, large
    and dark enough to read, and the page of the full card: on the card's own
    page it says the card is on this page, not the page's own number."""
    from urgent_help import notice_contacts

    numbers = [contact.phone for contact in notice_contacts()]
    for path in all_pdfs:
        card = outline_pages(path)["Need help now?"]
        for number, page in enumerate(PdfReader(path).pages, start=1):
            foot = [run for run in printed_runs(page) if run.y < FOOT]
            text = flat(" ".join(run.text for run in foot))
            where = f"{path.name} page {number}"
            assert text.startswith("Need help now?"), f"{where}: no urgent help at its foot"
            assert all(n in text for n in numbers), f"{where}: {text!r}"
            if number == card:
                assert "on this page" in text and f"page {card}" not in text, f"{where}: {text!r}"
            else:
                assert f"page {card}" in text, f"{where}: {text!r} does not point to page {card}"
            words = [run for run in foot if re.search(r"[A-Za-z]", run.text)]
            assert min(run.size for run in words) >= 10.5, f"{where}: the foot is set small"
            assert min(contrast_on_white(run.colour) for run in words) >= 4.5, (
                f"{where}: the foot's text is too pale (WCAG AA wants 4.5 to 1)")


def test_no_text_runs_into_the_margin(all_pdfs):
    """Long web addresses break within the measure."""
    past = [word for path in all_pdfs for word in words_past_the_right_margin(path)]
    assert not past, past


def test_home_page_box_names_each_number_once(pdf_path):
    from urgent_help import notice_contacts

    start = chapter_pages(pdf_path)["Introduction"]
    intro = " ".join(page_texts(pdf_path)[start - 1:start + 1])
    box = intro.split("In the UK:", 1)[1].split("Outside the UK", 1)[0]
    assert "Call 999 or go to A&E" in box, box
    for contact in notice_contacts():
        assert box.count(contact.phone) == 1, f"{contact.phone} in {box!r}"


def test_document_information(pdf_path):
    reader = PdfReader(pdf_path)
    info = reader.metadata
    assert info.title == "The Psychotherapy Handbook"
    assert info.author == "The handbook's editors"
    assert info.subject and "psychotherapy" in info.subject
    assert info.get("/Keywords") and "depression" in info["/Keywords"]


# -- Tagged PDF (PDF/UA-1) -----------------------------------------------------------


def test_lang_title_and_pdfua_identifier(all_pdfs):
    for path in all_pdfs:
        with pikepdf.open(path) as pdf:
            assert pdf.Root.Lang == "en-GB", path.name
            assert pdf.Root.ViewerPreferences.DisplayDocTitle is True, path.name
            assert pdf.Root.MarkInfo.Marked is True, path.name
            assert pdf.open_metadata().get("pdfuaid:part") == "1", path.name


def test_headings_follow_the_outline_without_skipping_levels(all_pdfs):
    for path in all_pdfs:
        levels = [int(role[2]) for role, _ in structure(path) if re.fullmatch(r"/H\d", role)]
        assert levels and levels[0] == 1, f"{path.name}: the first heading is not H1"
        skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert not skips, f"{path.name}: heading levels skip {skips}"


def test_every_heading_has_text(all_pdfs):
    def marks_content(node) -> bool:
        kid = node.get("/K")
        kids = list(kid) if isinstance(kid, pikepdf.Array) else [kid]
        for item in kids:
            if isinstance(item, pikepdf.Dictionary):
                if marks_content(item):
                    return True
            elif isinstance(item, int):
                return True
        return False

    for path in all_pdfs:
        empty = [role for role, element in structure(path)
                 if re.fullmatch(r"/H\d", role) and not marks_content(element)]
        assert not empty, f"{path.name}: empty headings {empty}"


def test_lists_are_tagged_as_lists(pdf_path):
    roles = [role for role, _ in structure(pdf_path)]
    assert roles.count("/L") >= 10 and roles.count("/LI") >= 50
    elements = structure(pdf_path)
    for role, element in elements:
        if role == "/L":
            kids = [str(k.S) for k in element.K if isinstance(k, pikepdf.Dictionary)]
            assert kids and set(kids) <= {"/LI", "/L", "/Caption"}, kids


def test_tables_have_header_cells(pdf_path):
    def roles_under(element) -> set[str]:
        kids = element.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [kids]
        found = set()
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                found |= {str(kid.S)} | roles_under(kid)
        return found

    for role, element in structure(pdf_path):
        if role == "/Table":
            assert "/TH" in roles_under(element), "a table without header cells"


def test_links_are_link_elements_with_alternative_text(pdf_path):
    pdf = opened(pdf_path)
    parents = pdf.Root.StructTreeRoot.ParentTree.Nums
    by_key = {int(parents[i]): parents[i + 1] for i in range(0, len(parents), 2)}
    links = [a for page in pdf.pages for a in page.get("/Annots", [])
             if a.get("/Subtype") == "/Link"]
    assert len(links) >= 100
    for annotation in links:
        alternative = str(annotation.get("/Contents", ""))
        assert alternative.strip() and not alternative.startswith("p-"), alternative
        element = by_key[int(annotation.StructParent)]
        # A link broken over two lines has a second part inside its Link element.
        assert "/Link" in (element.S, element.P.S), element.S


def test_page_margins_are_artifacts(all_pdfs):
    """Running heads, page numbers and the help line are artifacts, not content:
    every tagged piece of content belongs to the structure tree."""
    for path in all_pdfs:
        reachable = {element.objgen for _, element in structure(path)}
        pdf = opened(path)
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        for index in range(0, len(nums), 2):
            if int(nums[index]) >= len(pdf.pages):
                continue
            orphans = [e for e in nums[index + 1]
                       if isinstance(e, pikepdf.Dictionary) and e.objgen not in reachable]
            # (An MCID with no element is an artifact's old number: null.)
            assert not orphans, f"{path.name} page {int(nums[index]) + 1}: untagged margins"
        for number, page in enumerate(pdf.pages[1:], start=2):
            operators = [(ops, str(op)) for ops, op in pikepdf.parse_content_stream(page)]
            artifacts = [ops for ops, op in operators
                         if op == "BMC" and ops[0] == pikepdf.Name.Artifact]
            assert artifacts, f"{path.name} page {number}: no artifacts"


def test_every_font_is_embedded_with_unicode_mappings(all_pdfs):
    for path in all_pdfs:
        with pikepdf.open(path) as pdf:
            fonts = {font.objgen: font for page in pdf.pages
                     for font in page.Resources.get("/Font", {}).values()}
            assert fonts, path.name
            for font in fonts.values():
                assert "/ToUnicode" in font, f"{path.name}: {font.BaseFont} has no ToUnicode"
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = descendant.FontDescriptor
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (
                    f"{path.name}: {font.BaseFont} is not embedded")
            names = {str(f.BaseFont).split("+")[-1] for f in fonts.values()}
            assert {"Noto-Sans", "Noto-Sans-Bold"} <= names, names


def test_pdfua_subset_reports_no_findings(all_pdfs):
    """pdfua checks a machine-checkable subset of PDF/UA-1, not full conformance."""
    result = subprocess.run([sys.executable, "-m", "pdfua", "check", *map(str, all_pdfs)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# -- Print typography -------------------------------------------------------------


def test_lines_are_at_most_about_75_characters(pdf_path):
    reader = PdfReader(pdf_path)
    help_line = "Need help now?"
    lines = [line for page in reader.pages[3:] for line in page.extract_text().splitlines()
             if len(line) > 40 and help_line not in line and "http" not in line
             and "....." not in line]  # the contents' dot leaders
    average = sum(map(len, lines)) / len(lines)
    assert average <= 75, f"full lines average {average:.0f} characters"
    assert max(map(len, lines)) <= 82, max(lines, key=len)


def test_no_blank_pages(all_pdfs):
    for path in all_pdfs:
        reader = PdfReader(path)
        blank = [number for number, page in enumerate(reader.pages, start=1)
                 if not page.extract_text().strip()]
        assert not blank, f"{path.name}: blank pages {blank}"


# -- Leaflets ------------------------------------------------------------------------


def test_every_article_has_a_leaflet_with_card_and_references(pdf_path):
    made = {path.stem for path in leaflets(pdf_path)}
    assert made == {article.stem for article in ARTICLES}
    for path in leaflets(pdf_path):
        source = next(a for a in ARTICLES if a.stem == path.stem).read_text()
        title = re.search(r"^# (.+)$", source, re.M).group(1)
        text = " ".join(page_texts(path))
        assert title in text and "Need help now?" in text, path.name
        assert "Samaritans" in text
        if "{cite" in source:
            assert "References" in outline_pages(path), f"{path.name}: no references"
        # The leaflet's only page references lead to its own card.
        card = outline_pages(path)["Need help now?"]
        pages = set(re.findall(r"\(page (\d+)\)", text))
        assert pages <= {str(card)}, f"{path.name}: a page number from the book"
        if "{doc}`/urgent-help`" in source:
            assert f"Urgent help (page {card})" in text, path.name
            assert "Urgent help (in the handbook)" not in text, path.name
        top = [item.title for item in PdfReader(path).outline if not isinstance(item, list)]
        assert top == [title, "Need help now?"], f"{path.name}: outline {top}"
        # Pages of the handbook by their titles, not their long addresses.
        assert "in the handbook)" in text, f"{path.name}: its See also names no page"
        assert HANDBOOK["site"] not in text.replace(" ", ""), (
            f"{path.name}: prints the address of a page of the handbook")
    depression = " ".join(page_texts(pdf_path.parent / "leaflets"
                                     / "can-psychotherapy-help-with-depression.pdf"))
    assert depression.count("Driessen, E., Hegelmaier") == 1, "a reference listed twice"


def test_articles_link_to_their_leaflets(html_dir, pdf_path):
    for article in ARTICLES:
        page = html_dir / "articles" / f"{article.stem}.html"
        links = main_content(soup(page)).find_all("a", string="Download this article (PDF)")
        assert len(links) == 1, page.name
        target = (page.parent / links[0]["href"]).resolve()
        assert target.is_file(), f"{page.name}: {links[0]['href']} does not resolve"
        assert target.read_bytes() == (pdf_path.parent / "leaflets" / target.name).read_bytes()


# -- Downloads ------------------------------------------------------------------------


def test_downloads_resolve_on_every_page(html_dir, pdf_path, epub_path):
    # The 404 page links by absolute path, from where the site is published.
    site_path = urlparse(HANDBOOK["site"]).path
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


# -- Faults and edge cases, on a copy of the sources ------------------------------------


def edit(docs, page: str, change) -> None:
    path = docs / page
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_long_title_and_a_table_print_cleanly(tmp_path):
    docs = copy_docs(tmp_path)
    # A scaffolded article (scripts/new_article.py) is printed as a chapter too.
    subprocess.run([sys.executable, str(ROOT / "scripts" / "new_article.py"), "grief",
                    "Grief and depression", "--docs", str(docs)], check=True)
    long_title = ("About this handbook: how it is written, sourced, reviewed and checked, "
                  "and whom to tell when something in it is wrong")
    edit(docs, "about.md", lambda text: text.replace("# About this handbook", f"# {long_title}")
         + "\n## Services\n\n| Service | When |\n| --- | --- |\n| Samaritans | Any time |\n")
    result = build("pdf", tmp_path / "build", source=docs)
    assert result.returncode == 0, result.output
    pdf = result.published("pdf")
    start = chapter_pages(pdf)[long_title]
    assert running_head(pdf, start) == "", "the chapter's first page has a running head"
    head = running_head(pdf, start + 1)
    assert "\n" not in head and head.endswith("…"), f"page {start + 1}: running head {head!r}"
    test_tables_have_header_cells(pdf)
    assert "/Table" in {role for role, _ in structure(pdf)}
    assert "Grief and depression" in chapter_pages(pdf)


def test_a_character_no_font_has_fails_naming_the_page(tmp_path):
    docs = copy_docs(tmp_path)
    edit(docs, "faq/index.md", lambda text: text + "\nA face: \U0001FAE8.\n")
    line = (docs / "faq" / "index.md").read_text(encoding="utf-8").splitlines().index(
        "A face: \U0001FAE8.") + 1
    result = build("pdf", tmp_path / "build", source=docs)
    assert result.returncode != 0
    assert f"faq/index.md:{line}: no font in the PDF can show" in result.output, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "build" / "pdf").exists(), "a failed build published a PDF"
