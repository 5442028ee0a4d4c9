#!/usr/bin/env python
# SPDX-License-Identifier: MIT
"""Load and soak: a realistic request mix at 50 concurrent clients, and scaling by workers.

Runs the real app (gunicorn, ``geoserver_app.wsgi``) on the demo dataset in a throwaway
PostGIS cluster, loopback only, bounded in time. The mix: feature pages by bbox (40 %),
single features (15 %), vector tiles (20 %), raster tiles (20 %), the viewer page and its
assets (5 %). ``wrk`` (apt-get install wrk; bench-only) replays it; worker memory (RSS) is
sampled every 10 s to show whether it stays flat.

    .venv/bin/python bench/soak_bench.py soak [--minutes 10] [--workers 4]
    .venv/bin/python bench/soak_bench.py scale [--seconds 30]      # 1, 2, 4 workers
"""
from __future__ import annotations

import argparse
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geoserver_app.ops.cluster import free_port, throwaway_cluster  # noqa: E402

CITY = (106.19, 21.27)  # the demo city centre, CRS84
LAYERS_BBOX = ("land_parcels", "roads", "buildings", "land_use_plan_zones", "admin_communes")
WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %.3f %d %d %d\\n", summary.requests,
    summary.duration, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, summary.errors.status, requests.mean))
end
"""


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def mix(base: str, rng: random.Random) -> list[str]:
    """1,000 request paths in the proportions above."""
    ids = requests.get(f"{base}/ogcapi/collections/land_parcels/items?f=json&limit=200&"
                       f"skipGeometry=true", timeout=60).json()["features"]
    page = requests.get(base + "/", timeout=60).text
    assets = ["/"] + re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    paths = []
    for _ in range(1000):
        kind = rng.random()
        lon, lat = CITY[0] + rng.uniform(-0.03, 0.03), CITY[1] + rng.uniform(-0.03, 0.03)
        z = rng.randint(13, 16)
        x, y = tile_xy(lon, lat, z)
        if kind < 0.40:
            layer, d = rng.choice(LAYERS_BBOX), 0.004
            paths.append(f"/ogcapi/collections/{layer}/items?f=json&limit=50&"
                         f"bbox={lon - d:.5f},{lat - d:.5f},{lon + d:.5f},{lat + d:.5f}")
        elif kind < 0.55:
            paths.append(f"/ogcapi/collections/land_parcels/items/{rng.choice(ids)['id']}?f=json")
        elif kind < 0.75:
            z = max(z, 15)
            x, y = tile_xy(lon, lat, z)
            paths.append(f"/ogcapi/collections/land_parcels/tiles/WebMercatorQuad/{z}/{y}/{x}"
                         "?f=mvt")
        elif kind < 0.95:
            paths.append(f"/tiles/wmts/basemap/webmercator/{z}/{x}/{y}.png")
        else:
            paths.append(rng.choice(assets))
    return paths


def prime(base: str, paths: list[str]) -> None:
    """Request every distinct path once, so raster tiles are cached before measuring."""
    for path in sorted(set(paths)):
        requests.get(base + path, timeout=120)


def worker_rss_mb(master: int) -> list[float]:
    out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(master)], capture_output=True,
                         text=True).stdout
    return [int(v) / 1024 for v in out.split()]


def serve(url: str, var: Path, workers: int,
          extra: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """gunicorn on the app, rate limits off; ``extra`` adds environment variables."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "BASEMAP_VAR_DIR": str(var),
           "API_RATE_LIMIT": "0", "TILE_RATE_LIMIT": "0", "BASEMAP_TILE_LISTENER": "0",
           **(extra or {})}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "geoserver_app.wsgi:application",
                             "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                             "--no-control-socket", "--timeout", "60"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=10).status_code == 200:
                return proc, base
        except requests.RequestException:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def wrk(base: str, paths: list[str], seconds: int, connections: int, work: Path) -> dict:
    (work / "paths.txt").write_text("\n".join(paths) + "\n")
    (work / "mix.lua").write_text(WRK_SCRIPT)
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
                          "-s", str(work / "mix.lua"), base],
                         env={**os.environ, "WRK_PATHS": str(work / "paths.txt")},
                         capture_output=True, text=True, check=True).stdout
    fields = next(line for line in out.splitlines() if line.startswith("RESULT")).split()[1:]
    count, micros, p95, p99, errors, status = (float(v) for v in fields[:6])
    return {"requests": int(count), "rps": count / (micros / 1e6), "p95_ms": p95,
            "p99_ms": p99, "errors": int(errors), "non_2xx_3xx": int(status)}


def prepare(url: str, var: Path) -> None:
    env = {**os.environ, "DATABASE_URL": url, "BASEMAP_VAR_DIR": str(var)}
    for command in (["migrate", "-v0"], ["load_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)


def soak(url: str, var: Path, work: Path, minutes: float, workers: int) -> None:
    proc, base = serve(url, var, workers)
    try:
        paths = mix(base, random.Random(11))
        prime(base, paths)
        samples: list[tuple[float, list[float]]] = []
        stop = threading.Event()

        def sample() -> None:
            started = time.monotonic()
            while not stop.is_set():
                samples.append((time.monotonic() - started, worker_rss_mb(proc.pid)))
                stop.wait(10)

        sampler = threading.Thread(target=sample)
        sampler.start()
        result = wrk(base, paths, int(minutes * 60), 50, work)
        stop.set()
        sampler.join()
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    print(f"soak: {workers} workers, 50 connections, {minutes:g} min: {result}")
    first, last = samples[0][1], samples[-1][1]
    print(f"worker RSS MB at start {[round(v) for v in first]}, at end {[round(v) for v in last]}")
    print("RSS samples (s: MB per worker):")
    for t, values in samples:
        print(f"  {t:5.0f}: {[round(v) for v in values]}")


def scale(url: str, var: Path, work: Path, seconds: int) -> None:
    rows = []
    for workers in (1, 2, 4):
        proc, base = serve(url, var, workers)
        try:
            paths = mix(base, random.Random(11))
            prime(base, paths)
            rows.append((workers, wrk(base, paths, seconds, 16, work)))
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    print(f"{'workers':>8}{'req/s':>10}{'p95 ms':>10}{'p99 ms':>10}{'errors':>8}{'ratio':>8}")
    for workers, r in rows:
        print(f"{workers:>8}{r['rps']:>10.0f}{r['p95_ms']:>10.1f}{r['p99_ms']:>10.1f}"
              f"{r['errors'] + r['non_2xx_3xx']:>8}{r['rps'] / rows[0][1]['rps']:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["soak", "scale"])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    with throwaway_cluster() as cluster, tempfile.TemporaryDirectory() as tmp:
        var, work = Path(tmp) / "var", Path(tmp)
        var.mkdir()
        prepare(cluster.url, var)
        if args.mode == "soak":
            soak(cluster.url, var, work, args.minutes, args.workers)
        else:
            scale(cluster.url, var, work, args.seconds)


if __name__ == "__main__":
    main()
