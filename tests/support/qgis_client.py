# SPDX-License-Identifier: MIT
"""Real QGIS, headless, as a client of the server under test.

Run by Debian's ``/usr/bin/python3`` (QGIS's Python bindings are built for it, not for the
project's virtualenv), never imported by the tests; headless with ``QT_QPA_PLATFORM=offscreen``
in its environment. Prints one JSON object.

    python3 qgis_client.py layers BASE_URL OUT_DIR XMIN YMIN XMAX YMAX   (EPSG:9214 extent)
    python3 qgis_client.py project FILE.qgz OUT.png XMIN YMIN XMAX YMAX
"""
from __future__ import annotations

import json
import os
import sys

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

SIZE = 600
PROBE = (106.2, 21.3)  # lon, lat: where the project's datum shift is checked


def render(layers: list, extent: QgsRectangle, crs: QgsCoordinateReferenceSystem, out: str,
           context=None) -> None:
    """Draw ``layers`` (top first) over a white background into ``out`` (PNG)."""
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(crs)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(SIZE, SIZE))
    settings.setBackgroundColor(QColor(255, 255, 255))
    if context is not None:
        settings.setTransformContext(context)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(out, "PNG")


def layers(base: str, out_dir: str, extent: QgsRectangle) -> dict:
    """The OAPIF, WMTS and WMS layers a user would add by hand; each drawn alone."""
    crs = QgsCoordinateReferenceSystem("EPSG:9214")
    capabilities = f"{base}/tiles/wmts/1.0.0/WMTSCapabilities.xml"
    found = {
        "oapif": QgsVectorLayer(f"url='{base}/ogcapi' typename='land_parcels' "
                                "pagingEnabled='true'", "parcels", "OAPIF"),
        "wmts": QgsRasterLayer(f"crs=EPSG:9214&format=image/png&layers=basemap&styles=default"
                               f"&tileMatrixSet=vn2000&url={capabilities}", "wmts", "wms"),
        "wms": QgsRasterLayer(f"crs=EPSG:9214&format=image/png&layers=basemap&styles="
                              f"&url={base}/tiles/service", "wms", "wms"),
    }
    result = {}
    for name, layer in found.items():
        entry = {"valid": layer.isValid()}
        if name == "oapif" and layer.isValid():
            entry["count"] = layer.featureCount()
            entry["fields"] = [field.name() for field in layer.fields()]
        if layer.isValid():
            render([layer], extent, crs, os.path.join(out_dir, f"{name}.png"))
        result[name] = entry
    return result


def project(path: str, out: str, extent: QgsRectangle) -> dict:
    """Open a project file as QGIS does; draw its visible layers in the project CRS."""
    current = QgsProject.instance()
    read = current.read(path)
    tree = current.layerTreeRoot()
    layers = [node.layer() for node in tree.findLayers() if node.isVisible()]
    order = tree.customLayerOrder() if tree.hasCustomLayerOrder() else layers
    render([layer for layer in order if layer in layers], extent, current.crs(), out,
           current.transformContext())
    to_project = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"),
                                        current.crs(), current.transformContext())
    point = to_project.transform(QgsPointXY(*PROBE))
    return {
        "probe": [point.x(), point.y()],
        "read": read, "crs": current.crs().authid(), "title": current.title(),
        "groups": [group.name() for group in tree.children() if hasattr(group, "findLayers")],
        "layers": {layer.id(): {"valid": layer.isValid(), "name": layer.name(),
                                "provider": layer.providerType(),
                                "renderer": (layer.renderer().type()
                                             if hasattr(layer, "renderer") and layer.renderer()
                                             else None),
                                "labels": bool(getattr(layer, "labelsEnabled", lambda: False)())}
                   for layer in current.mapLayers().values()},
    }


def main() -> None:
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    mode, target, out = sys.argv[1:4]
    extent = QgsRectangle(*map(float, sys.argv[4:8]))
    result = layers(target, out, extent) if mode == "layers" else project(target, out, extent)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    os._exit(0)  # QGIS 3.22 may crash tearing down providers' threads: the answer is out


if __name__ == "__main__":
    main()
