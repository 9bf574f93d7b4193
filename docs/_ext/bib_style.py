"""The handbook's reference style: author-year labels and APA-like entries.

Registered with pybtex as the formatting style ``handbook`` (selected in
conf.py by ``bibtex_default_style``), the label style ``author_year`` and the
in-text reference style ``author_year_round`` (``bibtex_reference_style``).

An entry reads, for an article:

    Shedler, J. (2010). The efficacy of psychodynamic psychotherapy.
    *American Psychologist*, *65*(2), 98–109. https://doi.org/10.1037/a0018378

Labels are "Shedler, 2010" or "Fonagy et al., 2015", so one work has the same
label on every page, and two works never share one (a letter is added when the
same authors published twice in a year).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.plugin import register_plugin
from pybtex.richtext import Symbol, Text
from pybtex.style.formatting import BaseStyle, toplevel
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting.author_year_title import SortingStyle as AuthorYearTitleSorting
from pybtex.style.template import (
    field,
    first_of,
    href,
    join,
    names,
    optional,
    optional_field,
    sentence,
    tag,
    words,
)
from sphinxcontrib.bibtex.plugin import register_plugin as register_reference_style
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle


def round_brackets() -> BracketStyle:
    # "(Krupnick et al., 1996; Flückiger et al., 2018)"
    return BracketStyle(left="(", right=")", sep="; ")


@dataclass
class RoundAuthorYearReferenceStyle(AuthorYearReferenceStyle):
    """In-text citations as APA writes them: round brackets, "; " between works."""

    bracket_textual: BracketStyle = dataclass_field(default_factory=round_brackets)
    bracket_parenthetical: BracketStyle = dataclass_field(default_factory=round_brackets)
    bracket_author: BracketStyle = dataclass_field(default_factory=round_brackets)
    bracket_label: BracketStyle = dataclass_field(default_factory=round_brackets)
    bracket_year: BracketStyle = dataclass_field(default_factory=round_brackets)


# One backend object for all plain-text rendering.  Text.render_as("text")
# looks the backend up through package entry points on every call, which made
# sorting the reference lists the slowest step of a rebuild (1.6 s of 2 s).
PLAIN_TEXT = PlainTextBackend()


def latex_to_text(raw: str) -> str:
    return Text.from_latex(raw).render(PLAIN_TEXT)


def dashify(text):
    return Text(Symbol("ndash")).join(text.split(re.compile(r"-+")))


def person_surname(person) -> str:
    # Decode BibTeX's LaTeX ("Fl{\\"u}ckiger" is "Flückiger"); braces are not part of the name.
    raw = " ".join(person.prelast_names + person.last_names)
    return latex_to_text(raw)


class AuthorYearLabelStyle(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        labels = [self.format_label(entry) for entry in sorted_entries]
        repeated = Counter(labels)
        seen: Counter = Counter()
        for label in labels:
            if repeated[label] > 1:
                seen[label] += 1
                yield label + "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
            else:
                yield label

    @staticmethod
    def format_label(entry) -> str:
        persons = entry.persons.get("author") or entry.persons.get("editor") or []
        year = entry.fields.get("year", "n.d.")
        if not persons:
            return f"{entry.fields.get('title', entry.key)}, {year}"
        if len(persons) == 1:
            who = person_surname(persons[0])
        elif len(persons) == 2:
            who = f"{person_surname(persons[0])} and {person_surname(persons[1])}"
        else:
            who = f"{person_surname(persons[0])} et al."
        return f"{who}, {year}"


class PlainTextSorting(AuthorYearTitleSorting):
    """Sort by author, year, title, reading names as text: an organisation written
    "{National Institute ...}" sorts under N, and "Fl{\\"u}ckiger" under F."""

    def person_key(self, person):
        return latex_to_text(super().person_key(person)).lower()


year = join["(", field("year"), ")"]
pages = field("pages", apply_func=dashify)


class HandbookStyle(BaseStyle):
    default_label_style = "author_year"
    default_name_style = "lastfirst"
    default_sorting_style = "author_year_title_text"

    # Formatted entries, shared by every list in a build.  sphinxcontrib-bibtex
    # formats every entry of every page's list on every build, even when one
    # page changed; with the same work cited on many pages, formatting each
    # work once made the rebuild after an edit much faster (see benchmarks/).
    _formatted: dict = {}

    def __init__(self, *args, **kwargs):
        # APA gives initials: "Shedler, J.", not "Shedler, Jonathan".
        kwargs.setdefault("abbreviate_names", True)
        super().__init__(*args, **kwargs)

    def format_entry(self, label, entry, bib_data=None):
        # The key covers everything the text depends on, so an edited entry in
        # a long-running process (make live) is formatted afresh.
        cache_key = (entry.key, entry.type, label, tuple(entry.fields.items()),
                     tuple((role, tuple(str(p) for p in people))
                           for role, people in entry.persons.items()))
        if cache_key not in self._formatted:
            self._formatted[cache_key] = super().format_entry(label, entry, bib_data)
        return self._formatted[cache_key]

    def authors(self, role="author"):
        # APA: "Roth, A., & Fonagy, P." -- initials, ampersand before the last name.
        return names(role, sep=", ", sep2=", & ", last_sep=", & ")

    def head(self, role="author"):
        """Authors and year: the part a reader scans for."""
        return sentence(add_period=True)[words[self.authors(role), year]]

    def doi_or_url(self):
        return first_of[
            optional[href[join["https://doi.org/", field("doi", raw=True)],
                          join["https://doi.org/", field("doi", raw=True)]]],
            optional[href[field("url", raw=True), field("url", raw=True)]],
            "",
        ]

    def get_article_template(self, e):
        volume = optional[join[", ", tag("em")[field("volume")],
                               optional["(", field("number"), ")"]]]
        return toplevel[
            self.head(),
            sentence[field("title")],
            sentence[join[tag("em")[field("journal")], volume, optional[", ", pages]]],
            self.doi_or_url(),
        ]

    def get_book_template(self, e):
        edition = optional[" (", field("edition", apply_func=ordinal_edition), " ed.)"]
        return toplevel[
            self.head(),
            sentence[join[tag("em")[field("title")], edition]],
            sentence[field("publisher")],
            optional[sentence[join["ISBN ", field("isbn")]]],
            self.doi_or_url(),
        ]

    def get_incollection_template(self, e):
        return toplevel[
            self.head(),
            sentence[field("title")],
            sentence[words["In", join[self.authors("editor"), " (Eds.),"],
                           tag("em")[field("booktitle")],
                           optional[join["(pp. ", pages, ")"]]]],
            sentence[field("publisher")],
            self.doi_or_url(),
        ]

    def get_misc_template(self, e):
        """Guidance and web pages: "Samaritans. (2020). *Title* (6th ed.). Publisher."
        Undated pages show "(n.d.)", as APA does."""
        when = first_of[optional[join["(", field("year"), ")"]], "(n.d.)"]
        edition = optional[" (", field("edition", apply_func=ordinal_edition), " ed.)"]
        return toplevel[
            sentence(add_period=True)[words[self.authors(), when]],
            sentence[join[tag("em")[field("title")], edition]],
            optional[sentence[field("howpublished")]],
            self.doi_or_url(),
        ]

    def get_techreport_template(self, e):
        report = optional[join[" (", field("type"), " ", field("number"), ")"]]
        # An organisation that is both author and publisher is not named twice.
        publisher = "" if e.fields.get("institution") == " ".join(
            str(p) for p in e.persons.get("author", [])).strip("{}") else sentence[
            optional_field("institution")]
        return toplevel[
            self.head(),
            sentence[join[tag("em")[field("title")], report]],
            publisher,
            self.doi_or_url(),
        ]


def ordinal_edition(text):
    value = str(text)
    suffix = {"1": "st", "2": "nd", "3": "rd"}.get(value[-1:], "th")
    if value.endswith(("11", "12", "13")):
        suffix = "th"
    return Text(value + suffix) if value.isdigit() else text


register_plugin("pybtex.style.labels", "author_year", AuthorYearLabelStyle)
register_plugin("pybtex.style.sorting", "author_year_title_text", PlainTextSorting)
register_plugin("pybtex.style.formatting", "handbook", HandbookStyle)
register_reference_style("sphinxcontrib.bibtex.style.referencing", "author_year_round",
                         RoundAuthorYearReferenceStyle)


def setup(app) -> dict:
    # Nothing to connect: importing the module registers the pybtex plugins.
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
