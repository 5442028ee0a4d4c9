# SPDX-License-Identifier: MIT
"""The guides' code examples come from docs/examples/, which the tests run on a live server.

A guide marks an example with ``<!-- example: docs/examples/NAME -->`` followed by a fenced
code block; :func:`synced` rewrites that block from the file, so the guide shows exactly
what the tests ran. ``python -m geoserver_app.guides.examples`` (``make docs``) writes the
guides; ``tests/docs/test_guides.py`` fails when one is out of date.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from geoserver_app.guides.pages import DOCS, LANGUAGES, PAGES

ROOT = DOCS.parent
FENCE_LANGUAGE = {".sh": "sh", ".py": "python", ".js": "js", ".mjs": "js"}
FENCE = r"```[\w-]*\n(?:(?!```\n).*\n)*?```\n"  # a fenced block, up to its closing line
# the marker, then the example's code block and its output block, when they are there
EXAMPLE = re.compile(rf"(<!-- example: (?P<path>[\w./-]+) -->\n)(?:{FENCE}(?:{FENCE})?)?")


def fenced(text: str, language: str) -> str:
    """``text`` as a fenced block (without its trailing blank lines)."""
    body = text.rstrip("\n")
    return f"```{language}\n{body}\n```\n"


def block(path: str) -> str:
    """The example's code, then what it prints (NAME.out) when the file says."""
    source = ROOT / path
    code = fenced(source.read_text(encoding="utf-8"), FENCE_LANGUAGE.get(source.suffix, ""))
    output = source.with_suffix(".out")
    return code + (fenced(output.read_text(encoding="utf-8"), "text") if output.exists() else "")


def synced(text: str) -> str:
    """The guide's text with every marked example block taken from its file."""
    return EXAMPLE.sub(lambda match: match.group(1) + block(match.group("path")), text)


def included(text: str) -> list[str]:
    """The example files a guide marks, in order."""
    return [match.group("path") for match in EXAMPLE.finditer(text)]


def guides() -> list[Path]:
    return [DOCS / language / f"{slug}.md" for language in LANGUAGES for slug in PAGES]


def main() -> int:
    """Rewrite the example blocks of every guide; print the guides that changed."""
    for path in guides():
        text = path.read_text(encoding="utf-8")
        if synced(text) != text:
            path.write_text(synced(text), encoding="utf-8")
            print(f"docs: examples updated in {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
