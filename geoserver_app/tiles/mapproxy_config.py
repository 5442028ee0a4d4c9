# SPDX-License-Identifier: MIT
"""The MapProxy configurations, generated from the layer registry (``render_configs``).

One configuration per access level, never one filtered afterwards: ``mapproxy.yaml`` (the
public service: base map and public overlays, sources in ``mapserver/basemap.map``) and
``mapproxy-full.yaml`` (the same plus the internal overlays, sources in
``mapserver/internal.map``). Both share the caches of the public layers (same names, same
directories, same renderer), so a tile is rendered once whoever asks first. Internal layers'
caches live apart, in ``tiles-internal``: the reverse proxy serves ``tiles`` to anonymous
callers straight from disk, so a layer made internal at run time must not be re-cached there.

Paths of mapfiles are relative to the configuration's own directory, so the same text works
for the committed files and for a catalog version's directory (``geoserver_app.tiles.runtime``),
which mirrors this layout. ``${BASEMAP_VAR_DIR}`` is expanded by MapProxy from the environment (set by
``geoserver_app.tiles.environment``); nothing secret is in these files.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from geoserver_app.generated import GeneratedFile
from geoserver_app.tiles import mapfile
from layers import province, registry
from layers.registry import Layer

PUBLIC_CONFIG = "mapproxy.yaml"
FULL_CONFIG = "mapproxy-full.yaml"
BASEMAP = "basemap"
GRID_NAMES = ("webmercator", "wgs84", "vn2000")
TILE_FORMAT = "image/png"
META_SIZE = (4, 4)
META_BUFFER = mapfile.META_BUFFER
MAX_OUTPUT_PIXELS = [4096, 4096]
WMS_SRS = ["EPSG:3857", "EPSG:900913", "EPSG:4326", "EPSG:9214"]
CACHE_DIR = "${BASEMAP_VAR_DIR}/tiles"
# GetFeatureInfo formats the WMS capabilities list (MapProxy's names: text/html,
# application/json, GML as text/xml or application/vnd.ogc.gml, text/plain)
FEATUREINFO_TYPES = ("html", "json", "xml", "text")
INTERNAL_CACHE_DIR = "${BASEMAP_VAR_DIR}/tiles-internal"


def grids() -> dict:
    """Web Mercator, WGS 84 and VN-2000 TM-3 107°00' (EPSG:9214), all north-west origin."""
    return {
        "webmercator": {"base": "GLOBAL_WEBMERCATOR", "srs": "EPSG:3857", "origin": "nw",
                        "num_levels": 21},
        "wgs84": {"srs": "EPSG:4326", "bbox": [-180, -90, 180, 90], "origin": "nw",
                  "min_res": 0.703125, "num_levels": 21},
        # 256 km square over the province; level 0 is one tile of 1000 m pixels.
        "vn2000": {"srs": "EPSG:9214", "bbox": [350000, 2250000, 606000, 2506000],
                   "bbox_srs": "EPSG:9214", "origin": "nw", "min_res": 1000,
                   "num_levels": 16},
    }


@dataclass(frozen=True)
class TileLayer:
    """One MapProxy layer: a cache fed by one mapserv source."""

    name: str
    title: str
    mapfile: str
    mapserver_layers: str
    transparent: bool
    internal: bool = False

    @property
    def queryable(self) -> bool:
        """Overlays answer GetFeatureInfo (the OGC web services take those requests before
        MapProxy, ``geoserver_app.ows.featureinfo``); the flag makes the WMS capabilities say
        so. The base map is a picture of many layers: not queryable."""
        return self.name != BASEMAP

    def source(self) -> dict:
        return {"type": "mapserver",
                "req": {"layers": self.mapserver_layers, "map": self.mapfile,
                        "transparent": self.transparent},
                "coverage": {"bbox": list(province.BBOX), "srs": "EPSG:4326"},
                "supported_srs": ["EPSG:3857", "EPSG:4326", "EPSG:9214"],
                "wms_opts": {"featureinfo": self.queryable, "legendgraphic": False}}

    def cache(self) -> dict:
        place = {"cache_dir": INTERNAL_CACHE_DIR} if self.internal else {}
        return {"grids": list(GRID_NAMES), "sources": [f"{self.name}_source"],
                "format": TILE_FORMAT, "request_format": TILE_FORMAT,
                "link_single_color_images": True, **place,
                "cache": {"type": "file", "directory_layout": "tms", "use_grid_names": True}}

    def layer(self) -> dict:
        return {"name": self.name, "title": self.title, "sources": [self.name]}


def tile_layers(full: bool, catalog: Sequence[Layer] = registry.LAYERS) -> list[TileLayer]:
    """The base map and one overlay per live layer the access level may read."""
    layers = [TileLayer(BASEMAP, "Bản đồ nền", mapfile.PUBLIC_MAPFILE,
                        mapfile.BASEMAP_GROUP, False)]
    for layer in catalog:
        if not layer.tiles or not (layer.public or full):
            continue
        source = mapfile.PUBLIC_MAPFILE if layer.public else mapfile.INTERNAL_MAPFILE
        layers.append(TileLayer(layer.id, layer.title_vi, source, layer.id, True,
                                not layer.public))
    return layers


def services(full: bool) -> dict:
    """WMTS (REST and KVP), TMS, WMS, OGC API Maps/Tiles and the demo page."""
    title = "Bản đồ nền dùng chung" + (" (đầy đủ, nội bộ)" if full else "")
    md = {"title": title,
          "abstract": "Bản đồ nền và các lớp chuyên đề của tỉnh (MapServer, MapProxy).",
          "access_constraints": "nội bộ: cần mã truy cập" if full else "công khai",
          "fees": "none"}
    return {
        "demo": None,
        "tms": {"use_grid_names": True, "origin": "sw"},
        "wmts": {"restful": True, "kvp": True, "md": md},
        "wms": {"srs": WMS_SRS, "image_formats": [TILE_FORMAT, "image/jpeg"],
                "featureinfo_types": list(FEATUREINFO_TYPES),
                "max_output_pixels": MAX_OUTPUT_PIXELS, "strict": True, "md": md},
        "ogcapi": {"enable_tiles": True, "enable_maps": True, "map_srs": WMS_SRS,
                   "max_output_pixels": MAX_OUTPUT_PIXELS,
                   "md": {"identification": {"title": title, "description": md["abstract"]}}},
    }


def global_settings() -> dict:
    """Cache directory, metatiles and locking, mapserv."""
    return {
        "cache": {"base_dir": CACHE_DIR,
                  "lock_dir": "${BASEMAP_VAR_DIR}/tiles/locks",
                  "tile_lock_dir": "${BASEMAP_VAR_DIR}/tiles/tile_locks",
                  "meta_size": list(META_SIZE), "meta_buffer": META_BUFFER,
                  "concurrent_tile_creators": 2, "max_tile_limit": 1000},
        "image": {"paletted": False},
        "mapserver": {"binary": "/usr/bin/mapserv", "working_dir": mapfile.MAPFILE_DIR},
    }


def config(full: bool, catalog: Sequence[Layer] = registry.LAYERS) -> dict:
    """The whole MapProxy configuration of one access level."""
    layers = tile_layers(full, catalog)
    return {
        "services": services(full),
        "layers": [item.layer() for item in layers],
        "caches": {item.name: item.cache() for item in layers},
        "sources": {f"{item.name}_source": item.source() for item in layers},
        "grids": grids(),
        "globals": global_settings(),
    }


def render(full: bool, catalog: Sequence[Layer] = registry.LAYERS,
           origin: str = mapfile.REGISTRY_ORIGIN) -> str:
    head = (f"# Generated by {origin}: do not edit.\n"
            f"# Access level: {'full (tokens with internal layers)' if full else 'public'}.\n")
    return head + yaml.safe_dump(config(full, catalog), sort_keys=False, allow_unicode=True,
                                 width=100)


def generated() -> list[GeneratedFile]:
    return [GeneratedFile(PUBLIC_CONFIG, lambda: render(False)),
            GeneratedFile(FULL_CONFIG, lambda: render(True))]
