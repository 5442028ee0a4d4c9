# SPDX-License-Identifier: MIT
"""The MapServer mapfiles, generated from the layer registry (``render_configs``).

Two mapfiles, one per access level, so the public tile service cannot draw an internal
layer whatever it asks: ``mapserver/basemap.map`` holds the cartographic base map (group
``basemap``) and one thematic overlay per public layer; ``mapserver/internal.map`` holds the
overlays of the internal layers, referenced only by the full MapProxy configuration.

Layers read ``geom_4326`` (the indexed, generated WGS 84 column); MapServer reprojects to
the requested grid (Web Mercator, WGS 84, VN-2000 / EPSG:9214 with the EPSG:6960 shift).
SQL selects only the columns a style needs, and a label or classification on a sensitive
attribute is dropped, so sensitive attributes never reach MapServer.

The same functions render the committed files from the registry and, at run time, the
files of one catalog version (``geoserver_app.tiles.runtime``): they take the live layers.
The connection string holds no secret: libpq takes host, port, user, password and database
from the ``PG*`` variables that ``geoserver_app.tiles.environment`` puts in mapserv's environment.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from layers import registry
from layers.registry import Geometry, Layer, Style

MAPFILE_DIR = "mapserver"
PUBLIC_MAPFILE = f"{MAPFILE_DIR}/basemap.map"
INTERNAL_MAPFILE = f"{MAPFILE_DIR}/internal.map"
FONTSET = f"{MAPFILE_DIR}/fonts.txt"
CONFIG_FILE = f"{MAPFILE_DIR}/mapserver.conf"
BASEMAP_GROUP = "basemap"
BACKGROUND = "#F2EFE9"
WMS_SRS = "EPSG:3857 EPSG:900913 EPSG:4326 EPSG:9214"
CONNECTION = "application_name=basemap-mapserver"
# MapProxy renders metatiles with this many extra pixels on each side; labels stay out of
# that margin, so no label is cut where two metatiles meet.
META_BUFFER = 80
# Fonts from Debian's fonts-dejavu-core: full Vietnamese coverage.
FONTS = {"sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
         "sans-bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
         "serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"}
# OGC scale denominator of Web Mercator zoom 0 (0.28 mm pixels).
SCALE_Z0 = 559082264.0287178
# Administrative units in force today (units changed on 1 July 2025).
CURRENT_UNITS = "valid_to IS NULL OR valid_to >= CURRENT_DATE"
MAP_PATTERN = r"(^|/)mapserver/(basemap|internal)\.map$"
REGISTRY_ORIGIN = "`manage.py render_configs` from layers/registry.py"
Lookup = Mapping[str, Layer]


def scale_denominator(zoom: float) -> float:
    """The scale denominator of a (fractional) Web Mercator zoom level."""
    return SCALE_Z0 / 2 ** zoom


def zoom_range(min_zoom: int | None, max_zoom: int | None) -> list[str]:
    """MAXSCALEDENOM/MINSCALEDENOM lines: visible from ``min_zoom`` to ``max_zoom``."""
    lines = []
    if min_zoom:
        lines.append(f"MAXSCALEDENOM {scale_denominator(min_zoom - 0.5):.0f}")
    if max_zoom is not None and max_zoom < 22:
        lines.append(f"MINSCALEDENOM {scale_denominator(max_zoom + 0.5):.0f}")
    return lines


def quote(text: str) -> str:
    """A mapfile string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def block(keyword: str, body: Iterable[str], head: str = "") -> list[str]:
    """``KEYWORD [head] ... END`` with the body indented."""
    opening = f"{keyword} {head}".rstrip()
    return [opening, *(f"  {line}" for line in body), "END"]


@dataclass(frozen=True)
class Label:
    """How a layer's features are labelled."""

    item: str
    size: float = 8.0
    colour: str = "#333333"
    font: str = "sans"
    min_zoom: int = 0
    priority: int = 5
    along_line: bool = False
    max_zoom: int | None = None

    def lines(self, geometry: Geometry) -> list[str]:
        body = [f"TEXT '[{self.item}]'", "TYPE TRUETYPE", f"FONT {quote(self.font)}",
                f"SIZE {self.size:g}", f"COLOR {quote(self.colour)}",
                'OUTLINECOLOR "#FFFFFF"', "OUTLINEWIDTH 2", "PARTIALS FALSE",
                f"PRIORITY {self.priority}", "BUFFER 4"]
        if self.along_line:
            body += ["ANGLE FOLLOW", "REPEATDISTANCE 300", "MAXOVERLAPANGLE 30", "MINDISTANCE 200"]
        elif geometry is Geometry.POINT:
            body += ["POSITION AUTO", "OFFSET 0 -8"]
        else:
            body += ["POSITION CC"]  # polygons are labelled on their label point
        return block("LABEL", body)


@dataclass(frozen=True)
class Band:
    """One zoom band of a class: widths and whether it is drawn."""

    min_zoom: int
    max_zoom: int | None
    width: float


@dataclass(frozen=True)
class LayerDef:
    """One LAYER of a mapfile."""

    name: str
    layer: Layer
    classes: list[list[str]]
    where: str = ""
    columns: tuple[str, ...] = ()
    label: Label | None = None
    group: str | None = None
    min_zoom: int | None = None
    max_zoom: int | None = None
    opacity: int = 100

    @property
    def point_labels(self) -> bool:
        """Polygon labels sit on one fixed point per feature (``ST_PointOnSurface``), so
        every metatile places a label at the same spot instead of at the centre of its own
        clipped piece (which would repeat the name on each metatile)."""
        return self.layer.geometry is Geometry.POLYGON and self.label is not None

    def data(self, geometry: str = "geom_4326", columns: tuple[str, ...] | None = None) -> str:
        """The DATA statement: only the needed columns of the layer's table. A derived
        ``geometry`` (label points) has no index of its own: the rows are first cut to the
        map's box on the indexed ``geom_4326`` (MapServer's ``!BOX!``), which holds every
        feature whose label point is in the box; without it each label tile read the whole
        table (5 s a tile at 5 million parcels)."""
        wanted = ["id", *dict.fromkeys(c for c in (columns or self.columns) if c)]
        conditions = [f"({self.where})"] if self.where else []
        if geometry != "geom_4326":
            conditions.append("geom_4326 && !BOX!")
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        return (f"geom FROM (SELECT {', '.join(wanted)}, {geometry} AS geom "
                f"FROM {self.layer.table}{where}) AS t USING UNIQUE id USING SRID=4326")

    def head(self, name: str, kind: str, data: str, group: str | None) -> list[str]:
        """The settings every LAYER block starts with."""
        body = [f"NAME {quote(name)}", f"TYPE {kind}", "STATUS ON", "CONNECTIONTYPE POSTGIS",
                f"CONNECTION {quote(CONNECTION)}", f"DATA {quote(data)}",
                'PROJECTION "init=epsg:4326" END',
                *block("METADATA", [f'"wms_title" {quote(self.layer.title_vi)}',
                                    '"wms_enable_request" "GetMap GetCapabilities"']),
                *zoom_range(self.min_zoom, self.max_zoom)]
        return body + ([f"GROUP {quote(group)}"] if group else [])

    def label_lines(self) -> list[str]:
        return [f"LABELITEM {quote(self.label.item)}",
                *["LABEL" + line for line in zoom_range(self.label.min_zoom,
                                                        self.label.max_zoom)]]

    def lines(self) -> list[str]:
        """The LAYER block (and, for labelled polygons, the LAYER of their label points)."""
        kind = {Geometry.POINT: "POINT", Geometry.LINE: "LINE", Geometry.POLYGON: "POLYGON"}
        group = self.group or (self.name if self.point_labels else None)
        name = f"{self.name}_shapes" if self.point_labels and not self.group else self.name
        body = self.head(name, kind[self.layer.geometry], self.data(), group)
        if self.opacity != 100:
            body += block("COMPOSITE", [f"OPACITY {self.opacity}"])
        if self.label and not self.point_labels:
            body += self.label_lines()
        for cls in self.classes:
            body += cls
        shapes = block("LAYER", body)
        if not self.point_labels:
            return shapes
        data = self.data("ST_PointOnSurface(geom_4326)", (self.label.item,))
        labels = [*self.head(f"{self.name}_labels", "POINT", data, group), *self.label_lines(),
                  *block("CLASS", [f"NAME {quote(self.label.item)}",
                                   *self.label.lines(Geometry.POLYGON)])]
        return shapes + block("LAYER", labels)


def style(**values: object) -> list[str]:
    """A STYLE block from keyword values (colours quoted, numbers as they are)."""
    body = []
    for key, value in values.items():
        shown = quote(value) if isinstance(value, str) and value.startswith("#") else value
        body.append(f"{key.upper()} {shown}")
    return block("STYLE", body)


def klass(name: str, styles: list[list[str]], expression: str | None = None,
          label: Label | None = None, geometry: Geometry = Geometry.POLYGON,
          band: Band | None = None) -> list[str]:
    """A CLASS with optional EXPRESSION, zoom band and label."""
    body = [f"NAME {quote(name)}"]
    if expression:
        body.append(f"EXPRESSION ({expression})")
    if band:
        body += zoom_range(band.min_zoom, band.max_zoom)
    for item in styles:
        body += item
    if label:
        body += label.lines(geometry)
    return block("CLASS", body)


def equals(item: str, value: str) -> str:
    return f"'[{item}]' = '{value}'"


def feature_style(layer: Layer, fill: str | None, width: float | None = None) -> list[list[str]]:
    """The registry's default symbol for one fill colour."""
    width = layer.style.width if width is None else width
    if layer.geometry is Geometry.POINT:
        return [style(symbol='"circle"', size=8, color=fill or layer.style.stroke,
                      outlinecolor=layer.style.stroke, width=1)]
    if layer.geometry is Geometry.LINE:
        return [style(color=fill or layer.style.stroke, width=width)]
    if fill is None:
        return [style(outlinecolor=layer.style.stroke, width=width)]
    return [style(color=fill, outlinecolor=layer.style.stroke, width=width)]


def shown_style(layer: Layer) -> Style:
    """The layer's style without classes or a label on a sensitive attribute."""
    st = layer.style
    if st.classify_by in layer.sensitive:
        st = replace(st, classify_by=None, classes={})
    if st.label in layer.sensitive:
        st = replace(st, label=None)
    return st


def shown_label(layer: Layer, label: Label) -> Label | None:
    """``label``, unless it shows a sensitive attribute of ``layer``."""
    return None if label.item in layer.sensitive else label


def overlay(layer: Layer) -> LayerDef:
    """The thematic overlay of a layer: its catalog style, classes and label (the default
    cartography of every layer, curated or published, by its geometry type)."""
    st = shown_style(layer)
    label = Label(st.label, min_zoom=max(layer.min_zoom, 12),
                  along_line=layer.geometry is Geometry.LINE) if st.label else None
    in_class = None if layer.geometry is Geometry.POLYGON else label  # see point_labels
    classes = [klass(value, feature_style(layer, colour), equals(st.classify_by, value),
                     in_class, layer.geometry)
               for value, colour in st.classes.items()] if st.classify_by else []
    classes.append(klass(layer.title_vi, feature_style(layer, st.fill), None, in_class,
                         layer.geometry))
    where = CURRENT_UNITS if dated_units(layer) else ""
    return LayerDef(layer.id, layer, classes, where, (st.classify_by or "", st.label or ""),
                    label, min_zoom=layer.min_zoom, max_zoom=layer.max_zoom)


def dated_units(layer: Layer) -> bool:
    """Administrative units with a ``valid_to`` date: only today's are drawn. A layer
    published in that sector without such a column is drawn whole (filtering on a column it
    lacks would fail every tile)."""
    if layer.sector is not registry.Sector.ADMINISTRATIVE:
        return False
    return not layer.published or any(a.name == "valid_to" and a.type in {"date", "datetime"}
                                      for a in layer.attributes)


# --- the cartographic base map ------------------------------------------------------------
# Road widths (pixels) per class and zoom band; None: not drawn in that band.
ROAD_BANDS = ((0, 9), (10, 12), (13, 14), (15, None))
ROAD_WIDTHS: dict[str, tuple[float | None, ...]] = {
    "national": (2.0, 3.5, 6.0, 10.0),
    "provincial": (1.5, 3.0, 5.0, 8.0),
    "district": (None, 2.0, 4.0, 7.0),
    "commune": (None, None, 2.5, 5.0),
    "urban": (None, None, 2.5, 6.0),
}
ROAD_CASING = {"national": "#A8322A", "provincial": "#B06A1E", "district": "#A89A4C",
               "commune": "#A0A0A0", "urban": "#A0A0A0"}
ROAD_MIN_ZOOM = {"national": 0, "provincial": 8, "district": 10, "commune": 13, "urban": 13}


def road_classes(roads: Layer, casing: bool, road_class: str) -> list[list[str]]:
    """One road class by zoom band: the casing pass or the fill pass."""
    label = shown_label(roads, Label("code", size=8, colour="#222222", font="sans-bold",
                                     min_zoom=11, priority=8, along_line=True))
    classes = []
    for (low, high), width in zip(ROAD_BANDS, ROAD_WIDTHS[road_class], strict=True):
        if width is None or (high is not None and high < ROAD_MIN_ZOOM[road_class]):
            continue
        band = Band(max(low, ROAD_MIN_ZOOM[road_class]), high, width)
        colour = ROAD_CASING[road_class] if casing else registry.ROAD_CLASS_COLOURS[road_class]
        classes.append(klass(f"{road_class} z{band.min_zoom}",
                             [style(color=colour, width=width + 2 if casing else width,
                                    linecap="round", linejoin="round")],
                             equals("road_class", road_class), None if casing else label,
                             Geometry.LINE, band))
    return classes


def base_roads(live: Lookup) -> list[LayerDef]:
    """All casings first, then fills from minor to major roads, so junctions read right."""
    roads = live.get("roads")
    if roads is None or "road_class" in roads.sensitive:
        return []
    minor_first = list(reversed(ROAD_WIDTHS))
    casing = [cls for road_class in minor_first
              for cls in road_classes(roads, True, road_class)]
    layers = [LayerDef("base_roads_casing", roads, casing, columns=("road_class",),
                       group=BASEMAP_GROUP)]
    label = shown_label(roads, Label("code", min_zoom=11))
    for road_class in minor_first:
        layers.append(LayerDef(f"base_roads_{road_class}", roads,
                               road_classes(roads, False, road_class),
                               f"road_class = '{road_class}'",
                               ("road_class", label.item if label else ""), label,
                               BASEMAP_GROUP))
    return layers


def simple(live: Lookup, layer_id: str, styles: list[list[str]], label: Label | None = None,
           min_zoom: int | None = None, max_zoom: int | None = None, where: str = "",
           columns: tuple[str, ...] = (), opacity: int = 100) -> list[LayerDef]:
    """A base-map layer with one class (none when the layer is not live and public)."""
    layer = live.get(layer_id)
    if layer is None:
        return []
    label = label and shown_label(layer, label)
    in_class = None if layer.geometry is Geometry.POLYGON else label  # see point_labels
    classes = [klass(layer.title_vi, styles, None, in_class, layer.geometry)]
    return [LayerDef(f"base_{layer_id}", layer, classes, where,
                     (*columns, label.item if label else ""), label, BASEMAP_GROUP,
                     layer.min_zoom if min_zoom is None else min_zoom,
                     layer.max_zoom if max_zoom is None else max_zoom, opacity)]


def base_forests(live: Lookup) -> list[LayerDef]:
    forests = live.get("forest_areas")
    if forests is None or "forest_type" in forests.sensitive:
        return []
    drawn = registry.get("forest_areas").style
    classes = [klass(kind, [style(color=colour)], equals("forest_type", kind))
               for kind, colour in drawn.classes.items()]
    classes.append(klass(forests.title_vi, [style(color=drawn.fill)]))
    return [LayerDef("base_forest_areas", forests, classes, columns=("forest_type",),
                     group=BASEMAP_GROUP, min_zoom=forests.min_zoom, opacity=70)]


def base_rivers(live: Lookup) -> list[LayerDef]:
    """Rivers thicken with the zoom level."""
    rivers = live.get("rivers")
    if rivers is None:
        return []
    label = shown_label(rivers, Label("name", 8.5, "#1F5A99", "serif", 11, 6, along_line=True))
    stroke = registry.get("rivers").style.stroke
    classes = [klass(f"z{low}", [style(color=stroke, width=width,
                                       linecap="round")], band=Band(low, high, width),
                     label=label, geometry=Geometry.LINE)
               for (low, high), width in zip(ROAD_BANDS, (1.0, 2.0, 3.5, 6.0), strict=True)]
    return [LayerDef("base_rivers", rivers, classes, columns=(label.item,) if label else (),
                     label=label, group=BASEMAP_GROUP)]


def live_public(layers: Sequence[Layer]) -> dict[str, Layer]:
    """The public layers of a catalog by id: what the base map may draw."""
    return {layer.id: layer for layer in layers if layer.public}


def basemap_layer_ids() -> frozenset[str]:
    """Every layer the base map can draw (its composite cache shows them)."""
    return frozenset(d.layer.id for d in base_layers({layer.id: layer for layer in registry.LAYERS}))


def base_layers(live: Lookup | None = None) -> list[LayerDef]:
    """The base map's layers, bottom to top (drawing order is cartography, not registry).

    Its cartography is hand-written for the curated layers; a layer that is not live and
    public (``live``, by default the registry's public layers) is left out.
    """
    live = live_public(registry.LAYERS) if live is None else live
    water_label = Label("name", 8.5, "#1F5A99", "serif", 12, 6)
    return [
        *base_forests(live),
        *simple(live, "water_bodies", [style(color="#A6CEE3", outlinecolor="#6FA8DC", width=0.8)],
               water_label),
        *simple(live, "land_parcels", [style(outlinecolor="#C49A6C", width=0.5)],
               Label("parcel_no", 7, "#8B5A2B", min_zoom=18, priority=1), min_zoom=16),
        *simple(live, "buildings", [style(color="#D9D0C9", outlinecolor="#A89F97", width=0.6)],
               min_zoom=15),
        *base_rivers(live),
        *simple(live, "admin_communes", [style(outlinecolor="#9E7FB0", width=0.8,
                                        pattern="6 3 END")],
               Label("name", 8, "#6A4C7D", min_zoom=12, priority=7), where=CURRENT_UNITS),
        *simple(live, "admin_districts", [style(outlinecolor="#8E5FA6", width=1.2,
                                         pattern="10 4 END")],
               Label("name", 9, "#5B3A70", min_zoom=10, priority=8), where=CURRENT_UNITS),
        *simple(live, "admin_provinces", [style(outlinecolor="#D9C4E3", width=6),
                                   style(outlinecolor="#7B3294", width=1.6, pattern="12 4 2 4 END")],
               Label("name", 11, "#4B1D5E", "sans-bold", 0, 10, max_zoom=11),
               where=CURRENT_UNITS),
        *simple(live, "railways", [style(color="#555555", width=3.5),
                            style(color="#FFFFFF", width=2, pattern="8 8 END")], min_zoom=8),
        *base_roads(live),
        *simple(live, "bridges", [style(symbol='"circle"', size=6, color="#FFFFFF",
                                 outlinecolor="#333333", width=1)],
               Label("name", 7.5, "#333333", min_zoom=15, priority=4), min_zoom=14),
    ]


# --- documents -----------------------------------------------------------------------------
def header(name: str, transparent: bool) -> list[str]:
    """MAP settings shared by both mapfiles."""
    return [
        f"NAME {quote(name)}", 'CONFIG "MS_ERRORFILE" "stderr"',
        "EXTENT 102 8 110 24", "SIZE 256 256", "UNITS DD",
        f"IMAGECOLOR {quote(BACKGROUND)}", f"FONTSET {quote('fonts.txt')}",
        # OGC pixel size (0.28 mm), so scale denominators match the zoom levels
        "RESOLUTION 90.7142857", "DEFRESOLUTION 90.7142857", "MAXSIZE 4096",
        'PROJECTION "init=epsg:3857" END',
        *block("OUTPUTFORMAT", ['NAME "png"', 'DRIVER "AGG/PNG"', 'MIMETYPE "image/png"',
                                'IMAGEMODE RGBA', f'TRANSPARENT {"ON" if transparent else "OFF"}',
                                'EXTENSION "png"', 'FORMATOPTION "GAMMA=0.75"']),
        *block("WEB", block("METADATA", [
            f'"wms_title" {quote("Bản đồ nền dùng chung")}', f'"wms_srs" {quote(WMS_SRS)}',
            '"wms_enable_request" "GetMap GetCapabilities"', '"ows_encoding" "UTF-8"',
            '"wms_onlineresource" "http://localhost/mapserv"',
            f'"labelcache_map_edge_buffer" "-{META_BUFFER}"'])),
        *block("SYMBOL", ['NAME "circle"', "TYPE ELLIPSE", "FILLED TRUE", "POINTS 1 1 END"]),
    ]


def render(name: str, layers: list[LayerDef], origin: str = REGISTRY_ORIGIN) -> str:
    """A whole mapfile."""
    lines = [f"# Generated by {origin}: do not edit.",
             *block("MAP", [*header(name, True), *(line for d in layers for line in d.lines())])]
    return "\n".join(lines) + "\n"


def render_public(layers: Sequence[Layer] = registry.LAYERS,
                  origin: str = REGISTRY_ORIGIN) -> str:
    """The base map group and the overlays of the public layers."""
    overlays = [overlay(layer) for layer in layers if layer.public and layer.tiles]
    return render("public", [*base_layers(live_public(layers)), *overlays], origin)


def render_internal(layers: Sequence[Layer] = registry.LAYERS,
                    origin: str = REGISTRY_ORIGIN) -> str:
    """The overlays of the internal layers (full access only)."""
    internal = [overlay(layer) for layer in layers if not layer.public and layer.tiles]
    return render("internal", internal, origin)


def render_fontset() -> str:
    return "".join(f"{alias} {path}\n" for alias, path in FONTS.items())


def render_config() -> str:
    """mapserver.conf: mapserv only opens our two mapfiles (the committed ones and those of
    each catalog version, which keep the same names in a ``mapserver`` directory)."""
    return "\n".join(["# Generated by `manage.py render_configs`: do not edit.",
                      *block("CONFIG", block("ENV", [f'MS_MAP_PATTERN "{MAP_PATTERN}"'])), ""])
