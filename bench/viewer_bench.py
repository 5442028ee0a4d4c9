#!/usr/bin/env python
# SPDX-License-Identifier: MIT
"""The map viewer's first render and transferred bytes, cold browser cache, over loopback.

Starts a throwaway PostGIS cluster with the demo data, collects static files, serves the site
with gunicorn (2 workers) on 127.0.0.1 and opens ``/`` in Debian's headless Chromium
(Playwright) with an empty cache, ``--runs`` times. For each run it records:

- first render: navigation start to the map's first frame (style loaded; the page records
  ``basemapViewer.readyAt``), and to the first complete view (every visible tile drawn),
  both on the page's own clock (``performance.now()``);
- bytes transferred (compressed, headers excluded) by kind: page, JS+CSS, raster tiles,
  vector tiles, API.

The peer is the same page loaded again in the same browser context (warm cache) in the same
run; the first cold run also meets a cold MapProxy tile cache (tiles rendered by MapServer).
The JS+CSS budget is 1 MB compressed.

    .venv/bin/python bench/viewer_bench.py [--runs 5] [--view 15/21.2505/106.1873]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geoserver_app.ops.cluster import free_port, throwaway_cluster  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BUDGET = 1_000_000
KINDS = ("page", "js+css", "raster tiles", "vector tiles", "api", "other")


def kind_of(url: str) -> str:
    """The kind of a same-origin URL, by path."""
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    if path.startswith("static/") and path.split("?")[0].endswith((".js", ".mjs", ".css")):
        return "js+css"
    if path.startswith("tiles/"):
        return "raster tiles"
    if path.startswith("ogcapi/") and "/tiles/" in path:
        return "vector tiles"
    if path.startswith("ogcapi/"):
        return "api"
    return "page" if path.split("?")[0].split("#")[0] == "" else "other"


def prepare(url: str, var_dir: Path) -> dict[str, str]:
    """Migrate, load the demo data, collect static files; the server's environment."""
    env = {**os.environ, "DATABASE_URL": url, "BASEMAP_VAR_DIR": str(var_dir)}
    for args in (["migrate", "--noinput", "-v0"], ["load_demo"],
                 ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    return env


def serve(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """gunicorn on a free loopback port, answering /healthz."""
    import requests

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "geoserver_app.wsgi:application",
                             "--bind", f"127.0.0.1:{port}", "--workers", "2",
                             "--no-control-socket"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=5).status_code == 200:
                return proc, base
        except requests.RequestException:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("error: the server did not answer /healthz within 120 s")


def wait(page, script: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise SystemExit(f"error: {script} still false after {timeout} s")
        time.sleep(0.02)


def load(page, url: str) -> dict:
    """Open ``url``; seconds to first frame and to complete view, bytes by kind."""
    sizes: dict[str, int] = dict.fromkeys(KINDS, 0)
    pending = []

    def on_finished(request) -> None:
        pending.append(request)

    page.on("requestfinished", on_finished)
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60000)
    # the page's own clock: milliseconds since its navigation started
    first = page.evaluate("window.basemapViewer.readyAt") / 1000
    wait(page, "window.basemapViewer.map.areTilesLoaded()")
    complete = page.evaluate("performance.now()") / 1000
    page.remove_listener("requestfinished", on_finished)
    cached = 0
    for request in pending:
        if request.url.startswith(("data:", "blob:")):
            continue
        body = request.sizes()["responseBodySize"]  # -1 or 0 when served from the cache
        cached += body <= 0
        sizes[kind_of(request.url)] += max(body, 0)
    return {"first": first, "complete": complete, "bytes": sizes, "requests": len(pending),
            "cached": cached}


def run(base: str, view: str, runs: int) -> tuple[list[dict], list[dict]]:
    from playwright.sync_api import sync_playwright

    cold, warm = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1366, "height": 800})
            page = context.new_page()
            cold.append(load(page, f"{base}/#{view}"))
            warm.append(load(page, f"{base}/?again=1#{view}"))
            context.close()
        browser.close()
    return cold, warm


def report(cold: list[dict], warm: list[dict]) -> None:
    """Print medians, the first (cold server cache) run, bytes by kind and the budget check."""
    def median(rows: list[dict], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    print(f"runs: {len(cold)} (cold browser cache each; run 1 also cold MapProxy cache)")
    print(f"first frame  cold median {median(cold, 'first'):.2f} s   warm median "
          f"{median(warm, 'first'):.2f} s   ratio {median(cold, 'first') / median(warm, 'first'):.2f}")
    print(f"complete     cold median {median(cold, 'complete'):.2f} s   warm median "
          f"{median(warm, 'complete'):.2f} s   ratio "
          f"{median(cold, 'complete') / median(warm, 'complete'):.2f}   "
          f"(run 1, cold server cache: {cold[0]['complete']:.2f} s)")
    print(f"requests     cold {cold[-1]['requests']}   warm {warm[-1]['requests']} "
          f"({warm[-1]['cached']} from the browser cache)")
    for kind in KINDS:
        print(f"  {kind:<13} cold {cold[-1]['bytes'][kind]:>9,} B   "
              f"warm {warm[-1]['bytes'][kind]:>9,} B")
    total = sum(cold[-1]["bytes"].values())
    code = cold[-1]["bytes"]["js+css"]
    print(f"total cold {total:,} B; JS+CSS {code:,} B compressed = {code / BUDGET:.0%} of the "
          f"1 MB budget: {'met' if code < BUDGET else 'EXCEEDED'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--view", default="15/21.2505/106.1873",
                        help="URL hash zoom/lat/lon[/layers] of the view to open")
    args = parser.parse_args()
    with throwaway_cluster() as cluster, tempfile.TemporaryDirectory() as var:
        env = prepare(cluster.url, Path(var))
        proc, base = serve(env)
        try:
            cold, warm = run(base, args.view, args.runs)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    report(cold, warm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
