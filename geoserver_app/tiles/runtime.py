# SPDX-License-Identifier: MIT
"""The tile stack's configuration of one catalog version, rendered at run time.

``var/services/catalog-<version>/`` holds ``mapserver/basemap.map``, ``mapserver/internal.map``,
``mapserver/fonts.txt``, ``mapproxy.yaml``, ``mapproxy-full.yaml`` (the layout of the
committed files, so the MapProxy configurations' relative mapfile paths resolve inside the
directory and the mapfiles match mapserv's ``MS_MAP_PATTERN``) and ``drawing.json``: what
of each layer its tiles depend on, so a process that starts after a change can tell which
cached tiles the change made wrong (``geoserver_app.tiles.purge``). A directory is written whole
into a temporary sibling and renamed, so a reader sees all of it or nothing; workers that
render the same version write the same text and the first rename wins. Tile caches are not
here: they stay in ``var/tiles``, shared by every version, so unchanged layers keep their
tiles.

Old versions are removed once they are neither among the newest ``KEEP`` nor younger than
``GRACE_SECONDS``: another worker may still serve one until it sees the change.
"""
from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
import time
from pathlib import Path

from geoserver_app.tiles import environment, mapfile, mapproxy_config
from layers import catalog as layer_catalog
from layers.catalog import Catalog
from layers.registry import Layer

log = logging.getLogger(__name__)
PREFIX = "catalog-"
STAGING = ".staging-"
DRAWING = "drawing.json"
PURGED = "purged"
VERSION_DIR = re.compile(rf"^{PREFIX}(\d+)$")
KEEP = 2
GRACE_SECONDS = 300.0


def drawing(layer: Layer) -> list:
    """What of a layer its tiles depend on, as JSON values."""
    return [layer.access.value, layer.tiles, list(layer.sensitive),
            layer_catalog.style_json(layer.style), layer.min_zoom, layer.max_zoom]


def drawings(catalog: Catalog) -> dict[str, list]:
    """The drawing of every live layer (retired layers are not drawn)."""
    return {layer.id: drawing(layer) for layer in catalog.layers}


def drawings_before(version: int, root: Path | None = None) -> dict[str, list]:
    """The drawings of the newest version older than ``version`` on disk; with none, the
    registry's (what the committed configuration, and so the caches, drew)."""
    root = root or environment.services_dir()
    older = sorted((v, path) for path in (root.iterdir() if root.is_dir() else ())
                   if (v := version_of(path)) is not None and v < version)
    for _version, path in reversed(older):
        try:
            return json.loads((path / DRAWING).read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue  # removed meanwhile by another worker
    return drawings(layer_catalog.registry_catalog())


def files(catalog: Catalog) -> dict[str, str]:
    """Every file of a version's directory, by path relative to it."""
    origin = f"the tile service from the layer catalog (version {catalog.version})"
    layers = catalog.layers
    return {mapfile.PUBLIC_MAPFILE: mapfile.render_public(layers, origin),
            mapfile.INTERNAL_MAPFILE: mapfile.render_internal(layers, origin),
            mapfile.FONTSET: mapfile.render_fontset(),
            mapproxy_config.PUBLIC_CONFIG: mapproxy_config.render(False, layers, origin),
            mapproxy_config.FULL_CONFIG: mapproxy_config.render(True, layers, origin),
            DRAWING: json.dumps(drawings(catalog), ensure_ascii=False, sort_keys=True)}


def version_dir(version: int, root: Path | None = None) -> Path:
    return (root or environment.services_dir()) / f"{PREFIX}{version}"


def ensure(catalog: Catalog, root: Path | None = None) -> Path:
    """The directory of the catalog's version, written atomically if it is missing."""
    target = version_dir(catalog.version, root)
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING, dir=target.parent))
    try:
        for name, text in files(catalog).items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        staging.chmod(0o755)
        try:
            staging.rename(target)
        except OSError:
            if not target.is_dir():  # not just another worker's rename coming first
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def version_of(path: Path) -> int | None:
    match = VERSION_DIR.match(path.name)
    return int(match[1]) if match else None


def remove_old(current: int, root: Path | None = None, now: float | None = None) -> list[Path]:
    """Remove versions (and abandoned staging directories) no worker should still use."""
    root = root or environment.services_dir()
    if not root.is_dir():
        return []
    now = time.time() if now is None else now
    entries = list(root.iterdir())
    versions = sorted(v for v in map(version_of, entries) if v is not None)
    kept = {current, *versions[-KEEP:]}
    removed = []
    for path in entries:
        version = version_of(path)
        stale = version not in kept if version is not None else path.name.startswith(STAGING)
        if stale and age(path, now) > GRACE_SECONDS:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def age(path: Path, now: float) -> float:
    """Seconds since ``path`` was written (0 when another worker just removed it)."""
    try:
        return now - path.stat().st_mtime
    except FileNotFoundError:
        return 0.0
