# SPDX-License-Identifier: MIT
"""Vector tiles (OGC API Tiles) straight from PostGIS: ST_TileEnvelope + ST_AsMVT.

Integer SRIDs only (a text SRID makes PostGIS rebuild a PROJ object per row: ~4 s per z14
tile instead of ~3 ms). The GiST index on ``geom_4326`` selects the rows; geometries are
simplified below ``SIMPLIFY_BELOW`` and a tile holds at most ``MAX_FEATURES`` features.
Only the attributes the viewer styles and labels with are encoded, never hidden ones.
"""
from __future__ import annotations

from psycopg2 import sql
from pygeoapi.models.provider.base import LinkType, TileMatrixSetEnum, TileSetMetadata
from pygeoapi.provider.base_mvt import BaseMVTProvider
from pygeoapi.provider.tile import ProviderTileNotFoundError
from pygeoapi.util import url_join

from geoserver_app.ogcapi import db
from layers import registry

MAX_FEATURES = 20000
SIMPLIFY_BELOW = 13
WEB_MERCATOR = TileMatrixSetEnum.WEBMERCATORQUAD.value
WORLD_CRS84 = TileMatrixSetEnum.WORLDCRS84QUAD.value

# Tile bounds are inlined (immutable functions of the parameters, folded by the planner) so
# the GiST index on geom_4326 is used; a CTE would hide them and scan the table.
_WEB_MERCATOR_TILE = sql.SQL("""
SELECT ST_AsMVT(tile, %(layer)s, 4096, 'geom', 'id') FROM (
  SELECT ST_AsMVTGeom({geometry}, ST_TileEnvelope(%(z)s, %(x)s, %(y)s), 4096, 64, true)
         AS geom{columns}
  FROM {table} AS t
  WHERE t.geom_4326 && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s), 4326)
  LIMIT %(cap)s) AS tile WHERE tile.geom IS NOT NULL
""")
_CRS84_TILE = sql.SQL("""
SELECT ST_AsMVT(tile, %(layer)s, 4096, 'geom', 'id') FROM (
  SELECT ST_AsMVTGeom({geometry},
                      ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, %(ymax)s, 4326)::box2d,
                      4096, 64, true) AS geom{columns}
  FROM {table} AS t
  WHERE t.geom_4326 && ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, %(ymax)s, 4326)
  LIMIT %(cap)s) AS tile WHERE tile.geom IS NOT NULL
""")


def viewer_attributes(layer: registry.Layer) -> list[str]:
    """The attributes the map viewer needs: natural key, classification and label."""
    names = list(layer.natural_key)
    for extra in (layer.style.classify_by, layer.style.label):
        if extra and extra not in names:
            names.append(extra)
    return names


def tile_query(tileset: str, z: int, table: str, columns: list[str]) -> sql.Composable:
    """The MVT statement for a tile of ``tileset`` at zoom ``z``."""
    web = tileset == WEB_MERCATOR.tileMatrixSet
    geometry = "ST_Transform(t.geom_4326, 3857)" if web else "t.geom_4326"
    if z < SIMPLIFY_BELOW:
        geometry = f"ST_Simplify({geometry}, %(tolerance)s, true)"
    selected = sql.SQL("").join(sql.SQL(", t.{}").format(sql.Identifier(c))
                                for c in ["id", *columns])
    template = _WEB_MERCATOR_TILE if web else _CRS84_TILE
    return template.format(geometry=sql.SQL(geometry), columns=selected,
                           table=sql.Identifier(table))


def tile_params(tileset: str, z: int, x: int, y: int, layer: str) -> dict:
    """Bound parameters of ``tile_query``: tile bounds and simplification tolerance."""
    if tileset == WEB_MERCATOR.tileMatrixSet:
        size = 40075016.68557849 / 2 ** z
        return {"z": z, "x": x, "y": y, "layer": layer, "cap": MAX_FEATURES,
                "tolerance": size / 4096}
    size = 180 / 2 ** z
    xmin, ymax = size * x - 180, 90 - size * y
    return {"xmin": xmin, "ymin": ymax - size, "xmax": xmin + size, "ymax": ymax,
            "layer": layer, "cap": MAX_FEATURES, "tolerance": size / 4096}


class MVTProvider(BaseMVTProvider):
    """Vector tiles of one registry layer (``data: {database, table}``)."""

    def __init__(self, provider_def: dict) -> None:
        super().__init__(provider_def)
        self.layer = registry.get(provider_def["data"]["table"])
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
        query = tile_query(tileset, z, self.layer.table, self.columns)
        with db.connection(self.database) as conn, conn.cursor() as cursor:
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
