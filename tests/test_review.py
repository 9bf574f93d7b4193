"""Review dates, review status and the urgent-help card (health-information standards)."""

from __future__ import annotations

import datetime
import re

import pytest
import urgent_help
from conftest import (
    ARTICLES,
    DOCS,
    FAQ,
    build,
    copy_docs,
    main_content,
    soup,
)
from page_review import STATUS_MEANS, FrontMatterError, parse_review, review_today

GOOD = {
    "summary": "A sentence.",
    "last_reviewed": "2026-11-25",
    "next_review": "2029-11-25",
    "review_status": "not yet reviewed by a clinician",
}
REVIEWED_PAGES = [*ARTICLES, FAQ]


# -- Unit tests of the validation -------------------------------------------------


def test_good_front_matter_parses():
    review = parse_review(GOOD)
    assert review.last_reviewed == datetime.date(2026, 11, 25)
    assert review.next_review == datetime.date(2029, 11, 25)


@pytest.mark.parametrize("field", list(GOOD))
def test_missing_field_is_named(field):
    fields = {k: v for k, v in GOOD.items() if k != field}
    with pytest.raises(FrontMatterError, match=f"no '{field}' field") as error:
        parse_review(fields)
    assert error.value.field == field


@pytest.mark.parametrize("value", ["25/11/2026", "2026-13-01", "next year", "2026-1-5"])
def test_date_not_in_iso_form_is_rejected(value):
    with pytest.raises(FrontMatterError, match="YYYY-MM-DD"):
        parse_review({**GOOD, "last_reviewed": value})


@pytest.mark.parametrize("next_review", ["2026-11-25", "2025-01-01"])
def test_next_review_must_come_after_last_review(next_review):
    with pytest.raises(FrontMatterError, match="must come after"):
        parse_review({**GOOD, "next_review": next_review})


def test_due_for_review_follows_a_moved_calendar(monkeypatch):
    review = parse_review(GOOD)
    monkeypatch.setenv("HANDBOOK_REVIEW_DATE", "2029-11-24")
    assert not review.is_due(review_today())
    monkeypatch.setenv("HANDBOOK_REVIEW_DATE", "2029-11-25")
    assert review.is_due(review_today())
    monkeypatch.delenv("HANDBOOK_REVIEW_DATE")
    assert review_today("2030-06-01") == datetime.date(2030, 6, 1)


# -- What readers get -------------------------------------------------------------------


@pytest.mark.build
@pytest.mark.parametrize("source", REVIEWED_PAGES, ids=lambda p: p.stem)
def test_review_block_under_the_title_on_the_web(html_dir, source):
    page = main_content(soup(html_dir / source.relative_to(DOCS).with_suffix(".html")))
    heading = page.find("h1")
    block = heading.find_next_sibling()
    assert block is not None and "review-block" in block.get("class", []), (
        f"{source.name}: the review block is not directly under the title")
    text = block.get_text(" ", strip=True)
    # The dates are the editors' checks; "reviewed" is kept for a clinician's review.
    assert re.search(r"Last checked by the editors on \d{1,2} [A-Z][a-z]+ \d{4}", text), text
    assert re.search(r"Next check due [A-Z][a-z]+ \d{4}", text), text
    assert "Last reviewed" not in text and "Next review" not in text, text
    # The status, what it means in plain words, and where the standard is set out.
    assert f"Not yet reviewed by a clinician. {STATUS_MEANS['not yet reviewed by a clinician']}" \
        in text, text
    about = block.find("a", string="How we write and check pages")
    assert about and about["href"].split("#")[0].endswith("about.html"), block
    assert "due for its next check" not in text, "a page is marked due with today's date"


@pytest.mark.build
def test_review_block_in_the_pdf(pdf_text):
    flat = " ".join(pdf_text.split())
    count = len(re.findall(
        r"Last checked by the editors on \d{1,2} [A-Z][a-z]+ \d{4} · Next check due", flat))
    assert count == len(REVIEWED_PAGES), f"{count} review blocks in the PDF text"
    # The same words as on the website, defined once (page_review.STATUS_MEANS).
    meaning = STATUS_MEANS["not yet reviewed by a clinician"]
    assert flat.replace("\u2010 ", "").count(meaning) == len(REVIEWED_PAGES), meaning


@pytest.mark.build
def test_summary_is_the_meta_description(html_dir):
    for source in REVIEWED_PAGES:
        summary = re.search(r"^summary: (.+)$", source.read_text(), re.M).group(1)
        page = soup(html_dir / source.relative_to(DOCS).with_suffix(".html"))
        meta = page.find("meta", attrs={"name": "description"})
        assert meta is not None and meta["content"] == summary, source.name


@pytest.mark.build
def test_pages_past_review_date_show_the_due_notice_in_an_incremental_build(site):
    """No file changes, only the calendar: the next build must still show the notice.
    (Bad front matter fails the build: test_rebuilds.py puts each fault in one build.)"""
    assert site.build().returncode == 0  # built with today's date first
    later = site.build(HANDBOOK_REVIEW_DATE="2030-01-01")
    assert later.returncode == 0, later.output
    for source in REVIEWED_PAGES:
        page = soup(later.html / source.relative_to(DOCS).with_suffix(".html"))
        notice = page.find(class_="review-due")
        assert notice is not None and "due for its next check" in notice.get_text(), (
            source.name)


# -- The urgent-help card -------------------------------------------------------------


def helpline_numbers() -> set[str]:
    """The phone numbers, read by the extension's own loader."""
    return {c.phone for tier in urgent_help.load().tiers for c in tier.contacts if c.phone}


@pytest.mark.build
def test_urgent_help_card_matches_the_data_file(html_dir):
    card = soup(html_dir / "urgent-help.html").find(class_="urgent-help-card")
    shown = {a.get_text(strip=True) for a in card.find_all("a", class_="urgent-help-number")}
    assert shown == helpline_numbers()
    for a in card.find_all("a", class_="urgent-help-number"):
        assert a["href"] == "tel:" + a.get_text(strip=True).replace(" ", "")
    assert re.search(r"last checked against their sources on \d{1,2} [A-Z][a-z]+ \d{4}",
                     card.get_text())


# -- Every number carries its source and the date it was checked -----------------------


@pytest.mark.parametrize("field", ["source", "checked"])
def test_a_number_without_its_source_or_date_is_refused_naming_file_and_line(tmp_path, field):
    data = (DOCS / "_data" / "urgent-help.toml").read_text(encoding="utf-8")
    lines = data.splitlines(keepends=True)
    # Drop the field from the Samaritans entry only.
    start = next(i for i, line in enumerate(lines) if "Samaritans" in line)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(f"{field} ="))
    del lines[end]
    broken = tmp_path / "urgent-help.toml"
    broken.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(urgent_help.ConfigError) as error:
        urgent_help.load(broken)
    assert f"{broken}:{start + 1}:" in str(error.value)
    assert f"no {field}" in str(error.value)


@pytest.mark.parametrize("field, unquoted", [("phone", "116123"), ("label", "999"),
                                             ("email", "1"), ("source", "2026-01-01")])
def test_a_value_written_without_quotes_is_refused_naming_file_and_line(tmp_path, field,
                                                                        unquoted):
    """TOML reads an unquoted 116123 as a number; it once stopped the build with
    "'int' object has no attribute 'replace'" and no file or line."""
    lines = (DOCS / "_data" / "urgent-help.toml").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "Samaritans" in line)
    field_line = next(i for i in range(start, len(lines)) if lines[i].startswith(f"{field} ="))
    lines[field_line] = f"{field} = {unquoted}"
    broken = tmp_path / "urgent-help.toml"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(urgent_help.ConfigError) as error:
        urgent_help.load(broken)
    # The contact is found by its label; a label that is a number is found on its own line.
    assert re.match(rf"{re.escape(str(broken))}:({start + 1}|{field_line + 1}): ",
                    str(error.value)), str(error.value)
    assert f'{field} = {unquoted} must be text in quotes' in str(error.value)


@pytest.mark.build
def test_the_build_stops_on_a_number_without_a_source(tmp_path):
    docs = copy_docs(tmp_path)
    data = docs / "_data" / "urgent-help.toml"
    text = data.read_text(encoding="utf-8")
    # Drop the source of Shout's entry (999 cites the same page, so match the label).
    data.write_text(re.sub(r'(^label = "Shout[^\n]*\n(?:(?!source =)[^\n]*\n)*)source = [^\n]*\n',
                           r"\1", text, count=1, flags=re.M), encoding="utf-8")
    result = build("html", tmp_path / "build", source=docs)
    assert result.returncode != 0
    message = r"urgent-help\.toml:\d+: 'Shout.*' has no source"
    assert re.search(message, result.output), result.output


@pytest.mark.build
def test_nation_numbers_in_prose_come_from_the_data_file(html_dir):
    page = main_content(soup(html_dir / "articles" / "getting-therapy-on-the-nhs.html"))
    shown = {a.get_text(strip=True) for a in page.find_all("a", href=re.compile("^tel:"))}
    data = urgent_help.load()
    # Each nation's urgent number, and 999 for when a life is at risk.
    assert shown == {data.contact(nation, "urgent").phone
                     for nation in ("Scotland", "Wales", "Northern Ireland")} | {
        data.contact("UK", "emergency").phone}
