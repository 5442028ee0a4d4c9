# SPDX-License-Identifier: MIT
"""Bad tile requests get a 4xx with an OGC exception or a JSON error, never a 500."""
from __future__ import annotations

import json

import pytest
from mapproxy.exception import RequestError

from geoserver_app.tiles import mapproxy_patches
from tests.support.tile_client import xyz

GETMAP = ("SERVICE=WMS&REQUEST=GetMap&VERSION=1.1.1&SRS=EPSG:3857&FORMAT=image/png&STYLES="
          "&LAYERS={layers}&BBOX={bbox}&WIDTH={width}&HEIGHT={height}")
TOWN_BBOX = "11818999,2416633,11828783,2426417"


def getmap(client, layers="basemap", bbox=TOWN_BBOX, width="256", height="256"):
    return client.get("/service", GETMAP.format(layers=layers, bbox=bbox, width=width,
                                                height=height))


@pytest.mark.parametrize(("bbox", "width", "height"), [
    ("1,2,3", "256", "256"), ("a,b,c,d", "256", "256"), ("5,5,1,1", "256", "256"),
    ("nan,1,2,3", "256", "256"), (TOWN_BBOX, "100000", "100000"), (TOWN_BBOX, "-1", "256"),
    (TOWN_BBOX, "256", "x"),
])
def test_malformed_getmap_is_a_json_400(client, bbox, width, height):
    reply = getmap(client, bbox=bbox, width=width, height=height)
    assert reply.status == 400
    assert json.loads(reply.body)["code"] == "InvalidParameterValue"


def test_unknown_and_internal_wms_layers_are_ogc_400s(client):
    for layers in ("nope", "mineral_sites"):
        reply = getmap(client, layers=layers)
        assert reply.status == 400
        assert b"<ServiceException" in reply.body and b"unknown layer" in reply.body


def test_getfeatureinfo_shows_no_owner_and_the_base_map_is_not_queryable(client):
    query = ("SERVICE=WMS&REQUEST=GetFeatureInfo&VERSION=1.1.1&SRS=EPSG:3857"
             f"&BBOX={TOWN_BBOX}&WIDTH=256&HEIGHT=256&X=1&Y=1&FORMAT=image/png"
             "&STYLES=&INFO_FORMAT=text/plain")
    parcels = client.get("/service", query + "&LAYERS=land_parcels&QUERY_LAYERS=land_parcels")
    assert parcels.status == 200  # the overlays are queryable (tests/ows: the answers)
    assert b"Nguy" not in parcels.body  # no owner names, whatever happens
    basemap = client.get("/service", query + "&LAYERS=basemap&QUERY_LAYERS=basemap")
    assert basemap.status == 400
    assert b"is not queryable" in basemap.body


def test_tiles_outside_the_grid_or_the_province_are_4xx(client):
    x, y = xyz(106.2, 21.27, 14)
    assert client.get(f"/wmts/basemap/webmercator/14/{x}/{y}.png").status == 200
    outside = client.get("/wmts/basemap/webmercator/14/100/100.png")  # the Arctic
    assert outside.status == 404
    assert json.loads(outside.body) == {
        "code": "TileOutOfRange",
        "description": "Ô ảnh nằm ngoài phạm vi tỉnh; hãy yêu cầu các ô trong vùng bản đồ.",
        "description_en": "The tile is outside the province; request tiles inside the map area."}
    assert client.get("/wmts/basemap/webmercator/40/1/1.png").status == 400
    assert client.get("/tms/1.0.0/basemap/vn2000/99/0/0.png").status == 404
    assert client.get("/wmts/basemap/nogrid/1/1/1.png").status == 400
    assert client.get(f"/wmts/nope/webmercator/14/{x}/{y}.png").status == 404
    kvp = client.get("/service", "SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=basemap"
                     "&STYLE=default&TILEMATRIXSET=webmercator&TILEMATRIX=14"
                     f"&TILEROW=100&TILECOL={x}&FORMAT=image/png")
    assert kvp.status == 404


def test_mapproxy_client_errors_become_400_and_source_errors_stay_5xx():
    mapproxy_patches.apply()
    assert RequestError("image size too large").render().status.startswith("400")
    assert RequestError("source down", internal=True).render().status.startswith("500")


def test_database_down_is_a_json_503_not_a_500(settings, tmp_path, monkeypatch, db):
    from geoserver_app.ops.cluster import free_port
    from geoserver_app.tiles import environment, service
    from tests.support.tile_client import WSGIClient

    settings.VAR_DIR = tmp_path
    down = {**environment.database_environment(), "PGPORT": str(free_port())}  # nobody there
    monkeypatch.setattr(environment, "database_environment", lambda: down)
    for key, value in environment.tile_environment().items():
        monkeypatch.setenv(key, value)
    x, y = xyz(106.2, 21.27, 14)
    reply = WSGIClient(service.create_app(listen=False)).get(
        f"/wmts/basemap/webmercator/14/{x}/{y}.png")
    assert reply.status == 503
    assert json.loads(reply.body)["code"] == "ServiceUnavailable"
    assert b"Traceback" not in reply.body and b"password" not in reply.body
