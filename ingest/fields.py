# SPDX-License-Identifier: MIT
"""Field mapping: target attributes from the mapping file or recognised source names,
type coercion and domain checks, column by column (vectorised with Arrow where it can be)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from django.db import models

from ingest.errors import IngestError
from layers import registry
from layers.models import Feature, ForestArea, Road, model_for

SKIPPED = {"id", "created_at", "updated_at", "version", "ingest_batch", "geom", "geom_4326"}

# common source names (accents and separators removed, lower case) -> target attribute
ALIASES: dict[str, tuple[str, ...]] = {
    "sheet_no": ("soto", "sohieutobando", "sotobando", "tobando", "shtobando", "to"),
    "parcel_no": ("sothua", "sothututhua", "sohieuthua", "thua", "shthua"),
    "land_use_code": ("maloaidat", "loaidat", "mdsd", "mucdichsudung", "kyhieumdsd", "madat"),
    "area_m2": ("dientich", "dientichpl", "dientichphaply", "dt", "dtich"),
    "owner_name": ("tenchu", "chusudung", "chusd", "tenchusudung", "tennguoisudung", "hoten"),
    "address": ("diachi", "diachithua"),
    "commune_code": ("maxa", "maxaphuong", "madvhcxa"),
    "owner_id_number": ("socmnd", "cmnd", "socccd", "cccd", "sodinhdanh"),
    "certificate_number": ("sogcn", "sogiaychungnhan", "soseri", "sophathanh"),
    "name": ("ten",),
    "kind": ("loai",),
    "code": ("ma",),
}


@dataclass(frozen=True)
class FieldSpec:
    """One target attribute: its type, limits and allowed values."""

    name: str
    kind: str  # text | int | decimal | float | date | value (text that PostgreSQL parses)
    required: bool
    max_length: int | None = None
    positive: bool = False
    max_abs: float | None = None
    domain: frozenset[str] | None = None
    upper: bool = False


def _kind(field: models.Field) -> str:
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.IntegerField):
        return "int"
    if isinstance(field, models.DecimalField):
        return "decimal"
    if isinstance(field, models.FloatField):
        return "float"
    return "text"


def static_domains(layer_id: str) -> dict[str, frozenset[str]]:
    """Allowed values known without the database (national land-use list, model choices)."""
    domains = {"land_use_code": frozenset(registry.LAND_USE_CODES)}
    if layer_id == "forest_areas":
        domains["forest_type"] = frozenset(ForestArea.FOREST_TYPES)
    if layer_id == "roads":
        domains["road_class"] = frozenset(Road.ROAD_CLASSES)
    return domains


def _spec(field: models.Field, domains: dict[str, frozenset[str]]) -> FieldSpec:
    kind = _kind(field)
    max_abs = None
    if isinstance(field, models.DecimalField):
        max_abs = 10.0 ** (field.max_digits - field.decimal_places)
    elif isinstance(field, models.SmallIntegerField):
        max_abs = 2.0 ** 15  # the column's range: past it, the row is rejected (not the load)
    elif isinstance(field, models.IntegerField) and not isinstance(field,
                                                                   models.BigIntegerField):
        max_abs = 2.0 ** 31
    return FieldSpec(field.name, kind, required=not (field.null or field.blank),
                     max_length=getattr(field, "max_length", None) if kind == "text" else None,
                     positive=isinstance(field, models.PositiveIntegerField | models.PositiveSmallIntegerField),
                     max_abs=max_abs, domain=domains.get(field.name),
                     upper=field.name in ("land_use_code",))


def layer_fields(model: type[Feature], domains: dict[str, frozenset[str]]) -> list[FieldSpec]:
    """The attributes ingest fills for a layer model, in model order."""
    return [_spec(field, domains) for field in model._meta.concrete_fields
            if field.name not in SKIPPED and not isinstance(field, models.GeneratedField)]


def normalise(name: str) -> str:
    """A field name without accents, separators or case: 'Số_Tờ' -> 'soto'."""
    plain = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in plain if not unicodedata.combining(c)).lower())


@dataclass
class FieldPlan:
    """Which source column (index into the source's fields) fills each target attribute."""

    specs: list[FieldSpec]
    sources: dict[str, int]
    names: list[str]

    def described(self) -> dict[str, str]:
        return {target: self.names[index] for target, index in self.sources.items()}


# a published attribute's type -> the coercion kind (its SQL type: ingest/publish_sql.py)
PUBLISHED_KINDS = {"text": "text", "integer": "int", "number": "float", "date": "date",
                   "datetime": "value", "boolean": "value"}


def published_fields(layer: registry.Layer) -> list[FieldSpec]:
    """The attributes of a published layer (from the catalog; none is required)."""
    return [FieldSpec(a.name, PUBLISHED_KINDS[a.type], required=False)
            for a in layer.attributes]


def specs_for(layer: registry.Layer, domains: dict[str, frozenset[str]]) -> list[FieldSpec]:
    """What ingest fills: a curated layer's model fields, a published layer's attributes."""
    if layer.published:
        return published_fields(layer)
    return layer_fields(model_for(layer.id), domains)


def plan(layer: registry.Layer, names: list[str], explicit: dict[str, str],
         domains: dict[str, frozenset[str]]) -> FieldPlan:
    """Explicit mapping first, then recognised names; missing required attributes are errors."""
    layer_id = layer.id
    specs = specs_for(layer, domains)
    titles = {a.name: a.title for a in layer.attributes}
    explicit = {**{name: title for name, title in titles.items() if title in names}, **explicit}
    known = {spec.name for spec in specs}
    by_name = {name: index for index, name in enumerate(names)}
    sources: dict[str, int] = {}
    for target, source in explicit.items():
        if target not in known:
            raise IngestError(f"tệp ánh xạ có thuộc tính {target!r} không có trong lớp "
                              f"{layer_id}; các thuộc tính: {', '.join(sorted(known))}")
        if source not in by_name:
            raise IngestError(f"tệp ánh xạ trỏ {target} tới trường {source!r} không có trong "
                              f"tệp nguồn; các trường: {', '.join(names)}")
        sources[target] = by_name[source]
    _recognise(specs, names, sources)
    missing = [spec.name for spec in specs if spec.required and spec.name not in sources]
    if missing:
        raise IngestError(f"thiếu thuộc tính bắt buộc {', '.join(missing)} của lớp {layer_id}: "
                          f"thêm vào mục fields của tệp ánh xạ, ví dụ '{missing[0]}: <tên trường>' "
                          f"(các trường nguồn: {', '.join(names)})")
    return FieldPlan(specs, sources, names)


DBF_NAME_LENGTH = 10


def _matches(name: str, raw: str, alias: str) -> bool:
    """Equal, or a dBASE name cut at 10 characters ('SoHieuToBa' for SoHieuToBanDo)."""
    return name == alias or (len(raw) == DBF_NAME_LENGTH and len(name) >= 6
                             and alias.startswith(name))


def _recognise(specs: list[FieldSpec], names: list[str], sources: dict[str, int]) -> None:
    """Fill unmapped attributes from source names equal to the target or a known alias."""
    taken = set(sources.values())
    normalised = [normalise(name) for name in names]
    for spec in specs:
        if spec.name in sources:
            continue
        for alias in (normalise(spec.name), *ALIASES.get(spec.name, ())):
            found = next((i for i, name in enumerate(normalised)
                          if i not in taken and _matches(name, names[i], alias)), None)
            if found is not None:
                sources[spec.name] = found
                taken.add(found)
                break


# --- coercion ------------------------------------------------------------------------------
Rejects = dict[int, str]


def _parse_number(text: str) -> float:
    """'1.234,5' / '1234,5' / '1234.5' -> 1234.5 (Vietnamese decimal comma accepted)."""
    value = text.strip().replace(" ", "")
    if "," in value and "." in value:
        value = value.replace(".", "").replace(",", ".")
    elif "," in value:
        value = value.replace(",", ".")
    return float(value)


def _parse_date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text.strip()[:10], pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _per_value(values: list, parse: Callable, label: str, spec: FieldSpec,
               rejects: Rejects) -> list:
    """Parse values one by one, recording a reason for each that fails."""
    out = []
    for index, value in enumerate(values):
        if value is None or (isinstance(value, str) and not value.strip()):
            out.append(None)
            continue
        try:
            out.append(parse(value))
        except (ValueError, TypeError, OverflowError):
            rejects.setdefault(index, f"{spec.name}: {value!r} không phải {label}")
            out.append(None)
    return out


def _int(value) -> int:
    number = _parse_number(value) if isinstance(value, str) else float(value)
    if number != int(number):
        raise ValueError(value)
    return int(number)


def _numeric(array: pa.Array, spec: FieldSpec, rejects: Rejects, integer: bool) -> pa.Array:
    target = pa.int64() if integer else pa.float64()
    if pa.types.is_integer(array.type) or (pa.types.is_floating(array.type) and not integer):
        return array.cast(target)
    parse = _int if integer else (lambda v: _parse_number(v) if isinstance(v, str) else float(v))
    label = "số nguyên" if integer else "số"
    return pa.array(_per_value(array.to_pylist(), parse, label, spec, rejects), target)


def _date(array: pa.Array, spec: FieldSpec, rejects: Rejects) -> pa.Array:
    if pa.types.is_date(array.type):
        return array.cast(pa.date32())
    if pa.types.is_timestamp(array.type):
        return pc.cast(array, pa.date32())
    return pa.array(_per_value(array.to_pylist(), _parse_date, "ngày (dd/mm/yyyy)", spec,
                               rejects), pa.date32())


def _text(array: pa.Array, spec: FieldSpec) -> pa.Array:
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = pc.cast(array, pa.string())
    array = pc.utf8_trim_whitespace(array.cast(pa.string()))
    return pc.utf8_upper(array) if spec.upper else array


def _flag(mask: pa.Array, reason: Callable[[int], str], rejects: Rejects) -> None:
    for index in pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist():
        rejects.setdefault(index, reason(index))


def too_long(spec: FieldSpec) -> str:
    return f"{spec.name} dài quá {spec.max_length} ký tự"


def _limits(array: pa.Array, spec: FieldSpec, rejects: Rejects) -> pa.Array:
    """Required, length, sign, magnitude and domain checks of a coerced column."""
    if spec.kind == "text":
        empty = pc.equal(pc.fill_null(array, ""), "")
        if spec.required:
            _flag(empty, lambda i: f"thiếu {spec.name}", rejects)
        if spec.max_length:
            _flag(pc.greater(pc.utf8_length(array), spec.max_length),
                  lambda i: too_long(spec), rejects)
        if spec.domain is not None:
            outside = pc.and_(pc.invert(empty), pc.invert(pc.is_in(array, pa.array(sorted(spec.domain)))))
            _flag(outside, lambda i: f"{spec.name} {array[i].as_py()!r} không có trong danh mục",
                  rejects)
        return pc.fill_null(array, "") if not spec.required else array
    if spec.required:
        _flag(pc.is_null(array), lambda i: f"thiếu {spec.name}", rejects)
    if spec.positive:
        _flag(pc.less(array, 0), lambda i: f"{spec.name} âm: {array[i].as_py()}", rejects)
    if spec.max_abs is not None:
        _flag(pc.greater_equal(pc.abs(array), spec.max_abs),
              lambda i: f"{spec.name} quá lớn: {array[i].as_py()}", rejects)
    return array


def coerce(array: pa.Array | None, spec: FieldSpec, length: int, rejects: Rejects) -> pa.Array:
    """One target column from its (decoded) source column, recording rejections by row."""
    if array is None:
        array = pa.nulls(length)
    if spec.kind in ("text", "value"):
        array = _text(array, spec)
    elif spec.kind in ("int", "float", "decimal"):
        array = _numeric(array, spec, rejects, integer=spec.kind == "int")
    else:
        array = _date(array, spec, rejects)
    return _limits(array, spec, rejects)
