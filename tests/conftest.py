"""Shared fixtures: one build of each output per test session.

Builds go through scripts/build.py, the same script the Makefile uses, so the
tests run Sphinx with exactly the options a contributor and CI use.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The handbook's own extensions, so tests can unit-test them, and its scripts.
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
sys.path.insert(0, str(ROOT / "scripts"))
import build as build_script  # noqa: E402  (scripts/build.py)
import page_kinds  # noqa: E402  (docs/_ext/page_kinds.py: which pages are articles, ...)
from sandbox import copy_docs  # noqa: E402, F401  (used by the tests through conftest)

DOCS = ROOT / "docs"
# Tests read Sphinx's messages as plain text.  Sphinx colours them when CI=true
# or FORCE_COLOR is set, even into a pipe (sphinx/_cli/util/colour.py), and
# NO_COLOR wins over both; every build the tests start inherits it.
os.environ["NO_COLOR"] = "1"
# The handbook's title, file names and addresses (docs/_data/handbook.toml).
HANDBOOK = build_script.identity(DOCS)
BUILD_SCRIPT = ROOT / "scripts" / "build.py"


@dataclass
class Build:
    returncode: int
    output: str  # stdout and stderr together, as a contributor sees them
    builddir: Path

    @property
    def html(self) -> Path:
        return self.builddir / "html"

    def published(self, kind: str) -> Path:
        return build_script.published_paths(self.builddir, HANDBOOK["filename"])[kind]


def build(target: str, builddir: Path, source: Path = DOCS, **env: str) -> Build:
    """Build through scripts/build.py; ENV adds variables (HANDBOOK_REVIEW_DATE=...)."""
    result = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), target, "--source", str(source),
         "--builddir", str(builddir)],
        capture_output=True, text=True, env={**os.environ, **env},
    )
    return Build(result.returncode, result.stdout + result.stderr, builddir)


@pytest.fixture(scope="session")
def handbook(tmp_path_factory) -> Build:
    """The whole handbook (PDF, EPUB, then the site with both inside), built once:
    into HANDBOOK_TEST_BUILDDIR when set, so CI publishes the build it tested."""
    builddir = os.environ.get("HANDBOOK_TEST_BUILDDIR") or tmp_path_factory.mktemp("build")
    result = build("handbook", Path(builddir))
    assert result.returncode == 0, result.output
    return result


@pytest.fixture(scope="session")
def html_dir(handbook) -> Path:
    return handbook.html


@pytest.fixture(scope="session")
def pdf_path(handbook) -> Path:
    return handbook.published("pdf")


@pytest.fixture(scope="session")
def epub_path(handbook) -> Path:
    return handbook.published("epub")


# -- A copy of the sources to break, shared by the tests that edit and rebuild -------


@dataclass
class Sandbox:
    root: Path  # a git repository holding docs/
    docs: Path
    builddir: Path

    def build(self, **env) -> Build:
        return build("html", self.builddir, source=self.docs, **env)

    def edit(self, page: str, change) -> None:
        path = self.docs / page
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")

    def restore(self) -> None:
        for command in (["git", "reset", "-q", "--hard"], ["git", "clean", "-qfdx"]):
            subprocess.run(command, cwd=self.root, check=True)


@pytest.fixture(scope="session")
def built_copy(tmp_path_factory) -> Sandbox:
    """A copy of the handbook built once as a website (no PDF or EPUB beside it);
    each test edits it through `site` and gets it back as committed."""
    root = tmp_path_factory.mktemp("sources")
    sandbox = Sandbox(root, copy_docs(root), tmp_path_factory.mktemp("sandbox-build"))
    first = sandbox.build()
    assert first.returncode == 0, first.output
    return sandbox


@pytest.fixture
def site(built_copy) -> Sandbox:
    yield built_copy
    built_copy.restore()


# -- A browser and a server, shared by every browser test ----------------------------


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole session (each test opens its own context)."""
    from site_checks import CHROMIUM, browser

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed; make test installs it"
    with browser() as instance:
        yield instance


@pytest.fixture(scope="session")
def served(html_dir):
    """The built site, served once for the whole session."""
    from site_checks import serve

    with serve(html_dir) as base:
        yield base


def source_pages() -> list[Path]:
    """Every page of the handbook, as a path relative to docs/ without suffix.

    Orphan pages (front matter ``orphan: true``) are left out: they are old
    addresses kept so that links to them still work, each pointing on to where
    its content now lives, and are not part of the book.
    """
    return sorted(
        p.relative_to(DOCS).with_suffix("")
        for p in DOCS.rglob("*.md")
        if not any(part.startswith(("_", ".")) for part in p.relative_to(DOCS).parts)
        and not p.read_text(encoding="utf-8").startswith("---\norphan: true\n")
    )


# -- Reading what readers get -----------------------------------------------------


def html_pages(html_dir: Path) -> list[Path]:
    """Every page a reader can open (not the assets)."""
    from site_checks import site_pages

    return [html_dir / page for page in site_pages(html_dir)]


def differences(expected: Path, actual: Path, uncompared: frozenset = frozenset()) -> list[str]:
    """Every file that is not the same, byte for byte, in two built sites
    (leaving out the file names in UNCOMPARED)."""
    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and p.name not in uncompared}

    want, got = files(expected), files(actual)
    problems = [f"only in one build: {name}" for name in sorted(want.keys() ^ got.keys())]
    problems += [f"differs: {name}" for name in sorted(want.keys() & got.keys())
                 if want[name] != got[name]]
    return problems


def soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def main_content(page):
    """The page's article, without the theme's navigation."""
    return page.find("article", attrs={"role": "main"})


@pytest.fixture(scope="session")
def pdf_text(pdf_path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(pdf_path).pages)


ARTICLES = [DOCS / f"{page}.md" for page in page_kinds.pages_of(DOCS, page_kinds.ARTICLE)]
(FAQ,) = [DOCS / f"{page}.md" for page in page_kinds.pages_of(DOCS, page_kinds.FAQ)]
# Pages the PDF and the print view leave out.
NOT_PRINTED = [page for page in page_kinds.source_pages(DOCS)
               if not page_kinds.kind_of(page).printed]
