"""The handbook's TOML data files (``docs/_data/*.toml``), read one way.

handbook_identity, urgent_help and search_words read their files through
:func:`read`, which gives the data and its :class:`Lines`, so that each of their
checks can name the line to fix (tomllib keeps no positions).  A file that
cannot be read, or is not TOML, stops the build as :class:`DataFileError`.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from sphinx.errors import ConfigError


class DataFileError(ConfigError):
    """"FILE:LINE: what is wrong" (a ConfigError, so Sphinx prints no traceback)."""


class Lines:
    """Where each string, key and [[table]] of a TOML file is written, found in one
    pass, so that an error names the line (tomllib keeps no positions)."""

    _TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#')
    _KEY = re.compile(r'\s*("[^"\n]*"|[A-Za-z0-9_-]+)\s*=')
    _TABLE = re.compile(r"\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]")

    def __init__(self, path: Path, source: str):
        self.path = path
        self.strings: dict[str, list[int]] = {}
        self.keys: dict[str, list[int]] = {}
        self.tables: dict[str, list[int]] = {}
        for number, line in enumerate(source.splitlines(), start=1):
            if table := self._TABLE.match(line):
                self.tables.setdefault(table[1], []).append(number)
            if key := self._KEY.match(line):
                self.keys.setdefault(key[1].strip('"'), []).append(number)
            for token in self._TOKEN.finditer(line):
                if token[0] == "#":
                    break  # a comment: the rest of the line is not data
                self.strings.setdefault(self._value(token[0]), []).append(number)

    @staticmethod
    def _value(token: str) -> str:
        if token[0] == "'":  # a literal string: no escapes
            return token[1:-1]
        try:  # a basic string: TOML's escapes are JSON's, bar two rare ones
            return json.loads(token)
        except ValueError:
            return token[1:-1]

    def string(self, value, last: bool = False) -> str:
        """FILE:LINE of VALUE (its last place, for an entry listed twice)."""
        lines = self.strings.get(value) if isinstance(value, str) else None
        return f"{self.path}:{(lines[-1] if last else lines[0]) if lines else 1}"

    def table(self, name: str, index: int) -> int:
        """The line of the INDEX-th [[NAME]] header (1 if it has none)."""
        headers = self.tables.get(name, [])
        return headers[index] if index < len(headers) else 1

    def key(self, name: str, table: str | None = None, index: int = 0) -> str:
        """FILE:LINE of key NAME (in the INDEX-th [[TABLE]], when given)."""
        start = self.table(table, index) if table else 0
        after = [line for line in self.keys.get(name, []) if line > start]
        return f"{self.path}:{after[0] if after else start or 1}"


def read(path: Path) -> tuple[dict, Lines]:
    """PATH's data, and where each part of it is written."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(f"{path}:1: cannot read this file ({error}).") from None
    try:
        return tomllib.loads(source), Lines(path, source)
    except tomllib.TOMLDecodeError as error:
        # tomllib ends its message with "(at line N, column M)" or "(at end of document)".
        line = re.search(r"at line (\d+)", str(error))
        raise DataFileError(f"{path}:{line[1] if line else len(source.splitlines()) or 1}: "
                            f"this is not valid TOML ({error}); the file's comments "
                            "describe the format.") from None
