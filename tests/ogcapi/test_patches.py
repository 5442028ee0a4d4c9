# SPDX-License-Identifier: MIT
"""Our changes to pygeoapi are pinned: this fails when pygeoapi changes what we replace."""
from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pygeoapi
import pygeoapi.api.itemtypes as itemtypes
import pygeoapi.django_.views as django_views
import pytest
from pygeoapi import crs as pygeoapi_crs

import geoserver_app.ogcapi.urls  # noqa: F401  (the OGC API's start installs the patches)
from geoserver_app.ogcapi import dispatch, patches

ROOT = Path(pygeoapi.__file__).resolve().parent
# sha256 of the source of each function we replace or rely on, in pygeoapi 0.24.0
PINNED = {
    ("django_/views.py", "execute_from_django"):
        "9be55e32ad572c2d2dbdbd7c3f7734ab6397d93d64a590bcfc0411d7e40618d1",
    ("crs.py", "transform_bbox"):
        "a23dfda832bfe0ef412741c2f5a64a5f88ec1f8a375fe5d76d20f9b63a47c33c",
    ("crs.py", "get_srid"):
        "3c62139306a921d15a6f73ba02340391dab39a2f0746a93dde59ba8732859370",
    ("api/itemtypes.py", "get_collection_items"):
        "9aa926821ab28c07033ced14f3c359759cbf555766e798e3c9b3673f34a58140",
}


def function_digest(relative: str, name: str) -> str:
    source = (ROOT / relative).read_text()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return hashlib.sha256(ast.get_source_segment(source, node).encode()).hexdigest()
    raise AssertionError(f"{name} is gone from pygeoapi/{relative}")


@pytest.mark.unit
def test_pinned_version():
    assert pygeoapi.__version__ == patches.PYGEOAPI_VERSION == "0.24.0"


@pytest.mark.unit
@pytest.mark.parametrize(("relative", "name"), sorted(PINNED))
def test_replaced_functions_unchanged_upstream(relative, name):
    assert function_digest(relative, name) == PINNED[(relative, name)], (
        f"pygeoapi changed {name} in {relative}: review geoserver_app/ogcapi/patches.py")


@pytest.mark.unit
def test_call_sites_still_use_the_names_we_replace():
    assert "bbox = transform_bbox(bbox, bbox_crs, storage_crs)" in (
        ROOT / "api/itemtypes.py").read_text()
    assert "from pygeoapi.crs import get_transform_from_spec, get_srid" in (
        ROOT / "provider/sql.py").read_text()
    assert "execute_from_django(" in (ROOT / "django_/views.py").read_text()


def test_installed_with_the_ogcapi_urls():
    assert django_views.execute_from_django is dispatch.execute
    assert itemtypes.transform_bbox is patches.transform_bbox
    assert pygeoapi_crs.get_srid is patches.get_srid


@pytest.mark.unit
def test_same_crs_bbox_needs_no_transformer():
    crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    before = patches._transformer.cache_info()
    assert patches.transform_bbox([106.1, 21.2, 106.3, 21.4], crs84, crs84) == [
        106.1, 21.2, 106.3, 21.4]
    assert patches._transformer.cache_info() == before


@pytest.mark.unit
def test_transformers_are_cached_and_agree_with_upstream():
    crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    mercator = "http://www.opengis.net/def/crs/EPSG/0/3857"
    patches._transformer.cache_clear()
    bbox = [11822141.0, 2427698.0, 11822341.0, 2427746.0]
    ours = [patches.transform_bbox(bbox, mercator, crs84) for _ in range(3)]
    expected = patches.upstream_transform_bbox(bbox, mercator, crs84)
    assert ours[0] == pytest.approx(expected) and ours[2] == ours[0]
    info = patches._transformer.cache_info()
    assert (info.misses, info.hits) == (1, 2)


@pytest.mark.unit
def test_srid_is_cached_and_agrees_with_upstream():
    patches._srid_of.cache_clear()
    uri = "http://www.opengis.net/def/crs/EPSG/0/9214"
    assert [patches.get_srid(uri) for _ in range(3)] == [9214] * 3
    assert patches.upstream_get_srid(uri) == 9214
    info = patches._srid_of.cache_info()
    assert (info.misses, info.hits) == (1, 2)
