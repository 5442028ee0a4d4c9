# SPDX-License-Identifier: MIT
"""What lets a large replace COPY straight into its twin: EWKB headers written around the
source bytes (SRID, multi type), the geometry bytes themselves untouched."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
import shapely

from ingest import geometry

pytestmark = pytest.mark.unit

SQUARE = shapely.box(440_000, 2_355_000, 440_020, 2_355_020)
MULTI_HEADER = bytes.fromhex("01" "06000020" "fe230000" "01000000")  # MultiPolygon, SRID 9214


def staged(geoms: list, byte_order: int = 1) -> pa.Array:
    array = np.array(geoms, dtype=object)
    source = pa.array(shapely.to_wkb(array, byte_order=byte_order), pa.binary())
    return geometry.staged_wkb(source, array, np.zeros(len(geoms), dtype=bool))


def test_a_polygon_is_wrapped_as_a_one_part_multipolygon_around_its_own_bytes():
    source = shapely.to_wkb(SQUARE, byte_order=1)
    [written] = geometry.ewkb(staged([SQUARE]), 9214, multi=True).to_pylist()
    assert written == MULTI_HEADER + source
    parsed = shapely.from_wkb(written)
    assert (parsed.geom_type, shapely.get_srid(parsed)) == ("MultiPolygon", 9214)
    assert shapely.equals_exact(parsed.geoms[0], SQUARE, 0)


def test_multis_and_point_layers_get_the_srid_only():
    multi = shapely.MultiPolygon([SQUARE, shapely.box(440_100, 2_355_000, 440_120, 2_355_020)])
    point = shapely.Point(440_000.5, 2_355_000.25)
    [as_multi] = geometry.ewkb(staged([multi]), 9214, multi=True).to_pylist()
    [as_point] = geometry.ewkb(staged([point]), 9214, multi=False).to_pylist()
    assert as_multi == bytes.fromhex("0106000020fe230000") + shapely.to_wkb(multi)[5:]
    assert as_point == bytes.fromhex("0101000020fe230000") + shapely.to_wkb(point)[5:]
    assert shapely.from_wkb(as_point).coords[0] == (440_000.5, 2_355_000.25)


def test_big_endian_and_3d_source_bytes_are_rewritten_in_2d_little_endian():
    z = shapely.Polygon([(440_000, 2_355_000, 7), (440_020, 2_355_000, 7),
                         (440_020, 2_355_020, 7), (440_000, 2_355_000, 7)])
    big = staged([SQUARE], byte_order=0)
    flat = staged([z])
    assert big.to_pylist()[0] == shapely.to_wkb(SQUARE, byte_order=1)
    assert flat.to_pylist()[0][:5] == bytes.fromhex("0103000000")  # Polygon, no Z
    written = geometry.ewkb(pa.concat_arrays([big, flat]), 9214, multi=True).to_pylist()
    parsed = shapely.from_wkb(written)
    assert [shapely.get_srid(g) for g in parsed] == [9214, 9214]
    assert shapely.has_z(parsed).tolist() == [False, False]
    assert shapely.get_coordinates(parsed[1]).tolist()[1] == [440_020.0, 2_355_000.0]
