# SPDX-License-Identifier: MIT
"""Shared fixtures. The suite runs against the throwaway cluster that ``make test`` starts."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.conf import settings

from geoserver_app.ops.cluster import Cluster, free_port, throwaway_cluster
from layers import catalog

ROOT = Path(__file__).resolve().parent.parent
# The tile-invalidation listener thread belongs to servers; tests start one when they need it.
# The environment is for the servers the tests start; pytest-django loaded the settings already.
os.environ.setdefault("BASEMAP_TILE_LISTENER", "0")
os.environ.setdefault("BASEMAP_CATALOG_LISTENER", "0")
settings.BASEMAP_TILE_LISTENER = os.environ["BASEMAP_TILE_LISTENER"].strip().lower() not in {
    "0", "false", "no", "off"}
# the catalog listener too: a test that needs one starts it, or serves with it on
settings.CATALOG_LISTENER = os.environ["BASEMAP_CATALOG_LISTENER"].strip().lower() not in {
    "0", "false", "no", "off"}

if not os.environ.get("DATABASE_URL"):
    pytest.exit("DATABASE_URL is not set: run the tests with `make test` "
                "(ARGS=... selects tests), which starts a throwaway PostGIS", returncode=2)


@pytest.fixture(autouse=True)
def fresh_catalog() -> Iterator[None]:
    """Each test reads the catalog of its own database state: a change that a test's
    transaction rolled back must not linger in the process's snapshot."""
    catalog.invalidate()
    yield
    catalog.invalidate()


@pytest.fixture
def spare_cluster() -> Iterator[Cluster]:
    """A second, private PostGIS cluster that a test may stop and start."""
    with throwaway_cluster() as cluster:
        yield cluster


def wait_for_http(url: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    """Poll ``url`` until it answers at all (any status), or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering")
        try:
            requests.get(url, timeout=10)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@pytest.fixture
def serve() -> Iterator:
    """Start gunicorn on the project's WSGI app with extra environment; stop it afterwards."""
    started: list[subprocess.Popen] = []

    def start(env: dict[str, str]) -> str:
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "geoserver_app.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket"],
            cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        started.append(proc)
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/healthz", proc=proc)
        return base

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(timeout=20)
