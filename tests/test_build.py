"""The handbook's site is complete and holds only what readers need.

That every build is strict and atomic (a warning fails it, and a failed build
publishes nothing) is tested in test_rebuilds.py, with every fault in one build."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import ROOT, source_pages

pytestmark = pytest.mark.build


def test_every_page_is_written_to_the_site(html_dir):
    missing = [str(page) for page in source_pages()
               if not (html_dir / page.with_suffix(".html")).is_file()]
    assert not missing, f"pages with no HTML output: {missing}"


def test_doctrees_and_sources_are_not_published(html_dir):
    leaked = [str(p.relative_to(html_dir)) for p in html_dir.rglob("*")
              if p.suffix in {".doctree", ".pickle", ".md"} or p.name == ".buildinfo.bak"]
    assert not leaked, leaked


# -- System packages ------------------------------------------------------------------


def test_missing_system_packages_give_the_exact_commands(tmp_path):
    """Where the script cannot install (no apt-get here), it says what to run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "id", "grep", "sed", "printf", "cat"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    result = subprocess.run(
        [str(bin_dir / "bash"), str(ROOT / "scripts" / "ensure-system-packages"), "pdf",
         "chromium"], capture_output=True, text=True, env={"PATH": str(bin_dir)})
    assert result.returncode == 1, result.stdout + result.stderr
    message = result.stderr
    assert "sudo apt-get update && sudo apt-get install fontconfig fonts-noto-core" in message
    assert "chromium" in message.split("Debian/Ubuntu:")[1].splitlines()[0]
    assert "Fedora:" in message and "sudo dnf install" in message
    assert "macOS:" in message and "brew install" in message
