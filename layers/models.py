# SPDX-License-Identifier: MIT
"""GeoDjango models of the standard layers (one per registry entry, table = layer id).

Storage CRS: ``geom`` keeps the native VN-2000 geometry (EPSG:9214, TM-3 107°00', the
Bắc Giang zone) so what surveyors measure round-trips exactly and planar areas are the
official ones; ``geom_4326`` is a stored generated column (``ST_Transform(geom, 4326)``,
EPSG:6960 shift) with its own GiST index, so the web APIs read WGS 84 without transforming
per request. ``created_at``, ``updated_at`` and ``version`` have database defaults and are
maintained by triggers (migration 0003), so every write path (admin, API, ingest, QGIS)
keeps them right.
"""
from __future__ import annotations

from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.db.models.functions import Now
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from layers import registry

STORAGE_SRID = 9214
WEB_SRID = 4326

_GEOMETRY_FIELDS = {
    registry.Geometry.POINT: models.PointField,
    registry.Geometry.LINE: models.MultiLineStringField,
    registry.Geometry.POLYGON: models.MultiPolygonField,
}


def native_geometry(layer_id: str) -> models.GeometryField:
    """The stored VN-2000 geometry of a layer, of the registry's type."""
    kind = _GEOMETRY_FIELDS[registry.get(layer_id).geometry]
    return kind(srid=STORAGE_SRID, verbose_name=_("hình học (VN-2000)"))


def web_geometry(layer_id: str) -> models.GeneratedField:
    """The generated, indexed WGS 84 copy of ``geom`` that the web APIs serve."""
    kind = _GEOMETRY_FIELDS[registry.get(layer_id).geometry]
    return models.GeneratedField(expression=Transform("geom", WEB_SRID),
                                 output_field=kind(srid=WEB_SRID, spatial_index=False),
                                 db_persist=True, verbose_name=_("hình học (WGS 84)"))


def _title(layer: registry.Layer) -> str:
    return layer.title_en if (get_language() or "").startswith("en") else layer.title_vi


def layer_title(layer: registry.Layer) -> str:
    """The layer's registry title in the active language (Vietnamese unless English)."""
    return lazy(_title, str)(layer)


def layer_meta(layer_id: str) -> type:
    """The Meta every layer model shares: table, names, unique natural key, web index."""
    layer = registry.get(layer_id)
    return type("Meta", (), {
        "db_table": layer.table,
        "verbose_name": layer_title(layer),
        "verbose_name_plural": layer_title(layer),
        "constraints": [models.UniqueConstraint(fields=list(layer.natural_key),
                                                name=f"{layer.id}_natural_key")],
        "indexes": [GistIndex(fields=["geom_4326"], name=f"{layer.id}_g4326")],
    })


class IngestBatch(models.Model):
    """One load of a source file into a layer (ingest, demo data, admin upload)."""

    layer = models.CharField(_("lớp"), max_length=64)
    source = models.CharField(_("nguồn"), max_length=500)
    mode = models.CharField(_("chế độ"), max_length=16, default="append")
    started_at = models.DateTimeField(_("bắt đầu"), db_default=Now())
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    created_by = models.CharField(_("người thực hiện"), max_length=150, blank=True, db_default="")
    report = models.JSONField(_("báo cáo"), default=dict, blank=True)

    class Meta:
        db_table = "ingest_batches"
        verbose_name = _("Lô nhập dữ liệu")
        verbose_name_plural = _("Lô nhập dữ liệu")
        # publishing a new layer (admin page and ``manage.py publish``) is no model's add
        permissions = [("publish_layer", _("Có thể xuất bản lớp mới"))]

    def __str__(self) -> str:
        return f"{self.layer} ← {self.source}"


class Feature(models.Model):
    """Columns every feature has; subclasses add ``geom``/``geom_4326`` and attributes."""

    LAYER: str = ""

    created_at = models.DateTimeField(_("tạo lúc"), db_default=Now(), editable=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), db_default=Now(), editable=False)
    version = models.PositiveIntegerField(_("phiên bản"), db_default=1, editable=False)
    ingest_batch = models.ForeignKey(IngestBatch, models.SET_NULL, null=True, blank=True,
                                     editable=False, verbose_name=_("lô nhập"))

    class Meta:
        abstract = True

    @classmethod
    def layer(cls) -> registry.Layer:
        return registry.get(cls.LAYER)

    def __str__(self) -> str:
        """The layer's title and the natural key, e.g. "Đường bộ QL279"."""
        key = " ".join(str(getattr(self, name)) for name in self.layer().natural_key)
        return f"{layer_title(self.layer())} {key}"


class AdminUnit(Feature):
    """Administrative unit with a validity period (units changed on 1 July 2025)."""

    code = models.CharField(_("mã"), max_length=5)
    name = models.CharField(_("tên"), max_length=100)
    kind = models.CharField(_("loại"), max_length=40)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.kind} {self.name} ({self.code})"


class AdminProvince(AdminUnit):
    LAYER = "admin_provinces"
    geom = native_geometry(LAYER)
    geom_4326 = web_geometry(LAYER)

    Meta = layer_meta("admin_provinces")


class AdminDistrict(AdminUnit):
    LAYER = "admin_districts"
    province_code = models.CharField(_("mã tỉnh"), max_length=2)
    geom = native_geometry(LAYER)
    geom_4326 = web_geometry(LAYER)

    Meta = layer_meta("admin_districts")


class AdminCommune(AdminUnit):
    LAYER = "admin_communes"
    province_code = models.CharField(_("mã tỉnh"), max_length=2)
    district_code = models.CharField(_("mã huyện"), max_length=3, blank=True, db_default="",
                                     help_text=_("trống với đơn vị sau 01/7/2025"))
    geom = native_geometry(LAYER)
    geom_4326 = web_geometry(LAYER)

    Meta = layer_meta("admin_communes")


class CommuneSuccession(models.Model):
    """Which pre-2025 commune became (part of) which post-2025 commune."""

    old_code = models.CharField(_("mã xã cũ"), max_length=5)
    new_code = models.CharField(_("mã xã mới"), max_length=5)
    effective_on = models.DateField(_("hiệu lực"), default="2025-07-01")
    source = models.CharField(_("nguồn danh mục"), max_length=100, blank=True, default="")

    class Meta:
        db_table = "admin_commune_successions"
        verbose_name = _("Sắp xếp đơn vị hành chính xã")
        verbose_name_plural = _("Sắp xếp đơn vị hành chính xã")
        constraints = [models.UniqueConstraint(fields=["old_code", "new_code"],
                                               name="commune_succession_unique")]


class AdminUnitRecord(models.Model):
    """One unit of the official catalog (``layers.units_catalog``), with or without a boundary."""

    level = models.CharField(_("cấp"), max_length=10,
                             choices=[("province", _("tỉnh")), ("district", _("huyện")),
                                      ("commune", _("xã"))])
    code = models.CharField(_("mã"), max_length=5)
    name = models.CharField(_("tên"), max_length=100)
    kind = models.CharField(_("loại"), max_length=40)
    province_code = models.CharField(_("mã tỉnh"), max_length=2)
    district_code = models.CharField(_("mã huyện"), max_length=3, blank=True, default="")
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source = models.CharField(_("nguồn danh mục"), max_length=100)

    class Meta:
        db_table = "admin_unit_catalog"
        verbose_name = _("Đơn vị hành chính (danh mục)")
        verbose_name_plural = _("Danh mục đơn vị hành chính")
        ordering = ["level", "valid_from", "code"]
        constraints = [models.UniqueConstraint(fields=["level", "code", "valid_from"],
                                               name="admin_unit_catalog_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.name} ({self.code})"


class LandParcel(Feature):
    LAYER = "land_parcels"
    commune_code = models.CharField(_("mã xã"), max_length=5)
    sheet_no = models.PositiveIntegerField(_("số tờ bản đồ"))
    parcel_no = models.PositiveIntegerField(_("số thửa"))
    land_use_code = models.CharField(_("loại đất"), max_length=10)
    area_m2 = models.DecimalField(_("diện tích pháp lý (m²)"), max_digits=14, decimal_places=1)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True, db_default="")
    commune_code_2025 = models.CharField(
        _("mã xã từ 01/7/2025"), max_length=5, blank=True, db_default="",
        help_text=_("đơn vị hành chính kế tiếp của mã xã (nạp với --to-2025)"))
    address_original = models.CharField(
        _("địa chỉ gốc"), max_length=255, blank=True, db_default="",
        help_text=_("địa chỉ như trong tệp nguồn, khi địa chỉ được đổi sang đơn vị 2025"))
    owner_name = models.CharField(_("người sử dụng đất"), max_length=255, blank=True, db_default="")
    owner_id_number = models.CharField(_("số CCCD"), max_length=20, blank=True, db_default="")
    certificate_number = models.CharField(_("số giấy chứng nhận"), max_length=30, blank=True, db_default="")
    geom = native_geometry(LAYER)
    geom_4326 = web_geometry(LAYER)

    Meta = layer_meta("land_parcels")

    def __str__(self) -> str:
        return f"Thửa {self.parcel_no}, tờ {self.sheet_no} ({self.commune_code})"


class LandUsePlanZone(Feature):
    LAYER = "land_use_plan_zones"
    plan_code = models.CharField(_("mã khoanh quy hoạch"), max_length=30)
    land_use_code = models.CharField(_("loại đất quy hoạch"), max_length=10)
    period = models.CharField(_("kỳ quy hoạch"), max_length=20)
    commune_code = models.CharField(_("mã xã"), max_length=5, blank=True, db_default="")
    approved_by = models.CharField(_("cơ quan phê duyệt"), max_length=255)
    approved_on = models.DateField(_("ngày phê duyệt"))
    geom = native_geometry(LAYER)
    geom_4326 = web_geometry(LAYER)

    Meta = layer_meta("land_use_plan_zones")


class River(Feature):
    LAYER = "rivers"
    name = models.CharField(_("tên"), max_length=100)
    kind = models.CharField(_("loại"), max_length=20, help_text=_("sông, suối, kênh"))
    length_m = models.FloatField(_("chiều dài (m)"), null=True, blank=True)
    geom = native_geometry(LAYER)
    geom_4326 = web_geometry(LAYER)

    Meta = layer_meta("rivers")


class WaterBody(Feature):
    LAYER = "water_bodies"
    name = models.CharField(_("tên"), max_length=100)
    kind = models.CharField(_("loại"), max_length=20, help_text=_("hồ, ao, đầm"))
    area_m2 = models.FloatField(_("diện tích (m²)"), null=True, blank=True)
    geom = native_geometry(LAYER)
    geom_4326 = web_geometry(LAYER)

    Meta = layer_meta("water_bodies")


class MineralSite(Feature):
    LAYER = "mineral_sites"
    license_number = models.CharField(_("số giấy phép"), max_length=40)
    mineral = models.CharField(_("loại khoáng sản"), max_length=100)
    license_status = models.CharField(_("tình trạng giấy phép"), max_length=20)
    licensee = models.CharField(_("tổ chức được cấp phép"), max_length=255)
    geom = native_geometry(LAYER)
    geom_4326 = web_geometry(LAYER)

    Meta = layer_meta("mineral_sites")


class ForestArea(Feature):
    LAYER = "forest_areas"
    FOREST_TYPES = ("production", "protection", "special_use")
    plot_code = models.CharField(_("mã lô rừng"), max_length=30,
                                 help_text=_("tiểu khu-khoảnh-lô"))
    forest_type = models.CharField(_("loại rừng"), max_length=20)
    area_m2 = models.FloatField(_("diện tích (m²)"), null=True, blank=True)
    geom = native_geometry(LAYER)
    geom_4326 = web_geometry(LAYER)

    Meta = layer_meta("forest_areas")


class Road(Feature):
    LAYER = "roads"
    ROAD_CLASSES = ("national", "provincial", "district", "commune", "urban")
    code = models.CharField(_("mã đường"), max_length=20)
    name = models.CharField(_("tên"), max_length=150, blank=True, db_default="")
    road_class = models.CharField(_("cấp quản lý"), max_length=20)
    surface = models.CharField(_("kết cấu mặt"), max_length=30, blank=True, db_default="")
    lanes = models.PositiveSmallIntegerField(_("số làn xe"), null=True, blank=True)
    width_m = models.FloatField(_("bề rộng mặt (m)"), null=True, blank=True)
    geom = native_geometry(LAYER)
    geom_4326 = web_geometry(LAYER)

    Meta = layer_meta("roads")


class Bridge(Feature):
    LAYER = "bridges"
    name = models.CharField(_("tên cầu"), max_length=100)
    road_code = models.CharField(_("mã đường"), max_length=20)
    length_m = models.FloatField(_("chiều dài (m)"), null=True, blank=True)
    load_limit_t = models.FloatField(_("tải trọng cho phép (tấn)"), null=True, blank=True)
    geom = native_geometry(LAYER)
    geom_4326 = web_geometry(LAYER)

    Meta = layer_meta("bridges")


class Railway(Feature):
    LAYER = "railways"
    name = models.CharField(_("tên tuyến"), max_length=100)
    gauge = models.CharField(_("khổ đường"), max_length=20, help_text=_("1000, 1435 hoặc lồng"))
    length_m = models.FloatField(_("chiều dài (m)"), null=True, blank=True)
    geom = native_geometry(LAYER)
    geom_4326 = web_geometry(LAYER)

    Meta = layer_meta("railways")


class Building(Feature):
    LAYER = "buildings"
    code = models.CharField(_("mã công trình"), max_length=30)
    use = models.CharField(_("công năng"), max_length=50)
    floors = models.PositiveSmallIntegerField(_("số tầng"), null=True, blank=True)
    height_m = models.FloatField(_("chiều cao (m)"), null=True, blank=True)
    geom = native_geometry(LAYER)
    geom_4326 = web_geometry(LAYER)

    Meta = layer_meta("buildings")


class ConstructionPermit(Feature):
    LAYER = "construction_permits"
    permit_number = models.CharField(_("số giấy phép"), max_length=40)
    issued_on = models.DateField(_("ngày cấp"))
    status = models.CharField(_("tình trạng"), max_length=20)
    purpose = models.CharField(_("mục đích"), max_length=255)
    investor_name = models.CharField(_("chủ đầu tư"), max_length=255)
    geom = native_geometry(LAYER)
    geom_4326 = web_geometry(LAYER)

    Meta = layer_meta("construction_permits")


class UrbanPlanningZone(Feature):
    LAYER = "urban_planning_zones"
    zone_code = models.CharField(_("ký hiệu ô quy hoạch"), max_length=30)
    function = models.CharField(_("chức năng"), max_length=100)
    max_far = models.FloatField(_("hệ số sử dụng đất tối đa"), null=True, blank=True)
    max_height_m = models.FloatField(_("chiều cao tối đa (m)"), null=True, blank=True)
    max_density_pct = models.FloatField(_("mật độ xây dựng tối đa (%)"), null=True, blank=True)
    geom = native_geometry(LAYER)
    geom_4326 = web_geometry(LAYER)

    Meta = layer_meta("urban_planning_zones")


def model_for(layer_id: str) -> type[Feature]:
    """The model class of a registry layer."""
    layer = registry.get(layer_id)
    return globals()[layer.model]


# Columns of a layer table that are not attributes (geometries, internal links), and the
# columns the triggers keep (every table has them, published ones too).
NOT_ATTRIBUTES = frozenset({"id", "geom", "geom_4326", "ingest_batch"})
SYSTEM_COLUMNS = ("created_at", "updated_at", "version")


def attribute_columns(layer: registry.Layer) -> tuple[tuple[str, str], ...]:
    """(column, Vietnamese title) of every attribute of a layer, sensitive ones included,
    in table order: a curated layer's from its model, a published one's from the catalog."""
    if layer.published:
        system = tuple((name, str(Feature._meta.get_field(name).verbose_name))
                       for name in SYSTEM_COLUMNS)
        return system + tuple((a.name, a.title) for a in layer.attributes)
    return tuple((f.column, str(f.verbose_name)) for f in model_for(layer.id)._meta.concrete_fields
                  if f.name not in NOT_ATTRIBUTES)


class FeatureHistory(models.Model):
    """One captured version of a feature (written by triggers, migration 0004; read-only)."""

    layer = models.TextField(_("lớp"))
    feature_id = models.BigIntegerField(_("mã đối tượng"))
    version = models.IntegerField(_("phiên bản"))
    operation = models.CharField(_("thao tác"), max_length=1,
                                 choices=[("I", _("thêm")), ("U", _("sửa")), ("D", _("xóa"))])
    changed_at = models.DateTimeField(_("thời điểm"))
    actor = models.TextField(_("người thực hiện"))
    data = models.JSONField(_("thuộc tính"))
    geom = models.GeometryField(_("hình học"), srid=STORAGE_SRID, null=True)

    class Meta:
        managed = False
        db_table = "feature_history"
        verbose_name = _("Lịch sử đối tượng")
        verbose_name_plural = _("Lịch sử đối tượng")
        ordering = ["layer", "feature_id", "-version"]


class FeatureTombstone(models.Model):
    """A deleted feature, for change feeds (written by triggers; read-only)."""

    pk = models.CompositePrimaryKey("layer", "feature_id")
    layer = models.TextField(_("lớp"))
    feature_id = models.BigIntegerField(_("mã đối tượng"))
    version = models.IntegerField(_("phiên bản"))
    deleted_at = models.DateTimeField(_("xóa lúc"))
    actor = models.TextField(_("người thực hiện"))

    class Meta:
        managed = False
        db_table = "feature_tombstones"
        verbose_name = _("Đối tượng đã xóa")
        verbose_name_plural = _("Đối tượng đã xóa")


class LayerReplacement(models.Model):
    """A whole-layer replace: one change-feed event (layers/changefeed.py; written by ingest)."""

    id = models.BigAutoField(primary_key=True)
    layer = models.TextField(_("lớp"))
    replaced_at = models.DateTimeField(_("thay thế lúc"))
    batch_id = models.BigIntegerField(_("lô nhập"), null=True)
    actor = models.TextField(_("người thực hiện"))
    features = models.BigIntegerField(_("số đối tượng bị thay"))

    class Meta:
        db_table = "layer_replacements"
        indexes = [models.Index(fields=["layer", "replaced_at"], name="layer_replacements_time")]
        verbose_name = _("Lần thay thế cả lớp")
        verbose_name_plural = _("Lần thay thế cả lớp")


class LayerRowCount(models.Model):
    """One statement's change of a layer's number of rows (layers/sql.py, COMPACT_ROW_COUNTS):
    their sum is the layer's exact count, read by a page with no filter."""

    id = models.BigAutoField(primary_key=True)
    layer = models.TextField(_("lớp"))
    n = models.BigIntegerField(_("số đối tượng thêm (bớt)"))

    class Meta:
        db_table = "layer_row_counts"
        indexes = [models.Index(fields=["layer"], name="layer_row_counts_layer")]
        verbose_name = _("Số đối tượng của lớp")
        verbose_name_plural = _("Số đối tượng của lớp")


class ChangeFeedHorizon(models.Model):
    """Before this time a layer's tombstones may have been pruned (written by the pruner)."""

    layer = models.TextField(_("lớp"), primary_key=True)
    pruned_before = models.DateTimeField(_("đã dọn trước"))

    class Meta:
        db_table = "change_feed_horizons"
        verbose_name = _("Mốc dọn dấu vết xóa")
        verbose_name_plural = _("Mốc dọn dấu vết xóa")


class TileInvalidation(models.Model):
    """A changed bounding box whose tiles must be refreshed (queue; consumers delete rows)."""

    layer = models.TextField(_("lớp"))
    bbox = models.PolygonField(_("khung bao"), srid=WEB_SRID)
    created_at = models.DateTimeField(_("thời điểm"))

    class Meta:
        managed = False
        db_table = "tile_invalidations"
        verbose_name = _("Vùng ảnh bản đồ cần làm mới")
        verbose_name_plural = _("Vùng ảnh bản đồ cần làm mới")


class CatalogEntry(models.Model):
    """A row of the run-time catalog (``layer_catalog``), for the admin's list.

    Read-only here: every change goes through ``layers.catalog_edit`` (validation, audit,
    notice to every worker), never a model save.
    """

    id = models.TextField(_("mã lớp"), primary_key=True)
    origin = models.TextField(_("nguồn gốc"), choices=[("curated", _("có sẵn")),
                                                       ("published", _("xuất bản"))])
    table_name = models.TextField(_("bảng"))
    title_vi = models.TextField(_("tên (tiếng Việt)"))
    title_en = models.TextField(_("tên (tiếng Anh)"))
    sector = models.TextField(_("ngành"), choices=[(s.value, registry.SECTOR_TITLES[s][0])
                                                  for s in registry.Sector])
    geometry = models.TextField(_("kiểu hình học"))
    access = models.TextField(_("mức truy cập"), choices=[("public", _("công khai")),
                                                          ("internal", _("nội bộ"))])
    sensitive = ArrayField(models.TextField(), verbose_name=_("thuộc tính nhạy cảm"))
    style = models.JSONField(_("kiểu hiển thị"))
    min_zoom = models.IntegerField(_("mức thu phóng nhỏ nhất"))
    max_zoom = models.IntegerField(_("mức thu phóng lớn nhất"))
    features = models.BooleanField(_("dịch vụ đối tượng"))
    tiles = models.BooleanField(_("ảnh bản đồ"))
    editable = models.BooleanField(_("cho phép sửa"))
    position = models.IntegerField(_("thứ tự"))
    retired_at = models.DateTimeField(_("ngừng dùng lúc"), null=True)

    class Meta:
        managed = False
        db_table = "layer_catalog"
        verbose_name = _("Danh mục lớp")
        verbose_name_plural = _("Danh mục lớp")
        ordering = ["position", "id"]
        default_permissions = ("view",)
        permissions = [("change_catalog", _("Có thể thay đổi danh mục lớp"))]

    def __str__(self) -> str:
        return f"{self.title_vi} ({self.id})"
