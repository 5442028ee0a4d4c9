# SPDX-License-Identifier: MIT
"""Coordinates and shapes of the small planning scene (EPSG:9214)."""
from __future__ import annotations

from django.contrib.gis.geos import MultiPolygon, Polygon

X, Y = 440000.0, 2350000.0


def box(x0: float, y0: float, x1: float, y1: float) -> MultiPolygon:
    return MultiPolygon(Polygon(((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)), srid=9214),
                        srid=9214)
