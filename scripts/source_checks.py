"""Checks of the sources that run before Sphinx, for faults Sphinx reports badly.

Sphinx stops with a traceback, naming no file, on a source that is not UTF-8
or a references.bib that does not parse; and on a shallow git clone it warns
once per page without saying what to do.  Each check here returns messages of
the form ``FILE:LINE: what is wrong; what to do``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

# Files Sphinx or the handbook's extensions read as text.
TEXT_SUFFIXES = {".md", ".rst", ".bib", ".toml", ".py", ".html", ".css", ".js", ".svg",
                 ".txt", ".yml", ".yaml", ".json"}
SKIPPED_FOLDERS = {"_build", "__pycache__"}


def source_files(source: Path, suffixes: set[str]) -> list[Path]:
    return sorted(
        path for path in source.rglob("*")
        if path.suffix in suffixes and path.is_file()
        and not any(part in SKIPPED_FOLDERS or part.startswith(".")
                    for part in path.relative_to(source).parts[:-1]))


def not_utf8(source: Path) -> list[str]:
    messages = []
    for path in source_files(source, TEXT_SUFFIXES):
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            messages.append(
                f"{path}:{line}: this file is not UTF-8 text (byte 0x{data[error.start]:02x} "
                "cannot be read); save it with the UTF-8 encoding")
    return messages


def bib_syntax(source: Path) -> list[str]:
    from pybtex.database import parse_file
    from pybtex.scanner import PybtexError, PybtexSyntaxError

    messages = []
    for path in source_files(source, {".bib"}):
        try:
            parse_file(str(path))
        except PybtexSyntaxError as error:
            lines = path.read_text(encoding="utf-8").splitlines()
            starts = [(number, line) for number, line in enumerate(lines, start=1)
                      if line.startswith("@") and number < (error.lineno or 0)]
            where = ""
            if starts:
                number, line = starts[-1]
                key = re.sub(r"^@\w+\{([^,]*),?.*$", r"\1", line.strip())
                where = (f"; a brace or quote is probably left open in the entry that "
                         f"starts on line {number} ({key})")
            problem = re.sub(r" in line \d+", "", str(error))
            messages.append(f"{path}:{error.lineno}: BibTeX {problem}{where}")
        except PybtexError as error:
            messages.append(f"{path}:1: BibTeX error: {error}")
        except UnicodeDecodeError:
            continue  # not_utf8 reports it
    return messages


def shallow_clone(source: Path) -> list[str]:
    try:
        result = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=source,
                                capture_output=True, text=True)
    except FileNotFoundError:  # no git: sphinx-last-updated-by-git says so itself
        return []
    if result.stdout.strip() != "true":
        return []
    return [f"The git clone holding {source} is shallow, so the pages' \"Last updated\" dates "
            "cannot be read from its history: run `git fetch --unshallow`, then build again."]


def problems(source: Path) -> list[str]:
    return not_utf8(source) + bib_syntax(source) + shallow_clone(source)
