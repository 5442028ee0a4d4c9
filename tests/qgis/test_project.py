# SPDX-License-Identifier: MIT
"""``/qgis/basemap.qgz`` holds the layers of the caller's grant, styled from the catalog."""
from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree as ET  # noqa: N817

import pytest

from geoserver_app.security.tokens import create_token
from layers import registry

pytestmark = pytest.mark.django_db
INTERNAL = {layer.id for layer in registry.LAYERS if not layer.public}
SENSITIVE = {name for layer in registry.LAYERS for name in layer.sensitive}


def project(client, **headers) -> ET.Element:
    response = client.get("/qgis/basemap.qgz", **headers)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="basemap.qgz"'
    assert "Authorization" in response["Vary"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["basemap.qgs"]
        text = archive.read("basemap.qgs").decode()
    assert text.startswith("<!DOCTYPE qgis")
    return ET.fromstring(text.split("\n", 1)[1])


def by_collection(root: ET.Element) -> dict[str, ET.Element]:
    """Project layers by collection id (their ids are ``<collection>_oapif``)."""
    return {layer.findtext("id").rsplit("_", 1)[0]: layer for layer in root.iter("maplayer")}


def test_anonymous_project_has_the_public_layers_only(client):
    root = project(client)
    public = {layer.id for layer in registry.LAYERS if layer.public and layer.features}
    assert set(by_collection(root)) == public | {"basemap"}
    text = ET.tostring(root, encoding="unicode")
    for word in (*INTERNAL, *SENSITIVE, "authcfg"):
        assert word not in text, word


def test_project_crs_groups_and_titles(client):
    root = project(client)
    assert root.findtext("projectCrs/spatialrefsys/authid") == "EPSG:9214"
    assert "+towgs84=-191.90441429" in root.findtext("projectCrs/spatialrefsys/proj4")
    groups = [g.get("name") for g in root.find("layer-tree-group").findall("layer-tree-group")]
    assert groups == ["Hành chính", "Đất đai", "Tài nguyên", "Giao thông", "Xây dựng", "Nền"]
    layers = by_collection(root)
    assert layers["land_parcels"].findtext("layername") == "Thửa đất"
    assert layers["basemap"].findtext("layername") == "Bản đồ nền"


def test_styles_follow_the_catalog(client):
    layers = by_collection(project(client))
    parcels = layers["land_parcels"]
    renderer = parcels.find("renderer-v2")
    assert (renderer.get("type"), renderer.get("attr")) == ("categorizedSymbol", "land_use_code")
    style = registry.get("land_parcels").style
    categories = renderer.findall("categories/category")
    assert [c.get("value") for c in categories] == list(style.classes)
    assert categories[0].get("label") == "LUC – Đất chuyên trồng lúa"
    first = renderer.find("symbols/symbol/layer/Option")
    options = {o.get("name"): o.get("value") for o in first}
    assert options["color"] == "255,252,130,140"          # #FFFC82 at the viewer's 0.55
    assert options["outline_color"] == "181,101,29,255"   # #B5651D
    assert parcels.find("labeling/settings/text-style").get("fieldName") == "parcel_no"
    assert parcels.get("labelsEnabled") == "1"
    assert parcels.get("hasScaleBasedVisibilityFlag") == "1"  # min_zoom 15
    roads = layers["roads"].find("renderer-v2")
    assert roads.get("attr") == "road_class"
    assert layers["basemap"].findtext("provider") == "wms"
    assert "tileMatrixSet=vn2000" in layers["basemap"].findtext("datasource")


def test_a_token_project_has_its_layers_and_needs_its_auth_config(client):
    _token, key = create_token("qgis-noi-bo", ["construction_permits"], sensitive=True)
    root = project(client, HTTP_AUTHORIZATION=f"Bearer {key}")
    layers = by_collection(root)
    assert "construction_permits" in layers and "mineral_sites" not in layers
    assert "authcfg=basemap" in layers["construction_permits"].findtext("datasource")
    assert "authcfg" not in layers["land_parcels"].findtext("datasource")
    assert key not in ET.tostring(root, encoding="unicode")


def test_bad_token_is_401_and_post_is_405(client):
    assert client.get("/qgis/basemap.qgz", HTTP_AUTHORIZATION="Bearer bm_nope").status_code == 401
    assert client.post("/qgis/basemap.qgz").status_code == 405


def test_viewer_and_admin_offer_the_project(client, admin_client):
    viewer = client.get("/").content.decode()
    assert 'id="btn-qgis" href="/qgis/basemap.qgz" download' in viewer
    assert "Mở trong QGIS" in viewer
    assert "Open in QGIS" in client.get("/?lang=en").content.decode()
    admin = admin_client.get("/admin/").content.decode()
    assert 'href="/qgis/basemap.qgz" download>Mở trong QGIS</a>' in admin
