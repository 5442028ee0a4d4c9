# SPDX-License-Identifier: MIT
"""The reverse proxy's fast path (``docker/nginx-tiles.conf``) with a real nginx in front of
the app: a layer published at run time has its cached public tiles served from disk; with a
token, or once the layer is internal, the app answers, and no cached tile of it is served."""
from __future__ import annotations

import io
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.core.management import call_command
from PIL import Image

from geoserver_app.ops.cluster import free_port
from geoserver_app.tiles import nginx
from tests.publish.conftest import drop_published, write_schools
from tests.publish.test_flow import LAYER, database_url, school_tiles
from tests.support.servers import wait_for_http

pytestmark = pytest.mark.django_db(transaction=True)


def nginx_conf(folder: Path, port: int, app: str, tiles: Path) -> Path:
    """A whole nginx.conf: the generated fast path, the app upstream, files in ``folder``."""
    temp = " ".join(f"{kind}_temp_path {folder / kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = folder / "nginx.conf"
    conf.write_text(f"""user root; daemon off; worker_processes 1;
pid {folder / "nginx.pid"}; error_log {folder / "error.log"};
events {{}}
http {{
    access_log off; include /etc/nginx/mime.types; {temp}
    upstream basemap_app {{ server {app.removeprefix("http://")}; }}
    server {{
        listen 127.0.0.1:{port};
        {nginx.render(str(tiles))}
        location @basemap_app {{ proxy_pass http://basemap_app; }}
        location / {{ proxy_pass http://basemap_app; }}
    }}
}}
""")
    return conf


@pytest.fixture
def published(tmp_path, request) -> None:
    """A public layer in the default sector (administrative: drawn although it has no
    ``valid_to`` column, which the curated units filter on)."""
    call_command("publish", str(write_schools(tmp_path / "truong_hoc.shp")), "--id", LAYER,
                 "--title-vi", "Trường học", "--access", "public")
    request.addfinalizer(lambda: drop_published(LAYER))


@pytest.fixture
def proxy(published, serve, tmp_path, request):
    """(nginx URL, tile cache folder): nginx in front of 2 app workers sharing the cache."""
    var = tmp_path / "var"
    app = serve({"DATABASE_URL": database_url(), "BASEMAP_VAR_DIR": str(var),
                 "BASEMAP_CATALOG_LISTENER": "1", "BASEMAP_TILE_LISTENER": "1"}, workers=2)
    port = free_port()
    proc = subprocess.Popen(["nginx", "-c", str(nginx_conf(tmp_path, port, app, var / "tiles")),
                             "-p", str(tmp_path)], stderr=subprocess.DEVNULL)
    request.addfinalizer(lambda: (proc.terminate(), proc.wait(timeout=20)))
    base = f"http://127.0.0.1:{port}"
    wait_for_http(base + "/healthz", proc=proc)
    return base, var / "tiles"


def marker_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (256, 256), (255, 0, 0, 255)).save(out, "PNG")
    return out.getvalue()


def test_published_public_tile_from_disk_then_never_once_internal(proxy):
    base, tiles = proxy
    wmts = school_tiles()[0]
    rendered = requests.get(base + wmts, timeout=60)  # a miss: the app renders and caches
    assert (rendered.status_code, rendered.headers["Content-Type"]) == (200, "image/png")
    cached = tiles / wmts.removeprefix("/tiles/wmts/")
    assert cached.read_bytes() == rendered.content
    cached.write_bytes(marker_png())  # what only the disk holds
    assert requests.get(base + wmts, timeout=60).content == marker_png()
    with_token = requests.get(base + wmts, headers={"Authorization": "Bearer sai"}, timeout=60)
    assert with_token.status_code == 401  # a token always goes to the app
    unknown = requests.get(base + "/tiles/wmts/chua_co/webmercator/16/1/2.png", timeout=60)
    assert unknown.status_code == 404  # no cached file: the app decides

    call_command("layer", "set", LAYER, "--access", "internal")
    changed = time.monotonic()
    while cached.exists():
        assert time.monotonic() - changed < 2.0, "the cached tile outlived the change by 2 s"
        time.sleep(0.02)
    assert requests.get(base + wmts, timeout=60).status_code == 404
