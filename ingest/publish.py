# SPDX-License-Identifier: MIT
"""Publish a new layer from a source file: its table, its first load and its catalog row.

The same readers, encoding repair, CRS resolution, geometry checks and report as
``ingest`` (``ingest.steps``); only the first steps differ: the schema comes from the source
(typed columns, safe names, ``ingest.names``), and the features are COPYed straight into
the new table (``load.Direct``: no staging table), whose key, indexes and triggers follow.
Everything, from CREATE TABLE to the catalog row, is ONE transaction: any error, or a
process killed with SIGKILL, leaves no table, no catalog row and no audit row behind.
"""
from __future__ import annotations

import json
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import shapely
from django.db import transaction

from ingest import crs as crs_module
from ingest import geometry, load, names, readers, sql, steps
from ingest import publish_sql as q
from ingest.archive import remove
from ingest.errors import IngestError
from ingest.handlers import VectorHandler, ZipHandler, handler_for
from ingest.pipeline import Context, Options, Progress
from ingest.report import Report
from ingest.text import TextDecoder
from layers import catalog, registry
from layers.registry import Access, Attribute, Geometry, Sector, Style

DEFAULT_STYLES = {
    Geometry.POINT: Style("#1F78B4", "#0B3C5D", 1.0),
    Geometry.LINE: Style(None, "#1F78B4", 1.5),
    Geometry.POLYGON: Style("#A6CEE3", "#1F78B4", 0.8),
}
# shapely type ids -> the layer geometry they load into (multi-points are not a layer type)
FAMILIES = {0: Geometry.POINT, 1: Geometry.LINE, 2: Geometry.LINE, 5: Geometry.LINE,
            3: Geometry.POLYGON, 6: Geometry.POLYGON}
TYPE_NAMES = {4: "MultiPoint", 7: "GeometryCollection"}


@dataclass(frozen=True)
class Entry:
    """What the publisher chooses: the new layer's id, words, sector and access."""

    id: str
    title_vi: str
    title_en: str = ""
    sector: Sector = Sector.ADMINISTRATIVE
    access: Access = Access.PUBLIC
    sensitive: tuple[str, ...] = ()
    editable: bool = True


@dataclass
class Draft:
    """The layer as read from the source, before anything is written."""

    attributes: tuple[Attribute, ...] = ()
    geometry: Geometry | None = None
    sensitive: tuple[str, ...] = ()


def work_folder() -> Path:
    """Where a zipped source is unpacked; created only then (a killed plain-file publish
    leaves no folder), removed at the end."""
    return Path(tempfile.gettempdir()) / f"publish-{secrets.token_hex(8)}"


def keywords(cursor) -> frozenset[str]:
    cursor.execute(q.KEYWORDS)
    return frozenset(word for (word,) in cursor.fetchall())


def check_free(layer_id: str) -> None:
    """IngestError unless ``layer_id`` is a well-formed id no layer, table or keyword has."""
    names.check_id(layer_id)
    if layer_id in {layer.id for layer in registry.LAYERS}:
        raise IngestError(f"mã lớp {layer_id!r} là một lớp chuẩn / is a curated layer")
    with load.raw_cursor() as cursor:
        if layer_id in keywords(cursor):
            raise IngestError(f"mã lớp {layer_id!r} là từ khóa SQL / is an SQL keyword")
        cursor.execute(q.ID_TAKEN, {"id": layer_id})
        taken = cursor.fetchone()[0]
    if taken == "catalog":
        raise IngestError(f"lớp {layer_id!r} đã có (kể cả lớp đã ngừng) / the layer exists")
    if taken:
        raise IngestError(f"cơ sở dữ liệu đã có bảng hoặc kiểu tên {layer_id!r} / the "
                          "database already has a table or type of that name")


# --- the steps that differ from an ingest ---------------------------------------------------
def open_source(ctx: Context) -> None:
    """Unpack a zip, pick the source layer (``--layer-name``) and inspect it."""
    handler = handler_for(ctx.path)
    handler.is_valid(ctx.path)
    if isinstance(handler, ZipHandler):
        handler.unpack(ctx)
        handler = handler_for(ctx.path)
        handler.is_valid(ctx.path)
    if not isinstance(handler, VectorHandler):
        raise IngestError(f"{ctx.path.name}: chỉ xuất bản được dữ liệu vector / only vector "
                          "sources can be published")
    layer = None
    if handler.multi_layer:
        available = readers.list_layers(ctx.path)
        if ctx.options.source_layer is None and len(available) > 1:
            raise IngestError(f"{ctx.path.name} có nhiều lớp ({', '.join(available)}): chọn "
                              "bằng --layer-name / several layers: choose with --layer-name")
        layer = readers.choose_layer(ctx.path, ctx.options.source_layer, "")
    ctx.source = readers.open_source(ctx.path, layer, handler.open_options(ctx.path),
                                     handler.raw_names(ctx.path))


def attribute_type(kind: pa.DataType) -> str:
    """The attribute type of a source column's Arrow type."""
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_integer(kind):
        return "integer"
    if pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return "number"
    if pa.types.is_date(kind):
        return "date"
    if pa.types.is_timestamp(kind):
        return "datetime"
    return "text"


def geometry_of(geoms: np.ndarray) -> Geometry:
    """The one layer geometry the features have; IngestError on mixed or unsupported types."""
    present = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    types = set(shapely.get_type_id(present).tolist())
    odd = sorted(TYPE_NAMES[t] for t in types if t in TYPE_NAMES)
    if odd:
        raise IngestError(f"kiểu hình học {', '.join(odd)} không xuất bản được / unsupported "
                          "geometry type: tách thành điểm, đường hoặc vùng")
    families = {FAMILIES[t] for t in types}
    if not families:
        raise IngestError("không đối tượng nào có hình học / no feature has a geometry")
    if len(families) > 1:
        raise IngestError("nguồn trộn nhiều kiểu hình học ("
                          + ", ".join(sorted(f.value for f in families))
                          + ") / mixed geometry types: mỗi lớp một kiểu")
    return families.pop()


def sensitive_names(wanted: tuple[str, ...], attributes: tuple[Attribute, ...]) -> tuple[str, ...]:
    """``--sensitive`` names (original field names or safe ones) as columns."""
    by_any = {a.name: a.name for a in attributes} | {a.title: a.name for a in attributes}
    unknown = [name for name in wanted if name not in by_any]
    if unknown:
        raise IngestError(f"thuộc tính nhạy cảm không có / unknown sensitive attribute "
                          f"{', '.join(map(repr, unknown))}; các thuộc tính: "
                          + ", ".join(f"{a.name} ({a.title})" for a in attributes))
    return tuple(dict.fromkeys(by_any[name] for name in wanted))


def describe(ctx: Context, entry: Entry, draft: Draft) -> None:
    """The schema (safe names, titles, types) and geometry type, from the first batch."""
    if ctx.first is None or ctx.first.num_rows == 0:
        raise IngestError(f"{ctx.path.name}: không có đối tượng nào / no features")
    titles = ctx.decoder.names(ctx.source.raw_names)
    with load.raw_cursor() as cursor:
        columns = names.column_names(titles, keywords(cursor))
    kinds = [attribute_type(ctx.first.column(1 + i).type) for i in range(len(titles))]
    draft.attributes = tuple(Attribute(name, title, kind)
                             for name, title, kind in zip(columns, titles, kinds, strict=True))
    fids = ctx.first.column(0).to_pylist()
    geoms = geometry.parse(ctx.first.column(ctx.first.num_columns - 1), fids,
                           ctx.options.max_vertices)
    draft.geometry = geometry_of(geoms)
    draft.sensitive = sensitive_names(entry.sensitive, draft.attributes)


def create(ctx: Context, entry: Entry, draft: Draft) -> None:
    """The table and the catalog row (in the run's transaction); the run loads into it."""
    style = DEFAULT_STYLES[draft.geometry]
    with load.raw_cursor() as cursor:
        cursor.execute(q.SET_ACTOR, [f"publish:{ctx.options.user or 'system'}"])
        for statement in q.create_table(entry.id, draft.attributes, draft.geometry):
            cursor.execute(statement)
        cursor.execute(q.INSERT_CATALOG, [
            entry.id, entry.id, entry.title_vi, entry.title_en, entry.sector.value,
            draft.geometry.value, entry.access.value, list(draft.sensitive),
            catalog.style_json_text(style), catalog.attributes_json(draft.attributes),
            entry.editable])
    ctx.layer = registry.Layer(
        entry.id, "", entry.title_vi, entry.title_en or entry.title_vi, "", "", entry.sector,
        draft.geometry, (), style, entry.access, draft.sensitive, editable=entry.editable,
        origin=registry.Origin.PUBLISHED, attributes=draft.attributes)


def require_features(ctx: Context) -> None:
    """No layer without a valid feature (a dry run only warns, so its report shows why)."""
    if ctx.report.loaded == 0 and ctx.options.dry_run:
        ctx.report.warnings.append("không có đối tượng hợp lệ nào: lớp sẽ không được xuất bản")
    elif ctx.report.loaded == 0:
        raise IngestError(f"không có đối tượng hợp lệ nào trong {ctx.path.name} "
                          f"({len(ctx.report.rejected)} bị loại) / no valid features: không "
                          "xuất bản; xem lý do bằng --dry-run --report r.json")


@dataclass(frozen=True)
class Preview:
    """What a source would publish as, read without writing anything (the admin's preview)."""

    count: int | None
    encoding: str
    source_crs: str
    geometry: Geometry
    attributes: tuple[Attribute, ...]
    sample: np.ndarray  # up to MAX_SAMPLE geometries of the first batch, in EPSG:9214
    extent: tuple[float, float, float, float]  # of the sample, WGS 84 lon/lat
    warnings: tuple[str, ...] = ()


MAX_SAMPLE = 2_000


def inspect(path: str | Path, *, source_crs: str | None = None, encoding: str | None = None,
            layer_name: str | None = None) -> Preview:
    """Read the source's schema, encoding, CRS and first features; IngestError if unusable."""
    options = Options(path=Path(path), layer="preview", source_layer=layer_name,
                      source_crs=source_crs, encoding=encoding or "auto")
    workdir = work_folder()
    ctx = Context(options=options, path=options.path, workdir=workdir,
                  report=Report(layer="", source=options.path.name, mode="publish"),
                  layer=None, decoder=TextDecoder(options.encoding))
    draft = Draft()
    try:
        open_source(ctx)
        steps.read_first_batch(ctx)
        steps.decide_encoding(ctx)
        describe(ctx, Entry("preview", "preview"), draft)
        steps.load_region(ctx)
        steps.resolve_crs(ctx)
        fids = ctx.first.column(0).to_pylist()[:MAX_SAMPLE]
        raw = ctx.first.column(ctx.first.num_columns - 1).slice(0, MAX_SAMPLE)
        sample = geometry.to_storage(geometry.parse(raw, fids, ctx.options.max_vertices),
                                     ctx.crs.swapped, ctx.crs.transformer())
    finally:
        remove(workdir)
    return Preview(ctx.source.count, ctx.decoder.label, ctx.crs.label, draft.geometry,
                   draft.attributes, sample, _lonlat_extent(sample),
                   tuple(ctx.report.warnings))


def _lonlat_extent(geoms: np.ndarray) -> tuple[float, float, float, float]:
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    lons, lats = crs_module.to_wgs84().transform([xmin, xmax], [ymin, ymax])
    return (min(lons), min(lats), max(lons), max(lats))


def run_publish(path: str | Path, entry: Entry, *, source_crs: str | None = None,
                encoding: str | None = None, layer_name: str | None = None,
                dry_run: bool = False, report: str | Path | None = None, user: str = "",
                progress: Progress | None = None) -> Report:
    """Publish ``path`` as the new layer ``entry.id``; IngestError (one line) when it cannot."""
    check_free(entry.id)
    options = Options(path=Path(path), layer=entry.id, source_layer=layer_name,
                      source_crs=source_crs, encoding=encoding or "auto", mode="append",
                      dry_run=dry_run, user=user, history=False)
    load.clean_stale_staging()
    workdir = work_folder()
    context = Context(options=options, path=options.path, workdir=workdir,
                      report=Report(layer=entry.id, source=options.path.name, mode="publish",
                                    dry_run=dry_run),
                      layer=None, decoder=TextDecoder(options.encoding), progress=progress)
    draft = Draft()
    try:
        with transaction.atomic():
            _steps(context, entry, draft)
            if dry_run:
                transaction.set_rollback(True)
    finally:
        remove(workdir)
    catalog.invalidate()
    if report:
        context.report.write(Path(report))
    return context.report


def load_first(ctx: Context) -> load.Direct:
    """COPY every accepted feature straight into the new table (``load.Direct``), as the
    layer's first ingest batch."""
    with load.raw_cursor() as cursor:
        cursor.execute(sql.CREATE_BATCH, [ctx.layer.table, str(ctx.options.path)[:500],
                                          ctx.options.mode, ctx.options.user])
        batch_id = cursor.fetchone()[0]
    direct = load.Direct.into(ctx.layer.table, steps.staging_columns(ctx), batch_id,
                              ctx.layer.geometry is not Geometry.POINT)
    with direct.sink() as sink:
        steps.stream(ctx, sink)
    ctx.report.loaded = ctx.report.read - len(ctx.report.rejected)
    ctx.report.batch, ctx.report.inserted = batch_id, direct.rows
    return direct


def finish(ctx: Context, direct: load.Direct) -> None:
    """Key, indexes, triggers and statistics of the loaded table; the batch's report."""
    if ctx.options.dry_run:
        return
    with load.raw_cursor() as cursor:
        for what, statement in q.finish_table(ctx.layer.table, direct.rows):
            started = time.monotonic()
            cursor.execute(statement)
            key = f"finish: {what}"
            ctx.report.timings[key] = round(ctx.report.timings.get(key, 0)
                                            + time.monotonic() - started, 2)
        cursor.execute(sql.FINISH_BATCH, [json.dumps(ctx.report.as_dict(), ensure_ascii=False),
                                          direct.batch_id])


def _steps(ctx: Context, entry: Entry, draft: Draft) -> None:
    """Each step in order, its seconds in the report (``timings``)."""
    direct = None

    def first_load(ctx: Context) -> None:
        nonlocal direct
        direct = load_first(ctx)

    for name, step in (("open_source", open_source), ("read_first_batch", steps.read_first_batch),
                       ("check_not_empty", steps.check_not_empty),
                       ("decide_encoding", steps.decide_encoding),
                       ("describe", lambda c: describe(c, entry, draft)),
                       ("load_region", steps.load_region), ("resolve_crs", steps.resolve_crs),
                       ("create", lambda c: create(c, entry, draft)),
                       ("plan_fields", steps.plan_fields), ("load", first_load),
                       ("require_features", require_features),
                       ("finish", lambda c: finish(c, direct))):
        started = time.monotonic()
        step(ctx)
        ctx.report.timings[name] = round(time.monotonic() - started, 2)
