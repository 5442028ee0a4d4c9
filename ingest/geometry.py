# SPDX-License-Identifier: MIT
"""Geometry checks of a batch, vectorised with shapely: parse, cap, reproject, repair, place."""
from __future__ import annotations

import binascii
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyproj
import shapely

from ingest.errors import IngestError
from layers.registry import Geometry

MAX_VERTICES = 1_000_000
STORAGE_SRID = 9214

# shapely type ids accepted for each layer geometry, and the multi-type to promote to
_FAMILY = {
    Geometry.POINT: {0},
    Geometry.LINE: {1, 2, 5},
    Geometry.POLYGON: {3, 6},
}
_TYPE_NAMES = {0: "Point", 1: "LineString", 2: "LinearRing", 3: "Polygon", 4: "MultiPoint",
               5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection"}


@dataclass
class GeometryResult:
    """The checked geometries of a batch: kept ones, rejections (row, reason), repairs."""

    geoms: np.ndarray
    rejected: dict[int, str]
    repaired: int
    repaired_rows: set[int]


def plain_wkb(wkb: pa.Array) -> pa.Array:
    """The WKB bytes of a geometry column, without an Arrow extension type (geoarrow.wkb)."""
    if isinstance(wkb, pa.ExtensionArray):
        wkb = wkb.storage
    return wkb if wkb.type == pa.binary() else wkb.cast(pa.binary())


def parse(wkb: pa.Array, fids: list, max_vertices: int = MAX_VERTICES) -> np.ndarray:
    """WKB to shapely geometries; a feature over the vertex cap stops the whole ingest."""
    wkb = plain_wkb(wkb)
    sizes = pc.binary_length(wkb).to_numpy(zero_copy_only=False)
    limit = max_vertices * 32 + 4096
    big = np.flatnonzero(np.nan_to_num(sizes, nan=0) > limit)
    geoms = shapely.from_wkb(wkb.to_numpy(zero_copy_only=False), on_invalid="ignore")
    counts = shapely.get_num_coordinates(geoms)
    over = np.union1d(big, np.flatnonzero(counts > max_vertices))
    if len(over):
        first = int(over[0])
        raise IngestError(f"đối tượng {fids[first]} có {int(counts[first]):,} đỉnh, vượt giới "
                          f"hạn {max_vertices:,} đỉnh mỗi đối tượng: chia nhỏ hoặc đơn giản "
                          "hóa nó rồi nhập lại")
    return geoms


def to_storage(geoms: np.ndarray, swapped: bool,
               transformer: pyproj.Transformer | None) -> np.ndarray:
    """Swap axes when the file had them swapped, then reproject to EPSG:9214."""
    if shapely.has_z(geoms).any():
        geoms = shapely.force_2d(geoms)
    if swapped:
        geoms = shapely.transform(geoms, lambda xy: xy[:, ::-1])
    if transformer is not None:
        geoms = shapely.transform(
            geoms, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
    return geoms


def _repair(geom: shapely.Geometry, family: set[int]) -> shapely.Geometry | None:
    """make_valid keeping only parts of the layer's type; None when nothing usable is left."""
    fixed = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    parts = shapely.get_parts(fixed)
    parts = parts[np.isin(shapely.get_type_id(parts), list(family))]
    parts = parts[~shapely.is_empty(parts)]
    if len(parts) == 0:
        return None
    merged = parts[0] if len(parts) == 1 else shapely.union_all(parts)
    return merged if shapely.is_valid(merged) and not merged.is_empty else None


def check(geoms: np.ndarray, kind: Geometry, region: shapely.Geometry) -> GeometryResult:
    """Reject empty, wrong-type, unrepairable and out-of-province geometries; repair the rest."""
    rejected: dict[int, str] = {}
    family = _FAMILY[kind]
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    for index in np.flatnonzero(missing):
        rejected[int(index)] = "hình học rỗng hoặc không đọc được"
    types = shapely.get_type_id(geoms)
    wrong = ~missing & ~np.isin(types, list(family))
    for index in np.flatnonzero(wrong):
        rejected[int(index)] = (f"sai kiểu hình học: {_TYPE_NAMES.get(int(types[index]), '?')}, "
                                f"lớp cần {kind.value}")
    invalid = ~missing & ~wrong & ~shapely.is_valid(geoms)
    repaired: set[int] = set()
    for index in np.flatnonzero(invalid):
        fixed = _repair(geoms[index], family)
        if fixed is None:
            rejected[int(index)] = "hình học lỗi, không sửa được"
        else:
            geoms[index] = fixed
            repaired.add(int(index))
    usable = ~missing & ~wrong
    outside = usable & ~shapely.intersects(region, geoms)
    for index in np.flatnonzero(outside):
        rejected.setdefault(int(index), "nằm ngoài phạm vi tỉnh (kể cả vùng đệm)")
    return GeometryResult(geoms, rejected, len(repaired), repaired)


def positions(geoms: np.ndarray, rows: list[int],
              to_wgs84: pyproj.Transformer) -> dict[int, list[float]]:
    """[lon, lat] of the middle of each listed row's extent (6 decimals), where it has one.

    The extent's middle, not a point on the surface: it exists for invalid geometries too.
    """
    rows = [row for row in rows if not (shapely.is_missing(geoms[row])
                                        or shapely.is_empty(geoms[row]))]
    if not rows:
        return {}
    bounds = shapely.bounds(geoms[rows])
    lon, lat = to_wgs84.transform((bounds[:, 0] + bounds[:, 2]) / 2,
                                  (bounds[:, 1] + bounds[:, 3]) / 2)
    return {row: [round(float(x), 6), round(float(y), 6)]
            for row, x, y in zip(rows, np.atleast_1d(lon), np.atleast_1d(lat), strict=True)
            if np.isfinite(x) and np.isfinite(y)}


def hex_wkb(wkb: pa.Array) -> pa.Array:
    """Hex text of a WKB column without nulls, vectorised (no per-row Python)."""
    wkb = plain_wkb(wkb)
    if len(wkb) == 0:
        return pa.array([], pa.string())
    if wkb.null_count:
        raise ValueError("hex_wkb needs a column without nulls")
    offs, raw = binary_layout(wkb)
    digits = binascii.hexlify(raw[offs[0]:offs[-1]])  # lower case: PostGIS reads both
    new_offsets = ((offs - offs[0]) * 2).astype(np.int32)
    return pa.Array.from_buffers(pa.string(), len(wkb),
                                 [None, pa.py_buffer(new_offsets), pa.py_buffer(digits)])


def staged_wkb(source: pa.Array, geoms: np.ndarray, changed: np.ndarray) -> pa.Array:
    """WKB to stage: the source bytes where nothing changed, shapely's where it did, or where
    the source bytes are not plain 2D little-endian WKB (``ewkb`` rewrites only those)."""
    source = plain_wkb(source)
    changed = changed | ~_plain_header(source)
    if not changed.any():
        return source
    fresh = np.full(len(geoms), None, dtype=object)
    fresh[changed] = shapely.to_wkb(geoms[changed], output_dimension=2, byte_order=1)
    return pc.if_else(pa.array(changed), pa.array(fresh, pa.binary()), source)


def binary_layout(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets and the data bytes of a binary (or string) column, without a copy."""
    _validity, offsets, data = array.buffers()
    offs = np.frombuffer(offsets, np.int32, len(array) + 1, offset=array.offset * 4)
    raw = np.frombuffer(data, np.uint8) if data is not None else np.zeros(1, np.uint8)
    return offs, raw


def _plain_header(wkb: pa.Array) -> np.ndarray:
    """Rows whose WKB starts with little-endian byte order and a 2D type code 1-7 (a null
    row has no bytes: not plain)."""
    offs, raw = binary_layout(wkb)
    ok = np.diff(offs) >= 5
    at = np.where(ok, offs[:-1], 0)
    return (ok & (raw[at] == 1) & (raw[at + 1] >= 1) & (raw[at + 1] <= 7)
            & (raw[at + 2] == 0) & (raw[at + 3] == 0) & (raw[at + 4] == 0))


_SRID_FLAG = 0x20000000
_MULTI = {1: 4, 2: 5, 3: 6}  # Point, LineString, Polygon -> their multi type


def ewkb(wkb: pa.Array, srid: int, multi: bool) -> pa.Array:
    """PostGIS EWKB (with SRID; single geometries wrapped as one-part multis for multi layers)
    from the plain 2D little-endian WKB of ``staged_wkb``, vectorised: a new header before
    each geometry's bytes, the geometry itself untouched."""
    wkb = plain_wkb(wkb)
    if len(wkb) == 0:
        return wkb
    offs, raw = binary_layout(wkb)
    types = raw[offs[:-1] + 1]
    wrap = np.isin(types, list(_MULTI)) if multi else np.zeros(len(types), dtype=bool)
    headers, choice = [], np.empty(len(types), np.int32)
    for code in (int(code) for code in np.unique(types)):
        wrapped = multi and code in _MULTI
        choice[types == code] = len(headers)
        headers.append(b"\x01" + ((_MULTI[code] if wrapped else code) | _SRID_FLAG).to_bytes(
            4, "little") + srid.to_bytes(4, "little") + (b"\x01\0\0\0" if wrapped else b""))
    head = pc.take(pa.array(headers, pa.binary()), pa.array(choice))
    body = pc.if_else(pa.array(wrap), wkb, pc.binary_slice(wkb, 5, 1 << 30))
    return pc.binary_join_element_wise(head, body, pa.scalar(b"", pa.binary()))
