"""Start a new article from the page template.

Usage: python scripts/new_article.py SLUG "TITLE" [--summary "..."] [--docs DIR]
(or: make new-article SLUG=grief-and-depression TITLE="Grief and depression" SUMMARY="...")

Writes SLUG.md in the articles' folder (docs/_ext/page_kinds.py) with its
front matter filled in (reviewed today, next review in three years) and adds
it to the home page's table of contents, after the last article, so it appears
in the articles index, the navigation and the PDF.  TITLE and SUMMARY are
written exactly as given: the summary as a YAML value that reads back the
same, quoted where it needs to be.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
from pathlib import Path

import yaml

DOCS = Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS / "_ext"))
from page_kinds import ARTICLES_FOLDER  # noqa: E402  (where articles live)

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REVIEW_YEARS = 3
PLACEHOLDER_SUMMARY = "One plain sentence saying what the page covers."


def yaml_value(text: str) -> str:
    """TEXT as a one-line YAML value: plain where that reads back the same, else quoted."""
    dumped = yaml.safe_dump({"v": text}, allow_unicode=True, width=float("inf"))
    return dumped.removeprefix("v: ").rstrip("\n")


def add_to_toctree(index: Path, docname: str) -> None:
    """Insert DOCNAME after the last article's line of the home page's toctrees."""
    lines = index.read_text(encoding="utf-8").splitlines(keepends=True)
    folder = ARTICLES_FOLDER + "/"
    last = max((i for i, line in enumerate(lines) if line.startswith(folder)), default=None)
    if last is None:
        raise SystemExit(f"{index}: found no toctree entry starting with '{folder}' to add to")
    lines.insert(last + 1, docname + "\n")
    index.write_text("".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slug", help="file name: lower-case words joined by hyphens")
    parser.add_argument("title", help="the article's title, as readers will see it")
    parser.add_argument("--summary", default="")
    parser.add_argument("--docs", type=Path, default=DOCS)
    args = parser.parse_args(argv)

    if not SLUG.match(args.slug):
        print(f"SLUG '{args.slug}' must be lower-case words joined by hyphens, "
              "for example grief-and-depression", file=sys.stderr)
        return 2
    if not args.title.strip():
        print('TITLE is empty: give the title, for example TITLE="Grief and depression"',
              file=sys.stderr)
        return 2
    if "\n" in args.title or "\n" in args.summary:
        print("TITLE and SUMMARY must each be one line", file=sys.stderr)
        return 2
    longest = os.pathconf(args.docs / ARTICLES_FOLDER, "PC_NAME_MAX") - len(".md")
    if len(args.slug.encode()) > longest:
        print(f"SLUG is {len(args.slug)} characters, too long for a file name (at most "
              f"{longest} here); choose a shorter SLUG of a few words", file=sys.stderr)
        return 2
    page = args.docs / ARTICLES_FOLDER / f"{args.slug}.md"
    if page.exists():
        print(f"{page} already exists; choose another SLUG", file=sys.stderr)
        return 1

    today = datetime.date.today()
    try:
        next_review = today.replace(year=today.year + REVIEW_YEARS)
    except ValueError:  # 29 February
        next_review = today.replace(year=today.year + REVIEW_YEARS, day=28)
    template = (args.docs / "_templates" / "article.md").read_text(encoding="utf-8")
    summary = args.summary.strip() or PLACEHOLDER_SUMMARY
    page.write_text(template.format(
        summary=yaml_value(summary), last_reviewed=today.isoformat(),
        next_review=next_review.isoformat(), label=f"article-{args.slug}",
        title=args.title.strip()), encoding="utf-8")
    add_to_toctree(args.docs / "index.md", f"{ARTICLES_FOLDER}/{args.slug}")
    print(f"Wrote {page} and added it to the table of contents in {args.docs / 'index.md'}.")
    print("Next: write the page, then preview it with `make live`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
