# SPDX-License-Identifier: MIT
"""OGC API test data: the small committed dataset, an all-layers grant, tile files read back."""
from __future__ import annotations

from pathlib import Path

import pyogrio
import shapely

from layers.grants import Grant, LayerRights

# (two points per point layer: main's capture trigger fails on a one-point extent)
# 6 x 5 parcels of ~0.001° near Bắc Giang city; parcel n has sheet 1 + n // 10.
PARCELS_SQL = """
INSERT INTO land_parcels (commune_code, sheet_no, parcel_no, land_use_code, area_m2, address,
                          owner_name, owner_id_number, certificate_number, geom)
SELECT '07210', 1 + n / 10, n, (ARRAY['LUC', 'ONT', 'CLN'])[1 + n % 3], 100 + n, 'Thôn ' || n,
       'Nguyễn Văn ' || n, lpad(n::text, 12, '0'), 'CS' || n,
       ST_Multi(ST_Transform(ST_MakeEnvelope(106.2 + (n % 6) * 0.001, 21.3 + (n / 6) * 0.001,
                                             106.2009 + (n % 6) * 0.001,
                                             21.3009 + (n / 6) * 0.001, 4326), 9214))
FROM generate_series(0, 29) AS n RETURNING id
"""


MINERALS_SQL = """
INSERT INTO mineral_sites (license_number, mineral, license_status, licensee, geom)
VALUES ('GP-01', 'cát', 'active', 'Công ty A',
        ST_Transform(ST_SetSRID(ST_MakePoint(106.25, 21.35), 4326), 9214)),
       ('GP-02', 'than', 'expired', 'Công ty C',
        ST_Transform(ST_SetSRID(ST_MakePoint(106.26, 21.36), 4326), 9214)) RETURNING id
"""


PERMITS_SQL = """
INSERT INTO construction_permits (permit_number, issued_on, status, purpose, investor_name, geom)
VALUES ('XD-01', '2025-03-01', 'issued', 'nhà ở', 'Trần Thị B',
        ST_Transform(ST_SetSRID(ST_MakePoint(106.201, 21.301), 4326), 9214)),
       ('XD-02', '2025-04-01', 'issued', 'nhà xưởng', 'Lê Văn D',
        ST_Transform(ST_SetSRID(ST_MakePoint(106.203, 21.302), 4326), 9214)) RETURNING id
"""


TABLES = ("land_parcels", "mineral_sites", "construction_permits")


def everything(write: bool = False) -> Grant:
    """A token-like grant with every layer and the sensitive right."""
    from layers import registry

    return Grant(tuple((layer.id, LayerRights(sensitive=True, write=write))
                       for layer in registry.LAYERS), name="token:all")


def read_tile(path: Path, layer: str) -> list[dict]:
    """The features of a tile file read by GDAL's MVT driver: attributes and "geometry"."""
    _meta, table = pyogrio.read_arrow(path, layer=layer)
    rows = table.drop_columns("wkb_geometry").to_pylist()
    for row, wkb in zip(rows, table.column("wkb_geometry").to_pylist(), strict=True):
        row["geometry"] = shapely.from_wkb(wkb)
    return rows
