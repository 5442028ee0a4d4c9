#!/usr/bin/env python
# SPDX-License-Identifier: MIT
"""Admin latency on N synthetic parcels (default 200,000), each against a peer in the same run.

Runs in a throwaway PostGIS cluster. Measures, through Django's test client:
- the admin index with the layer dashboard (counts, last update, extent thumbnails of all
  15 layers) against Django's stock admin index (no dashboard);
- the parcel list searched by parcel number against the same search on a stock ModelAdmin;
- saving a parcel through the change form (row lock, version check, geometry checks, actor,
  conditional UPDATE) against the same POST to a stock ModelAdmin, and against a plain ORM
  ``save()`` of the same change (the floor).
Prints p50/p95 and the ratios.

    .venv/bin/python bench/admin_bench.py [--parcels 200000] [--runs 30]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geoserver_app.ops.cluster import throwaway_cluster  # noqa: E402

PARCELS_SQL = """
SET basemap.history = 'off';
INSERT INTO land_parcels (commune_code, sheet_no, parcel_no, land_use_code, area_m2, geom)
SELECT lpad((1 + i / 50000)::text, 5, '0'), 1 + mod(i / 1000, 50), 1 + mod(i, 1000),
       (ARRAY['ONT','LUC','CLN','BHK','ODT'])[1 + mod(i, 5)], 400,
       ST_Multi(ST_MakeEnvelope(x, y, x + 20, y + 20, 9214))
FROM (SELECT i, 400000 + mod(i, 2000) * 21 AS x, 2340000 + (i / 2000) * 21 AS y
      FROM generate_series(0, %(n)s - 1) AS i) AS g;
ANALYZE land_parcels;
"""


def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds of ``runs`` calls (after one warm-up)."""
    action()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1]


def row(name: str, samples: list[float]) -> str:
    return f"| {name} | {p(samples, 50):.1f} | {p(samples, 95):.1f} |"


def measure(runs: int) -> list[tuple[str, list[float]]]:
    """The six series, ours then peer for each page."""
    import django
    django.setup()
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.test import Client

    from layers.models import LandParcel
    from tests.support.admin_forms import change_url, parcel_form

    user = get_user_model().objects.create_superuser("bench", password="bench-pass-1")
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host (not "testserver")
    client.force_login(user)

    def get(url: str) -> Callable[[], None]:
        def fetch() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return fetch

    ours_index = timed(get("/admin/"), runs)
    dashboard_template, admin.site.index_template = admin.site.index_template, None
    stock_index = timed(get("/admin/"), runs)
    admin.site.index_template = dashboard_template

    search = "/admin/layers/landparcel/?q=777"
    ours_search = timed(get(search), runs)
    ours_admin = admin.site._registry[LandParcel]
    stock = admin.ModelAdmin(LandParcel, admin.site)
    stock.search_fields = ours_admin.search_fields
    admin.site._registry[LandParcel] = stock
    stock_search = timed(get(search), runs)
    admin.site._registry[LandParcel] = ours_admin

    parcel = LandParcel.objects.get(commune_code="00001", sheet_no=1, parcel_no=500)

    def admin_save() -> None:
        parcel.refresh_from_db()
        response = client.post(change_url(parcel), parcel_form(parcel, address="Thôn Bench"))
        assert response.status_code == 302, response.status_code

    def orm_save() -> None:
        parcel.refresh_from_db()
        parcel.address = "Thôn ORM"
        parcel.save()

    ours_save = timed(admin_save, runs)
    admin.site._registry[LandParcel] = stock
    stock_save = timed(admin_save, runs)
    admin.site._registry[LandParcel] = ours_admin
    return [("admin index with dashboard (ours)", ours_index),
            ("stock admin index (peer)", stock_index),
            ("parcel list, search by number (ours)", ours_search),
            ("stock ModelAdmin, same search (peer)", stock_search),
            ("save through the change form (ours)", ours_save),
            ("save through a stock ModelAdmin form (peer)", stock_save),
            ("save through the change form (ours)", ours_save),
            ("ORM save() of the same change (floor)", timed(orm_save, runs))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with throwaway_cluster() as cluster:
        env = {**os.environ, "DATABASE_URL": cluster.url,
               "DJANGO_SETTINGS_MODULE": "geoserver_app.settings"}
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT,
                       env=env, check=True)
        cluster.psql("basemap", PARCELS_SQL.replace("%(n)s", str(args.parcels)))
        os.environ.update(env)
        series = measure(args.runs)
    print(f"{args.parcels:,} parcels, {args.runs} runs each\n")
    print("| what | p50 ms | p95 ms |\n|---|---|---|")
    for name, samples in dict(series).items():
        print(row(name, samples))
    for (ours, a), (peer, b) in zip(series[::2], series[1::2], strict=True):
        print(f"ratio p50 {ours} / {peer}: {statistics.median(a) / statistics.median(b):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
