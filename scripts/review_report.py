"""List every article and FAQ page with its review dates, soonest due first.

Usage: python scripts/review_report.py [--docs DIR]   (or: make review-report)

Reads the same front matter fields, with the same checks, as the build
(docs/_ext/page_review.py).  HANDBOOK_REVIEW_DATE=YYYY-MM-DD moves "today".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS / "_ext"))
import front_matter  # noqa: E402
import page_kinds  # noqa: E402
from page_review import FrontMatterError, field_line, parse_review, review_today  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=DOCS)
    docs = parser.parse_args(argv).docs
    today = review_today()
    rows, problems = [], []
    for path in sorted(docs.rglob("*.md")):
        docname = str(path.relative_to(docs).with_suffix(""))
        if docname.startswith("_") or not page_kinds.kind_of(docname).reviewed:
            continue
        name = path.relative_to(docs.parent)
        try:
            review = parse_review(front_matter.read_file(path))
        except front_matter.FrontMatterSyntaxError as error:
            problems.append(f"{name}:{error.line}: {error}")
            continue
        except FrontMatterError as error:
            problems.append(f"{name}:{field_line(path, error.field)}: {error}")
            continue
        except UnicodeDecodeError:
            problems.append(f"{name}: this file is not UTF-8 text; save it with the UTF-8 "
                            "encoding")
            continue
        rows.append((review.next_review, docname, review))
    print(f"Review report on {today.isoformat()}\n")
    print(f"{'page':45} {'last reviewed':14} {'next review':12} status")
    for next_review, docname, review in sorted(rows):
        due = "  DUE" if review.is_due(today) else ""
        print(f"{docname:45} {review.last_reviewed.isoformat():14} "
              f"{next_review.isoformat():12} {review.status}{due}")
    if problems:
        print("\nLeft out of the report, until their front matter is fixed:",
              file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
