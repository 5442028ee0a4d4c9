# SPDX-License-Identifier: MIT
"""The production reverse proxy (``docker/nginx.conf``, with a real nginx) never writes the
value of a ``token`` query parameter to its access log."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import requests

from geoserver_app.ops.cluster import free_port
from tests.support.servers import ROOT

TOKEN = "bm_SECRETsecret123"


def proxy_conf(folder: Path, port: int) -> Path:
    """docker/nginx.conf in a whole nginx.conf: local port and files, an app that is down."""
    site = (ROOT / "docker" / "nginx.conf").read_text(encoding="utf-8")
    site = (site.replace("server app:8000;", f"server 127.0.0.1:{free_port()};")
            .replace("listen 80;", f"listen 127.0.0.1:{port};")
            .replace("include /etc/nginx/basemap-tiles.conf;", "")
            .replace("/var/log/nginx/access.log", str(folder / "access.log")))
    temp = " ".join(f"{kind}_temp_path {folder / kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = folder / "nginx.conf"
    conf.write_text(f"daemon off; worker_processes 1; pid {folder / 'nginx.pid'};\n"
                    f"error_log {folder / 'error.log'};\nevents {{}}\n"
                    f"http {{ {temp}\n{site}\n}}\n", encoding="utf-8")
    return conf


def test_the_access_log_keeps_the_request_but_not_the_token(tmp_path):
    port = free_port()
    proc = subprocess.Popen(["nginx", "-c", str(proxy_conf(tmp_path, port)), "-p", str(tmp_path)],
                            stderr=subprocess.DEVNULL)
    try:
        for query in (f"SERVICE=WFS&token={TOKEN}&REQUEST=GetCapabilities", f"TOKEN={TOKEN}"):
            for _ in range(50):  # nginx starting
                try:
                    requests.get(f"http://127.0.0.1:{port}/wfs?{query}", timeout=5)
                    break
                except requests.ConnectionError:
                    time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    lines = (tmp_path / "access.log").read_text(encoding="utf-8").splitlines()
    assert [line.split('"')[1] for line in lines] == [
        "GET /wfs?SERVICE=WFS&token=-&REQUEST=GetCapabilities HTTP/1.1", "GET /wfs?token=- HTTP/1.1"]
