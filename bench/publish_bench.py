# SPDX-License-Identifier: MIT
"""Publish vs ogr2ogr: N generated parcels (EPSG:9214 GeoPackage) as a new layer.

(a) ``ogr2ogr -f PostgreSQL`` with COPY into a new table (the peer), then
(b) ``manage.py publish --id ...``: the same readers, decoding and validation as ingest, a
new typed table with the native geometry, its generated EPSG:4326 copy, indexes and the
change-capture triggers, the catalog row, all in one transaction. Each round drops both
tables first. Target: publish <= 1.5x ogr2ogr.

    .venv/bin/python bench/publish_bench.py [--n 500000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest_bench import generate, settle, timed  # noqa: E402
from geoserver_app.ops.cluster import throwaway_cluster  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")


def one_round(pg, env: dict, source: Path, number: int) -> tuple[float, float, int]:
    pg.psql("basemap", "DROP TABLE IF EXISTS ogr_scratch")
    pg.psql("basemap", "SELECT set_config('basemap.actor', 'bench', false); "
            "DELETE FROM layer_catalog WHERE id = 'thua_dat_moi'; "
            "DROP TABLE IF EXISTS thua_dat_moi")
    settle(pg)
    ogr, _mb = timed(["ogr2ogr", "-f", "PostgreSQL", "-overwrite",
                      f"PG:host=127.0.0.1 port={pg.port} dbname=basemap user=basemap",
                      str(source), "parcels", "-nln", "ogr_scratch", "-lco",
                      "GEOMETRY_NAME=geom", "--config", "PG_USE_COPY", "YES"], env)
    settle(pg)
    report = source.with_name(f"report-{number}.json")
    publish, _mb = timed([PYTHON, "manage.py", "publish", str(source), "--id", "thua_dat_moi",
                          "--title-vi", "Thửa đất (bản mới)", "--sector", "land",
                          "--sensitive", "TenChu", "--report", str(report)], env)
    rows = int(pg.psql("basemap", "SELECT count(*) FROM thua_dat_moi").strip())
    print(f"round {number}: ogr2ogr {ogr:6.1f} s   publish {publish:6.1f} s   "
          f"ratio {publish / ogr:.2f}   ({rows:,} rows published)")
    timings = json.loads(report.read_text())["timings"]
    print("  publish steps (s): " + ", ".join(f"{step} {seconds}"
                                              for step, seconds in timings.items() if seconds))
    return ogr, publish, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="publish-bench-") as tmp, \
            throwaway_cluster() as pg:
        source = Path(tmp) / "parcels.gpkg"
        started = time.perf_counter()
        generate(source, args.n)
        print(f"generated {args.n:,} parcels in {time.perf_counter() - started:.1f} s")
        env = {**os.environ, "DATABASE_URL": pg.url, "PGPASSWORD": pg.password}
        subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], env=env, cwd=ROOT,
                       check=True)
        rounds = [one_round(pg, env, source, n) for n in range(1, args.repeat + 1)]
    ratios = sorted(publish / ogr for ogr, publish, _rows in rounds)
    best = min(r[1] for r in rounds) / min(r[0] for r in rounds)
    print(f"ratio publish / ogr2ogr: rounds {', '.join(f'{r:.2f}' for r in ratios)}; "
          f"best times {best:.2f}; median {statistics.median(ratios):.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
