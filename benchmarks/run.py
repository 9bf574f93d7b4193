"""Benchmark the handbook: build times, what a reader downloads, and growth with size.

Usage: python benchmarks/run.py [--runs N] [--scales 1,10,100] [--with-tests] [--check]
(or: make benchmark; make benchmark-check)

Prints tables; it is not part of the test suite's pass or fail.  With --check
it exits non-zero when a budget in BUDGETS is exceeded.  Every build runs on a
throw-away copy of docs/ in a temporary folder, through scripts/build.py, with
the same options as `make`.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
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
import page_kinds  # noqa: E402
from sandbox import commit_all, copy_docs  # noqa: E402

# The budgets, in one place.  --check fails when a measurement is over one.
BUDGETS = {
    "article first view, gzip KiB": 40.0,
    "article first view, requests": 15,
    "article first view, requests to other hosts": 0,
    "rebuild after editing one article, s": 1.5,
    "clean HTML build + PDF build, s": 30.0,
}

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
    from site_checks import browser, serve

    costs = {}
    with serve(html_dir) as base, browser() as chromium:
        for name, page_path in PAGE_TYPES.items():
            responses: list = []
            context = chromium.new_context(viewport={"width": 375, "height": 812})
            page = context.new_page()
            # Playwright needs a Python function here, not a bound built-in method.
            def record(response, store=responses):
                store.append(response)

            page.on("response", record)
            page.goto(base + page_path, wait_until="load")
            page.wait_for_load_state("networkidle")
            sizes = {}
            other_hosts = 0
            for response in responses:
                if not response.url.startswith(base):
                    other_hosts += 1
                    continue
                try:
                    sizes[response.url] = response.body()
                except Exception:  # redirects and aborted requests have no body
                    sizes[response.url] = b""
            context.close()
            raw = sum(len(body) for body in sizes.values())
            zipped = sum(len(gzip.compress(body, 6)) for body in sizes.values())
            largest = max(sizes, key=lambda url: len(sizes[url]))
            costs[name] = {
                "requests": len(responses),
                "other hosts": other_hosts,
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


def synthetic_handbook(destination: Path, factor: int) -> Path:
    """The real handbook with FACTOR times as many articles: copies of the real ones,
    each with its own label and title, the same citations and see-also links."""
    source = copy_docs(destination)
    index = source / "index.md"
    entries = []
    for docname in page_kinds.pages_of(source, page_kinds.ARTICLE):
        text = (source / f"{docname}.md").read_text()
        for copy in range(1, factor):
            slug = f"{docname}-copy-{copy}"
            page = re.sub(r"^\((article-[a-z-]+)\)=$", rf"(\1-copy-{copy})=", text, flags=re.M)
            page = re.sub(r"^# (.+)$", rf"# \1 (copy {copy})", page, count=1, flags=re.M)
            (source / f"{slug}.md").write_text(page)
            entries.append(slug)
    lines = index.read_text().splitlines()
    last = max(i for i, line in enumerate(lines) if page_kinds.kind_of(line) is page_kinds.ARTICLE)
    lines[last + 1:last + 1] = entries
    index.write_text("\n".join(lines) + "\n")
    commit_all(destination, "synthetic articles")
    return source


def scale_times(factors: list[int], scratch: Path, with_pdf_up_to: int) -> list[dict]:
    rows = []
    for factor in factors:
        source = synthetic_handbook(scratch / f"scale-{factor}", factor)
        articles = len(page_kinds.pages_of(source, page_kinds.ARTICLE))
        row = {"factor": factor, "articles": articles}
        for jobs in ("1", "auto"):
            builddir = scratch / f"scale-{factor}-build-{jobs}"
            row[f"html j{jobs}"] = timed(run_build, "html", source, builddir, jobs)
        builddir = scratch / f"scale-{factor}-build-1"
        touch = source / f"{ARTICLE}.md"
        touch.write_text(touch.read_text() + "\nA benchmark edit.\n")
        row["edit rebuild"] = timed(sphinx_only, source, builddir, "1")
        if factor <= with_pdf_up_to:
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
    parser.add_argument("--scales", default="1,10,100", help="handbook sizes to time")
    parser.add_argument("--pdf-up-to", type=int, default=100,
                        help="largest scale at which to time the PDF build")
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

        factors = [int(f) for f in args.scales.split(",") if f]
        if factors:
            print("\nGrowth with size (seconds; one run each; 'jauto' = sphinx-build -j auto)")
            rows = scale_times(factors, scratch, args.pdf_up_to)
            print(f"  {'size':>5} {'articles':>8} {'html j1':>8} {'html jauto':>10} "
                  f"{'ratio':>6} {'edit rebuild':>12} {'pdf':>8} {'pdf pages':>9}")
            for row in rows:
                ratio = row["html jauto"] / row["html j1"]
                pdf = f"{row['pdf']:8.1f}" if "pdf" in row else f"{'-':>8}"
                pages = f"{row['pdf pages']:9d}" if "pdf pages" in row else f"{'-':>9}"
                print(f"  {row['factor']:>4}x {row['articles']:8d} {row['html j1']:8.1f} "
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
    print("\nBudgets")
    over = []
    for name, limit in BUDGETS.items():
        value = measured[name]
        verdict = "ok" if value <= limit else "OVER"
        if verdict == "OVER":
            over.append(name)
        print(f"  {name:48} {value:8.2f}  (budget {limit:g})  {verdict}")
    if args.check and over:
        print(f"\nOver budget: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
