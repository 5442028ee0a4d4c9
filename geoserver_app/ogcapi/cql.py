# SPDX-License-Identifier: MIT
"""CQL2 (parsed by pygeofilter) to a SQL condition with bound parameters.

Identifiers come only from the collection's visible attributes (quoted by psycopg2), values
are always bound parameters, so a filter can never inject SQL; anything unknown or
unsupported raises ``FilterError`` (400) before a statement is built.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pygeofilter.ast as ast
import pygeofilter.values as values
from psycopg2 import sql
from pygeoapi.provider.base import ProviderInvalidQueryError

GEOMETRY_NAMES = {"geometry", "geom"}
Value = int | float | str | bool | dt.date | dt.datetime


class FilterError(ProviderInvalidQueryError):
    """A filter this collection cannot evaluate (unknown property, unsupported operator)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, user_msg=f"filter: {message}")


_COMPARISON = {ast.Equal: "=", ast.NotEqual: "<>", ast.LessThan: "<", ast.LessEqual: "<=",
               ast.GreaterThan: ">", ast.GreaterEqual: ">="}
_SPATIAL = {ast.GeometryIntersects: "ST_Intersects", ast.GeometryDisjoint: "ST_Disjoint",
            ast.GeometryContains: "ST_Contains", ast.GeometryWithin: "ST_Within",
            ast.GeometryTouches: "ST_Touches", ast.GeometryCrosses: "ST_Crosses",
            ast.GeometryOverlaps: "ST_Overlaps", ast.GeometryEquals: "ST_Equals"}


class Translator:
    """Translate one filter for a table alias ``t`` with the given attribute columns."""

    def __init__(self, columns: set[str], geometry: sql.Composable) -> None:
        self.columns = columns
        self.geometry = geometry
        self.params: list = []

    def bind(self, value: object) -> sql.Composable:
        self.params.append(value)
        return sql.Placeholder()

    def attribute(self, node: ast.Attribute) -> sql.Composable:
        if node.name in GEOMETRY_NAMES:
            return self.geometry
        if node.name not in self.columns:
            raise FilterError(f"unknown property {node.name!r}; see /queryables")
        return sql.SQL("t.{}").format(sql.Identifier(node.name))

    def operand(self, node: object) -> sql.Composable:
        """A scalar side of a predicate: attribute, literal or arithmetic."""
        if isinstance(node, ast.Attribute):
            return self.attribute(node)
        if isinstance(node, ast.Arithmetic):
            return sql.SQL("({} {} {})").format(self.operand(node.lhs),
                                                sql.SQL(node.op.value), self.operand(node.rhs))
        if isinstance(node, (int, float, str, bool, dt.date)):
            return self.bind(node)
        raise FilterError(f"unsupported operand {type(node).__name__}")

    def geometry_value(self, node: object) -> sql.Composable:
        """A geometry literal (CRS84 after pygeoapi's filter-crs handling) or attribute."""
        if isinstance(node, ast.Attribute):
            return self.attribute(node)
        if isinstance(node, values.Geometry):
            return sql.SQL("ST_SetSRID(ST_GeomFromGeoJSON({}), 4326)").format(
                self.bind(json.dumps(node.geometry)))
        if isinstance(node, values.Envelope):
            return self.envelope([node.x1, node.y1, node.x2, node.y2])
        if isinstance(node, ast.Function) and node.name.lower() == "bbox":
            return self.envelope(node.arguments)
        raise FilterError(f"unsupported geometry {type(node).__name__}")

    def envelope(self, coords: list) -> sql.Composable:
        if len(coords) != 4 or not all(isinstance(c, (int, float)) for c in coords):
            raise FilterError("BBOX needs four numbers")
        return sql.SQL("ST_MakeEnvelope({}, {}, {}, {}, 4326)").format(
            *(self.bind(float(c)) for c in coords))

    def __call__(self, node: object) -> sql.Composable:
        """The SQL condition of ``node``."""
        handler = self._handler(node)
        return handler(node)

    def _handler(self, node: object) -> Callable[[object], sql.Composable]:
        for kind, handler in self._handlers():
            if isinstance(node, kind):
                return handler
        raise FilterError(f"unsupported expression {type(node).__name__}")

    def _handlers(self) -> tuple:
        return ((ast.And, self.combination), (ast.Or, self.combination), (ast.Not, self.negation),
                (ast.Comparison, self.comparison), (ast.Between, self.between),
                (ast.Like, self.like), (ast.In, self.in_list), (ast.IsNull, self.is_null),
                (ast.SpatialComparisonPredicate, self.spatial), (ast.Include, self.include))

    def combination(self, node: ast.Combination) -> sql.Composable:
        joiner = sql.SQL(" AND " if isinstance(node, ast.And) else " OR ")
        return sql.SQL("({})").format(joiner.join([self(node.lhs), self(node.rhs)]))

    def negation(self, node: ast.Not) -> sql.Composable:
        return sql.SQL("(NOT {})").format(self(node.sub_node))

    def comparison(self, node: ast.Comparison) -> sql.Composable:
        op = _COMPARISON.get(type(node))
        if op is None:
            raise FilterError(f"unsupported comparison {type(node).__name__}")
        return sql.SQL("({} {} {})").format(self.operand(node.lhs), sql.SQL(op),
                                            self.operand(node.rhs))

    def between(self, node: ast.Between) -> sql.Composable:
        return sql.SQL("({} {}BETWEEN {} AND {})").format(
            self.operand(node.lhs), sql.SQL("NOT " if node.not_ else ""),
            self.operand(node.low), self.operand(node.high))

    def like(self, node: ast.Like) -> sql.Composable:
        if not isinstance(node.pattern, str):
            raise FilterError("LIKE needs a text pattern")
        pattern = node.pattern.replace(node.wildcard, "%").replace(node.singlechar, "_")
        op = ("NOT " if node.not_ else "") + ("ILIKE" if node.nocase else "LIKE")
        return sql.SQL("({}::text {} {})").format(self.operand(node.lhs), sql.SQL(op),
                                                 self.bind(pattern))

    def in_list(self, node: ast.In) -> sql.Composable:
        items = sql.SQL(", ").join([self.operand(item) for item in node.sub_nodes])
        return sql.SQL("({} {}IN ({}))").format(self.operand(node.lhs),
                                                sql.SQL("NOT " if node.not_ else ""), items)

    def is_null(self, node: ast.IsNull) -> sql.Composable:
        return sql.SQL("({} IS {}NULL)").format(self.operand(node.lhs),
                                                sql.SQL("NOT " if node.not_ else ""))

    def spatial(self, node: ast.SpatialComparisonPredicate) -> sql.Composable:
        function = _SPATIAL.get(type(node))
        if function is None:
            raise FilterError(f"unsupported spatial operator {type(node).__name__}")
        return sql.SQL("{}({}, {})").format(sql.SQL(function), self.geometry_value(node.lhs),
                                            self.geometry_value(node.rhs))

    def include(self, node: ast.Node) -> sql.Composable:
        return sql.SQL("FALSE" if node.not_ else "TRUE")


def to_sql(node: ast.Node, columns: set[str],
           geometry: sql.Composable) -> tuple[sql.Composable, list]:
    """The condition and its bound parameters."""
    translator = Translator(columns, geometry)
    condition = translator(node)
    return condition, translator.params
