"""Build the handbook's outputs, strictly and atomically.

Usage: python scripts/build.py {html,pdf,epub,handbook} [--source DIR] [--builddir DIR]

The Makefile and the tests both build through this script, so a contributor,
CI and the test suite run Sphinx with the same options.

Each output is built in a work folder (kept between runs, so rebuilds are
incremental) and only copied to its published path when the build succeeded.
When a build fails, the published output is removed rather than left behind
looking current:

    BUILDDIR/html/                  the website
    BUILDDIR/pdf/NAME.pdf           the PDF handbook
    BUILDDIR/pdf/leaflets/SLUG.pdf  a leaflet of each article
    BUILDDIR/epub/NAME.epub         the EPUB handbook

NAME is ``filename`` in docs/_data/handbook.toml.

A build holds a lock on BUILDDIR, and reuses a builder's state only after a
build that passed (scripts/build_state.py).  Faults Sphinx would report with a
traceback are caught first (scripts/source_checks.py) or explained: a build
never ends in a Python traceback.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import build_state
import source_checks

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
# The check of docs/_data/handbook.toml that docs/conf.py makes too.
from data_files import DataFileError  # noqa: E402
from handbook_identity import load  # noqa: E402

# Where the article leaflets go, in the print view, the PDF folder and the site.
LEAFLETS = "leaflets"
# Set when the site will carry the PDF and EPUB (docs/_ext/download_links.py).
DOWNLOADS_TAG = "handbook_downloads"

# Strict everywhere: nitpicky, warnings are errors, but report them all.
SPHINX_OPTIONS = ["-n", "-W", "--keep-going"]
# Parallel jobs for sphinx-build ("auto" = one per core); set HANDBOOK_JOBS to
# change.  A clean -j build gives the same site, byte for byte
# (tests/test_same_output.py), and at 300 articles takes 10.7-11.8 s against
# 14.5-15.4 s serial (2 cores).  It stays off: Sphinx merges what parallel
# readers found without looking for duplicates (StandardDomain.merge_domaindata,
# "XXX duplicates?"), so a label or glossary term defined on two pages fails a
# serial build but passes -j, and links go to either page (hostile review 4);
# and an edit rebuild at 1,000 articles took 3.7-3.9 s against 2.5-2.8 s.
DEFAULT_JOBS = "1"

# How Sphinx reports a problem: "FILE:LINE: WARNING: ...", "FILE: WARNING: ..."
# or, for a fault in no file, "WARNING: ...".
PROBLEM = re.compile(r"^(?:(?P<file>\S.*?)(?::(?P<line>\d+))?: )?(?:WARNING|ERROR|CRITICAL): ")
# The same for this script's own messages: "FILE:LINE: ..." or "FILE: ...".
LOCATED = re.compile(r"^(?P<file>/[^:]*)(?::(?P<line>\d+))?: ")
COLOUR = re.compile(r"\x1b\[[0-9;]*m")
# Sphinx's report on an exception starts with this line and ends with the last
# frame of a traceback, the exception, and where the full traceback is saved.
CRASH_REPORT_STARTS = "Versions"
SAVED_AT = "The full traceback has been saved in:"


class BuildFailed(Exception):
    """A step failed; the message is the last line the contributor reads."""

    def __init__(self, message: str = "The messages above say what went wrong."):
        super().__init__(message)


def what_to_fix(problems: list[re.Match | None]) -> str:
    """The last line of a failed build: it says "file and line" only when true."""
    if problems and all(p and p["line"] for p in problems):
        return "The messages above name the file and line to fix."
    if problems and all(p and p["file"] for p in problems):
        return "The messages above name the file to fix."
    return "The messages above say what went wrong."


def explain_os_error(text: str, builddir: Path) -> str:
    """Advice for an error from the operating system, given its message."""
    if f"[Errno {errno.ENOSPC}]" in text:
        return ("The disk is full. Free some space, then build again "
                "(the next build starts afresh).")
    if any(f"[Errno {code}]" in text for code in (errno.EACCES, errno.EPERM, errno.EROFS)):
        return (f"The build folder {builddir} cannot be written. Make it writable "
                f'(for example `sudo chown -R "$USER" {builddir}`), or build in another '
                "folder: `make html BUILDDIR=/tmp/handbook-build`.")
    return ""


def identity(source: Path) -> dict:
    """The handbook's title, file names and addresses (docs/_data/handbook.toml),
    checked (docs/_ext/handbook_identity.py); DataFileError names file and line."""
    return load(source / "_data" / "handbook.toml")


def run(command: list[str], **kwargs) -> None:
    print("$", " ".join(command), flush=True)
    if subprocess.run(command, **kwargs).returncode != 0:
        raise BuildFailed(f"`{' '.join(command[:4])}` failed; the messages above say why.")


# The stamps of the builders this step has run, written once the step has passed.
_unconfirmed: list[Path] = []


def sphinx(builder: str, source: Path, builddir: Path, options: list[str] = ()) -> Path:
    """Run sphinx-build for one builder into its work folder; return that folder."""
    outdir = builddir / "work" / builder
    doctrees = builddir / "doctrees" / builder  # kept out of the published site
    _unconfirmed.append(build_state.start(builder, [outdir, doctrees]))
    jobs = os.environ.get("HANDBOOK_JOBS", DEFAULT_JOBS)
    run_sphinx([sys.executable, "-m", "sphinx", "-b", builder, *SPHINX_OPTIONS, *options,
                "-j", jobs, "-d", str(doctrees), str(source), str(outdir)], builddir)
    return outdir


def run_sphinx(command: list[str], builddir: Path) -> None:
    """Run Sphinx, passing its messages through but not its crash report: on an
    exception, say what happened and what to do instead of showing a traceback."""
    print("$", " ".join(command), flush=True)
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, errors="replace")
    problems, crash = [], []
    for line in process.stderr:
        plain = COLOUR.sub("", line.rstrip("\n"))
        if crash or plain == CRASH_REPORT_STARTS:
            crash.append(plain)
            continue
        sys.stderr.write(line)
        if match := PROBLEM.match(plain):
            problems.append(match)
    if process.wait() == 0:
        return
    if not crash:
        # Sphinx reports some failed writes as warnings ("error writing file ...").
        raise BuildFailed(explain_os_error(" ".join(p.string for p in problems), builddir)
                          or what_to_fix(problems))
    # The exception is the last line before "The full traceback has been saved in:".
    saved = crash.index(SAVED_AT) if SAVED_AT in crash else len(crash)
    exception = next((line.strip() for line in reversed(crash[:saved]) if line.strip()), "")
    log = crash[saved + 1].strip() if saved + 1 < len(crash) else ""
    print(f"\nSphinx stopped: {exception}", file=sys.stderr)
    # A check of a data file stops Sphinx with an error naming the file to fix.
    named = LOCATED.match(exception.partition(": ")[2])
    raise BuildFailed(explain_os_error(exception, builddir) or (
        what_to_fix(problems or [named]) if problems or named else
        f"This is a fault in the build rather than in a page; the full report is in {log}."))


def publish_file(built: Path, published: Path) -> None:
    """Copy a finished file into place in one rename, so readers never see half of it."""
    published.parent.mkdir(parents=True, exist_ok=True)
    partial = published.with_name(published.name + ".partial")
    shutil.copyfile(built, partial)
    os.replace(partial, published)


def publish_tree(built: Path, published: Path, extra_files: list[Path],
                 downloads_dir: str) -> None:
    partial = published.with_name(published.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    # Sphinx leaves .buildinfo.bak after a configuration change, and an empty
    # _sources folder even with html_copy_source off: neither is for readers.
    shutil.copytree(built, partial, ignore=shutil.ignore_patterns(".buildinfo.bak", "_sources"))
    for extra in extra_files:
        target = partial / downloads_dir / extra.name
        target.parent.mkdir(exist_ok=True)
        if extra.is_dir():
            shutil.copytree(extra, target)
        else:
            shutil.copyfile(extra, target)
    old = published.with_name(published.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if published.exists():
        os.replace(published, old)
    os.replace(partial, published)
    shutil.rmtree(old, ignore_errors=True)


def published_paths(builddir: Path, name: str) -> dict[str, Path]:
    # Each inside BUILDDIR/STEP, the folder a failed step removes (build_steps).
    return {
        "html": builddir / "html",
        "pdf": builddir / "pdf" / f"{name}.pdf",
        "epub": builddir / "epub" / f"{name}.epub",
    }


def build_html(source: Path, builddir: Path, name: str) -> Path:
    paths = published_paths(builddir, name)
    leaflets = paths["pdf"].parent / LEAFLETS
    downloads = [path for path in (paths["pdf"], paths["epub"], leaflets) if path.exists()]
    downloads_dir = identity(source)["downloads_dir"]
    # Articles link to their leaflets only when there are leaflets to publish,
    # and pages link to the PDF and EPUB only when both go into the site
    # (the tag docs/_ext/download_links.py reads): a link never leads to a 404.
    options = (["-D", f"print_leaflet_folder={downloads_dir}/{LEAFLETS}"]
               if leaflets.exists() else [])
    if paths["pdf"].exists() and paths["epub"].exists():
        options += ["-t", DOWNLOADS_TAG]
    publish_tree(sphinx("html", source, builddir, options), paths["html"], downloads,
                 downloads_dir)
    return paths["html"]


def build_pdf(source: Path, builddir: Path, name: str) -> Path:
    """The handbook and the article leaflets, printed from the print view."""
    from print_pdf import PrintFailed, print_pdf

    print_dir = sphinx("print", source, builddir)
    work = builddir / "work" / "pdf"
    shutil.rmtree(work, ignore_errors=True)
    (work / LEAFLETS).mkdir(parents=True)
    pages = [(print_dir / "handbook.html", work / f"{name}.pdf")] + [
        (html, work / LEAFLETS / html.with_suffix(".pdf").name)
        for html in sorted((print_dir / LEAFLETS).glob("*.html"))]
    print(f"$ weasyprint ({len(pages)} PDFs) {print_dir}", flush=True)
    try:
        for html, pdf in pages:
            print_pdf(html, pdf, print_dir, source)
    except PrintFailed as failure:
        print(failure, file=sys.stderr)
        raise BuildFailed("The PDF engine (WeasyPrint) stopped: its message is above.") from None
    published = published_paths(builddir, name)["pdf"]
    publish_tree(work, published.parent, [], "")
    return published


def build_epub(source: Path, builddir: Path, name: str) -> Path:
    epub_dir = sphinx("epub", source, builddir)
    published = published_paths(builddir, name)["epub"]
    publish_file(epub_dir / f"{name}.epub", published)
    return published


def remove_published(path: Path) -> None:
    # Only ever a folder this script publishes into, whatever handbook.toml says.
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=["html", "pdf", "epub", "handbook", "linkcheck"])
    parser.add_argument("--source", type=Path, default=ROOT / "docs")
    parser.add_argument("--builddir", type=Path, default=ROOT / "docs" / "_build")
    args = parser.parse_args(argv)
    source, builddir = args.source.resolve(), args.builddir.resolve()
    # The handbook: the PDF and EPUB first, so the site can offer them for download.
    steps = ["pdf", "epub", "html"] if args.target == "handbook" else [args.target]
    try:
        with build_state.one_build_at_a_time(builddir):
            return build_steps(steps, source, builddir)
    except OSError as error:  # the lock or a folder could not be written
        print(f"{error}\n{explain_os_error(str(error), builddir)}", file=sys.stderr)
        return 1


def checked_identity(source: Path, builddir: Path) -> tuple[str, list[str]]:
    """The PDF and EPUB's file name, and the faults that stop every step: a bad
    handbook.toml, or a published path that would leave the build folder."""
    try:
        handbook = identity(source)
    except DataFileError as error:
        return "", [str(error)]
    paths = published_paths(builddir, handbook["filename"])
    for path in [*paths.values(), paths["html"] / handbook["downloads_dir"]]:
        if not path.resolve().is_relative_to(builddir):
            return "", [f"{source / '_data' / 'handbook.toml'}:1: {path} is outside the "
                        f"build folder {builddir}; filename and downloads_dir are plain names."]
    return handbook["filename"], []


def build_steps(steps: list[str], source: Path, builddir: Path) -> int:
    builders = {"html": build_html, "pdf": build_pdf, "epub": build_epub,
                # Links to other websites: nothing is published, the report is the result.
                "linkcheck": lambda source, builddir, name: sphinx("linkcheck", source, builddir)}
    name, problems = checked_identity(source, builddir)
    problems += source_checks.problems(source)
    for problem in problems:
        print(problem, file=sys.stderr)
    for step in steps:
        try:
            if problems:
                raise BuildFailed(what_to_fix([LOCATED.match(p) for p in problems]))
            result = builders[step](source, builddir, name)
        except (BuildFailed, OSError) as failure:
            advice = str(failure)
            if isinstance(failure, OSError):
                print(f"\n{failure}", file=sys.stderr)
                advice = explain_os_error(str(failure), builddir) or "See the message above."
            # Each step publishes into BUILDDIR/STEP alone (published_paths), so the
            # folder is removed whole: no name from handbook.toml picks what to delete.
            # Later steps' outputs go too: they are the last build's, not this one's.
            removed = [builddir / later for later in steps[steps.index(step):]
                       if later != "linkcheck"]
            for folder in removed:
                remove_published(folder)
            published = f": nothing was published in {', '.join(map(str, removed))}" \
                if removed else ""
            print(f"\nBuild failed ({step}){published}.\n{advice}", file=sys.stderr)
            return 1
        build_state.confirm(_unconfirmed)
        _unconfirmed.clear()
        print(f">> {step}: {result}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
