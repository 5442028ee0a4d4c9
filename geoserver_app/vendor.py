# SPDX-License-Identifier: MIT
"""Browser libraries installed from npm (``npm ci`` in scripts/setup.sh), served as static files.

Only the built files the pages load are exposed, under ``/static/vendor/<package>/``, so
``collectstatic`` copies a few hundred kilobytes instead of whole ``node_modules`` trees.
Nothing is fetched from a CDN: offices without internet get the same page.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Warning
from django.core.files.storage import FileSystemStorage

# static prefix -> (directory under node_modules, files the pages load)
VENDOR_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "vendor/maplibre-gl": ("maplibre-gl/dist",
                           ("maplibre-gl.mjs", "maplibre-gl-worker.mjs", "maplibre-gl.css")),
    "vendor/proj4": ("proj4/dist", ("proj4.js",)),
}


def node_modules() -> Path:
    return Path(settings.BASE_DIR) / "node_modules"


class VendorFinder(BaseFinder):
    """A staticfiles finder over the chosen files of ``node_modules`` packages."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.storages: dict[str, FileSystemStorage] = {}
        self.files: dict[str, tuple[str, ...]] = {}
        for prefix, (directory, names) in VENDOR_FILES.items():
            storage = FileSystemStorage(location=node_modules() / directory)
            storage.prefix = prefix
            self.storages[prefix] = storage
            self.files[prefix] = names

    def check(self, **kwargs: object) -> list[Warning]:
        """An error per missing file, saying how to install it."""
        return [Warning(f"{prefix}/{name} is missing: the map viewer cannot load",
                        hint="run scripts/setup.sh (it runs `npm ci`)", id="basemap.W101")
                for prefix, names in self.files.items() for name in names
                if not self.storages[prefix].exists(name)]

    def find(self, path: str, find_all: bool = False, **kwargs: object) -> str | list[str]:
        """The absolute path of a vendored file (``[]`` when it is not one of ours)."""
        prefix, _, name = path.rpartition("/")
        if name in self.files.get(prefix, ()) and self.storages[prefix].exists(name):
            found = self.storages[prefix].path(name)
            return [found] if find_all else found
        return []

    def list(self, ignore_patterns: list[str] | None) -> Iterator[tuple[str, FileSystemStorage]]:
        for prefix, names in self.files.items():
            for name in names:
                if self.storages[prefix].exists(name):
                    yield name, self.storages[prefix]
