# SPDX-License-Identifier: MIT
"""Raster tile benchmark (loopback, bounded: about a minute).

1. Cache hits: requests/s for one cached tile through ``/tiles/`` in the app (gunicorn,
   2 workers, access policy, MapProxy), through nginx with the generated fast path
   (``docker/nginx-tiles.conf``, anonymous request), and the same file as a plain static
   file from nginx (the limit). Load from ApacheBench (``ab``, keep-alive, 8 clients).
2. Cold render: seconds per metatile (4x4 tiles + 80 px buffer) for a tile request that
   makes MapProxy render, against calling ``mapserv`` directly for the same metatile.

Runs on a throwaway PostGIS with the demo dataset (``load_demo``). Usage:
    .venv/bin/python bench/tiles_bench.py [--seconds 8] [--metatiles 8]
Needs ``ab`` (apache2-utils) and ``nginx`` (Debian) on PATH; prints which peer it used.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geoserver_app.ops.cluster import free_port, throwaway_cluster  # noqa: E402

PY = sys.executable
TOWN = (106.1872, 21.2511)  # a block of streets, parcels and buildings in the demo data


def xyz(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    import math
    n = 2 ** zoom
    return (int((lon + 180) / 360 * n),
            int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))


def prepare(env: dict) -> None:
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "load_demo"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([PY, "-m", "gunicorn", "geoserver_app.wsgi:application", "--bind",
                             f"127.0.0.1:{port}", "--workers", "2", "--no-control-socket",
                             "--log-level", "warning"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}/healthz")
    return proc


def start_nginx(root: Path, port: int, app_port: int, workdir: Path) -> subprocess.Popen:
    """nginx: the raw cache files at ``/``, and the generated fast path at ``/tiles/``."""
    snippet = (ROOT / "docker" / "nginx-tiles.conf").read_text()
    (workdir / "tiles.conf").write_text(snippet.replace("/var/lib/basemap/tiles", str(root)))
    conf = workdir / "nginx.conf"
    conf.write_text(f"""daemon off; worker_processes 2; pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log;
events {{ worker_connections 256; }}
http {{ access_log off; sendfile on; keepalive_requests 100000;
  types {{ image/png png; }}
  server {{ listen 127.0.0.1:{port};
    include {workdir}/tiles.conf;
    location @basemap_app {{ proxy_pass http://127.0.0.1:{app_port}; }}
    location / {{ root {root}; }} }} }}
""")
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(workdir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}/")
    return proc


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise TimeoutError(url)


def ab_rate(url: str, seconds: int, concurrency: int = 8) -> float:
    """Requests/s from ApacheBench with keep-alive; fails on any non-2xx."""
    out = subprocess.run(["ab", "-k", "-q", "-c", str(concurrency), "-t", str(seconds),
                          "-n", "10000000", url], capture_output=True, text=True, check=True)
    failed = re.search(r"Non-2xx responses:\s+(\d+)", out.stdout)
    if failed:
        raise RuntimeError(f"{url}: {failed.group(1)} non-2xx responses")
    return float(re.search(r"Requests per second:\s+([\d.]+)", out.stdout).group(1))


def metatile_request(x: int, y: int, z: int) -> dict[str, str]:
    """The GetMap MapProxy sends mapserv for the metatile of tile (x, y, z)."""
    from mapproxy.grid.meta_grid import MetaGrid
    from mapproxy.grid.tile_grid import tile_grid
    grid = tile_grid(3857, origin="nw")
    meta = MetaGrid(grid, meta_size=(4, 4), meta_buffer=80).meta_tile((x, y, z))
    return {"map": str(ROOT / "mapserver" / "basemap.map"), "layers": "basemap",
            "transparent": "False", "format": "image/png",
            "bbox": ",".join(repr(v) for v in meta.bbox), "width": str(meta.size[0]),
            "height": str(meta.size[1]), "srs": "EPSG:3857", "request": "GetMap",
            "version": "1.1.1", "service": "WMS", "styles": ""}


def mapserv_seconds(env: dict, query: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/mapserv"], env={**env, "QUERY_STRING": urlencode(query),
                                                       "REQUEST_METHOD": "GET"},
                            capture_output=True, cwd=ROOT / "mapserver", check=True)
    elapsed = time.perf_counter() - started
    if b"image/png" not in result.stdout[:200]:
        raise RuntimeError(result.stdout[:300])
    return elapsed


def cold_renders(base: str, tile_env: dict, count: int) -> tuple[list[float], list[float]]:
    """Per metatile: MapProxy through /tiles/ (first request renders it) and mapserv alone."""
    x0, y0 = xyz(*TOWN, 15)
    x0, y0 = x0 - x0 % 4 - 8, y0 - y0 % 4 - 4
    proxy, direct = [], []
    for i in range(count):
        x, y = x0 + 4 * (i % 4), y0 + 4 * (i // 4)
        query = metatile_request(x, y, 15)
        direct.append(mapserv_seconds(tile_env, query))
        started = time.perf_counter()
        reply = requests.get(f"{base}/tiles/wmts/basemap/webmercator/15/{x}/{y}.png", timeout=60)
        proxy.append(time.perf_counter() - started)
        assert reply.status_code == 200 and reply.content[:4] == b"\x89PNG"
    return proxy, direct


def tile_environment(env: dict) -> dict:
    """PG* and MAPSERVER_CONFIG_FILE exactly as the app gives mapserv."""
    code = ("from geoserver_app import tilesetup; import json; "
            "print(json.dumps(tilesetup.tile_environment()))")
    out = subprocess.run([PY, "-c", "import django; django.setup()\n" + code], cwd=ROOT,
                         env=env, check=True, capture_output=True, text=True).stdout
    import json
    return {**env, **json.loads(out.strip().splitlines()[-1])}


def report(hits: tuple[float, float, float], proxy: list[float], direct: list[float]) -> None:
    hit_app, hit_fast, hit_static = hits
    p, d = statistics.median(proxy), statistics.median(direct)
    print(f"cache hit  /tiles/ via the app (gunicorn, 2 workers): {hit_app:8.0f} req/s")
    print(f"cache hit  /tiles/ via nginx fast path (anonymous):   {hit_fast:8.0f} req/s")
    print(f"cache hit  nginx static, same file (the limit):       {hit_static:8.0f} req/s")
    print(f"  ratio app : static = {hit_app / hit_static:.2f}, "
          f"fast path : static = {hit_fast / hit_static:.2f}")
    print(f"cold metatile via /tiles/ (median of {len(proxy)}): {p * 1000:7.0f} ms")
    print(f"cold metatile mapserv direct (median):        {d * 1000:7.0f} ms")
    print(f"  MapProxy overhead over mapserv = {(p - d) / d * 100:+.0f}%")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--metatiles", type=int, default=8)
    args = parser.parse_args()
    for tool in ("ab", "nginx"):
        if shutil.which(tool) is None:
            print(f"error: {tool} not found: apt-get install -y apache2-utils nginx-light",
                  file=sys.stderr)
            return 1
    work = Path(tempfile.mkdtemp(prefix="tiles-bench-"))
    work.chmod(0o755)
    with throwaway_cluster() as cluster:
        env = {**os.environ, "DATABASE_URL": cluster.url, "BASEMAP_VAR_DIR": str(work / "var"),
               "BASEMAP_TILE_LISTENER": "0", "DJANGO_SETTINGS_MODULE": "geoserver_app.settings",
               "PYTHONPATH": str(ROOT)}  # loopback is exempt from the rate limit
        prepare(env)
        tile_env = tile_environment(env)
        app_port, static_port = free_port(), free_port()
        gunicorn = start_gunicorn(env, app_port)
        nginx = None
        try:
            base = f"http://127.0.0.1:{app_port}"
            x, y = xyz(*TOWN, 14)
            path = f"basemap/webmercator/14/{x}/{y}.png"
            assert requests.get(f"{base}/tiles/wmts/{path}", timeout=60).status_code == 200
            for parent in [work, *(work / "var" / "tiles").rglob("*")]:
                parent.chmod(parent.stat().st_mode | 0o755)
            nginx = start_nginx(work / "var" / "tiles", static_port, app_port, work)
            hit_app = ab_rate(f"{base}/tiles/wmts/{path}", args.seconds)
            hit_fast = ab_rate(f"http://127.0.0.1:{static_port}/tiles/wmts/{path}",
                               args.seconds)
            hit_static = ab_rate(f"http://127.0.0.1:{static_port}/{path}", args.seconds)
            proxy, direct = cold_renders(base, tile_env, args.metatiles)
        finally:
            for proc in (gunicorn, nginx):
                if proc is not None:
                    proc.terminate()
                    proc.wait(timeout=20)
    shutil.rmtree(work, ignore_errors=True)
    report((hit_app, hit_fast, hit_static), proxy, direct)
    return 0


if __name__ == "__main__":
    sys.exit(main())
