#!/usr/bin/env python
# SPDX-License-Identifier: MIT
"""Catalog propagation: time from a catalog change to the last of 4 workers answering
accordingly, under load; against a graceful restart of the same workers (what a server
without run-time propagation must do: pygeoapi's admin API restarts its workers).

Runs the real app (gunicorn, ``geoserver_app.wsgi``, 4 workers) on the demo dataset in a
throwaway PostGIS cluster, loopback only, bounded in time. A background load of 8 client
threads reads feature pages; the probe sends 8 simultaneous requests per round (every
worker busy) and a change counts as seen when 3 rounds in a row all agree.

    .venv/bin/python bench/catalog_bench.py [--changes 20]
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import soak_bench  # noqa: E402
from geoserver_app.ops.cluster import throwaway_cluster  # noqa: E402

WORKERS = 4
PROBE = "/ogcapi/collections/mineral_sites?f=json"
LOAD = "/ogcapi/collections/roads/items?f=json&limit=50"


def serve(url: str, var: Path, listener: bool) -> tuple[subprocess.Popen, str]:
    return soak_bench.serve(url, var, WORKERS,
                            {"BASEMAP_CATALOG_LISTENER": "1" if listener else "0"})


def probe_round(pool: ThreadPoolExecutor, base: str) -> set[int]:
    return set(pool.map(lambda _: requests.get(base + PROBE, timeout=30).status_code,
                        range(2 * WORKERS)))


def seconds_until(pool: ThreadPoolExecutor, base: str, wanted: int, since: float) -> float:
    agreeing = 0
    seen_at = None
    while time.monotonic() - since < 30:
        if probe_round(pool, base) == {wanted}:
            agreeing += 1
            seen_at = seen_at or time.monotonic()
            if agreeing == 3:
                return seen_at - since
        else:
            agreeing, seen_at = 0, None
    raise SystemExit(f"workers never agreed on {wanted} within 30 s")


def set_access(url: str, access: str) -> float:
    with psycopg2.connect(url.replace("postgis://", "postgresql://")) as conn, \
            conn.cursor() as cursor:
        cursor.execute("SELECT set_config('basemap.actor', 'bench', true)")
        cursor.execute("UPDATE layer_catalog SET access = %s WHERE id = 'mineral_sites'",
                       [access])
    conn.close()
    return time.monotonic()


def load(base: str, stop: threading.Event, counter: list[int]) -> None:
    session = requests.Session()
    while not stop.is_set():
        session.get(base + LOAD, timeout=30)
        counter[0] += 1


def summary(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (f"{name:<26} n={len(values):<3} median {statistics.median(values) * 1000:7.0f} ms"
            f"   p95 {p95 * 1000:7.0f} ms   max {max(values) * 1000:7.0f} ms")


def measure(url: str, var: Path, changes: int, listener: bool) -> tuple[list[float], int]:
    """Seconds from each change to all workers agreeing; with ``listener`` off, each change
    is followed by gunicorn's graceful restart (HUP): new workers load the new catalog."""
    proc, base = serve(url, var, listener)
    stop, counter = threading.Event(), [0]
    loaders = [threading.Thread(target=load, args=(base, stop, counter)) for _ in range(8)]
    for thread in loaders:
        thread.start()
    times = []
    try:
        with ThreadPoolExecutor(2 * WORKERS) as pool:
            seconds_until(pool, base, 404, time.monotonic())
            for n in range(changes):
                access, status = ("public", 200) if n % 2 == 0 else ("internal", 404)
                changed = set_access(url, access)
                if not listener:
                    os.kill(proc.pid, signal.SIGHUP)
                times.append(seconds_until(pool, base, status, changed))
    finally:
        stop.set()
        for thread in loaders:
            thread.join()
        proc.terminate()
        proc.wait(timeout=60)
        set_access(url, "internal")
    return times, counter[0]


def run(url: str, var: Path, changes: int) -> None:
    propagation, served = measure(url, var, changes, listener=True)
    restart, _ = measure(url, var, max(4, changes // 2), listener=False)
    print(f"{WORKERS} workers under a load of 8 clients ({served} feature pages served)")
    print(summary("catalog change (NOTIFY)", propagation))
    print(summary("graceful restart (HUP)", restart))
    ratio = statistics.median(restart) / statistics.median(propagation)
    print(f"restart / propagation (medians): {ratio:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    with throwaway_cluster() as cluster, tempfile.TemporaryDirectory() as tmp:
        soak_bench.prepare(cluster.url, Path(tmp))
        run(cluster.url, Path(tmp), args.changes)


if __name__ == "__main__":
    main()
