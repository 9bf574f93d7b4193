"""Benchmark the handbook: build times, what a reader downloads, and growth with size.

Usage: python benchmarks/run.py [--runs N] [--sizes 30,300] [--with-tests] [--check]
(or: make benchmark [SIZE=1000]; make benchmark-check)

Prints tables; it is not part of the test suite's pass or fail.  With --check
it exits non-zero when a budget in BUDGETS is exceeded.  Every build runs on a
throw-away copy of docs/ in a temporary folder, through scripts/build.py, with
the same options as `make`.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import build as handbook_build  # noqa: E402
from sandbox import copy_docs, grown_handbook  # noqa: E402

# The budgets, in one place.  --check fails when a measurement is over one.
BUDGETS = {
    "article first view, gzip KiB": 32.0,
    "article first view, requests": 10,
    "article first view, requests to other hosts": 0,
    "rebuild after editing one article, s": 1.5,
    "clean HTML build + PDF build, s": 30.0,
    # Growth (issue 18), measured on grown handbooks (scripts/sandbox.py).
    "clean HTML build at 300 articles, s": 20.0,
    "rebuild after editing one article at 300 articles, s": 2.0,
    "clean build time per article, 300 articles / 30 articles": 1.5,
}
# The handbook sizes (articles) the growth table measures; the budgets need 30 and 300.
SIZES = [30, 300]

ARTICLE = "articles/can-psychotherapy-help-with-depression"
PAGE_TYPES = {
    "home": "index.html",
    "article": f"{ARTICLE}.html",
    "FAQ": "faq/index.html",
    "references": "references.html",
}


# -- Timing ---------------------------------------------------------------------------


def timed(function, *args, **kwargs) -> float:
    start = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - start


def median_of(runs: int, prepare, action) -> float:
    times = []
    for _ in range(runs):
        prepare()
        times.append(timed(action))
    return statistics.median(times)


def run_build(target: str, source: Path, builddir: Path, jobs: str = "1") -> None:
    env = dict(os.environ, HANDBOOK_JOBS=jobs)
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build.py"), target, "--source", str(source),
         "--builddir", str(builddir)], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"build failed ({target}):\n"
                         f"{result.stdout[-3000:]}{result.stderr[-3000:]}")


def sphinx_only(source: Path, builddir: Path, jobs: str = "1") -> None:
    """The `make live` loop: an incremental sphinx-build, without publishing a copy."""
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", *handbook_build.SPHINX_OPTIONS,
         "-j", jobs, "-d", str(builddir / "doctrees" / "html"), str(source),
         str(builddir / "work" / "html")], check=True, capture_output=True)


def touch_article(source: Path, number: int = [0]) -> None:  # noqa: B006 - a counter
    number[0] += 1
    page = source / f"{ARTICLE}.md"
    page.write_text(page.read_text() + f"\nAn edit for the benchmark, number {number[0]}.\n")


def build_times(runs: int, scratch: Path) -> dict[str, float]:
    source = copy_docs(scratch / "times")
    builddir = scratch / "times-build"

    def clean():
        shutil.rmtree(builddir, ignore_errors=True)

    def clean_builder(builder):
        # The builder's work folder and its doctrees: a build from nothing.
        shutil.rmtree(builddir / "work" / builder, ignore_errors=True)
        shutil.rmtree(builddir / "doctrees" / builder, ignore_errors=True)

    times = {
        "clean HTML build": median_of(runs, clean, lambda: run_build("html", source, builddir)),
        "no-change rebuild": median_of(runs, lambda: None,
                                       lambda: run_build("html", source, builddir)),
        "rebuild after editing one article (make live loop)": median_of(
            runs, lambda: touch_article(source), lambda: sphinx_only(source, builddir)),
        "rebuild after editing one article (make html, with publish)": median_of(
            runs, lambda: touch_article(source), lambda: run_build("html", source, builddir)),
        "clean PDF build": median_of(runs, lambda: clean_builder("print"),
                                     lambda: run_build("pdf", source, builddir)),
        "clean EPUB build": median_of(runs, lambda: clean_builder("epub"),
                                      lambda: run_build("epub", source, builddir)),
    }
    return times


def test_command_time(scratch: Path) -> float:
    clone = scratch / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    shutil.copytree(ROOT / ".venv", clone / ".venv", symlinks=True)
    (clone / ".venv" / ".installed").touch()
    return timed(subprocess.run, ["make", "test"], cwd=clone, check=True,
                 capture_output=True)


# -- What a reader downloads ---------------------------------------------------------------


def reader_costs(html_dir: Path) -> dict[str, dict]:
    from site_checks import browser, first_view, serve

    costs = {}
    with serve(html_dir) as base, browser() as chromium:
        for name, page_path in PAGE_TYPES.items():
            loaded = first_view(chromium, base + page_path)
            sizes = {url: body for url, body in loaded if url.startswith(base)}
            raw = sum(len(body) for body in sizes.values())
            zipped = sum(len(gzip.compress(body, 6)) for body in sizes.values())
            largest = max(sizes, key=lambda url: len(sizes[url]))
            costs[name] = {
                "requests": len(loaded),
                "other hosts": sum(not url.startswith(base) for url, _ in loaded),
                "raw KiB": raw / 1024,
                "gzip KiB": zipped / 1024,
                "largest asset": f"{largest.removeprefix(base).split('?')[0]} "
                                 f"({len(sizes[largest]) / 1024:.1f} KiB)",
            }
    index = html_dir / "searchindex.js"
    costs["search index"] = {"raw KiB": index.stat().st_size / 1024,
                             "gzip KiB": len(gzip.compress(index.read_bytes(), 6)) / 1024}
    return costs


# -- Growth with size -----------------------------------------------------------------


def scale_times(sizes: list[int], runs: int, scratch: Path, with_pdf_up_to: int) -> list[dict]:
    rows = []
    for size in sizes:
        source = grown_handbook(scratch / f"size-{size}", size)
        row = {"articles": size}
        for jobs in ("1", "auto"):
            builddir = scratch / f"size-{size}-build-{jobs}"
            row[f"html j{jobs}"] = timed(run_build, "html", source, builddir, jobs)
        builddir = scratch / f"size-{size}-build-1"
        row["edit rebuild"] = median_of(
            runs, lambda source=source: touch_article(source),
            lambda source=source, builddir=builddir: sphinx_only(source, builddir, "1"))
        if size <= with_pdf_up_to:
            row["pdf"] = timed(run_build, "pdf", source, builddir)
            row["pdf pages"] = pdf_pages(builddir)
        rows.append(row)
    return rows


def pdf_pages(builddir: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(next((builddir / "pdf").glob("*.pdf"))).pages)


# -- Report ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="handbook sizes to time, in articles (the budgets need 30,300)")
    parser.add_argument("--pdf-up-to", type=int, default=300,
                        help="largest size (articles) at which to time the PDF build")
    parser.add_argument("--with-tests", action="store_true", help="also time `make test`")
    parser.add_argument("--check", action="store_true", help="exit 1 if a budget is exceeded")
    args = parser.parse_args(argv)

    print(f"Machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        print(f"\nBuild times (median of {args.runs} runs)")
        times = build_times(args.runs, scratch)
        for name, seconds in times.items():
            print(f"  {name:62} {seconds:7.2f} s")
        if args.with_tests:
            print(f"  {'whole test command (make test), one run':62} "
                  f"{test_command_time(scratch):7.2f} s")

        site = scratch / "times-build" / "html"
        print("\nWhat a reader downloads on first view (phone, empty cache)")
        print(f"  {'page':12} {'requests':>8} {'other hosts':>11} {'raw KiB':>8} "
              f"{'gzip KiB':>8}  largest asset")
        costs = reader_costs(site)
        for name, cost in costs.items():
            if "requests" in cost:
                print(f"  {name:12} {cost['requests']:8d} {cost['other hosts']:11d} "
                      f"{cost['raw KiB']:8.1f} {cost['gzip KiB']:8.1f}  {cost['largest asset']}")
        index = costs["search index"]
        print(f"  search index (searchindex.js): {index['raw KiB']:.1f} KiB raw, "
              f"{index['gzip KiB']:.1f} KiB gzip, loaded only by the search page")

        sizes = [int(size) for size in args.sizes.split(",") if size]
        rows = []
        if sizes:
            print(f"\nGrowth with size (seconds; clean builds one run each, edit rebuild "
                  f"median of {args.runs}; 'jauto' = sphinx-build -j auto)")
            rows = scale_times(sizes, args.runs, scratch, args.pdf_up_to)
            print(f"  {'articles':>8} {'html j1':>8} {'per article':>11} {'html jauto':>10} "
                  f"{'ratio':>6} {'edit rebuild':>12} {'pdf':>8} {'pdf pages':>9}")
            for row in rows:
                ratio = row["html jauto"] / row["html j1"]
                pdf = f"{row['pdf']:8.1f}" if "pdf" in row else f"{'-':>8}"
                pages = f"{row['pdf pages']:9d}" if "pdf pages" in row else f"{'-':>9}"
                print(f"  {row['articles']:8d} {row['html j1']:8.1f} "
                      f"{row['html j1'] / row['articles']:11.3f} "
                      f"{row['html jauto']:10.1f} {ratio:6.2f} {row['edit rebuild']:12.2f} "
                      f"{pdf} {pages}")

    measured = {
        "article first view, gzip KiB": costs["article"]["gzip KiB"],
        "article first view, requests": costs["article"]["requests"],
        "article first view, requests to other hosts": costs["article"]["other hosts"],
        "rebuild after editing one article, s":
            times["rebuild after editing one article (make live loop)"],
        "clean HTML build + PDF build, s": times["clean HTML build"] + times["clean PDF build"],
    }
    by_size = {row["articles"]: row for row in rows}
    if 300 in by_size:
        measured["clean HTML build at 300 articles, s"] = by_size[300]["html j1"]
        measured["rebuild after editing one article at 300 articles, s"] = \
            by_size[300]["edit rebuild"]
        if 30 in by_size:
            measured["clean build time per article, 300 articles / 30 articles"] = (
                by_size[300]["html j1"] / 300) / (by_size[30]["html j1"] / 30)
    print("\nBudgets")
    over = []
    for name, limit in BUDGETS.items():
        if name not in measured:
            print(f"  {name:58} not measured (needs --sizes 30,300)")
            if args.check:
                over.append(name)
            continue
        value = measured[name]
        verdict = "ok" if value <= limit else "OVER"
        if verdict == "OVER":
            over.append(name)
        print(f"  {name:58} {value:8.2f}  (budget {limit:g})  {verdict}")
    if args.check and over:
        print(f"\nOver budget: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
