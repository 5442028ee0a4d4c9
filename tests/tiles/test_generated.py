# SPDX-License-Identifier: MIT
"""The generated mapfiles and MapProxy configs keep internal layers and personal data out."""
from __future__ import annotations

import re

import pytest
import yaml

from geoserver_app.tiles import mapfile, mapproxy_config
from layers import registry

pytestmark = pytest.mark.unit

INTERNAL = [layer for layer in registry.LAYERS if not layer.public]
SENSITIVE = {name for layer in registry.LAYERS for name in layer.sensitive}


def test_public_mapfile_reads_no_internal_table_and_no_sensitive_column():
    text = mapfile.render_public()
    tables = set(re.findall(r" FROM (\w+)", text))
    assert tables == {layer.table for layer in registry.public_layers()}
    assert not SENSITIVE & set(re.findall(r"\w+", text))
    assert 'CONNECTION "application_name=basemap-mapserver"' in text
    assert "password" not in text.lower()


def test_internal_mapfile_has_only_the_internal_overlays():
    names = re.findall(r'^    NAME "(\w+)"\n    TYPE (?:POINT|LINE|POLYGON)$',
                       mapfile.render_internal(), re.M)
    assert names == [layer.id for layer in INTERNAL]
    assert "investor_name" not in mapfile.render_internal()


def test_public_and_full_mapproxy_configs():
    public, full = yaml.safe_load(mapproxy_config.render(False)), \
        yaml.safe_load(mapproxy_config.render(True))
    public_names = [layer["name"] for layer in public["layers"]]
    assert public_names == ["basemap", *(layer.id for layer in registry.public_layers())]
    assert [layer["name"] for layer in full["layers"]] == ["basemap", *(
        layer.id for layer in registry.LAYERS)]
    assert all(s["req"]["map"] == mapfile.PUBLIC_MAPFILE for s in public["sources"].values())
    assert {s["req"]["map"] for s in full["sources"].values()} == {
        mapfile.PUBLIC_MAPFILE, mapfile.INTERNAL_MAPFILE}
    assert public["caches"]["roads"] == full["caches"]["roads"]  # shared public caches
    assert public["globals"]["cache"]["base_dir"] == "${BASEMAP_VAR_DIR}/tiles"
    assert public["caches"]["basemap"]["cache"] == {
        "type": "file", "directory_layout": "tms", "use_grid_names": True}
    assert public["services"]["wms"]["max_output_pixels"] == [4096, 4096]


@pytest.mark.parametrize(("zoom", "denominator"), [(0, 559082264), (10, 545979), (15, 17062)])
def test_scale_denominators_follow_web_mercator_zooms(zoom, denominator):
    assert round(mapfile.scale_denominator(zoom)) == denominator


def test_zoom_range_of_a_layer_visible_from_15():
    assert mapfile.zoom_range(15, 22) == ["MAXSCALEDENOM 24129"]  # z14.5
    assert mapfile.zoom_range(0, 14) == ["MINSCALEDENOM 24129"]


def test_nginx_fast_path_matches_any_layer_id_not_other_paths():
    from geoserver_app.tiles import nginx

    text = nginx.render()
    pattern = re.compile(re.search(r'location ~ "([^"]+)"', text).group(1))
    tile = "/tiles/wmts/{}/webmercator/16/52203/28931.png"
    assert all(pattern.match(tile.format(name)) for name in
               ["basemap", "truong_hoc", *(layer.id for layer in registry.LAYERS)])
    assert not any(pattern.match(tile.format(name)) for name in
                   ["Truong", "../etc", "truong-hoc", "x", "a" * 64])
    assert not pattern.match("/tiles/wmts/roads/webmercator/16/1/2.jpeg")
    assert not pattern.match("/tiles/wmts/roads/mercator/16/1/2.png")
    assert "if ($http_authorization) { return 418; }" in text
    assert "try_files /$1/$2/$3/$4/$5.png @basemap_app;" in text
