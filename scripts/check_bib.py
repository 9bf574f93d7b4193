"""Check docs/references.bib: it parses, its keys are authorYEAR, and it is sorted.

Usage: python scripts/check_bib.py [FILE]   (run by pre-commit and make check)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pybtex.database import parse_file
from pybtex.scanner import PybtexError

DEFAULT = Path(__file__).resolve().parent.parent / "docs" / "references.bib"
KEY = re.compile(r"^[a-z]+\d{4}[a-z]?$")


def problems(path: Path) -> list[str]:
    try:
        keys = list(parse_file(str(path)).entries.keys())
    except PybtexError as error:
        return [f"{path}: does not parse: {error}"]
    found = [f"{path}: key '{k}' is not authorYEAR (for example fonagy2015)"
             for k in keys if not KEY.match(k)]
    for before, after in zip(keys, keys[1:], strict=False):
        if after < before:
            found.append(f"{path}: '{after}' comes after '{before}'; keep entries sorted by key")
    return found


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or [DEFAULT]
    messages = [m for p in paths for m in problems(p)]
    for message in messages:
        print(message, file=sys.stderr)
    return 1 if messages else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
