/* Search that understands readers, on the search page only (added by
 * docs/_ext/search_words.py, with its data in search-words.js).
 *
 * Before Sphinx's own search runs (searchtools.js, Search.query), the query is
 * read as a reader means it:
 * - it is normalised as the data were: case, accents, full-width letters,
 *   invisible characters, every kind of apostrophe, hyphens and the
 *   [spellings] ("can not" and "can't" are "cannot") do not matter;
 * - if it holds a phrase from docs/_data/search-crisis-phrases.toml, the
 *   urgent-help card (in the page since the build, from urgent-help.toml) is
 *   shown above the results, the Urgent help page leads them, and the
 *   reader's words are searched as typed: a synonym must not put another page
 *   first ("too many pills" is not a question about medication);
 * - otherwise readers' words become the handbook's
 *   (docs/_data/search-synonyms.toml), and the pages a synonym names lead;
 * - stop words are dropped, and only the first MAX_WORDS words are searched;
 * - Sphinx needs every word on one page: when no page has them all, the pages
 *   with the most of them are listed; when none has any, the FAQ and Urgent
 *   help are suggested.
 * Each page is listed once, pages that only list others (data.last) last, and
 * the summary counts pages.  Every result still comes from Sphinx's index.
 * Nothing leaves the browser.
 */
(() => {
  "use strict";

  const data = window.handbookSearchWords;
  if (!data) return;

  // Sphinx searches once per word when no page has them all, then highlights
  // each: a pasted 1,180-word query took 10 to 14 seconds.  Twenty words are
  // more than any question needs.
  const MAX_WORDS = 20;

  // Marks phones and keyboards type for an apostrophe ("can´t", "canʼt"),
  // dropped before NFKD would turn the acute accent into a space.
  const APOSTROPHES = /['`\u00b4\u02b9\u02bc\u2018\u2019\u2032\uff07]/g;
  // Cyrillic letters drawn like Latin ones: "dіe" with a Cyrillic і.
  const LOOK_ALIKES = { а: "a", е: "e", і: "i", ј: "j", о: "o", р: "p", с: "c", ѕ: "s", у: "y", х: "x" };
  const LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).join("")}]`, "g");
  // Whole words (or phrases) of PHRASES, longest first, so one pass replaces
  // each place once and a replacement is never replaced again.
  const wordsOf = (phrases) => (phrases.length ? new RegExp(`(?<=^| )(?:${phrases
    .sort((a, b) => b.length - a.length).join("|")})(?= |$)`, "g") : /(?!)/g);
  const spellingPattern = wordsOf(Object.keys(data.spellings));

  // As search_words.normalise does to the data, and more, since a reader can
  // type anything: NFKD makes full-width and accented letters plain (with the
  // accents as marks, dropped); invisible characters (soft hyphen, zero-width
  // space) are dropped rather than spaced, so "sui\u00adcide" stays one word.
  const normalise = (text) => text.replace(APOSTROPHES, "").normalize("NFKD")
    .replace(/[\p{Mark}\p{Format}]/gu, "").toLowerCase()
    .replace(LOOK_ALIKE, (letter) => LOOK_ALIKES[letter])
    .replace(/[^\p{Letter}\p{Number}]+/gu, " ").trim()
    .replace(spellingPattern, (words) => data.spellings[words]);
  const holds = (query, phrase) => ` ${query} `.includes(` ${phrase} `);
  const stopWords = new Set(data.stopWords);
  const synonymPattern = wordsOf(Object.keys(data.synonyms));

  const keep = (text) => [...new Set(text.split(" ").filter((w) => w && !stopWords.has(w)))];

  /** TEXT up to its (MAX_WORDS + 1)th word that is not a stop word: what is
   * searched, synonyms included.  (Crisis phrases are looked for in all of it.) */
  function searched(text) {
    const words = text.split(" ");
    const seen = new Set();
    const end = words.findIndex((word) => !stopWords.has(word) && seen.add(word).size > MAX_WORDS);
    return end < 0 ? text : words.slice(0, end).join(" ");
  }

  /** What to search for: the handbook's words, and the reader's own words (both
   * without stop words), and the pages the matched synonyms put first. */
  function rewrite(normal) {
    const first = new Set();
    const words = keep(normal.replace(synonymPattern, (phrase) => {
      for (const page of data.first[phrase]) first.add(page);
      return data.synonyms[phrase];
    }));
    return { words, own: keep(normal), first: [...first] };
  }

  /** A result for a whole page, in Sphinx's form, for a page its search missed. */
  function pageResult(docname) {
    const file = Search._index.docnames.indexOf(docname);
    if (file < 0) return null;
    return [docname, Search._index.titles[file], "", null, 0,
      Search._index.filenames[file], SearchResultKind.title];
  }

  /** Each page once (Sphinx lists the glossary once per term it holds), PAGES
   * (a synonym's "first", or Urgent help on a crisis) first, adding any Sphinx
   * did not find, and pages that list others (data.last) last.  Results run
   * best last, so the last of a page's results is its best. */
  function reorder(found, pages) {
    const seen = new Set();
    const once = [...found].reverse()
      .filter((result) => !seen.has(result[0]) && seen.add(result[0])).reverse();
    const missing = pages.filter((page) => !seen.has(page));
    const results = [...once, ...missing.map(pageResult).filter(Boolean)];
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
   * needing every word; when neither finds a page other than the lists, the
   * pages with the most of the words. */
  function find(words, own) {
    const queries = [words, own].filter((q) => q.length).map((q) => q.join(" "));
    const found = merge([...new Set(queries)].map(sphinxSearch));
    const all = [...new Set([...words, ...own])];
    if (useful(found) || all.length < 2) return found;
    return merge(all.map(sphinxSearch));
  }

  /* Highlighting: Sphinx marks a term wherever it appears inside a word ("die"
   * in "studies"), on the results and on the page a result opens.  Here only
   * whole words are marked, on the results only. */
  let highlightPattern = null;

  function highlight(element) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    for (const text of texts) {
      const parts = text.data.split(highlightPattern);  // matches at odd places
      if (parts.length < 2 || text.parentElement.closest(".highlighted")) continue;
      text.replaceWith(...parts.map((part, index) => {
        if (index % 2 === 0) return part;
        const mark = document.createElement("span");
        mark.className = "highlighted";
        mark.textContent = part;
        return mark;
      }));
    }
  }

  // Each excerpt arrives after its page is fetched.
  new MutationObserver((changes) => {
    if (!highlightPattern) return;
    for (const change of changes) {
      for (const node of change.addedNodes) {
        if (node.nodeType === 1 && node.matches("p.context")) highlight(node.parentElement);
      }
    }
  }).observe(document.getElementById("search-results"), { childList: true, subtree: true });

  /* Excerpts: Sphinx takes a page's textContent, which runs a glossary term into
   * its definition ("transferenceFeelings"), and for a term's result it takes
   * the term alone.  Here blocks end in a space, and a term brings its
   * definition. */
  const BLOCKS = "p, li, dt, dd, h1, h2, h3, h4, h5, h6, td, th, div, section, pre, blockquote";
  const textOf = (node) => (node ? node.textContent.replace(/\s+/g, " ").trim() : "");

  function htmlToText(html, anchor) {
    const page = new DOMParser().parseFromString(html, "text/html");
    page.querySelectorAll(".headerlink, script, style").forEach((node) => node.remove());
    page.querySelectorAll(BLOCKS).forEach((node) => node.append(" "));
    const main = page.querySelector('[role="main"]');
    const target = anchor && page.getElementById(anchor.slice(1));
    if (target && target.localName === "dt") {
      return `${textOf(target)}: ${textOf(target.nextElementSibling)}`;
    }
    return textOf(target && main && main.contains(target) ? target : main);
  }

  // What the status line says once Sphinx has finished (see finish()).
  let state = null;

  function query(raw) {
    const normal = normalise(raw);
    const crisis = data.crisis.some((phrase) => holds(normal, phrase));
    document.getElementById("search-urgent-help").hidden = !crisis;
    document.getElementById("search-suggestions").hidden = true;
    // On a crisis, the card is above the results and the Urgent help page leads
    // them; no synonym rewrites the words or puts another page first.
    const text = searched(normal);
    const capped = text !== normal;
    const { words, own, first } = crisis
      ? { words: keep(text), own: keep(text), first: ["urgent-help"] }
      : rewrite(text);
    const results = reorder(find(words, own), first);
    // "Also searched for" only when a synonym changed the words.
    state = { crisis, capped, count: results.length, words, rewritten: words.join(" ") !== own.join(" ") };
    const terms = [...new Set([...words, ...own])];
    highlightPattern = terms.length
      ? new RegExp(`(?<![\\p{L}\\p{N}])(${terms.join("|")})(?![\\p{L}\\p{N}])`, "iu") : null;
    const [, searchTerms] = Search._parseQuery(terms.join(" "));
    // _parseQuery stores the terms for the page a result opens to highlight
    // inside words too: forget them.
    try { localStorage.removeItem("sphinx_highlight_terms"); } catch { /* storage off */ }
    _displayNextItem(results, results.length, searchTerms, new Set());
  }

  // Runs just after searchtools.js writes its summary, in the same task, so no
  // one sees or hears Sphinx's words: this script's replace them.  (Sphinx's
  // are wrong here: "did not match any documents ... selected enough
  // categories", and its British English catalogue has an empty "found N
  // pages".)  handbook.js announces the result.
  function finish() {
    if (!state || !Search.status) return;
    const { crisis, capped, count, words, rewritten } = state;
    state = null;
    const parts = [];
    if (crisis) parts.push("Urgent help numbers are above the results.");
    if (capped) parts.push(`Only the first ${MAX_WORDS} words were searched.`);
    if (!count) {
      Search.title.innerText = "No pages found";
      document.getElementById("search-suggestions").hidden = false;
      parts.push("No page matched your search. Try fewer or other words, or the pages below.");
    } else {
      Search.title.innerText = "Search results";
      parts.push(count === 1 ? "Found 1 page." : `Found ${count} pages.`);
      if (rewritten) parts.push(`Also searched for: ${words.join(" ")}.`);
    }
    Search.status.innerText = parts.join(" ");
    // For the tests: the search, and this script's part in it, are done.
    document.getElementById("search-results").dataset.done = "true";
  }

  function install() {
    if (typeof Search === "undefined" || Search.query === query) return;
    Search.query = query;
    Search.htmlToText = htmlToText;
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
