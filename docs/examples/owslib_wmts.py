"""WMTS through OWSLib: the layers on offer, then one PNG tile of the base map."""
import os

from owslib.wmts import WebMapTileService

BASE = os.environ.get("BASE", "http://127.0.0.1:8000")
wmts = WebMapTileService(f"{BASE}/tiles/wmts/1.0.0/WMTSCapabilities.xml")

print(sorted(wmts.contents)[:4])
print(sorted(wmts.tilematrixsets))
tile = wmts.gettile(layer="basemap", tilematrixset="webmercator", tilematrix="12",
                    row=1800, column=3255, format="image/png")
print(tile.info()["Content-Type"], tile.read()[:4])
