# SPDX-License-Identifier: MIT
"""``make run`` end to end: cluster, migrations, demo data, gunicorn; a second start reuses all."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from geoserver_app.ops.cluster import Cluster, free_port
from tests.support.servers import wait_for_http

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def var_dir() -> Iterator[Path]:
    """A var/ of our own (readable by the postgres account), cleaned up afterwards."""
    path = Path(tempfile.mkdtemp(prefix="basemap-run-"))
    path.chmod(0o755)
    yield path
    Cluster(path / "pgdata", 0).stop()
    shutil.rmtree(path, ignore_errors=True)


def start_run(var_dir: Path, pgport: int, port: int) -> tuple[subprocess.Popen, Path]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(BASEMAP_VAR_DIR=str(var_dir), PGPORT=str(pgport), PORT=str(port), WEB_WORKERS="1")
    log = var_dir / f"run-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, log


def stop_run(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def test_make_run_serves_the_contract_urls_and_restarts_fast(var_dir):
    pgport, port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    proc, log = start_run(var_dir, pgport, port)
    try:
        wait_for_http(base + "/healthz", timeout=240, proc=proc)
        for path in ("/", "/healthz", "/admin/login/", "/ogcapi/", "/tiles/"):
            assert requests.get(base + path, timeout=30).status_code == 200, path
        home = requests.get(base + "/", timeout=30).text
        assert 'data-layer="land_parcels"' in home
        static = requests.get(base + "/static/geoserver_app/site.css", timeout=30)
        assert static.status_code == 200
    finally:
        stop_run(proc)
    first_log = log.read_text()
    assert re.search(r"^land_parcels\s+3041\s", first_log, re.M)  # demo data, first start

    proc, log = start_run(var_dir, pgport, port)  # same var/: reuse cluster and data
    try:
        wait_for_http(base + "/healthz", timeout=120, proc=proc)
        assert requests.get(base + "/healthz", timeout=30).json()["database"] == "up"
    finally:
        stop_run(proc)
    second_log = log.read_text()
    assert "setup: Python packages: up to date with requirements.txt" in second_log
    assert "demo data already loaded" in second_log  # load_demo reloads nothing
    assert (var_dir / "pgdata" / "PG_VERSION").exists()
