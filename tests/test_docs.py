# SPDX-License-Identifier: MIT
"""docs/architecture.md names only repository paths that exist (no database needed)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
# A backticked token that looks like a repository path: slash-separated names, with a folder
# part or a file extension. URLs (leading slash) and code (spaces, brackets) are not paths.
PATH = re.compile(r"[\w.-]+(/[\w.-]+)*/?")
SUFFIXES = {".py", ".md", ".yml", ".yaml", ".map", ".txt", ".conf", ".mjs", ".js", ".css",
            ".po", ".sh", ".toml", ".json", ".html"}


def repository_paths(text: str) -> list[str]:
    """The backticked tokens of ``text`` that name a file or folder of the repository."""
    tokens = re.findall(r"`([^`\n]+)`", text)
    return [t for t in tokens if PATH.fullmatch(t) and ("/" in t or Path(t).suffix in SUFFIXES)]


def test_the_checker_sees_paths_and_skips_urls_and_code():
    text = "`layers/registry.py` `/tiles/` `manage.py` `ST_AsMVT` `a b/c` `.mo` `layers/`"
    assert repository_paths(text) == ["layers/registry.py", "manage.py", "layers/"]


def test_every_path_in_the_architecture_exists():
    paths = repository_paths(DOC.read_text(encoding="utf-8"))
    assert len(paths) > 50  # the document names the code it describes
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert not missing, f"docs/architecture.md names missing paths: {missing}"


def test_the_readme_points_to_the_architecture():
    assert "docs/architecture.md" in (ROOT / "README.md").read_text(encoding="utf-8")
