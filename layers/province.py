# SPDX-License-Identifier: MIT
"""The province: its extent, home view and tolerances, written once (Django-free).

The province is Bắc Ninh since 1 July 2025 (Resolution 202/2025/QH15): the former Bắc Giang
(21°07'-21°37' N, 105°53'-107°02' E) and the former Bắc Ninh (20°58'-21°16' N,
105°54'-106°19' E). ``EXTENT`` is their union, with the demo's outline of Bắc Giang
(``layers/demo.py``: 105.871-107.025 E, 21.114-21.624 N, its northern tip drawn a little
beyond the real one), rounded outward to 0.01°.

``BBOX`` is the area the services cover (MapProxy coverage and tile bounds, pygeoapi
extents, seeding, the checks of transactions and analysis inputs): ``EXTENT`` and at least
0.06° (~6 km) more on every side. Their boxes had drifted apart: north edge 21.75 in
MapProxy, 21.70 in pygeoapi, 21.80 with a south edge of 21.0 in the analysis (cutting off
the former Bắc Ninh). The pygeoapi box is the one kept: it already covered the whole province
with that margin; 21.75 only widened one side.

Where ``admin_provinces`` holds the real boundary, the editor and ingest use it; the box in
VN-2000 (``extent_vn2000``) is their fallback while that table is empty, derived here rather
than written again in metres.
"""
from __future__ import annotations

import functools
import math

from layers import vn2000

# (west, south, east, north), WGS 84 longitude/latitude: the province itself
EXTENT = (105.87, 20.96, 107.04, 21.63)
# (west, south, east, north), WGS 84: the area the services cover
BBOX = (105.80, 20.90, 107.10, 21.70)
MARGIN_DEG = 0.06  # at least, between EXTENT and BBOX

# Where maps open (the viewer without a URL hash, the admin's map widget): the middle of
# EXTENT, at a zoom that shows all of it in a window of ~800x500 pixels.
HOME_LON, HOME_LAT, HOME_ZOOM = 106.45, 21.30, 9.4

# Storage CRS: VN-2000 / TM-3 107°00', the zone of the province
SRID = 9214
# How far outside the boundary a hand-drawn geometry may reach (a vertex snapped a little
# off the edge) before the editor refuses it.
EDIT_BUFFER_M = 2_000.0
# How far outside a file's features may lie before ingest rejects them; wider than the
# editor's, as ingest compares with a simplified boundary and also uses this region to
# recognise the file's coordinate system.
INGEST_BUFFER_M = 5_000.0


@functools.cache
def extent_vn2000() -> tuple[float, float, float, float]:
    """``EXTENT`` in EPSG:9214 metres (xmin, ymin, xmax, ymax), rounded outward to 1 m."""
    import pyproj  # loaded only when a fallback box is needed (pyproj takes ~0.1 s)

    to_vn2000 = pyproj.Transformer.from_crs(
        "EPSG:4326", pyproj.CRS(vn2000.proj4text(SRID)), always_xy=True)
    xmin, ymin, xmax, ymax = to_vn2000.transform_bounds(*EXTENT)
    return (float(math.floor(xmin)), float(math.floor(ymin)),
            float(math.ceil(xmax)), float(math.ceil(ymax)))
