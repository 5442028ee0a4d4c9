# SPDX-License-Identifier: MIT
"""Real clients on a served site: GDAL's WFS driver, OWSLib (WFS 2.0, WMS GetFeatureInfo)
and QGIS 3.22 headless; a token given as a query parameter is never logged."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import requests
from django.db import connection
from owslib.etree import etree
from owslib.fes2 import Filter, PropertyIsEqualTo
from owslib.wfs import WebFeatureService
from owslib.wms import WebMapService

from geoserver_app.security.tokens import create_token
from tests.ogcapi.test_catalog_propagation import database_url

QGIS_SCRIPT = """
import sys
from qgis.core import QgsApplication, QgsVectorLayer
QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
uri = f"url='{sys.argv[1]}' typename='basemap:land_parcels' version='2.0.0'"
layer = QgsVectorLayer(uri, "parcels", "WFS")
print(layer.isValid(), layer.featureCount(), sum(1 for _ in layer.getFeatures()))
del layer  # a layer alive at exitQgis() crashes QGIS 3.22 on the way out
app.exitQgis()
"""


def count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


@pytest.fixture
def site(serve, tmp_path: Path, town) -> str:
    log = tmp_path / "access.log"
    return serve({"DATABASE_URL": database_url(), "BASEMAP_VAR_DIR": str(tmp_path)},
                 args=("--access-logfile", str(log)))


@pytest.mark.parametrize("layer_id", ["land_parcels", "roads", "buildings"])
def test_gdal_counts_what_the_database_holds(site, layer_id):
    done = subprocess.run(["ogrinfo", "-so", "-ro", f"WFS:{site}/wfs", f"basemap:{layer_id}"],
                          capture_output=True, text=True, timeout=120, check=True)
    assert f"Feature Count: {count(layer_id)}\n" in done.stdout


def test_owslib_wfs_20_gets_features_with_a_filter(site):
    wfs = WebFeatureService(site + "/wfs", version="2.0.0")
    assert "basemap:roads" in wfs.contents and "basemap:mineral_sites" not in wfs.contents
    national = Filter(PropertyIsEqualTo(propertyname="road_class", literal="national"))
    reply = wfs.getfeature(typename=["basemap:roads"], method="POST",
                           filter=etree.tostring(national.toXML()).decode(),
                           outputFormat="application/json")
    assert sorted(f["properties"]["code"] for f in json.loads(reply.read())["features"]) == [
        "QL1", "QL31"]


def test_owslib_wms_getfeatureinfo(site):
    wms = WebMapService(site + "/tiles/service", version="1.3.0")
    assert wms["land_parcels"].queryable == 1 and wms["basemap"].queryable == 0
    reply = wms.getfeatureinfo(layers=["land_parcels"], query_layers=["land_parcels"],
                               srs="EPSG:4326", bbox=(106.2000, 21.2700, 106.2014, 21.2714),
                               size=(100, 100), format="image/png", xy=(50, 50),
                               info_format="application/json")
    found = json.loads(reply.read())
    assert [f["properties"]["parcel_no"] for f in found["features"]] == [1]
    assert "owner_name" not in found["features"][0]["properties"]


def test_qgis_loads_the_wfs_layer_with_its_feature_count(site, tmp_path):
    script = tmp_path / "qgis_wfs.py"
    script.write_text(QGIS_SCRIPT, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(["/usr/bin/python3", str(script), site + "/wfs"], env=env,
                          capture_output=True, text=True, timeout=180, check=True, cwd=tmp_path)
    assert done.stdout.split() == ["True", str(count("land_parcels")), str(count("land_parcels"))]


def test_a_query_token_grants_its_rights_and_is_never_logged(site, tmp_path):
    _token, key = create_token("ung-dung-wfs", ["land_parcels"], sensitive=True)
    url = f"{site}/wfs?SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=land_parcels&COUNT=1" \
          f"&OUTPUTFORMAT=json&PROPERTYNAME=owner_name&token={key}"
    reply = requests.get(url, timeout=60)
    assert reply.status_code == 200
    assert reply.json()["features"][0]["properties"] == {"owner_name": "Nguyễn Văn A"}
    anonymous = requests.get(url.replace(f"&token={key}", ""), timeout=60)
    assert anonymous.status_code == 400
    bad = requests.get(url.replace(key, "bm_wrong"), timeout=60)
    assert bad.status_code == 401
    log = (tmp_path / "access.log").read_text(encoding="utf-8")
    assert "PROPERTYNAME=owner_name" in log and key not in log and "bm_wrong" not in log
