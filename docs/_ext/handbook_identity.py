"""The handbook's identity (docs/_data/handbook.toml), read and checked in one place.

docs/conf.py, scripts/build.py and the tests all read the file through
:func:`load`.  Its values reach places no page's content policy looks at: file
names and folders the build writes and deletes (``filename``,
``downloads_dir``), and the theme's HTML on every page, the 404 page and the
sitemap (the addresses, ``branch`` and the text fields).  A pull request can
change the file like any page, so every field is checked here, before anything
is built, and a bad one stops the build naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

from data_files import DataFileError, read

# Each field and what it may hold, as (pattern, what to write instead).
NAME = (re.compile(r"[a-z0-9-]+"), "lower-case letters, digits and hyphens only")
# Text printed in the theme's HTML and the PDF's metadata: nothing a browser
# reads as markup, no quote that could close an attribute, no control character.
TEXT = (re.compile(r"[^<>\"&\x00-\x1f\x7f]+"), 'text without < > " & or control characters')
FIELDS = {
    **{key: TEXT for key in ("title", "short_title", "subtitle", "author", "contributors",
                             "edition", "version", "keywords", "content_licence",
                             "code_licence")},
    "filename": NAME,
    "downloads_dir": NAME,
    # "Edit this page" adds "/blob/BRANCH/docs/..." to the repository's address.
    "repository": (re.compile(r"https://[a-z0-9.-]+\.[a-z]+(/[A-Za-z0-9._~-]+)*"),
                   'an https:// address without a trailing slash, such as '
                   '"https://github.com/OWNER/REPOSITORY"'),
    "branch": (re.compile(r"[A-Za-z0-9._/-]+"), "letters, digits and . _ / - only"),
    # The 404 page and the sitemap add page names to it, and take its path.
    "site": (re.compile(r"https://[a-z0-9.-]+\.[a-z]+/([A-Za-z0-9._~-]+/)*"),
             'an https:// address ending in "/", such as "https://OWNER.github.io/handbook/"'),
}


def load(path: Path) -> dict[str, str]:
    """Every field of PATH, checked; DataFileError names the file and line of a fault."""
    data, lines = read(path)
    for key in sorted(set(data) - set(FIELDS)):
        raise DataFileError(f"{lines.key(key)}: unknown setting {key!r}; the settings are "
                            f"{', '.join(FIELDS)}.")
    for key, (pattern, allowed) in FIELDS.items():
        value = data.get(key)
        if value is None:
            raise DataFileError(f"{path}:1: {key} is missing; add {key} = \"...\" "
                                f"({allowed}).")
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise DataFileError(f"{lines.key(key)}: {key} = {str(value)[:60]!r} is not "
                                f"allowed; write {allowed}.")
    return data
