# SPDX-License-Identifier: MIT
"""The binary COPY writer stores exactly what the CSV path stores, for every staged type."""
from __future__ import annotations

import datetime as dt
import io

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
import shapely
from django.db import connection

from ingest import geometry, pgbinary

pytestmark = pytest.mark.django_db(transaction=True)

TYPES = [("t", "varchar(30)"), ("i", "integer"), ("s", "smallint"), ("b", "bigint"),
         ("f", "double precision"), ("n", "numeric(14, 1)"), ("m", "numeric(8, 3)"),
         ("d", "date"), ("g", "geometry")]
POINT = shapely.Point(440_000.25, 2_355_000.5)


def columns() -> list[pa.Array]:
    wkb = pa.array([shapely.to_wkb(POINT, byte_order=1)] * 4, pa.binary())
    return [
        pa.array(["Thửa đất số 7", "", None, "a,b \"c\"\nd"]),
        pa.array([2_147_483_647, -2_147_483_648, None, 0], pa.int64()),
        pa.array([32_767, None, -5, 0], pa.int64()),
        pa.array([9_007_199_254_740_993, None, -1, 0], pa.int64()),
        pa.array([1171.6, -0.5, None, 1e-300]),
        pa.array([1171.6, -1_234_567_890_123.4, None, 0.0]),
        pa.array([12345.678, -0.001, 0.5, None]),
        pa.array([dt.date(2025, 7, 1), dt.date(1975, 4, 30), None, dt.date(2000, 1, 1)]),
        geometry.ewkb(wkb, 9214, multi=False),
    ]


def load(table: str, data: bytes, form: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {table} ({', '.join(f'{n} {t}' for n, t in TYPES)})")
        cursor.connection.cursor().copy_expert(
            f"COPY {table} FROM STDIN WITH (FORMAT {form})", io.BytesIO(data))
        cursor.execute(f"SELECT t, i, s, b, f, n, m, d, ST_AsEWKT(g) FROM {table} ORDER BY i")
        return cursor.fetchall()


def test_binary_and_csv_store_the_same_values():
    arrays = columns()
    data = pgbinary.batch(arrays, [pgbinary.encoder(kind) for _, kind in TYPES])
    assert data is not None and data.startswith(b"PGCOPY\n\xff\r\n\x00")
    text = arrays[:-1] + [geometry.hex_wkb(arrays[-1])]
    buffer = io.BytesIO()
    table = pa.table({name: array for (name, _), array in zip(TYPES, text, strict=True)})
    pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False,
                                                      quoting_style="needed"))
    binary, csv = load("copy_binary", data, "binary"), load("copy_csv", buffer.getvalue(), "csv")
    assert binary == csv
    # ordered by i: rows 2, 4, 1, 3
    assert [row[0] for row in binary] == ["", "a,b \"c\"\nd", "Thửa đất số 7", None]
    assert [None if row[5] is None else str(row[5]) for row in binary] == \
        ["-1234567890123.4", "0.0", "1171.6", None]
    assert {row[8] for row in binary} == {"SRID=9214;POINT(440000.25 2355000.5)"}


@pytest.mark.parametrize(("kind", "values"), [
    ("integer", pa.array([2_147_483_648], pa.int64())),  # out of range: the server says so
    ("numeric(14, 1)", pa.array([1171.65])),  # more decimals: the server rounds the text
    ("numeric(14, 1)", pa.array([float("nan")])),
])
def test_values_the_binary_form_cannot_carry_exactly_go_as_csv(kind, values):
    assert pgbinary.batch([values], [pgbinary.encoder(kind)]) is None


def test_types_without_an_encoder_are_named():
    assert pgbinary.encoder("numeric(30, 2)") is None  # beyond int64 scaled values
    assert pgbinary.encoder("timestamp with time zone") is None
    assert pgbinary.encoder("varchar(5)") is not None
