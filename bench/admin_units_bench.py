#!/usr/bin/env python
# SPDX-License-Identifier: MIT
"""100,000 legacy addresses to their 2025 units: through the ``admin-units-convert`` process
(HTTP, batches of 10,000, gunicorn in a throwaway cluster) against the package's own
converter (``vietnamadminunits.convert_address``) called directly in the same run.

Prints the rate of each, their ratio, the server workers' peak memory and how often both
agree on the 2025 commune (ours reports a name shared by two communes as ambiguous where
the package picks one).

    .venv/bin/python bench/admin_units_bench.py [--addresses 100000] [--workers 2] [--clients 1]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import soak_bench  # noqa: E402
from geoserver_app.ops.cluster import throwaway_cluster  # noqa: E402
from layers import units_catalog  # noqa: E402

BATCH = 10_000
STREETS = ("Thôn Đông", "Thôn Trung", "Xóm Chùa", "Tổ dân phố số 3", "Số 12 đường Lê Lợi",
           "Số 5 ngõ 8 đường Hùng Vương", "Khu phố 2")
KIND_SHORT = {"xã": "xã", "phường": "P.", "thị trấn": "TT."}


def legacy_addresses(count: int, seed: int = 18) -> list[str]:
    """Addresses of the former Bắc Giang and Bắc Ninh in the forms land records use."""
    catalog = units_catalog.from_package()
    legacy = [u for u in catalog.units if u.valid_to is not None]
    district = {u.code: u for u in legacy if u.level == "district"}
    province = {u.code: u for u in legacy if u.level == "province"}
    communes = [u for u in legacy if u.level == "commune"]
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        c = rng.choice(communes)
        d, p = district[c.district_code], province[c.province_code]
        street = rng.choice(STREETS)
        if rng.random() < 0.7:
            out.append(f"{street}, {c.kind} {c.name}, {d.kind} {d.name}, tỉnh {p.name}")
        else:
            out.append(f"{street}, {KIND_SHORT[c.kind]} {c.name}, {d.name}, {p.name}")
    return out


def through_process(base: str, addresses: list[str], clients: int) -> tuple[float, list[dict]]:
    """Seconds for every batch (``clients`` at a time), and the results in order."""
    batches = [addresses[i:i + BATCH] for i in range(0, len(addresses), BATCH)]

    def post(batch: list[str]) -> list[dict]:
        response = requests.post(f"{base}/ogcapi/processes/admin-units-convert/execution?f=json",
                                 data=json.dumps({"inputs": {"addresses": batch}}),
                                 headers={"Content-Type": "application/json"}, timeout=300)
        response.raise_for_status()
        return response.json()["results"]

    with ThreadPoolExecutor(clients) as pool:
        # warm every worker: the catalog and the API object are built once per worker
        list(pool.map(post, [batches[0][:10]] * 4 * clients))
        started = time.perf_counter()
        results = [r for part in pool.map(post, batches) for r in part]
    return time.perf_counter() - started, results


def package_directly(addresses: list[str]) -> tuple[float, list[str | None]]:
    """Seconds for the package's converter on every address, and its 2025 codes."""
    from vietnamadminunits import convert_address

    convert_address(addresses[0])  # warm: the package loads its JSON on import and first use
    started = time.perf_counter()
    codes = [convert_address(a).ward_code for a in addresses]
    return time.perf_counter() - started, codes


def peak_rss_mb(master: int) -> float:
    """The largest peak resident set (VmHWM) among the server's workers."""
    pids = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True,
                          text=True).stdout.split()
    peaks = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks += [int(line.split()[1]) / 1024 for line in status.splitlines()
                  if line.startswith("VmHWM")]
    return max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=1, help="batches posted at a time")
    parser.add_argument("--package-sample", type=int, default=10_000,
                        help="addresses the package converts (it does ~200/s; its rate is "
                             "measured on this many of the same addresses)")
    args = parser.parse_args()
    addresses = legacy_addresses(args.addresses)
    with throwaway_cluster() as cluster, tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True,
                       env={**os.environ, "DATABASE_URL": cluster.url,
                            "BASEMAP_VAR_DIR": str(var)})
        server, base = soak_bench.serve(cluster.url, var, args.workers)
        try:
            idle = peak_rss_mb(server.pid)
            ours, results = through_process(base, addresses, args.clients)
            memory = peak_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(30)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sample = addresses[:args.package_sample]
    theirs, codes = package_directly(sample)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n, m = len(addresses), len(sample)
    converted = sum(r["status"] == "ok" for r in results)
    agree = sum(r.get("new", {}).get("code") == code for r, code in zip(results[:m], codes, strict=True))
    print(f"{n:,} legacy addresses, batches of {BATCH:,}, {args.workers} gunicorn workers, "
          f"{args.clients} client(s)")
    ours_rate, theirs_rate = n / ours, m / theirs
    print(f"process (HTTP, JSON)     {n:7,} in {ours:7.2f} s  {ours_rate:9,.0f} addresses/s  "
          f"worker peak RSS {memory:.0f} MB (idle {idle:.0f} MB)")
    print(f"package convert_address  {m:7,} in {theirs:7.2f} s  {theirs_rate:9,.0f} addresses/s  "
          f"bench process peak RSS {rss_after:.0f} MB (was {rss_before:.0f} MB)")
    print(f"time per address, process / package: {theirs_rate / ours_rate:.2f}x (target <= 1.5x; "
          f"rate target >= 5,000/s: {'met' if ours_rate >= 5000 else 'NOT met'})")
    print(f"converted {converted:,} ({converted / n:.1%}); same 2025 commune as the package on "
          f"its {m:,}: {agree:,} ({agree / m:.1%})")
    reasons = sorted({r["reason"] for r in results if r["status"] != "ok"})[:5]
    for reason in reasons:
        print(f"  not converted: {reason}")


if __name__ == "__main__":
    main()
