# SPDX-License-Identifier: MIT
"""A QGIS project (``.qgs`` XML, zipped as ``.qgz``) of the layers a grant may read.

Built with the standard library from the catalog (QGIS is no run-time dependency): one OGC
API Features layer per readable layer, styled as the catalog says (fill, stroke, classes,
label, zoom range), the raster base map as WMTS in the VN-2000 grid, grouped by sector with
Vietnamese titles, in the project CRS EPSG:9214. Only what the grant may see is written: a
layer it cannot read is absent, and a hidden attribute is neither label nor class field.
Layers whose content depends on a token (internal layers, sensitive attributes) name the
QGIS authentication configuration ``basemap`` (README, Clients): the token is never written
into the file.
"""
from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass
from urllib.parse import quote
from xml.etree import ElementTree as ET  # noqa: N817 (the usual name)

from geoserver_app.viewer.page import FILL_OPACITY, class_title, draw_order
from layers import province, registry, vn2000
from layers.grants import Grant
from layers.registry import Geometry, Layer

QGIS_VERSION = "3.22.0-Białowieża"  # the oldest QGIS the file is tested with (Debian 12)
AUTH_CONFIG = "basemap"  # QGIS auth configuration ids are 7 characters
BASE_LAYER = "basemap"  # the MapProxy layer of the raster base map
BASE_ID = "basemap_wmts"  # its project layer id
BASE_GRID = "vn2000"  # its WMTS tile matrix set in EPSG:9214 (no raster reprojection)
# web map zoom level -> map scale (OGC's 0.28 mm pixel, at the equator)
ZOOM0_SCALE = 559_082_264.0
SYMBOL_TYPES = {Geometry.POLYGON: "fill", Geometry.LINE: "line", Geometry.POINT: "marker"}
QGIS_GEOMETRY = {Geometry.POLYGON: "Polygon", Geometry.LINE: "Line", Geometry.POINT: "Point"}


@dataclass(frozen=True)
class ProjectLayer:
    """One catalog layer as the grant sees it."""

    layer: Layer
    hidden: tuple[str, ...]  # attributes the grant may not see
    needs_token: bool  # its content differs from the public one

    @property
    def label(self) -> str | None:
        label = self.layer.style.label
        return label if label and label not in self.hidden else None

    @property
    def classify_by(self) -> str | None:
        field = self.layer.style.classify_by
        return field if field and field not in self.hidden else None


def project_layers(grant: Grant, layers: tuple[Layer, ...]) -> list[ProjectLayer]:
    """The readable feature layers of ``grant`` (``layers``: its visible ones), in draw order."""
    chosen = []
    for layer in draw_order(tuple(layer for layer in layers if layer.features)):
        hidden = grant.hidden_attributes(layer)
        chosen.append(ProjectLayer(layer, hidden,
                                   not layer.public or hidden != layer.sensitive))
    return chosen


# --- XML helpers ------------------------------------------------------------------------
def _rgba(colour: str, alpha: float = 1.0) -> str:
    """``#RRGGBB`` -> QGIS's ``r,g,b,a``."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"{red},{green},{blue},{round(alpha * 255)}"


def _options(parent: ET.Element, values: dict[str, str]) -> None:
    options = ET.SubElement(parent, "Option", type="Map")
    for name, value in values.items():
        ET.SubElement(options, "Option", type="QString", name=name, value=value)


def _spatialrefsys(parent: ET.Element, srid: int) -> None:
    srs = ET.SubElement(parent, "spatialrefsys")
    if srid == 4326:
        texts = {"proj4": "+proj=longlat +datum=WGS84 +no_defs",
                 "authid": "EPSG:4326", "description": "WGS 84", "geographicflag": "true"}
    else:
        # QGIS takes the EPSG code (its PROJ database has EPSG:6960 as the one VN-2000 to
        # WGS 84 operation); a WKT with TOWGS84 would make it a nameless custom CRS. The
        # proj4 text is the project's own (layers/vn2000.py), the same shift.
        texts = {"proj4": vn2000.proj4text(srid),
                 "authid": f"EPSG:{srid}",
                 "description": f"VN-2000 / TM-3 {vn2000.TM3_ZONES[srid]}",
                 "geographicflag": "false"}
    for tag, text in texts.items():
        ET.SubElement(srs, tag).text = text


def _symbol_layer(kind: str, fill: str | None, stroke: str, width: float,
                  opacity: float) -> dict[str, str]:
    """The Option map of a simple fill, line or marker (widths in pixels, as the viewer)."""
    if kind == "fill":
        return {"color": _rgba(fill, opacity) if fill else "0,0,0,0",
                "style": "solid" if fill else "no", "outline_color": _rgba(stroke),
                "outline_style": "solid", "outline_width": f"{width:g}",
                "outline_width_unit": "Pixel", "joinstyle": "round"}
    if kind == "line":
        return {"line_color": _rgba(stroke), "line_style": "solid",
                "line_width": f"{width:g}", "line_width_unit": "Pixel",
                "capstyle": "round", "joinstyle": "round"}
    return {"name": "circle", "color": _rgba(fill or stroke), "outline_color": _rgba(stroke),
            "outline_width": f"{width:g}", "outline_width_unit": "Pixel", "size": "9",
            "size_unit": "Pixel"}


_SYMBOL_CLASSES = {"fill": "SimpleFill", "line": "SimpleLine", "marker": "SimpleMarker"}


def _symbol(parent: ET.Element, name: str, kind: str, options: dict[str, str]) -> None:
    symbol = ET.SubElement(parent, "symbol", type=kind, name=name, alpha="1",
                           clip_to_extent="1", force_rhr="0")
    layer = ET.SubElement(symbol, "layer", {"class": _SYMBOL_CLASSES[kind], "enabled": "1",
                                            "pass": "0", "locked": "0"})
    _options(layer, options)


def _class_symbol(item: ProjectLayer, colour: str) -> tuple[str | None, str]:
    """(fill, stroke) of one class: areas are filled with it, lines and points drawn in it."""
    if item.layer.geometry is Geometry.LINE:
        return None, colour
    return colour, item.layer.style.stroke


def _renderer(maplayer: ET.Element, item: ProjectLayer) -> None:
    style, kind = item.layer.style, SYMBOL_TYPES[item.layer.geometry]
    opacity = FILL_OPACITY.get(item.layer.id, 0.5) if kind == "fill" else 1.0
    if item.classify_by and style.classes:
        renderer = ET.SubElement(maplayer, "renderer-v2", type="categorizedSymbol",
                                 attr=item.classify_by, symbollevels="0",
                                 enableorderby="0", forceraster="0")
        categories = ET.SubElement(renderer, "categories")
        symbols = ET.SubElement(renderer, "symbols")
        for n, (value, colour) in enumerate(style.classes.items()):
            ET.SubElement(categories, "category", render="true", value=value, symbol=str(n),
                          label=class_title(item.classify_by, value, english=False))
            fill, stroke = _class_symbol(item, colour)
            _symbol(symbols, str(n), kind,
                    _symbol_layer(kind, fill, stroke, style.width, opacity))
        default = ET.SubElement(renderer, "source-symbol")
        _symbol(default, "0", kind,
                _symbol_layer(kind, style.fill, style.stroke, style.width, opacity))
        return
    renderer = ET.SubElement(maplayer, "renderer-v2", type="singleSymbol", symbollevels="0",
                             enableorderby="0", forceraster="0")
    _symbol(ET.SubElement(renderer, "symbols"), "0", kind,
            _symbol_layer(kind, style.fill, style.stroke, style.width, opacity))


def _labeling(maplayer: ET.Element, item: ProjectLayer) -> None:
    if item.label is None:
        return
    placement = {Geometry.POLYGON: "1", Geometry.LINE: "2", Geometry.POINT: "0"}
    labeling = ET.SubElement(maplayer, "labeling", type="simple")
    settings = ET.SubElement(labeling, "settings", calloutType="simple")
    text = ET.SubElement(settings, "text-style", fieldName=item.label, isExpression="0",
                         fontSize="8", fontSizeUnit="Point", textColor="40,40,40,255",
                         fontFamily="DejaVu Sans", textOpacity="1")
    ET.SubElement(text, "text-buffer", bufferDraw="1", bufferSize="0.8", bufferSizeUnits="MM",
                  bufferColor="255,255,255,255", bufferOpacity="1")
    ET.SubElement(settings, "placement", placement=placement[item.layer.geometry],
                  dist="1" if item.layer.geometry is Geometry.POINT else "0")
    ET.SubElement(settings, "rendering", drawLabels="1", obstacle="1", displayAll="0",
                  upsidedownLabels="0", labelPerPart="0", mergeLines="1")


def zoom_scale(zoom: float) -> float:
    """The map scale denominator of a web map zoom level."""
    return ZOOM0_SCALE / 2 ** zoom


def _layer_element(parent: ET.Element, item: ProjectLayer, api: str) -> None:
    layer = item.layer
    visible_from = zoom_scale(layer.min_zoom - 0.5) if layer.min_zoom > 0 else 0
    maplayer = ET.SubElement(parent, "maplayer", {
        "type": "vector", "geometry": QGIS_GEOMETRY[layer.geometry],
        "hasScaleBasedVisibilityFlag": "1" if visible_from else "0",
        "minScale": f"{math.ceil(visible_from)}" if visible_from else "100000000",
        "maxScale": "0", "labelsEnabled": "1" if item.label else "0", "readOnly": "1",
        "styleCategories": "AllStyleCategories"})
    ET.SubElement(maplayer, "id").text = layer_id(layer.id)
    ET.SubElement(maplayer, "datasource").text = oapif_source(api, layer.id, item.needs_token)
    ET.SubElement(maplayer, "layername").text = layer.title_vi
    ET.SubElement(maplayer, "abstract").text = layer.description_vi
    _spatialrefsys(ET.SubElement(maplayer, "srs"), 4326)
    ET.SubElement(maplayer, "provider", encoding="UTF-8").text = "OAPIF"
    _renderer(maplayer, item)
    _labeling(maplayer, item)


def layer_id(collection: str) -> str:
    """A project layer id (QGIS renames ids without an underscore when it reads them)."""
    return f"{collection}_oapif"


def oapif_source(api: str, collection: str, needs_token: bool) -> str:
    """A QGIS OAPIF data source: paged, only what the map view shows."""
    auth = f" authcfg={AUTH_CONFIG}" if needs_token else ""
    return (f"pagingEnabled='true' restrictToRequestBBOX='1' typename='{collection}' "
            f"url='{api}' version='OGC_API_FEATURES'{auth}")


def wmts_source(capabilities: str) -> str:
    """The raster base map: MapProxy's WMTS layer in its VN-2000 tile matrix set."""
    return (f"contextualWMSLegend=0&crs=EPSG:{province.SRID}&dpiMode=7&featureCount=10"
            f"&format=image/png&layers={BASE_LAYER}&styles=default&tileMatrixSet={BASE_GRID}"
            f"&url={quote(capabilities, safe=':/')}")


def _base_element(parent: ET.Element, capabilities: str) -> None:
    maplayer = ET.SubElement(parent, "maplayer", type="raster", hasScaleBasedVisibilityFlag="0",
                             styleCategories="AllStyleCategories")
    ET.SubElement(maplayer, "id").text = BASE_ID
    ET.SubElement(maplayer, "datasource").text = wmts_source(capabilities)
    ET.SubElement(maplayer, "layername").text = "Bản đồ nền"
    _spatialrefsys(ET.SubElement(maplayer, "srs"), province.SRID)
    ET.SubElement(maplayer, "provider").text = "wms"


def _tree(root: ET.Element, items: list[ProjectLayer], api: str, capabilities: str) -> None:
    """Groups by sector (registry order), layers top first; the base map at the bottom."""
    tree = ET.SubElement(root, "layer-tree-group")
    for sector in registry.Sector:
        members = [item for item in reversed(items) if item.layer.sector is sector]
        if not members:
            continue
        group = ET.SubElement(tree, "layer-tree-group", name=registry.SECTOR_TITLES[sector][0],
                              checked="Qt::Checked", expanded="1")
        for item in members:
            ET.SubElement(group, "layer-tree-layer", id=layer_id(item.layer.id),
                          name=item.layer.title_vi,
                          providerKey="OAPIF", checked="Qt::Checked", expanded="0",
                          source=oapif_source(api, item.layer.id, item.needs_token))
    base = ET.SubElement(tree, "layer-tree-group", name="Nền", checked="Qt::Checked",
                         expanded="1")
    ET.SubElement(base, "layer-tree-layer", id=BASE_ID, name="Bản đồ nền",
                  providerKey="wms", checked="Qt::Checked", expanded="0",
                  source=wmts_source(capabilities))
    order = ET.SubElement(tree, "custom-order", enabled="1")
    for item_id in [layer_id(item.layer.id) for item in reversed(items)] + [BASE_ID]:
        ET.SubElement(order, "item").text = item_id


def _canvas(root: ET.Element) -> None:
    canvas = ET.SubElement(root, "mapcanvas", name="theMapCanvas", annotationsVisible="1")
    ET.SubElement(canvas, "units").text = "meters"
    extent = ET.SubElement(canvas, "extent")
    for tag, value in zip(("xmin", "ymin", "xmax", "ymax"), province.extent_vn2000(),
                          strict=True):
        ET.SubElement(extent, tag).text = f"{value:.0f}"
    ET.SubElement(canvas, "rotation").text = "0"
    _spatialrefsys(ET.SubElement(canvas, "destinationsrs"), province.SRID)


def project_xml(items: list[ProjectLayer], api: str, capabilities: str) -> bytes:
    """The ``.qgs`` document: ``api`` is the OGC API's URL, ``capabilities`` the WMTS's."""
    root = ET.Element("qgis", projectname="Bản đồ nền dùng chung", version=QGIS_VERSION)
    ET.SubElement(root, "title").text = "Bản đồ nền dùng chung"
    _spatialrefsys(ET.SubElement(root, "projectCrs"), province.SRID)
    _tree(root, items, api, capabilities)
    _canvas(root)
    layers = ET.SubElement(root, "projectlayers")
    for item in items:
        _layer_element(layers, item, api)
    _base_element(layers, capabilities)
    properties = ET.SubElement(root, "properties")
    for group, key, kind, value in (
            ("SpatialRefSys", "ProjectionsEnabled", "int", "1"),  # else projectCrs is ignored
            ("Measure", "Ellipsoid", "QString", "EPSG:7030"),
            ("Measurement", "DistanceUnits", "QString", "meters"),
            ("Measurement", "AreaUnits", "QString", "m2")):
        ET.SubElement(ET.SubElement(properties, group), key, type=kind).text = value
    body = ET.tostring(root, encoding="unicode")
    return ("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body).encode()


def qgz(items: list[ProjectLayer], api: str, capabilities: str) -> bytes:
    """The project zipped as QGIS writes ``.qgz`` (one ``.qgs`` inside)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("basemap.qgs", project_xml(items, api, capabilities))
    return buffer.getvalue()
