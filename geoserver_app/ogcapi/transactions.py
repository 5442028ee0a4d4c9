# SPDX-License-Identifier: MIT
"""OGC API Features Part 4 (create, replace, update, delete), framework-free.

Each operation takes the grant, the layer and the request parts and returns a ``Result``;
``views.py`` adapts it to Django. Checks in order: collection exists (404), anonymous (401),
readable (404), writable (403), body (400/413), geometry and attributes (400 with every
reason), version (412 on a stale ``If-Match``). The write runs in one transaction with
``basemap.actor`` set, so the database triggers record who did it (history, tombstones,
tile invalidations).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus

import psycopg2
from django.core.exceptions import ValidationError
from django.db import models as djm

from geoserver_app import errors
from geoserver_app.ogcapi import db, queries, schema
from layers import catalog, models, province, registry
from layers.grants import Grant

MAX_BODY = 10 * 1024 * 1024
CRS_URIS = {f"http://www.opengis.net/def/crs/EPSG/0/{srid}": srid
            for srid in (4326, 3857, 3405, 9214)}
CRS_URIS["http://www.opengis.net/def/crs/OGC/1.3/CRS84"] = queries.CRS84_SRID
DOMAINS = {"land_use_code": tuple(registry.LAND_USE_CODES),
           "forest_type": models.ForestArea.FOREST_TYPES,
           "road_class": models.Road.ROAD_CLASSES}


@dataclass
class Result:
    status: int
    body: dict | None = None
    headers: dict = field(default_factory=dict)


class Refused(Exception):
    """The request cannot be carried out; ``result`` says why."""

    def __init__(self, status: int, code: str, *reasons: str, headers: dict | None = None):
        super().__init__(reasons)
        self.result = Result(status, errors.body(code, "; ".join(reasons), reasons=list(reasons)),
                             headers or {})


def etag(layer: registry.Layer, fid: int, version: int) -> str:
    """The strong, version-based ETag of a feature's GeoJSON representation."""
    return f'"{layer.id}.{fid}.v{version}"'


def actor(grant: Grant) -> str:
    """What the triggers record as the author: ``token:<name>``."""
    return grant.name if grant.name.startswith("token:") else f"token:{grant.name}"


def authorize(grant: Grant, layer_id: str) -> registry.Layer:
    """The layer if ``grant`` may write it; else Refused with 404/401/403."""
    try:
        layer = catalog.current().get(layer_id)
    except KeyError:
        raise Refused(HTTPStatus.NOT_FOUND, "NotFound", f"không có lớp {layer_id!r} "
                      "(collection not found)") from None
    if grant.anonymous:
        raise Refused(HTTPStatus.UNAUTHORIZED, "Unauthorized",
                      "cần mã truy cập: gửi 'Authorization: Bearer <token>' "
                      "(a token is required to write)", headers={"WWW-Authenticate": "Bearer"})
    if not grant.can_read(layer.id):
        raise Refused(HTTPStatus.NOT_FOUND, "NotFound", f"không có lớp {layer_id!r} "
                      "(collection not found)")
    if not grant.can_write(layer.id) or not layer.editable:
        raise Refused(HTTPStatus.FORBIDDEN, "Forbidden",
                      f"mã truy cập không có quyền ghi lớp {layer.id} "
                      "(this token may not write this collection)")
    return layer


def parse_feature(body: bytes) -> dict:
    """A GeoJSON Feature from a request body, else Refused 400/413."""
    if len(body) > MAX_BODY:
        raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "PayloadTooLarge",
                      f"nội dung quá lớn, tối đa {MAX_BODY // 1048576} MB (body too large)")
    try:
        feature = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(HTTPStatus.BAD_REQUEST, "InvalidParameterValue",
                      "body: không phải JSON (the body is not JSON)") from None
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise Refused(HTTPStatus.BAD_REQUEST, "InvalidParameterValue",
                      "body: cần một GeoJSON Feature (a GeoJSON Feature is required)")
    if not isinstance(feature.get("properties", {}) or {}, dict):
        raise Refused(HTTPStatus.BAD_REQUEST, "InvalidParameterValue",
                      "properties: cần một đối tượng JSON (properties must be an object)")
    return feature


def content_srid(header: str | None) -> int:
    """The SRID of a Content-Crs header (absent: CRS84)."""
    if not header:
        return queries.CRS84_SRID
    uri = header.strip().strip("<>")
    if uri not in CRS_URIS:
        raise Refused(HTTPStatus.BAD_REQUEST, "InvalidParameterValue",
                      f"Content-Crs: không hỗ trợ {uri} (unsupported; use one of "
                      f"{', '.join(sorted(CRS_URIS))})")
    return CRS_URIS[uri]


# the form field that checks a published attribute's value (a curated one's: its model's)
_PUBLISHED_FIELDS = {
    "text": lambda: djm.TextField(blank=True, null=True),
    "integer": lambda: djm.BigIntegerField(blank=True, null=True),
    "number": lambda: djm.FloatField(blank=True, null=True),
    "date": lambda: djm.DateField(blank=True, null=True),
    "datetime": lambda: djm.DateTimeField(blank=True, null=True),
    "boolean": lambda: djm.BooleanField(blank=True, null=True),
}


def attribute_fields(layer: registry.Layer) -> dict[str, djm.Field]:
    """The model field of each attribute, by name (built from the catalog if published)."""
    if layer.published:
        return {a.name: _PUBLISHED_FIELDS[a.type]() for a in layer.attributes}
    return {f.name: f for f in models.model_for(layer.id)._meta.get_fields()
            if isinstance(f, djm.Field)}


def clean_properties(layer: registry.Layer, grant: Grant, properties: dict,
                     partial: bool) -> dict:
    """Validated column values; Refused 400 listing every problem."""
    writable = {a.name for a in schema.writable_attributes(layer)} - set(
        grant.hidden_attributes(layer))
    model_fields = attribute_fields(layer)
    reasons = [f"{name}: không có thuộc tính này (unknown or read-only property)"
               for name in properties if name not in writable]
    values = {}
    for name in sorted(writable):
        if partial and name not in properties:
            continue
        model_field = model_fields[name]
        value = properties.get(name, "" if model_field.blank and not model_field.null else None)
        try:
            values[name] = model_field.clean(value, None)
        except ValidationError as err:
            reasons.append(f"{name}: {' '.join(err.messages)}")
            continue
        if name in DOMAINS and values[name] not in DOMAINS[name]:
            reasons.append(f"{name}: {values[name]!r} không thuộc danh mục "
                           f"(not one of {', '.join(DOMAINS[name])})")
    if reasons:
        raise Refused(HTTPStatus.BAD_REQUEST, "InvalidParameterValue", *reasons)
    return values


def stored_geometry(cursor, layer: registry.Layer, geometry: object, srid: int) -> bytes:
    """The EWKB of the geometry in EPSG:9214 after checking type, validity and extent."""
    if not isinstance(geometry, dict):
        raise Refused(HTTPStatus.BAD_REQUEST, "InvalidParameterValue",
                      "geometry: cần hình học GeoJSON (a GeoJSON geometry is required)")
    multi = layer.geometry is not registry.Geometry.POINT
    xmin, ymin, xmax, ymax = province.BBOX
    try:
        cursor.execute("SAVEPOINT geometry_check")
        cursor.execute(queries.check_geometry(srid, multi),
                       {"geojson": json.dumps(geometry), "xmin": xmin, "ymin": ymin,
                        "xmax": xmax, "ymax": ymax})
        kind, valid, reason, inside, ewkb = cursor.fetchone()
    except (psycopg2.DataError, psycopg2.InternalError, psycopg2.ProgrammingError):
        cursor.execute("ROLLBACK TO SAVEPOINT geometry_check")
        raise Refused(HTTPStatus.BAD_REQUEST, "InvalidParameterValue",
                      "geometry: GeoJSON không hợp lệ (invalid GeoJSON geometry)") from None
    reasons = []
    if kind != layer.geometry.value.upper():
        reasons.append(f"geometry: cần {layer.geometry.value}, nhận {kind} "
                       f"(expected {layer.geometry.value})")
    elif not valid:
        reasons.append(f"geometry: không hợp lệ ({reason})")
    elif not inside:
        reasons.append("geometry: nằm ngoài phạm vi tỉnh (outside the province)")
    if reasons:
        raise Refused(HTTPStatus.BAD_REQUEST, "InvalidParameterValue", *reasons)
    return bytes(ewkb)


def _database_refusal(err: psycopg2.Error) -> Refused:
    """A write the database refused (unique natural key, a constraint): 409 or 400."""
    message = (err.diag.message_primary or "").strip() or "the database refused the change"
    if isinstance(err, psycopg2.IntegrityError):
        return Refused(HTTPStatus.CONFLICT, "Conflict",
                       f"trùng khóa tự nhiên hoặc vi phạm ràng buộc ({message}); "
                       "sửa đối tượng đã có thay vì tạo mới (use PUT on the existing feature)")
    return Refused(HTTPStatus.BAD_REQUEST, "InvalidParameterValue",
                   f"cơ sở dữ liệu từ chối thay đổi ({message})")


def _write(cursor, statement: object, params: list) -> None:
    """Run a write; a refusal by the database becomes a Refused (409/400), never a 500."""
    try:
        cursor.execute(statement, params)
    except (psycopg2.IntegrityError, psycopg2.DataError, psycopg2.InternalError) as err:
        if isinstance(err, db.STANDBY_ERRORS):
            raise  # not a refusal: a node that is no longer the primary (db.connection: 503)
        raise _database_refusal(err) from None


def _feature_id(text: str) -> int:
    if not str(text).isdigit() or int(text) > queries.MAX_ID:
        raise Refused(HTTPStatus.NOT_FOUND, "NotFound", f"không có đối tượng {text}")
    return int(text)


def _if_match(layer: registry.Layer, fid: int, header: str | None) -> int | None:
    """The version the client expects (None without If-Match); 412 when not ours."""
    if not header or header.strip() == "*":
        return None
    prefix = f'"{layer.id}.{fid}.v'
    value = header.strip()
    if not value.startswith(prefix) or not value.endswith('"') or not value[
            len(prefix):-1].isdigit():
        raise Refused(HTTPStatus.PRECONDITION_FAILED, "PreconditionFailed",
                      "If-Match: ETag không khớp; đọc lại đối tượng (stale ETag; GET it again)")
    return int(value[len(prefix):-1])


def _stale_or_missing(cursor, layer: registry.Layer, fid: int) -> Refused:
    cursor.execute(queries.feature_version(layer.table), [fid])
    if cursor.fetchone() is None:
        return Refused(HTTPStatus.NOT_FOUND, "NotFound", f"không có đối tượng {fid} "
                       "(no such feature)")
    return Refused(HTTPStatus.PRECONDITION_FAILED, "PreconditionFailed",
                   "If-Match: đối tượng đã bị sửa; đọc lại rồi gửi lại (changed since; "
                   "GET it again)")


def create(grant: Grant, layer_id: str, body: bytes, crs: str | None, base_url: str) -> Result:
    """POST /collections/{id}/items: 201 with Location and ETag."""
    try:
        layer = authorize(grant, layer_id)
        feature = parse_feature(body)
        values = clean_properties(layer, grant, feature.get("properties") or {}, False)
        srid = content_srid(crs)
        with db.connection() as conn, conn.cursor() as cursor:
            ewkb = stored_geometry(cursor, layer, feature.get("geometry"), srid)
            cursor.execute(queries.SET_ACTOR, [actor(grant)])
            _write(cursor, queries.insert_feature(layer.table, list(values)),
                   [*values.values(), ewkb])
            fid, version = cursor.fetchone()
    except Refused as refused:
        return refused.result
    location = f"{base_url}/collections/{layer.id}/items/{fid}"
    return Result(HTTPStatus.CREATED, None, {"Location": location,
                                             "ETag": etag(layer, fid, version)})


def update(grant: Grant, layer_id: str, item: str, body: bytes, crs: str | None,
           if_match: str | None, partial: bool) -> Result:
    """PUT (replace, ``partial`` False) or PATCH (merge) an item: 204 with the new ETag."""
    try:
        layer = authorize(grant, layer_id)
        fid = _feature_id(item)
        expected = _if_match(layer, fid, if_match)
        feature = parse_feature(body)
        values = clean_properties(layer, grant, feature.get("properties") or {}, partial)
        srid = content_srid(crs)
        with db.connection() as conn, conn.cursor() as cursor:
            has_geometry = not partial or feature.get("geometry") is not None
            ewkb = [stored_geometry(cursor, layer, feature.get("geometry"), srid)] if (
                has_geometry) else []
            cursor.execute(queries.SET_ACTOR, [actor(grant)])
            _write(cursor, queries.update_feature(layer.table, list(values), has_geometry,
                                                  expected is not None),
                   [*values.values(), *ewkb, fid, *([expected] if expected is not None else [])])
            row = cursor.fetchone()
            if row is None:
                raise _stale_or_missing(cursor, layer, fid)
    except Refused as refused:
        return refused.result
    return Result(HTTPStatus.NO_CONTENT, None, {"ETag": etag(layer, fid, row[0])})


def delete(grant: Grant, layer_id: str, item: str, if_match: str | None) -> Result:
    """DELETE an item: 204 (the trigger writes its tombstone)."""
    try:
        layer = authorize(grant, layer_id)
        fid = _feature_id(item)
        expected = _if_match(layer, fid, if_match)
        with db.connection() as conn, conn.cursor() as cursor:
            cursor.execute(queries.SET_ACTOR, [actor(grant)])
            _write(cursor, queries.delete_feature(layer.table, expected is not None),
                   [fid, *([expected] if expected is not None else [])])
            if cursor.fetchone() is None:
                raise _stale_or_missing(cursor, layer, fid)
    except Refused as refused:
        return refused.result
    return Result(HTTPStatus.NO_CONTENT)
