"""OGC API Features through OWSLib: the collections, then national roads (QL...)."""
import os

from owslib.ogcapi.features import Features

BASE = os.environ.get("BASE", "http://127.0.0.1:8000")
api = Features(f"{BASE}/ogcapi")

for collection in api.collections()["collections"][:3]:
    print(collection["id"], "-", collection["title"])

roads = api.collection_items("roads", road_class="national", limit=100)
for road in sorted({f["properties"]["code"] for f in roads["features"]}):
    print(road)
