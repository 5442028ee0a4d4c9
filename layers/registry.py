# SPDX-License-Identifier: MIT
"""The layer catalog: one declarative entry per layer, the single source of truth.

Models, the pygeoapi resources, the mapfile, MapProxy layers, admin, viewer legend and access
rules all derive from ``LAYERS``. Loading is staged like MapProxy's loader: the entries are
parsed into typed objects here, and ``layers.checks`` verifies them against the models.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Sector(StrEnum):
    ADMINISTRATIVE = "administrative"
    LAND = "land"
    RESOURCES = "resources"
    TRANSPORT = "transport"
    CONSTRUCTION = "construction"


# the form of every layer id: a safe lower-case SQL identifier (also the catalog's CHECK)
LAYER_ID = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
SECTOR_TITLES = {
    Sector.ADMINISTRATIVE: ("Hành chính", "Administrative"),
    Sector.LAND: ("Đất đai", "Land"),
    Sector.RESOURCES: ("Tài nguyên", "Natural resources"),
    Sector.TRANSPORT: ("Giao thông", "Transport"),
    Sector.CONSTRUCTION: ("Xây dựng", "Construction"),
}


class Access(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"


class Geometry(StrEnum):
    POINT = "Point"
    LINE = "MultiLineString"
    POLYGON = "MultiPolygon"


@dataclass(frozen=True)
class Style:
    """Default cartography: one colour set, optionally classified by an attribute."""

    fill: str | None
    stroke: str
    width: float = 1.0
    classify_by: str | None = None
    classes: dict[str, str] = field(default_factory=dict)
    label: str | None = None


class Origin(StrEnum):
    CURATED = "curated"  # declared below, with a model and a migration
    PUBLISHED = "published"  # added at run time by ``manage.py publish`` (no model)


# the column types a published layer's attributes may have (their SQL: ingest/publish_sql.py)
ATTRIBUTE_TYPES = ("text", "integer", "number", "date", "datetime", "boolean")


@dataclass(frozen=True)
class Attribute:
    """One attribute of a published layer: its column, the source's field name, its type."""

    name: str
    title: str
    type: str

    def __post_init__(self) -> None:
        if self.type not in ATTRIBUTE_TYPES:
            raise ValueError(f"attribute type {self.type!r}; known: {', '.join(ATTRIBUTE_TYPES)}")


@dataclass(frozen=True)
class Layer:
    """One layer of the base map (an OGC collection, a table, a model)."""

    id: str
    model: str
    title_vi: str
    title_en: str
    description_vi: str
    description_en: str
    sector: Sector
    geometry: Geometry
    natural_key: tuple[str, ...]
    style: Style
    access: Access = Access.PUBLIC
    sensitive: tuple[str, ...] = ()
    min_zoom: int = 0
    max_zoom: int = 22
    # capabilities as data (read by the generators and the tests)
    features: bool = True
    tiles: bool = True
    editable: bool = True
    origin: Origin = Origin.CURATED
    # a published layer's columns (a curated layer's come from its model)
    attributes: tuple[Attribute, ...] = ()

    @property
    def published(self) -> bool:
        return self.origin is Origin.PUBLISHED

    @property
    def public(self) -> bool:
        return self.access is Access.PUBLIC

    @property
    def table(self) -> str:
        return self.id


# Land-use codes (Circular 08/2024/TT-BTNMT style) with words and map colours.
LAND_USE_CODES: dict[str, tuple[str, str, str]] = {
    "LUC": ("Đất chuyên trồng lúa", "Paddy land", "#FFFC82"),
    "BHK": ("Đất trồng cây hằng năm khác", "Other annual crops", "#FFF0B4"),
    "CLN": ("Đất trồng cây lâu năm", "Perennial crops", "#FFD2A0"),
    "RSX": ("Đất rừng sản xuất", "Production forest land", "#B4FFB4"),
    "RPH": ("Đất rừng phòng hộ", "Protection forest land", "#6EFF64"),
    "NTS": ("Đất nuôi trồng thủy sản", "Aquaculture", "#AAFFFF"),
    "ONT": ("Đất ở tại nông thôn", "Rural residential", "#FFD0FF"),
    "ODT": ("Đất ở tại đô thị", "Urban residential", "#FFA0FF"),
    "TSC": ("Đất xây dựng trụ sở cơ quan", "Government offices", "#FAAAA0"),
    "SKC": ("Đất cơ sở sản xuất phi nông nghiệp", "Non-agricultural production", "#FAAAA0"),
    "DGT": ("Đất giao thông", "Transport land", "#FFAA32"),
    "DTL": ("Đất thủy lợi", "Irrigation land", "#AAFFFF"),
    "NTD": ("Đất nghĩa trang, nhà tang lễ", "Cemeteries", "#D2D2D2"),
    "DGD": ("Đất xây dựng cơ sở giáo dục", "Education", "#FFA080"),
}

ROAD_CLASS_COLOURS = {
    "national": "#E8463A", "provincial": "#F39C34", "district": "#F7D154",
    "commune": "#FFFFFF", "urban": "#FFFFFF",
}

FOREST_COLOURS = {"production": "#B4E6A0", "protection": "#6CC26C", "special_use": "#2E8B57"}

_LAND_USE_FILL = {code: colour for code, (_vi, _en, colour) in LAND_USE_CODES.items()}

LAYERS: tuple[Layer, ...] = (
    Layer("admin_provinces", "AdminProvince", "Ranh giới tỉnh", "Provinces",
          "Ranh giới hành chính cấp tỉnh, trước và sau ngày 01/7/2025.",
          "Province boundaries, before and after 1 July 2025.",
          Sector.ADMINISTRATIVE, Geometry.POLYGON, ("code", "valid_from"),
          Style(None, "#7B3294", 2.5, label="name")),
    Layer("admin_districts", "AdminDistrict", "Ranh giới huyện", "Districts",
          "Ranh giới cấp huyện (đến 30/6/2025, khi cấp huyện kết thúc hoạt động).",
          "District boundaries (until 30 June 2025, when the district level ended).",
          Sector.ADMINISTRATIVE, Geometry.POLYGON, ("code", "valid_from"),
          Style(None, "#9E6BB5", 1.5, label="name"), max_zoom=14),
    Layer("admin_communes", "AdminCommune", "Ranh giới xã", "Communes",
          "Ranh giới cấp xã (xã, phường, thị trấn, đặc khu), trước và sau sắp xếp 2025.",
          "Commune-level boundaries (communes, wards, townships, special zones), "
          "before and after the 2025 reorganisation.",
          Sector.ADMINISTRATIVE, Geometry.POLYGON, ("code", "valid_from"),
          Style(None, "#C2A5CF", 1.0, label="name"), min_zoom=10),
    Layer("land_parcels", "LandParcel", "Thửa đất", "Land parcels",
          "Thửa đất địa chính: tờ bản đồ, số thửa, loại đất, diện tích pháp lý.",
          "Cadastral parcels: map sheet, parcel number, land-use type, official area.",
          Sector.LAND, Geometry.POLYGON, ("commune_code", "sheet_no", "parcel_no"),
          Style("#FFFFFF", "#B5651D", 0.5, "land_use_code", _LAND_USE_FILL, "parcel_no"),
          sensitive=("owner_name", "owner_id_number", "certificate_number"), min_zoom=15),
    Layer("land_use_plan_zones", "LandUsePlanZone", "Quy hoạch sử dụng đất",
          "Land-use plan zones",
          "Khoanh vùng quy hoạch sử dụng đất theo kỳ quy hoạch được phê duyệt.",
          "Land-use plan zones by approved planning period.",
          Sector.LAND, Geometry.POLYGON, ("plan_code",),
          Style("#FFFFFF", "#8C510A", 0.8, "land_use_code", _LAND_USE_FILL), min_zoom=12),
    Layer("rivers", "River", "Sông suối", "Rivers",
          "Sông, suối, kênh mương chính.", "Rivers, streams and main canals.",
          Sector.RESOURCES, Geometry.LINE, ("name", "kind"),
          Style(None, "#4A90D9", 2.0, label="name")),
    Layer("water_bodies", "WaterBody", "Mặt nước", "Water bodies",
          "Hồ, ao, đầm và mặt nước chuyên dùng.", "Lakes, ponds and reservoirs.",
          Sector.RESOURCES, Geometry.POLYGON, ("name", "kind"),
          Style("#A6CEE3", "#4A90D9", 0.8, label="name")),
    Layer("mineral_sites", "MineralSite", "Mỏ khoáng sản", "Mineral sites",
          "Điểm mỏ và giấy phép khai thác khoáng sản.", "Mines and mining licences.",
          Sector.RESOURCES, Geometry.POINT, ("license_number",),
          Style("#8B4513", "#3B1F0B", 1.0, label="mineral"), access=Access.INTERNAL),
    Layer("forest_areas", "ForestArea", "Rừng", "Forest areas",
          "Diện tích rừng theo mục đích sử dụng: sản xuất, phòng hộ, đặc dụng.",
          "Forest by purpose: production, protection, special use.",
          Sector.RESOURCES, Geometry.POLYGON, ("plot_code",),
          Style("#B4E6A0", "#4D9A4D", 0.5, "forest_type", FOREST_COLOURS)),
    Layer("roads", "Road", "Đường bộ", "Roads",
          "Mạng lưới đường bộ: quốc lộ, đường tỉnh, huyện, xã, đô thị.",
          "Road network: national, provincial, district, commune and urban roads.",
          Sector.TRANSPORT, Geometry.LINE, ("code",),
          Style(None, "#B0B0B0", 2.0, "road_class", ROAD_CLASS_COLOURS, "code")),
    Layer("bridges", "Bridge", "Cầu", "Bridges",
          "Cầu đường bộ và tải trọng cho phép.", "Road bridges and their load limits.",
          Sector.TRANSPORT, Geometry.POINT, ("road_code", "name"),
          Style("#555555", "#000000", 1.0, label="name"), min_zoom=11),
    Layer("railways", "Railway", "Đường sắt", "Railways",
          "Các tuyến đường sắt quốc gia.", "National railway lines.",
          Sector.TRANSPORT, Geometry.LINE, ("name",),
          Style(None, "#333333", 2.0, label="name")),
    Layer("buildings", "Building", "Nhà, công trình", "Buildings",
          "Nhà và công trình xây dựng.", "Buildings and structures.",
          Sector.CONSTRUCTION, Geometry.POLYGON, ("code",),
          Style("#D9D0C9", "#A89F97", 0.5), min_zoom=15),
    Layer("construction_permits", "ConstructionPermit", "Giấy phép xây dựng",
          "Construction permits",
          "Giấy phép xây dựng đã cấp.", "Issued construction permits.",
          Sector.CONSTRUCTION, Geometry.POINT, ("permit_number",),
          Style("#E31A1C", "#7F0000", 1.0), access=Access.INTERNAL,
          sensitive=("investor_name",), min_zoom=12),
    Layer("urban_planning_zones", "UrbanPlanningZone", "Quy hoạch đô thị",
          "Urban planning zones",
          "Ô quy hoạch đô thị: chức năng, hệ số sử dụng đất, chiều cao, mật độ tối đa.",
          "Urban planning zones: function, maximum FAR, height and coverage.",
          Sector.CONSTRUCTION, Geometry.POLYGON, ("zone_code",),
          Style("#FDE0DD", "#C51B8A", 0.8, label="zone_code"), min_zoom=12),
)

_BY_ID = {layer.id: layer for layer in LAYERS}


def get(layer_id: str) -> Layer:
    """The registry entry of a layer; KeyError names the unknown id."""
    try:
        return _BY_ID[layer_id]
    except KeyError:
        raise KeyError(f"unknown layer {layer_id!r}; known: {', '.join(_BY_ID)}") from None


def public_layers() -> tuple[Layer, ...]:
    return tuple(layer for layer in LAYERS if layer.public)
