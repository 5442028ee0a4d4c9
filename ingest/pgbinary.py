# SPDX-License-Identifier: MIT
"""A batch in PostgreSQL's binary COPY format, vectorised with numpy and Arrow.

``COPY ... (FORMAT binary)`` reads each value in its type's binary form: no CSV to split, no
hex to decode, no number text to parse (measured on 500,000 parcels: the server's COPY CPU
3.9 s as CSV, 3.1 s binary). Written here because neither psycopg2 nor pyarrow writes the
format. Only the types the layers stage are encoded (text, integers, double precision,
numeric with up to 18 digits and 4 decimals, date, geometry as EWKB); for anything else, or a
value this encoding cannot carry exactly (an integer out of its type's range, a number with
more decimals than its column, NaN), ``batch`` returns None and the caller writes CSV, so
the server converts exactly as it does for text.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.geometry import binary_layout

HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
TRAILER = b"\xff\xff"
_EPOCH_2000 = 10_957  # days from 1970-01-01 (Arrow date32) to 2000-01-01 (PostgreSQL date)
_INTEGERS = {"smallint": ">i2", "integer": ">i4", "bigint": ">i8"}
_NUMERIC = re.compile(r"numeric\((\d+), ?(\d+)\)")

Encoder = Callable[[pa.Array], pa.Array]  # raises Unsupported


class Unsupported(Exception):
    """A value the binary form cannot carry exactly here: write this batch as CSV."""


def encoder(db_type: str) -> Encoder | None:
    """The binary encoder of a column type (``db_type`` as Django writes it), or None."""
    if db_type.startswith(("varchar", "text", "geometry", "bytea")):
        return _prefixed
    if db_type in _INTEGERS:
        return lambda array: _integers(array, _INTEGERS[db_type])
    if db_type == "double precision":
        return lambda array: _fixed(pc.fill_null(array.cast(pa.float64()), 0.0)
                                    .to_numpy().astype(">f8"), _valid(array))
    if db_type == "date":
        return _date
    match = _NUMERIC.fullmatch(db_type)
    if match and int(match[1]) <= 18 and int(match[2]) <= 4:
        return lambda array: _numeric(array, int(match[1]), int(match[2]))
    return None


def batch(columns: list[pa.Array], encoders: list[Encoder]) -> bytes | None:
    """The rows of ``columns`` (same length) as binary COPY data, header and trailer
    included; None when a value needs the CSV path."""
    count = len(columns[0])
    try:
        fields = [encode(column) for encode, column in zip(encoders, columns, strict=True)]
    except Unsupported:
        return None
    width = np.full(count, len(fields), ">i2").view(np.uint8)
    rows = pc.binary_join_element_wise(_binary(width, np.full(count, 2)), *fields,
                                       pa.scalar(b"", pa.binary()))
    offsets, raw = binary_layout(rows)
    return HEADER + raw[offsets[0]:offsets[-1]].tobytes() + TRAILER


def _valid(array: pa.Array) -> np.ndarray:
    return pc.is_valid(array).to_numpy(zero_copy_only=False)


def _binary(data: np.ndarray, sizes: np.ndarray) -> pa.Array:
    """A binary column over ``data`` (uint8) cut into pieces of ``sizes`` bytes."""
    offsets = np.zeros(len(sizes) + 1, np.int32)
    np.cumsum(sizes, out=offsets[1:])
    return pa.Array.from_buffers(pa.binary(), len(sizes),
                                 [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _fixed(values: np.ndarray, valid: np.ndarray) -> pa.Array:
    """Fixed-size big-endian values, each after its length (-1 and nothing for null)."""
    count, size = len(values), values.dtype.itemsize
    matrix = np.empty((count, 4 + size), np.uint8)
    matrix[:, :4] = np.frombuffer(np.array(size, ">i4").tobytes(), np.uint8)
    matrix[~valid, :4] = 0xFF
    matrix[:, 4:] = values.view(np.uint8).reshape(count, size)
    lengths = np.where(valid, 4 + size, 4)
    return _binary(matrix[np.arange(4 + size) < lengths[:, None]], lengths)


def _prefixed(array: pa.Array) -> pa.Array:
    """Text or bytes, each after its length (-1 and nothing for null)."""
    if isinstance(array, pa.ExtensionArray):
        array = array.storage
    if not pa.types.is_binary(array.type):
        array = array.cast(pa.binary())  # string -> binary: the same buffers (large: 32-bit)
    offsets, raw = binary_layout(array)
    sizes = np.diff(offsets)
    valid = _valid(array)
    lengths = sizes + 4
    total = int(lengths.sum())
    starts = np.zeros(len(array), np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    header = np.zeros(total, dtype=bool)
    header[(starts[:, None] + np.arange(4)).ravel()] = True
    out = np.empty(total, np.uint8)
    out[header] = np.where(valid, sizes, -1).astype(">i4").view(np.uint8)
    out[~header] = raw[offsets[0]:offsets[-1]]
    return _binary(out, lengths)


def _integers(array: pa.Array, kind: str) -> pa.Array:
    valid = _valid(array)
    values = pc.fill_null(array.cast(pa.int64()), 0).to_numpy()
    info = np.iinfo(np.dtype(kind))
    if values.size and (values.min() < info.min or values.max() > info.max):
        raise Unsupported
    return _fixed(values.astype(kind), valid)


def _date(array: pa.Array) -> pa.Array:
    days = pc.fill_null(array.cast(pa.date32()).cast(pa.int32()), 0).to_numpy()
    return _fixed((days.astype(np.int64) - _EPOCH_2000).astype(">i4"), _valid(array))


def _numeric(array: pa.Array, precision: int, scale: int) -> pa.Array:
    """numeric(precision, scale) from float64: each value is sent as the decimal with
    ``scale`` decimals that reads back as the same double, or the batch goes as CSV (then
    the server rounds the text as it always does)."""
    valid = _valid(array)
    values = pc.fill_null(array.cast(pa.float64()), 0.0).to_numpy()
    if not np.isfinite(values).all() or np.abs(values).max(initial=0.0) >= 10.0 ** (
            precision - scale):
        raise Unsupported
    scaled = np.rint(np.abs(values) * 10 ** scale)
    if not (scaled / 10 ** scale == np.abs(values)).all():
        raise Unsupported  # more decimals than the column keeps
    whole, fraction = np.divmod(scaled.astype(np.int64), 10 ** scale)
    groups = max(1, -(-(precision - scale) // 4))  # base-10000 digits before the point
    digits = [(whole // 10_000 ** power) % 10_000 for power in range(groups - 1, -1, -1)]
    if scale:
        digits.append(fraction * 10 ** (4 - scale))
    head = np.array([len(digits), groups - 1, 0, scale], np.int64)
    fields = np.empty((len(values), 4 + len(digits)), np.int64)
    fields[:, :4] = head
    fields[values < 0, 2] = 0x4000  # NUMERIC_NEG
    fields[:, 4:] = np.column_stack(digits)
    packed = fields.astype(">i2").view(np.dtype((np.void, 2 * fields.shape[1]))).ravel()
    return _fixed(packed, valid)
