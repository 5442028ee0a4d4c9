# SPDX-License-Identifier: MIT
"""Waiting for a server started by a test; the repository root."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


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


def start_server(env: dict[str, str], port: int, workers: int = 1,
                 args: tuple[str, ...] = ()) -> subprocess.Popen:
    """gunicorn on the project's WSGI app at 127.0.0.1:``port``, with extra environment and
    gunicorn ``args``; returns once ``/healthz`` answers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "geoserver_app.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--no-control-socket",
         *args],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", proc=proc)
    except (RuntimeError, TimeoutError):
        proc.terminate()
        raise
    return proc
