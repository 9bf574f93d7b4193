"""Builds that never lie: the same source gives the same verdict on every build,
whatever earlier builds left behind, and errors say what to fix without a traceback.

Most tests share one built copy of the handbook (the session fixture `site`, in
conftest.py), put it back to its committed sources afterwards, and build only
the website.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import build_state
import front_matter
import pytest
from conftest import ROOT, build, differences, soup

pytestmark = pytest.mark.build

LAST_LINE_FILE_AND_LINE = "The messages above name the file and line to fix."


def problems(output: str) -> list[str]:
    return sorted(line for line in output.splitlines() if "WARNING:" in line)


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def assert_no_traceback(output: str) -> None:
    assert "Traceback" not in output and 'File "' not in output, output


# -- A failure sticks until it is fixed ---------------------------------------------


def test_every_fault_fails_every_build_until_fixed(site):
    """Sphinx warns only about pages it re-reads: a second build used to pass.
    Every fault a page can have goes into one build, each named by file and line."""
    good = site.build()
    assert good.returncode == 0 and site.builddir.joinpath("html").exists(), good.output
    site.edit("faq/index.md", lambda text: text + "\nA claim {cite:p}`nobody1999`.\n"
              "\nSee {doc}`no-such-page`.\n\nA slip {cite:p}`crawford2016,`.\n")
    site.edit("about.md", lambda text: text + "\n# A second title\n\nText.\n")
    title_line = (site.docs / "about.md").read_text().splitlines().index("# A second title") + 1
    (site.docs / "stray-page.md").write_text("# A stray page\n\nText.\n")
    # A duplicate of a label two pages link to (on a page Sphinx reads after the
    # original, so that a fresh build reports it on the same page).
    site.edit("glossary.md",
              lambda text: text + "\n(faq-finding-a-therapist)=\n## Twice\n\nText.\n")
    site.edit("articles/therapeutic-alliance.md",
              lambda text: text.replace("summary: What", "summary: [What", 1))
    site.edit("articles/what-is-psychotherapy.md",
              lambda text: re.sub(r"^last_reviewed: .*$", "last_reviewed: 2026-02-30", text,
                                  count=1, flags=re.M))
    # Front matter the review standards refuse (page_review.py), one fault a page.
    site.edit("articles/types-of-talking-therapy.md",
              lambda text: re.sub(r"^review_status: .*\n", "", text, count=1, flags=re.M))
    site.edit("articles/online-and-phone-therapy.md",
              lambda text: re.sub(r"^last_reviewed: .*$", "last_reviewed: 27/11/2026", text,
                                  count=1, flags=re.M))
    site.edit("articles/therapy-and-medication.md",
              lambda text: re.sub(r"^next_review: .*$", "next_review: 2020-01-01", text,
                                  count=1, flags=re.M))

    first, second = site.build(), site.build()
    for result in (first, second):
        assert result.returncode != 0, "a broken source passed:\n" + result.output
        assert not site.builddir.joinpath("html").exists(), "a failed build published a site"
        assert_no_traceback(result.output)
    assert problems(second.output) == problems(first.output), "the second verdict differs"
    found = "\n".join(problems(first.output))
    for expected in [
        r"faq/index\.md:\d+: WARNING: could not find bibtex key \"nobody1999\"",
        r"faq/index\.md:\d+: WARNING: unknown document: 'no-such-page'",
        # sphinxcontrib-bibtex crashed on it, naming no page (citation_syntax.py).
        r"faq/index\.md:\d+: WARNING: malformed citation target: crawford2016,",
        r"docs/stray-page\.md: WARNING: document isn't included in any toctree",
        r"glossary\.md:\d+: WARNING: duplicate label faq-finding-a-therapist",
        # Front matter: one message each, on the line at fault, and no false
        # "no 'summary' field" for a summary that is there.
        r"therapeutic-alliance\.md:2: WARNING: the front matter is not valid YAML",
        r"what-is-psychotherapy\.md:3: WARNING: 'last_reviewed: 2026-02-30' is not a real date",
        r"types-of-talking-therapy\.md:1: WARNING: .*no 'review_status' field",
        r"online-and-phone-therapy\.md:3: WARNING: .*YYYY-MM-DD",
        r"therapy-and-medication\.md:4: WARNING: .*must come after",
        rf"about\.md:{title_line}: WARNING: a second top-level title 'A second title'",
    ]:
        assert re.search(expected, found), f"{expected} not in:\n{found}"
    for page in ("therapeutic-alliance.md", "what-is-psychotherapy.md",
                 "types-of-talking-therapy.md", "online-and-phone-therapy.md",
                 "therapy-and-medication.md"):
        assert len(re.findall(re.escape(page) + r":\d+: WARNING", found)) == 1, found
    assert "no 'summary' field" not in found
    # The stray page's warning has no line: the last line must not claim one.
    assert last_line(first.output) == "The messages above name the file to fix."

    site.restore()
    fixed, again = site.build(), site.build()
    for result in (fixed, again):
        assert result.returncode == 0 and "WARNING" not in result.output, result.output
    # The label removed from the glossary: the pages that link to it still reach the FAQ.
    page = soup(site.builddir / "html" / "articles" / "can-psychotherapy-help-with-depression.html")
    assert page.find("a", href=re.compile(r"\.\./faq/index\.html#faq-finding-a-therapist$"))


def test_a_shallow_clone_fails_every_time_saying_how_to_fix_it(site, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{site.root}", str(clone)],
                   check=True)
    for _ in range(2):
        result = build("html", tmp_path / "build", source=clone / "docs")
        assert result.returncode != 0, result.output
        assert "git fetch --unshallow" in result.output
        assert_no_traceback(result.output)
        assert last_line(result.output) != LAST_LINE_FILE_AND_LINE


# -- Stale state heals ----------------------------------------------------------------


def test_whatever_a_failed_or_killed_build_leaves_the_next_build_heals(site):
    assert site.build().returncode == 0
    # A build on a full disk: Sphinx cannot save its environment (/dev/full).
    site.edit("about.md", lambda text: text + "\nAn edit.\n")
    pickle = site.builddir / "doctrees" / "html" / "environment.pickle"
    pickle.unlink()
    pickle.symlink_to("/dev/full")
    full = site.build()
    assert full.returncode != 0
    assert_no_traceback(full.output)
    assert "No space left on device" in full.output
    assert last_line(full.output).startswith("The disk is full. Free some space")
    # What such a build leaves: a 0-byte .buildinfo, a half-copied site.
    pickle.unlink()
    (site.builddir / "work" / "html" / ".buildinfo").write_text("")
    (site.builddir / "html.partial").mkdir()

    # A build of a broken page killed once it has saved its environment: the
    # next build must still report the fault.
    site.edit("faq/index.md", lambda text: text + "\nA claim {cite:p}`nobody1999`.\n")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "build.py"), "html", "--source", str(site.docs),
         "--builddir", str(site.builddir)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    for line in process.stdout:
        if "writing output" in line:
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.wait()
    broken = site.build()
    assert broken.returncode != 0 and "nobody1999" in broken.output, broken.output

    site.restore()
    healed = site.build()
    assert healed.returncode == 0 and "WARNING" not in healed.output, healed.output
    assert not (site.builddir / "html.partial").exists()


# -- Published outputs are exact -------------------------------------------------------


def published(html: Path) -> dict:
    """What a reader can reach: the files, the sitemap, the search index."""
    sitemap = ET.parse(html / "sitemap.xml")
    index = (html / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(index[index.index("(") + 1:index.rindex(")")])
    return {
        "files": sorted(str(p.relative_to(html)) for p in html.rglob("*") if p.is_file()),
        "sitemap": sorted(e.text for e in sitemap.iter() if e.tag.endswith("loc")),
        "search terms": sorted(index["terms"]),
        "search index entries": sorted(index["indexentries"]),
        "search titles": sorted(index["titles"]),
        "search pages": sorted(index["docnames"]),
    }


def test_an_incremental_build_publishes_what_a_clean_build_would(site, tmp_path):
    made = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "new_article.py"), "passing-page", "A passing page",
         "--docs", str(site.docs)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert site.build().returncode == 0
    # Delete that page again, and edit one article.
    site.restore()
    site.edit("articles/therapeutic-alliance.md",
              lambda text: text + "\nA sentence about a zebrafinch.\n")
    # And a new crisis phrase: search.html names search-words.js by its checksum
    # (?v=), so readers with the old list cached fetch the new one.
    site.edit("_data/search-crisis-phrases.toml",
              lambda text: text.replace("\n]", '\n  "zebrafinch despair",\n]', 1))
    incremental = site.build()
    assert incremental.returncode == 0, incremental.output
    clean = build("html", tmp_path / "clean", source=site.docs)
    assert clean.returncode == 0, clean.output

    search = (incremental.html / "search.html").read_text(encoding="utf-8")
    assert search == (clean.html / "search.html").read_text(encoding="utf-8")
    words = (incremental.html / "_static" / "search-words.js").read_bytes()
    assert b"zebrafinch despair" in words
    assert f'src="_static/search-words.js?v={zlib.crc32(words):08x}"' in search
    got, expected = published(incremental.html), published(clean.html)
    assert "articles/passing-page.html" not in got["files"]
    assert any(t.startswith("zebrafinch") for t in got["search terms"])
    assert "therapeutic alliance" in got["search index entries"]  # from the glossary
    for part in expected:
        assert got[part] == expected[part], f"{part} differs from a clean build"


def pages_written(site, change, builddir: Path | None = None) -> list[str]:
    """Build after CHANGE (into BUILDDIR, by default the site's); the pages
    Sphinx wrote (in its work folder)."""
    builddir = builddir or site.builddir
    assert build("html", builddir, source=site.docs).returncode == 0
    work = builddir / "work" / "html"
    before = {page: page.stat().st_mtime_ns for page in work.rglob("*.html")}
    change()
    result = build("html", builddir, source=site.docs)
    assert result.returncode == 0, result.output
    return sorted(str(page.relative_to(work)) for page, mtime in before.items()
                  if page.stat().st_mtime_ns != mtime)


# The pages Sphinx makes on every build.
ALWAYS_WRITTEN = ["404.html", "genindex.html", "search.html"]


def test_an_edit_to_one_pages_text_writes_only_that_page(site, tmp_path):
    """Writing every page made a one-line edit take 16 s at 300 articles (issue 18)."""
    written = pages_written(site, lambda: site.edit(
        "articles/therapeutic-alliance.md", lambda text: text + "\nA zebrafinch sentence.\n"))
    assert written == sorted(["articles/therapeutic-alliance.html", *ALWAYS_WRITTEN])
    clean = build("html", tmp_path / "clean", source=site.docs)
    assert differences(site.builddir / "html", clean.html) == []


def test_a_build_folder_inside_docs_still_writes_only_the_edited_page(site):
    """`make` builds into docs/_build: what a build leaves there is not a source."""
    written = pages_written(site, lambda: site.edit(
        "articles/therapeutic-alliance.md", lambda text: text + "\nA zebrafinch.\n"),
        builddir=site.docs / "_build")
    assert written == sorted(["articles/therapeutic-alliance.html", *ALWAYS_WRITTEN])


def test_a_commit_rewrites_the_page_whose_date_changed(site, tmp_path):
    """A page shows when it was last changed (from git): committing an edit that
    was already built changes no file, but that page's date."""
    site.edit("articles/therapeutic-alliance.md", lambda text: text + "\nA zebrafinch.\n")
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    try:
        written = pages_written(site, lambda: subprocess.run(
            [*git, "commit", "-qam", "An edit", "--date", "2030-01-02T03:04:05"],
            cwd=site.root, check=True,
            env={**os.environ, "GIT_COMMITTER_DATE": "2030-01-02T03:04:05"}))
        assert written == sorted(["articles/therapeutic-alliance.html", *ALWAYS_WRITTEN])
        clean = build("html", tmp_path / "clean", source=site.docs)
        assert differences(site.builddir / "html", clean.html) == []
    finally:
        subprocess.run(["git", "reset", "-q", "--hard", "HEAD~1"], cwd=site.root, check=True)


def test_a_new_title_rewrites_every_page_that_shows_it(site, tmp_path):
    """The navigation, previous and next links and the article lists show titles."""
    written = pages_written(site, lambda: site.edit(
        "articles/therapeutic-alliance.md",
        lambda text: text.replace("\n# ", "\n# Zebrafinch: ", 1)))
    work = site.builddir / "work" / "html"
    assert written == sorted(str(page.relative_to(work)) for page in work.rglob("*.html"))
    clean = build("html", tmp_path / "clean", source=site.docs)
    assert differences(site.builddir / "html", clean.html) == []
    assert "Zebrafinch: " in (clean.html / "index.html").read_text(encoding="utf-8")


def test_a_new_toctree_caption_rewrites_every_pages_navigation(site, tmp_path):
    """Captions, entry titles and options are not page names: the digest of what
    pages show of each other holds the whole toctree (hostile review 3)."""
    written = pages_written(site, lambda: site.edit(
        "index.md", lambda text: text.replace(":caption: Project", ":caption: Zebrafinch", 1)))
    work = site.builddir / "work" / "html"
    assert written == sorted(str(page.relative_to(work)) for page in work.rglob("*.html"))
    clean = build("html", tmp_path / "clean", source=site.docs)
    assert differences(site.builddir / "html", clean.html) == []


def test_withdrawn_files_leave_the_site(site, tmp_path):
    """Sphinx never deletes a copied image, download or static file whose source
    has gone; a withdrawn file (say, one holding personal data) stayed published."""
    import sphinx

    png = Path(sphinx.__file__).parent / "themes" / "basic" / "static" / "file.png"
    (site.docs / "withdrawn").mkdir()
    (site.docs / "withdrawn" / "picture.png").write_bytes(png.read_bytes())
    (site.docs / "withdrawn" / "data.csv").write_text("a,b\n1,2\n")
    (site.docs / "_static" / "extra.css").write_text("p { margin: 0; }\n")
    (site.docs / "withdrawn" / "page.md").write_text(
        "# A withdrawn page\n\n![A picture](picture.png)\n\n{download}`The data <data.csv>`\n")
    site.edit("index.md",
              lambda text: text.replace("\nglossary\n", "\nglossary\nwithdrawn/page\n", 1))
    first = site.build()
    assert first.returncode == 0, first.output
    published = {str(p.relative_to(site.builddir / "html"))
                 for p in (site.builddir / "html").rglob("*")}
    assert {"withdrawn/page.html", "_images/picture.png", "_static/extra.css"} <= published
    assert any(name.endswith("/data.csv") for name in published)
    site.restore()
    again = site.build()
    assert again.returncode == 0, again.output
    clean = build("html", tmp_path / "clean", source=site.docs)
    assert differences(site.builddir / "html", clean.html) == []
    assert not (site.builddir / "html" / "withdrawn").exists()


# -- One build at a time ------------------------------------------------------------------


def test_a_second_build_waits_for_the_first(site):
    with open(site.builddir / build_state.LOCK, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running build holds it
        lock.truncate(0)
        lock.write("4242")
        lock.flush()
        second = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "build.py"), "html", "--source",
             str(site.docs), "--builddir", str(site.builddir)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        first_line = second.stdout.readline()
        assert "Another build is running" in first_line and "4242" in first_line, first_line
        assert second.poll() is None, "the second build did not wait"
        assert (site.builddir / "html" / "index.html").exists()
    output = first_line + second.communicate()[0]
    assert second.returncode == 0, output
    assert_no_traceback(output)
    assert (site.builddir / "html" / "index.html").exists()


# -- Errors a contributor can act on ------------------------------------------------------


def test_unreadable_sources_fail_naming_file_and_line(site):
    with open(site.docs / "about.md", "ab") as page:
        page.write("\nCaf\u00e9 in Latin-1.\n".encode("latin-1"))
    site.edit("references.bib",
              lambda text: text.replace("title   = {", "title   = {{An unclosed brace, ", 1))
    for _ in range(2):
        result = site.build()
        assert result.returncode != 0
        assert_no_traceback(result.output)
        assert re.search(r"about\.md:\d+: this file is not UTF-8", result.output), result.output
        assert re.search(r"references\.bib:\d+: BibTeX syntax error.*entry that starts on "
                         r"line \d+ \(\w+\)", result.output), result.output
        assert last_line(result.output) == LAST_LINE_FILE_AND_LINE


# A hostile or mistaken handbook.toml: (setting, new line or None to drop it, message).
IDENTITY_FAULTS = [
    ("filename", 'filename = "../../victim/x"', "filename = '../../victim/x' is not allowed"),
    ("downloads_dir", 'downloads_dir = "../.."', "downloads_dir = '../..' is not allowed"),
    ("branch", 'branch = "main\\"><meta http-equiv=\\"refresh\\" content=\\"0\\">"',
     "branch = 'main\"><meta"),
    ("repository", 'repository = "javascript:alert(1)//"', "repository = 'javascript:"),
    ("site", 'site = "https://example.org"', "site = 'https://example.org' is not allowed"),
    ("title", 'title = "The <b>Handbook</b>"', "title = 'The <b>Handbook</b>' is not allowed"),
    ("title", 'title = "The Handbook', "this is not valid TOML"),
    ("code_licence", None, "code_licence is missing"),
]


@pytest.mark.parametrize("key, line, message", IDENTITY_FAULTS,
                         ids=[f"{f[0]}-{i}" for i, f in enumerate(IDENTITY_FAULTS)])
def test_a_bad_handbook_toml_fails_naming_its_line_and_removes_what_was_published(
        site, tmp_path, key, line, message):
    path = site.docs / "_data" / "handbook.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, text in enumerate(lines, 1) if text.startswith(f"{key} ="))
    lines[number - 1:number] = [line] if line else []
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # What earlier builds published, and a folder a traversing filename would delete.
    builddir = tmp_path / "build" / "b"
    victim = builddir.parent / "victim"
    for folder in ("html", "pdf", "epub", "../victim"):
        (builddir / folder).mkdir(parents=True)
        (builddir / folder / "old").write_text("the last build's")
    result = build("handbook", builddir, source=site.docs)
    assert result.returncode != 0
    assert_no_traceback(result.output)
    assert f"{path}:{number if line else 1}: {message}" in result.output, result.output
    assert last_line(result.output) == LAST_LINE_FILE_AND_LINE
    assert not any((builddir / folder).exists() for folder in ("html", "pdf", "epub"))
    assert (victim / "old").exists()


def make_read_only(path: Path, read_only: bool = True) -> None:
    """Root can write through file permissions: it needs the immutable attribute."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-R", "+i" if read_only else "-i", str(path)], check=True)
    else:
        subprocess.run(["chmod", "-R", "a-w" if read_only else "u+w", str(path)], check=True)


def test_a_read_only_build_folder_says_what_to_do(site):
    make_read_only(site.builddir)
    try:
        result = site.build()
    finally:
        make_read_only(site.builddir, False)
    assert result.returncode != 0
    assert_no_traceback(result.output)
    assert f"The build folder {site.builddir} cannot be written" in result.output
    assert "BUILDDIR=" in last_line(result.output)


def test_review_report_names_file_and_line_of_bad_front_matter(site):
    site.edit("articles/therapeutic-alliance.md",
              lambda text: text.replace("summary: What", "summary: [What", 1))
    site.edit("articles/what-is-psychotherapy.md",
              lambda text: re.sub(r"^last_reviewed: .*$", "last_reviewed: 2026-02-30", text,
                                  count=1, flags=re.M))
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "review_report.py"),
                             "--docs", str(site.docs)], capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert_no_traceback(output)
    assert re.search(r"therapeutic-alliance\.md:2: the front matter is not valid YAML", output)
    assert re.search(r"what-is-psychotherapy\.md:3: 'last_reviewed: 2026-02-30' is not a real "
                     "date", output), output
    assert "no 'summary' field" not in output
    assert "faq/index" in result.stdout  # the good pages are still listed


# -- The scaffold keeps what it is given ----------------------------------------------------

TITLE = 'Grief: "why" it\'s #1 and $HOME `touch {pwned}` $(shell touch {pwned})'
SUMMARY = "Loss: \"grief\", 'sorrow', `date`, $(touch {pwned}) #not-a-comment."


def make_new_article(root: Path, **variables: str) -> subprocess.CompletedProcess:
    """`make new-article` in a copy of the project around ROOT/docs."""
    shutil.copy(ROOT / "Makefile", root)
    shutil.copytree(ROOT / "scripts", root / "scripts", dirs_exist_ok=True)
    if not (root / ".venv").exists():
        (root / ".venv").symlink_to(ROOT / ".venv")
    # -o: the environment is there; do not reinstall it.
    return subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "new-article",
         *(f"{name}={value}" for name, value in variables.items())],
        cwd=root, capture_output=True, text=True)


def test_new_article_keeps_title_and_summary_exactly_as_typed(site, tmp_path):
    pwned = tmp_path / "the-shell-ran-this"
    title, summary = TITLE.format(pwned=pwned), SUMMARY.format(pwned=pwned)
    made = make_new_article(site.root, SLUG="grief", TITLE=title, SUMMARY=summary)
    assert made.returncode == 0, made.stdout + made.stderr
    assert not pwned.exists(), "make or the shell ran part of TITLE or SUMMARY"
    page = site.docs / "articles" / "grief.md"
    assert f"\n# {title}\n" in page.read_text()
    assert front_matter.read_file(page)["summary"] == summary

    result = site.build()
    assert result.returncode == 0, result.output
    html = soup(result.html / "articles" / "grief.html")
    assert html.find("meta", attrs={"name": "description"})["content"] == summary
    heading = html.find("h1")
    for anchor in heading.find_all("a", class_="headerlink"):
        anchor.decompose()
    # The backticks mark code, as anywhere in a page's Markdown, and quotes are
    # typeset curly, as on every page.
    straight = heading.get_text().translate(str.maketrans("\u201c\u201d\u2018\u2019", "\"\"''"))
    assert straight == title.replace("`", ""), heading


def test_new_article_refuses_a_slug_too_long_for_a_file_name(site):
    made = make_new_article(site.root, SLUG="-".join(["grief"] * 60), TITLE="Grief")
    assert made.returncode != 0
    assert "too long for a file name" in made.stderr, made.stderr
    assert_no_traceback(made.stdout + made.stderr)
