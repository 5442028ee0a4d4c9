# SPDX-License-Identifier: MIT
"""Cheap checks before MapProxy: tiles of a layer the caller's service does not have, and
tiles outside the province, get a JSON 404.

A tile of a layer missing from the caller's configuration (unknown, internal for an
anonymous caller, retired) is refused the same way whatever the reason, so the answer does
not tell an internal layer from one that does not exist.

MapProxy answers tiles outside a grid with an OGC ``TileOutOfRange`` error itself, but
inside the (world-wide) Web Mercator and WGS 84 grids it would hand out blank tiles for
the whole planet. Tiles whose extent misses the province (with the metatile margin) are
refused here for the three tile URL forms: WMTS REST, WMTS KVP ``GetTile`` and TMS.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qsl

from mapproxy.config.loader import ProxyConfiguration, load_configuration
from mapproxy.grid.tile_grid import TileGrid
from mapproxy.srs import SRS

from geoserver_app.tiles import environment, mapproxy_config
from layers import province

Problem = tuple[int, str, str, str]  # HTTP status, OGC code, Vietnamese, English
WMTS_REST = re.compile(r"^/wmts/(?P<layer>[^/]+)/(?P<grid>[^/]+)/(?P<z>-?\d+)/(?P<x>-?\d+)/"
                       r"(?P<y>-?\d+)\.\w+$")
TMS = re.compile(r"^/tms/1\.0\.0/(?P<layer>[^/]+)/(?P<grid>[^/]+)/(?P<z>-?\d+)/(?P<x>-?\d+)/"
                 r"(?P<y>-?\d+)\.\w+$")
# MapProxy's TMS follows the TMS global profiles: level 0 of these grids is skipped.
TMS_PROFILE_GRIDS = {"webmercator", "wgs84"}
MAX_SIDE = 4096
BAD_BBOX = (HTTPStatus.BAD_REQUEST, "InvalidParameterValue",
            "BBOX phải là 4 số minx,miny,maxx,maxy với min < max.",
            "BBOX must be four numbers minx,miny,maxx,maxy with min < max.")
BAD_SIZE = (HTTPStatus.BAD_REQUEST, "InvalidParameterValue",
            f"WIDTH và HEIGHT phải là số nguyên từ 1 đến {MAX_SIDE}.",
            f"WIDTH and HEIGHT must be whole numbers from 1 to {MAX_SIDE}.")
NO_LAYER = (HTTPStatus.NOT_FOUND, "LayerNotFound",
            "Không có lớp bản đồ này; xem danh sách lớp trong GetCapabilities.",
            "There is no such map layer; see the layers listed by GetCapabilities.")
OUTSIDE = (HTTPStatus.NOT_FOUND, "TileOutOfRange",
           "Ô ảnh nằm ngoài phạm vi tỉnh; hãy yêu cầu các ô trong vùng bản đồ.",
           "The tile is outside the province; request tiles inside the map area.")


def grids_of(conf: ProxyConfiguration) -> dict[str, TileGrid]:
    """The tile grids of a loaded MapProxy configuration, by name."""
    return {name: conf.grids[name].tile_grid() for name in mapproxy_config.GRID_NAMES}


def build_grids() -> dict[str, TileGrid]:
    """The tile grids of the generated configuration, as MapProxy itself loads them."""
    return grids_of(load_configuration(str(environment.config_path(full=False))))


@dataclass
class TileGuard:
    """Callable on a WSGI environ: None when fine, else (status, code, message)."""

    grids: dict[str, TileGrid] = field(default_factory=build_grids)

    def __call__(self, environ: dict, layers: frozenset[str] | None = None) -> Problem | None:
        """Problems of a request; ``layers``: the tile layers the caller's service has."""
        problem = map_parameters_problem(environ)
        if problem is not None:
            return problem
        if layers is not None and requested_layer(environ) not in (None, *layers):
            return NO_LAYER
        coord = self.requested_tile(environ)
        if coord is None:
            return None
        grid_name, x, y, z = coord
        grid = self.grids[grid_name]
        if not 0 <= z < grid.levels:
            return None  # MapProxy answers with its own TileOutOfRange
        width, height = grid.grid_sizes[z]
        if not (0 <= x < width and 0 <= y < height):
            return None
        return None if self.inside_province(grid, (x, y, z)) else OUTSIDE

    def requested_tile(self, environ: dict) -> tuple[str, int, int, int] | None:
        """(grid, x, y, z) in the grid's own (north-west) numbering, for tile URLs."""
        path = environ.get("PATH_INFO", "")
        if match := WMTS_REST.match(path):
            return self.known(match["grid"], int(match["x"]), int(match["y"]), int(match["z"]))
        if match := TMS.match(path):
            return self.from_tms(match["grid"], int(match["x"]), int(match["y"]),
                                 int(match["z"]))
        query = {k.upper(): v for k, v in parse_qsl(environ.get("QUERY_STRING", ""))}
        if path.rstrip("/") == "/service" or path.startswith("/wmts"):
            if query.get("REQUEST", "").lower() == "gettile":
                return self.from_kvp(query)
        return None

    def known(self, grid: str, x: int, y: int, z: int) -> tuple[str, int, int, int] | None:
        return (grid, x, y, z) if grid in self.grids else None

    def from_tms(self, grid: str, x: int, y: int, z: int) -> tuple[str, int, int, int] | None:
        """TMS counts rows from the south and skips level 0 of the global profiles."""
        if grid not in self.grids:
            return None
        level = z + 1 if grid in TMS_PROFILE_GRIDS else z
        if not 0 <= level < self.grids[grid].levels:
            return None
        rows = self.grids[grid].grid_sizes[level][1]
        return grid, x, rows - 1 - y, level

    def from_kvp(self, query: dict[str, str]) -> tuple[str, int, int, int] | None:
        try:
            z = int(query.get("TILEMATRIX", ""))
            x, y = int(query.get("TILECOL", "")), int(query.get("TILEROW", ""))
        except ValueError:
            return None  # MapProxy reports the malformed parameter
        return self.known(query.get("TILEMATRIXSET", ""), x, y, z)

    @staticmethod
    def inside_province(grid: TileGrid, coord: tuple[int, int, int]) -> bool:
        """Does the tile, widened by the metatile margin, touch the province box?"""
        x0, y0, x1, y1 = grid.tile_bbox(coord)
        margin = grid.resolution(coord[2]) * mapproxy_config.META_BUFFER
        box = SRS(grid.srs.srs_code).transform_bbox_to(
            SRS(4326), (x0 - margin, y0 - margin, x1 + margin, y1 + margin))
        px0, py0, px1, py1 = province.BBOX
        return box[0] <= px1 and box[2] >= px0 and box[1] <= py1 and box[3] >= py0


def requested_layer(environ: dict) -> str | None:
    """The layer of a tile request (WMTS REST or KVP, TMS); None for other requests."""
    path = environ.get("PATH_INFO", "")
    if match := WMTS_REST.match(path) or TMS.match(path):
        return match["layer"]
    query = {k.upper(): v for k, v in parse_qsl(environ.get("QUERY_STRING", ""))}
    if query.get("REQUEST", "").lower() == "gettile":
        return query.get("LAYER", "")
    return None


def map_parameters_problem(environ: dict) -> Problem | None:
    """Malformed BBOX, WIDTH or HEIGHT of a map request (WMS, OGC API Maps)."""
    query = {k.upper(): v for k, v in parse_qsl(environ.get("QUERY_STRING", ""))}
    if "BBOX" in query and not valid_bbox(query["BBOX"]):
        return BAD_BBOX
    for name in ("WIDTH", "HEIGHT"):
        if name in query and not (query[name].isdigit() and 1 <= int(query[name]) <= MAX_SIDE):
            return BAD_SIZE
    return None


def valid_bbox(text: str) -> bool:
    """Four finite numbers, optionally followed by a CRS (OGC API), with min < max."""
    parts = text.split(",")
    if len(parts) not in (4, 5):
        return False
    try:
        x0, y0, x1, y1 = (float(p) for p in parts[:4])
    except ValueError:
        return False
    return all(math.isfinite(v) for v in (x0, y0, x1, y1)) and x0 < x1 and y0 < y1
