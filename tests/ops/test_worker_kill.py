# SPDX-License-Identifier: MIT
"""A gunicorn worker killed mid-flight: the others keep serving, the master replaces it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from geoserver_app.ops.cluster import free_port
from tests.support.servers import wait_for_http

ROOT = Path(__file__).resolve().parents[2]


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True).stdout
    return [int(p) for p in out.split()]


def test_killed_worker_does_not_stop_the_service(tmp_path):
    port = free_port()
    env = {**os.environ, "BASEMAP_VAR_DIR": str(tmp_path)}
    master = subprocess.Popen([sys.executable, "-m", "gunicorn", "geoserver_app.wsgi:application",
                               "--bind", f"127.0.0.1:{port}", "--workers", "2",
                               "--no-control-socket"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/healthz", proc=master)
        deadline = time.monotonic() + 30
        while len(children(master.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = children(master.pid)
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)
        statuses = [requests.get(base + "/healthz", timeout=10).status_code for _ in range(20)]
        assert statuses == [200] * 20
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = children(master.pid)
            if len(now) == 2 and workers[0] not in now:
                break
            time.sleep(0.2)
        assert len(children(master.pid)) == 2
    finally:
        master.terminate()
        master.wait(timeout=30)
