# SPDX-License-Identifier: MIT
"""The SQL of the OGC API providers, in one place; identifiers quoted by psycopg2.

A whole FeatureCollection page is one statement: PostgreSQL filters with the GiST index on
``geom_4326``, orders, cuts the page and writes the GeoJSON (``json_agg``/``ST_AsGeoJSON``);
Python only parses the result. Output CRSs use integer SRIDs (text SRIDs make PostGIS build a
PROJ object per row).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from psycopg2 import sql

from layers import sql as layer_sql

CRS84_SRID = 0  # our marker: CRS84 (lon/lat), the generated geom_4326 column as stored
# target SRID -> (geometry expression over alias t, ST_AsGeoJSON decimal digits)
_GEOMETRY = {
    CRS84_SRID: ("t.geom_4326", 7),
    4326: ("ST_FlipCoordinates(t.geom_4326)", 7),   # EPSG:4326 axis order is lat, lon
    3857: ("ST_Transform(t.geom_4326, 3857)", 2),
    3405: ("ST_Transform(t.geom, 3405)", 3),        # VN-2000 / UTM 48N from the native geometry
    9214: ("t.geom", 3),                            # native VN-2000 / TM-3 107°00'
}
SUPPORTED_SRIDS = frozenset(_GEOMETRY)
MAX_ID = 2**63 - 1  # feature ids are bigint: a larger number is no feature (404), not a 500


@dataclass
class Page:
    """Everything that selects and shapes one page of features."""

    table: str
    columns: Sequence[str]
    srid: int = CRS84_SRID
    skip_geometry: bool = False
    conditions: list[sql.Composable] = field(default_factory=list)
    params: list = field(default_factory=list)
    order: list[tuple[str, bool]] = field(default_factory=list)
    limit: int = 10
    offset: int = 0

    def where(self, condition: sql.Composable, *params: object) -> None:
        self.conditions.append(condition)
        self.params.extend(params)


def geometry_json(srid: int) -> sql.Composable:
    expression, digits = _GEOMETRY[srid]
    return sql.SQL("ST_AsGeoJSON({}, {})::json").format(sql.SQL(expression), sql.Literal(digits))


def _properties(columns: Sequence[str]) -> sql.Composable:
    return sql.SQL("json_build_object({})").format(sql.SQL(", ").join(
        sql.SQL("{}, t.{}").format(sql.Literal(c), sql.Identifier(c)) for c in columns))


def feature_json(columns: Sequence[str], srid: int, skip_geometry: bool) -> sql.Composable:
    """A json Feature of the row ``t`` with the given attribute columns."""
    geometry = sql.SQL("NULL::json") if skip_geometry else geometry_json(srid)
    return sql.SQL("json_build_object('type', 'Feature', 'id', t.id, 'geometry', {}, "
                   "'properties', {})").format(geometry, _properties(columns))


def feature_text(columns: Sequence[str], srid: int, skip_geometry: bool) -> sql.Composable:
    """``feature_json`` as text, written by concatenation: ST_AsGeoJSON's text goes in as it
    is (no ``::json`` parse of every geometry) and the page is one ``string_agg`` (15-20 %
    of a bbox page's statement; bench/README.md, OGC API). Ids are integers (every layer's
    key is: ingest/register.py), so ``t.id`` is a JSON number as written."""
    if skip_geometry:
        geometry = sql.SQL("'null'")
    else:
        expression, digits = _GEOMETRY[srid]
        geometry = sql.SQL("coalesce(ST_AsGeoJSON({}, {}), 'null')").format(
            sql.SQL(expression), sql.Literal(digits))
    return sql.SQL("""'{{"type":"Feature","id":' || t.id || ',"geometry":' || {} || """
                   """',"properties":' || {}::text || '}}'""").format(
        geometry, _properties(columns))


def _where(page: Page) -> sql.Composable:
    if not page.conditions:
        return sql.SQL("")
    return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(page.conditions)


def _order(page: Page) -> sql.Composable:
    keys = [sql.SQL("t.{} {}").format(sql.Identifier(c), sql.SQL("DESC" if desc else "ASC"))
            for c, desc in page.order]
    keys.append(sql.SQL("t.id"))
    return sql.SQL(" ORDER BY ") + sql.SQL(", ").join(keys)


def last_change(table: str) -> sql.Composable:
    """The latest change of a layer: its newest ``updated_at`` or deletion (one parameter:
    the layer id). Two index lookups: ``<table>_updated_at`` and ``feature_tombstones_time``."""
    return sql.SQL("greatest((SELECT max(updated_at) FROM {}), (SELECT max(deleted_at) "
                   "FROM feature_tombstones WHERE layer = %s))").format(sql.Identifier(table))


def _matched(page: Page) -> tuple[sql.Composable, list]:
    """numberMatched of the page ``p``, exact in the page's own snapshot.

    ``after`` (keyset paging) is a condition like the others: a page after id N matches the
    features after N, so pygeoapi's next-link rule (matched > offset + limit) stays right.
    A short page that starts the matches already knows the number (offset + returned);
    otherwise a count over the same WHERE, which PostgreSQL runs as an InitPlan only when
    the CASE reaches it (``count_matched``: with no condition, the layer's kept count). The
    alternatives measured: bench/README.md (numberMatched).
    """
    count, params = count_matched(page)
    known = sql.SQL("CASE WHEN count(*) < %s AND (count(*) > 0 OR %s = 0) THEN %s + count(*) "
                    "ELSE ({}) END").format(count)
    return known, [page.limit, page.offset, page.offset, *params]


def collection_page(page: Page, layer_id: str,
                    as_text: bool = False) -> tuple[sql.Composable, list]:
    """One statement returning (features json array, number returned, largest id in the
    page, the layer's last change, number matched); the array as text with ``as_text``
    (streamed as is)."""
    inner = sql.SQL("SELECT t.id, {feature} AS feature FROM {table} AS t{where}{order} "
                    "LIMIT %s OFFSET %s").format(
        feature=feature_text(page.columns, page.srid, page.skip_geometry),
        table=sql.Identifier(page.table), where=_where(page), order=_order(page))
    features = sql.SQL("'[' || coalesce(string_agg(p.feature, ','), '') || ']'")
    if not as_text:
        features = sql.SQL("({})::json").format(features)
    matched, matched_params = _matched(page)
    query = sql.SQL("SELECT {}, count(*), max(p.id), {}, {} FROM ({}) AS p").format(
        features, last_change(page.table), matched, inner)
    return query, [layer_id, *matched_params, *page.params, page.limit, page.offset]


def layer_last_change(table: str) -> sql.Composable:
    """``last_change`` alone (a conditional request answered before any page is built)."""
    return sql.SQL("SELECT {}").format(last_change(table))


def count_matched(page: Page) -> tuple[sql.Composable, list]:
    """The statement of a page's numberMatched. With no condition at all, the layer's kept
    count (the sum of its ``layer_row_counts``, layers/sql.py), never a count of millions of
    rows; the count only for a layer that has none (a view over a registered table)."""
    query = sql.SQL("SELECT count(*) FROM {table} AS t{where}").format(
        table=sql.Identifier(page.table), where=_where(page))
    if page.conditions:
        return query, list(page.params)
    return (sql.SQL("SELECT coalesce((SELECT sum(n)::bigint FROM layer_row_counts "
                    "WHERE layer = %s), ({}))").format(query), [page.table])


def one_feature(table: str, columns: Sequence[str], srid: int) -> sql.Composable:
    """A Feature by id, with its version (for the ETag) and ``updated_at`` (Last-Modified)."""
    return sql.SQL("SELECT {feature}, t.version, t.updated_at FROM {table} AS t "
                   "WHERE t.id = %s").format(feature=feature_json(columns, srid, False),
                                            table=sql.Identifier(table))


BBOX_CONDITION = sql.SQL("ST_Intersects(t.geom_4326, ST_MakeEnvelope(%s, %s, %s, %s, 4326))")
AFTER_ID = sql.SQL("t.id > %s")
TIME_AFTER = sql.SQL("t.updated_at >= %s")
TIME_BEFORE = sql.SQL("t.updated_at <= %s")


def equals_text(column: str) -> sql.Composable:
    return sql.SQL("t.{}::text = %s").format(sql.Identifier(column))


# --- transactions (OGC API Features Part 4) ---------------------------------------------
# input geometry expression by Content-Crs SRID: (expression over the GeoJSON text, srid)
_INPUT = {
    CRS84_SRID: ("ST_SetSRID(ST_GeomFromGeoJSON(%(geojson)s), 4326)"),
    4326: ("ST_SetSRID(ST_FlipCoordinates(ST_GeomFromGeoJSON(%(geojson)s)), 4326)"),
    3857: ("ST_SetSRID(ST_GeomFromGeoJSON(%(geojson)s), 3857)"),
    3405: ("ST_SetSRID(ST_GeomFromGeoJSON(%(geojson)s), 3405)"),
    9214: ("ST_SetSRID(ST_GeomFromGeoJSON(%(geojson)s), 9214)"),
}
SET_ACTOR = sql.SQL(layer_sql.SET_ACTOR)


def check_geometry(srid: int, multi: bool) -> sql.Composable:
    """The stored (EPSG:9214) geometry of an input and the facts to validate it."""
    stored = f"ST_Transform({_INPUT[srid]}, 9214)"
    if multi:
        stored = f"ST_Multi({stored})"
    return sql.SQL(
        "SELECT GeometryType(g), ST_IsValid(g), ST_IsValidReason(g), "
        "ST_Within(ST_Transform(g, 4326), ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, "
        "%(ymax)s, 4326)), ST_AsEWKB(g) FROM (SELECT {} AS g) AS s").format(sql.SQL(stored))


def insert_feature(table: str, columns: Sequence[str]) -> sql.Composable:
    names = sql.SQL(", ").join(sql.Identifier(c) for c in [*columns, "geom"])
    values = sql.SQL(", ").join([sql.Placeholder()] * len(columns) +
                                [sql.SQL("ST_GeomFromEWKB(%s)")])
    return sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING id, version").format(
        sql.Identifier(table), names, values)


def update_feature(table: str, columns: Sequence[str], with_geometry: bool,
                   check_version: bool) -> sql.Composable:
    """UPDATE by id (and version when If-Match was given); returns the new version."""
    sets = [sql.SQL("{} = %s").format(sql.Identifier(c)) for c in columns]
    if with_geometry:
        sets.append(sql.SQL("geom = ST_GeomFromEWKB(%s)"))
    if not sets:
        sets.append(sql.SQL("version = version"))
    where = sql.SQL("id = %s AND version = %s" if check_version else "id = %s")
    return sql.SQL("UPDATE {} SET {} WHERE {} RETURNING version").format(
        sql.Identifier(table), sql.SQL(", ").join(sets), where)


def delete_feature(table: str, check_version: bool) -> sql.Composable:
    where = sql.SQL("id = %s AND version = %s" if check_version else "id = %s")
    return sql.SQL("DELETE FROM {} WHERE {} RETURNING id").format(sql.Identifier(table), where)


def feature_version(table: str) -> sql.Composable:
    return sql.SQL("SELECT version FROM {} WHERE id = %s").format(sql.Identifier(table))
