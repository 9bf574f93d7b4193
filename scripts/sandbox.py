"""A throw-away copy of the handbook's sources, for tests and benchmarks.

The copy is committed to a git repository of its own, because the build reads
each page's "last updated" date from git.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS / "_ext"))
from page_kinds import ARTICLE, kind_of, pages_of  # noqa: E402

_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "sandbox", "GIT_AUTHOR_EMAIL": "sandbox@localhost",
    "GIT_COMMITTER_NAME": "sandbox", "GIT_COMMITTER_EMAIL": "sandbox@localhost",
}


def commit_all(folder: Path, message: str = "sandbox") -> None:
    env = {**os.environ, **_GIT_IDENTITY}
    for command in (["git", "init", "-q"], ["git", "add", "."],
                    ["git", "commit", "-q", "--allow-empty", "-m", message]):
        subprocess.run(command, cwd=folder, check=True, env=env, capture_output=True)


def copy_docs(destination: Path) -> Path:
    """Copy docs/ (without build outputs) to DESTINATION/docs, committed; return it."""
    target = destination / "docs"
    shutil.copytree(DOCS, target, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    commit_all(destination)
    return target


# A label: "(name)=" before a heading, or a directive's ":name: name" option.
LABEL = re.compile(r"^(?:\(([\w-]+)\)=|:name: ([\w-]+))$", re.M)


def grown_handbook(destination: Path, articles: int) -> Path:
    """A copy of docs/ grown to ARTICLES articles (the benchmarks' growth generator):
    copies of the real articles in turn, each with its own label and title, the same
    citations and see-also links, listed after the last article in the index."""
    source = copy_docs(destination)
    originals = sorted(pages_of(source, ARTICLE))
    entries = []
    for number in range(max(articles - len(originals), 0)):
        article, copy = originals[number % len(originals)], number // len(originals) + 1
        docname = f"{article}-copy-{copy}"
        page = (source / f"{article}.md").read_text()
        # Labels must be unique: each copy's own, and its links to them, get a suffix.
        for label in ("".join(groups) for groups in LABEL.findall(page)):
            page = re.sub(rf"(?<![\w-]){re.escape(label)}(?![\w-])", f"{label}-copy-{copy}",
                          page)
        page = re.sub(r"^# (.+)$", rf"# \1 (copy {copy})", page, count=1, flags=re.M)
        (source / f"{docname}.md").write_text(page)
        entries.append(docname)
    index = source / "index.md"
    lines = index.read_text().splitlines()
    last = max(i for i, line in enumerate(lines) if kind_of(line.strip()) is ARTICLE)
    lines[last + 1:last + 1] = entries
    index.write_text("\n".join(lines) + "\n")
    commit_all(destination, "grown handbook")
    return source
