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

NAME is HANDBOOK_FILENAME in docs/conf.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where the article leaflets go, in the print view, the PDF folder and the site.
LEAFLETS = "leaflets"

# Strict everywhere: nitpicky, warnings are errors, but report them all.
SPHINX_OPTIONS = ["-n", "-W", "--keep-going"]
# Parallel jobs for sphinx-build ("auto" = one per core).  benchmarks/run.py
# measures serial against parallel; set HANDBOOK_JOBS to override.
DEFAULT_JOBS = "1"



class BuildFailed(Exception):
    pass


def conf_value(source: Path, name: str) -> str:
    """A value from the block of conf.py that names the handbook, without importing Sphinx."""
    result = subprocess.run(
        [sys.executable, str(source / "conf.py"), "--print", name],
        check=True, capture_output=True, text=True,
    )
    return result.stdout.strip()


def run(command: list[str], **kwargs) -> None:
    print("$", " ".join(command), flush=True)
    if subprocess.run(command, **kwargs).returncode != 0:
        raise BuildFailed(" ".join(command[:4]))


def sphinx(builder: str, source: Path, builddir: Path, options: list[str] = ()) -> Path:
    """Run sphinx-build for one builder into its work folder; return that folder."""
    outdir = builddir / "work" / builder
    doctrees = builddir / "doctrees" / builder  # kept out of the published site
    jobs = os.environ.get("HANDBOOK_JOBS", DEFAULT_JOBS)
    run([sys.executable, "-m", "sphinx", "-b", builder, *SPHINX_OPTIONS, *options, "-j", jobs,
         "-d", str(doctrees), str(source), str(outdir)])
    return outdir


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
    return {
        "html": builddir / "html",
        "pdf": builddir / "pdf" / f"{name}.pdf",
        "epub": builddir / "epub" / f"{name}.epub",
    }


def build_html(source: Path, builddir: Path, name: str) -> Path:
    paths = published_paths(builddir, name)
    leaflets = paths["pdf"].parent / LEAFLETS
    downloads = [path for path in (paths["pdf"], paths["epub"], leaflets) if path.exists()]
    downloads_dir = conf_value(source, "DOWNLOADS_DIR")
    # Articles link to their leaflets only when there are leaflets to publish.
    options = (["-D", f"print_leaflet_folder={downloads_dir}/{LEAFLETS}"]
               if leaflets.exists() else [])
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
        raise BuildFailed("the PDF engine (WeasyPrint)") from None
    published = published_paths(builddir, name)["pdf"]
    publish_tree(work, published.parent, [], "")
    return published


def build_epub(source: Path, builddir: Path, name: str) -> Path:
    epub_dir = sphinx("epub", source, builddir)
    published = published_paths(builddir, name)["epub"]
    publish_file(epub_dir / f"{name}.epub", published)
    return published


def remove_published(path: Path) -> None:
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
    name = conf_value(source, "HANDBOOK_FILENAME")

    if args.target == "linkcheck":
        # Links to other websites: nothing is published, the report is the result.
        try:
            sphinx("linkcheck", source, builddir)
        except BuildFailed:
            return 1
        return 0

    # The handbook: the PDF and EPUB first, so the site can offer them for download.
    steps = ["pdf", "epub", "html"] if args.target == "handbook" else [args.target]
    builders = {"html": build_html, "pdf": build_pdf, "epub": build_epub}
    paths = published_paths(builddir, name)
    for step in steps:
        try:
            result = builders[step](source, builddir, name)
        except BuildFailed as failure:
            # The PDF step publishes a folder: the handbook and its leaflets.
            remove_published(paths[step].parent if step == "pdf" else paths[step])
            print(f"\nBuild failed ({step}): {failure}. The messages above name the file "
                  f"and line to fix. Nothing was published at {paths[step]}.", file=sys.stderr)
            return 1
        print(f">> {step}: {result}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
