# SPDX-License-Identifier: MIT
"""The style editor of the catalog page: its legend preview, and the viewer following it."""
from __future__ import annotations

import json

import pytest
from django.db import connection

from geoserver_app.viewer import page
from layers import catalog
from layers.grants import PUBLIC
from tests.support.admin_forms import catalog_form

pytestmark = pytest.mark.django_db
ROADS = "/admin/layers/catalogentry/roads/change/"
# national a new colour; district, commune and urban rows emptied (dropped)
TWO_CLASSES = {"classes-0-colour": "#000080", "classes-2-value": "", "classes-3-value": "",
               "classes-4-value": "", "label": "name", "width": "3"}


def current_roads():
    with connection.cursor() as cursor:
        return catalog.read(cursor).get("roads")


def viewer_roads(language: str = "vi") -> page.ViewerLayer:
    return next(layer for sector in page.sectors(PUBLIC, language) for layer in sector.layers
                if layer.id == "roads")


def test_the_page_previews_the_legend_of_the_style(admin_client):
    text = admin_client.get(ROADS).text
    assert text.count('<li class="swatch">') == 5
    assert 'stroke="#E8463A" stroke-width="2.0"' in text


def test_an_edited_style_is_the_viewer_legend_and_map_style(admin_client):
    response = admin_client.post(ROADS, catalog_form(current_roads(), **TWO_CLASSES))
    assert response.status_code == 302
    style = current_roads().style
    assert (style.classes, style.label, style.width) == (
        {"national": "#000080", "provincial": "#F39C34"}, "name", 3.0)
    legend = viewer_roads().legend
    assert [(item.label, item.fill, item.stroke, item.width) for item in legend] == [
        ("Quốc lộ", None, "#000080", 3.0), ("Đường tỉnh", None, "#F39C34", 3.0)]
    config = json.dumps(page.client_config(PUBLIC, "vi")["style"])
    assert '["match", ["to-string", ["get", "road_class"]], "national", "#000080", ' \
           '"provincial", "#F39C34", "#B0B0B0"]' in config


def test_a_label_on_a_sensitive_attribute_is_refused(admin_client):
    response = admin_client.post(ROADS, catalog_form(current_roads(), sensitive=["name"],
                                                     label="name"))
    assert response.status_code == 200
    assert "name là thuộc tính nhạy cảm: bản đồ sẽ hiện giá trị của nó cho mọi người." in \
        response.text
    assert current_roads().style.label == "code"
