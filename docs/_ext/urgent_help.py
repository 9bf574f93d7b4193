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
- ``notice_contacts()`` chooses the four contacts of the one-line notice (the
  UK's emergency number, the NHS's urgent line, Lifeline for Northern Ireland,
  Samaritans): the website's notice (``_templates/page.html``), the foot of
  every printed page (``_templates/print/``), the EPUB's pointer
  (epub_accessibility.py), the home page's box and the tests all take them from
  it.  Every HTML page gets them as ``urgent_notice`` in its template context,
  beside the data as ``urgent_help``.
- The print view (print_view.py, ``_templates/print/``) sets the card after
  the title page of the PDF and in each leaflet.  Everywhere, a number the
  label already names is not repeated after it (``Contact.label_parts`` and
  ``Contact.other_ways``): "Call N or go to A&E", not "... A&E: N".

The data lives in ``docs/_data/urgent-help.toml``; nothing else in the sources
writes a helpline number.  Every contact names the page that confirms it and the
date it was checked there: the build stops, naming the file and line, when one
does not.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from data_files import Lines, read
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
        # FORMATS["text"]: digits, or "WORD to DIGITS", whose word is the message (RFC 5724).
        word, _, number = self.text.rpartition(" to ")
        return f"sms:{number}" + (f"?body={word}" if word else "")

    def ways(self) -> list[tuple[str, str]]:
        """How to reach them, as (verb, number or address)."""
        return [(verb, value) for verb, value in
                (("call", self.phone), ("text", self.text), ("email", self.email)) if value]

    def label_parts(self) -> list[tuple[str, bool]]:
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
    # The only numbers a page's tel: link may call (content_policy).
    tel_uris: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "contacts", tuple(c for t in self.tiers for c in t.contacts))
        object.__setattr__(self, "tel_uris",
                           frozenset(c.tel_uri for c in self.contacts if c.phone))

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


FORMATS = {
    "phone": re.compile(r"[0-9]+( [0-9]+)*"),
    "text": re.compile(r"[A-Z]+ to [0-9]+|[0-9]+"),
    "email": re.compile(r"[a-z0-9.+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+"),
}
FORMAT_HELP = {"phone": "digits and single spaces", "text": "digits, or WORD to DIGITS",
               "email": "a plain address"}

# Characters a browser, a PDF engine or a template could read as markup.
MARKUP = "<>{}\\^~"


def check_contact(entry: dict, lines: Lines, index: int) -> Contact:
    """The INDEX-th [[tiers.contacts]] of the file, checked."""
    label = entry.get("label", "a contact")
    where = (lines.key("label", "tiers.contacts", index) if "label" in entry
             else f"{lines.path}:{lines.table('tiers.contacts', index)}")
    # Numbers too: an unquoted phone number is read as an integer, which the
    # checks and templates below cannot treat as text.
    for key in ("label", "source", "phone", "text", "email"):
        if key in entry and not isinstance(entry[key], str):
            raise ConfigError(f"{where}: '{label}': {key} = {str(entry[key])[:40]} must be "
                              f'text in quotes, such as {key} = "...".')
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
        if any(ch in str(entry.get(key, "")) for ch in MARKUP):
            raise ConfigError(f"{where}: '{label}': {key} may not contain < > {{ }} \\ ^ or ~.")
    try:
        return Contact(**entry)
    except TypeError as error:
        raise ConfigError(f"{where}: '{label}': {error}. "
                          "The file's comments describe the format.") from None


# A tier's id becomes a class name on the website and in print (the tier's
# colour), so it is a plain word.
TIER_ID = re.compile(r"[a-z][a-z0-9-]*")

# The contacts the templates and extensions name by region and tier: the notice
# on every page (_templates/page.html), the foot of every printed page
# (_templates/print/layout.html) and the EPUB (epub_accessibility.py).  Each
# must exist and have a phone number, or those pages would fail to build.
# In the order of Notice's fields (notice_contacts).
NAMED_CONTACTS = (("UK", "emergency"), ("England", "urgent"),
                  ("Northern Ireland", "urgent"), ("UK", "support"))


def check_tier(tier: Tier, where: str) -> None:
    """The templates print a tier's id, heading and summary: text only."""
    if not isinstance(tier.id, str) or not TIER_ID.fullmatch(tier.id):
        raise ConfigError(f"{where}: tier id {str(tier.id)[:40]!r} is not allowed; an id is "
                          "lower-case letters, digits and hyphens, starting with a letter.")
    for key in ("heading", "summary"):
        value = getattr(tier, key)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: tier '{tier.id}' needs a {key} (text).")
        if any(ch in value for ch in MARKUP):
            raise ConfigError(f"{where}: tier '{tier.id}': {key} may not contain "
                              "< > { } \\ ^ or ~.")


def check_named_contacts(data: UrgentHelp, path: Path, lines: dict[str, int]) -> None:
    for region, tier_id in NAMED_CONTACTS:
        if tier_id not in lines:
            raise ConfigError(
                f"{path}: there is no tier with id = \"{tier_id}\" (the tiers are "
                f"{', '.join(lines)}); the notice on every page and the PDF name it.")
        try:
            contact = data.contact(region, tier_id)
        except StopIteration:
            contact = None
        if contact is None or not contact.phone:
            raise ConfigError(
                f"{path}:{lines[tier_id]}: tier '{tier_id}' needs a contact for {region} "
                "with a phone number (the first one for that region); the notice on "
                "every page and the PDF print it.")


def load(path: Path = DATA_FILE) -> UrgentHelp:
    """The data, read once for as long as the file is unchanged (every page and
    every tel: link asks for it)."""
    stat = path.stat() if path.is_file() else None  # read() says what is wrong
    return _read(path, stat and (stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=4)
def _read(path: Path, _version) -> UrgentHelp:
    data, lines = read(path)
    if not isinstance(data.get("tiers"), list) or not data["tiers"]:
        raise ConfigError(f"{path}:1: the contacts are in [[tiers]] tables; the file's "
                          "comments describe the format.")
    contact_index = itertools.count()
    tiers, tier_lines = [], {}
    for index, raw in enumerate(data["tiers"]):
        line = lines.table("tiers", index)
        entries = raw.get("contacts") if isinstance(raw, dict) else None
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ConfigError(f"{path}:{line}: a tier's contacts are [[tiers.contacts]] "
                              "tables; the file's comments describe the format.")
        contacts = [check_contact(entry, lines, next(contact_index)) for entry in entries]
        # Stable: within a region, the file's order holds.
        contacts.sort(key=lambda c: REGIONS.index(c.region))
        tier = Tier(raw.get("id"), raw.get("heading"), raw.get("summary"), tuple(contacts))
        check_tier(tier, f"{path}:{line}")
        if tier.id in tier_lines:
            raise ConfigError(f"{path}:{line}: a second tier with id '{tier.id}'; "
                              "each tier's id is its own.")
        tier_lines[tier.id] = line
        tiers.append(tier)
    result = UrgentHelp(tuple(tiers))
    check_named_contacts(result, path, tier_lines)
    return result


class Notice(NamedTuple):
    """The contacts of the one-line notice, in the order it names them."""

    emergency: Contact
    urgent: Contact  # England's NHS line stands for the UK's urgent line
    lifeline: Contact  # Northern Ireland has its own urgent line, not the NHS one
    support: Contact


def notice_contacts(data: UrgentHelp | None = None) -> Notice:
    """The four contacts every page's notice names (see the module's docstring)."""
    data = data or load()
    return Notice(*(data.contact(region, tier_id) for region, tier_id in NAMED_CONTACTS))


def way_node(contact: Contact, value: str) -> nodes.Node:
    """A number or address of CONTACT: a link where a reader can follow it."""
    if value == contact.phone:
        return nodes.reference(value, value, refuri=contact.tel_uri,
                               classes=["urgent-help-number"])
    if value == contact.email:
        return nodes.reference(value, value, refuri="mailto:" + value)
    return nodes.Text(value)


def contact_paragraph(contact: Contact, lead: str | None = None) -> nodes.paragraph:
    """"LEAD: label: call N, or email A", each number once (LEAD: the region)."""
    para = nodes.paragraph(classes=["urgent-help-contact"])
    para += nodes.strong(text=f"{lead or contact.region}: ")
    for text, is_number in contact.label_parts():
        para += way_node(contact, text) if is_number else nodes.Text(text)
    for index, (verb, value) in enumerate(contact.other_ways()):
        para += nodes.Text((": " if index == 0 else ", or ") + verb + " ")
        para += way_node(contact, value)
    return para


def heading(text: str, level: int = 2) -> nodes.rubric:
    """A heading that is not a section: it shows in the page's outline of headings
    (screen readers list and jump by them) but not in "On this page"."""
    return nodes.rubric(text=text, classes=["urgent-help-heading"], **{"heading-level": level})


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
        heading_of = {tier.id: tier.heading for tier in data.tiers}
        notice = notice_contacts(data)
        for lead, contact in ((heading_of["emergency"], notice.emergency),
                              (heading_of["urgent"], notice.urgent),
                              ("In Northern Ireland", notice.lifeline),
                              (heading_of["support"], notice.support)):
            box += contact_paragraph(contact, lead)
        box += self.parse_content_to_nodes()
        return box


class UrgentHelpSources(SphinxDirective):
    """Where each number was confirmed, and when: one line per contact."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(DATA_FILE))
        items = nodes.bullet_list(classes=["urgent-help-sources"])
        for contact in load().contacts:
            items += nodes.list_item("", source_paragraph(contact))
        return [items]


def site_name(uri: str) -> str:
    """The site a web address is on, as a reader would name it: "samaritans.org"."""
    return uri.split("/")[2].removeprefix("www.") if "://" in uri else ""


def source_paragraph(contact: Contact) -> nodes.paragraph:
    """A line such as "NUMBER (REGION): confirmed on SITE, DATE.", the site's
    name a link to the page itself: the website and print show the name, not
    a long address, and the link keeps the address."""
    number = contact.phone or (contact.text and f"Text {contact.text}") or contact.email
    site = site_name(contact.source)
    para = nodes.paragraph()
    para += nodes.Text(f"{number} ({contact.region}): confirmed on ")
    para += nodes.reference(site, site, refuri=contact.source)
    para += nodes.Text(f", {british_date(contact.checked)}.")
    return para


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
    data = load()
    context["urgent_help"] = data
    context["urgent_notice"] = notice_contacts(data)


def setup(app: Sphinx) -> dict:
    app.add_directive("urgent-help", UrgentHelpCard)
    app.add_directive("urgent-help-sources", UrgentHelpSources)
    app.add_role("helpline", helpline_role)
    app.connect("config-inited", check_data)
    app.connect("html-page-context", add_notice_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
