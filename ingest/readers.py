# SPDX-License-Identifier: MIT
"""Vector sources read through pyogrio's Arrow stream, in bounded batches.

Each format differs only in how it is recognised, which GDAL open options it needs and
where its raw field names come from; reading is the same Arrow stream for all of them, so
memory stays flat whatever the file size.
"""
from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyogrio
import pyogrio.errors

from ingest.errors import IngestError

BATCH_SIZE = 20_000

# pyogrio raises these for unreadable files; we turn them into one readable line
READ_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
               pyogrio.errors.FieldError, pyogrio.errors.GeometryError,
               pyogrio.errors.CRSError, pa.lib.ArrowException, OSError,
               RuntimeError, ValueError)


@dataclass
class Source:
    """One layer of a vector file: raw field names, declared CRS, size, Arrow batches."""

    path: Path
    driver: str
    layer: str | None
    raw_names: list[bytes]
    crs: str | None
    count: int | None
    open_options: dict[str, str] = field(default_factory=dict)

    def batches(self, batch_size: int = BATCH_SIZE) -> Iterator[pa.RecordBatch]:
        """Arrow record batches: the fid, the fields in ``raw_names`` order, then WKB."""
        try:
            with pyogrio.open_arrow(self.path, layer=self.layer, use_pyarrow=True,
                                    return_fids=True, batch_size=batch_size,
                                    **self.open_options) as (_meta, reader):
                for batch in reader:
                    # GDAL may hand over legacy (non-UTF-8) names: positions are what count
                    yield batch.rename_columns([f"c{i}" for i in range(batch.num_columns)])
        except READ_ERRORS as exc:
            raise IngestError(f"không đọc được {self.path.name}: {first_line(exc)} "
                              "(tệp hỏng hoặc bị cắt cụt?)") from exc


def first_line(exc: BaseException) -> str:
    """The first line of an exception message, without trailing noise."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def list_layers(path: Path) -> list[str]:
    try:
        return [str(name) for name, _geometry in pyogrio.list_layers(path)]
    except READ_ERRORS as exc:
        raise IngestError(f"không mở được {path.name}: {first_line(exc)} "
                          "(tệp hỏng hoặc không phải dữ liệu không gian?)") from exc


def choose_layer(path: Path, wanted: str | None, target: str) -> str | None:
    """The source layer to read: the one named, else one called like the target, else the only one."""
    layers = list_layers(path)
    if wanted is not None:
        if wanted not in layers:
            raise IngestError(f"{path.name} không có lớp {wanted!r}; các lớp: {', '.join(layers)}")
        return wanted
    if len(layers) <= 1 or target in layers:
        return target if target in layers else (layers[0] if layers else None)
    raise IngestError(f"{path.name} có nhiều lớp ({', '.join(layers)}): ghi "
                      "'source_layer: <tên lớp>' vào tệp ánh xạ (--mapping)")


def open_source(path: Path, layer: str | None, open_options: dict[str, str],
                raw_names: list[bytes] | None = None) -> Source:
    """Inspect a vector layer; field names are raw bytes (decoded later with the values)."""
    try:
        info = pyogrio.read_info(path, layer=layer, **open_options)
    except READ_ERRORS as exc:
        raise IngestError(f"không mở được {path.name}: {first_line(exc)} "
                          "(tệp hỏng hoặc bị cắt cụt?)") from exc
    if info.get("geometry_type") is None:
        raise IngestError(f"{path.name} không có cột hình học")
    names = raw_names if raw_names is not None else [
        str(name).encode("utf-8") for name in info["fields"]]
    return Source(path, info["driver"], layer, names, info.get("crs"),
                  _count(info), open_options)


def _count(info: dict) -> int | None:
    count = info.get("features")
    return count if isinstance(count, int) and count >= 0 else None


def dbf_field_names(dbf: Path) -> list[bytes]:
    """Raw field names from a dBASE header (GDAL would recode or mangle legacy bytes)."""
    try:
        with dbf.open("rb") as handle:
            header = handle.read(32)
            header_size = struct.unpack("<H", header[8:10])[0]
            descriptors = handle.read(max(header_size - 32, 0))
    except OSError as exc:
        raise IngestError(f"không đọc được {dbf.name}: {exc}") from exc
    names = []
    for offset in range(0, len(descriptors) - 31, 32):
        if descriptors[offset] == 0x0D:
            break
        names.append(descriptors[offset:offset + 11].split(b"\x00", 1)[0].strip())
    return names
