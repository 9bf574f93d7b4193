"""Readability of every page: SMOG grade of its prose, with targets.

Usage: python scripts/readability.py [--check]

Prints a table of pages with their word count and SMOG grade.  With --check,
exits non-zero when a page is over its target.  The prose is taken from the
Markdown sources, leaving out front matter, headings, code, directives'
options, citations and reference lists, so the grade measures what a reader
reads.  textstat is pinned to 0.7.3, which works offline (see requirements.in).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import textstat

DOCS = Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS / "_ext"))
import page_kinds  # noqa: E402  (each kind of page has its SMOG target, or none)


def target_for(page: str) -> float | None:
    return page_kinds.kind_of(page).readability


def titles() -> dict[str, str]:
    """What a reader sees for a bare {doc} or {ref} link: the target's title."""
    found = {}
    for path in DOCS.rglob("*.md"):
        if "_build" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        heading = re.search(r"^# (.+)$", text, re.M)
        if heading:
            found["/" + str(path.relative_to(DOCS).with_suffix(""))] = heading.group(1)
        for label, title in re.findall(r"^\((.+)\)=\n#+ (.+)$", text, re.M):
            found[label] = title
    return found


def link_text(target: str, page: str, known: dict[str, str]) -> str:
    if target in known:                                   # a label
        return known[target]
    folder = "/" + page.rpartition("/")[0] if "/" in page else ""
    for key in (target, f"{folder}/{target}".replace("//", "/")):
        if key in known:                                  # a document
            return known[key]
    return target


def prose(markdown: str, page: str = "") -> str:
    known = titles()
    text = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)          # front matter
    text = re.sub(r"^(```|:::)\{bibliography\}.*?^\1\s*$", "", text, flags=re.S | re.M)
    text = re.sub(r"^```(?!\{).*?^```\s*$", "", text, flags=re.S | re.M)  # code
    text = re.sub(r"^(```|:::).*$", "", text, flags=re.M)                 # directive fences
    text = re.sub(r"^:[a-z-]+:.*$", "", text, flags=re.M)                 # directive options
    text = re.sub(r"^#+ .*$", "", text, flags=re.M)                      # headings
    text = re.sub(r"^\(.+\)=$", "", text, flags=re.M)                    # labels
    text = re.sub(r"\s*\{cite:[pt]s?\}`[^`]*`", "", text)                # citations
    text = re.sub(r"\{(?:doc|ref)\}`([^`<]+)`",             # bare links -> target's title
                  lambda m: link_text(m.group(1).strip(), page, known), text)
    text = re.sub(r"\{[a-z:]+\}`([^`<]*?)\s*(<[^>]*>)?`",                 # roles -> text
                  lambda m: m.group(1) or "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)                 # links -> text
    text = re.sub(r"\{\{.*?\}\}", "it", text)                            # substitutions
    text = re.sub(r"^\s*[-*] |^\s*\d+\. |^: ", "", text, flags=re.M)     # list markers
    return text.strip()


def measure(path: Path) -> dict:
    page = str(path.relative_to(DOCS).with_suffix(""))
    text = prose(path.read_text(encoding="utf-8"), page)
    return {
        "page": page,
        "words": textstat.lexicon_count(text),
        "smog": textstat.smog_index(text),
        "target": target_for(page),
    }


def pages() -> list[Path]:
    """The pages written as prose: those whose kind has a readability target."""
    return [DOCS / f"{page}.md" for page in page_kinds.pages_where(DOCS, "readability")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a page is over target")
    args = parser.parse_args(argv)
    results = [measure(p) for p in pages()]
    print(f"{'page':45} {'words':>6} {'SMOG':>5} {'target':>7}")
    over = []
    for r in results:
        target = f"<= {r['target']:g}"
        flag = ""
        if r["smog"] > r["target"]:
            flag = "  OVER"
            over.append(r["page"])
        print(f"{r['page']:45} {r['words']:6d} {r['smog']:5.1f} {target:>7}{flag}")
    if args.check and over:
        print(f"\nOver the readability target: {', '.join(over)}. Use shorter sentences "
              "and words of fewer syllables.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
