"""Faster and parallel builds give readers exactly what a plain serial build gives.

The navigation cache (docs/_ext/navigation_cache.py), the bibliography's indexes
(bibtex_speed.py) and ``-j`` must not change one byte of the site.  A grown
handbook (the benchmarks' generator) is built serially with furo's own per-page
navigation and sphinxcontrib-bibtex's own code (``navigation_cache = False``,
``bibtex_speed = False``), serially with both, and with ``-j 4`` (more
workers than cores, so pages finish out of order); every file must match.
The one file left out is ``.buildinfo``, which holds a hash of the
configuration, so differs when ``-D`` changes a setting.  The handbook has no
nested toctree, so a small project with nested branches, an orphan and a page
listed twice checks the marking of expanded branches the same way.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DOCS, build_script, differences
from sandbox import grown_handbook

pytestmark = pytest.mark.build

# .buildinfo holds a hash of the configuration, which -D changes.
UNCOMPARED = frozenset({".buildinfo"})


def sphinx(source: Path, out: Path, *options: str, strict: bool = True) -> None:
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q",
               *(build_script.SPHINX_OPTIONS if strict else []), *options,
               "-d", str(out / "doctrees"), str(source), str(out / "html")]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cached_navigation_and_parallel_builds_match_a_plain_serial_build(tmp_path):
    source = grown_handbook(tmp_path / "grown", 24)
    sphinx(source, tmp_path / "plain", "-j", "1", "-D", "navigation_cache=0",
           "-D", "bibtex_speed=0")
    sphinx(source, tmp_path / "cached", "-j", "1")
    sphinx(source, tmp_path / "parallel", "-j", "4")
    plain = tmp_path / "plain" / "html"
    pages = list(plain.rglob("*.html"))
    assert len(pages) > 30, pages
    assert differences(plain, tmp_path / "cached" / "html", UNCOMPARED) == []
    assert differences(plain, tmp_path / "parallel" / "html", UNCOMPARED) == []


NESTED = {
    "index.rst": "Home\n====\n\n.. toctree::\n   :caption: Parts\n\n   part/index\n   solo\n",
    "solo.rst": "Solo\n====\n\nListed twice.\n",
    "part/index.rst": "Part\n====\n\n.. toctree::\n\n   one\n   deep/index\n   ../solo\n",
    "part/one.rst": "One\n===\n\nText.\n",
    "part/deep/index.rst": "Deep\n====\n\n.. toctree::\n\n   leaf\n",
    "part/deep/leaf.rst": "Leaf\n====\n\nText.\n\nA section\n---------\n\nText.\n",
    "lonely.rst": ":orphan:\n\nLonely\n======\n\nIn no toctree.\n",
}


def test_cached_navigation_marks_nested_branches_as_furo_does(tmp_path):
    source = tmp_path / "nested"
    for name, text in NESTED.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text)
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(DOCS / '_ext')!r})\n"
        "extensions = ['navigation_cache']\nhtml_theme = 'furo'\n")
    # Not strict: a page listed twice is a warning, and is the case under test.
    sphinx(source, tmp_path / "plain", "-D", "navigation_cache=0", strict=False)
    sphinx(source, tmp_path / "cached", strict=False)
    leaf = (tmp_path / "cached" / "html" / "part" / "deep" / "leaf.html").read_text()
    assert 'checked=""' in leaf and "current-page" in leaf
    assert differences(tmp_path / "plain" / "html", tmp_path / "cached" / "html", UNCOMPARED) == []


BIB = """
@book{alpha2001, author = {Ann Alpha}, title = {First}, publisher = {P}, year = {2001}}
@book{beta2002, author = {Ben Beta and Bo Beta}, title = {Second}, publisher = {P}, year = {2002}}
@book{gamma2003, author = {Gil Gamma and Gus Gamut and Guy Gamba}, title = {Third},
         publisher = {P}, year = {2003}}
"""
CITED = ".. bibliography::\n   :filter: docname in docnames\n"
BIBTEX_PAGES = {
    # Pages are read in name order, so the site's entries are: alpha (a_one),
    # beta (b_two), alpha and gamma (c_three), ..., and the :all: list last.
    "index.rst": "Home\n====\n\n.. toctree::\n   :glob:\n\n   *\n",
    "a_one.rst": f"One\n===\n\nSee :cite:p:`alpha2001`.\n\n{CITED}",
    "b_two.rst": f"Two\n===\n\nSee :cite:t:`beta2002`.\n\n{CITED}",
    "c_three.rst": f"Three\n=====\n\nSee :cite:p:`alpha2001,gamma2003`.\n\n{CITED}",
    # No list here: each key resolves to its last list of citations on the
    # site, the keys in the order of their first lists.
    "d_plain.rst": "Plain\n=====\n\nSee :cite:p:`gamma2003,beta2002,alpha2001`.\n",
    # Two lists on one page: the page's own, the last of them.
    "e_twice.rst": f"Twice\n=====\n\nSee :cite:p:`beta2002` and :cite:p:`alpha2001`."
                   f"\n\n{CITED}\n{CITED}",
    # One work's names shortened ("et al.") and in full (:cite:ts:).
    "f_bullets.rst": "Bullets\n=======\n\nSee :cite:t:`gamma2003` and :cite:ts:`gamma2003`.\n\n"
                     f"{CITED}   :list: bullet\n",
    "g_all.rst": "All\n===\n\n.. bibliography::\n   :all:\n   :list: enumerated\n",
}


def test_indexed_bibliography_resolves_and_lists_citations_as_upstream_does(tmp_path):
    """bibtex_speed's narrowing of entries and citations, in the cases the
    handbook does not have: a citation on a page with no list, keys whose first
    and last lists differ in order, two lists on one page, bullet and
    enumerated lists, and (for the remembered names) one work's authors both
    shortened and in full."""
    source = tmp_path / "bib"
    source.mkdir()
    for name, text in BIBTEX_PAGES.items():
        (source / name).write_text(text)
    (source / "refs.bib").write_text(BIB)
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(DOCS / '_ext')!r})\n"
        "extensions = ['bibtex_speed']\nbibtex_bibfiles = ['refs.bib']\n"
        "bibtex_reference_style = 'author_year'\n")
    # Not strict: a work in two lists of one page is a warning, and a case under test.
    sphinx(source, tmp_path / "plain", "-D", "bibtex_speed=0", strict=False)
    sphinx(source, tmp_path / "indexed", strict=False)
    plain = (tmp_path / "plain" / "html" / "d_plain.html").read_text()
    # The case the order of first lists decides is really met.
    assert plain.index("Alpha") < plain.index("Beta") < plain.index("Gamma"), plain
    assert "c_three.html#" in plain and "e_twice.html#" in plain
    both = (tmp_path / "plain" / "html" / "f_bullets.html").read_text()
    assert "et al." in both and "Gamba" in both, both
    assert differences(tmp_path / "plain" / "html", tmp_path / "indexed" / "html", UNCOMPARED) == []
