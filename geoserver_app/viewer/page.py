# SPDX-License-Identifier: MIT
"""The public map viewer at ``/``: layer list, legend, map style and page policy, from the registry.

Everything the page shows about layers is built here, server-side, from the layers a grant may
read (the viewer uses ``grants.PUBLIC``), so an internal layer never reaches the page, its
style or its script. The browser only ever calls the public services:

- raster base map: MapProxy's composite ``basemap`` layer (``/tiles/``),
- vector overlays: OGC API Tiles (Mapbox vector tiles) per public layer (``/ogcapi/``),
- lookups and search: OGC API Features items (``bbox``, property filters).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import Envelope
from django.core.cache import cache
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from layers import province, registry, vn2000
from layers.grants import Grant
from layers.models import (
    AdminCommune,
    AdminProvince,
    AdminUnitRecord,
    CommuneSuccession,
    LandParcel,
    model_for,
)

# MapProxy WMTS RESTful URL of the composite layer "basemap" on its "webmercator" grid (XYZ order)
BASEMAP_TILES = "/tiles/wmts/basemap/webmercator/{z}/{x}/{y}.png"
VECTOR_TILES = "/ogcapi/collections/{id}/tiles/WebMercatorQuad/{z}/{y}/{x}?f=mvt"
ITEMS = "/ogcapi/collections/{id}/items"
BASEMAP_MAX_ZOOM = 19
TILES_CONFIG = "mapproxy.yaml"
OGCAPI_CONFIG = "pygeoapi-config.yml"
VN2000_SRID = province.SRID
# Initial view, overridden by the URL hash
HOME_VIEW = {"zoom": province.HOME_ZOOM, "lat": province.HOME_LAT, "lon": province.HOME_LON}

# The raster base map (MapServer's cartography with labels, cached by MapProxy) already draws
# every base layer; the vector overlays emphasise the layers a user picks, crisp at any zoom,
# and the planning layers that the base map leaves out. On first load (no layers in the URL
# hash) the base map shows with the current commune boundaries and the land parcels coloured
# by land-use type (from zoom 15).
BASE_ID = "basemap"
DEFAULT_VISIBLE = frozenset({BASE_ID, "admin_communes", "land_parcels"})

ADMIN_LAYERS = ("admin_provinces", "admin_districts", "admin_communes")

CLASS_TITLES: dict[tuple[str, str], Promise] = {
    ("road_class", "national"): _("National road"),
    ("road_class", "provincial"): _("Provincial road"),
    ("road_class", "district"): _("District road"),
    ("road_class", "commune"): _("Commune road"),
    ("road_class", "urban"): _("Urban road"),
    ("forest_type", "production"): _("Production forest"),
    ("forest_type", "protection"): _("Protection forest"),
    ("forest_type", "special_use"): _("Special-use forest"),
}

FILL_OPACITY = {"land_parcels": 0.55, "land_use_plan_zones": 0.45, "water_bodies": 0.85,
                "forest_areas": 0.6, "urban_planning_zones": 0.4, "buildings": 0.9}


@dataclass(frozen=True)
class LegendItem:
    label: str
    fill: str | None
    stroke: str
    width: float


@dataclass(frozen=True)
class ViewerLayer:
    id: str
    title: str
    description: str
    geometry: str
    visible: bool
    min_zoom: int
    legend: tuple[LegendItem, ...]


@dataclass(frozen=True)
class ViewerSector:
    id: str
    title: str
    layers: tuple[ViewerLayer, ...]


def class_title(attribute: str, value: str, english: bool) -> str:
    """Words for a classified value: land-use codes from the registry, else CLASS_TITLES."""
    if attribute == "land_use_code" and value in registry.LAND_USE_CODES:
        vi, en, _colour = registry.LAND_USE_CODES[value]
        return f"{value} – {en if english else vi}"
    with translation.override("en" if english else "vi"):
        return str(CLASS_TITLES.get((attribute, value), value))


def legend(layer: registry.Layer, english: bool) -> tuple[LegendItem, ...]:
    """One swatch per class of a classified style, else one for the layer."""
    style = layer.style
    if not style.classify_by:
        title = layer.title_en if english else layer.title_vi
        return (LegendItem(title, style.fill, style.stroke, style.width),)
    polygon = layer.geometry is registry.Geometry.POLYGON
    return tuple(LegendItem(class_title(style.classify_by, value, english),
                            colour if polygon else None,
                            style.stroke if polygon else colour, style.width)
                 for value, colour in style.classes.items())


def viewer_layer(layer: registry.Layer, english: bool) -> ViewerLayer:
    return ViewerLayer(layer.id, layer.title_en if english else layer.title_vi,
                       layer.description_en if english else layer.description_vi,
                       layer.geometry.value, layer.id in DEFAULT_VISIBLE,
                       layer.min_zoom, legend(layer, english))


def sectors(grant: Grant, language: str) -> tuple[ViewerSector, ...]:
    """The layers ``grant`` may read that have tiles, grouped by sector in registry order."""
    english = language == "en"
    visible = [layer for layer in grant.visible_layers() if layer.tiles]
    groups = []
    for sector in registry.Sector:
        members = tuple(viewer_layer(layer, english) for layer in visible if layer.sector is sector)
        if members:
            vi, en = registry.SECTOR_TITLES[sector]
            groups.append(ViewerSector(sector.value, en if english else vi, members))
    return tuple(groups)


def _colour(style: registry.Style, default: str) -> str | list:
    """A MapLibre colour: constant, or a ``match`` on the classifying attribute."""
    if not style.classify_by:
        return default
    pairs = [item for value, colour in style.classes.items() for item in (value, colour)]
    return ["match", ["to-string", ["get", style.classify_by]], *pairs, default]


def current_unit_dates(layer_id: str) -> list[str]:
    """The ``valid_from`` dates of a unit layer's current units (those with no ``valid_to``).

    Administrative layers hold the units before and after 1 July 2025; their vector tiles carry
    the natural key (``code``, ``valid_from``) but not ``valid_to``, so the map draws only the
    units whose ``valid_from`` is one of these dates. A layer with no current unit (districts)
    then draws its last units.
    """
    rows = model_for(layer_id).objects.order_by().values_list("valid_from", "valid_to").distinct()
    current = sorted({start.isoformat() for start, end in rows if end is None})
    return current or sorted({start.isoformat() for start, _end in rows})[-1:]


def _base(layer: registry.Layer, suffix: str, kind: str, current: dict[str, list[str]]) -> dict:
    spec = {"id": f"{layer.id}-{suffix}", "type": kind, "source": layer.id,
            "source-layer": layer.id, "minzoom": layer.min_zoom, "metadata": {"layer": layer.id}}
    if current.get(layer.id):
        spec["filter"] = ["in", ["get", "valid_from"], ["literal", current[layer.id]]]
    return spec


def _polygon_layers(layer: registry.Layer, current: dict[str, list[str]]) -> list[dict]:
    style, specs = layer.style, []
    if style.fill:
        specs.append({**_base(layer, "fill", "fill", current), "paint": {
            "fill-color": _colour(style, style.fill),
            "fill-opacity": FILL_OPACITY.get(layer.id, 0.5)}})
    specs.append({**_base(layer, "line", "line", current), "paint": {
        "line-color": style.stroke, "line-width": style.width}})
    return specs


def _line_layers(layer: registry.Layer, current: dict[str, list[str]]) -> list[dict]:
    style = layer.style
    casing = {**_base(layer, "casing", "line", current), "layout": {"line-cap": "round", "line-join": "round"},
              "paint": {"line-color": "#5B5B5B" if style.classify_by else "#FFFFFF",
                        "line-width": style.width + 2}}
    line = {**_base(layer, "line", "line", current), "layout": {"line-cap": "round", "line-join": "round"},
            "paint": {"line-color": _colour(style, style.stroke), "line-width": style.width}}
    return [casing, line]


def _point_layers(layer: registry.Layer, current: dict[str, list[str]]) -> list[dict]:
    style = layer.style
    return [{**_base(layer, "circle", "circle", current), "paint": {
        "circle-color": _colour(style, style.fill or style.stroke), "circle-radius": 4.5,
        "circle-stroke-color": style.stroke, "circle-stroke-width": style.width}}]


_LAYER_SPECS = {registry.Geometry.POLYGON: _polygon_layers, registry.Geometry.LINE: _line_layers,
                registry.Geometry.POINT: _point_layers}

# Drawing order, bottom to top: areas, then lines, then points; boundaries above areas.
_DRAW_ORDER = ("land_use_plan_zones", "urban_planning_zones", "forest_areas", "water_bodies",
               "land_parcels", "buildings", "admin_provinces", "admin_districts",
               "admin_communes", "rivers", "railways", "roads", "bridges")


def draw_order(layers: tuple[registry.Layer, ...]) -> list[registry.Layer]:
    """Layers sorted for drawing; layers the list does not know go on top, in registry order."""
    rank = {layer_id: n for n, layer_id in enumerate(_DRAW_ORDER)}
    return sorted(layers, key=lambda layer: rank.get(layer.id, len(rank)))


def data_bounds(margin: float = 0.02) -> list[float] | None:
    """The WGS 84 box of the provinces, widened a little: no tile is asked for outside it.

    The tile service refuses (404) raster tiles that miss the province, so the sources carry
    these ``bounds`` and the browser never asks for them (no failed requests, fewer requests).
    """
    extent = AdminProvince.objects.aggregate(box=Extent("geom_4326"))["box"]
    if extent is None:
        return None
    xmin, ymin, xmax, ymax = extent
    return [round(xmin - margin, 4), round(ymin - margin, 4),
            round(xmax + margin, 4), round(ymax + margin, 4)]


def available(config_file: str) -> bool:
    """Whether a service is wired in this deployment: its generated configuration exists.

    ``mapproxy.yaml`` (raster tiles) and ``pygeoapi-config.yml`` (OGC API) are rendered from
    the registry and committed with the services. Without one, the page leaves that service
    out and says so, instead of asking for tiles that would all fail.
    """
    return (Path(settings.BASE_DIR) / config_file).exists()


def map_style(grant: Grant) -> dict:
    """A MapLibre style (v8) over the raster base map and the grant's vector tile layers.

    Tile URLs are relative here; the page makes them absolute against its own origin. No
    ``glyphs`` or ``sprite``: the style draws no text and no icons, so nothing is fetched
    besides tiles.
    """
    layers = [layer for layer in grant.visible_layers() if layer.tiles]
    if not available(OGCAPI_CONFIG):
        layers = []
    current = {layer.id: current_unit_dates(layer.id) for layer in layers
               if layer.id in ADMIN_LAYERS}
    bounds = {"bounds": box} if (box := data_bounds()) else {}
    sources: dict[str, dict] = {}
    style_layers: list[dict] = [
        {"id": "background", "type": "background", "paint": {"background-color": "#F2EFE9"}}]
    if available(TILES_CONFIG):
        sources[BASE_ID] = {"type": "raster", "tiles": [BASEMAP_TILES], "tileSize": 256,
                            "maxzoom": BASEMAP_MAX_ZOOM, **bounds}
        style_layers.append({"id": BASE_ID, "type": "raster", "source": BASE_ID,
                             "metadata": {"layer": BASE_ID}})
    for layer in layers:
        sources[layer.id] = {"type": "vector", "tiles": [VECTOR_TILES.replace("{id}", layer.id)],
                             "minzoom": layer.min_zoom, "maxzoom": min(layer.max_zoom, 16),
                             **bounds}
    for layer in draw_order(tuple(layers)):
        style_layers.extend(_LAYER_SPECS[layer.geometry](layer, current))
    return {"version": 8, "sources": sources, "layers": style_layers}


def client_config(grant: Grant, language: str) -> dict:
    """What the page's script needs: style, services, VN-2000 definition, words for codes."""
    english = language == "en"
    readable = [layer.id for layer in grant.visible_layers()]
    return {
        "language": language,
        "style": map_style(grant),
        "home": HOME_VIEW,
        "items": ITEMS,
        "layers": readable,
        "base": BASE_ID,
        "missing": [key for key, config_file in (("basemapMissing", TILES_CONFIG),
                                                 ("ogcapiMissing", OGCAPI_CONFIG))
                    if not available(config_file)],
        "vn2000": {"srid": VN2000_SRID, "proj4": vn2000.proj4text(VN2000_SRID)},
        "landUse": {code: (en if english else vi) for code, (vi, en, _c) in
                    registry.LAND_USE_CODES.items()},
        **_words(language),
    }


def _words(language: str) -> dict:
    """The script's messages and MapLibre's labels in ``language`` (English: MapLibre's own)."""
    with translation.override(language):
        return {"messages": {key: str(text) for key, text in MESSAGES.items()},
                "mapLocale": {} if language == "en" else
                {key: str(text) for key, text in MAP_LOCALE.items()}}


def content_security_policy(embed: bool, ancestors: list[str]) -> str:
    """The page's CSP: same-origin everything; framing only in embed mode, by the allow-list."""
    framing = " ".join(["'self'", *ancestors]) if embed else "'none'"
    return "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self'",
        "img-src 'self' data: blob:", "worker-src 'self' blob:", "connect-src 'self'",
        "font-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
        f"frame-ancestors {framing}"])


# Words the script shows: msgids in English, translated by gettext (locale/*/django.po).
MESSAGES: dict[str, Promise] = {
    "parcel": _("Land parcel"),
    "sheet": _("Map sheet"),
    "parcelNo": _("Parcel number"),
    "landUse": _("Land-use type"),
    "area": _("Official area"),
    "address": _("Address"),
    "commune": _("Commune"),
    "noParcel": _("No land parcel at this point."),
    "landUsePlan": _("Land-use plan zone"),
    "planCode": pgettext_lazy("land-use plan", "Zone code"),
    "plannedUse": _("Planned land use"),
    "period": _("Planning period"),
    "approvedBy": _("Approved by"),
    "approvedOn": _("Approved on"),
    "urbanZone": _("Urban planning zone"),
    "zoneCode": pgettext_lazy("urban plan", "Zone code"),
    "function": _("Function"),
    "maxFar": _("Maximum FAR"),
    "maxHeight": _("Maximum height"),
    "maxDensity": _("Maximum coverage"),
    "noZone": _("Not in any plan zone."),
    "loading": _("Looking up…"),
    "lookupFailed":
        _("The lookup failed: the data service did not answer. Please try again later."),
    "found": _("Found: {n}."),
    "notFound": _("Nothing found. Check the sheet and parcel numbers or the name."),
    "road": _("Road"),
    "place": _("Place"),
    "clickHint": _("Click the map to see the parcel and plan zones at that point."),
    "basemapMissing": _("The raster base map (MapProxy) is not available yet."),
    "ogcapiMissing": _("The OGC API is not available yet: no data layers and no lookup."),
    "vectorMissing": _("Layer {layer} could not be loaded from the OGC API."),
    "locating": _("Finding your position…"),
    "locateFailed": _("Could not find your position (allow location access)."),
    "located": _("Your position"),
    "exported": _("A PNG of the current view was made."),
    "pointAt": _("Point"),
    "meters": _("m"),
    "synthetic": _("Synthetic demo data"),
    "former": pgettext_lazy("administrative unit", "former"),
    "mapLabel": _("Map. Click to look up a point; arrow keys pan, + and − zoom."),
}


# MapLibre's own control labels (its ``locale`` option); the msgids are MapLibre's English.
MAP_LOCALE: dict[str, Promise] = {
    "NavigationControl.ZoomIn": pgettext_lazy("maplibre", "Zoom in"),
    "NavigationControl.ZoomOut": pgettext_lazy("maplibre", "Zoom out"),
    "NavigationControl.ResetBearing": pgettext_lazy("maplibre", "Reset bearing to north"),
    "AttributionControl.ToggleAttribution": pgettext_lazy("maplibre", "Toggle attribution"),
    "Popup.Close": pgettext_lazy("maplibre", "Close popup"),
    "ScaleControl.Meters": pgettext_lazy("maplibre", "m"),
    "ScaleControl.Kilometers": pgettext_lazy("maplibre", "km"),
    "Map.Title": pgettext_lazy("maplibre", "Map"),
    "CooperativeGesturesHandler.WindowsHelpText":
        pgettext_lazy("maplibre", "Use Ctrl + scroll to zoom the map"),
    "CooperativeGesturesHandler.MacHelpText":
        pgettext_lazy("maplibre", "Use ⌘ + scroll to zoom the map"),
    "CooperativeGesturesHandler.MobileHelpText":
        pgettext_lazy("maplibre", "Use two fingers to move the map"),
}


def communes(grant: Grant) -> list[dict]:
    """Communes for search: current and former units, their WGS 84 boxes, whether they have
    parcels (the parcel search offers those), and for a former unit the unit(s) it became
    on 1 July 2025 (``to``). Former units of the official catalog without a boundary are
    found too, on their successor's box."""
    if not grant.can_read("admin_communes"):
        return []
    with_parcels = parcel_communes(grant)
    rows = (AdminCommune.objects.annotate(box=Envelope("geom_4326"))
            .order_by("name", "valid_from").values("id", "code", "name", "kind", "valid_to", "box"))
    successors = _successors()
    units = [{"id": row["id"], "code": row["code"], "name": row["name"], "kind": row["kind"],
              "current": row["valid_to"] is None, "parcels": row["code"] in with_parcels,
              "bbox": [round(v, 6) for v in row["box"].extent] if row["box"] else None,
              "to": None if row["valid_to"] is None else successors.get(row["code"])}
             for row in rows]
    return units + _catalog_only(units, successors)


def _successors() -> dict[str, str]:
    """Old commune code -> the name(s) of the 2025 unit(s) it became (official catalog)."""
    names = {u.code: f"{u.kind} {u.name}" for u in AdminUnitRecord.objects.filter(
        level="commune", valid_to__isnull=True)}
    after: dict[str, list[str]] = {}
    for old, new in CommuneSuccession.objects.order_by("old_code", "new_code").values_list(
            "old_code", "new_code"):
        after.setdefault(old, []).append(names.get(new, new))
    return {old: " / ".join(new) for old, new in after.items()}


def _catalog_only(units: list[dict], successors: dict[str, str]) -> list[dict]:
    """Former units of the catalog with no boundary, on their (first) successor's box."""
    former = {u["code"] for u in units if not u["current"]}
    current = {u["code"]: u for u in units if u["current"]}
    first = dict(CommuneSuccession.objects.order_by("new_code").values_list("old_code", "new_code"))
    extra = []
    for unit in AdminUnitRecord.objects.filter(level="commune", valid_to__isnull=False) \
            .exclude(code__in=former).order_by("name", "code"):
        target = current.get(first.get(unit.code, ""))
        extra.append({"id": target["id"] if target else None, "code": unit.code,
                      "name": unit.name, "kind": unit.kind, "current": False, "parcels": False,
                      "bbox": target["bbox"] if target else None,
                      "to": successors.get(unit.code)})
    return extra


def parcel_groups(units: list[dict], language: str) -> list[tuple[str, list[dict]]]:
    """The parcel search's commune choices: current units, then pre-2025 ones (if any)."""
    with translation.override(language):
        groups = [(gettext("Current units"), [u for u in units if u["parcels"] and u["current"]]),
                  (gettext("Before 1 July 2025"),
                   [u for u in units if u["parcels"] and not u["current"]])]
    return [(label, members) for label, members in groups if members]


def parcel_communes(grant: Grant) -> frozenset[str]:
    """Commune codes that have land parcels (cached five minutes: a scan of the key index)."""
    if not grant.can_read("land_parcels"):
        return frozenset()
    codes = cache.get("viewer:parcel-communes")
    if codes is None:
        codes = frozenset(LandParcel.objects.order_by().values_list("commune_code", flat=True)
                          .distinct())
        cache.set("viewer:parcel-communes", codes, 300)
    return codes
