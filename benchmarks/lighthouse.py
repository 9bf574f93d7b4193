"""Lighthouse scores for the home page, an article, the FAQ and the references page.

Usage: python benchmarks/lighthouse.py [SITE_DIR]   (or: make lighthouse)

Serves the built site on 127.0.0.1 and runs Lighthouse (from the npm registry,
installed into .cache/lighthouse on first use) with Debian's Chromium, phone
profile.  Prints a table; it is a measurement, not a test.  The goal is 100 for
accessibility, best practices and SEO, and at least 98 for performance.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from site_checks import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

# Lighthouse 13 needs Node.js 22; Debian 12 and this machine have Node.js 18 to 20.
LIGHTHOUSE = "lighthouse@12.2.3"
INSTALL_DIR = ROOT / ".cache" / "lighthouse"
PAGES = {
    "home": "index.html",
    "article": "articles/can-psychotherapy-help-with-depression.html",
    "FAQ": "faq/index.html",
    "references": "references.html",
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def lighthouse_binary() -> Path:
    binary = INSTALL_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if not shutil.which("npm"):
            raise SystemExit("npm is needed: run scripts/ensure-system-packages node")
        INSTALL_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(INSTALL_DIR), "--no-audit",
                        "--no-fund", "--save-exact", LIGHTHOUSE], check=True,
                       stdout=subprocess.DEVNULL)
    return binary


def scores(binary: Path, url: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        flags = " ".join(arg for arg in CHROMIUM_ARGS if not arg.startswith("--host-resolver"))
        # Lighthouse passes --chrome-flags through a shell-like parser: quote the rule.
        flags += ' "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"'
        subprocess.run(
            [str(binary), url, "--quiet", "--output=json", f"--output-path={report}",
             f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}",
             "--form-factor=mobile"],
            # Lighthouse finds the browser through CHROME_PATH.
            check=True, env=dict(os.environ, CHROME_PATH=CHROMIUM))
        categories = json.loads(report.read_text())["categories"]
        return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else ROOT / "docs" / "_build" / "html"
    if not (site / "index.html").exists():
        raise SystemExit(f"{site} has no built site: run `make html` first")
    binary = lighthouse_binary()
    print(f"Lighthouse ({LIGHTHOUSE}), phone profile, Debian Chromium, "
          "site served gzip-compressed on 127.0.0.1")
    print(f"  {'page':12} " + " ".join(f"{c:>15}" for c in CATEGORIES))
    # Compressed, as GitHub Pages and Read the Docs send it.
    with serve(site, compress=True) as base:
        for name, path in PAGES.items():
            result = scores(binary, base + path)
            print(f"  {name:12} " + " ".join(f"{result[c]:15d}" for c in CATEGORIES))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
