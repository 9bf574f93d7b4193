"""Read a page's front matter, with errors that name the line at fault.

MyST reports any fault in front matter as "Malformed YAML" on line 1, and then
builds the page as if it had no fields.  This module reads the front matter
itself and says what is wrong where: the YAML line that does not parse, or
the field whose value YAML cannot make (an impossible date such as
2026-02-30).  In a build it reports that once per page, in place of MyST's
message; page_review and scripts/review_report.py read fields through it too.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import yaml
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


class FrontMatterSyntaxError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line  # in the page's file, counting from 1


def read(text: str) -> dict:
    """The front matter's fields ({} when the page has none)."""
    # A copy: a caller may change what it gets without changing the remembered answer.
    return copy.deepcopy(_read(text))


# A build reads each page's front matter twice, once here at source-read and
# once in page_review, with the same text: parsing it was about 2 % of a
# clean build.  The answer depends on the text alone; a fault is not
# remembered, so it is found and reported again each time.
@functools.lru_cache(maxsize=16)
def _read(text: str) -> dict:
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return {}
    end = next((i for i, line in enumerate(lines) if i and line.startswith(("---", "..."))),
               None)
    if end is None:
        raise FrontMatterSyntaxError(1, "the front matter has no closing '---' line; add one "
                                        "after the last field")
    block = "\n".join(lines[1:end]) + "\n"
    # File line of a YAML mark: marks count from 0, and the block starts on line 2.
    try:
        document = yaml.compose(block, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        if error.context_mark and "block" not in (error.context or ""):
            mark = error.context_mark  # where a bracket or quote that never closes opened
        raise FrontMatterSyntaxError(
            mark.line + 2 if mark else 2,
            f"the front matter is not valid YAML ({error.problem or error.context}); "
            "a value with a colon, quote, '#' or a leading '[' needs quotes around it, "
            "for example summary: \"...\"") from None
    if document is None:
        return {}
    if not isinstance(document, yaml.MappingNode):
        raise FrontMatterSyntaxError(2, "the front matter must be lines of 'field: value'")
    fields = {}
    constructor = yaml.SafeLoader("")
    for key, value in document.value:
        try:
            fields[constructor.construct_object(key, deep=True)] = (
                constructor.construct_object(value, deep=True))
        except (ValueError, yaml.YAMLError) as error:
            problem = (f"is not a real date ({error}); give a date that exists, as "
                       "YYYY-MM-DD" if value.tag.endswith(":timestamp")
                       else f"cannot be read ({error}); put quotes around the value")
            raise FrontMatterSyntaxError(
                value.start_mark.line + 2, f"'{key.value}: {value.value}' {problem}") from None
    return fields


def read_file(path: Path) -> dict:
    return read(Path(path).read_text(encoding="utf-8"))


# -- Sphinx ---------------------------------------------------------------------


def check_front_matter(app: Sphinx, docname: str, source: list[str]) -> None:
    try:
        read(source[0])
    except FrontMatterSyntaxError as error:
        logger.warning(f"{error} [front matter]", location=(docname, error.line),
                       type="handbook", subtype="front_matter")


def replace_myst_message(app: Sphinx, config) -> None:
    # MyST's "Malformed YAML" would repeat check_front_matter's message, on line 1.
    config.suppress_warnings = [*config.suppress_warnings, "myst.topmatter"]


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", replace_myst_message)
    app.connect("source-read", check_front_matter)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
