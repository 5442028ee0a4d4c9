# SPDX-License-Identifier: MIT
"""The query mapfile of one grant's view of the catalog: WFS and WMS GetFeatureInfo.

One mapfile per *view* (the layers a grant may read, each with the attributes it may see),
never one filtered afterwards: a layer the grant may not read has no LAYER, and a hidden
attribute is neither selected by the DATA statement nor listed in ``gml_include_items``, so
neither MapServer nor a filter on it can reach the column. The public view is the mapfile
of anonymous callers.

Layers read ``geom_4326`` (the indexed WGS 84 column); MapServer reprojects to the
requested ``srsName`` with PROJ (VN-2000 via EPSG:6960). The connection string holds no
secret: libpq reads the ``PG*`` variables of mapserv's environment (``geoserver_app.ows.mapserv``).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from layers import province
from layers.registry import Geometry, Layer

# Placeholders of the site's address in the documents MapServer writes; ``answer`` puts the
# request's own address there (and the caller's query token in the service's URL).
ROOT = "http://ows.invalid"
ONLINE = ROOT + "/wfs?"
CONNECTION = "application_name=basemap-ows"
SRS = ("EPSG:4326", "EPSG:9214", "EPSG:3857", "EPSG:3405")
GEOMETRY = "geom"
MAX_FEATURES = 10000
GML_TYPES = {Geometry.POINT: "point", Geometry.LINE: "multilinestring",
             Geometry.POLYGON: "multipolygon"}
MS_TYPES = {Geometry.POINT: "POINT", Geometry.LINE: "LINE", Geometry.POLYGON: "POLYGON"}
# pixels around a click that select a point or a line (a polygon must contain the click)
TOLERANCE = {Geometry.POINT: 6, Geometry.LINE: 4, Geometry.POLYGON: 0}
GEOJSON = "geojson"
EXTENT = " ".join(f"{value:g}" for value in province.BBOX)
# decimals of coordinates: 1e-8 degree is about 1 mm (metres get more than needed)
PRECISION = 8


@dataclass(frozen=True)
class Visible:
    """A layer as one grant sees it: the layer and its attribute columns that grant may read."""

    layer: Layer
    attributes: tuple[str, ...]


def quote(text: str) -> str:
    """A mapfile string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def block(keyword: str, body: Iterable[str], head: str = "") -> list[str]:
    """``KEYWORD [head] ... END`` with the body indented."""
    return [f"{keyword} {head}".rstrip(), *(f"  {line}" for line in body), "END"]


def metadata(values: dict[str, str]) -> list[str]:
    return block("METADATA", [f"{quote(key)} {quote(value)}" for key, value in values.items()])


def data(view: Visible) -> str:
    """The DATA statement: id, the visible columns and the geometry, nothing else."""
    columns = ", ".join(f'"{name}"' for name in ("id", *view.attributes))
    return (f"{GEOMETRY} FROM (SELECT {columns}, geom_4326 AS {GEOMETRY} "
            f"FROM {view.layer.table}) AS t USING UNIQUE id USING SRID=4326")


def layer_block(view: Visible) -> list[str]:
    """One LAYER: queryable by WFS and GetFeatureInfo, drawn by nothing."""
    layer = view.layer
    items = ",".join(view.attributes)
    meta = {"ows_title": layer.title_vi, "ows_abstract": layer.description_vi or layer.title_en,
            "gml_include_items": items, "gml_types": "auto", "gml_featureid": "id",
            "gml_geometries": GEOMETRY, f"gml_{GEOMETRY}_type": GML_TYPES[layer.geometry],
            "wms_include_items": items, "wfs_getfeature_formatlist": GEOJSON,
            "ows_extent": EXTENT, "ows_srs": " ".join(SRS),
            "wfs_geometry_precision": str(PRECISION),
            "ows_metadataurl_href": f"{ROOT}/metadata/{layer.id}.xml",
            "ows_metadataurl_format": "text/xml", "ows_metadataurl_type": "TC211"}
    body = [f"NAME {quote(layer.id)}", f"TYPE {MS_TYPES[layer.geometry]}", "STATUS ON",
            "CONNECTIONTYPE POSTGIS", f"CONNECTION {quote(CONNECTION)}",
            f"DATA {quote(data(view))}", 'PROJECTION "init=epsg:4326" END',
            'TEMPLATE "query"', f"TOLERANCE {TOLERANCE[layer.geometry]}", "TOLERANCEUNITS PIXELS",
            *metadata(meta),
            *block("CLASS", [f"NAME {quote(layer.title_vi)}",
                             *block("STYLE", ['COLOR "#000000"'])])]
    return block("LAYER", body)


def header(title: str) -> list[str]:
    """MAP settings: the output formats and the service metadata."""
    geojson = ['NAME "geojson"', 'DRIVER "OGR/GEOJSON"', 'MIMETYPE "application/json"',
               'FORMATOPTION "FORM=SIMPLE"', 'FORMATOPTION "STORAGE=memory"',
               'FORMATOPTION "LCO:COORDINATE_PRECISION=8"']
    meta = {"ows_title": title, "ows_onlineresource": ONLINE, "ows_srs": " ".join(SRS),
            "ows_abstract": "Các lớp dữ liệu của bản đồ nền dùng chung (MapServer)",
            "ows_keywordlist": "bản đồ nền,WFS", "ows_fees": "none",
            "ows_accessconstraints": "công khai; lớp nội bộ cần mã truy cập",
            "ows_contactorganization": "Bản đồ nền dùng chung",
            "ows_service_onlineresource": ROOT + "/",
            "ows_encoding": "UTF-8", "ows_enable_request": "*",
            "wms_enable_request": "GetFeatureInfo", "wfs_enable_request": "*",
            "wfs_getfeature_formatlist": GEOJSON, "wfs_maxfeatures": str(MAX_FEATURES),
            "wfs_compute_number_matched": "true", "wfs_use_default_extent_for_getfeature": "false",
            "wfs_namespace_prefix": "basemap",
            "wfs_namespace_uri": "https://basemap.invalid/ns",
            "ows_feature_info_mime_type": "application/json"}
    return [f"NAME {quote('basemap')}", 'CONFIG "MS_ERRORFILE" "stderr"',
            f"EXTENT {EXTENT}", "SIZE 256 256", "UNITS DD",
            'PROJECTION "init=epsg:4326" END', *block("OUTPUTFORMAT", geojson),
            *block("WEB", metadata(meta))]


def render(views: Sequence[Visible], title: str, origin: str) -> str:
    """The whole mapfile of a view."""
    lines = [f"# Generated by {origin}: do not edit.",
             *block("MAP", [*header(title), *(line for view in views
                                              for line in layer_block(view))])]
    return "\n".join(lines) + "\n"
