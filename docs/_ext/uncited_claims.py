r"""Fail the build on a sentence that reports research without citing it.

The rule
--------
A sentence *reports research* when it does either of these:

1. It gives a figure from research: a percentage ("44%", "5 per cent"), a
   rate ("about 60 in 100", "1 in 20", "three out of four"), a count of
   studies or people ("295 studies", "14,587 people", "129 adults"), or a
   correlation or effect size ("a correlation of about 0.28", "r = .28").
2. It names research (a study, trial, review, meta-analysis, survey,
   research, researchers or evidence) AND says what it found or did, with a
   reporting word such as found, showed, shows, suggests, reported,
   predicted, concluded, supports, compared with, linked, did better,
   worked better, no difference or as effective.

Such a sentence must carry a citation (``{cite:p}`` or ``{cite:t}``) in the
same sentence or in the same paragraph (a list item's or a table cell's
paragraph counts as a paragraph).  Otherwise the build warns, naming
file:line and the sentence, and ``-W`` turns that into a failure.

Definitions and explanations pass, because they describe what a kind of
research *is* without reporting a result: "A study that combines the results
of many earlier studies" names research but says nothing it found, and gives
no figure.  So the glossary can define "meta-analysis" and "randomised
controlled trial" without citations, while "A meta-analysis of 34 studies
found ..." needs one.  Write a definition in the present tense about what the
thing is or does; a definition that needs a figure or a finding needs a
citation too.  Every paragraph is checked, wherever it sits (lists, tables,
admonitions, ``{only}`` blocks); headings are not, and code (inline or in
blocks) is not prose.

The exception
-------------
When a sentence matches the rule but honestly needs no citation, mark it with
the ``uncited`` role, giving the reason, anywhere in the sentence (made-up
numbers that explain an idea are the usual case)::

    If 50 in 100 improve with it and 30 in 100 without, it helped 20 more.{uncited}`made-up figures`

The marker renders nothing; a reviewer sees it in the pull request, and
``git grep '{uncited}'`` finds them all.  Every build lists every exception
with its file, line, reason and sentence.  A marker on a sentence that does
not need one fails the build, so markers cannot outlive their reason.

Findings are kept in the build environment and reported when each build
finishes, so an incremental build that does not re-read a page still fails
on it (Sphinx issue #725).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docutils import nodes
from docutils.utils import get_source_line
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

logger = logging.getLogger(__name__)

ROLE = "uncited"

# -- What counts as reporting research ---------------------------------------

_NUMBER_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                 r"fifteen|twenty|thirty|forty|fifty|hundred|a thousand|a million")
_NUMBER = rf"(?:\d[\d,]*(?:\.\d+)?|{_NUMBER_WORDS})"
_NOT_A_YEAR = r"(?!(?:1[89]|20)\d\d\b)"
_WHO = (r"studies|trials|reviews|people|patients|participants|adults|children|"
        r"respondents|clients|men|women|services")

FIGURES = re.compile("|".join([
    r"\d(?:[\d,.]*\d)?\s?(?:%|per\s?cent\b)",                                 # 44%
    rf"\b{_NOT_A_YEAR}{_NUMBER}\s+in\s+(?:every\s+)?{_NOT_A_YEAR}{_NUMBER}\b",  # 1 in 20
    rf"\b{_NUMBER}\s+out\s+of\s+(?:every\s+)?{_NUMBER}\b",                     # 3 out of 4
    # 295 studies, 14,587 people, 23 randomised trials ("one of the services" is no count)
    rf"\b{_NUMBER}(?:\s+(?:thousand|million))?\s+(?:(?!of\b|the\b)[\w-]+\s+){{0,2}}(?:{_WHO})\b",
    r"\b(?:correlation|effect size|odds ratio)\b[^.]*?\d",                     # correlation of 0.28
    r"(?<![\w.])[rdg]\s*=\s*[-−]?\d*\.?\d",                                    # r = .28
]), re.IGNORECASE)

RESEARCH = re.compile(
    r"\b(?:stud(?:y|ies)|trials?|reviews?|meta-analys[ie]s|research(?:ers)?|surveys?|evidence)\b",
    re.IGNORECASE)
REPORTING = re.compile(
    r"\b(?:found|finds?|show(?:s|ed|n)|suggest(?:s|ed)|report(?:s|ed)|conclude[sd]?|"
    r"predict(?:s|ed)|indicate[sd]|prove[sd]|confirm(?:s|ed)|supports|supported|"
    r"demonstrate[sd]|compared with|linked|did (?:better|worse)|work(?:s|ed)? better|"
    r"no difference|as effective|more effective|less effective|equivalent)\b",
    re.IGNORECASE)


def reports_research(sentence: str) -> bool:
    """True when SENTENCE gives a research figure or says what research found."""
    return bool(FIGURES.search(sentence)
                or (RESEARCH.search(sentence) and REPORTING.search(sentence)))


# -- Reading paragraphs as sentences -------------------------------------------

CITE = "\ue000"           # stands for a citation in the paragraph's text
MARK = "\ue001"           # stands for an {uncited} marker
TOKENS = re.compile(f"[{CITE}{MARK}]")
# A sentence ends at . ! or ? followed by space; a citation or marker written
# just after the full stop still belongs to the sentence it follows.
_TRAILING = re.compile(rf"([.!?][\"”’)]*)((?:\s*[{CITE}{MARK}])+)")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+")


class uncited_marker(nodes.Inline, nodes.Element):
    """An {uncited} exception; removed once the check has read it."""


class UncitedRole(SphinxRole):
    def run(self):
        reason = " ".join(self.text.split())
        if len(reason.split()) < 2:
            msg = self.inliner.reporter.warning(
                f"{{{ROLE}}} needs a reason of a few words, such as "
                f"{{{ROLE}}}`describes practice, not a finding`", line=self.lineno)
            return [], [msg]
        return [uncited_marker(reason=reason)], []


@dataclass(frozen=True)
class Finding:
    line: int | None
    sentence: str
    reason: str = ""   # an exception's reason; empty for a failure


def paragraph_text(paragraph: nodes.Element) -> tuple[str, list[str]]:
    """The paragraph's text, with CITE and MARK in place of citations and markers."""
    parts: list[str] = []
    reasons: list[str] = []

    def walk(node: nodes.Node) -> None:
        if isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "cite":
            parts.append(CITE)
        elif isinstance(node, uncited_marker):
            parts.append(MARK)
            reasons.append(node["reason"])
        elif isinstance(node, nodes.literal | nodes.literal_block | nodes.comment):
            parts.append(" ")
        elif isinstance(node, nodes.Text):
            parts.append(node.astext())
        else:
            for child in node.children:
                walk(child)

    walk(paragraph)
    return "".join(parts), reasons


def sentences(text: str) -> list[tuple[int, str]]:
    """Split TEXT into (offset in lines, sentence) pairs."""
    text = _TRAILING.sub(r"\2\1", text)
    found, start = [], 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[start:end]
        if chunk.strip():
            found.append((text.count("\n", 0, start), chunk))
        if match:
            start = match.end()
    return found


def check_paragraph(paragraph: nodes.Element) -> tuple[list[Finding], list[Finding], list]:
    """(failures, exceptions, unneeded markers) in one paragraph."""
    text, reasons = paragraph_text(paragraph)
    cited_paragraph = CITE in text
    first_line = paragraph.line or get_source_line(paragraph)[1]
    failures, exceptions, unneeded = [], [], []
    reason_iter = iter(reasons)
    for offset, sentence in sentences(text):
        line = first_line + offset if first_line else None
        plain = " ".join(TOKENS.sub("", sentence).split())
        marks = [next(reason_iter) for _ in range(sentence.count(MARK))]
        needs_citation = reports_research(plain) and not cited_paragraph
        if needs_citation and marks:
            exceptions.append(Finding(line, plain, marks[0]))
        elif needs_citation:
            failures.append(Finding(line, plain))
        elif marks:
            unneeded.append(Finding(line, plain, marks[0]))
    return failures, exceptions, unneeded


# -- Sphinx --------------------------------------------------------------------


def store(env) -> dict:
    """docname -> (failures, exceptions, unneeded markers), kept between builds."""
    if not hasattr(env, "handbook_uncited_claims"):
        env.handbook_uncited_claims = {}
    return env.handbook_uncited_claims


def check_doctree(app: Sphinx, doctree: nodes.document) -> None:
    failures, exceptions, unneeded = [], [], []
    for paragraph in doctree.findall(nodes.paragraph):
        found = check_paragraph(paragraph)
        failures += found[0]
        exceptions += found[1]
        unneeded += found[2]
    for marker in list(doctree.findall(uncited_marker)):
        marker.parent.remove(marker)
    store(app.env)[app.env.docname] = (failures, exceptions, unneeded)


def report(app: Sphinx, exception: Exception | None) -> None:
    """Warn about every failure and list every exception, on every build.

    Done when the build finishes rather than as each page is read, so a
    build that re-reads nothing still reports what the stored pages hold."""
    if exception is not None:
        return
    env = app.env
    listed = []
    for docname, (failures, exceptions, unneeded) in sorted(store(env).items()):
        for failure in failures:
            logger.warning(
                f"this sentence reports research but neither it nor its paragraph cites a "
                f"source: \"{failure.sentence}\" Add {{cite:p}}`key`, or mark an agreed "
                f"exception with {{{ROLE}}}`reason`",
                location=(docname, failure.line), type="handbook", subtype="uncited_claim")
        for marker in unneeded:
            logger.warning(
                f"{{{ROLE}}} marks a sentence that needs no citation; remove the marker: "
                f"\"{marker.sentence}\"",
                location=(docname, marker.line), type="handbook", subtype="uncited_claim")
        listed += [(docname, exception) for exception in exceptions]
    if listed:
        logger.info(f"uncited-claim exceptions ({len(listed)}), each marked {{{ROLE}}}:")
        for docname, exception in listed:
            logger.info(f"  {env.doc2path(docname)}:{exception.line}: "
                        f"{exception.reason}: \"{exception.sentence}\"")
    else:
        logger.info(f"uncited-claim exceptions: none ({{{ROLE}}} is not used)")


def forget(app: Sphinx, env, docname: str) -> None:
    store(env).pop(docname, None)


def merge(app: Sphinx, env, docnames, other) -> None:
    store(env).update({d: found for d, found in store(other).items() if d in docnames})


def setup(app: Sphinx) -> dict:
    app.add_node(uncited_marker)
    app.add_role(ROLE, UncitedRole())
    app.connect("doctree-read", check_doctree)
    app.connect("env-purge-doc", forget)
    app.connect("env-merge-info", merge)
    app.connect("build-finished", report)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1",
            "env_version": 1}
