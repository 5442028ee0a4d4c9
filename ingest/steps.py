# SPDX-License-Identifier: MIT
"""The steps of a vector ingest, in order; each takes the run's Context."""
from __future__ import annotations

import time

import numpy as np
import pyarrow as pa
import shapely
from django.db import connection

from ingest import crs as crs_module
from ingest import fields, geometry, load, publish_sql, units
from ingest.errors import IngestError
from ingest.pipeline import Context
from layers import province
from layers.models import model_for
from layers.registry import Geometry

HISTORY_OFF_FROM = 10_000  # features: larger replace loads skip per-row history


def read_first_batch(ctx: Context) -> None:
    """Start the Arrow stream and read its first batch (encoding and CRS look at it)."""
    ctx.rest = ctx.source.batches(ctx.options.batch_size)
    ctx.first = next(ctx.rest, None)


def decide_encoding(ctx: Context) -> None:
    ctx.decoder.observe(ctx.source.raw_names, ctx.first)


def load_domains(ctx: Context) -> None:
    """Allowed values: the national lists; commune codes are checked by ``ingest.units``
    against the official units valid at the data's date."""
    ctx.domains = fields.static_domains(ctx.layer.id)
    if ctx.layer.id.startswith("admin_"):
        return
    ctx.units = units.prepare(ctx.options.as_of, ctx.options.to_2025)
    ctx.report.units = ctx.units.summary


def plan_fields(ctx: Context) -> None:
    names = ctx.decoder.names(ctx.source.raw_names)
    ctx.plan = fields.plan(ctx.layer, names, ctx.options.mapping_fields, ctx.domains)
    ctx.report.fields = ctx.plan.described()


def load_region(ctx: Context) -> None:
    """The province (admin_provinces, else a constant box) plus the buffer, in EPSG:9214."""
    wkb = load.province_region_wkb(ctx.options.province_buffer_m)
    if wkb is None:
        ctx.region = shapely.box(*province.extent_vn2000()).buffer(ctx.options.province_buffer_m)
        ctx.report.warnings.append("admin_provinces trống: dùng khung cố định của tỉnh")
    else:
        ctx.region = shapely.from_wkb(wkb)
    shapely.prepare(ctx.region)


def _declared(ctx: Context) -> tuple | None:
    if ctx.options.source_crs:
        return crs_module.parse(ctx.options.source_crs), "mapping"
    if ctx.source.crs:
        return crs_module.parse(ctx.source.crs), "file"
    return None


def resolve_crs(ctx: Context) -> None:
    """Mapping > file > detection from the first batch's coordinates (with a warning)."""
    declared = _declared(ctx)
    if ctx.first is None or ctx.first.num_rows == 0:
        crs = declared[0] if declared else crs_module.storage_crs()
        ctx.crs = crs_module.CrsChoice(crs, crs_module.label(crs), "file")
    else:
        fids = ctx.first.column(0).to_pylist()
        geoms = geometry.parse(ctx.first.column(ctx.first.num_columns - 1), fids,
                               ctx.options.max_vertices)
        present = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
        if len(present) == 0:
            raise IngestError(f"{ctx.path.name}: không đối tượng nào có hình học đọc được "
                              "(tệp hình học hỏng hoặc bị cắt cụt?)")
        ctx.crs = crs_module.choose(declared, crs_module.typical_point(present), ctx.region)
    ctx.report.source_crs = ctx.crs.label
    if ctx.crs.how == "detected":
        ctx.report.warnings.append(f"tệp không khai báo hệ tọa độ; nhận dạng theo tọa độ là "
                                   f"{ctx.crs.label}: kiểm tra lại hoặc dùng --source-crs")
    if ctx.crs.swapped:
        ctx.report.warnings.append("tọa độ X/Y bị đảo trong tệp; đã đổi lại")


def staging_columns(ctx: Context) -> list[tuple[str, str]]:
    """(column, SQL type) of the target attributes (typed like the live table) and geometry."""
    if ctx.layer.published:
        types = publish_sql.column_types(ctx.layer.attributes)
        columns = [(spec.name, types[spec.name]) for spec in ctx.plan.specs]
        return [*columns, ("geom", "geometry")]
    model = model_for(ctx.layer.id)
    columns = [(spec.name, model._meta.get_field(spec.name).db_type(connection))
               for spec in ctx.plan.specs]
    return [*columns, ("geom", "geometry")]  # plain WKB; SRID and multi type set on apply


def _process(ctx: Context, batch: pa.RecordBatch, transformer, to_wgs84) -> pa.Table:
    """Decode, coerce, check and reproject one batch; the rows to stage."""
    count = batch.num_rows
    fids = batch.column(0).to_pylist()
    ctx.decoder.observe([], batch)
    rejects: dict[int, str] = {}
    columns = {}
    for spec in ctx.plan.specs:
        index = ctx.plan.sources.get(spec.name)
        source = None if index is None else ctx.decoder.column(batch.column(1 + index))
        columns[spec.name] = fields.coerce(source, spec, count, rejects)
    wkb = batch.column(batch.num_columns - 1)
    geoms = geometry.parse(wkb, fids, ctx.options.max_vertices)
    moved = ctx.crs.swapped or transformer is not None
    changed = np.full(count, moved) | shapely.has_z(geoms)
    geoms = geometry.to_storage(geoms, ctx.crs.swapped, transformer)
    checked = geometry.check(geoms, ctx.layer.geometry, ctx.region)
    changed[list(checked.repaired_rows)] = True
    for index, reason in checked.rejected.items():
        rejects[index] = f"{rejects[index]}; {reason}" if index in rejects else reason
    if ctx.units is not None:
        units.apply(ctx.units, ctx.plan.specs, columns, fids, checked.geoms, rejects)
    ctx.report.repaired += checked.repaired - len(set(rejects) & checked.repaired_rows)
    rejected_rows = sorted(rejects)
    where = geometry.positions(checked.geoms, rejected_rows, to_wgs84)
    for index in rejected_rows:
        ctx.report.reject(fids[index], rejects[index], where.get(index))
    keep = np.ones(count, dtype=bool)
    keep[list(rejects)] = False
    mask = pa.array(keep)
    table = {"fid": pa.array(fids, pa.int64()).filter(mask)}
    table.update({name: column.filter(mask) for name, column in columns.items()})
    table["geom"] = geometry.staged_wkb(wkb.filter(mask), checked.geoms[keep], changed[keep])
    return pa.table(table)


def stage(ctx: Context) -> None:
    """Stream every batch through the checks and COPY the accepted rows into staging (or
    straight into the twin of a build and swap)."""
    if ctx.layer.published and load.relation_kind(ctx.layer.table) == "v":
        raise IngestError(f"lớp {ctx.layer.id} là bảng có sẵn đăng ký bằng publish --table: "
                          "nạp dữ liệu vào bảng gốc bằng công cụ của bạn")
    if ctx.options.mode == "upsert" and not ctx.layer.natural_key:
        raise IngestError(f"lớp {ctx.layer.id} không có khóa tự nhiên nên không cập nhật theo "
                          "khóa được: dùng --mode append hoặc replace")
    columns = staging_columns(ctx)
    if swap_expected(ctx):
        ctx.staging = load.Staging.into_twin(ctx.layer.table, ctx.source.count, columns,
                                             ctx.layer.geometry is not Geometry.POINT,
                                             ctx.layer.natural_key, ctx.workdir)
    if ctx.staging is None:
        ctx.staging = load.Staging.create(columns)
    with ctx.staging.sink() as sink:
        stream(ctx, sink)
    if ctx.staging.early is not None:
        started = time.monotonic()
        ctx.staging.early.finish()
        ctx.report.timings["stage: wait for the twin"] = round(time.monotonic() - started, 2)


def stream(ctx: Context, sink) -> None:
    """Read, decode, check and reproject every batch; ``sink.send`` the accepted rows."""
    transformer, to_wgs84 = ctx.crs.transformer(), crs_module.to_wgs84()
    for batch in ctx.batches():
        table = _process(ctx, batch, transformer, to_wgs84)
        ctx.report.read += batch.num_rows
        if table.num_rows:
            sink.send(table)
        ctx.tick(ctx.report.read)
    ctx.report.encoding = ctx.decoder.label


def swap_expected(ctx: Context) -> bool:
    """Will the apply be a build and swap (judged from the source's feature count, before
    staging)? Then the twin is filled while staging; the apply decides again from what was
    loaded and drops the twin if not."""
    count = ctx.source.count
    if ctx.options.mode != "replace" or ctx.options.dry_run or not count:
        return False
    history = ctx.options.history
    if history is None:
        history = count < HISTORY_OFF_FROM
    return not history and count >= ctx.options.swap_from


def reject_duplicates(ctx: Context) -> None:
    """Keep the first feature of each natural key; append mode also skips existing keys."""
    key = ctx.layer.natural_key
    if not key:  # a published layer: every feature is new (upsert needs a key: see stage)
        ctx.report.loaded = ctx.report.read - len(ctx.report.rejected)
        return
    for fid, first in ctx.staging.remove_duplicates(key):
        ctx.report.reject(fid, f"trùng khóa tự nhiên ({', '.join(key)}) với đối tượng {first}")
        ctx.report.duplicates += 1
    if ctx.options.mode == "append" and not ctx.options.dry_run:
        for fid in ctx.staging.remove_existing(ctx.layer.table, key):
            ctx.report.reject(fid, "đã có trong lớp (cùng khóa tự nhiên): dùng --mode upsert "
                                   "để cập nhật")
    ctx.report.loaded = ctx.report.read - len(ctx.report.rejected)


def apply_load(ctx: Context) -> None:
    """The one transaction that changes the live layer (skipped by --dry-run)."""
    if ctx.options.dry_run:
        return
    report = ctx.report
    if ctx.options.mode == "replace" and report.loaded == 0:
        raise IngestError(f"không có đối tượng hợp lệ nào trong {ctx.path.name} "
                          f"({len(report.rejected)} bị loại): không thay thế lớp {ctx.layer.id}; "
                          "xem lý do bằng --dry-run --report r.json")

    def finished(result: load.ApplyResult) -> dict:
        report.batch = result.batch_id
        report.inserted, report.updated, report.deleted = (
            result.inserted, result.updated, result.deleted)
        report.unchanged = report.loaded - result.inserted - result.updated \
            if ctx.options.mode == "upsert" else 0
        report.timings.update(result.timings)
        if result.swap_blockers:
            report.warnings.append("không thể dựng bảng mới rồi hoán đổi (" +
                                   "; ".join(result.swap_blockers) + "): thay thế từng hàng")
        return report.as_dict()

    history = keep_history(ctx)
    load.apply(ctx.staging, ctx.layer.table, ctx.options.mode, ctx.layer.natural_key,
               ctx.layer.geometry is not Geometry.POINT,
               {"source": str(ctx.options.path)[:500], "user": ctx.options.user,
                "report": finished}, history=history, swap=build_and_swap(ctx, history))


def keep_history(ctx: Context) -> bool:
    """Per-row history, unless a large replace (measured: history makes it ~4x slower).

    The batch itself (file, counts, report) records what a history-less replace loaded.
    """
    if ctx.options.history is not None:
        return ctx.options.history
    if ctx.options.mode == "replace" and ctx.report.loaded >= HISTORY_OFF_FROM:
        ctx.report.warnings.append(f"thay thế {ctx.report.loaded:,} đối tượng: không ghi lịch "
                                   "sử từng đối tượng (lô nhập ghi lại nguồn và báo cáo)")
        return False
    return True


def build_and_swap(ctx: Context, history: bool) -> bool:
    """A large replace without per-row history builds the new table and swaps it in."""
    return (ctx.options.mode == "replace" and not history
            and ctx.report.loaded >= ctx.options.swap_from)


def check_not_empty(ctx: Context) -> None:
    if ctx.first is None and ctx.source.count not in (None, 0):
        raise IngestError(f"{ctx.path.name}: không đọc được đối tượng nào")


VECTOR_STEPS = (read_first_batch, check_not_empty, decide_encoding, load_domains, plan_fields,
                load_region, resolve_crs, stage, reject_duplicates, apply_load)
