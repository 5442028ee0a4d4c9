# SPDX-License-Identifier: MIT
"""A catalog style is checked before it is stored: colours, width, real and non-sensitive
attributes."""
from __future__ import annotations

import pytest

from layers.catalog_edit import CatalogError, checked_style

pytestmark = pytest.mark.unit
ATTRIBUTES = ("code", "name", "road_class", "surface")
ROADS = {"fill": None, "stroke": "#b0b0b0", "width": 2, "classify_by": "road_class",
         "classes": {"national": "#e8463a"}, "label": "code"}


def test_a_good_style_is_stored_with_upper_case_colours_and_a_float_width():
    assert checked_style(ROADS, ATTRIBUTES, ()) == {
        "fill": None, "stroke": "#B0B0B0", "width": 2.0, "classify_by": "road_class",
        "classes": [["national", "#E8463A"]], "label": "code"}


@pytest.mark.parametrize("change, sensitive, message", [
    ({"stroke": "red"}, (), "the stroke must be a colour written #RRGGBB, not 'red'"),
    ({"fill": "#12345"}, (), "the fill must be a colour written #RRGGBB, not '#12345'"),
    ({"classes": {"national": "#GGGGGG"}}, (), "the colour of 'national' must be a colour"),
    ({"width": 21}, (), "the line width must lie within 0-20, not 21"),
    ({"width": "wide"}, (), "the line width must be a number, not 'wide'"),
    ({"label": "lanes"}, (), "the label attribute 'lanes' does not exist; attributes: code, "
                             "name, road_class, surface"),
    ({"label": "name"}, ("name",), "the label attribute 'name' is sensitive"),
    ({}, ("road_class",), "the classification attribute 'road_class' is sensitive"),
    ({"classify_by": None}, (), "colour classes need a classification attribute"),
])
def test_a_bad_style_is_refused_with_the_reason(change, sensitive, message):
    with pytest.raises(CatalogError) as refused:
        checked_style({**ROADS, **change}, ATTRIBUTES, sensitive)
    assert str(refused.value).startswith(message)
