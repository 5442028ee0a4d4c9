#!/usr/bin/env python
# SPDX-License-Identifier: MIT
"""The province at its real size: 500,000 and 5,000,000 parcels in one run (bench/dataset.py).

For each size, in a throwaway PostGIS cluster (the smaller size is the larger's peer; the
ratios 5M / 500k are printed at the end):
- ``ogr2ogr -f PostgreSQL`` (COPY) of the GeoPackage, then RELOADS ``ingest --mode replace``
  in a row: seconds and peak memory of each, the tombstones and replace events left (the
  replace's cost must not grow with the reloads before it);
- the database's size: the parcel table, each of its indexes, per million parcels;
- the user paths through Django's test client (p50/p95 ms): OGC API bbox pages, CQL2 key
  lookups, the viewer's parcel search, z15-z18 vector tiles, the planning lookup over 1 km
  plan zones; the admin paths: the parcel list, searches by parcel number, sheet/parcel,
  commune/sheet/parcel, address text and owner name, the commune and land-use filters, and a
  change page;
- ``manage.py backup`` and ``restore`` of the whole database (``make backup`` / ``make
  restore``): seconds and archive size.

    nice -n 10 .venv/bin/python bench/scale_bench.py [--sizes 500000 5000000] [--reloads 10]
        [--reloads-full 3] [--runs 20]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import dataset  # noqa: E402
from ingest_bench import settle, timed  # noqa: E402

from geoserver_app.ops.cluster import throwaway_cluster  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
SIZES = """SELECT c.relname, pg_relation_size(c.oid), pg_total_relation_size(c.oid)
FROM pg_class c WHERE c.oid = 'land_parcels'::regclass
UNION ALL SELECT i.indexrelid::regclass::text, pg_relation_size(i.indexrelid), 0
FROM pg_index i WHERE i.indrelid = 'land_parcels'::regclass ORDER BY 2 DESC"""


def reloads(pg, env: dict, source: Path, count: int) -> list[dict]:
    """``count`` replaces in a row; seconds, peak MB, tombstones and events after each."""
    rounds = []
    for _ in range(count):
        settle(pg)
        seconds, peak = timed([PYTHON, "manage.py", "ingest", str(source), "--layer",
                               "land_parcels", "--mode", "replace"], env)
        left = pg.psql("basemap", "SELECT (SELECT count(*) FROM feature_tombstones) || ' ' || "
                       "(SELECT count(*) FROM layer_replacements)").split()
        rounds.append({"seconds": seconds, "peak_mb": peak, "tombstones": int(left[0]),
                       "events": int(left[1])})
        print(f"  replace {len(rounds)}: {seconds:6.1f} s, peak {peak:5.0f} MB, tombstones "
              f"{left[0]}, events {left[1]}", flush=True)
    return rounds


def sizes(pg) -> list[tuple[str, int, int]]:
    rows = pg.psql("basemap", SIZES.replace("\n", " ")).split("\n")
    return [(name, int(size), int(total)) for name, size, total in
            (row.split("|") for row in rows if row.strip())]


def one_size(n: int, count: int, runs: int, quick: bool = False, backup: bool = True) -> dict:
    source = dataset.parcels_file(n)
    with throwaway_cluster(tuned=True) as pg:
        env = {**os.environ, "DATABASE_URL": pg.url, "PGPASSWORD": pg.password,
               "DJANGO_SETTINGS_MODULE": "geoserver_app.settings"}
        subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], env=env, cwd=ROOT,
                       check=True)
        pg.psql("basemap", dataset.communes_sql(n))
        settle(pg)
        ogr = (0.0, 0.0) if quick else timed(["ogr2ogr", "-f", "PostgreSQL", "-overwrite",
                     f"PG:host=127.0.0.1 port={pg.port} dbname=basemap user=basemap",
                     str(source), "thua_dat", "-nln", "ogr_scratch", "-lco",
                     "GEOMETRY_NAME=geom", "--config", "PG_USE_COPY", "YES"], env)
        pg.psql("basemap", "DROP TABLE IF EXISTS ogr_scratch")
        print(f"{n:,} parcels: ogr2ogr {ogr[0]:.1f} s, peak {ogr[1]:.0f} MB", flush=True)
        rounds = reloads(pg, env, source, count)
        pg.psql("basemap", "VACUUM ANALYZE land_parcels")
        table = sizes(pg)
        pg.psql("basemap", ZONES)
        admin = json.loads(subprocess.run(
            [PYTHON, __file__, "--paths-only", "--runs", str(runs)], env=env, cwd=ROOT,
            check=True, capture_output=True, text=True).stdout.splitlines()[-1])
        seeded = {"error": "skipped (--quick)"} if quick else seed_district(env)
        print(f"  seeding: {seeded}", flush=True)
        dumped = {} if quick or not backup else backup_restore(env)
    return {"n": n, "ogr": ogr, "rounds": rounds, "sizes": table, "admin": admin,
            "backup": dumped, "seed": seeded}


def district_bbox() -> str:
    """An area the size of a former district (12 km x 7 km, 84 km²; Gia Bình had 108 km²)
    in the south-west of the grid, inside the 500k strip: the same tiles at both sizes."""
    import pyproj

    from layers import vn2000

    grid = dataset.Grid()
    to_wgs84 = pyproj.Transformer.from_crs(pyproj.CRS(vn2000.proj4text(9214)), "EPSG:4326",
                                           always_xy=True)
    west, south, east, north = to_wgs84.transform_bounds(
        grid.xmin + 20_000, grid.ymin + 200, grid.xmin + 32_000, grid.ymin + 7_200)
    return f"{west:.5f},{south:.5f},{east:.5f},{north:.5f}"


def seed_district(env: dict) -> dict:
    """``seed_tiles`` of the parcel levels 15-17 (Web Mercator) over ``district_bbox``."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="scale-bench-tiles-") as var:
        started = time.perf_counter()
        try:
            subprocess.run([PYTHON, "manage.py", "seed_tiles", "--layers", "land_parcels",
                            "--bbox", district_bbox(), "--levels", "15-17"], cwd=ROOT,
                           env={**env, "BASEMAP_VAR_DIR": var}, check=True, timeout=900,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            return {"error": str(exc)[:200]}
        seconds = time.perf_counter() - started
        tiles = sum(1 for path in Path(var).rglob("*.png"))
        return {"seconds": seconds, "tiles": tiles}


def backup_restore(env: dict) -> dict:
    """Seconds of ``manage.py backup`` and ``manage.py restore`` of the whole database (what
    ``make backup`` / ``make restore`` run), and the archive's size."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="scale-bench-backup-") as folder:
        backup, _peak = timed([PYTHON, "manage.py", "backup", "--dir", folder], env)
        archive = next(Path(folder).iterdir())
        restore, _peak = timed([PYTHON, "manage.py", "restore", str(archive)], env)
        return {"backup": backup, "restore": restore, "mb": archive.stat().st_size / 1e6}


def user_paths(count: int) -> dict[str, list[str]]:
    """Random requests of the public paths over the loaded parcels (the same seed per size):
    bbox pages, CQL2 key lookups, the viewer's parcel search, z15-z18 vector tiles."""
    import random

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SAMPLE, [count])
        rows = cursor.fetchall()
    random.Random(7).shuffle(rows)
    items = "/ogcapi/collections/land_parcels/items?f=json"
    paths: dict[str, list[str]] = {"OGC API bbox page (limit=100)": [], "CQL2 key lookup": [],
                                   "viewer parcel search": []}
    for z in range(15, 19):
        paths[f"vector tile z{z}"] = []
    for number, (commune, sheet, parcel, lon, lat) in enumerate(rows):
        paths["OGC API bbox page (limit=100)"].append(
            f"{items}&limit=100&bbox={lon - 0.002:.5f},{lat - 0.002:.5f},"
            f"{lon + 0.002:.5f},{lat + 0.002:.5f}")
        paths["CQL2 key lookup"].append(
            f"{items}&filter-lang=cql2-text&filter=commune_code%3D%27{commune}%27%20AND%20"
            f"sheet_no%3D{sheet}%20AND%20parcel_no%3D{parcel}")
        paths["viewer parcel search"].append(
            f"{items}&commune_code={commune}&sheet_no={sheet}&parcel_no={parcel}&limit=10")
        z = 15 + number % 4
        x, y = tile_xy(lon, lat, z)
        paths[f"vector tile z{z}"].append(
            f"/ogcapi/collections/land_parcels/tiles/WebMercatorQuad/{z}/{y}/{x}?f=mvt")
    return paths


SAMPLE = ("SELECT commune_code, sheet_no, parcel_no, ST_X(c), ST_Y(c) FROM (SELECT *, "
          "ST_PointOnSurface(geom_4326) AS c FROM land_parcels TABLESAMPLE SYSTEM (1) "
          "REPEATABLE (7) LIMIT %s) AS s")
ZONES = ("SET basemap.history = 'off'; INSERT INTO land_use_plan_zones (plan_code, "
         "land_use_code, period, approved_by, approved_on, geom) SELECT 'QH-' || i || '-' || j, "
         "'DGT', '2021-2030', 'UBND', '2022-01-01', ST_Multi(geom) FROM ST_SquareGrid(1000, "
         "(SELECT ST_SetSRID(ST_Extent(geom), 9214) FROM land_parcels)) AS g; "
         "ANALYZE land_use_plan_zones")


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    import math

    n = 2 ** z
    return (int((lon + 180) / 360 * n),
            int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))


def percentiles(action, inputs: list, runs: int) -> list[float]:
    """p50 and p95 (ms) of ``action`` over ``runs`` inputs (after one warm-up)."""
    action(inputs[-1])
    samples = []
    for number in range(runs):
        started = time.perf_counter()
        action(inputs[number % len(inputs)])
        samples.append((time.perf_counter() - started) * 1000)
    return [statistics.median(samples), statistics.quantiles(samples, n=20)[18]]


def measure_user_paths(runs: int) -> dict[str, list[float]]:
    """p50/p95 ms of the public paths and the planning lookup (Django's test client)."""
    import django
    django.setup()
    from django.test import Client

    from analysis.planning import planning_lookup
    from layers.grants import PUBLIC

    client = Client(HTTP_HOST="127.0.0.1")
    empty: list[bool] = []

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code in (200, 204), (url, response.status_code)
        empty.append(response.status_code == 204 or not response.content)

    result = {}
    for name, urls in user_paths(runs).items():
        empty.clear()
        # p50, p95 and the share of empty answers (a tile with no parcel is no measure)
        result[name] = [*percentiles(get, urls, runs), sum(empty) / len(empty)]
    keys = [(c, s, p) for c, s, p, _x, _y in _sample(runs)]
    result["planning lookup (process)"] = percentiles(
        lambda key: planning_lookup(PUBLIC, {"parcel": dict(zip(
            ("commune_code", "sheet_no", "parcel_no"), key, strict=True))}), keys, runs)
    return result


def _sample(count: int) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SAMPLE, [count])
        return cursor.fetchall()


def admin_paths(runs: int) -> dict[str, list[float]]:
    """p50/p95 ms of each admin path (in this process, Django's test client)."""
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from layers.models import LandParcel

    user = get_user_model().objects.create_superuser("bench", password="bench-pass-1")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    parcel = LandParcel.objects.order_by("pk")[1234]
    base = "/admin/layers/landparcel/"
    paths = {
        "change list": base,
        "search parcel number (q=123)": f"{base}?q=123",
        "search sheet/parcel (q=12/345)": f"{base}?q=12/345",
        "search commune/sheet/parcel": f"{base}?q={parcel.commune_code}/{parcel.sheet_no}/"
                                       f"{parcel.parcel_no}",
        "search address (q=Thôn Đoài)": f"{base}?q=Thôn+Đoài",
        "search owner name (q=Ngọc Ánh)": f"{base}?q=Ngọc+Ánh",
        "filter commune": f"{base}?commune={parcel.commune_code}",
        "filter land use": f"{base}?land_use_code=LUC",
        "change page": f"{base}{parcel.pk}/change/",
    }
    result = {}
    for name, url in paths.items():
        client.get(url)
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        cuts = statistics.quantiles(samples, n=20)
        result[name] = [statistics.median(samples), cuts[18]]
    return result


def report(results: list[dict]) -> None:
    print("\n| parcels | ogr2ogr s | replace s (each of the reloads) | peak MB | tombstones "
          "after | events |\n|---|---|---|---|---|---|")
    for one in results:
        rounds = one["rounds"]
        print(f"| {one['n']:,} | {one['ogr'][0]:.1f} | "
              f"{', '.join(f'{r['seconds']:.1f}' for r in rounds)} | "
              f"{max(r['peak_mb'] for r in rounds):.0f} | {rounds[-1]['tombstones']} | "
              f"{rounds[-1]['events']} |")
        first, last = rounds[0]["seconds"], rounds[-1]["seconds"]
        print(f"  replace / ogr2ogr (median): "
              f"{statistics.median(r['seconds'] for r in rounds) / max(one['ogr'][0], 1e-9):.2f}; "
              f"last / first reload: {last / first:.2f}")
    for one in results:
        per_million = 1e6 / one["n"]
        print(f"\n{one['n']:,} parcels: size per million parcels (MB)\n| relation | MB |\n|---|---|")
        for name, size, _total in one["sizes"]:
            print(f"| {name} | {size * per_million / 1e6:.1f} |")
        print(f"| total (table, TOAST, indexes) | {one['sizes'][0][2] * per_million / 1e6:.1f} |")
    report_operations(results)
    report_paths(results)


def report_operations(results: list[dict]) -> None:
    print("\n| parcels | backup s | restore s | archive MB |\n|---|---|---|---|")
    for one in results:
        if one.get("backup"):
            b = one["backup"]
            print(f"| {one['n']:,} | {b['backup']:.1f} | {b['restore']:.1f} | {b['mb']:.0f} |")
    print("\n| parcels | seeding z15-z17, 84 km² | tiles | tiles/s |\n|---|---|---|---|")
    for one in results:
        seed = one.get("seed", {})
        if "seconds" in seed:
            print(f"| {one['n']:,} | {seed['seconds']:.0f} s | {seed['tiles']:,} | "
                  f"{seed['tiles'] / seed['seconds']:.1f} |")
        else:
            print(f"| {one['n']:,} | failed: {seed.get('error')} | | |")


def report_paths(results: list[dict]) -> None:
    print("\n| path | " + " | ".join(f"{one['n']:,} p50 / p95 ms" for one in results)
          + (" | p95 ratio |" if len(results) > 1 else " |"))
    print("|---|" + "---|" * (len(results) + (len(results) > 1)))
    for name in results[0]["admin"]:
        cells = [f"{one['admin'][name][0]:.0f} / {one['admin'][name][1]:.0f}"
                 + (f" ({one['admin'][name][2]:.0%} empty)" if one["admin"][name][2:3] else "")
                 for one in results]
        ratio = ([f"{results[-1]['admin'][name][1] / results[0]['admin'][name][1]:.2f}"]
                 if len(results) > 1 else [])
        print(f"| {name} | {' | '.join(cells + ratio)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[dataset.SUBSET, dataset.FULL])
    parser.add_argument("--reloads", type=int, default=10)
    parser.add_argument("--reloads-full", type=int, default=3,
                        help="reloads at FULL parcels and above (each takes minutes)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--quick", action="store_true",
                        help="no ogr2ogr, seeding, backup: the loads and the paths only")
    parser.add_argument("--no-backup", action="store_true", help="everything but the backup")
    parser.add_argument("--admin-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--paths-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.admin_only:
        print(json.dumps(admin_paths(args.runs)))
        return
    if args.paths_only:
        print(json.dumps({**measure_user_paths(args.runs), **admin_paths(args.runs)}))
        return
    results = []
    for n in args.sizes:
        results.append(one_size(n, args.reloads_full if n >= dataset.FULL else args.reloads,
                                args.runs, args.quick, not args.no_backup))
        (dataset.cache_dir() / f"scale-bench-{n}.json").write_text(json.dumps(results[-1]))
        report(results)


if __name__ == "__main__":
    main()
