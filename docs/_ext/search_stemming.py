"""The search index stems each word once per build, not once per occurrence.

Sphinx's English search (sphinx/search/en.py, SearchEnglish.stem) runs the
pure-Python Snowball stemmer on every word of every page as it is indexed:
about 144,000 calls for a 300-article handbook, a quarter of a one-page rebuild
(which writes, and so indexes, every page: see exact_rebuilds).  A word's stem
never changes, so each is worked out once and remembered for the build.  The
index is the same, word for word.  Can go when Sphinx caches stems itself.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.search.en import SearchEnglish


class RememberingEnglish(SearchEnglish):
    def __init__(self, options: dict[str, str]) -> None:
        super().__init__(options)
        self._stems: dict[str, str] = {}

    def stem(self, word: str) -> str:
        try:
            return self._stems[word]
        except KeyError:
            stem = self._stems[word] = super().stem(word)
            return stem


def setup(app: Sphinx) -> dict:
    app.add_search_language(RememberingEnglish)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
