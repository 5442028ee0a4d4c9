#!/usr/bin/env python
# SPDX-License-Identifier: MIT
"""OGC API throughput: our /ogcapi against tipg and stock pygeoapi, same database, loopback.

Runs in a throwaway PostGIS cluster with N synthetic parcels (default 200,000) made by SQL.
The peers run from a separate virtualenv the script creates once in var/bench/peers
(tipg, stock pygeoapi with its PostgreSQL and MVT-postgresql providers; dev-only, not in
requirements.txt). Each server gets 2 workers; ``wrk`` (apt-get install wrk; bench-only)
replays random URLs: bbox /items?limit=100, z15 parcel tiles (parcels are drawn from z15 in
the registry), /items/{id}. Prints req/s, p99, errors and our ratio to each peer.

The machine is shared, so the load of others changes during a run: ours and tipg are
measured in alternating rounds (``--rounds`` of ``--seconds``), and the rates are the
requests of all rounds over their time; p99 is the worst round's. Stock pygeoapi runs after
them in each scenario (its abandoned backlog of multi-second tiles would starve the others).

    .venv/bin/python bench/ogcapi_bench.py [--parcels 200000] [--rounds 6] [--seconds 2]
        [--published]

``--published`` measures a layer published at run time instead of ``land_parcels``: the
parcels are exported with ogr2ogr and published with ``manage.py publish`` (its own table,
served from the run-time catalog); every server reads that table.
"""
from __future__ import annotations

import argparse
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geoserver_app.ops.cluster import free_port, throwaway_cluster  # noqa: E402

PEERS = Path(os.environ.get("OGCAPI_BENCH_PEERS", ROOT / "var" / "bench" / "peers"))
PEER_PACKAGES = ["tipg==1.6.1", "uvicorn==0.54.0", "pygeoapi==0.24.0", "geoalchemy2==0.20.0",
                 "gunicorn==27.0.1", "psycopg2-binary==2.9.13"]
COLUMNS, CELL, WEST, SOUTH = 500, 0.0004, 106.0, 21.2   # parcel grid in degrees
# the measured layer (``--published``: a published copy) and the attributes every server
# serves of it (ours serves all public ones; the peers are asked for the same)
LAYER = {"id": "land_parcels", "properties": []}
PROPERTIES = ["commune_code", "sheet_no", "parcel_no", "land_use_code", "area_m2", "address",
              "created_at", "updated_at", "version"]
LAND_PARCELS_ONLY = ["commune_code_2025", "address_original"]  # not in the published copy
LAYER["properties"] = PROPERTIES + LAND_PARCELS_ONLY
PARCELS_SQL = """
INSERT INTO land_parcels (commune_code, sheet_no, parcel_no, land_use_code, area_m2, address,
                          owner_name, geom)
SELECT lpad((1 + i / 50000)::text, 5, '0'), 1 + mod(i / 1000, 50), 1 + mod(i, 1000),
       (ARRAY['ONT','LUC','CLN','BHK','ODT'])[1 + mod(i, 5)], 400, 'Thôn ' || mod(i, 90),
       'Chủ ' || i,
       ST_Multi(ST_Transform(ST_MakeEnvelope(x, y, x + %(size)s, y + %(size)s, 4326), 9214))
FROM (SELECT i, %(west)s + mod(i, %(cols)s) * %(cell)s AS x,
             %(south)s + (i / %(cols)s) * %(cell)s AS y
      FROM generate_series(0, %(n)s - 1) AS i) AS g;
ANALYZE land_parcels;
"""
WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local i = math.random(#paths)
request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end
"""


def prepare(url: str, n: int) -> tuple[int, int]:
    """Migrate and load ``n`` parcels; the (min, max) parcel id."""
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    import psycopg2

    with psycopg2.connect(url.replace("postgis://", "postgresql://")) as conn, \
            conn.cursor() as cursor:
        cursor.execute("SET LOCAL basemap.history = 'off'")
        cursor.execute(PARCELS_SQL, {"n": n, "cols": COLUMNS, "cell": CELL, "size": CELL * 0.9,
                                     "west": WEST, "south": SOUTH})
        cursor.execute("SELECT min(id), max(id) FROM land_parcels")
        return cursor.fetchone()


PUBLISHED = "thua_dat_xb"


def publish_copy(url: str, work: Path) -> tuple[int, int]:
    """The parcels as a layer published at run time (``PUBLISHED``); its (min, max) id."""
    from urllib.parse import urlparse

    import psycopg2

    db, source = urlparse(url), work / "parcels.gpkg"
    env = {**os.environ, "DATABASE_URL": url, "PGPASSWORD": db.password or ""}
    subprocess.run(["ogr2ogr", "-f", "GPKG", str(source),
                    f"PG:host={db.hostname} port={db.port} dbname={db.path[1:]} "
                    f"user={db.username}", "-sql",
                    f"SELECT {', '.join(PROPERTIES[:6])}, owner_name, geom FROM land_parcels",
                    "-nln", "parcels"], env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "publish", str(source), "--id", PUBLISHED,
                    "--title-vi", "Thửa đất (xuất bản)", "--sector", "land", "--sensitive",
                    "owner_name"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    with psycopg2.connect(url.replace("postgis://", "postgresql://")) as conn, \
            conn.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {PUBLISHED}")  # noqa: S608 (constant)
        return cursor.fetchone()


def peers_venv() -> Path:
    """The peers' virtualenv (created on first use)."""
    python = PEERS / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)
    return PEERS / "bin"


def stock_config(url: str, port: int) -> dict:
    """Stock pygeoapi: its PostgreSQL and MVT-postgresql providers on the same table."""
    from urllib.parse import urlparse

    db = urlparse(url)
    data = {"host": db.hostname, "port": db.port, "dbname": db.path[1:], "user": db.username,
            "password": db.password, "search_path": ["public"]}
    common = {"data": data, "id_field": "id", "table": LAYER["id"], "geom_field": "geom_4326"}
    return {
        "server": {"bind": {"host": "127.0.0.1", "port": port},
                   "url": f"http://127.0.0.1:{port}", "mimetype": "application/json",
                   "encoding": "utf-8", "languages": ["en-US"],
                   "limits": {"default_items": 10, "max_items": 1000},
                   "map": {"url": "http://localhost/{z}/{x}/{y}.png", "attribution": ""}},
        "logging": {"level": "ERROR"},
        "metadata": {"identification": {"title": "b", "description": "b", "keywords": ["b"],
                                        "keywords_type": "theme", "terms_of_service": "b",
                                        "url": "http://localhost"},
                     "license": {"name": "b", "url": "http://localhost"},
                     "provider": {"name": "b", "url": "http://localhost"},
                     "contact": {"name": "b", "url": "http://localhost"}},
        "resources": {LAYER["id"]: {
            "type": "collection", "title": "p", "description": "p", "keywords": ["p"],
            "extents": {"spatial": {"bbox": [-180, -90, 180, 90],
                                    "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
            "providers": [
                {"type": "feature", "name": "PostgreSQL", "properties": LAYER["properties"],
                 **common},
                {"type": "tile", "name": "MVT-postgresql", **common,
                 "options": {"zoom": {"min": 0, "max": 22}},
                 "format": {"name": "pbf", "mimetype": "application/vnd.mapbox-vector-tile"}}]}},
    }


def start(command: list[str], env: dict, port: int, probe: str, log: Path) -> subprocess.Popen:
    """Start a server and wait until ``probe`` answers 200."""
    proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}{probe}", timeout=30).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError(f"{command[0]} did not start; see {log}")


def servers(url: str, work: Path) -> dict[str, tuple[int, subprocess.Popen]]:
    """Ours, tipg and stock pygeoapi, 2 workers each."""
    bin_ = peers_venv()
    ports = {name: free_port() for name in ("ours", "tipg", "pygeoapi")}
    config, openapi = work / "stock.yml", work / "stock-openapi.json"
    config.write_text(yaml.safe_dump(stock_config(url, ports["pygeoapi"])))
    stock_env = {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
    subprocess.run([str(bin_ / "pygeoapi"), "openapi", "generate", str(config),
                    "--output-file", str(openapi)], env={**os.environ, **stock_env}, check=True,
                   stdout=subprocess.DEVNULL)
    pg_url = url.replace("postgis://", "postgresql://")
    commands = {
        "ours": ([sys.executable, "-m", "gunicorn", "geoserver_app.wsgi:application",
                  "--workers", "2", "--bind", f"127.0.0.1:{ports['ours']}",
                  "--no-control-socket"],
                 {"DATABASE_URL": url, "API_RATE_LIMIT": "0", "BASEMAP_VAR_DIR": str(work),
                  "LOG_LEVEL": "WARNING"}, f"/ogcapi/collections/{LAYER['id']}?f=json"),
        "tipg": ([str(bin_ / "uvicorn"), "tipg.main:app", "--workers", "2", "--port",
                  str(ports["tipg"]), "--log-level", "warning"],
                 {"DATABASE_URL": pg_url, "TIPG_DB_SCHEMAS": '["public"]'}, "/collections"),
        # stock tiles take seconds (tens under load): past gunicorn's 30 s it drops the
        # connection and the run is void
        "pygeoapi": ([str(bin_ / "gunicorn"), "pygeoapi.flask_app:APP", "--workers", "2",
                      "--bind", f"127.0.0.1:{ports['pygeoapi']}", "--no-control-socket",
                      "--timeout", "300"],
                     stock_env, f"/collections/{LAYER['id']}?f=json"),
    }
    return {name: (ports[name], start(command, env, ports[name], probe, work / f"{name}.log"))
            for name, (command, env, probe) in commands.items()}


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


def scenarios(n: int, ids: tuple[int, int], count: int = 2000) -> dict[str, dict[str, list]]:
    """Random URLs per scenario and server (the same requests for every server).

    Tiles come last: stock pygeoapi takes seconds per tile and its sync workers keep
    serving the abandoned backlog after wrk stops, which would starve the next scenario.
    """
    rng = random.Random(7)
    rows = n // COLUMNS
    east, north = WEST + COLUMNS * CELL, SOUTH + rows * CELL
    props = ",".join(LAYER["properties"])
    bboxes = []
    for _ in range(count):
        x, y = rng.uniform(WEST, east - 0.004), rng.uniform(SOUTH, north - 0.004)
        bboxes.append(f"{x:.5f},{y:.5f},{x + 0.004:.5f},{y + 0.004:.5f}")
    (x0, y1), (x1, y0) = tile_of(WEST, SOUTH, 15), tile_of(east, north, 15)
    tiles = [(rng.randint(x0, x1), rng.randint(y0, y1)) for _ in range(count)]
    fids = [rng.randint(*ids) for _ in range(count)]
    layer = LAYER["id"]
    tipg = f"/collections/public.{layer}"
    geom = "geom-column=geom_4326"
    return {
        "items bbox limit=100": {
            "ours": [f"/ogcapi/collections/{layer}/items?f=json&limit=100&bbox={b}"
                     for b in bboxes],
            "tipg": [f"{tipg}/items?limit=100&bbox={b}&{geom}&properties={props}"
                     for b in bboxes],
            "pygeoapi": [f"/collections/{layer}/items?f=json&limit=100&bbox={b}"
                         for b in bboxes]},
        "items/{id}": {
            "ours": [f"/ogcapi/collections/{layer}/items/{i}?f=json" for i in fids],
            "tipg": [f"{tipg}/items/{i}?{geom}&properties={props}" for i in fids],
            "pygeoapi": [f"/collections/{layer}/items/{i}?f=json" for i in fids]},
        "z15 tiles": {
            "ours": [f"/ogcapi/collections/{layer}/tiles/WebMercatorQuad/15/{y}/{x}?f=mvt"
                     for x, y in tiles],
            "tipg": [f"{tipg}/tiles/WebMercatorQuad/15/{x}/{y}?{geom}&properties="
                     "commune_code,sheet_no,parcel_no,land_use_code" for x, y in tiles],
            "pygeoapi": [f"/collections/{layer}/tiles/WebMercatorQuad/15/{y}/{x}?f=mvt"
                         for x, y in tiles]},
    }


def wrk(port: int, paths: list[str], seconds: int, work: Path) -> dict:
    """requests, seconds, req/s, p99 (ms), errors and bytes/response of one wrk run
    (2 threads, 8 connections)."""
    listing, script = work / "paths.txt", work / "paths.lua"
    listing.write_text("\n".join(paths) + "\n")
    script.write_text(WRK_SCRIPT)
    done = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s", "--latency",
                           "-s", str(script),
                           f"http://127.0.0.1:{port}"], capture_output=True, text=True,
                          env={**os.environ, "WRK_PATHS": str(listing)}, check=True)
    out = done.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, sock.groups())) if sock else 0)
    transfer = re.search(r"Transfer/sec:\s+([\d.]+)(B|KB|MB|GB)", out)
    per_second = float(transfer.group(1)) * {"B": 1, "KB": 1024, "MB": 1024 ** 2,
                                              "GB": 1024 ** 3}[transfer.group(2)]
    done_in = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", out)
    seconds_taken = float(done_in.group(2)) * {"ms": 0.001, "s": 1.0, "m": 60.0}[done_in.group(3)]
    return {"requests": int(done_in.group(1)), "seconds": seconds_taken, "rps": rate,
            "p99": float(p99.group(1)) * scale, "errors": errors,
            "bytes": per_second / rate if rate else 0.0}


def combined(rounds: list[dict]) -> dict:
    """One result from several rounds: requests over time, the worst p99, all errors."""
    requests = sum(r["requests"] for r in rounds)
    seconds = sum(r["seconds"] for r in rounds)
    return {"rps": requests / seconds if seconds else 0.0,
            "p99": max(r["p99"] for r in rounds), "errors": sum(r["errors"] for r in rounds),
            "bytes": (sum(r["bytes"] * r["requests"] for r in rounds) / requests
                      if requests else 0.0),
            "rounds": [round(r["rps"]) for r in rounds]}


def measure(ports: dict, by_server: dict, rounds: int, seconds: int, work: Path) -> dict:
    """One scenario: warm-up, ours and tipg in alternating rounds, then stock pygeoapi."""
    alternating = [name for name in by_server if name != "pygeoapi"]
    runs = {name: [] for name in by_server}
    for name in alternating:
        wrk(ports[name], by_server[name], 2, work)   # warm-up
    for _ in range(rounds):
        for name in alternating:
            runs[name].append(wrk(ports[name], by_server[name], seconds, work))
    wrk(ports["pygeoapi"], by_server["pygeoapi"], 2, work)
    runs["pygeoapi"].append(wrk(ports["pygeoapi"], by_server["pygeoapi"], rounds * seconds,
                                work))
    return {name: combined(results) for name, results in runs.items()}


def check_answers(ports: dict, cases: dict) -> None:
    """Each server answers the first URLs of each scenario with 200 (else the run is void);
    prints the latency of one request at a time (the second, after a warm-up)."""
    for scenario, by_server in cases.items():
        for name, paths in by_server.items():
            for path in paths[:2]:
                started = time.perf_counter()
                answer = requests.get(f"http://127.0.0.1:{ports[name]}{path}", timeout=120)
                if answer.status_code != 200:
                    raise RuntimeError(f"{name} {scenario}: HTTP {answer.status_code} "
                                       f"{answer.text[:200]}")
            print(f"{scenario:24}{name:10} one request: "
                  f"{(time.perf_counter() - started) * 1000:8.1f} ms")


def report(results: dict) -> None:
    print(f"\n{'scenario':24}{'server':10}{'req/s':>9}{'p99 ms':>9}{'errors':>8}"
          f"{'bytes/resp':>12}  req/s of each round")
    for scenario, by_server in results.items():
        for name, r in by_server.items():
            print(f"{scenario:24}{name:10}{r['rps']:9.0f}{r['p99']:9.1f}{r['errors']:8d}"
                  f"{r['bytes']:12.0f}  {r['rounds']}")
        ours = by_server["ours"]["rps"]
        print(f"{'':24}ratios: ours/tipg {ratio(ours, by_server['tipg']['rps'])}, "
              f"ours/pygeoapi {ratio(ours, by_server['pygeoapi']['rps'])}")


def ratio(ours: float, peer: float) -> str:
    """ours/peer, or what we know when the peer completed nothing in the run."""
    return f"{ours / peer:.2f}" if peer > 0 else "∞ (peer: no request completed)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=2, help="per round")
    parser.add_argument("--published", action="store_true",
                        help="measure a layer published at run time (its own table)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (bench-only)")
    work = Path(tempfile.mkdtemp(prefix="ogcapi-bench-"))
    with throwaway_cluster() as cluster:
        started = time.perf_counter()
        ids = prepare(cluster.url, args.parcels)
        if args.published:
            LAYER["id"], LAYER["properties"] = PUBLISHED, PROPERTIES
            ids = publish_copy(cluster.url, work)
        print(f"prepared {args.parcels:,} parcels in {time.perf_counter() - started:.0f} s")
        running = servers(cluster.url, work)
        ports = {name: port for name, (port, _proc) in running.items()}
        try:
            cases = scenarios(args.parcels, ids)
            check_answers(ports, cases)
            results = {scenario: measure(ports, by_server, args.rounds, args.seconds, work)
                       for scenario, by_server in cases.items()}
        finally:
            for _port, proc in running.values():
                proc.terminate()
                proc.wait(timeout=30)
    report(results)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
