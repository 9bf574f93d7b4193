r"""The urgent-help card and notice, from the one data file of helplines.

- ``{urgent-help}`` renders the full card: tiers from most to least urgent, each
  under its own level-two heading, each number a ``tel:`` link, with the date
  the numbers were last checked.  With ``:brief:`` it renders the home page's
  box instead: a "Need help now?" heading and one line per tier with the UK
  number, then the directive's own content (a link to the full card).
- ``{urgent-help-checked}`` renders that date alone, for prose.
- Every HTML page gets ``urgent_help`` in its template context, which
  ``_templates/page.html`` turns into the short notice at the top of the page.
- The PDF gets a ``\HandbookUrgentHelp`` macro, which conf.py's title page
  places right after the title.

The data lives in ``docs/_data/urgent-help.toml``; nothing else in the sources
writes a helpline number.
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
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
        card += nodes.paragraph(
            text="Anywhere else: call your local emergency number. "
                 f"These numbers were last checked on {british_date(data.last_checked)}.",
            classes=["urgent-help-checked"])
        return [card]

    def brief_box(self, data: UrgentHelp) -> nodes.container:
        box = nodes.container(classes=["urgent-help-brief"])
        box += heading("Need help now?")
        box += nodes.paragraph(text="In the UK:")
        for tier in data.tiers:
            uk = [c for c in tier.contacts if c.region == "UK"]
            if uk:
                box += brief_line(tier, uk[0])
        box += self.parse_content_to_nodes()
        return box


def add_notice_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    context["urgent_help"] = load()


def latex_escape(text: str) -> str:
    for char, escaped in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"),
                          ("$", r"\$"), ("#", r"\#"), ("_", r"\_")):
        text = text.replace(char, escaped)
    return text


def latex_card(data: UrgentHelp) -> str:
    """The card as a framed box, for the PDF's first pages."""
    lines = [r"\newcommand{\HandbookUrgentHelp}{%",
             r"\noindent\fbox{\begin{minipage}{\dimexpr\linewidth-2\fboxsep-2\fboxrule}",
             r"\setlength{\parskip}{0.4em}",
             r"{\Large\bfseries Need help now?\par}"]
    for tier in data.tiers:
        lines.append(rf"\medskip{{\large\bfseries {latex_escape(tier.heading)}\par}}")
        lines.append(latex_escape(tier.summary) + r"\par")
        for c in tier.contacts:
            ways = [w for w in (c.phone, c.text and f"text {c.text}", c.email) if w]
            lines.append(rf"\textbf{{{latex_escape(c.region)}:}} {latex_escape(c.label)}: "
                         + ", or ".join(rf"\textbf{{{latex_escape(w)}}}" for w in ways)
                         + r"\par")
    lines.append(r"\medskip Anywhere else: call your local emergency number. "
                 rf"These numbers were last checked on {british_date(data.last_checked)}.")
    lines += [r"\end{minipage}}", "}"]
    return "\n".join(lines)


def add_latex_card(app: Sphinx, config) -> None:
    preamble = config.latex_elements.get("preamble", "")
    config.latex_elements["preamble"] = preamble + "\n" + latex_card(load()) + "\n"


def setup(app: Sphinx) -> dict:
    app.add_directive("urgent-help", UrgentHelpCard)
    app.connect("html-page-context", add_notice_context)
    app.connect("config-inited", add_latex_card)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
