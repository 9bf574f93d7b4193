"""Print the print view (docs/_ext/print_view.py) to tagged PDF with WeasyPrint.

Every PDF is PDF/UA-1 tagged (WeasyPrint's ``pdf/ua-1`` variant: structure
tree, /Lang, DisplayDocTitle, XMP ``pdfuaid:part=1``), and strict like the
rest of the build: any warning WeasyPrint logs fails it.  A character that no
font can show fails naming the source file and line that holds it.  WeasyPrint
reads files only from the folders it is given (``local_files_only``): nothing
from another host, nothing elsewhere on the disk.

After printing (``finish_tagging``), the page headers and footers (running
heads, page numbers, the urgent-help line) become artifacts, so screen readers
skip them: WeasyPrint tags their text but leaves it outside the structure
tree.  And each link within the book gets alternative text that says where
it goes, not the id WeasyPrint gives it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

LANGUAGE = "en-GB"
PDF_VARIANT = "pdf/ua-1"


class PrintFailed(Exception):
    """A PDF could not be printed; the message says why and what to fix."""


def local_files_only(*roots: Path):
    """A WeasyPrint URL fetcher that reads files under ROOTS and refuses anything else."""
    from weasyprint.urls import URLFetcher

    allowed = [root.resolve() for root in roots]

    class LocalFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if any(path.is_relative_to(root) for root in allowed):
                    return super().fetch(url, headers)
            raise ValueError(f"the PDF may only read files in {', '.join(map(str, allowed))}; "
                             f"refused {url}")

    return LocalFilesOnly(fail_on_errors=True)


@dataclass
class Problem:
    message: str
    character: str | None = None


class CollectProblems(logging.Handler):
    """Every warning or error WeasyPrint logs while printing."""

    MISSING_GLYPH = re.compile(r"unsupported by fonts: \"(.)\" \(U\+[0-9A-F]+\)", re.S)

    def __init__(self):
        super().__init__(logging.WARNING)
        self.problems: list[Problem] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        match = self.MISSING_GLYPH.search(message)
        self.problems.append(Problem(message, match and match.group(1)))


def where_written(character: str, sources: Path) -> list[str]:
    """The source files and lines that hold CHARACTER, as "path:line"."""
    found = []
    for path in sorted(sources.rglob("*")):
        if path.suffix not in {".md", ".bib", ".toml"} or "_build" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if character in line:
                found.append(f"{path}:{number}")
    return found


def explain(problems: list[Problem], html: Path, sources: Path) -> str:
    lines = []
    for problem in problems:
        if problem.character:
            places = where_written(problem.character, sources) or [str(html)]
            for place in places:
                lines.append(f"{place}: no font in the PDF can show {problem.character!r} "
                             f"(U+{ord(problem.character):04X}); use another character, or "
                             "add a font that has it to scripts/ensure-system-packages")
        else:
            lines.append(f"{html}: {problem.message}")
    return "\n".join(dict.fromkeys(lines))


def link_targets(html: Path) -> dict[str, str]:
    """What each id in the page is, in words, for the links that lead there."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    for hidden in page.select(".headerlink, .citation .label, .citation .backrefs"):
        hidden.decompose()
    described = {}
    for element in page.find_all(id=True):
        heading = element.find(re.compile(r"^h[1-6]$")) if element.name == "section" else None
        text = (heading or element).get_text(" ", strip=True)
        described[element["id"]] = " ".join(text.split())[:150]
    return described


def describe_links(pdf, html: Path) -> None:
    """WeasyPrint gives a link to another part of the book its target's id as its
    alternative text (/Contents); say where it goes instead."""
    import pikepdf

    targets = link_targets(html)
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            destination = annotation.get("/Dest")
            if annotation.get("/Subtype") == "/Link" and isinstance(destination, pikepdf.String):
                where = targets.get(str(destination), "another part of this document")
                annotation.Contents = pikepdf.String(f"Go to {where}")


def mark_margins_as_artifacts(pdf) -> None:
    """Turn the page margins' tagged text into artifacts.

    WeasyPrint marks text in page-margin boxes as tagged content but links its
    structure elements to nothing (PDF 1.7 allows no artifact elements in the
    tree).  Content whose structure element cannot be reached from the
    structure tree is exactly that text: rewrite its marked-content sequence as
    ``/Artifact`` and drop it from the parent tree.
    """
    import pikepdf

    reachable: set[tuple[int, int]] = set()
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/K" in node:
            if node.is_indirect:
                reachable.add(node.objgen)
            stack.append(node.K)
    parent_tree = pdf.Root.StructTreeRoot.ParentTree
    nums = parent_tree.Nums
    for index in range(0, len(nums), 2):
        key, value = int(nums[index]), nums[index + 1]
        if key >= len(pdf.pages) or not isinstance(value, pikepdf.Array):
            continue
        orphans = {mcid for mcid, element in enumerate(value)
                   if isinstance(element, pikepdf.Dictionary)
                   and element.objgen not in reachable}
        if not orphans:
            continue
        page = pdf.pages[key]
        instructions = pikepdf.parse_content_stream(page)
        rewritten = []
        for operands, operator in instructions:
            if (str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary)
                    and int(operands[1].get("/MCID", -1)) in orphans):
                rewritten.append(([pikepdf.Name.Artifact], pikepdf.Operator("BMC")))
            else:
                rewritten.append((operands, operator))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(rewritten))
        for mcid in orphans:
            value[mcid] = None  # no structure element: an artifact


def scope_header_cells(pdf) -> None:
    """Give every table header cell a /Scope.  WeasyPrint links header and data
    cells by /IDs and /Headers but gives a header cell no scope, which PDF/UA
    checkers want; the handbook's tables have one header row, so: Column."""
    import pikepdf

    stack, seen = [pdf.Root.StructTreeRoot], set()
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            if node.get("/S") == pikepdf.Name.TH:
                attributes = node.get("/A")
                if isinstance(attributes, pikepdf.Dictionary) and \
                        attributes.get("/O") == pikepdf.Name.Table:
                    attributes.Scope = pikepdf.Name.Column
                elif attributes is None:
                    node.A = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=pikepdf.Name.Column)
            if "/K" in node:
                stack.append(node.K)


def finish_tagging(pdf_path: Path, html: Path) -> None:
    import pikepdf

    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        mark_margins_as_artifacts(pdf)
        scope_header_cells(pdf)
        describe_links(pdf, html)
        pdf.save(pdf_path)


def print_pdf(html: Path, pdf: Path, print_view: Path, sources: Path) -> None:
    """Print HTML to PDF, reading files only in the print view and the sources."""
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    handler = CollectProblems()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    partial = pdf.with_name(pdf.name + ".partial")
    try:
        document = weasyprint.HTML(
            filename=str(html), url_fetcher=local_files_only(print_view, sources))
        document.write_pdf(partial, pdf_variant=PDF_VARIANT, uncompressed_pdf=False)
        if not handler.problems:
            finish_tagging(partial, html)
    except (Exception, FatalURLFetchingError) as error:  # shown without a traceback
        partial.unlink(missing_ok=True)
        raise PrintFailed(f"{html}: the PDF engine (WeasyPrint) failed: "
                          f"{type(error).__name__}: {error}") from None
    finally:
        logger.removeHandler(handler)
    if handler.problems:
        partial.unlink(missing_ok=True)
        raise PrintFailed(explain(handler.problems, html, sources))
    partial.replace(pdf)
