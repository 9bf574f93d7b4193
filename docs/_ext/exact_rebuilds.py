"""An incremental build publishes what a clean build would, and stays quick.

Sphinx re-reads only the pages whose files changed and writes only those
(Sphinx issue #725: a page it does not write keeps what the last build gave
it).  That is exact only while nothing a page shows of the rest of the
handbook has changed: other pages' titles, sections, front matter and labels
(navigation, previous and next, links, the article lists), who cites what (the
"cited in" lists), the files every page draws on (templates, static files whose
checksums are in every page's links, data files, these extensions, the
bibliography) and the installed packages.  So a build compares a digest of all
of these with the last build's: when it differs, every page is written and the
search index starts afresh; when it is the same (the usual edit to one page's
text), only the re-read pages are written, and the parts of the output that
Sphinx gathers while writing are completed here:

- sphinx-sitemap lists the pages written in this build only, in the order
  they were written: every build, the sitemap lists every page by name (the
  order of a serial clean build), whichever were written and however many
  processes wrote them;
- the search index Sphinx loads from the last build keeps a word whose only
  page no longer has it, with no pages: such words are dropped;
- it loses the index entries (the glossary's terms) of pages it does not
  write, as Sphinx saves the environment before writing: they are kept in
  the doctrees folder and given back.

Sphinx also writes each page whose toctree lists a re-read page, for the
child's title; titles are in the digest, so those pages are written only when
every page is.

The output of a removed page is deleted (Sphinx leaves it in place), and so are
static files, downloads and images whose sources have gone.
tests/test_rebuilds.py compares incremental builds with clean ones.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import queue
import shutil
import sys
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

DIGEST = "handbook_cross_page_digest"  # on the environment, kept between builds
WRITE_ALL = "handbook_writes_every_page"  # on the builder, for this build
DATES = "handbook_last_updated"  # on the environment: each page's date at the last build
INDEX_ENTRIES = "index-entries"  # kept for the next build: the search index's, by page


def shared_files(app: Sphinx, env) -> list[Path]:
    """Every file under the source folder except the pages themselves and the
    build's own folder (`make` keeps it in docs/_build; it changes every build)."""
    source = Path(app.srcdir)
    pages = {Path(env.doc2path(docname)) for docname in env.found_docs}
    builds = {path.relative_to(source).parts[0] for path in (Path(app.outdir),
              Path(app.doctreedir)) if path.is_relative_to(source)}
    return sorted(path for path in source.rglob("*")
                  if path.is_file() and path not in pages and "__pycache__" not in path.parts
                  and path.relative_to(source).parts[0] not in builds)


def cross_page_digest(app: Sphinx, env) -> str:
    """A digest of everything a page may show that is not in its own source."""
    std = env.get_domain("std")
    facts = {
        "titles": {doc: str(title) for doc, title in env.titles.items()},
        "long titles": {doc: str(title) for doc, title in env.longtitles.items()},
        "sections": {doc: [(ref.get("anchorname"), ref.astext())  # str(toc) is slow
                           for ref in toc.findall(nodes.reference)]
                     for doc, toc in env.tocs.items()},
        # Each toctree's entries, captions, titles and options (the navigation).
        "toctrees": {doc: [toctree.attributes for toctree in toc.findall(addnodes.toctree)]
                     for doc, toc in env.tocs.items()},
        # MyST counts every page's words; only the page itself shows them.
        "front matter": {doc: {key: value for key, value in meta.items() if key != "wordcount"}
                         for doc, meta in env.metadata.items()},
        "labels": [std.labels, std.anonlabels, {str(key): value for key, value
                                                in std.objects.items()}],
        "citations": sorted({(ref.docname, target.key)
                             for ref in env.get_domain("cite").citation_refs
                             for target in ref.targets}),
        "files": {str(path.relative_to(app.srcdir)): hashlib.sha256(path.read_bytes()).hexdigest()
                  for path in shared_files(app, env)},
        # Names and versions, as pip records them (faster than importlib.metadata).
        "packages": sorted(path.name for folder in sys.path if folder
                           for path in Path(folder).glob("*.dist-info")),
    }
    text = json.dumps(facts, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def ask_git_for_every_date(app: Sphinx, env, added, changed, removed) -> list[str]:
    """sphinx-last-updated-by-git asks git only for the pages read again, so a
    commit of an edit already built left that page's old date.  Its dates are
    forgotten before each build (one `git log` per folder), and newly_dated()
    finds the pages to write."""
    dates = getattr(env, "git_last_updated", None)
    if dates is not None:
        for docname in dates:
            dates[docname] = None
    return []


def newly_dated(env) -> list[str]:
    """The pages whose "last updated" date changed (a commit) though their files
    did not: only each page shows its own date (the sitemap is made afresh)."""
    dates = getattr(env, "git_last_updated", {})
    last = env.__dict__.get(DATES, {})
    env.__dict__[DATES] = dict(dates)
    return [doc for doc in env.found_docs if dates.get(doc) != last.get(doc)]


def kept_from_last_build(app: Sphinx, name: str):
    """What the last build kept under NAME (keep_for_next_build), or None when it
    was made from other titles, toctrees, templates or code (another digest)."""
    try:
        digest, value = pickle.loads(Path(app.doctreedir, f"handbook-{name}.pickle").read_bytes())
    except (OSError, pickle.UnpicklingError, ValueError, EOFError):
        return None
    return value if digest == app.env.__dict__.get(DIGEST) else None


def keep_for_next_build(app: Sphinx, name: str, value) -> None:
    """In the doctrees folder, which a failed build discards (scripts/build_state.py);
    nothing without a digest (a project that does not load this extension)."""
    digest = app.env.__dict__.get(DIGEST)
    if digest:
        Path(app.doctreedir, f"handbook-{name}.pickle").write_bytes(pickle.dumps((digest, value)))


def pages_to_write(app: Sphinx, env) -> list[str]:
    digest = cross_page_digest(app, env)
    last_digest = env.__dict__.get(DIGEST)
    env.__dict__[DIGEST] = digest
    # A builder with a search index needs the index entries the last build kept.
    searched = getattr(app.builder, "search", False)
    entries = kept_from_last_build(app, INDEX_ENTRIES) if searched else {}
    unchanged = last_digest == digest and entries is not None
    app.builder.__dict__[WRITE_ALL] = not unchanged
    app.builder.__dict__[INDEX_ENTRIES] = entries or {}
    dated = newly_dated(env)
    if unchanged:
        return sorted(dated)  # and the pages Sphinx read again
    # Every page is indexed afresh, so the last build's search index has nothing to give.
    index = getattr(app.builder, "searchindex_filename", None)
    if index:
        (Path(app.outdir) / index).unlink(missing_ok=True)
    return sorted(env.found_docs)


def complete_the_search_index(app: Sphinx) -> list:
    """html-collect-pages runs after every page is written and before the search
    index is saved: give back the index entries of the pages not written this
    time, and drop the words the rewritten pages no longer have."""
    indexer = getattr(app.builder, "indexer", None)
    if indexer is None:
        return []
    entries = indexer._index_entries
    if not app.builder.__dict__.get(WRITE_ALL, True):
        for docname, doc_entries in app.builder.__dict__[INDEX_ENTRIES].items():
            if docname in app.env.found_docs:
                entries.setdefault(docname, doc_entries)
        for words in (indexer._mapping, indexer._title_mapping):
            for word in [word for word, pages in words.items() if not pages]:
                del words[word]
    # In the order a clean build feeds them (by page name), which the index keeps.
    ordered = dict(sorted(entries.items()))
    entries.clear()
    entries.update(ordered)
    keep_for_next_build(app, INDEX_ENTRIES, ordered)
    return []


def write_no_toctree_parents(app: Sphinx, builder) -> None:
    # The environment is saved by now: this changes only this build's writing.
    if not builder.__dict__.get(WRITE_ALL, True):
        builder.env.files_to_rebuild = {}


def complete_the_sitemap(app: Sphinx, exception) -> None:
    """Before sphinx-sitemap writes sitemap.xml (it listens at priority 500)."""
    links = getattr(app, "sitemap_links", None)
    if exception or links is None:
        return
    import sphinx_sitemap

    queued = []
    while not links.empty():
        queued.append(links.get_nowait())
    pages = {f"{docname}.html" for docname in app.env.found_docs}
    # By name, as a serial clean build writes them (parallel writers queue pages
    # as they finish: hostile review 4), then the rest.
    for docname in sorted(app.env.found_docs):
        sphinx_sitemap.add_html_link(app, docname, None, None, None)
    for entry in queued:
        if entry[0] not in pages:
            links.put(entry)


def plain_sitemap_queue(app: Sphinx) -> None:
    """sphinx-sitemap gathers pages in a multiprocessing queue, so that forked
    writers can add to it: a server process, and a round trip for each page.
    A serial build needs neither (0.3 s of a one-page rebuild)."""
    if app.parallel <= 1 and hasattr(app, "sitemap_links"):
        app.sitemap_links = queue.Queue()


def delete_removed_pages(app: Sphinx, env, added, changed, removed) -> list[str]:
    outfile = getattr(app.builder, "get_outfilename", None)  # builders with a file per page
    if outfile:
        for docname in removed:
            page = Path(outfile(docname))
            page.unlink(missing_ok=True)
            # And the folders it leaves empty.
            for folder in page.parents:
                if folder == Path(app.outdir) or not folder.is_dir() or any(folder.iterdir()):
                    break
                folder.rmdir()
    return []


def start_assets_afresh(app: Sphinx) -> None:
    """Sphinx copies the static files and downloads into the output on every
    build, but never deletes one whose source has gone: a withdrawn file (say,
    one that held personal data) stayed published.  They are copied afresh."""
    if app.builder.format == "html":
        for folder in ("_static", "_downloads"):
            shutil.rmtree(Path(app.outdir, folder), ignore_errors=True)


def delete_unused_images(app: Sphinx, exception) -> None:
    """Sphinx copies only the images of the pages it writes, so _images keeps
    the others: delete those no page uses any more."""
    images = Path(app.outdir, "_images")
    if exception is None and app.builder.format == "html" and images.is_dir():
        used = {name for _pages, name in app.env.images.values()}
        for image in images.rglob("*"):
            if image.is_file() and image.relative_to(images).as_posix() not in used:
                image.unlink()


def setup(app: Sphinx) -> dict:
    app.connect("env-get-updated", pages_to_write)
    app.connect("env-get-outdated", delete_removed_pages)
    app.connect("env-get-outdated", ask_git_for_every_date)
    app.connect("html-collect-pages", complete_the_search_index)
    app.connect("write-started", write_no_toctree_parents)
    app.connect("builder-inited", plain_sitemap_queue, priority=600)  # after sphinx-sitemap
    app.connect("builder-inited", start_assets_afresh)
    app.connect("build-finished", delete_unused_images)
    app.connect("build-finished", complete_the_sitemap, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "2"}
