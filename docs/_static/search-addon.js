/* Search that understands readers, on the search page only (added by
 * docs/_ext/search_words.py, with its data in search-words.js).
 *
 * Before Sphinx's own search runs (searchtools.js, Search.query), the query is
 * read as a reader means it:
 * - if it holds a phrase from docs/_data/search-crisis-phrases.toml, the
 *   urgent-help card (in the page since the build, from urgent-help.toml) is
 *   shown above the results, the Urgent help page leads them, and the
 *   reader's words are searched as typed: a synonym must not put another page
 *   first ("too many pills" is not a question about medication);
 * - otherwise readers' words become the handbook's
 *   (docs/_data/search-synonyms.toml), and the pages a synonym names lead;
 * - apostrophes, hyphens and stop words are dropped;
 * - Sphinx needs every word on one page: when no page has them all, the pages
 *   with the most of them are listed; when none has any, the FAQ and Urgent
 *   help are suggested.
 * Every result still comes from Sphinx's index.  Nothing leaves the browser.
 */
(() => {
  "use strict";

  const data = window.handbookSearchWords;
  if (!data) return;

  // As search_words.normalise does to the data: lower case, no apostrophes,
  // anything but letters and digits (hyphens too) as single spaces.
  const normalise = (text) => text.toLowerCase().replace(/['\u2018\u2019`]/g, "")
    .replace(/[^\p{Letter}\p{Number}]+/gu, " ").trim();
  const holds = (query, phrase) => ` ${query} `.includes(` ${phrase} `);
  const stopWords = new Set(data.stopWords);
  // One pass, longest phrase first, so a replacement is never replaced again.
  const phrases = Object.keys(data.synonyms).sort((a, b) => b.length - a.length);
  const synonymPattern = new RegExp(`(?<=^| )(?:${phrases.join("|")})(?= |$)`, "g");

  const keep = (words) => [...new Set(words.split(" ").filter((w) => w && !stopWords.has(w)))];

  /** What to search for: the handbook's words, and the reader's own words (both
   * without stop words), and the pages the matched synonyms put first. */
  function rewrite(query) {
    const first = [];
    const normal = normalise(query);
    const words = keep(normal.replace(synonymPattern, (phrase) => {
      first.push(...(data.first[phrase] || []));
      return data.synonyms[phrase];
    }));
    return { words, own: keep(normal), first };
  }

  /** A result for a whole page, in Sphinx's form, for a page its search missed. */
  function pageResult(docname) {
    const file = Search._index.docnames.indexOf(docname);
    if (file < 0) return null;
    return [docname, Search._index.titles[file], "", null, 0,
      Search._index.filenames[file], SearchResultKind.title];
  }

  /** Puts PAGES (each named by a synonym's "first", or Urgent help on a crisis)
   * first, adding any Sphinx did not find, and pages for contributors
   * (data.last) last.  Results run best last. */
  function reorder(found, pages) {
    const missing = pages.filter((page) => !found.some((result) => result[0] === page));
    const results = [...found, ...missing.map(pageResult).filter(Boolean)];
    const rank = (result) => (pages.includes(result[0]) ? 2 : data.last.includes(result[0]) ? 0 : 1);
    const ranked = (level) => results.filter((result) => rank(result) === level);
    const leading = ranked(2).sort((a, b) => pages.indexOf(b[0]) - pages.indexOf(a[0]));
    return [...ranked(0), ...ranked(1), ...leading];
  }

  const sphinxSearch = (query) => Search._performSearch(...Search._parseQuery(query));

  const useful = (results) => results.some((result) => !data.last.includes(result[0]));

  /** Merges result lists (each best last): a page found by more of them, or
   * with a higher total score, comes later (that is, higher). */
  function merge(lists) {
    const merged = new Map();
    for (const results of lists) {
      for (const result of results) {
        const key = result[0] + result[2];
        const seen = merged.get(key);
        if (seen) {
          seen.hits += 1;
          seen.result[4] += result[4];
        } else merged.set(key, { hits: 1, result: [...result] });
      }
    }
    return [...merged.values()]
      .sort((a, b) => a.hits - b.hits || a.result[4] - b.result[4])
      .map((entry) => entry.result);
  }

  /** Sphinx's results for the handbook's words or the reader's own, each
   * needing every word; when neither finds a page for readers, the pages with
   * the most of the words.  Pages for contributors (data.last) do not count. */
  function find(words, own) {
    const queries = [words, own].filter((q) => q.length).map((q) => q.join(" "));
    const found = merge([...new Set(queries)].map(sphinxSearch));
    const all = [...new Set([...words, ...own])];
    if (useful(found) || all.length < 2) return found;
    return merge(all.map(sphinxSearch));
  }

  // What the status line adds once Sphinx has written it (see finish()).
  let state = null;

  function query(raw) {
    const normal = normalise(raw);
    const crisis = data.crisis.some((phrase) => holds(normal, phrase));
    document.getElementById("search-urgent-help").hidden = !crisis;
    document.getElementById("search-suggestions").hidden = true;
    // On a crisis, the card is above the results and the Urgent help page leads
    // them; no synonym rewrites the words or puts another page first.
    const { words, own, first } = crisis
      ? { words: keep(normal), own: keep(normal), first: ["urgent-help"] }
      : rewrite(raw);
    const results = reorder(find(words, own), first);
    // "Also searched for" only when a synonym changed the words.
    state = { crisis, count: results.length, words, rewritten: words.join(" ") !== own.join(" ") };
    const [, searchTerms, , highlightTerms] = Search._parseQuery([...words, ...own].join(" "));
    _displayNextItem(results, results.length, searchTerms, highlightTerms);
  }

  // Runs just after searchtools.js writes its summary ("Search finished, ..."),
  // which handbook.js then announces: say there what this script did.
  function finish() {
    if (!state || !Search.status) return;
    const { crisis, count, words, rewritten } = state;
    state = null;
    const parts = [];
    if (crisis) parts.push("Urgent help numbers are above the results.");
    if (!count) {
      document.getElementById("search-suggestions").hidden = false;
      parts.push("No page matched your search. Try fewer or other words, or the pages below.");
    } else {
      parts.push(Search.status.innerText);
      if (rewritten) parts.push(`Also searched for: ${words.join(" ")}.`);
    }
    Search.status.innerText = parts.join(" ");
    // For the tests: the search, and this script's part in it, are done.
    document.getElementById("search-results").dataset.done = "true";
  }

  function install() {
    if (typeof Search === "undefined" || Search.query === query) return;
    Search.query = query;
    const stopPulse = Search.stopPulse;
    Search.stopPulse = () => {
      stopPulse();
      queueMicrotask(finish);
    };
  }
  // searchtools.js loads after this file and starts the search when the
  // document is ready: take over before it does.
  install();
  document.addEventListener("DOMContentLoaded", install);
})();
