"""A hostile pull request cannot change what readers are told, nor publish a file
from the build machine (docs/_ext/content_policy.py).

One copy of the handbook gets every payload, each on a page of its own inside
the navigation; the copy is built as the website, the PDF's LaTeX and the
EPUB.  Each payload must fail the build with a warning naming its own file and
line, and no output, published or not, may carry it.  Data files (the
helplines, the bibliography) and file names get the same treatment, and the
print view escapes whatever it prints.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import content_policy
import pytest
import urgent_help
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, build, copy_docs, main_content, soup
from PIL import Image
from sandbox import commit_all

# Outside docs/: what an include must never print.
SECRET = "HOSTILE-SECRET-FILE-CONTENT"
PAGE = "# {title}\n\nA page from a pull request.\n\n{body}\n"
PAYLOAD_LINE = 5  # the first line of {body} in PAGE


# The review's file: a script, and a request to another host, once a browser opens it.
WEB_PAGE = ('<html xmlns="http://www.w3.org/1999/xhtml"><body><script>alert("{marker}")'
            '</script><img src="http://evil.example/x.png"/></body></html>')


@dataclass(frozen=True)
class Payload:
    slug: str
    body: str  # {secret} is the absolute path of the secret file
    message: str  # a regular expression the warning must match
    marker: str  # text that must reach no output
    title: str = "A harmless title"
    line: int = PAYLOAD_LINE


PAYLOADS = [
    Payload("script-in-page",
            '<script>document.body.innerHTML = "HOSTILE-01"</script>',
            r"HTML is not allowed in pages \(found <script>\)", "HOSTILE-01"),
    Payload("script-in-title", "Text.",
            r"HTML is not allowed in pages \(found <script>\)", "alert(",
            title='Helplines <script>alert("HOSTILE-02")</script>', line=1),
    Payload("script-inside-only",
            ':::{only} builder_html\n<script>alert("HOSTILE-03")</script>\n:::',
            r"HTML is not allowed in pages \(found <script>\)", "HOSTILE-03", line=6),
    Payload("event-handler",
            'Call <img src="x.png" onerror="alert(\'HOSTILE-04\')"> now.',
            r"HTML is not allowed in pages \(found <img>\)", "HOSTILE-04"),
    Payload("iframe", '<iframe src="https://example.com/HOSTILE-05"></iframe>',
            r"HTML is not allowed in pages \(found <iframe>\)", "HOSTILE-05"),
    Payload("javascript-link", "[Call the helpline](javascript:alert('HOSTILE-06'))",
            r"link to 'javascript:alert\('HOSTILE-06'\)': a javascript: link is not allowed: "
            r"links may only be https:, http:, mailto:, "
            r"tel: or relative", "alert('HOSTILE-06')"),
    Payload("include-absolute", "```{include} {secret}\n```",
            r"\{include\} of '/[^']*' is an absolute path: include may only name a file "
            r"inside docs/", SECRET),
    Payload("include-dotdot", "```{include} ../../secret.txt\n```",
            r"\{include\} of '../../secret.txt' is outside docs/", SECRET),
    Payload("literalinclude-absolute", "```{literalinclude} {secret}\n```",
            r"\{literalinclude\} of '/[^']*' is an absolute path", SECRET),
    Payload("literalinclude-dotdot", "```{literalinclude} ../../secret.txt\n```",
            r"\{literalinclude\} of '../../secret.txt' is outside docs/", SECRET),
    Payload("raw-latex-input", "```{raw} latex\n\\input{{{secret}}}\n```",
            r"the \{raw\} directive \(latex\) is not allowed", "\\input{"),
    # Not on the list.  A plain Markdown link to a file that is not a
    # page makes Sphinx copy the file into the site for download: in CI that
    # would publish the repository's .git/config and the token in it.
    Payload("link-publishes-a-file", "[Notes](../../secret.txt)",
            r"download of '../../secret.txt' is outside docs/", SECRET),
    # MyST evaluates {{ ... }} with Jinja2, unsandboxed: code on the build machine.
    Payload("substitution-runs-code",
            '{{ lipsum.__globals__.os.popen("echo HOSTILE-$((6*2))").read() }}',
            r"'\{\{ lipsum.__globals__.*' is not allowed: \{\{ \}\} may only hold the name "
            r"of a substitution", "HOSTILE-12"),
    # Front matter can add <meta http-equiv="refresh">: every reader sent elsewhere.
    Payload("meta-refresh", "Text.", r"<meta> tags from a page \(html_meta\) are not allowed",
            "example.com/HOSTILE-14", line=3),
    Payload("raw-html-through-rst",
            "```{eval-rst}\n.. raw:: html\n\n   <script>alert('HOSTILE-15')</script>\n```",
            r"the \{raw\} directive \(html\) is not allowed", "HOSTILE-15", line=6),
    Payload("raw-role-through-rst",
            "```{eval-rst}\n.. role:: html(raw)\n   :format: html\n\n"
            ":html:`<b>HOSTILE-18</b>`\n```",
            r"the raw role is not allowed", "HOSTILE-18", line=9),
    Payload("image-from-another-host", "![A tracker](https://example.com/HOSTILE-16.png)",
            r"image 'https://example.com/HOSTILE-16.png' is not allowed: the site loads "
            r"nothing from another host", "example.com/HOSTILE-16"),
    Payload("html-comment", "<!-- a note for editors -->",
            r"HTML comments are not allowed in pages: start a line with %", "a note for editors"),
    Payload("csv-table-url", "```{csv-table} Numbers\n:url: https://example.com/HOSTILE-17\n```",
            r"\{csv-table\} with :url: is not allowed", "example.com/HOSTILE-17"),
    # Found by a hostile review: files that run scripts on the site's own address.
    Payload("svg-image", "![A chart](chart.svg){width=300}",
            r"image 'chart.svg' is not allowed: images may only be .png, .jpg, .jpeg, .gif, "
            r".webp files", "HOSTILE-19"),
    Payload("html-download", "[A printable card](card.html)",
            r"download 'card.html' is not allowed: downloads may only be .pdf, .csv "
            r"files", "HOSTILE-20"),
    # A third review: a published .txt ran as the script of a <script src>.
    Payload("txt-download", "[Notes](notes.txt)",
            r"download 'notes.txt' is not allowed: downloads may only be", "HOSTILE-29"),
    # A second review: types a host serves as HTML or XML slipped past a list
    # of dangerous types; only listed types, with matching content, pass now.
    Payload("xhtml-image", "![pic](evil.xht)",
            r"image 'evil.xht' is not allowed: images may only be", "HOSTILE-24"),
    Payload("shtml-download", "{download}`that <evil.shtml>`",
            r"download 'evil.shtml' is not allowed: downloads may only be", "HOSTILE-25"),
    Payload("rdf-link", "[The feed](feed.rdf)",
            r"download 'feed.rdf' is not allowed: downloads may only be", "HOSTILE-26"),
    Payload("web-page-named-png", "![A chart](renamed.png)",
            r"image 'renamed.png' is not a .png file inside", "HOSTILE-27"),
    # Maths makes Sphinx load MathJax from a CDN.
    Payload("maths", "Energy: {math}`E = mc^2`", r"maths is not allowed in pages",
            "mathjax"),
    # A look-alike helpline: the official styling, another number.
    Payload("look-alike-helpline", "[Samaritans 116 123](tel:0900666666)",
            r"link to 'tel:0900666666': a tel: link may only call a number from "
            r"docs/_data/urgent-help.toml",
            "tel:0900666666"),
    Payload("protocol-relative-link", "[Help](//example.com/HOSTILE-21)",
            r"link to '//example.com/HOSTILE-21': a link starting '//' goes to another host",
            "example.com/HOSTILE-21"),
    # Front matter that switches on MyST syntax the handbook does not allow.
    Payload("front-matter-settings", "Text.", r"'myst:' settings in front matter are not "
            r"allowed", "HOSTILE-22", line=2),
]
# What the policy allows, on a page of the same pull request.
ALLOWED = """# Allowed

![A small picture](pixel.png)

A [word list](words.csv) to download.

```{include} snippet.txt
```

```{literalinclude} ../_data/urgent-help.toml
:lines: 1
```

Links to [Samaritans](https://www.samaritans.org/), [a page](../about.md),
[an address](mailto:editors@example.org) and [a number](tel:116123), in {{ handbook_title }}.
"""

# Front matter goes above the title (line 3 is html_meta).
FRONT_MATTER = {
    "front-matter-settings": {"myst": {"enable_extensions": ["dollarmath"],
                                       "substitutions": {"x": "HOSTILE-22"}}},
    "meta-refresh": {"myst": {"html_meta": {
        "http-equiv=refresh": "0; url=https://example.com/HOSTILE-14"}}},
}
BUILDERS = ("html", "pdf", "epub")


def write_page(folder: Path, payload: Payload, secret: Path) -> None:
    text = PAGE.format(title=payload.title, body=payload.body.replace("{secret}", str(secret)))
    if payload.slug in FRONT_MATTER:
        text = "---\n" + yaml.safe_dump(FRONT_MATTER[payload.slug]) + "---\n" + text
    (folder / f"{payload.slug}.md").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A copy of the handbook with every payload, built as each output."""
    root = tmp_path_factory.mktemp("hostile")
    secret = root / "secret.txt"
    secret.write_text(SECRET + "\n")
    docs = copy_docs(root)
    folder = docs / "hostile"
    folder.mkdir()
    for payload in PAYLOADS:
        write_page(folder, payload, secret)
    (folder / "snippet.txt").write_text("Text from a snippet inside docs.\n")
    (folder / "chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>'
                                      'alert("HOSTILE-19")</script></svg>')
    (folder / "card.html").write_text("<script>alert('HOSTILE-20')</script>")
    for name, marker in [("evil.xht", "HOSTILE-24"), ("evil.shtml", "HOSTILE-25"),
                         ("feed.rdf", "HOSTILE-26"), ("renamed.png", "HOSTILE-27")]:
        (folder / name).write_text(WEB_PAGE.format(marker=marker))
    Image.new("RGB", (2, 2), "white").save(folder / "pixel.png")
    (folder / "words.csv").write_text("Alliance, transference.\n")
    (folder / "notes.txt").write_text("alert('HOSTILE-29')\n")
    # A javascript: address in the bibliography (sorted first, so the file still parses).
    bib = docs / "references.bib"
    bib.write_text("@misc{aaevil2020, author={{Evil}}, title={One}, year={2020},\n"
                   "  url={javascript:alert('HOSTILE-23')}}\n\n" + bib.read_text())
    (folder / "allowed.md").write_text(ALLOWED)
    toctree = "\n".join(["allowed", *(p.slug for p in PAYLOADS)])
    (folder / "index.md").write_text(f"# Pull request\n\n```{{toctree}}\n{toctree}\n```\n")
    index = docs / "index.md"
    index.write_text(index.read_text() + "\n```{toctree}\nhostile/index\n```\n")
    commit_all(root, "a hostile pull request")
    builds = {kind: build(kind, root / "build", source=docs) for kind in BUILDERS}
    return root, builds


def everything_written(builddir: Path) -> list[tuple[Path, bytes]]:
    """Every output file, published or left in a work folder.  (Not Sphinx's
    doctree cache, which keeps MyST's heading anchors as the source wrote them.)"""
    return [(p, p.read_bytes()) for p in builddir.rglob("*")
            if p.is_file() and "doctrees" not in p.relative_to(builddir).parts]


@pytest.mark.build
@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.slug)
def test_payload_fails_the_build_naming_its_file_and_line(hostile, payload):
    root, builds = hostile
    where = rf"hostile/{re.escape(payload.slug)}\.md:{payload.line}: WARNING: "
    for kind, result in builds.items():
        assert result.returncode != 0, f"{kind} build passed:\n{result.output}"
        assert not result.published(kind).exists(), f"a failed {kind} build was published"
        assert re.search(where + payload.message, result.output), (
            f"{kind}: no warning matching {where + payload.message}:\n{result.output}")
    leaks = [str(path.relative_to(root)) for path, data in everything_written(root / "build")
             if payload.marker.encode() in data]
    assert not leaks, f"the payload reached {leaks}"


@pytest.mark.build
def test_what_the_policy_allows_still_works(hostile):
    root, builds = hostile
    assert "hostile/allowed.md" not in builds["html"].output
    page = main_content(soup(root / "build" / "work" / "html" / "hostile" / "allowed.html"))
    text = page.get_text(" ", strip=True)
    assert "Text from a snippet inside docs." in text
    assert "Urgent-help contacts: the one place" in text
    assert "in The Psychotherapy Handbook." in text
    hrefs = [a["href"] for a in page.find_all("a", href=True)]
    for href in ("https://www.samaritans.org/", "../about.html", "tel:116123"):
        assert href in hrefs, hrefs
    assert any(href.startswith("mailto:editors") for href in hrefs), hrefs
    # The allowed types are published: an image and a download.
    html = root / "build" / "work" / "html"
    assert [img["src"] for img in page.find_all("img")] == ["../_images/pixel.png"]
    assert (html / "_images" / "pixel.png").is_file()
    download = page.find("a", class_="download")
    assert download["href"].endswith("/words.csv"), download
    assert (html / "hostile" / download["href"]).resolve().is_file()


@pytest.mark.build
def test_navigation_never_shows_a_hostile_title(hostile):
    root, _ = hostile
    page = (root / "build" / "work" / "html" / "about.html").read_text(encoding="utf-8")
    start = page.index('class="sidebar-tree"')
    nav = page[start:page.index("</aside>", start)]
    assert re.search(r'script-in-title\.html">Helplines\s*</a>', nav), (
        "the hostile page is not in the navigation, or its title is not clean")
    assert "<script" not in nav and "alert(" not in nav


@pytest.mark.build
def test_a_breach_fails_the_second_build_too(hostile):
    """Sphinx does not re-read an unchanged page (Sphinx issue #725); a page that
    broke the policy must be re-read, or the second build would pass."""
    root, _ = hostile
    again = build("html", root / "build", source=root / "docs")
    assert again.returncode != 0
    assert re.search(r"hostile/iframe\.md:5: WARNING: HTML is not allowed", again.output)


# -- The rules themselves ------------------------------------------------------------


@pytest.mark.parametrize("url, allowed", [
    ("https://www.nhs.uk/", True), ("http://example.org", True), ("mailto:jo@example.org", True),
    ("tel:116123", True), ("../faq/index.html#faq-cost", True), ("#top", True),
    ("javascript:alert(1)", False), ("JavaScript:alert(1)", False),
    ("java\tscript:alert(1)", False), (" javascript:alert(1)", False),
    ("data:text/html,<script>", False), ("vbscript:x", False), ("file:///etc/passwd", False),
    ("ftp://example.org", False),
])
def test_link_rule(url, allowed):
    assert (content_policy.link_problem(url) is None) is allowed


def test_file_rule(tmp_path):
    docs = tmp_path / "docs"
    (docs / "_build").mkdir(parents=True)
    (docs / "part.md").write_text("x")
    (docs / ".env").write_text("x")
    (docs / "escape.md").symlink_to(tmp_path / "secret")

    def problem(argument):
        return content_policy.file_problem(argument, docs / argument, docs)

    assert problem("part.md") is None
    assert problem("sub/../part.md") is None
    assert "absolute" in problem("/etc/passwd")
    assert "absolute" in problem("<isonum.txt>")
    assert "outside docs/" in problem("../secret")
    assert "outside docs/" in problem("escape.md")
    assert "build folder" in problem("_build/html/index.html")
    assert "hidden" in problem(".env")
    assert "hidden" in problem(".git/config")


def test_file_type_rule(tmp_path):
    def problem(name, what="image"):
        return content_policy.file_type_problem(name, tmp_path / name, what)

    Image.new("RGB", (2, 2)).save(tmp_path / "a.png")
    Image.new("RGB", (2, 2)).save(tmp_path / "b.webp")
    Image.new("RGB", (2, 2)).save(tmp_path / "c.JPG", format="JPEG")
    (tmp_path / "d.webp").write_bytes(b"RIFF\0\0\0\0WAVEfmt ")
    (tmp_path / "e.csv").write_bytes(b"a,\xff\n")
    (tmp_path / "f.txt").write_text("Plain text.")
    assert problem("a.png") is problem("b.webp") is problem("c.JPG") is None
    assert "downloads may only be .pdf, .csv files" in problem("f.txt", "download")
    assert problem("missing.png") is None, "Sphinx reports a missing file"
    assert "is not a .webp file inside" in problem("d.webp")
    assert "is not UTF-8 text" in problem("e.csv", "download")
    for refused in ("x.svg", "x.xht", "x.xsl", "x.rss", "x.mht", "x"):
        assert "images may only be .png" in problem(refused), refused
    assert "downloads may only be .pdf, .csv files" in problem("a.png", "download")


def test_pdf_engine_reads_only_local_files(tmp_path):
    from print_pdf import local_files_only

    site = tmp_path / "site"
    (site / "_static").mkdir(parents=True)
    (site / "_static" / "a.css").write_text("x")
    fetcher = local_files_only(site)
    assert fetcher.fetch((site / "_static" / "a.css").as_uri())
    (tmp_path / "secret").write_text(SECRET)
    for refused in ["https://example.com/font.woff2", "file:///etc/passwd",
                    (site / ".." / "secret").as_uri()]:
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(refused)


def test_workflow_keeps_the_token_out_of_reach():
    """No step can read a token from .git/config, and each job has only the
    permissions it needs."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "handbook.yml").read_text())
    assert workflow["permissions"] == {}, "the default for every job: no permissions"
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {name} must say which permissions it needs"
        assert job["permissions"].get("contents") in (None, "read"), name
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout"):
                assert step.get("with", {}).get("persist-credentials") is False, (
                    f"job {name}: checkout must set persist-credentials: false")


def test_contributing_page_states_the_policy():
    page = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    section = page[page.index("## What a page may contain"):]
    for scheme in content_policy.LINK_SCHEMES:
        assert f"`{scheme}:`" in section
    for word in ("HTML", "{include}", "{literalinclude}", "{raw}"):
        assert word in section, word


@pytest.mark.build
def test_symbolic_links_and_unsafe_page_names_fail_and_publish_nothing(tmp_path):
    # Found by a hostile review: Sphinx follows links as pages, static files,
    # images (behind a wildcard) and templates.  A copy of its own, since the
    # build stops before it reads anything.
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n")
    docs = copy_docs(tmp_path)
    (docs / "_static" / "passwd.css").symlink_to(secret)
    (docs / "figure-data.png").symlink_to(secret)
    (docs / "leak.md").symlink_to(secret)
    # The include and literalinclude through a symlink stop here too.
    (docs / "linked-secret.txt").symlink_to(secret)
    (docs / "glossary.md").write_text((docs / "glossary.md").read_text()
                                      + "\n![Figure](figure-data.*)\n")
    # A second review: a page's name goes into the print view's HTML unescaped
    # (Sphinx's heading links), where a <style> could hide every helpline.
    (docs / 'x"><style>HOSTILE-28.md').write_text("# A page\n\nText.\n")
    commit_all(tmp_path, "links out")
    result = build("html", tmp_path / "build", source=docs)
    assert result.returncode != 0
    for name in ("_static/passwd.css", "figure-data.png", "leak.md", "linked-secret.txt"):
        # The real path: Sphinx once reported figure-data.png.rst, a file that is not there.
        assert f"WARNING: {docs / name}: a symbolic link to a file outside docs/" in (
            result.output), (name, result.output)
    assert (f'WARNING: {docs}/x"><style>HOSTILE-28.md: a page\'s file and folder names may '
            "only use letters, digits") in result.output, result.output
    assert ".rst" not in result.output
    assert "Traceback" not in result.output
    assert not [p for p, data in everything_written(tmp_path / "build")
                if SECRET.encode() in data]


@pytest.mark.build
def test_a_javascript_address_in_the_bibliography_fails_naming_its_entry(hostile):
    root, builds = hostile
    for kind, result in builds.items():
        # Reported at the entry to fix, once, not at each page that lists it.
        warnings = re.findall(r"^(.*): WARNING: (.*HOSTILE-23.*)$", result.output, re.M)
        assert warnings == [(f"{root / 'docs' / 'references.bib'}:1",
                             "the url of aaevil2020 ('javascript:alert('HOSTILE-23')'): a "
                             "javascript: link is not allowed: links may only be https:, "
                             "http:, mailto:, tel: or relative (see 'What a page may contain' "
                             "on the Contributing page) [handbook.content_policy]")], (
            kind, warnings)
    assert not [p for p, data in everything_written(root / "build")
                if b"javascript:alert('HOSTILE-23')" in data and p.suffix != ".bib"]


# -- The helpline data file --------------------------------------------------------
# Found by a second review: a tier's id went into the print card unescaped, and
# a new tier rewrote the PDF's helpline card with a style sheet.

URGENT_HELP = ROOT / "docs" / "_data" / "urgent-help.toml"
INJECTED_ID = ('x"><style>.urgent-number{visibility:hidden} .running-help{display:none} '
               ".urgent-card h2::after{content:' Call 0900 666 666 (premium)'}</style><x y=\"")
HOSTILE_TIER = f"""
[[tiers]]
id = {json.dumps(INJECTED_ID)}
heading = "If you need help"
summary = "Call us."

[[tiers.contacts]]
region = "UK"
label = "A premium line"
phone = "0900 666 666"
source = "https://example.org/"
checked = 2026-11-27
"""


def tier_line(text: str, index: int) -> int:
    """The line of the INDEX-th [[tiers]] header (-1: the last)."""
    return [n for n, line in enumerate(text.splitlines(), start=1)
            if line == "[[tiers]]"][index]


def edited(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# (what the contributor did, the data file after it, the tier whose line is
# named or None for the file alone, what the message says)
DATA_CHANGES = [
    ("a tier id with markup", lambda t: t + HOSTILE_TIER, -1, r"tier id 'x\"><style>.*' is "
     r"not allowed; an id is lower-case letters, digits and hyphens"),
    ("markup in a tier heading",
     lambda t: edited(t, 'heading = "If a life is at risk now"',
                      'heading = "<script>alert(1)</script>"'),
     0, r"tier 'emergency': heading may not contain < >"),
    ("markup in a tier summary",
     lambda t: edited(t, 'summary = "You need to speak', 'summary = "{{ x }} You need to speak'),
     1, r"tier 'urgent': summary may not contain < > \{ \}"),
    ("a tier the templates need renamed", lambda t: edited(t, 'id = "support"', 'id = "talk"'),
     None, r'there is no tier with id = "support" \(the tiers are emergency, urgent, talk\)'),
    ("two tiers with one id", lambda t: edited(t, 'id = "support"', 'id = "urgent"'),
     2, r"a second tier with id 'urgent'"),
    ("a contact the templates need moved",
     lambda t: edited(t, 'region = "Northern Ireland"', 'region = "Wales"'),
     1, r"tier 'urgent' needs a contact for Northern Ireland with a phone number"),
]


@pytest.mark.parametrize("change, rewrite, tier, message", DATA_CHANGES,
                         ids=[c[0] for c in DATA_CHANGES])
def test_a_bad_helpline_file_is_refused_naming_file_and_line(tmp_path, change, rewrite, tier,
                                                             message):
    text = rewrite(URGENT_HELP.read_text(encoding="utf-8"))
    broken = tmp_path / "urgent-help.toml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(urgent_help.ConfigError) as error:
        urgent_help.load(broken)
    where = f"{broken}:{tier_line(text, tier)}: " if tier is not None else f"{broken}: "
    assert re.match(re.escape(where) + message, str(error.value)), str(error.value)


@pytest.mark.build
def test_a_hostile_tier_stops_the_pdf_build(tmp_path):
    docs = copy_docs(tmp_path)
    data = docs / "_data" / "urgent-help.toml"
    data.write_text(data.read_text(encoding="utf-8") + HOSTILE_TIER, encoding="utf-8")
    commit_all(tmp_path, "a hostile tier")
    result = build("pdf", tmp_path / "build", source=docs)
    assert result.returncode != 0
    line = tier_line(data.read_text(encoding="utf-8"), -1)
    assert f"{data}:{line}: tier id 'x\"><style>" in result.output, result.output
    assert "Traceback" not in result.output
    assert result.output.rstrip().endswith("The messages above name the file and line to fix.")
    assert not result.published("pdf").exists()
    assert not [p for p, written in everything_written(tmp_path / "build")
                if b"premium" in written]


def test_print_templates_escape_what_they_print():
    """Behind the data file's checks: the print card escapes every value, as
    print_view's builder sets its templates, even a tier id no check caught."""
    from jinja2 import FileSystemLoader
    from jinja2.sandbox import SandboxedEnvironment
    from print_view import is_print_template

    real = urgent_help.load()
    evil = replace(real.tiers[0], id=INJECTED_ID, heading="<b>Call</b>")
    data = urgent_help.UrgentHelp((evil, *real.tiers[1:]))
    environment = SandboxedEnvironment(loader=FileSystemLoader(ROOT / "docs" / "_templates"),
                                       autoescape=is_print_template)
    # As PrintBuilder.print_card renders the card.
    card = environment.from_string(
        '{% from "print/card.html" import urgent_card with context %}'
        "{{ urgent_card(2, card_id) }}").render(urgent_help=data, card_id='c"><style>')
    page = BeautifulSoup(card, "html.parser")
    assert not page.find("style") and not page.find("b"), card
    # The whole id stays inside the class attribute.
    first = page.find("section", class_="urgent-tier")
    assert " ".join(first["class"]) == "urgent-tier urgent-tier-" + INJECTED_ID
    assert page.find("section", class_="urgent-card")["id"] == 'c"><style>'
    assert not is_print_template(None), "the theme's static _t files are not HTML"
