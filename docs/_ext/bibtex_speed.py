"""Costs of sphinxcontrib-bibtex 2.7.0 and pybtex that grow faster than the handbook.

Measured on a grown handbook of 300 articles (issue 18), each with its own
reference list:

- pybtex's plugins were looked up once per citation.  sphinxcontrib-bibtex asks
  ``pybtex.plugin.find_plugin`` for the plain-text backend on every citation it
  resolves (BibtexDomain.resolve_xref) and for the style of every list
  (get_formatted_entries); each call scans the installed packages' entry points
  (importlib.metadata): about 10 s of a clean build.  The answer cannot change
  during a build (plugins register when extensions load, bib_style's included),
  so it is remembered, in pybtex.plugin (sphinxcontrib-bibtex calls it through
  the module) and in pybtex.style.formatting (every style made, one per
  reference list, looked up its name, label and sorting styles: 5 s of 130
  under a profiler, missed by the first round).
- Every build, for every entry of every reference list, get_filtered_entries
  scans every citation on the site to find the pages that cite the entry:
  lists x entries x citations, so pages squared; and get_all_cited_keys sorts
  every citation on the site again for each list.  Both answers are the same
  for every list, so each is worked out once per build here.
- Every build filtered and formatted every list again (BibtexDomain.env_updated),
  even when nothing it depends on had changed: 1.4 s of a 3 s rebuild at 300
  articles.  Here the last build's lists are kept while everything they are
  made from is the same (formatting_inputs): the lists, who cites what, the
  .bib files, the bibtex settings, the style's code (these extensions) and
  the versions of pybtex and sphinxcontrib-bibtex.  State is kept only from a
  build that passed (scripts/build_state.py), so the kept lists had no warnings.
- Every citation in the text (BibtexDomain.resolve_xref) scanned every
  reference list entry on the site, twice, for its keys: citations x entries,
  so pages squared again.  Here the entries are indexed by key once per build,
  and upstream's own code runs on just the entries of the keys it resolves, in
  the site's order, so it picks the same entry and gives the same text.
  Of a key's entries only three kinds can matter to upstream's answer: those
  on the citing page (it prefers the last of them), the last on the site (its
  answer for a key the page does not list) and the first on the site (which
  places the key among the others in the text); only those are passed on, as
  each key sits in every article's list in a grown handbook.
- Every reference list (BibliographyTransform) scanned every entry on the site
  for its own, and for each of its entries every citation on the site for the
  back-links: pages squared.  Here the transform sees only the entries and
  citations of the page it transforms, in the site's order.
- pybtex decoded the LaTeX of every author's name again for every in-text
  citation (remember_decoded_latex), and sphinxcontrib-bibtex formatted the
  work's list of names again (remember_formatted_names).

All can go when sphinxcontrib-bibtex does the same (2.7.0 does not).  With
``bibtex_speed = False`` (``-D bibtex_speed=0``) sphinxcontrib-bibtex and
pybtex run their own code, so tests/test_same_output.py can compare the two, byte for byte.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import json
import operator
from collections import defaultdict
from pathlib import Path

import pybtex.plugin
import pybtex.style.formatting
import sphinxcontrib.bibtex.style.template
from pybtex.richtext import Text
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinxcontrib.bibtex.citation_target import parse_citation_targets
from sphinxcontrib.bibtex.domain import BibtexDomain, _FilterVisitor, get_docnames
from sphinxcontrib.bibtex.nodes import bibliography as bibliography_node
from sphinxcontrib.bibtex.transforms import BibliographyTransform

logger = logging.getLogger(__name__)

# In the domain's data, kept between builds: (formatting_inputs(), the citations made).
FORMATTED = "handbook_formatted"


class IndexedBibtexDomain(BibtexDomain):
    """sphinxcontrib-bibtex's domain, with the pages citing each work found once."""

    _cited_in: dict[str, set[str]] | None = None

    _cited_keys: dict[tuple[str, ...], list[str]] | None = None

    # Each key's entries in lists of citations (the only ones upstream's
    # resolve_xref can pick), with their places in the site's list, and the
    # same by key and page; made at the first resolve_xref after env_updated,
    # which alone fills that list.
    _citations_by_key: dict[str, list] | None = None
    _citations_by_key_and_page: dict[tuple[str, str], list] | None = None

    # The site's entries and citations by page, for the reference lists' transform.
    _citations_by_page: dict[str, list] | None = None
    _citation_refs_by_page: dict[str, list] | None = None

    # While resolve_xref or the reference lists' transform runs: the entries
    # (and citations) that can matter to it, in the site's order.
    _narrowed: list | None = None
    _narrowed_refs: list | None = None

    @property
    def citations(self):
        if self._narrowed is not None:
            return self._narrowed
        return self.data["citations"]

    @property
    def citation_refs(self):
        if self._narrowed_refs is not None:
            return self._narrowed_refs
        return self.data["citation_refs"]

    def resolve_xref(self, env, fromdocname, builder, typ, target, node, contnode):
        if not env.config.bibtex_speed:
            return super().resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
        if self._citations_by_key is None:
            by_key, by_key_and_page = defaultdict(list), defaultdict(list)
            for place, citation in enumerate(self.data["citations"]):
                if self.bibliographies[citation.bibliography_key].list_ == "citation":
                    by_key[citation.key].append((place, citation))
                    by_key_and_page[citation.key, citation.bibliography_key.docname].append(
                        (place, citation))
            self._citations_by_key, self._citations_by_key_and_page = by_key, by_key_and_page
        keys = {citation_target.key for citation_target in parse_citation_targets(target)}
        # Upstream keeps, for each key, the last of its entries on the citing
        # page, or else the last on the site, and orders the keys by where
        # each first appears: the first, the last and the page's own entries
        # give it the same answer in the same order.
        found = {}
        for key in keys:
            entries = self._citations_by_key.get(key)
            if entries:
                found.update([entries[0], entries[-1],
                              *self._citations_by_key_and_page.get((key, fromdocname), ())])
        self._narrowed = [found[place] for place in sorted(found)]
        try:
            return super().resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
        finally:
            self._narrowed = None

    def narrow_to_pages(self, docnames: set[str]) -> None:
        """Until widen(): the site's entries and citations on DOCNAMES only."""
        if self._citations_by_page is None:
            self._citations_by_page = defaultdict(list)
            for citation in self.data["citations"]:
                self._citations_by_page[citation.bibliography_key.docname].append(citation)
            self._citation_refs_by_page = defaultdict(list)
            for citation_ref in self.data["citation_refs"]:
                self._citation_refs_by_page[citation_ref.docname].append(citation_ref)
        if len(docnames) == 1:
            (docname,) = docnames
            self._narrowed = self._citations_by_page.get(docname, [])
            self._narrowed_refs = self._citation_refs_by_page.get(docname, [])
        else:  # lists of several pages in one document (none in the handbook): scan
            self._narrowed = [citation for citation in self.data["citations"]
                              if citation.bibliography_key.docname in docnames]
            self._narrowed_refs = [citation_ref for citation_ref in self.data["citation_refs"]
                                   if citation_ref.docname in docnames]

    def widen(self) -> None:
        self._narrowed = self._narrowed_refs = None

    def env_updated(self):
        self._citations_by_key = self._citations_by_key_and_page = None
        self._citations_by_page = self._citation_refs_by_page = None
        if not self.env.config.bibtex_speed:
            return super().env_updated()
        inputs = self.formatting_inputs()
        kept_inputs, kept_citations = self.data.get(FORMATTED, (None, []))
        if kept_inputs == inputs:
            # The lists the last build made from the same inputs (in the order
            # it made them: a page read again had its own removed by clear_doc).
            self.data["citations"] = list(kept_citations)
            return []
        self._cited_in = defaultdict(set)
        for citation_ref in self.citation_refs:
            for target in citation_ref.targets:
                self._cited_in[target.key].add(citation_ref.docname)
        self._cited_keys = {}
        try:
            updated = super().env_updated()
        finally:
            self._cited_in = self._cited_keys = None
        self.data[FORMATTED] = (inputs, list(self.data["citations"]))
        return updated

    def formatting_inputs(self) -> str:
        """A digest of everything env_updated makes the reference lists from."""
        env = self.env
        lists = {f"{key.docname}#{key.id_}": [
            *value._replace(line=0, filter_=ast.dump(value.filter_), citation_nodes=None),
            {cited: node["ids"] for cited, node in value.citation_nodes.items()}]
            for key, value in self.bibliographies.items()}  # line: only in warnings
        citing = sorted(((ref.docname, [tuple(target) for target in ref.targets])
                         for ref in self.citation_refs), key=operator.itemgetter(0))
        files = [*self.bibdata.bibfiles, *Path(__file__).parent.glob("*.py")]
        inputs = {
            "lists": lists,
            "reading order": list(get_docnames(env)),
            "citing": citing,
            "files": {str(path): hashlib.sha256(Path(path).read_bytes()).hexdigest()
                      for path in files},
            "settings": {option.name: option.value for option in env.config
                         if option.name.startswith("bibtex_")},
            "versions": [importlib.metadata.version(name)
                         for name in ("pybtex", "sphinxcontrib-bibtex")],
        }
        return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=repr)
                              .encode()).hexdigest()

    def get_all_cited_keys(self, docnames):
        # Upstream sorts every citation on the site, by docnames.index(), for
        # each list: the same answer each time within env_updated.
        if self._cited_keys is None:
            return super().get_all_cited_keys(docnames)
        key = tuple(docnames)
        if key not in self._cited_keys:
            self._cited_keys[key] = list(super().get_all_cited_keys(docnames))
        return iter(self._cited_keys[key])

    def get_filtered_entries(self, bibliography_key):
        if self._cited_in is None:
            yield from super().get_filtered_entries(bibliography_key)
            return
        # BibtexDomain.get_filtered_entries, with cited_docnames from the index.
        bibliography = self.bibliographies[bibliography_key]
        for entry in self.get_entries(bibliography.bibfiles):
            key = bibliography.keyprefix + entry.key
            cited_docnames = self._cited_in.get(key, set())
            visitor = _FilterVisitor(entry=entry, docname=bibliography_key.docname,
                                     cited_docnames=cited_docnames)
            try:
                success = visitor.visit(bibliography.filter_)
            except ValueError as err:
                logger.warning(f"syntax error in :filter: expression; {err}",
                               location=(bibliography_key.docname, bibliography.line),
                               type="bibtex", subtype="filter_syntax_error")
                success = bool(cited_docnames)
            if success or entry.key in bibliography.keys:
                yield key, entry


class PageBibliographyTransform(BibliographyTransform):
    """sphinxcontrib-bibtex's reference lists, from the page's own entries and citations.

    Upstream's transform keeps a list's entries (domain.citations with the
    list's key) and, for each, the back-links from citations on the list's
    page (domain.citation_refs with that page's name): narrowing both to the
    pages of the lists in this document, order kept, changes neither."""

    def run(self, **kwargs) -> None:
        if not self.config.bibtex_speed:
            return super().run(**kwargs)
        domain = self.env.get_domain("cite")
        domain.narrow_to_pages({node["docname"] for node in self.document.findall(
            bibliography_node)})
        try:
            return super().run(**kwargs)
        finally:
            domain.widen()


def remember_plugins() -> None:
    if hasattr(pybtex.plugin.find_plugin, "cache_info"):
        return
    find_plugin = functools.lru_cache(maxsize=None)(pybtex.plugin.find_plugin)
    # pybtex's styles call the name they imported: every style made (one per
    # reference list) looked up its name, label and sorting styles afresh.
    for module in (pybtex.plugin, pybtex.style.formatting):
        module.find_plugin = find_plugin


def remember_decoded_latex() -> None:
    """Decode each piece of BibTeX's LaTeX (a name, a title) once per process.

    Every in-text citation formats its authors' names again, and pybtex decodes
    each name's LaTeX with latexcodec every time (Person.rich_last_names):
    about 7 % of a clean build under a profiler.  The answer depends only on
    the string, so an edited .bib gives new strings and new answers; pybtex's
    rich text is never changed once made (its methods return new objects), so
    one answer can be shared."""
    if getattr(Text.from_latex, "remembers", False):
        return
    decode = functools.cache(Text.from_latex)

    def from_latex(cls, latex):
        return decode(latex)

    from_latex.remembers = True
    Text.from_latex = classmethod(from_latex)


def remember_formatted_names() -> None:
    """Format a work's authors (or editors) once per style and separators.

    Every in-text citation formats its work's list of names again, through
    sphinxcontrib-bibtex's ``names`` template: about 3.5 % of a clean build under
    a profiler.  The answer depends on the entry's names, the referencing
    style and the separators the template passes.  Each answer is kept with
    the entry and the style it was made for, so neither can be freed and its
    id() reused while the answer is kept; a different entry or style (an
    edited .bib, a new build) is a new key.  Rich text is shared as in
    remember_decoded_latex."""
    template = sphinxcontrib.bibtex.style.template.names
    if getattr(template.f, "remembers", False):
        return
    format_names = template.f
    answers: dict[tuple[int, int, str], list] = defaultdict(list)

    def names(children, data, role, **kwargs):
        entry, style = data["entry"], data["style"]
        kept = answers[id(entry), id(style), role]
        for kept_entry, kept_style, kept_kwargs, text in kept:
            if kept_entry is entry and kept_style is style and kept_kwargs == kwargs:
                return text
        text = format_names(children, data, role, **kwargs)
        kept.append((entry, style, kwargs, text))
        return text

    names.remembers = True
    # The referencing styles make their templates from this node at each
    # citation (AuthorYearReferenceStyle.inner), so each copy calls this.
    template.f = names


def speed_up_pybtex(app: Sphinx, config) -> None:
    # On config-inited: -D bibtex_speed=0 is known only once the config is read.
    if config.bibtex_speed:
        remember_plugins()
        remember_decoded_latex()
        remember_formatted_names()


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_domain(IndexedBibtexDomain, override=True)
    transforms = app.registry.post_transforms
    transforms[transforms.index(BibliographyTransform)] = PageBibliographyTransform
    app.add_config_value("bibtex_speed", True, "html", types=[bool])
    app.connect("config-inited", speed_up_pybtex)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
