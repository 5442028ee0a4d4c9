# SPDX-License-Identifier: MIT
"""Ingest test helpers: source files generated here (never downloaded), database look-ups."""
from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyogrio
import shapely
from django.db import connection
from pyproj import Transformer

ROOT = Path(__file__).resolve().parents[2]
# a VN-2000 / TM-3 107-00 origin inside Bắc Giang (EPSG:9214, metres)
ORIGIN = (440_000.0, 2_355_000.0)
ESRI_TM3_107 = (
    'PROJCS["VN-2000_TM-3_107-00",GEOGCS["GCS_VN-2000",DATUM["D_Vietnam_2000",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",107.0],PARAMETER["Scale_Factor",0.9999],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]')


def square(i: int, size: float = 20.0) -> shapely.Polygon:
    """The i-th 20 m parcel of a row east of ORIGIN."""
    x, y = ORIGIN[0] + i * 30.0, ORIGIN[1]
    return shapely.box(x, y, x + size, y + size)


def where(geom: shapely.Geometry) -> list[float]:
    """The report's [lon, lat] of a rejected EPSG:9214 geometry: its extent's middle."""
    xmin, ymin, xmax, ymax = geom.bounds
    lonlat = Transformer.from_crs(9214, 4326, always_xy=True).transform(
        (xmin + xmax) / 2, (ymin + ymax) / 2)
    return [round(value, 6) for value in lonlat]


def write_vector(path: Path, columns: dict[str, list], geoms: list, *, crs: str | None,
                 driver: str | None = None, geometry_type: str = "Polygon",
                 encoding: str | None = None, **options) -> Path:
    """Write a vector file with pyogrio (Arrow); strings are written as given."""
    table = {name: values if isinstance(values, pa.Array) else pa.array(values)
             for name, values in columns.items()}
    table["geometry"] = pa.array(shapely.to_wkb(geoms), pa.binary())
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'crs' was not provided")  # files without CRS on purpose
        pyogrio.write_arrow(pa.table(table), path, driver=driver, geometry_name="geometry",
                            geometry_type=geometry_type, crs=crs, encoding=encoding, **options)
    return path


def write_legacy_shapefile(path: Path, columns: dict[bytes, list[bytes | int | float]],
                           geoms: list, prj: str | None,
                           geometry_type: str = "Polygon") -> Path:
    """A shapefile whose DBF holds raw legacy bytes (names and values), with no .cpg."""
    as_latin1 = {name.decode("latin-1"): [v.decode("latin-1") if isinstance(v, bytes) else v
                                          for v in values] for name, values in columns.items()}
    write_vector(path, as_latin1, geoms, crs=None, encoding="ISO-8859-1",
                 geometry_type=geometry_type)
    path.with_suffix(".cpg").unlink(missing_ok=True)
    if prj is not None:
        path.with_suffix(".prj").write_text(prj)
    return path


def fetch(query: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params or [])
        return cursor.fetchall()


def ground_error_m(x: float, y: float, lon: float, lat: float) -> float:
    """Metres between PROJ's EPSG:9214 -> 4326 of (x, y) and (lon, lat)."""
    ref_lon, ref_lat = Transformer.from_crs(9214, 4326, always_xy=True).transform(x, y)
    dx = (lon - ref_lon) * 111_320 * math.cos(math.radians(lat))
    return math.hypot(dx, (lat - ref_lat) * 110_574)


def first_vertex_4326(table: str, where: str, params: list) -> tuple[float, float]:
    """lon/lat of the first vertex of a stored feature's web geometry."""
    rows = fetch(f"SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing("  # noqa: S608
                 f"ST_GeometryN(geom_4326, 1)), 1) AS p FROM {table} WHERE {where}) q", params)
    return rows[0]


def parcel_columns(count: int, **overrides: list) -> dict[str, list]:
    """Source attributes of ``count`` parcels, with Vietnamese source field names."""
    columns = {
        "MaXa": ["07210"] * count,
        "SoTo": [5] * count,
        "SoThua": list(range(1, count + 1)),
        "LoaiDat": ["LUC"] * count,
        "DienTich": [400.0] * count,
        "ChuSuDung": [f"Hộ ông Nguyễn Văn {chr(65 + i % 26)}" for i in range(count)],
    }
    columns.update(overrides)
    return columns


def database_url() -> str:
    """The URL of the test database (for the command run in a subprocess)."""
    settings = connection.settings_dict
    return (f"postgis://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
            f"{settings['PORT']}/{settings['NAME']}")


def live_rows(table: str = "land_parcels") -> list[tuple]:
    """A fingerprint of a live table: every row's key, version, batch and geometry."""
    return fetch(f"SELECT id, version, ingest_batch_id, md5(ST_AsEWKB(geom)::text) "  # noqa: S608
                 f"FROM {table} ORDER BY id")



def kill_replace_when(source: Path, ready: Callable[[], object], timeout: float) -> None:
    """Run a replace of ``source`` and SIGKILL it as soon as ``ready()``; then wait until the
    server has ended its sessions (their advisory locks are gone)."""
    proc = spawn_replace(source)
    deadline = time.monotonic() + timeout
    while not ready() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    while fetch("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")[0][0] and \
            time.monotonic() < deadline:
        time.sleep(0.05)  # the server notices the dead client and ends its sessions


def spawn_replace(source: Path) -> subprocess.Popen:
    """``manage.py ingest SOURCE --mode replace`` into land_parcels, in the background
    (the tests that kill it mid-run)."""
    env = {**os.environ, "DATABASE_URL": database_url()}
    return subprocess.Popen([sys.executable, "manage.py", "ingest", str(source), "--layer",
                             "land_parcels", "--mode", "replace"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def many_parcels(path, count: int):
    """``count`` 20 m parcels on a grid, written in one Arrow table."""
    index = np.arange(count)
    x, y = 400_000.0 + (index % 1000) * 30.0, 2_340_000.0 + (index // 1000) * 30.0
    table = pa.table({"MaXa": pa.array(["07210"] * count), "SoTo": pa.array(index // 500 + 1),
                      "SoThua": pa.array(index % 500 + 1), "LoaiDat": pa.array(["ONT"] * count),
                      "DienTich": pa.array(np.full(count, 400.0)),
                      "geometry": pa.array(shapely.to_wkb(shapely.box(x, y, x + 20, y + 20)),
                                           pa.binary())})
    pyogrio.write_arrow(table, path, geometry_name="geometry", geometry_type="Polygon",
                        crs="EPSG:9214")
    return path
