"""A throw-away copy of the handbook's sources, for tests and benchmarks.

The copy is committed to a git repository of its own, because the build reads
each page's "last updated" date from git.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"

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
