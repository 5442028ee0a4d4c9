# SPDX-License-Identifier: MIT
"""The public map viewer at ``/``: layer list, legend, map style and page policy, from the registry.

Everything the page shows about layers is built here, server-side, from the layers a grant may
read (the viewer uses ``access.PUBLIC``), so an internal layer never reaches the page, its
style or its script. The browser only ever calls the public services:

- raster base map: MapProxy's composite ``basemap`` layer (``/tiles/``),
- vector overlays: OGC API Tiles (Mapbox vector tiles) per public layer (``/ogcapi/``),
- lookups and search: OGC API Features items (``bbox``, property filters).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from geoserver_app.security.access import Grant
from layers import province, registry, vn2000

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

CLASS_TITLES: dict[tuple[str, str], tuple[str, str]] = {
    ("road_class", "national"): ("Quốc lộ", "National road"),
    ("road_class", "provincial"): ("Đường tỉnh", "Provincial road"),
    ("road_class", "district"): ("Đường huyện", "District road"),
    ("road_class", "commune"): ("Đường xã", "Commune road"),
    ("road_class", "urban"): ("Đường đô thị", "Urban road"),
    ("forest_type", "production"): ("Rừng sản xuất", "Production forest"),
    ("forest_type", "protection"): ("Rừng phòng hộ", "Protection forest"),
    ("forest_type", "special_use"): ("Rừng đặc dụng", "Special-use forest"),
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
    vi, en = CLASS_TITLES.get((attribute, value), (value, value))
    return en if english else vi


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
    from layers.models import model_for

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
    from django.contrib.gis.db.models import Extent

    from layers.models import AdminProvince

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
    from django.conf import settings

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
        "messages": {key: (en if english else vi) for key, (vi, en) in MESSAGES.items()},
        "mapLocale": {} if english else MAP_LOCALE_VI,
    }


def content_security_policy(embed: bool, ancestors: list[str]) -> str:
    """The page's CSP: same-origin everything; framing only in embed mode, by the allow-list."""
    framing = " ".join(["'self'", *ancestors]) if embed else "'none'"
    return "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self'",
        "img-src 'self' data: blob:", "worker-src 'self' blob:", "connect-src 'self'",
        "font-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
        f"frame-ancestors {framing}"])


# Words the script shows (Vietnamese, English).
MESSAGES: dict[str, tuple[str, str]] = {
    "parcel": ("Thửa đất", "Land parcel"),
    "sheet": ("Tờ bản đồ số", "Map sheet"),
    "parcelNo": ("Thửa đất số", "Parcel number"),
    "landUse": ("Loại đất", "Land-use type"),
    "area": ("Diện tích pháp lý", "Official area"),
    "address": ("Địa chỉ", "Address"),
    "commune": ("Xã/phường", "Commune"),
    "noParcel": ("Không có thửa đất tại điểm này.", "No land parcel at this point."),
    "landUsePlan": ("Quy hoạch sử dụng đất", "Land-use plan zone"),
    "planCode": ("Mã khoanh", "Zone code"),
    "plannedUse": ("Loại đất quy hoạch", "Planned land use"),
    "period": ("Kỳ quy hoạch", "Planning period"),
    "approvedBy": ("Phê duyệt", "Approved by"),
    "approvedOn": ("Ngày phê duyệt", "Approved on"),
    "urbanZone": ("Quy hoạch đô thị", "Urban planning zone"),
    "zoneCode": ("Ký hiệu ô", "Zone code"),
    "function": ("Chức năng", "Function"),
    "maxFar": ("Hệ số sử dụng đất tối đa", "Maximum FAR"),
    "maxHeight": ("Chiều cao tối đa", "Maximum height"),
    "maxDensity": ("Mật độ xây dựng tối đa", "Maximum coverage"),
    "noZone": ("Không thuộc khoanh quy hoạch nào.", "Not in any plan zone."),
    "loading": ("Đang tra cứu…", "Looking up…"),
    "lookupFailed": ("Không tra cứu được: dịch vụ dữ liệu chưa trả lời. Vui lòng thử lại sau.",
                     "The lookup failed: the data service did not answer. Please try again later."),
    "found": ("Tìm thấy {n} kết quả.", "Found: {n}."),
    "notFound": ("Không tìm thấy. Kiểm tra lại số tờ, số thửa hoặc tên.",
                 "Nothing found. Check the sheet and parcel numbers or the name."),
    "road": ("Đường", "Road"),
    "place": ("Địa danh", "Place"),
    "clickHint": ("Nhấn vào bản đồ để xem thửa đất và quy hoạch tại điểm đó.",
                  "Click the map to see the parcel and plan zones at that point."),
    "basemapMissing": ("Bản đồ nền dạng ảnh (MapProxy) chưa sẵn sàng.",
                       "The raster base map (MapProxy) is not available yet."),
    "ogcapiMissing": ("Dịch vụ OGC API chưa sẵn sàng: chưa có lớp dữ liệu và tra cứu.",
                      "The OGC API is not available yet: no data layers and no lookup."),
    "vectorMissing": ("Lớp {layer} chưa tải được từ OGC API.",
                      "Layer {layer} could not be loaded from the OGC API."),
    "locating": ("Đang xác định vị trí…", "Finding your position…"),
    "locateFailed": ("Không xác định được vị trí (cần cho phép truy cập vị trí).",
                     "Could not find your position (allow location access)."),
    "located": ("Vị trí của bạn", "Your position"),
    "exported": ("Đã tạo ảnh PNG của khung nhìn.", "A PNG of the current view was made."),
    "pointAt": ("Điểm", "Point"),
    "meters": ("m", "m"),
    "synthetic": ("Dữ liệu mẫu giả lập", "Synthetic demo data"),
    "former": ("trước 01/7/2025", "before 1 July 2025"),
    "mapLabel": ("Bản đồ. Nhấn vào bản đồ để tra cứu; dùng phím mũi tên để di chuyển, + và − "
                 "để phóng to, thu nhỏ.",
                 "Map. Click to look up a point; arrow keys pan, + and − zoom."),
}

# MapLibre's own control labels in Vietnamese (its ``locale`` option).
MAP_LOCALE_VI = {
    "NavigationControl.ZoomIn": "Phóng to", "NavigationControl.ZoomOut": "Thu nhỏ",
    "NavigationControl.ResetBearing": "Xoay về hướng bắc",
    "AttributionControl.ToggleAttribution": "Nguồn dữ liệu", "Popup.Close": "Đóng",
    "ScaleControl.Meters": "m", "ScaleControl.Kilometers": "km",
    "Map.Title": "Bản đồ",
    "CooperativeGesturesHandler.WindowsHelpText": "Giữ Ctrl và cuộn chuột để phóng to, thu nhỏ",
    "CooperativeGesturesHandler.MacHelpText": "Giữ ⌘ và cuộn chuột để phóng to, thu nhỏ",
    "CooperativeGesturesHandler.MobileHelpText": "Dùng hai ngón tay để di chuyển bản đồ",
}


def communes(grant: Grant) -> list[dict]:
    """Communes for search: current and former units, their WGS 84 boxes, whether they have
    parcels (the parcel search offers those)."""
    if not grant.can_read("admin_communes"):
        return []
    from django.contrib.gis.db.models.functions import Envelope

    from layers.models import AdminCommune

    with_parcels = parcel_communes(grant)
    rows = (AdminCommune.objects.annotate(box=Envelope("geom_4326"))
            .order_by("name", "valid_from").values("id", "code", "name", "kind", "valid_to", "box"))
    return [{"id": row["id"], "code": row["code"], "name": row["name"], "kind": row["kind"],
             "current": row["valid_to"] is None, "parcels": row["code"] in with_parcels,
             "bbox": [round(v, 6) for v in row["box"].extent] if row["box"] else None}
            for row in rows]


def parcel_groups(units: list[dict], language: str) -> list[tuple[str, list[dict]]]:
    """The parcel search's commune choices: current units, then pre-2025 ones (if any)."""
    english = language == "en"
    groups = [("Current units" if english else "Đơn vị hiện nay",
               [u for u in units if u["parcels"] and u["current"]]),
              ("Before 1 July 2025" if english else "Trước ngày 01/7/2025",
               [u for u in units if u["parcels"] and not u["current"]])]
    return [(label, members) for label, members in groups if members]


def parcel_communes(grant: Grant) -> frozenset[str]:
    """Commune codes that have land parcels (cached five minutes: a scan of the key index)."""
    if not grant.can_read("land_parcels"):
        return frozenset()
    from django.core.cache import cache

    from layers.models import LandParcel

    codes = cache.get("viewer:parcel-communes")
    if codes is None:
        codes = frozenset(LandParcel.objects.order_by().values_list("commune_code", flat=True)
                          .distinct())
        cache.set("viewer:parcel-communes", codes, 300)
    return codes
