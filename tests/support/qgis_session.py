# SPDX-License-Identifier: MIT
"""Run by Debian's /usr/bin/python3 (QGIS 3.22's Python bindings), not the project's venv:
open a layer as a QGIS user would (from a .qgs project, or a PostGIS URI), list its fields
and values, render it, edit one feature's ``address`` and add a copy, then print JSON.

    python3 qgis_session.py PROJECT.qgs|uri:URI LAYER_ID FEATURE_ID NEW_ADDRESS OUT.png
"""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsFeatureRequest,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsVectorLayer,
    QgsVectorLayerUtils,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def open_layer(source, layer_id):
    if source.startswith("uri:"):
        layer = QgsVectorLayer(source[4:], layer_id, "postgres")
        if layer.isValid():  # the project would delete an invalid layer it is given
            QgsProject.instance().addMapLayer(layer, False)
        return layer, True
    read = QgsProject.instance().read(source)
    return QgsProject.instance().mapLayer(layer_id), read


def drawn_pixels(layer, png):
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    extent = layer.extent()
    extent.grow(max(extent.width(), extent.height()) * 0.1 + 1)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(200, 200))
    settings.setBackgroundColor(QColor(255, 255, 255, 0))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(png)
    return sum(1 for x in range(200) for y in range(200) if QColor(image.pixel(x, y)).alpha())


def edit(layer, feature_id, address):
    request = QgsFeatureRequest().setFilterExpression(f'"id" = {int(feature_id)}')
    feature = next(layer.getFeatures(request))
    layer.startEditing()
    layer.changeAttributeValue(feature.id(), layer.fields().indexOf("address"), address)
    geometry = feature.geometry()
    geometry.translate(100, 0)
    fields = layer.fields()
    values = {fields.indexOf(name): feature[name]
              for name in ("commune_code", "sheet_no", "land_use_code", "area_m2")}
    values[fields.indexOf("parcel_no")] = 999
    # as QGIS's "add feature" tool makes one: default values filled in
    layer.addFeature(QgsVectorLayerUtils.createFeature(layer, geometry, values))
    committed = layer.commitChanges()
    return committed, [str(error) for error in layer.commitErrors()]


def main():
    source, layer_id, feature_id, address, png = sys.argv[1:6]
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    messages = []  # what QGIS logs (the provider's errors), for an invalid layer
    QgsApplication.messageLog().messageReceived.connect(
        lambda message, tag, level: messages.append(message))
    layer, read = open_layer(source, layer_id)
    result = {"project_read": bool(read), "valid": bool(layer and layer.isValid())}
    if result["valid"]:
        features = list(layer.getFeatures())
        result["fields"] = [field.name() for field in layer.fields()]
        result["features"] = len(features)
        result["values"] = sorted({str(v) for f in features for v in f.attributes()})
        result["crs"] = layer.crs().authid()
        result["capabilities"] = layer.dataProvider().capabilitiesString()
        result["drawn_pixels"] = drawn_pixels(layer, png)
        result["committed"], result["errors"] = edit(layer, feature_id, address)
    else:
        result["error"] = messages
    print(json.dumps(result, ensure_ascii=False), flush=True)
    QgsProject.instance().clear()
    app.exitQgis()


if __name__ == "__main__":
    main()
