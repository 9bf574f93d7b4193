"""Two costs of sphinxcontrib-bibtex 2.7.0 that grow faster than the handbook.

Measured on a grown handbook of 300 articles (issue 18), each with its own
reference list:

- pybtex's plugins were looked up once per citation.  sphinxcontrib-bibtex asks
  ``pybtex.plugin.find_plugin`` for the plain-text backend on every citation it
  resolves (BibtexDomain.resolve_xref) and for the style of every list
  (get_formatted_entries); each call scans the installed packages' entry points
  (importlib.metadata): about 10 s of a clean build.  The answer cannot change
  during a build (plugins register when extensions load, bib_style's included),
  so it is remembered.  sphinxcontrib-bibtex calls it through the module each
  time, so replacing it there is enough.
- Every build, for every entry of every reference list, get_filtered_entries
  scans every citation on the site to find the pages that cite the entry:
  lists x entries x citations, so pages squared; and get_all_cited_keys sorts
  every citation on the site again for each list.  Both answers are the same
  for every list, so each is worked out once per build here.  Every list is
  still filtered and formatted again on every build: the filter of any list
  (like ``:all:`` on the references page) may depend on any page, and keeping
  formatted entries from one build to the next would need to know when the
  style's code (bib_style) changed, or it would publish stale references.

Both can go when sphinxcontrib-bibtex does the same (2.7.0 does not).
"""

from __future__ import annotations

import functools
from collections import defaultdict

import pybtex.plugin
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinxcontrib.bibtex.domain import BibtexDomain, _FilterVisitor

logger = logging.getLogger(__name__)


class IndexedBibtexDomain(BibtexDomain):
    """sphinxcontrib-bibtex's domain, with the pages citing each work found once."""

    _cited_in: dict[str, set[str]] | None = None

    _cited_keys: dict[tuple[str, ...], list[str]] | None = None

    def env_updated(self):
        self._cited_in = defaultdict(set)
        for citation_ref in self.citation_refs:
            for target in citation_ref.targets:
                self._cited_in[target.key].add(citation_ref.docname)
        self._cited_keys = {}
        try:
            return super().env_updated()
        finally:
            self._cited_in = self._cited_keys = None

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


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_domain(IndexedBibtexDomain, override=True)
    if not hasattr(pybtex.plugin.find_plugin, "cache_info"):
        pybtex.plugin.find_plugin = functools.lru_cache(maxsize=None)(
            pybtex.plugin.find_plugin)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
