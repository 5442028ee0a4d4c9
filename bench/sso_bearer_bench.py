#!/usr/bin/env python
# SPDX-License-Identifier: MIT
"""Cost of resolving an API grant from an OIDC access token (JWT) against our own bm_ token.

Runs in a throwaway PostGIS cluster with the tests' OpenID provider on loopback: times
``access.grant_for_environ`` for a ``bm_`` token (SHA-256 + one indexed query) and for an
RS256 JWT (signature, issuer, audience, expiry; JWKS cached after the first call). Prints
p50/p95 and the ratio.

    .venv/bin/python bench/sso_bearer_bench.py [--requests 2000]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geoserver_app.ops.cluster import throwaway_cluster  # noqa: E402
from tests.support.oidc_provider import Provider, serving  # noqa: E402

AUDIENCE = "basemap-api"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def timed(key: str, count: int) -> list[float]:
    from geoserver_app.security import access

    environ = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    times = []
    for _ in range(count):
        started = time.perf_counter()
        access.grant_for_environ(environ)
        times.append((time.perf_counter() - started) * 1000)
    return times


def configure(url: str, issuer: str) -> None:
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "geoserver_app.settings",
                       "OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": "bench",
                       "OIDC_API_AUDIENCE": AUDIENCE,
                       "OIDC_SCOPE_MAP": "gis.permits=construction_permits:write,buildings:write"})
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    op = Provider("bench", "", "http://127.0.0.1/cb", AUDIENCE, {})
    with throwaway_cluster() as cluster, serving(op):
        configure(cluster.url, op.issuer)
        from geoserver_app.security.tokens import create_token

        _token, ours = create_token("bench", ["construction_permits", "buildings"], write=True)
        jwt_key = op.mint({"sub": "bench-app", "aud": AUDIENCE, "scope": "gis.permits"},
                          lifetime=3600)
        first = timed(jwt_key, 1)[0]  # discovery + JWKS fetch
        timed(ours, 50)
        results = {"bm_ token (database)": timed(ours, args.requests),
                   "OIDC JWT (RS256, cached keys)": timed(jwt_key, args.requests)}
    print(f"{'':32}{'p50 ms':>10}{'p95 ms':>10}")
    for name, values in results.items():
        print(f"{name:32}{statistics.median(values):10.3f}{percentile(values, 95):10.3f}")
    ours_p50, jwt_p50 = (statistics.median(v) for v in results.values())
    print(f"first JWT (discovery + JWKS over loopback): {first:.1f} ms")
    print(f"p50 ratio JWT/bm_: {jwt_p50 / ours_p50:.2f}")


if __name__ == "__main__":
    main()
