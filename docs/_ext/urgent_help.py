"""The urgent-help card and notice, from the one data file of helplines.

- ``{urgent-help}`` renders the full card: tiers from most to least urgent,
  each number a ``tel:`` link, with the date the numbers were last checked.
- ``{urgent-help-checked}`` renders that date alone, for prose.
- Every HTML page gets ``urgent_help`` in its template context, which
  ``_templates/page.html`` turns into the short notice at the top of the page.
- The print view (print_view.py, ``_templates/print/``) sets the card after
  the title page of the PDF and in each leaflet, through ``Contact.print_parts``
  and ``Contact.other_ways``, so each number is printed once.

The data lives in ``docs/_data/urgent-help.toml``; nothing else in the sources
writes a helpline number.
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from page_review import british_date
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util.docutils import SphinxDirective

DATA_FILE = Path(__file__).resolve().parent.parent / "_data" / "urgent-help.toml"


@dataclass(frozen=True)
class Contact:
    region: str
    label: str
    phone: str | None = None
    text: str | None = None
    email: str | None = None

    @property
    def tel_uri(self) -> str:
        return "tel:" + self.phone.replace(" ", "")

    def ways(self) -> list[tuple[str, str]]:
        """How to reach them, as (verb, number or address)."""
        return [(verb, value) for verb, value in
                (("call", self.phone), ("text", self.text), ("email", self.email)) if value]

    def print_parts(self) -> list[tuple[str, bool]]:
        """The label split around the numbers it already names: (text, is_number)."""
        parts: list[tuple[str, bool]] = [(self.label, False)]
        for _, value in self.ways():
            split = []
            for text, is_number in parts:
                pieces = text.split(value) if not is_number else [text]
                for index, piece in enumerate(pieces):
                    if index:
                        split.append((value, True))
                    if piece:
                        split.append((piece, is_number))
            parts = split
        return parts

    def other_ways(self) -> list[tuple[str, str]]:
        """The ways the label does not already name, so no number is printed twice."""
        return [(verb, value) for verb, value in self.ways() if value not in self.label]


@dataclass(frozen=True)
class Tier:
    id: str
    heading: str
    summary: str
    contacts: tuple[Contact, ...]


@dataclass(frozen=True)
class UrgentHelp:
    last_checked: datetime.date
    tiers: tuple[Tier, ...]

    @property
    def closing(self) -> str:
        """The card's last line, on screen and in print."""
        return ("Anywhere else: call your local emergency number. "
                f"These numbers were last checked on {british_date(self.last_checked)}.")

    def contact(self, region: str, tier_id: str) -> Contact:
        tier = next(t for t in self.tiers if t.id == tier_id)
        return next(c for c in tier.contacts if c.region == region)


def load(path: Path = DATA_FILE) -> UrgentHelp:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        tiers = tuple(
            Tier(t["id"], t["heading"], t["summary"],
                 tuple(Contact(**c) for c in t["contacts"]))
            for t in data["tiers"]
        )
        last_checked = data["last_checked"]
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as error:
        raise ConfigError(f"{path}: cannot read the urgent-help data ({error!r}). "
                          "Fix the file; its comments describe the format.") from error
    if not isinstance(last_checked, datetime.date):
        raise ConfigError(f"{path}: last_checked must be a date such as 2026-11-25.")
    return UrgentHelp(last_checked, tiers)


def contact_paragraph(contact: Contact) -> nodes.paragraph:
    para = nodes.paragraph(classes=["urgent-help-contact"])
    para += nodes.strong(text=f"{contact.region}: ")
    para += nodes.Text(contact.label + ": ")
    ways = []
    if contact.phone:
        ways.append(nodes.reference(contact.phone, contact.phone, refuri=contact.tel_uri,
                                    classes=["urgent-help-number"]))
    if contact.text:
        ways.append(nodes.Text(f"text {contact.text}"))
    if contact.email:
        ways.append(nodes.reference(contact.email, contact.email,
                                    refuri="mailto:" + contact.email))
    for index, way in enumerate(ways):
        if index:
            para += nodes.Text(", or ")
        para += way
    return para


class UrgentHelpCard(SphinxDirective):
    """The full card of urgent-help contacts."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(DATA_FILE))
        data = load()
        card = nodes.container(classes=["urgent-help-card"])
        # A label for screen readers, announcing what the card holds before its
        # coloured headings; sighted readers see the page title above it.
        label = addnodes.only(expr="html")
        label += nodes.paragraph(text="Urgent help: who to call, from most to least urgent",
                                 classes=["visually-hidden"])
        card += label
        for tier in data.tiers:
            box = nodes.container(classes=["urgent-help-tier", f"urgent-help-{tier.id}"])
            box += nodes.rubric(text=tier.heading, classes=["urgent-help-heading"])
            box += nodes.paragraph(text=tier.summary)
            for contact in tier.contacts:
                box += contact_paragraph(contact)
            card += box
        card += nodes.paragraph(text=data.closing, classes=["urgent-help-checked"])
        return [card]


def add_notice_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    context["urgent_help"] = load()


def setup(app: Sphinx) -> dict:
    app.add_directive("urgent-help", UrgentHelpCard)
    app.connect("html-page-context", add_notice_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
