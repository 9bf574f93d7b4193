"""Review dates and status: read, check and show them on every reviewed page.

Each reviewed page (articles and the FAQ: ``page_kinds``) starts with front matter like::

    ---
    summary: One plain sentence saying what the page covers.
    last_reviewed: 2026-11-25
    next_review: 2029-11-25
    review_status: not yet reviewed by a clinician
    ---

This module checks those fields (the build fails, naming the file and line,
when one is missing or wrong), shows them in a review block under the page's
title in every output, adds a "due for review" notice to pages past their
``next_review`` date.  The two dates record the editors' checks; whether a
clinician has reviewed the page is its ``review_status``.  (page_meta turns
the summary into the meta description.)

The date that "past due" is measured against is today, unless the
``HANDBOOK_REVIEW_DATE`` environment variable or the ``review_today`` config
value sets another (the tests move the calendar this way).
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path

import front_matter
import page_kinds
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

REQUIRED_FIELDS = ("summary", "last_reviewed", "next_review", "review_status")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Review:
    summary: str
    last_reviewed: datetime.date
    next_review: datetime.date
    status: str

    def is_due(self, today: datetime.date) -> bool:
        return today >= self.next_review


class FrontMatterError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def parse_review(fields: dict) -> Review:
    """Check the front matter fields; raise FrontMatterError saying what to fix."""
    for field in REQUIRED_FIELDS:
        if not str(fields.get(field, "")).strip():
            raise FrontMatterError(
                field, f"the front matter has no '{field}' field; add it "
                f"(every article and FAQ page needs {', '.join(REQUIRED_FIELDS)})")
    dates = {}
    for field in ("last_reviewed", "next_review"):
        value = str(fields[field]).strip()
        try:
            if not ISO_DATE.match(value):
                raise ValueError
            dates[field] = datetime.date.fromisoformat(value)
        except ValueError:
            raise FrontMatterError(
                field, f"'{field}: {value}' is not a date in the form YYYY-MM-DD "
                "(for example 2026-11-25)") from None
    if dates["next_review"] <= dates["last_reviewed"]:
        raise FrontMatterError(
            "next_review", f"next_review ({dates['next_review']}) must come after "
            f"last_reviewed ({dates['last_reviewed']}); reviews are due three years on")
    return Review(str(fields["summary"]).strip(), dates["last_reviewed"],
                  dates["next_review"], str(fields["review_status"]).strip())


def review_today(config_value: str | None = None) -> datetime.date:
    chosen = os.environ.get("HANDBOOK_REVIEW_DATE") or config_value
    return datetime.date.fromisoformat(chosen) if chosen else datetime.date.today()


def british_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def field_line(source: str, field: str) -> int | None:
    """The line of a front matter field in the source file, for error messages."""
    try:
        lines = Path(source).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for number, line in enumerate(lines, start=1):
        if line.startswith(f"{field}:"):
            return number
    return 1


# -- Sphinx ---------------------------------------------------------------------


# What a review status means, in plain words, for a reader who has not met the
# term; the about page (label ABOUT_LABEL) sets out how pages are checked.
STATUS_MEANS = {
    "not yet reviewed by a clinician":
        "This means that no health professional, such as a doctor or therapist, "
        "has checked this page yet.",
}
ABOUT_LABEL = "about-checks"


def review_block(review: Review, due: bool, docname: str) -> nodes.container:
    """The block under a page's title, the same on the website, in print and in
    the e-book: when the editors last checked it and will check it next, then
    its clinical review status, explained.  The dates are the editors' checks,
    not a clinician's review (the about page draws the same line), so they
    never say "reviewed"."""
    block = nodes.container(classes=["review-block"])
    text = (f"Last checked by the editors on {british_date(review.last_reviewed)} · "
            f"Next check due {review.next_review:%B %Y}")
    block += nodes.paragraph(text=text, classes=["review-dates"])
    sentences = [f"{review.status[:1].upper()}{review.status[1:]}.",
                 STATUS_MEANS.get(review.status.lower())]
    status = nodes.paragraph(classes=["review-status"])
    status += nodes.Text(" ".join(filter(None, sentences)) + " ")
    link = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget=ABOUT_LABEL,
                                 refdoc=docname, refexplicit=True, refwarn=True)
    link += nodes.inline(text="How we write and check pages", classes=["xref", "std", "std-ref"])
    status += link
    block += status
    if due:
        block += nodes.paragraph(
            text="This page is due for its next check: the information may be out of date.",
            classes=["review-due"])
    return block


def check_and_show_review(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    config = app.config
    if not page_kinds.kind_of(docname).reviewed:
        return
    source = env.doc2path(docname)
    try:
        fields = front_matter.read_file(source)
    except front_matter.FrontMatterSyntaxError:
        return  # front_matter has reported it, at its line
    try:
        review = parse_review(fields)
    except FrontMatterError as error:
        logger.warning(f"{error} [front matter]",
                       location=(docname, field_line(source, error.field)),
                       type="handbook", subtype="front_matter")
        return
    title = next(iter(doctree.findall(nodes.title)), None)
    if title is None:
        return
    due = review.is_due(review_today(config.review_today))
    shown_reviews(env)[docname] = (review.next_review, due)
    section = title.parent
    section.insert(section.index(title) + 1, review_block(review, due, docname))


def shown_reviews(env) -> dict:
    """For each page, its next review date and whether its notice says "due"."""
    if not hasattr(env, "handbook_shown_reviews"):
        env.handbook_shown_reviews = {}
    return env.handbook_shown_reviews


def reread_pages_that_fell_due(app: Sphinx, env, added, changed, removed) -> list[str]:
    """The calendar moves without any file changing: re-read the pages whose
    notice would now read differently, so an incremental build stays right."""
    today = review_today(app.config.review_today)
    return sorted(docname for docname, (next_review, due) in shown_reviews(env).items()
                  if docname not in removed and (today >= next_review) != due)


def forget_review(app: Sphinx, env, docname: str) -> None:
    shown_reviews(env).pop(docname, None)


def merge_reviews(app: Sphinx, env, docnames, other) -> None:
    shown_reviews(env).update(
        {d: r for d, r in shown_reviews(other).items() if d in docnames})


def setup(app: Sphinx) -> dict:
    app.setup_extension("front_matter")
    app.add_config_value("review_today", None, "env", types=(str, type(None)))
    app.connect("doctree-read", check_and_show_review)
    app.connect("env-get-outdated", reread_pages_that_fell_due)
    app.connect("env-purge-doc", forget_review)
    app.connect("env-merge-info", merge_reviews)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1",
            "env_version": 2}
