# SPDX-License-Identifier: MIT
"""The guides as pages: which exist, their Markdown rendered to HTML with links made local.

Framework-free: the Django views (guides/views.py) only pick the language and the page.
A guide links its siblings as ``analysts.md`` and its pictures as ``../img/x.png``, so the
files read well in a repository browser; rendered, they become ``analysts`` and
``img/x.png``, relative to ``/docs/``.
"""
from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

DOCS = Path(__file__).resolve().parents[2] / "docs"
IMAGES = DOCS / "img"
LANGUAGES = ("vi", "en")
# the index first, then one guide per audience
PAGES = ("index", "analysts", "developers", "operators", "citizens")
IMAGE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\.png")
MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "toc", "sane_lists"]


@dataclass(frozen=True)
class Page:
    """One rendered guide: its title (the first heading) and its HTML body."""

    slug: str
    language: str
    title: str
    html: str


def local_href(href: str) -> str:
    """A link of a guide as the served page needs it (other links are left alone)."""
    if "://" in href or href.startswith(("/", "#", "mailto:")):
        return href
    target, hash_, anchor = href.partition("#")
    if target.startswith("../img/"):
        return target.removeprefix("../")
    if target.endswith(".md") and "/" not in target:
        name = target.removesuffix(".md")
        return ("./" if name == "index" else name) + hash_ + anchor
    return href


class LocalLinks(Treeprocessor):
    """Rewrites every ``a[href]`` and ``img[src]`` with :func:`local_href`."""

    def run(self, root: ElementTree.Element) -> None:
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            if attribute and element.get(attribute):
                element.set(attribute, local_href(element.get(attribute)))
            if element.tag == "img":
                element.set("loading", "lazy")


class LocalLinksExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (the library's name)
        md.treeprocessors.register(LocalLinks(md), "guide-local-links", 5)


def source(slug: str, language: str) -> Path | None:
    """The Markdown file of a page in a language, or None when there is no such page."""
    if slug not in PAGES or language not in LANGUAGES:
        return None
    return DOCS / language / f"{slug}.md"


def render(text: str) -> tuple[str, str]:
    """(title, HTML) of a guide's Markdown; the title is its first-level heading."""
    html = markdown.markdown(text, extensions=[*MARKDOWN_EXTENSIONS, LocalLinksExtension()],
                             output_format="html")
    heading = re.search(r"^# (.+)$", text, flags=re.MULTILINE)
    return (heading.group(1).strip() if heading else ""), html


@functools.lru_cache(maxsize=32)
def _rendered(path: Path, modified: float) -> tuple[str, str]:
    return render(path.read_text(encoding="utf-8"))


def page(slug: str, language: str) -> Page | None:
    """The rendered page (cached until its file changes), or None when it does not exist."""
    path = source(slug, language)
    if path is None or not path.is_file():
        return None
    title, html = _rendered(path, path.stat().st_mtime)
    return Page(slug, language, title, html)


def image(name: str) -> Path | None:
    """A picture of docs/img by its file name (nothing else: no folders, PNG only)."""
    if not IMAGE_NAME.fullmatch(name):
        return None
    path = IMAGES / name
    return path if path.is_file() else None
