# SPDX-License-Identifier: MIT
"""Seeding the tile cache with MapProxy's own seeder (``manage.py seed_tiles``).

The options become a MapProxy seed configuration (``var/tiles/seed.yaml``), run with a
progress display. Seeding is resumable: MapProxy skips tiles already in the cache, and the
progress file ``var/tiles/seed_progress`` lets a rerun skip finished parts of the tile tree.
"""
from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass

import yaml
from mapproxy.config.loader import load_configuration
from mapproxy.seed.config import load_seed_tasks_conf
from mapproxy.seed.seeder import seed
from mapproxy.seed.util import ProgressLog, ProgressStore

from geoserver_app.tiles import environment, mapproxy_config, runtime
from layers import catalog, province

LEVELS = re.compile(r"^(\d{1,2})(?:-(\d{1,2}))?$")
DEFAULT_LEVELS = (0, 15)


class SeedError(ValueError):
    """Bad seeding options; the message says what to pass instead."""


@dataclass(frozen=True)
class SeedPlan:
    """What to seed: caches, grids, WGS 84 bbox, inclusive level range."""

    caches: tuple[str, ...]
    grids: tuple[str, ...]
    bbox: tuple[float, float, float, float]
    levels: tuple[int, int]

    def config(self) -> dict:
        """MapProxy's seed.yaml content."""
        return {"seeds": {"seed_tiles": {"caches": list(self.caches), "grids": list(self.grids),
                                         "coverages": ["area"],
                                         "levels": {"from": self.levels[0],
                                                    "to": self.levels[1]}}},
                "coverages": {"area": {"bbox": list(self.bbox), "srs": "EPSG:4326"}}}


def parse_levels(text: str | None) -> tuple[int, int]:
    """``"a-b"`` or ``"a"`` into an inclusive range."""
    if not text:
        return DEFAULT_LEVELS
    match = LEVELS.match(text.strip())
    if not match:
        raise SeedError(f"--levels {text!r}: dùng dạng 0-13 (use e.g. 0-13)")
    low, high = int(match[1]), int(match[2] or match[1])
    if low > high or high > 20:
        raise SeedError(f"--levels {text!r}: cần 0 <= a <= b <= 20 (need 0 <= a <= b <= 20)")
    return low, high


def parse_bbox(text: str | None) -> tuple[float, float, float, float]:
    """``minlon,minlat,maxlon,maxlat`` (WGS 84); default: the province."""
    if not text:
        return province.BBOX
    try:
        x0, y0, x1, y1 = (float(part) for part in text.split(","))
    except ValueError:
        raise SeedError(f"--bbox {text!r}: cần 4 số minlon,minlat,maxlon,maxlat") from None
    if not (-180 <= x0 < x1 <= 180 and -90 <= y0 < y1 <= 90):
        raise SeedError(f"--bbox {text!r}: kinh độ/vĩ độ không hợp lệ (need min < max, WGS 84)")
    return x0, y0, x1, y1


def parse_names(text: str | None, known: list[str], default: list[str], what: str) -> tuple:
    """A comma list checked against ``known``."""
    names = [n.strip() for n in text.split(",") if n.strip()] if text else default
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise SeedError(f"--{what}: không có {', '.join(unknown) or '(trống)'}; "
                        f"chọn trong: {', '.join(known)}")
    return tuple(names)


def plan(layers: str | None, bbox: str | None, levels: str | None,
         grids: str | None) -> SeedPlan:
    """Check the command's options and build the plan."""
    caches = [layer.name for layer in
              mapproxy_config.tile_layers(full=True, catalog=catalog.current().layers)]
    return SeedPlan(parse_names(layers, caches, [mapproxy_config.BASEMAP], "layers"),
                    parse_names(grids, list(mapproxy_config.GRID_NAMES), ["webmercator"],
                                "grids"),
                    parse_bbox(bbox), parse_levels(levels))


def run(seed_plan: SeedPlan, concurrency: int = 2, out=sys.stdout) -> int:
    """Seed with MapProxy; returns the number of seed tasks run."""
    environment.prepare_environment()
    logging.getLogger("mapproxy.source.request").setLevel(logging.WARNING)  # one line per tile
    seed_file = environment.tiles_dir() / "seed.yaml"
    seed_file.write_text(yaml.safe_dump(seed_plan.config()))
    directory = runtime.ensure(catalog.current())
    conf = load_configuration(str(directory / mapproxy_config.FULL_CONFIG), seed=True)
    with conf:
        tasks = load_seed_tasks_conf(str(seed_file), conf).seeds(["seed_tiles"])
        progress = ProgressStore(str(environment.tiles_dir() / "seed_progress"),
                                 continue_seed=True)
        logger = ProgressLog(out=out, verbose=True, progress_store=progress)
        seed(tasks, concurrency=concurrency, progress_logger=logger)
        progress.remove()
    return len(tasks)
