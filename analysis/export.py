# SPDX-License-Identifier: MIT
"""Export a layer (or a bbox subset) to GeoPackage, zipped Shapefile, CSV or GeoJSON.

GDAL's ogr2ogr streams from PostGIS (argument list, password in the environment); only the
columns the caller may see are selected, so the access policy holds for files too.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from psycopg2 import sql

from analysis import inputs
from analysis.db import visible_columns
from analysis.errors import AnalysisInputError
from layers import libpq, registry
from layers.grants import Grant


@dataclass(frozen=True)
class Format:
    driver: str
    suffix: str
    mime: str
    options: tuple[str, ...] = ()


FORMATS = {
    "gpkg": Format("GPKG", ".gpkg", "application/geopackage+sqlite3"),
    "shp": Format("ESRI Shapefile", ".shp", "application/zip", ("-lco", "ENCODING=UTF-8")),
    "csv": Format("CSV", ".csv", "text/csv", ("-lco", "GEOMETRY=AS_WKT")),
    "geojson": Format("GeoJSON", ".geojson", "application/geo+json", ("-lco", "RFC7946=NO")),
}
CRS_COLUMNS = {"EPSG:4326": "geom_4326", "EPSG:9214": "geom"}


def _select(grant: Grant, layer: registry.Layer, crs: str, bbox: list | None) -> str:
    columns = [sql.Identifier(c) for c in visible_columns(grant, layer)]
    where = sql.SQL("")
    if bbox is not None:
        where = sql.SQL(" WHERE geom_4326 && ST_MakeEnvelope({}, {}, {}, {}, 4326)").format(
            *(sql.Literal(float(v)) for v in bbox))
    query = sql.SQL("SELECT {cols}, {geom} AS geom FROM {table}{where} ORDER BY id").format(
        cols=sql.SQL(", ").join(columns), geom=sql.Identifier(CRS_COLUMNS[crs]),
        table=sql.Identifier(layer.table), where=where)
    connection.ensure_connection()
    return query.as_string(connection.connection)


def _bbox(data: dict) -> list | None:
    value = data.get("bbox")
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 4 and
            all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        raise AnalysisInputError("bbox: four numbers [minlon, minlat, maxlon, maxlat]")
    return value


def _ogr2ogr(target: Path, fmt: Format, query: str, name: str) -> None:
    env = {**os.environ, **libpq.environment()}
    source = f"PG:dbname={env['PGDATABASE']}"  # host, port, user, password: libpq variables
    result = subprocess.run(["ogr2ogr", "-f", fmt.driver, str(target), source, "-sql", query,
                             "-nln", name, *fmt.options], env=env, capture_output=True,
                            text=True, timeout=3600)
    if result.returncode != 0:
        raise RuntimeError(f"ogr2ogr failed: {result.stderr.strip()[:300]}")


def export(grant: Grant, data: dict) -> tuple[str, bytes, str]:
    """(mime type, file bytes, file name) of the export."""
    layer = inputs.visible_layer(grant, data.get("layer"))
    fmt = FORMATS[inputs.choice(data, "format", tuple(FORMATS), default="geojson")]
    crs = inputs.choice(data, "crs", tuple(CRS_COLUMNS), default="EPSG:4326")
    query = _select(grant, layer, crs, _bbox(data))
    with tempfile.TemporaryDirectory() as work:
        target = Path(work) / f"{layer.id}{fmt.suffix}"
        _ogr2ogr(target, fmt, query, layer.id)
        if fmt.suffix != ".shp":
            return fmt.mime, target.read_bytes(), target.name
        archive = Path(work) / f"{layer.id}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in sorted(Path(work).glob(f"{layer.id}.*")):
                if part.suffix != ".zip":
                    zf.write(part, part.name)
        return fmt.mime, archive.read_bytes(), archive.name
