"""The build refuses a sentence that reports research without citing it."""

from __future__ import annotations

import re

import pytest
from conftest import main_content, soup
from uncited_claims import reports_research

# -- The rule, sentence by sentence ---------------------------------------------------

MUST_CITE = [
    "About 1 in 20 people said therapy had left them with lasting bad effects.",
    "Two years later 44% no longer had major depression.",
    "Among them, 60 per cent had another episode.",
    "About three in four patients preferred a talking treatment.",
    "Three out of four patients preferred a talking treatment.",
    "A review brought together 295 studies with more than 30,000 patients.",
    "The trial took in 129 adults.",
    "It found a link (a correlation of about 0.28).",
    "The link was moderate (r = .28).",
    "A meta-analysis found that therapy works.",
    "Research shows that the alliance matters.",
    "Research supports them.",
    "The study suggests that gains last.",
    "A Cochrane review compared with waiting lists only.",
    "The evidence indicates that both work.",
    "Researchers found no difference between the therapies.",
    "In the trial, therapy did better than usual care.",
]

NEEDS_NO_CITATION = [
    # Glossary definitions name research without reporting a result.
    "A study that combines the results of many earlier studies, to give a more reliable "
    "overall answer.",
    "A study in which people are put into groups by chance, so that treatments can be "
    "compared fairly.",
    "A review of research published by Cochrane.",
    "In a trial, the people who do not get the treatment being tested.",
    "A correlation shows a link, but not that one thing causes the other.",
    # Explanations and ordinary sentences.
    "This is a point of view, not a research finding.",
    "Ask for a review of how the therapy is going.",
    "Pages are reviewed at least every three years.",
    "Short courses have 16 sessions, once a week.",
    "The programme began in 2008 in 2 places.",
    "Help them contact one of the services above.",
    "Psychodynamic therapists see depression as made of ordinary feelings.",
]


@pytest.mark.parametrize("sentence", MUST_CITE)
def test_sentence_reporting_research_needs_a_citation(sentence):
    assert reports_research(sentence)


@pytest.mark.parametrize("sentence", NEEDS_NO_CITATION)
def test_definition_or_explanation_needs_none(sentence):
    assert not reports_research(sentence)


# -- In a real build ----------------------------------------------------------------------

PAGE = "articles/therapeutic-alliance.md"
UNCITED = "A trial of 129 people found that weekly therapy helped more than usual care."
UNCITED_IN_ONLY = "In the web version only, 44% of readers are counted here."
UNCITED_IN_LIST = "A survey of 14,587 people found lasting bad effects."
CITED_ELSEWHERE_IN_PARAGRAPH = "Its authors found a steady link with outcome."
EXCEPTION = "If 50 in 100 people get better with a treatment and 30 in 100 without it"
EXCEPTION_REASON = "made-up numbers that explain the idea"
UNNEEDED = "Therapy can feel hard at first."
ADDED = f"""
## Test section

{UNCITED}
A plain sentence follows it.

A meta-analysis brought together 295 studies {{cite:p}}`fluckiger2018`.
{CITED_ELSEWHERE_IN_PARAGRAPH}

:::{{only}} html
{UNCITED_IN_ONLY}
:::

- A plain list item.
- {UNCITED_IN_LIST}

A meta-analysis is a study that combines the results of many earlier studies.

{EXCEPTION}, the treatment helped 20 more in every 100.{{uncited}}`{EXCEPTION_REASON}`

{UNNEEDED}{{uncited}}`no reason at all really`
"""


def line_of(path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


@pytest.fixture(scope="module")
def checked(built_copy):
    """The shared copy of the handbook with the test section added, built twice,
    then fixed; put back as committed afterwards."""
    page = built_copy.docs / PAGE
    original = page.read_text(encoding="utf-8")
    page.write_text(original.replace("\n## References\n", ADDED + "\n## References\n"),
                    encoding="utf-8")
    first = built_copy.build()
    again = built_copy.build()
    lines = {text: line_of(page, text) for text in
             (UNCITED, UNCITED_IN_ONLY, UNCITED_IN_LIST, EXCEPTION, UNNEEDED)}
    # Fix the failures: cite one, cut the others; the exception stays.
    fixed_text = page.read_text(encoding="utf-8")
    fixed_text = fixed_text.replace(UNCITED, UNCITED[:-1] + " {cite:p}`fonagy2015`.")
    for cut in (f":::{{only}} html\n{UNCITED_IN_ONLY}\n:::\n", f"- {UNCITED_IN_LIST}",
                UNNEEDED + "{uncited}`no reason at all really`"):
        fixed_text = fixed_text.replace(cut, "")
    page.write_text(fixed_text, encoding="utf-8")
    fixed = built_copy.build()
    yield {"first": first, "again": again, "fixed": fixed, "lines": lines,
           "fixed_exception_line": line_of(page, EXCEPTION)}
    built_copy.restore()


def warning_for(output: str, line: int, sentence: str) -> bool:
    return bool(re.search(
        rf"articles/therapeutic-alliance\.md:{line}: WARNING: this sentence reports research "
        rf"but neither it nor its paragraph cites a source: \"{re.escape(sentence)}\"", output))


@pytest.mark.build
def test_uncited_sentences_fail_the_build_naming_file_line_and_sentence(checked):
    output, lines = checked["first"].output, checked["lines"]
    assert checked["first"].returncode != 0
    assert warning_for(output, lines[UNCITED], UNCITED), output
    assert warning_for(output, lines[UNCITED_IN_LIST], UNCITED_IN_LIST), output


@pytest.mark.build
def test_content_inside_only_blocks_is_checked(checked):
    line = checked["lines"][UNCITED_IN_ONLY]
    assert warning_for(checked["first"].output, line, UNCITED_IN_ONLY), checked["first"].output


@pytest.mark.build
def test_citation_in_the_paragraph_and_definitions_pass(checked):
    output = checked["first"].output
    for passing in (CITED_ELSEWHERE_IN_PARAGRAPH, "A plain sentence follows it",
                    "combines the results of many earlier studies"):
        assert passing not in output, f"flagged: {passing}"
    # The handbook itself passes (its own build fails on any warning).
    assert output.count("WARNING") == 4, output


@pytest.mark.build
def test_marker_on_a_sentence_that_needs_none_fails(checked):
    line = checked["lines"][UNNEEDED]
    assert re.search(
        rf"therapeutic-alliance\.md:{line}: WARNING: \{{uncited\}} marks a sentence that "
        rf"needs no citation; remove the marker: \"{re.escape(UNNEEDED)}\"",
        checked["first"].output), checked["first"].output


@pytest.mark.build
def test_second_build_fails_the_same_way(checked):
    again = checked["again"]
    assert again.returncode != 0
    assert warning_for(again.output, checked["lines"][UNCITED], UNCITED), again.output
    # scripts/build.py builds afresh after a failed build, so the page is re-read;
    # the check's own end-of-build report (Sphinx #725) is tested in test_rebuilds.py.


@pytest.mark.build
def test_every_build_lists_every_exception(checked):
    before, after = checked["lines"][EXCEPTION], checked["fixed_exception_line"]
    for result, line in ((checked["first"], before), (checked["again"], before),
                         (checked["fixed"], after)):
        assert "uncited-claim exceptions (1), each marked {uncited}:" in result.output
        assert re.search(rf"articles/therapeutic-alliance\.md:{line}: {EXCEPTION_REASON}: "
                         rf"\"{re.escape(EXCEPTION)}", result.output), result.output


@pytest.mark.build
def test_fixed_page_builds_and_the_marker_shows_nothing(checked):
    fixed = checked["fixed"]
    assert fixed.returncode == 0, fixed.output
    page = main_content(soup(fixed.html / "articles" / "therapeutic-alliance.html"))
    text = page.get_text(" ", strip=True)
    assert "the treatment helped 20 more in every 100." in text
    assert EXCEPTION_REASON not in text and "uncited" not in str(page)


@pytest.mark.build
def test_handbook_build_lists_its_exceptions(handbook):
    assert "uncited-claim exceptions" in handbook.output
