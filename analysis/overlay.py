# SPDX-License-Identifier: MIT
"""Overlay: features of layer A within a distance of (or intersecting) features of layer B."""
from __future__ import annotations

from psycopg2 import sql

from analysis import inputs
from analysis.db import fetch, properties, visible_columns
from analysis.errors import AnalysisInputError
from layers.grants import Grant

MAX_DISTANCE_M = 5000.0
MAX_RESULTS = 10_000
MAX_B_IDS = 1000


def _b_ids(data: dict) -> list[int] | None:
    ids = data.get("b_ids")
    if ids is None:
        return None
    if not isinstance(ids, list) or not ids or len(ids) > MAX_B_IDS or \
            not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise AnalysisInputError(f"b_ids: a list of 1 to {MAX_B_IDS} feature ids")
    return ids


def overlay(grant: Grant, data: dict) -> dict:
    """GeoJSON (CRS84) of A's features near B, with the area of A inside B's buffer."""
    layer_a = inputs.visible_layer(grant, data.get("layer_a"), "layer_a")
    layer_b = inputs.visible_layer(grant, data.get("layer_b"), "layer_b")
    distance = inputs.number(data, "distance_m", 0, MAX_DISTANCE_M, default=0.0)
    ids = _b_ids(data)
    query = sql.SQL(
        "WITH b AS (SELECT ST_Union(ST_Buffer(geom, %(d)s)) AS g FROM {b} "
        "           WHERE %(ids)s::bigint[] IS NULL OR id = ANY(%(ids)s::bigint[])) "
        "SELECT a.id, {props}, ST_AsGeoJSON(a.geom_4326, 7)::jsonb, "
        "       ST_Area(ST_Intersection(a.geom, b.g)), ST_Length(ST_Intersection(a.geom, b.g)) "
        "FROM {a} a, b WHERE ST_Intersects(a.geom, b.g) ORDER BY a.id LIMIT %(cap)s"
    ).format(a=sql.Identifier(layer_a.table), b=sql.Identifier(layer_b.table),
             props=properties("a", visible_columns(grant, layer_a)))
    rows = fetch(query, {"d": distance, "ids": ids, "cap": MAX_RESULTS + 1})
    if len(rows) > MAX_RESULTS:
        raise AnalysisInputError(f"more than {MAX_RESULTS} features match: narrow b_ids "
                                 "or the distance")
    features = [{"type": "Feature", "id": fid, "geometry": geometry,
                 "properties": {**props, "affected_m2": round(area, 1),
                                "affected_length_m": round(length, 1)}}
                for fid, props, geometry, area, length in rows]
    return {"type": "FeatureCollection", "numberReturned": len(features), "features": features,
            "distance_m": distance, "layer_a": layer_a.id, "layer_b": layer_b.id}
