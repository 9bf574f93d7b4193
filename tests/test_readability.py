"""Pages are written for a wide range of readers (SMOG grade targets)."""

from __future__ import annotations

import sys

import pytest
from conftest import DOCS, ROOT, page_kinds

sys.path.insert(0, str(ROOT / "scripts"))
import readability  # noqa: E402


@pytest.mark.parametrize("path", readability.pages(),
                         ids=lambda p: str(p.relative_to(readability.DOCS)))
def test_page_is_within_its_readability_target(path):
    result = readability.measure(path)
    assert result["smog"] <= result["target"], (
        f"{result['page']}: SMOG grade {result['smog']} is over the target "
        f"{result['target']}; use shorter sentences and plainer words")


def test_prose_leaves_out_citations_headings_and_code():
    text = readability.prose(
        "---\nsummary: x\n---\n# Heading words\n\nA claim {cite:p}`abc2020`.\n\n"
        "```python\ncode here\n```\n\nSee {term}`the bond <therapeutic alliance>`.\n")
    assert text.split() == ["A", "claim.", "See", "the", "bond."]


@pytest.mark.parametrize("kind, target", [
    (page_kinds.ARTICLE, 10), (page_kinds.FAQ, 9), (page_kinds.HELP, 9)],
    ids=["article", "FAQ", "help page"])
def test_targets_are_the_ones_the_handbook_promises(kind, target):
    # Articles at most SMOG 10; pages met in distress at most 9 (issue 12).
    pages = page_kinds.pages_of(DOCS, kind)
    assert pages and {readability.target_for(page) for page in pages} == {target}
    assert {DOCS / f"{page}.md" for page in pages} <= set(readability.pages())


def test_bare_links_count_as_the_title_a_reader_sees():
    text = readability.prose("See {ref}`faq-crisis` and {doc}`therapeutic-alliance`.\n",
                             "articles/what-is-psychotherapy")
    assert text == "See What should I do in a crisis? and The therapeutic alliance."
