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
- pybtex decoded the LaTeX of every author's name again for every in-text
  citation (remember_decoded_latex).

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
from pybtex.richtext import Text
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinxcontrib.bibtex.citation_target import parse_citation_targets
from sphinxcontrib.bibtex.domain import BibtexDomain, _FilterVisitor, get_docnames

logger = logging.getLogger(__name__)

# In the domain's data, kept between builds: (formatting_inputs(), the citations made).
FORMATTED = "handbook_formatted"


class IndexedBibtexDomain(BibtexDomain):
    """sphinxcontrib-bibtex's domain, with the pages citing each work found once."""

    _cited_in: dict[str, set[str]] | None = None

    _cited_keys: dict[tuple[str, ...], list[str]] | None = None

    # Each key's reference list entries (Citation), with their places in the
    # site's list; made at the first resolve_xref after env_updated, which
    # alone fills that list.
    _citations_by_key: dict[str, list] | None = None

    # While resolve_xref runs: the entries of the keys it resolves.
    _narrowed: list | None = None

    @property
    def citations(self):
        if self._narrowed is not None:
            return self._narrowed
        return self.data["citations"]

    def resolve_xref(self, env, fromdocname, builder, typ, target, node, contnode):
        if not env.config.bibtex_speed:
            return super().resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
        if self._citations_by_key is None:
            index = defaultdict(list)
            for place, citation in enumerate(self.data["citations"]):
                index[citation.key].append((place, citation))
            self._citations_by_key = index
        keys = {citation_target.key for citation_target in parse_citation_targets(target)}
        found = [entry for key in keys for entry in self._citations_by_key.get(key, ())]
        # In the site's order, as upstream scans them: a key listed twice
        # resolves to the same one of its entries as it did upstream.
        self._narrowed = [citation for _, citation in sorted(found, key=operator.itemgetter(0))]
        try:
            return super().resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
        finally:
            self._narrowed = None

    def env_updated(self):
        self._citations_by_key = None
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


def speed_up_pybtex(app: Sphinx, config) -> None:
    # On config-inited: -D bibtex_speed=0 is known only once the config is read.
    if config.bibtex_speed:
        remember_plugins()
        remember_decoded_latex()


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_domain(IndexedBibtexDomain, override=True)
    app.add_config_value("bibtex_speed", True, "html", types=[bool])
    app.connect("config-inited", speed_up_pybtex)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
