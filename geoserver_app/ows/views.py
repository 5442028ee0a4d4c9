# SPDX-License-Identifier: MIT
"""A grant's view of the catalog for the OGC web services, and its mapfile on disk.

``view_for(grant)`` is what the grant may read: each layer with the attribute columns it
may see, built once per grant view and catalog version (``Grant.view_key``), so a layer made
internal, published or retired changes the view of the next request, and the mapfile with
it. Mapfiles are written under ``var/ows/catalog-<version>/`` (a temporary file renamed, so
a reader never sees half of one); directories of versions no worker should still serve are
removed after a grace period.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import translation

from geoserver_app.ows import mapfile
from geoserver_app.ows.mapfile import Visible
from layers import grants
from layers.models import attribute_columns

PREFIXES = ("basemap:", "ms:")
VERSION_DIR = re.compile(r"^catalog-(\d+)$")
GRACE_SECONDS = 300.0


@dataclass(frozen=True)
class View:
    """The layers of one grant view, by type name, with their visible attributes."""

    key: tuple
    layers: tuple[Visible, ...]
    titles: dict[str, dict[str, str]]
    by_id: dict[str, Visible] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {v.layer.id: v for v in self.layers})

    @property
    def version(self) -> int:
        return self.key[0]

    def find(self, type_name: str) -> Visible | None:
        """The layer of a type name (``roads``, ``basemap:roads``), None when unknown."""
        return self.by_id.get(plain(type_name))

    def attribute(self, types: tuple[Visible, ...], name: str) -> str | None:
        """The plain attribute name when every one of ``types`` has it visible (the
        geometry included), else None."""
        name = plain(name.strip())
        if "/" in name:  # typeName/property, the one XPath form accepted
            head, _, name = name.partition("/")
            if not all(view.layer.id == plain(head) for view in types):
                return None
        if not types or not all(name == mapfile.GEOMETRY or name in view.attributes
                                for view in types):
            return None
        return name


def plain(name: str) -> str:
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def visible(layer, grant: grants.Grant) -> Visible:
    hidden = set(grant.hidden_attributes(layer))
    return Visible(layer, tuple(name for name, _ in attribute_columns(layer) if name not in hidden))


@functools.lru_cache(maxsize=256)
def _view(key: tuple, grant: grants.Grant) -> View:
    layers = tuple(visible(layer, grant) for layer in grant.visible_layers()
                   if layer.features)
    with translation.override("vi"):
        titles = {v.layer.id: dict(attribute_columns(v.layer)) for v in layers}
    return View(key, layers, titles)


def view_for(grant: grants.Grant) -> View:
    """The grant's view of the current catalog."""
    return _view(grant.view_key(), grant)


def root() -> Path:
    return Path(settings.VAR_DIR).resolve() / "ows"


class Mapfiles:
    """The mapfile of each view, written once per process and version."""

    def __init__(self, base: Path | None = None) -> None:
        self.base = base
        self.paths: dict[tuple, Path] = {}
        self.lock = threading.Lock()
        self.newest = -1

    def path(self, view: View) -> Path:
        known = self.paths.get(view.key)
        if known is not None and known.is_file():
            return known
        with self.lock:
            target = self.write(view)
            self.paths[view.key] = target
            if view.version > self.newest:
                self.newest = view.version
                remove_old(self.base or root(), view.version)
        return target

    def write(self, view: View) -> Path:
        """The view's mapfile, named by a digest of its text (a new release or another
        view writes another file; no right is spelled in a file name)."""
        text = mapfile.render(view.layers, "Bản đồ nền dùng chung (WFS)",
                              f"the OGC web services from catalog version {view.version}")
        directory = (self.base or root()) / f"catalog-{view.version}"
        target = directory / f"{hashlib.sha256(text.encode()).hexdigest()[:20]}.map"
        if target.is_file():
            return target
        directory.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(prefix=".staging-", dir=directory)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(staging, 0o644)
        os.replace(staging, target)
        return target


def remove_old(base: Path, current: int, now: float | None = None) -> None:
    """Remove version directories older than ``current`` and the grace period."""
    now = time.time() if now is None else now
    for path in base.iterdir() if base.is_dir() else ():
        match = VERSION_DIR.match(path.name)
        if match and int(match[1]) < current and now - path.stat().st_mtime > GRACE_SECONDS:
            shutil.rmtree(path, ignore_errors=True)
