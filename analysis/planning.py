# SPDX-License-Identifier: MIT
"""Planning lookup ("tra cứu quy hoạch"): which plan zones cover a point, parcel or polygon."""
from __future__ import annotations

import json

from psycopg2 import sql

from analysis import inputs
from analysis.db import fetch, properties, visible_columns
from analysis.errors import AnalysisInputError, AnalysisNotFound
from layers import registry
from layers.grants import Grant

ZONE_LAYERS = ("land_use_plan_zones", "urban_planning_zones")
POINT = "ST_Transform(ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), 9214)"
POLYGON = "ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(%(geojson)s), 4326), 9214)"
PARCEL = ("(SELECT geom FROM land_parcels WHERE commune_code = %(commune_code)s "
          "AND sheet_no = %(sheet_no)s AND parcel_no = %(parcel_no)s)")


def _target(data: dict) -> tuple[str, str, dict]:
    """(kind, SQL of the target geometry in EPSG:9214, parameters) from the inputs."""
    if "point" in data:
        point = inputs.geometry({"type": "Point", "coordinates": data["point"]}
                                if isinstance(data["point"], list) else data["point"], "point")
        return "point", POINT, {"lon": point.x, "lat": point.y}
    if "parcel" in data:
        parcel = data["parcel"] if isinstance(data["parcel"], dict) else {}
        try:
            key = {"commune_code": str(parcel["commune_code"]),
                   "sheet_no": int(parcel["sheet_no"]), "parcel_no": int(parcel["parcel_no"])}
        except (KeyError, TypeError, ValueError) as exc:
            raise AnalysisInputError("parcel: give commune_code, sheet_no and parcel_no") from exc
        return "parcel", PARCEL, key
    if "polygon" in data:
        polygon = inputs.geometry(data["polygon"], "polygon")
        if polygon.geom_type not in ("Polygon", "MultiPolygon"):
            raise AnalysisInputError("polygon: a Polygon or MultiPolygon is required")
        return "polygon", POLYGON, {"geojson": json.dumps(polygon.__geo_interface__)}
    raise AnalysisInputError("give one of: point [lon, lat], parcel {commune_code, sheet_no, "
                             "parcel_no}, polygon (GeoJSON)")


def _zones(grant: Grant, layer: registry.Layer, target_sql: str, params: dict) -> list[dict]:
    query = sql.SQL(
        "WITH t AS (SELECT {target} AS g) "
        "SELECT {props}, ST_Area(ST_Intersection(z.geom, t.g)), ST_Area(t.g) "
        "FROM {table} z, t WHERE ST_Intersects(z.geom, t.g) ORDER BY 2 DESC, z.id"
    ).format(target=sql.SQL(target_sql), props=properties("z", visible_columns(grant, layer)),
             table=sql.Identifier(layer.table))
    zones = []
    for props, intersected, total in fetch(query, params):
        share = round(100 * intersected / total, 2) if total else None
        zones.append({"layer": layer.id, "title": layer.title_vi, "properties": props,
                      "intersection_m2": round(intersected, 1), "share_pct": share})
    return zones


def _parcel(grant: Grant, target_sql: str, params: dict) -> dict | None:
    layer = registry.get("land_parcels")
    query = sql.SQL("WITH t AS (SELECT {target} AS g) SELECT {props}, ST_Area(p.geom) "
                    "FROM land_parcels p, t WHERE ST_Intersects(p.geom, t.g) "
                    "ORDER BY ST_Area(ST_Intersection(p.geom, t.g)) DESC LIMIT 1").format(
        target=sql.SQL(target_sql), props=properties("p", visible_columns(grant, layer)))
    rows = fetch(query, params)
    if not rows:
        return None
    props, planar = rows[0]
    words = registry.LAND_USE_CODES.get(props.get("land_use_code"), ("", "", ""))
    return {**props, "land_use_vi": words[0], "land_use_en": words[1],
            "planar_area_m2": round(planar, 1)}


def planning_lookup(grant: Grant, data: dict) -> dict:
    """Every visible plan zone intersecting the target, with area (VN-2000 planar) and share."""
    kind, target_sql, params = _target(data)
    wants_parcel = kind != "polygon" and grant.can_read("land_parcels")
    parcel = _parcel(grant, target_sql, params) if wants_parcel else None
    if kind == "parcel" and parcel is None:
        raise AnalysisNotFound("parcel: no such parcel (commune_code, sheet_no, parcel_no)")
    zones = [zone for layer_id in ZONE_LAYERS if grant.can_read(layer_id)
             for zone in _zones(grant, registry.get(layer_id), target_sql, params)]
    return {"target": kind, "parcel": parcel, "zones": zones}
