# SPDX-License-Identifier: MIT
"""The leak walk: an anonymous client, on every route, never meets an internal layer id or a
sensitive attribute (name or value); a token with every right meets them."""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
import requests
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from geoserver_app.security.tokens import create_token
from layers import registry
from layers.models import ConstructionPermit, LandParcel, MineralSite

pytestmark = pytest.mark.django_db(transaction=True)

SECRETS = ("Nguyễn Thị Bí Mật", "024099999999", "CS 777777", "Trần Văn Kín", "GP-BIMAT-01")
SENSITIVE_NAMES = ("owner_name", "owner_id_number", "certificate_number", "investor_name")
INTERNAL_IDS = ("mineral_sites", "construction_permits")
X, Y = 440000.0, 2350000.0  # Bắc Giang city, EPSG:9214
# z16 Web Mercator tile over (X, Y): the parcel is drawn there
TILE = (16, 28120, 57869)
WFS = "/wfs?SERVICE=WFS&"
# WMS 1.1.1 GetFeatureInfo in EPSG:9214 (x, y order): 50 m around the parcel, 1 px per metre;
# pixel (25, 25) is inside the parcel, (20, 30) on the construction permit
GFI = ("/tiles/service?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetFeatureInfo&SRS=EPSG:9214"
       f"&BBOX={X - 10},{Y - 10},{X + 40},{Y + 40}&WIDTH=50&HEIGHT=50&STYLES=&FEATURE_COUNT=10")


def ows_walk() -> list[str]:
    """The WFS and GetFeatureInfo requests a citizen could send, every format."""
    routes = [f"{WFS}REQUEST=GetCapabilities", f"{WFS}REQUEST=GetCapabilities&VERSION=1.1.0",
              f"{WFS}REQUEST=DescribeFeatureType&VERSION=2.0.0",
              f"{WFS}REQUEST=DescribeFeatureType&VERSION=1.1.0"]
    for fmt in ("", "&OUTPUTFORMAT=application/json", "&OUTPUTFORMAT=GML2"):
        routes += [f"{WFS}REQUEST=GetFeature&VERSION=2.0.0&TYPENAMES=land_parcels{fmt}",
                   f"{WFS}REQUEST=GetFeature&VERSION=1.1.0&TYPENAME=land_parcels{fmt}"]
    for fmt in ("text/html", "application/json", "text/xml", "text/plain"):
        routes.append(f"{GFI}&LAYERS=land_parcels&QUERY_LAYERS=land_parcels&X=25&Y=25"
                      f"&INFO_FORMAT={fmt}")
    return routes


def ows_refusals() -> list[str]:
    """Requests naming an internal layer or a sensitive attribute: refused, nothing told."""
    hidden = ("<fes:Filter xmlns:fes='http://www.opengis.net/fes/2.0'><fes:PropertyIsLike "
              "wildCard='*' singleChar='.' escapeChar='!'><fes:ValueReference>owner_name"
              "</fes:ValueReference><fes:Literal>*</fes:Literal></fes:PropertyIsLike></fes:Filter>")
    return [f"{WFS}REQUEST=GetFeature&TYPENAMES={name}" for name in INTERNAL_IDS] + [
        f"{WFS}REQUEST=DescribeFeatureType&TYPENAMES=construction_permits",
        f"{WFS}REQUEST=GetFeature&RESOURCEID=mineral_sites.1",
        f"{WFS}REQUEST=GetFeature&TYPENAMES=land_parcels&PROPERTYNAME=owner_name",
        f"{WFS}REQUEST=GetFeature&TYPENAMES=land_parcels&SORTBY=owner_id_number",
        f"{WFS}REQUEST=GetFeature&TYPENAMES=land_parcels&FILTER={hidden}",
        f"{GFI}&LAYERS=construction_permits&QUERY_LAYERS=construction_permits&X=20&Y=30"
        "&INFO_FORMAT=text/html"]


def walk(parcel_id: int) -> list[str]:
    """Every route a citizen could reach, in every format."""
    z, row, col = TILE[0], TILE[2], TILE[1]
    items = "/ogcapi/collections/land_parcels/items"
    routes = ["/", "/ogcapi/?f=json", "/ogcapi/?f=html", "/ogcapi/openapi?f=json",
              "/ogcapi/conformance?f=json", "/ogcapi/processes?f=json"]
    for fmt in ("json", "html", "jsonld"):
        routes += [f"/ogcapi/collections?f={fmt}", f"/ogcapi/collections/land_parcels?f={fmt}",
                   f"{items}?f={fmt}&limit=100", f"{items}/{parcel_id}?f={fmt}"]
    routes += [f"{items}?f=csv&limit=100", "/ogcapi/collections/land_parcels/queryables?f=json",
               "/ogcapi/collections/land_parcels/schema?f=json",
               "/ogcapi/collections/catalog/items?f=json", "/ogcapi/collections/catalog/items?f=html",
               "/ogcapi/collections/land_parcels/tiles?f=json",
               f"/ogcapi/collections/land_parcels/tiles/WebMercatorQuad/{z}/{row}/{col}?f=mvt",
               "/ogcapi/collections/land_parcels/deletions?since=2000-01-01T00:00:00Z",
               "/tiles/wmts/1.0.0/WMTSCapabilities.xml", "/tiles/tms/1.0.0/",
               "/tiles/service?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0",
               "/tiles/demo/", "/docs/", "/docs/citizens",
               "/qgis/basemap.qgz"]
    return routes + ows_walk()


@pytest.fixture
def site(serve, tmp_path) -> tuple[str, int]:
    square = Polygon(((X, Y), (X + 30, Y), (X + 30, Y + 30), (X, Y + 30), (X, Y)), srid=9214)
    parcel = LandParcel.objects.create(
        commune_code="07210", sheet_no=9, parcel_no=99, land_use_code="ODT", area_m2=900,
        address="Số 1 đường Lê Lợi", owner_name=SECRETS[0], owner_id_number=SECRETS[1],
        certificate_number=SECRETS[2], geom=MultiPolygon(square, srid=9214))
    ConstructionPermit.objects.create(permit_number="99/GPXD", issued_on=dt.date(2025, 1, 2),
                                      status="đã cấp", purpose="Nhà ở", investor_name=SECRETS[3],
                                      geom=Point(X + 10, Y + 10, srid=9214))
    MineralSite.objects.create(license_number=SECRETS[4], mineral="cát", license_status="còn",
                               licensee="Công ty B", geom=Point(X + 50, Y + 50, srid=9214))
    db = settings.DATABASES["default"]
    url = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return serve({"DATABASE_URL": url, "BASEMAP_VAR_DIR": str(tmp_path)}), parcel.pk


def fetch(base: str, path: str, headers: dict | None = None) -> requests.Response:
    return requests.get(base + path, headers=headers or {}, timeout=120)


def readable(response: requests.Response) -> bytes:
    """The body as a client reads it (a zip, such as the QGIS project, unpacked)."""
    if response.headers.get("Content-Type") != "application/zip":
        return response.content
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


def test_anonymous_walk_never_meets_internal_or_sensitive_data(site):
    base, parcel_id = site
    for path in walk(parcel_id):
        response = fetch(base, path)
        assert response.status_code < 500, path
        assert response.status_code == 200, (path, response.status_code)
        body = readable(response)
        for word in (*INTERNAL_IDS, *SENSITIVE_NAMES, *SECRETS):
            assert word.encode() not in body, (path, word)
    for internal in INTERNAL_IDS:
        assert fetch(base, f"/ogcapi/collections/{internal}/items?f=json").status_code == 404
    for path in ows_refusals():
        response = fetch(base, path)
        assert response.status_code == 400, path
        assert not any(word.encode() in response.content for word in SECRETS), path
    lookup = requests.post(base + "/ogcapi/processes/planning-lookup/execution?f=json",
                           json={"inputs": {"parcel": {"commune_code": "07210", "sheet_no": 9,
                                                       "parcel_no": 99}}}, timeout=60)
    assert lookup.status_code == 200
    assert not any(s.encode() in lookup.content for s in SECRETS)


def test_the_same_walk_with_a_full_token_finds_them(site):
    base, parcel_id = site
    _token, key = create_token("toan-quyen", [layer.id for layer in registry.LAYERS],
                               sensitive=True)
    auth = {"Authorization": f"Bearer {key}"}
    collections = fetch(base, "/ogcapi/collections?f=json", auth)
    assert {c["id"] for c in collections.json()["collections"]} >= set(INTERNAL_IDS)
    item = fetch(base, f"/ogcapi/collections/land_parcels/items/{parcel_id}?f=json", auth).json()
    assert item["properties"]["owner_name"] == SECRETS[0]
    permits = fetch(base, "/ogcapi/collections/construction_permits/items?f=json", auth).json()
    assert permits["features"][0]["properties"]["investor_name"] == SECRETS[3]
    capabilities = fetch(base, "/tiles/wmts/1.0.0/WMTSCapabilities.xml", auth).text
    assert "construction_permits" in capabilities
    openapi = json.dumps(fetch(base, "/ogcapi/openapi?f=json", auth).json())
    assert "mineral_sites" in openapi
    parcels = fetch(base, f"{WFS}REQUEST=GetFeature&TYPENAMES=land_parcels&token={key}").text
    assert SECRETS[0] in parcels and SECRETS[2] in parcels
    assert "basemap:mineral_sites" in fetch(base, f"{WFS}REQUEST=GetCapabilities", auth).text
    permit = fetch(base, f"{GFI}&LAYERS=construction_permits&QUERY_LAYERS=construction_permits"
                         "&X=20&Y=30&INFO_FORMAT=text/html", auth).text
    assert SECRETS[3] in permit
    project = readable(fetch(base, "/qgis/basemap.qgz", auth))
    assert b"typename='construction_permits'" in project
