#!/usr/bin/env python
# SPDX-License-Identifier: MIT
"""The province at its real size: 500,000 and 5,000,000 parcels in one run (bench/dataset.py).

For each size, in a throwaway PostGIS cluster (the smaller size is the larger's peer; the
ratios 5M / 500k are printed at the end):
- ``ogr2ogr -f PostgreSQL`` (COPY) of the GeoPackage, then RELOADS ``ingest --mode replace``
  in a row: seconds and peak memory of each, the tombstones and replace events left (the
  replace's cost must not grow with the reloads before it);
- the database's size: the parcel table, each of its indexes, per million parcels;
- the admin paths through Django's test client (p50/p95 ms): the parcel list, searches by
  parcel number, sheet/parcel, commune/sheet/parcel, address text and owner name, the commune
  and land-use filters, and a change page.

    nice -n 10 .venv/bin/python bench/scale_bench.py [--sizes 500000 5000000] [--reloads 10]
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


def communes_sql(n: int) -> str:
    """admin_communes rows for the communes of the first ``n`` parcels (ingest checks codes)."""
    values = ", ".join(
        f"('{code}', 'Xã {code}', 'xã', '24', '', '2025-07-01', "
        f"ST_Multi(ST_MakeEnvelope({x0}, {y0}, {x1}, {y1}, 9214)))"
        for code, (x0, y0, x1, y1) in dataset.Grid().communes(n))
    return ("INSERT INTO admin_communes (code, name, kind, province_code, district_code, "
            f"valid_from, geom) VALUES {values}")


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


def one_size(n: int, count: int, runs: int) -> dict:
    source = dataset.parcels_file(n)
    with throwaway_cluster(tuned=True) as pg:
        env = {**os.environ, "DATABASE_URL": pg.url, "PGPASSWORD": pg.password,
               "DJANGO_SETTINGS_MODULE": "geoserver_app.settings"}
        subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], env=env, cwd=ROOT,
                       check=True)
        pg.psql("basemap", communes_sql(n))
        settle(pg)
        ogr = timed(["ogr2ogr", "-f", "PostgreSQL", "-overwrite",
                     f"PG:host=127.0.0.1 port={pg.port} dbname=basemap user=basemap",
                     str(source), "thua_dat", "-nln", "ogr_scratch", "-lco",
                     "GEOMETRY_NAME=geom", "--config", "PG_USE_COPY", "YES"], env)
        pg.psql("basemap", "DROP TABLE ogr_scratch")
        print(f"{n:,} parcels: ogr2ogr {ogr[0]:.1f} s, peak {ogr[1]:.0f} MB", flush=True)
        rounds = reloads(pg, env, source, count)
        pg.psql("basemap", "VACUUM ANALYZE land_parcels")
        table = sizes(pg)
        admin = json.loads(subprocess.run(
            [PYTHON, __file__, "--admin-only", "--runs", str(runs)], env=env, cwd=ROOT,
            check=True, capture_output=True, text=True).stdout.splitlines()[-1])
    return {"n": n, "ogr": ogr, "rounds": rounds, "sizes": table, "admin": admin}


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
              f"{statistics.median(r['seconds'] for r in rounds) / one['ogr'][0]:.2f}; "
              f"last / first reload: {last / first:.2f}")
    for one in results:
        per_million = 1e6 / one["n"]
        print(f"\n{one['n']:,} parcels: size per million parcels (MB)\n| relation | MB |\n|---|---|")
        for name, size, _total in one["sizes"]:
            print(f"| {name} | {size * per_million / 1e6:.1f} |")
        print(f"| total (table, TOAST, indexes) | {one['sizes'][0][2] * per_million / 1e6:.1f} |")
    print("\n| admin path | " + " | ".join(f"{one['n']:,} p50 / p95 ms" for one in results)
          + (" | p95 ratio |" if len(results) > 1 else " |"))
    print("|---|" + "---|" * (len(results) + (len(results) > 1)))
    for name in results[0]["admin"]:
        cells = [f"{one['admin'][name][0]:.0f} / {one['admin'][name][1]:.0f}" for one in results]
        ratio = ([f"{results[-1]['admin'][name][1] / results[0]['admin'][name][1]:.2f}"]
                 if len(results) > 1 else [])
        print(f"| {name} | {' | '.join(cells + ratio)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[dataset.SUBSET, dataset.FULL])
    parser.add_argument("--reloads", type=int, default=10)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--admin-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.admin_only:
        print(json.dumps(admin_paths(args.runs)))
        return
    results = [one_size(n, args.reloads, args.runs) for n in args.sizes]
    report(results)


if __name__ == "__main__":
    main()
