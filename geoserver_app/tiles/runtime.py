# SPDX-License-Identifier: MIT
"""The tile stack's configuration of one catalog version, rendered at run time.

``var/services/catalog-<version>/`` holds ``mapserver/basemap.map``, ``mapserver/internal.map``,
``mapserver/fonts.txt``, ``mapproxy.yaml`` and ``mapproxy-full.yaml``: the layout of the
committed files, so the MapProxy configurations' relative mapfile paths resolve inside the
directory and the mapfiles match mapserv's ``MS_MAP_PATTERN``. A directory is written whole
into a temporary sibling and renamed, so a reader sees all of it or nothing; workers that
render the same version write the same text and the first rename wins. Tile caches are not
here: they stay in ``var/tiles``, shared by every version, so unchanged layers keep their
tiles.

Old versions are removed once they are neither among the newest ``KEEP`` nor younger than
``GRACE_SECONDS``: another worker may still serve one until it sees the change.
"""
from __future__ import annotations

import logging
import re
import shutil
import tempfile
import time
from pathlib import Path

from geoserver_app.tiles import environment, mapfile, mapproxy_config
from layers.catalog import Catalog

log = logging.getLogger(__name__)
PREFIX = "catalog-"
STAGING = ".staging-"
VERSION_DIR = re.compile(rf"^{PREFIX}(\d+)$")
KEEP = 2
GRACE_SECONDS = 300.0


def files(catalog: Catalog) -> dict[str, str]:
    """Every file of a version's directory, by path relative to it."""
    origin = f"the tile service from the layer catalog (version {catalog.version})"
    layers = catalog.layers
    return {mapfile.PUBLIC_MAPFILE: mapfile.render_public(layers, origin),
            mapfile.INTERNAL_MAPFILE: mapfile.render_internal(layers, origin),
            mapfile.FONTSET: mapfile.render_fontset(),
            mapproxy_config.PUBLIC_CONFIG: mapproxy_config.render(False, layers, origin),
            mapproxy_config.FULL_CONFIG: mapproxy_config.render(True, layers, origin)}


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
