# SPDX-License-Identifier: MIT
"""Vector tiles (OGC API Tiles) straight from PostGIS: ST_TileEnvelope + ST_AsMVT.

Integer SRIDs only (a text SRID makes PostGIS rebuild a PROJ object per row: ~4 s per z14
tile instead of ~3 ms). The GiST index on ``geom_4326`` selects the rows; geometries are
simplified below ``SIMPLIFY_BELOW`` and a tile holds at most ``MAX_FEATURES`` features.
Only the attributes the viewer styles and labels with are encoded, never hidden ones.

Features wholly inside a tile at ``SIMPLIFY_BELOW`` and deeper skip ``ST_AsMVTGeom``, whose
clipping and validation (wagyu, ~2.5 µs a polygon) are half the time of a z15 parcel tile:
one ``ST_Affine`` maps their ``geom_4326`` to tile units, snapped to the unit grid, exterior
rings clockwise on screen as the MVT specification wants (``ST_ForcePolygonCW`` before the
affine turns y down). In WorldCRS84Quad the map is exact. In WebMercatorQuad latitude is
mapped linearly between the tile's top and bottom latitudes (the secant of Mercator's y);
its largest error, R·sinφ/cos²φ·Δφ²/8, is computed per tile (``affine_error``) and the affine
is only used while it stays under ``AFFINE_MAX_ERROR`` tile units (z14 and deeper at Vietnam's
latitudes: 0.04 unit at z15, where rounding to the grid is already ±0.5). Features crossing
the tile's edge keep ``ST_AsMVTGeom`` (clipped to the 64-unit buffer); features that snap to
nothing are left out, as ``ST_AsMVTGeom`` leaves them out.
"""
from __future__ import annotations

import math

from psycopg2 import sql
from pygeoapi.models.provider.base import LinkType, TileMatrixSetEnum, TileSetMetadata
from pygeoapi.provider.base_mvt import BaseMVTProvider
from pygeoapi.provider.tile import ProviderTileNotFoundError
from pygeoapi.util import url_join

from geoserver_app.ogcapi import db
from layers import catalog, registry

MAX_FEATURES = 20000
SIMPLIFY_BELOW = 13
EXTENT = 4096
AFFINE_MAX_ERROR = 0.1  # tile units
WEB_MERCATOR = TileMatrixSetEnum.WEBMERCATORQUAD.value
WORLD_CRS84 = TileMatrixSetEnum.WORLDCRS84QUAD.value

# Tile bounds are inlined (immutable functions of the parameters, folded by the planner) so
# the GiST index on geom_4326 is used; a CTE would hide them and scan the table.
_WEB_MERCATOR_TILE = sql.SQL("""
SELECT ST_AsMVT(tile, %(layer)s, 4096, 'geom', 'id') FROM (
  SELECT {mvt_geometry} AS geom{columns}
  FROM {table} AS t
  WHERE t.geom_4326 && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s), 4326)
  LIMIT %(cap)s) AS tile WHERE tile.geom IS NOT NULL AND NOT ST_IsEmpty(tile.geom)
""")
_WEB_MERCATOR_GEOMETRY = "ST_AsMVTGeom({}, ST_TileEnvelope(%(z)s, %(x)s, %(y)s), 4096, 64, true)"
_CRS84_TILE = sql.SQL("""
SELECT ST_AsMVT(tile, %(layer)s, 4096, 'geom', 'id') FROM (
  SELECT {mvt_geometry} AS geom{columns}
  FROM {table} AS t
  WHERE t.geom_4326 && ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, %(ymax)s, 4326)
  LIMIT %(cap)s) AS tile WHERE tile.geom IS NOT NULL AND NOT ST_IsEmpty(tile.geom)
""")
_CRS84_GEOMETRY = ("ST_AsMVTGeom({}, ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, %(ymax)s, "
                   "4326)::box2d, 4096, 64, true)")
# a feature inside the tile (bounding boxes): one affine to tile units, snapped to the grid
_AFFINE_GEOMETRY = (
    "CASE WHEN t.geom_4326 @ ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326) "
    "THEN ST_SnapToGrid(ST_Affine(ST_ForcePolygonCW(t.geom_4326), %(sx)s, 0, 0, %(sy)s, "
    "%(x0)s, %(y0)s), 1) ELSE {} END")


def viewer_attributes(layer: registry.Layer) -> list[str]:
    """The attributes the map viewer needs: natural key, classification and label."""
    names = list(layer.natural_key)
    for extra in (layer.style.classify_by, layer.style.label):
        if extra and extra not in names:
            names.append(extra)
    return names


def tile_query(tileset: str, z: int, table: str, columns: list[str],
               affine: bool = False) -> sql.Composable:
    """The MVT statement for a tile of ``tileset`` at zoom ``z`` (``affine``: features inside
    the tile by the affine map, see the module's docstring and ``uses_affine``)."""
    selected = sql.SQL("").join(sql.SQL(", t.{}").format(sql.Identifier(c))
                                for c in ["id", *columns])
    template = _WEB_MERCATOR_TILE if tileset == WEB_MERCATOR.tileMatrixSet else _CRS84_TILE
    return template.format(mvt_geometry=mvt_geometry(tileset, z, affine), columns=selected,
                           table=sql.Identifier(table))


def mvt_geometry(tileset: str, z: int, affine: bool) -> sql.Composable:
    """The tile geometry of a row ``t`` (in tile units) for ``tile_query``."""
    web = tileset == WEB_MERCATOR.tileMatrixSet
    geometry = "ST_Transform(t.geom_4326, 3857)" if web else "t.geom_4326"
    if z < SIMPLIFY_BELOW:
        geometry = f"ST_Simplify({geometry}, %(tolerance)s, true)"
    expression = (_WEB_MERCATOR_GEOMETRY if web else _CRS84_GEOMETRY).format(geometry)
    if affine:
        expression = _AFFINE_GEOMETRY.format(expression)
    return sql.SQL(expression)


def tile_bounds(tileset: str, z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """West, south, east, north of a tile in degrees."""
    if tileset == WEB_MERCATOR.tileMatrixSet:
        n = 2 ** z

        def latitude(row: int) -> float:
            return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

        return x / n * 360 - 180, latitude(y + 1), (x + 1) / n * 360 - 180, latitude(y)
    size = 180 / 2 ** z
    west, north = size * x - 180, 90 - size * y
    return west, north - size, west + size, north


def affine_error(tileset: str, z: int, y: int) -> float:
    """The largest error, in tile units, of mapping the tile's latitudes linearly."""
    if tileset != WEB_MERCATOR.tileMatrixSet:
        return 0.0
    _west, south, _east, north = tile_bounds(tileset, z, 0, y)
    widest = math.radians(max(abs(south), abs(north)))
    span = math.radians(north - south)
    # R·sinφ/cos²φ·Δφ²/8 metres, in tile units of 2πR/2^z/EXTENT metres
    return (math.sin(widest) / math.cos(widest) ** 2 * span ** 2 / 8
            * EXTENT * 2 ** z / (2 * math.pi))


def uses_affine(tileset: str, z: int, y: int) -> bool:
    """Whether features inside a tile take the affine map (deep, unsimplified tiles)."""
    return z >= SIMPLIFY_BELOW and affine_error(tileset, z, y) <= AFFINE_MAX_ERROR


def tile_params(tileset: str, z: int, x: int, y: int, layer: str) -> dict:
    """Bound parameters of ``tile_query``: tile bounds, simplification tolerance and the
    affine map from degrees to tile units."""
    west, south, east, north = tile_bounds(tileset, z, x, y)
    sx, sy = EXTENT / (east - west), -EXTENT / (north - south)
    params = {"layer": layer, "cap": MAX_FEATURES, "west": west, "south": south,
              "east": east, "north": north, "sx": sx, "sy": sy, "x0": -west * sx,
              "y0": -north * sy}
    if tileset == WEB_MERCATOR.tileMatrixSet:
        size = 40075016.68557849 / 2 ** z
        return {**params, "z": z, "x": x, "y": y, "tolerance": size / 4096}
    return {**params, "xmin": west, "ymin": south, "xmax": east, "ymax": north,
            "tolerance": (east - west) / 4096}


class MVTProvider(BaseMVTProvider):
    """Vector tiles of one registry layer (``data: {database, table}``)."""

    def __init__(self, provider_def: dict) -> None:
        super().__init__(provider_def)
        self.layer = catalog.current().get(provider_def["data"]["layer"])
        self.database = provider_def["data"].get("database", "default")
        self.columns = list(provider_def.get("properties", []))

    def get_layer(self) -> str:
        return self.layer.id

    def get_tiling_schemes(self) -> list:
        return [WEB_MERCATOR, WORLD_CRS84]

    def get_tiles_service(self, baseurl=None, servicepath=None, dirpath=None,
                          tile_type=None) -> dict:
        BaseMVTProvider.get_tiles_service(self, baseurl, servicepath, dirpath, tile_type)
        self._service_url = servicepath
        return self.get_tms_links()

    def _check(self, tileset: str | None, z: object, x: object, y: object) -> tuple[int, ...]:
        """Tile indices as integers; ProviderTileNotFoundError (404) outside the layer."""
        schemes = {s.tileMatrixSet: s for s in self.get_tiling_schemes()}
        try:
            z, x, y = int(z), int(x), int(y)
        except (TypeError, ValueError):
            raise ProviderTileNotFoundError from None
        zoom = self.options["zoom"]
        if tileset not in schemes or not zoom["min"] <= z <= zoom["max"]:
            raise ProviderTileNotFoundError
        matrix = schemes[tileset].tileMatrices[z] if z < len(
            schemes[tileset].tileMatrices) else None
        if matrix is None or not (0 <= x < matrix["matrixWidth"]
                                  and 0 <= y < matrix["matrixHeight"]):
            raise ProviderTileNotFoundError
        return z, x, y

    def get_tiles(self, layer: str = "default", tileset: str | None = None, z=None, y=None,
                  x=None, format_=None) -> bytes:
        """One MVT tile (empty bytes when no feature falls in it)."""
        z, x, y = self._check(tileset, z, x, y)
        query = tile_query(tileset, z, self.layer.table, self.columns,
                           uses_affine(tileset, z, y))
        with db.connection(self.database, autocommit=True) as conn, conn.cursor() as cursor:
            cursor.execute(query, tile_params(tileset, z, x, y, self.layer.id))
            return bytes(cursor.fetchone()[0] or b"")

    def get_html_metadata(self, dataset, server_url, layer, tileset, title, description,
                          keywords, **kwargs) -> dict:
        base = url_join(server_url, f"collections/{dataset}/tiles/{tileset}")
        return {"id": dataset, "title": title, "tileset": tileset,
                "collections_path": url_join(base, "{tileMatrix}/{tileRow}/{tileCol}?f=mvt"),
                "json_url": f"{url_join(base, 'metadata')}?f=json"}

    def get_default_metadata(self, dataset, server_url, layer, tileset, title, description,
                             keywords, **kwargs) -> dict:
        scheme = {s.tileMatrixSet: s for s in self.get_tiling_schemes()}.get(tileset,
                                                                             WEB_MERCATOR)
        content = TileSetMetadata(title=title, description=description, keywords=keywords,
                                  crs=scheme.crs, tileMatrixSetURI=scheme.tileMatrixSetURI)
        content.links = [
            LinkType(href=url_join(server_url, "TileMatrixSets", scheme.tileMatrixSet),
                     rel="http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
                     type="application/json",
                     title=f"{scheme.tileMatrixSet} tile matrix set definition"),
            LinkType(href=url_join(server_url, f"collections/{dataset}/tiles/{tileset}",
                                   "{tileMatrix}/{tileRow}/{tileCol}?f=mvt"),
                     rel="item", type="application/vnd.mapbox-vector-tile",
                     title=f"{tileset} vector tiles for {layer}")]
        return content.model_dump(exclude_none=True, by_alias=True)

    def __repr__(self) -> str:
        return f"<MVTProvider> {self.layer.id}"
