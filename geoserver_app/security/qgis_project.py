# SPDX-License-Identifier: MIT
"""A person's QGIS project (.qgs): PostGIS layers over their own database login, styled from
the catalog, the layers they edit first and checked, the others for reference.

Written with the standard library (no QGIS needed on the server). The connection carries no
password: QGIS asks for it once (or libpq's ``PGPASSWORD`` / ``~/.pgpass`` supplies it).
Each layer names its key (``id``), geometry type and SRID, so QGIS opens a ``redacted`` view
as quickly as a table and edits it the same way.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from django.conf import settings
from django.contrib.auth.models import User

from geoserver_app.models import DatabaseLogin
from geoserver_app.security import dblogins
from layers import catalog, province, registry
from layers.grants import LayerRights

QGIS_VERSION = "3.22.0"
SYMBOL_TYPES = {registry.Geometry.POINT: "marker", registry.Geometry.LINE: "line",
                registry.Geometry.POLYGON: "fill"}


def colour(hex_colour: str | None) -> str:
    """``#RRGGBB`` as QGIS writes colours, ``R,G,B,A``."""
    if not hex_colour:
        return "0,0,0,0"
    value = hex_colour.lstrip("#")
    return ",".join(str(int(value[i:i + 2], 16)) for i in (0, 2, 4)) + ",255"


def _symbol_layer(parent: ET.Element, kind: str, values: dict[str, str]) -> None:
    layer = ET.SubElement(parent, "layer", {"class": kind, "enabled": "1", "locked": "0",
                                            "pass": "0"})
    options = ET.SubElement(layer, "Option", type="Map")
    for name, value in values.items():
        ET.SubElement(options, "Option", type="QString", name=name, value=value)


def symbol(geometry: registry.Geometry, fill: str | None, style: registry.Style,
           name: str) -> ET.Element:
    """One QGIS symbol of a catalog style (widths in pixels, as the web map draws them)."""
    kind = SYMBOL_TYPES[geometry]
    element = ET.Element("symbol", type=kind, name=name, alpha="1", clip_to_extent="1",
                         force_rhr="0")
    width = str(style.width)
    if kind == "fill":
        _symbol_layer(element, "SimpleFill", {"color": colour(fill), "style": "solid" if fill else "no",
                         "outline_color": colour(style.stroke), "outline_style": "solid",
                         "outline_width": width, "outline_width_unit": "Pixel"})
    elif kind == "line":
        _symbol_layer(element, "SimpleLine", {"line_color": colour(fill or style.stroke), "line_style": "solid",
                         "line_width": width, "line_width_unit": "Pixel"})
    else:
        _symbol_layer(element, "SimpleMarker", {"color": colour(fill), "outline_color": colour(style.stroke),
                         "name": "circle", "size": "8", "size_unit": "Pixel",
                         "outline_width": width, "outline_width_unit": "Pixel"})
    return element


def renderer(layer: registry.Layer) -> ET.Element:
    """Single symbol, or categories of ``classify_by`` as the web map colours them."""
    style = layer.style
    if not style.classify_by or not style.classes:
        element = ET.Element("renderer-v2", type="singleSymbol")
        symbols = ET.SubElement(element, "symbols")
        symbols.append(symbol(layer.geometry, style.fill, style, "0"))
        return element
    element = ET.Element("renderer-v2", type="categorizedSymbol", attr=style.classify_by)
    categories = ET.SubElement(element, "categories")
    symbols = ET.SubElement(element, "symbols")
    for index, (value, fill) in enumerate(style.classes.items()):
        ET.SubElement(categories, "category", value=value, symbol=str(index), label=value,
                      render="true")
        symbols.append(symbol(layer.geometry, fill, style, str(index)))
    source = ET.SubElement(element, "source-symbol")
    source.append(symbol(layer.geometry, style.fill, style, "0"))
    return element


def datasource(role: str, layer: registry.Layer, rights: LayerRights) -> str:
    """The PostGIS provider's URI of a layer over the login (no password in it)."""
    db = settings.DATABASES["default"]
    host = settings.BASEMAP_DB_PUBLIC_HOST or db.get("HOST") or "127.0.0.1"
    schema, relation = dblogins.relation_for(layer, rights)
    sslmode = settings.BASEMAP_DB_SSLMODE or "prefer"
    return (f"dbname='{db['NAME']}' host={host} port={db.get('PORT') or 5432} user='{role}' "
            f"sslmode={sslmode} key='id' srid={province.SRID} type={layer.geometry.value} "
            f"checkPrimaryKeyUnicity='0' table=\"{schema}\".\"{relation}\" (geom)")


def map_layer(role: str, layer: registry.Layer, rights: LayerRights) -> ET.Element:
    element = ET.Element("maplayer", type="vector", geometry=SYMBOL_TYPES[layer.geometry],
                         wkbType=layer.geometry.value, readOnly="0" if rights.write else "1")
    ET.SubElement(element, "id").text = layer.id
    ET.SubElement(element, "datasource").text = datasource(role, layer, rights)
    ET.SubElement(element, "layername").text = layer.title_vi
    srs = ET.SubElement(ET.SubElement(element, "srs"), "spatialrefsys")
    ET.SubElement(srs, "authid").text = f"EPSG:{province.SRID}"
    ET.SubElement(element, "provider", encoding="UTF-8").text = "postgres"
    element.append(renderer(layer))
    return element


def build(role: str, title: str, rights: dict[str, LayerRights],
          current: catalog.Catalog) -> str:
    """The .qgs document: a group of the layers to edit, then one of the others."""
    root = ET.Element("qgis", projectname=title, version=QGIS_VERSION)
    ET.SubElement(root, "title").text = title
    crs = ET.SubElement(ET.SubElement(root, "projectCrs"), "spatialrefsys")
    ET.SubElement(crs, "authid").text = f"EPSG:{province.SRID}"
    tree = ET.SubElement(root, "layer-tree-group")
    layers = ET.SubElement(root, "projectlayers")
    readable = [layer for layer in current.layers if layer.id in rights]
    for group_name, write in (("Lớp chỉnh sửa (editable)", True),
                              ("Lớp tham khảo (reference)", False)):
        chosen = [layer for layer in readable if rights[layer.id].write == write]
        if not chosen:
            continue
        group = ET.SubElement(tree, "layer-tree-group", name=group_name, expanded="1",
                              checked="Qt::Checked")
        for layer in chosen:
            source = datasource(role, layer, rights[layer.id])
            ET.SubElement(group, "layer-tree-layer", id=layer.id, name=layer.title_vi,
                          source=source, providerKey="postgres", expanded="0",
                          checked="Qt::Checked" if write else "Qt::Unchecked")
            layers.append(map_layer(role, layer, rights[layer.id]))
    ET.indent(root)
    return ("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            + ET.tostring(root, encoding="unicode") + "\n")


def for_user(user: User) -> str:
    """The project of a person with a database login."""
    login = DatabaseLogin.objects.filter(user=user).first()
    if login is None:
        raise dblogins.LoginError(f"user {user.get_username()!r} has no database login: "
                                  "run `dbaccess grant` first")
    current = catalog.current()
    title = f"Bản đồ nền – {user.get_full_name() or user.get_username()}"
    return build(login.role, title, dblogins.rights_of(user, current), current)
