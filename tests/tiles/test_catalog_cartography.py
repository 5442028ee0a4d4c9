# SPDX-License-Identifier: MIT
"""Cartography from the catalog: published layers get a default style, sensitive attributes
never label or classify the public tiles, and a changed layer's caches are named."""
from __future__ import annotations

import dataclasses
import re

import pytest

from geoserver_app.tiles import mapfile, purge, runtime
from layers import registry
from layers.catalog import Catalog
from layers.registry import Access, Geometry, Layer, Sector, Style

pytestmark = pytest.mark.unit

SCHOOLS = Layer("schools", "", "Trường học", "Schools", "", "", Sector.CONSTRUCTION,
                Geometry.POINT, ("code",),
                Style("#FF7F00", "#7F3F00", 1.5, "level", {"primary": "#FFD700"}, "name"))


def changed(layer_id: str, **changes) -> tuple[Layer, ...]:
    return tuple(dataclasses.replace(layer, **changes) if layer.id == layer_id else layer
                 for layer in registry.LAYERS)


def layer_block(text: str, name: str) -> str:
    match = re.search(rf'^  LAYER\n    NAME "{name}"\n.*?^  END$', text, re.M | re.S)
    assert match, name
    return match[0]


def test_a_published_layer_gets_the_default_style_of_its_geometry():
    text = mapfile.render_public((*registry.LAYERS, SCHOOLS))
    schools = layer_block(text, "schools")
    assert "TYPE POINT" in schools and 'SYMBOL "circle"' in schools
    assert "EXPRESSION ('[level]' = 'primary')" in schools
    assert "TEXT '[name]'" in schools
    assert "SELECT id, level, name, geom_4326 AS geom FROM schools" in schools


def test_sensitive_attributes_neither_classify_nor_label_public_tiles():
    hidden = dataclasses.replace(SCHOOLS, sensitive=("level", "name"))
    schools = layer_block(mapfile.render_public((*registry.LAYERS, hidden)), "schools")
    assert "EXPRESSION" not in schools and "LABEL" not in schools
    assert not {"level", "name"} & set(re.findall(r"\w+", schools))


def test_a_sensitive_road_code_leaves_the_base_map_unlabelled():
    text = mapfile.render_public(changed("roads", sensitive=("code",)))
    for name in ("base_roads_national", "base_roads_commune", "roads"):
        drawn = layer_block(text, name)  # the roads themselves are still drawn
        assert "road_class" in drawn and "code" not in re.findall(r"\w+", drawn)


def test_curated_layers_keep_their_cartography():
    assert mapfile.render_public(registry.LAYERS) == mapfile.render_public()
    assert mapfile.render_internal(registry.LAYERS) == mapfile.render_internal()


def test_an_internal_base_layer_leaves_the_public_base_map():
    text = mapfile.render_public(changed("roads", access=Access.INTERNAL))
    assert "FROM roads" not in text
    assert "FROM roads" in mapfile.render_internal(changed("roads", access=Access.INTERNAL))


def changes(*layers: Layer) -> list[str]:
    return purge.changed_layers(runtime.drawings(Catalog(1, registry.LAYERS)),
                                runtime.drawings(Catalog(2, layers)))


def test_changes_that_alter_drawing_are_purged_and_titles_are_not():
    assert changes(*changed("roads", title_vi="Đường")) == []
    assert changes(*changed("roads", access=Access.INTERNAL)) == ["roads"]
    assert changes(*changed("roads", sensitive=("code",))) == ["roads"]
    assert changes(*(layer for layer in registry.LAYERS if layer.id != "bridges")) == ["bridges"]
    assert changes(*registry.LAYERS, SCHOOLS) == ["schools"]
