"""The urgent-help card and notice, from the one data file of helplines.

- ``{urgent-help}`` renders the full card: tiers from most to least urgent, each
  under its own level-two heading, each number a ``tel:`` link, with the date
  the numbers were last checked.  With ``:brief:`` it renders the home page's
  box instead: a "Need help now?" heading and one line per tier with the UK
  number, then the directive's own content (a link to the full card).
- ``{urgent-help-checked}`` renders that date alone, for prose.
- ``{helpline}`REGION, TIER``` writes one contact's number in prose, as a
  link (for example ``{helpline}`Wales, urgent```), so pages never repeat a
  number by hand.
- Every HTML page gets ``urgent_help`` in its template context, which
  ``_templates/page.html`` turns into the short notice at the top of the page.
- The print view (print_view.py, ``_templates/print/``) sets the card after
  the title page of the PDF and in each leaflet, through ``Contact.print_parts``
  and ``Contact.other_ways``, so each number is printed once.

The data lives in ``docs/_data/urgent-help.toml``; nothing else in the sources
writes a helpline number.  Every contact names the page that confirms it and the
date it was checked there: the build stops, naming the file and line, when one
does not.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from page_review import british_date
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util.docutils import SphinxDirective

DATA_FILE = Path(__file__).resolve().parent.parent / "_data" / "urgent-help.toml"


# Where a contact applies.  Within a tier the card lists contacts in this order,
# so that each nation's numbers sit together.
REGIONS = ("UK", "England", "Scotland", "Wales", "Northern Ireland", "US", "EU")


@dataclass(frozen=True)
class Contact:
    region: str
    label: str
    source: str
    checked: datetime.date
    phone: str | None = None
    text: str | None = None
    email: str | None = None

    @property
    def tel_uri(self) -> str:
        return "tel:" + self.phone.replace(" ", "")

    @property
    def sms_uri(self) -> str:
        # FORMATS["text"]: "85258", or "SHOUT to 85258", whose word is the message (RFC 5724).
        word, _, number = self.text.rpartition(" to ")
        return f"sms:{number}" + (f"?body={word}" if word else "")

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
    tiers: tuple[Tier, ...]
    contacts: tuple[Contact, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "contacts", tuple(c for t in self.tiers for c in t.contacts))

    @property
    def last_checked(self) -> datetime.date:
        """The oldest check: every number was confirmed on this date or later."""
        return min(c.checked for c in self.contacts)

    @property
    def closing(self) -> str:
        """The card's last line, on screen and in print."""
        return ("Anywhere else: call your local emergency number. "
                f"These numbers were last checked against their sources on "
                f"{british_date(self.last_checked)}.")

    def contact(self, region: str, tier_id: str) -> Contact:
        tier = next(t for t in self.tiers if t.id == tier_id)
        return next(c for c in tier.contacts if c.region == region)


def line_of(source: str, needle: str) -> int:
    """The line of the file that holds NEEDLE (a contact's label), for error messages."""
    for number, line in enumerate(source.splitlines(), start=1):
        if needle in line:
            return number
    return 1


FORMATS = {
    "phone": re.compile(r"[0-9]+( [0-9]+)*"),
    "text": re.compile(r"[A-Z]+ to [0-9]+|[0-9]+"),
    "email": re.compile(r"[a-z0-9.+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+"),
}
FORMAT_HELP = {"phone": "digits and single spaces", "text": "digits, or WORD to DIGITS",
               "email": "a plain address"}


def check_contact(entry: dict, path: Path, source: str) -> Contact:
    where = f"{path}:{line_of(source, str(entry.get('label', '')))}"
    label = entry.get("label", "a contact")
    if not str(entry.get("source", "")).startswith(("https://", "http://")):
        raise ConfigError(f"{where}: '{label}' has no source; add source = \"https://...\", "
                          "the address of the page that confirms the number.")
    if not isinstance(entry.get("checked"), datetime.date):
        raise ConfigError(f"{where}: '{label}' has no checked date; add checked = YYYY-MM-DD, "
                          "the date the number was confirmed on its source page.")
    if entry.get("region") not in REGIONS:
        raise ConfigError(f"{where}: '{label}' has region {entry.get('region')!r}; "
                          f"use one of {', '.join(REGIONS)}.")
    if not any(entry.get(way) for way in ("phone", "text", "email")):
        raise ConfigError(f"{where}: '{label}' has no phone, text or email.")
    # The templates print these values; a number is digits and spaces, nothing
    # a browser or a PDF engine could read as markup.
    for way, pattern in FORMATS.items():
        if entry.get(way) is not None and not pattern.fullmatch(str(entry[way])):
            raise ConfigError(f"{where}: '{label}' has {way} {str(entry[way])[:40]!r}; "
                              f"a {way} may hold only {FORMAT_HELP[way]}.")
    for key in ("label", "heading", "summary"):
        if any(ch in str(entry.get(key, "")) for ch in "<>{}\\^~"):
            raise ConfigError(f"{where}: '{label}': {key} may not contain < > {{ }} \\ ^ or ~.")
    try:
        return Contact(**entry)
    except TypeError as error:
        raise ConfigError(f"{where}: '{label}': {error}. "
                          "The file's comments describe the format.") from None


def load(path: Path = DATA_FILE) -> UrgentHelp:
    try:
        source = path.read_text(encoding="utf-8")
        data = tomllib.loads(source)
        raw_tiers = [(t["id"], t["heading"], t["summary"], t["contacts"]) for t in data["tiers"]]
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as error:
        raise ConfigError(f"{path}: cannot read the urgent-help data ({error!r}). "
                          "Fix the file; its comments describe the format.") from error
    tiers = []
    for tier_id, heading, summary, entries in raw_tiers:
        contacts = [check_contact(entry, path, source) for entry in entries]
        # Stable: within a region, the file's order holds.
        contacts.sort(key=lambda c: REGIONS.index(c.region))
        tiers.append(Tier(tier_id, heading, summary, tuple(contacts)))
    return UrgentHelp(tuple(tiers))


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


def heading(text: str, level: int = 2) -> nodes.rubric:
    """A heading that is not a section: it shows in the page's outline of headings
    (screen readers list and jump by them) but not in "On this page"."""
    return nodes.rubric(text=text, classes=["urgent-help-heading"], **{"heading-level": level})


def brief_line(tier: Tier, contact: Contact) -> nodes.paragraph:
    para = contact_paragraph(contact)
    para.children[0].replace_self(nodes.strong(text=f"{tier.heading}: "))
    return para


class UrgentHelpCard(SphinxDirective):
    """The full card of urgent-help contacts, or (``:brief:``) the home page's box."""

    has_content = True
    option_spec = {"brief": directives.flag}

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(DATA_FILE))
        data = load()
        if "brief" in self.options:
            return [self.brief_box(data)]
        card = nodes.container(classes=["urgent-help-card"])
        # A label for screen readers, announcing what the card holds before its
        # coloured headings; sighted readers see the page title above it.
        label = addnodes.only(expr="html")
        label += nodes.paragraph(text="Urgent help: who to call, from most to least urgent",
                                 classes=["visually-hidden"])
        card += label
        for tier in data.tiers:
            box = nodes.container(classes=["urgent-help-tier", f"urgent-help-{tier.id}"])
            box += heading(tier.heading)
            box += nodes.paragraph(text=tier.summary)
            for contact in tier.contacts:
                box += contact_paragraph(contact)
            card += box
        card += nodes.paragraph(text=data.closing, classes=["urgent-help-checked"])
        return [card]

    def brief_box(self, data: UrgentHelp) -> nodes.container:
        box = nodes.container(classes=["urgent-help-brief"])
        box += heading("Need help now?")
        box += nodes.paragraph(text="In the UK:")
        for tier in data.tiers:
            # England's NHS line stands for the UK's urgent line, as in the notice.
            uk = [c for c in tier.contacts if c.region in ("UK", "England")]
            if uk:
                box += brief_line(tier, uk[0])
            # Northern Ireland has its own urgent line, not the NHS one.
            for contact in tier.contacts:
                if uk and contact.region == "Northern Ireland":
                    line = contact_paragraph(contact)
                    line.children[0].replace_self(nodes.strong(text="In Northern Ireland: "))
                    box += line
        box += self.parse_content_to_nodes()
        return box


class UrgentHelpSources(SphinxDirective):
    """Where each number was confirmed, and when: one line per contact."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(DATA_FILE))
        items = nodes.bullet_list(classes=["urgent-help-sources"])
        for contact in load().contacts:
            number = contact.phone or (contact.text and f"text {contact.text}") or contact.email
            host = contact.source.split("/")[2].removeprefix("www.")
            para = nodes.paragraph()
            para += nodes.Text(f"{contact.region}, {contact.label}, {number}: source ")
            para += nodes.reference(host, host, refuri=contact.source)
            para += nodes.Text(f", checked against it on {british_date(contact.checked)}.")
            items += nodes.list_item("", para)
        return [items]


def helpline_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{helpline}`Wales, urgent```: that contact's phone (or text) number, as a link."""
    inliner.document.settings.env.note_dependency(str(DATA_FILE))
    region, _, tier_id = (part.strip() for part in text.partition(","))
    try:
        contact = load().contact(region, tier_id)
    except StopIteration:
        message = inliner.reporter.error(
            f"{{helpline}}: no contact for region '{region}' in tier '{tier_id}' in "
            f"{DATA_FILE.name}; write it as {{helpline}}`REGION, TIER`, for example "
            "{helpline}`Wales, urgent`", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    if contact.phone:
        return [nodes.reference(rawtext, contact.phone, refuri=contact.tel_uri)], []
    return [nodes.Text(f"text {contact.text}" if contact.text else contact.email)], []


def check_data(app: Sphinx, config) -> None:
    """Read the data once at start-up, so a bad file stops the build straight away."""
    load()


def add_notice_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    context["urgent_help"] = load()


def setup(app: Sphinx) -> dict:
    app.add_directive("urgent-help", UrgentHelpCard)
    app.add_directive("urgent-help-sources", UrgentHelpSources)
    app.add_role("helpline", helpline_role)
    app.connect("config-inited", check_data)
    app.connect("html-page-context", add_notice_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
