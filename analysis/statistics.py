# SPDX-License-Identifier: MIT
"""Area statistics: land use by commune (units valid at a date), forest by type, roads by class."""
from __future__ import annotations

import csv
import datetime as dt
import io

from psycopg2 import sql

from analysis import inputs
from analysis.db import fetch
from analysis.errors import AnalysisInputError
from layers.grants import Grant

# parcels are counted in the commune (valid at the date) that holds their point-on-surface
LAND_USE = """
SELECT c.code, c.name, p.land_use_code, count(*), round(sum(p.area_m2)::numeric, 1)
FROM land_parcels p
JOIN admin_communes c ON ST_Contains(c.geom, ST_PointOnSurface(p.geom))
WHERE c.valid_from <= %(day)s AND (c.valid_to IS NULL OR c.valid_to >= %(day)s)
GROUP BY c.code, c.name, p.land_use_code ORDER BY c.code, p.land_use_code
"""
FOREST = """
SELECT forest_type, count(*), round(sum(ST_Area(geom))::numeric, 1)
FROM forest_areas GROUP BY forest_type ORDER BY forest_type
"""
ROADS = """
SELECT road_class, count(*), round(sum(ST_Length(geom))::numeric, 1)
FROM roads GROUP BY road_class ORDER BY road_class
"""
KINDS = {
    "land_use_by_commune": (("land_parcels", "admin_communes"), LAND_USE,
                            ("commune_code", "commune_name", "land_use_code", "parcels",
                             "area_m2")),
    "forest_by_type": (("forest_areas",), FOREST, ("forest_type", "features", "area_m2")),
    "road_length_by_class": (("roads",), ROADS, ("road_class", "features", "length_m")),
}


def area_statistics(grant: Grant, data: dict) -> dict:
    """Rows of the requested statistic (areas are VN-2000 planar, official for parcels)."""
    kind = inputs.choice(data, "statistic", tuple(KINDS))
    layers, query, columns = KINDS[kind]
    if not all(grant.can_read(layer) for layer in layers):
        raise AnalysisInputError(f"statistic: {kind!r} needs layers you may not read")
    day = inputs.date(data, "date", dt.date.today())
    rows = [dict(zip(columns, (float(v) if hasattr(v, "as_tuple") else v for v in row),
                     strict=True)) for row in fetch(sql.SQL(query), {"day": day})]
    return {"statistic": kind, "date": day.isoformat(), "columns": list(columns), "rows": rows}


def to_csv(result: dict) -> str:
    """The statistic as CSV with a header line."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=result["columns"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(result["rows"])
    return out.getvalue()
