"""List every article and FAQ page with its review dates, soonest due first.

Usage: python scripts/review_report.py   (or: make review-report)

Reads the same front matter fields, with the same checks, as the build
(docs/_ext/page_review.py).  HANDBOOK_REVIEW_DATE=YYYY-MM-DD moves "today".
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

DOCS = Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS / "_ext"))
from page_review import (  # noqa: E402
    REVIEW_EXEMPT,
    REVIEW_PAGES,
    FrontMatterError,
    needs_review,
    parse_review,
    review_today,
)


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    return yaml.safe_load(text.split("---\n", 2)[1]) or {}


def main() -> int:
    today = review_today()
    rows, problems = [], []
    for path in sorted(DOCS.rglob("*.md")):
        docname = str(path.relative_to(DOCS).with_suffix(""))
        if docname.startswith("_") or not needs_review(docname, REVIEW_PAGES, REVIEW_EXEMPT):
            continue
        try:
            review = parse_review(front_matter(path))
        except FrontMatterError as error:
            problems.append(f"{path.relative_to(DOCS.parent)}: {error}")
            continue
        rows.append((review.next_review, docname, review))
    print(f"Review report on {today.isoformat()}\n")
    print(f"{'page':45} {'last reviewed':14} {'next review':12} status")
    for next_review, docname, review in sorted(rows):
        due = "  DUE" if review.is_due(today) else ""
        print(f"{docname:45} {review.last_reviewed.isoformat():14} "
              f"{next_review.isoformat():12} {review.status}{due}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
