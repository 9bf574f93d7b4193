"""The content policy: what a page may contain, enforced by every build.

Pages come in pull requests from people we do not know, and a health handbook
must not let one of them change what readers are told (a helpline number
rewritten by a script) or publish a file from the build machine.  So a page is
text, links, images and the handbook's own directives, nothing more:

- No raw output: no HTML in Markdown (blocks or inline), no ``{raw}``
  directive or ``raw`` role of any format (HTML, LaTeX, ...), no ``<meta>``
  tags from front matter (``html_meta``).  The handbook's own markup (the
  urgent-help notice, the download links) comes from directives, roles and
  templates.
- Links use only ``https:``, ``http:``, ``mailto:`` or ``tel:``, or are
  relative.  Images are files inside ``docs/``: the site loads nothing from
  another host.
- Images and downloads are of the few types in ``IMAGE_TYPES`` and
  ``DOWNLOAD_TYPES``, and their content is of that type: a browser runs the
  scripts in many others (SVG, XHTML, XSL...) when the site serves them.
- ``{include}``, ``{literalinclude}``, ``{csv-table}`` ``:file:``, images and
  downloads name files inside ``docs/`` by a relative path, checked after
  following ``..`` and symlinks: nothing under ``_build`` (or the build's own
  folders), no hidden (dot) files.  The include directives check the path
  before the file is opened, so a refused file is never read.
- ``{{ name }}`` substitutions name a substitution from conf.py (or the page's
  front matter); MyST would otherwise evaluate any Jinja expression, which can
  run code on the build machine.

Every page's whole tree is checked as it is read, before Sphinx prunes
``{only}`` blocks for a builder, so a payload hidden from one output is caught
in every output.  A breach is a warning (an error under ``-W``) that names the
file and line and says what is allowed instead; the offending node is also
removed, so not even an unpublished work folder carries it.  Pages with a
breach are re-read on every build, so the second build fails like the first.

The same module holds a defence behind the policy: the Content-Security-Policy
on every HTML page (:func:`content_security_policy`).  The PDF engine reads only
local files (scripts/print_pdf.py, ``local_files_only``).
docs/contributing.md explains the policy to contributors.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.directives.code import LiteralInclude
from sphinx.directives.other import Include
from sphinx.directives.patches import CSVTable
from sphinx.errors import ExtensionError, SphinxError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

# -- The policy ------------------------------------------------------------------

LINK_SCHEMES = ("https", "http", "mailto", "tel")
ALLOWED_LINKS = "links may only be https:, http:, mailto:, tel: or relative"
ALLOWED_FILES = ("name a file inside docs/ by a relative path, not under _build "
                 "and not a hidden (dot) file")
ALLOWED_MARKUP = ("write Markdown, or use a directive such as {note}, {figure} or "
                  "{urgent-help}; pages cannot carry HTML, LaTeX or other raw output")
SEE_ALSO = "(see 'What a page may contain' on the Contributing page)"

# The only file types a page may publish, each with the bytes its content must
# start with.  An allowlist, not a list of dangers: a host serves many types
# (.xht, .shtml, .rdf, .xsl, .svg...) as HTML or XML, which runs scripts on the
# site's own address, outside every page's Content-Security-Policy.  Checking
# the content too stops a web page renamed to .png.  None: UTF-8 text.
_JPEG = (b"\xff\xd8\xff",)
IMAGE_TYPES = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": _JPEG, ".jpeg": _JPEG,
               ".gif": (b"GIF87a", b"GIF89a"), ".webp": (b"RIFF",)}
# Not .txt: a host serves it as text/plain, which a browser runs as a script
# when a <script src> names it (no nosniff header on every host), and the
# site's policy allows the site's own scripts, from any path ('self' cannot be
# narrowed to _static/ without naming the host).  Browsers refuse text/csv as a
# script (the Fetch standard), and a PDF's "%PDF-" is no script.
DOWNLOAD_TYPES = {".pdf": (b"%PDF-",), ".csv": None}
ALLOWED_TYPES = {"image": IMAGE_TYPES, "download": DOWNLOAD_TYPES}

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# Browsers ignore these inside a URL, so "java\tscript:" is "javascript:".
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in URL, lower-cased, or None if relative."""
    match = _SCHEME.match(_IGNORED_IN_URLS.sub("", url))
    return match.group(1).lower() if match else None


def link_problem(url: str) -> str | None:
    """Why a page may not link to URL, or None if it may."""
    scheme = url_scheme(url)
    if scheme is None and _IGNORED_IN_URLS.sub("", url).replace("\\", "/").startswith("//"):
        return f"a link starting '//' goes to another host unchecked: {ALLOWED_LINKS}"
    if scheme is None or scheme in LINK_SCHEMES:
        return None
    return f"a {scheme}: link is not allowed: {ALLOWED_LINKS}"


def helpline_problem(url: str) -> str | None:
    """A page's tel: link may only call a number from the helpline data file, so a
    page cannot show a look-alike helpline."""
    if url_scheme(url) != "tel":
        return None
    import urgent_help

    # load() reads the file once and keeps it while the file is unchanged.
    if _IGNORED_IN_URLS.sub("", url).replace("-", "") in urgent_help.load().tel_uris:
        return None
    return ("a tel: link may only call a number from docs/_data/urgent-help.toml: "
            "write it with the {helpline} role, for example {helpline}`UK, support`")


def file_problem(argument: str, resolved: Path, srcdir: Path,
                 build_dirs: tuple[Path, ...] = ()) -> str | None:
    """Why a page may not read the file ARGUMENT (which Sphinx resolves to
    RESOLVED, symlinks and ``..`` followed), or None if it may."""
    if argument.startswith(("/", "\\", "<")) or Path(argument).is_absolute():
        return f"'{argument}' is an absolute path"
    resolved, root = Path(resolved).resolve(), srcdir.resolve()
    if not resolved.is_relative_to(root):
        return f"'{argument}' is outside docs/"
    relative = resolved.relative_to(root)
    if relative.parts[:1] == ("_build",) or any(
            resolved.is_relative_to(Path(d).resolve()) for d in build_dirs):
        return f"'{argument}' is under the build folder"
    if any(part.startswith(".") for part in relative.parts + Path(argument).parts
           if part not in (".", "..")):
        return f"'{argument}' is a hidden (dot) file"
    return None


def file_type_problem(argument: str, path: Path, what: str) -> str | None:
    """Why a page may not publish the file ARGUMENT (at PATH, inside docs/) as
    WHAT ("image" or "download"), or None if it may.  A missing file is left
    to Sphinx, which reports it."""
    types = ALLOWED_TYPES[what]
    suffix = Path(argument).suffix.lower()
    allowed = ", ".join(types)
    if suffix not in types:
        return (f"{what} '{argument}' is not allowed: {what}s may only be {allowed} files "
                "(other types can run scripts on the site)")
    if not path.is_file():
        return None
    data, starts = path.read_bytes(), types[suffix]
    if starts is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return f"{what} '{argument}' is not UTF-8 text, as a {suffix} file must be"
    elif not data.startswith(starts) or (suffix == ".webp" and data[8:12] != b"WEBP"):
        return (f"{what} '{argument}' is not a {suffix} file inside (its first bytes say "
                f"otherwise): save it in the format its name says")
    return None


def _first_tag(markup: str) -> str:
    tag = re.search(r"<\s*(/?[a-zA-Z!][\w-]*)", markup)
    return f"<{tag.group(1)}>" if tag else "markup"


# -- Reporting -------------------------------------------------------------------


def report(where, message: str) -> None:
    """A policy warning at WHERE (a node, or a (docname, line) pair)."""
    logger.warning(f"{message} {SEE_ALSO}", location=where,
                   type="handbook", subtype="content_policy")


def _breaches(env) -> set[str]:
    """Pages that broke the policy: re-read on every build until they are fixed."""
    if not hasattr(env, "handbook_policy_breaches"):
        env.handbook_policy_breaches = set()
    return env.handbook_policy_breaches


def _refuse(env, where, message: str) -> None:
    _breaches(env).add(env.docname)
    report(where, message)


def _build_dirs(env) -> tuple[Path, ...]:
    return (Path(env.app.outdir), Path(env.app.doctreedir))


# -- Directives and roles that read files or emit raw output ---------------------


class RefusedRaw(SphinxDirective):
    """``{raw}``: refused whatever its format; its content is never emitted."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {"file": directives.unchanged, "url": directives.unchanged,
                   "encoding": directives.unchanged, "class": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        kind = self.arguments[0] if self.arguments else "any"
        _refuse(self.env, self.get_location(),
                f"the {{raw}} directive ({kind}) is not allowed: {ALLOWED_MARKUP}")
        return []


def refused_raw_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    env = inliner.document.settings.env
    _refuse(env, (env.docname, lineno), f"the raw role is not allowed: {ALLOWED_MARKUP}")
    return [], []


# The options docutils' raw role takes, so ``.. role:: x(raw)`` is accepted and
# each use of the role gets the policy's message.
refused_raw_role.options = {"format": directives.unchanged}


class GuardedFileMixin:
    """Check a file option or argument before the directive opens the file.
    (Works for docutils' directives too, which have no ``self.env``.)"""

    def policy_refuse(self, message: str) -> None:
        source, line = self.state_machine.get_source_and_line(self.lineno)
        _refuse(self.state.document.settings.env, f"{source}:{line}", message)

    def refuse_file(self, argument: str) -> bool:
        env = self.state.document.settings.env
        _, resolved = env.relfn2path(argument)
        problem = file_problem(argument, Path(resolved), Path(env.srcdir), _build_dirs(env))
        if problem:
            self.policy_refuse(f"{{{self.name}}} of {problem}: {self.name} may only "
                               f"{ALLOWED_FILES}")
        return bool(problem)


class GuardedInclude(GuardedFileMixin, SphinxDirective):
    """``{include}``, for files inside docs/ only.

    Not a subclass of docutils' Include: MyST would run its own reading code in
    place of ``run()`` for those.  The check passes, then the real directive
    (MyST's for Markdown pages, Sphinx's for reStructuredText) reads the file.
    ``:parser:`` is left out: it imports a Python module named in the page.
    """

    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {key: value for key, value in Include.option_spec.items()
                   if key != "parser"} | {
        # MyST's own options for Markdown includes
        "relative-images": directives.flag, "relative-docs": directives.path,
        "heading-offset": directives.nonnegative_int}

    def run(self) -> list[nodes.Node]:
        if self.refuse_file(self.arguments[0]):
            return []
        renderer = getattr(self.state, "_renderer", None)
        if renderer is not None:  # a Markdown page: MyST reads and parses the file
            from myst_parser.mocking import MockIncludeDirective

            return MockIncludeDirective(renderer, self.name, Include, self.arguments,
                                        self.options, [], self.lineno).run()
        return Include(self.name, self.arguments, self.options, self.content, self.lineno,
                       self.content_offset, self.block_text, self.state,
                       self.state_machine).run()


class GuardedLiteralInclude(GuardedFileMixin, LiteralInclude):
    """``{literalinclude}``, for files inside docs/ only."""

    def run(self) -> list[nodes.Node]:
        return [] if self.refuse_file(self.arguments[0]) else super().run()


class GuardedCSVTable(GuardedFileMixin, CSVTable):
    """``{csv-table}``: ``:file:`` inside docs/ only, and no ``:url:`` (no other host)."""

    def run(self) -> list[nodes.Node]:
        if "url" in self.options:
            self.policy_refuse("{csv-table} with :url: is not allowed: the build reads nothing "
                               "from another host; put the rows in the page, or :file: may "
                               f"only {ALLOWED_FILES}")
            return []
        if "file" in self.options and self.refuse_file(self.options["file"]):
            return []
        return super().run()


# -- MyST: every link reaches the tree, substitutions are names only -------------


class PolicyRendererMixin:
    """MyST renders ``{{ ... }}`` with an unsandboxed Jinja2, so any expression
    in a page would run at build time.  Only a substitution's name is allowed."""

    def render_substitution(self, token, inline: bool) -> None:
        name = token.content.strip()
        if name not in self.md_config.substitutions:
            from myst_parser.mdit_to_docutils.base import token_line

            where = nodes.Element()
            where.source, where.line = self.document["source"], token_line(token)
            _refuse(self.sphinx_env, where,
                    f"'{{{{ {name[:40]} }}}}' is not allowed: {{{{ }}}} may only hold the name "
                    f"of a substitution ({', '.join(sorted(self.md_config.substitutions))})")
            return
        super().render_substitution(token, inline)


@functools.cache
def _policy_renderer(base: type) -> type:
    return type(f"Policy{base.__name__}", (PolicyRendererMixin, base), {})


def install_myst_hooks() -> None:
    """markdown-it silently leaves ``[x](javascript:...)`` as plain text, so the
    contributor never learns why.  Let every link through to the tree, where
    :func:`check_doctree` judges it against this policy, naming file and line."""
    import myst_parser.parsers.sphinx_ as myst_sphinx

    original = getattr(myst_sphinx, "create_md_parser", None)
    if original is None:
        raise ExtensionError("content_policy: myst_parser.parsers.sphinx_.create_md_parser "
                             "is gone; update the hook in docs/_ext/content_policy.py")
    if getattr(original, "handbook_policy", False):
        return

    def create_md_parser(config, renderer):
        parser = original(config, _policy_renderer(renderer))
        parser.validateLink = lambda url: True
        return parser

    create_md_parser.handbook_policy = True
    myst_sphinx.create_md_parser = create_md_parser


# -- The tree check ------------------------------------------------------------------


def _unwrap(node: nodes.Element) -> None:
    """Keep a refused link's text, without the link."""
    node.replace_self(node.children or [nodes.Text(node.astext())])


def _inline_element_body(node: nodes.raw) -> list[nodes.Node]:
    """For inline HTML such as ``<script>alert(1)</script>``, Markdown gives the
    opening and closing tags as raw nodes and the text between them as text:
    the nodes after an opening tag, up to and including its closing tag."""
    opening = re.fullmatch(r"\s*<([a-zA-Z][\w-]*)[^>]*(?<!/)>\s*", node.astext())
    if not opening or node.parent is None:
        return []
    siblings = node.parent.children[node.parent.index(node) + 1:]
    closing = re.compile(rf"\s*</{opening.group(1)}\s*>\s*", re.I)
    for end, sibling in enumerate(siblings):
        if isinstance(sibling, nodes.raw) and closing.fullmatch(sibling.astext()):
            return siblings[:end + 1]
    return []


def _line_of(path, word: str) -> int:
    """The first line of PATH holding WORD (front matter has no line numbers)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return next((n for n, line in enumerate(lines, start=1) if word in line), 1)


def _forget_source_text(node: nodes.Node) -> None:
    """docutils keeps each element's source text (``rawsource``) in the doctree
    it saves: drop it from the refused node's ancestors too."""
    while node is not None:
        if isinstance(node, nodes.Element) and not isinstance(node, nodes.document):
            node.rawsource = ""
        node = node.parent


def check_doctree(app: Sphinx, doctree: nodes.document) -> None:
    """Check a page's whole tree as read, ``{only}`` blocks included (Sphinx prunes
    them later, per builder).  Runs before Sphinx's collectors, so refused titles,
    images and downloads never reach the navigation or the output folders."""
    env = app.env
    docdir = Path(env.doc2path(env.docname)).parent
    srcdir = Path(env.srcdir)

    def local_file_problem(argument: str, what: str) -> str | None:
        if url_scheme(argument) is not None:
            return (f"{what} '{argument[:60]}' is not allowed: the site loads nothing from "
                    f"another host, and {what}s may only {ALLOWED_FILES}")
        resolved = (srcdir / argument.lstrip("/")) if argument.startswith("/") \
            else docdir / argument
        problem = file_problem(argument, resolved, srcdir, _build_dirs(env))
        if problem:
            return f"{what} of {problem}: {what}s may only {ALLOWED_FILES}"
        return file_type_problem(argument, resolved, what)

    def refused(node: nodes.Element, message: str) -> None:
        _refuse(env, node, message)
        _forget_source_text(node)

    removed: set[int] = set()  # docutils leaves .parent set on a removed node
    for node in list(doctree.findall(nodes.Element)):
        if id(node) in removed:
            continue  # went with an opening tag before it
        if isinstance(node, nodes.raw):
            kind = "HTML" if "html" in node.get("format", "") else f"raw {node.get('format')}"
            if node.astext().lstrip().startswith("<!--"):
                refused(node, "HTML comments are not allowed in pages: start a line with % "
                        "for a comment the build leaves out")
            else:
                refused(node, f"{kind} is not allowed in pages (found "
                        f"{_first_tag(node.astext())}): {ALLOWED_MARKUP}")
            for gone in [*_inline_element_body(node), node]:
                removed.add(id(gone))
                gone.parent.remove(gone)
        elif isinstance(node, nodes.meta):
            where = (env.docname, _line_of(env.doc2path(env.docname), "html_meta"))
            _refuse(env, where, "<meta> tags from a page (html_meta) are not allowed: the "
                    "description comes from the front matter's summary")
            node.parent.remove(node)
        elif isinstance(node, nodes.image):
            problem = local_file_problem(node.get("uri", ""), "image")
            if problem:
                refused(node, problem)
                node.parent.remove(node)
        elif isinstance(node, addnodes.download_reference):
            problem = local_file_problem(node.get("reftarget", ""), "download")
            if problem:
                refused(node, problem)
                _unwrap(node)
        elif isinstance(node, nodes.reference | addnodes.pending_xref):
            # MyST makes a link with a scheme it does not know into a cross-reference
            url = node.get("refuri") if isinstance(node, nodes.reference) else (
                node.get("reftarget") if node.get("reftype") == "myst" else None)
            problem = url and (link_problem(url) or helpline_problem(url))
            if problem:
                refused(node, f"link to '{url[:60]}': {problem}")
                _unwrap(node)
        elif isinstance(node, nodes.math | nodes.math_block):
            refused(node, "maths is not allowed in pages: it would load MathJax from "
                    "another host; write the formula in words")
            removed.add(id(node))
            node.parent.remove(node)
        elif isinstance(node, addnodes.toctree):
            kept = []
            for title, ref in node["entries"]:
                problem = "://" in ref and link_problem(ref)
                if problem:
                    refused(node, f"toctree entry '{ref[:60]}': {problem}")
                else:
                    kept.append((title, ref))
            node["entries"] = kept


def strip_front_matter_settings(app: Sphinx, docname: str, source: list[str]) -> None:
    """A page may not change the parser's settings for itself (front matter
    ``myst:``): that could switch on HTML images, maths, <meta> tags or other
    syntax.  The block is refused and taken out before MyST reads it."""
    lines = source[0].split("\n")
    if lines[0].strip() != "---":
        return
    close = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    in_block = False
    for i in range(1, close or 0):
        line = lines[i]
        if re.match(r"myst\s*:", line):
            in_block = True
            _refuse_at(app.env, docname, i + 1, "'myst:' settings in front matter are not "
                       "allowed: pages use the handbook's MyST settings from conf.py")
        elif in_block and (line.startswith((" ", "\t")) or not line.strip()):
            if "html_meta" in line:
                _refuse_at(app.env, docname, i + 1, "<meta> tags from a page (html_meta) "
                           "are not allowed: the description comes from the front matter's "
                           "summary")
        else:
            in_block = False
            continue
        lines[i] = ""  # blanked, so every later line keeps its number
    source[0] = "\n".join(lines)


def _refuse_at(env, docname: str, line: int, message: str) -> None:
    _breaches(env).add(docname)
    report((docname, line), message)


def bib_entry_line(lines: list[str], key: str) -> int:
    """The line of a .bib file where the entry KEY starts (pybtex keeps no lines)."""
    start = re.compile(rf"\s*@\w+\s*[{{(]\s*{re.escape(key)}\s*,", re.I)
    return next((n for n, line in enumerate(lines, start=1) if start.match(line)), 1)


def check_bibliography_links(app: Sphinx) -> None:
    """A work's url field obeys the same schemes as links in pages.  Reported at
    the entry in the .bib file, which is what to fix, not at each page citing
    it; every build, since Sphinx re-reads no page for an unchanged .bib."""
    bibdata = app.env.get_domain("cite").bibdata
    refused = set()
    for bibfile, parsed in bibdata.bibfiles.items():
        lines = Path(bibfile).read_text(encoding="utf-8-sig").splitlines()
        for key in parsed.keys:
            url = bibdata.data.entries[key].fields.get("url", "")
            problem = url and link_problem(url)
            if problem:
                refused.add(url)
                logger.warning(f"the url of {key} ('{url[:60]}'): {problem} {SEE_ALSO}",
                               location=f"{bibfile}:{bib_entry_line(lines, key)}",
                               type="handbook", subtype="content_policy")
    app.env.handbook_refused_bib_urls = refused


def check_resolved_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Links made after reading (the bibliography's url and doi fields) obey
    the same schemes as links written in pages.  A url field already refused
    by :func:`check_bibliography_links` is removed without a second report."""
    reported = getattr(app.env, "handbook_refused_bib_urls", set())
    for node in list(doctree.findall(nodes.reference)):
        url = node.get("refuri", "")
        problem = url and link_problem(url)
        if problem:
            if url not in reported:
                report(node, f"link to '{url[:60]}': {problem}")
            node.replace_self(nodes.Text("[address removed]"))


# A page's file name becomes its address and, in the print view, its ids,
# which Sphinx writes into HTML unescaped (heading links): plain names only.
PAGE_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def file_name_problem(path: Path, root: Path, page_suffixes) -> str | None:
    """Why the file at PATH (under ROOT, not followed) may not be in docs/."""
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        return "a symbolic link to a file outside docs/: add the file itself, inside docs/"
    if path.suffix in page_suffixes and not all(
            PAGE_NAME.fullmatch(part) for part in path.relative_to(root).parts):
        return ("a page's file and folder names may only use letters, digits, '-', '_' "
                "and '.': rename it")
    return None


def check_files(app: Sphinx) -> None:
    """No file under docs/ may be a symbolic link to something outside it: Sphinx
    would read it as a page, copy it as a static file, image or template, and so
    publish a file from the build machine.  No page may have a name that
    breaks the HTML it is written into."""
    root, found = Path(app.srcdir).resolve(), 0
    for folder, dirnames, filenames in os.walk(root):
        folder_path = Path(folder)
        dirnames[:] = [d for d in dirnames if d != "_build" and not d.startswith(".")]
        for name in dirnames + filenames:
            path = folder_path / name
            problem = file_name_problem(path, root, app.config.source_suffix)
            if problem:
                found += 1
                # The path leads the message, not location=: Sphinx reads a
                # location without a line as a page name and adds ".rst".
                logger.warning(f"{path}: {problem} {SEE_ALSO}",
                               type="handbook", subtype="content_policy")
    if found:
        # Stop before Sphinx reads or copies anything: a warning alone would
        # still let the file into the work folders.
        raise PolicyStop(f"{found} file(s) in docs/ are not allowed (listed above); "
                         "nothing was built")


class PolicyStop(SphinxError):
    category = "Content policy"


def reread_breaches(app: Sphinx, env, added, changed, removed) -> list[str]:
    return sorted(_breaches(env) - set(removed))


def forget_page(app: Sphinx, env, docname: str) -> None:
    _breaches(env).discard(docname)


def merge_breaches(app: Sphinx, env, docnames, other) -> None:
    _breaches(env).update(_breaches(other) & set(docnames))


# -- Content-Security-Policy -----------------------------------------------------------


def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(script_hashes: list[str]) -> str:
    """The policy every HTML page carries.  Scripts only from the site itself
    (and the theme's own inline scripts, by hash); nothing from another host.
    Styles allow inline: furo writes its colour variables in a <style> element
    and docutils writes table widths as style attributes; CSS runs no script,
    and the content policy keeps pages from adding any."""
    return "; ".join([
        "default-src 'self'",
        "script-src " + " ".join(["'self'", *script_hashes]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "child-src 'none'",
        "worker-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def theme_inline_scripts(app: Sphinx) -> list[str]:
    """The inline scripts in the theme's base template (furo sets the colour
    scheme before the page paints), exactly as the template writes them."""
    for folder in app.builder.theme.get_theme_dirs():
        base = Path(folder) / "base.html"
        if base.is_file():
            scripts = _INLINE_SCRIPT.findall(base.read_text(encoding="utf-8"))
            if any("{{" in s or "{%" in s for s in scripts):
                raise ExtensionError(f"content_policy: {base} has a templated inline "
                                     "script, which no fixed hash can allow")
            return scripts
    return []


def add_csp(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if app.builder.name not in ("html", "dirhtml"):
        return
    if not hasattr(app.builder, "handbook_csp"):
        hashes = [script_hash(s) for s in theme_inline_scripts(app)]
        app.builder.handbook_csp = content_security_policy(hashes)
    # First in <head>: a policy covers only what comes after it.
    tag = f'\n    <meta http-equiv="Content-Security-Policy" content="{app.builder.handbook_csp}">'
    context["metatags"] = tag + context.get("metatags", "")


# -- Sphinx ------------------------------------------------------------------------------


def set_myst_url_schemes(app: Sphinx, config) -> None:
    # MyST then makes links to other sites of these schemes only; any other
    # scheme becomes a cross-reference, which check_doctree refuses.
    config.myst_url_schemes = list(LINK_SCHEMES)


def setup(app: Sphinx) -> dict:
    app.setup_extension("myst_parser")
    install_myst_hooks()
    app.connect("config-inited", set_myst_url_schemes)
    app.add_directive("raw", RefusedRaw, override=True)
    app.add_role("raw", refused_raw_role, override=True)
    app.add_directive("include", GuardedInclude, override=True)
    app.add_directive("literalinclude", GuardedLiteralInclude, override=True)
    app.add_directive("csv-table", GuardedCSVTable, override=True)
    # Before Sphinx's collectors (priority 500) take titles, images and downloads.
    app.connect("doctree-read", check_doctree, priority=100)
    app.connect("source-read", strip_front_matter_settings)
    app.connect("doctree-resolved", check_resolved_links)
    app.connect("builder-inited", check_files)
    # After sphinxcontrib-bibtex (priority 500) has parsed the .bib files.
    app.connect("builder-inited", check_bibliography_links, priority=600)
    app.connect("env-get-outdated", reread_breaches)
    app.connect("env-purge-doc", forget_page)
    app.connect("env-merge-info", merge_breaches)
    app.connect("html-page-context", add_csp)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1",
            "env_version": 1}
