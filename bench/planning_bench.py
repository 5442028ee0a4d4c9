#!/usr/bin/env python
# SPDX-License-Identifier: MIT
"""Planning lookup latency on N synthetic parcels (default 500,000), against the raw-SQL floor.

Runs in a throwaway PostGIS cluster: generates a grid of parcels and plan zones with SQL,
then times ``analysis.planning.planning_lookup`` (what the process and the viewer call) for
random points and parcels, and the same zone queries issued directly with psycopg2 (the
floor: no Python around them). Prints p50/p95/p99 and the ratio.

    .venv/bin/python bench/planning_bench.py [--parcels 500000] [--lookups 300]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geoserver_app.ops.cluster import throwaway_cluster  # noqa: E402

PARCELS_SQL = """
INSERT INTO land_parcels (commune_code, sheet_no, parcel_no, land_use_code, area_m2, geom)
SELECT lpad((1 + i / 50000)::text, 5, '0'), 1 + mod(i / 1000, 50), 1 + mod(i, 1000),
       (ARRAY['ONT','LUC','CLN','BHK','ODT'])[1 + mod(i, 5)], 400,
       ST_Multi(ST_MakeEnvelope(x, y, x + 20, y + 20, 9214))
FROM (SELECT i, 400000 + mod(i, 2000) * 21 AS x, 2340000 + (i / 2000) * 21 AS y
      FROM generate_series(0, %(n)s - 1) AS i) AS g;
"""
ZONES_SQL = """
INSERT INTO land_use_plan_zones (plan_code, land_use_code, period, approved_by, approved_on, geom)
SELECT 'QH-' || i, 'DGT', '2021-2030', 'UBND', '2022-01-01',
       ST_Multi(ST_MakeEnvelope(x, y, x + 300, y + 300, 9214))
FROM (SELECT i, 400000 + mod(i, 140) * 300 AS x, 2340000 + (i / 140) * 300 AS y
      FROM generate_series(0, 140 * %(rows)s - 1) AS i) AS g;
INSERT INTO urban_planning_zones (zone_code, function, max_far, geom)
SELECT 'OQH-' || i, 'đất ở', 3, ST_Multi(ST_MakeEnvelope(x, y, x + 500, y + 500, 9214))
FROM (SELECT i, 400000 + mod(i, 84) * 500 AS x, 2340000 + (i / 84) * 500 AS y
      FROM generate_series(0, 84 * %(rows)s / 2) AS i) AS g;
ANALYZE;
"""
FLOOR_SQL = """
WITH t AS (SELECT geom AS g FROM land_parcels WHERE commune_code = %s AND sheet_no = %s
           AND parcel_no = %s)
SELECT z.plan_code, ST_Area(ST_Intersection(z.geom, t.g)) FROM land_use_plan_zones z, t
WHERE ST_Intersects(z.geom, t.g)
UNION ALL
SELECT z.zone_code, ST_Area(ST_Intersection(z.geom, t.g)) FROM urban_planning_zones z, t
WHERE ST_Intersects(z.geom, t.g)
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def prepare(url: str, n: int) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    import psycopg2

    with psycopg2.connect(url.replace("postgis://", "postgresql://")) as conn, \
            conn.cursor() as cursor:
        cursor.execute("SET LOCAL basemap.history = 'off'")
        cursor.execute(PARCELS_SQL, {"n": n})
        cursor.execute(ZONES_SQL, {"rows": max(1, n // 2000 * 21 // 300 + 1)})


def keys(n: int, count: int) -> list[tuple[str, int, int]]:
    rng = random.Random(7)
    picks = [rng.randrange(n) for _ in range(count)]
    return [(str(1 + i // 50000).zfill(5), 1 + (i // 1000) % 50, 1 + i % 1000) for i in picks]


def time_ours(samples: list[tuple[str, int, int]]) -> list[float]:
    from analysis.planning import planning_lookup
    from layers.grants import PUBLIC

    times = []
    for commune, sheet, parcel in samples:
        started = time.perf_counter()
        result = planning_lookup(PUBLIC, {"parcel": {"commune_code": commune, "sheet_no": sheet,
                                                     "parcel_no": parcel}})
        times.append((time.perf_counter() - started) * 1000)
        assert result["zones"], "every parcel lies in a zone"
    return times


def time_floor(url: str, samples: list[tuple[str, int, int]]) -> list[float]:
    import psycopg2

    times = []
    with psycopg2.connect(url.replace("postgis://", "postgresql://")) as conn, \
            conn.cursor() as cursor:
        for key in samples:
            started = time.perf_counter()
            cursor.execute(FLOOR_SQL, key)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=500_000)
    parser.add_argument("--lookups", type=int, default=300)
    args = parser.parse_args()
    with throwaway_cluster() as cluster:
        started = time.perf_counter()
        prepare(cluster.url, args.parcels)
        print(f"prepared {args.parcels:,} parcels in {time.perf_counter() - started:.0f} s")
        os.environ["DATABASE_URL"] = cluster.url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoserver_app.settings")
        import django

        django.setup()
        samples = keys(args.parcels, args.lookups)
        time_ours(samples[:20])  # warm caches and the connection
        ours, floor = time_ours(samples), time_floor(cluster.url, samples)
    print(f"{'':24}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    for name, values in (("planning_lookup", ours), ("raw SQL floor", floor)):
        print(f"{name:24}{statistics.median(values):10.2f}{percentile(values, 95):10.2f}"
              f"{percentile(values, 99):10.2f}")
    print(f"p95 ratio ours/floor: {percentile(ours, 95) / percentile(floor, 95):.2f} "
          f"(target: p95 < 100 ms)")


if __name__ == "__main__":
    main()
