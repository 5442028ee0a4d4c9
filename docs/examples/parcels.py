"""Every land parcel in a box, page by page (requests), and its land use in hectares."""
import os
from collections import Counter

import requests

BASE = os.environ.get("BASE", "http://127.0.0.1:8000")
url = f"{BASE}/ogcapi/collections/land_parcels/items"
params = {"bbox": "106.128,21.331,106.138,21.337", "limit": 200, "f": "json"}
headers = {}
if os.environ.get("TOKEN"):  # a token adds its layers and attributes
    headers["Authorization"] = f"Bearer {os.environ['TOKEN']}"

area = Counter()
pages = 0
while url:
    page = requests.get(url, params=params, headers=headers, timeout=30)
    page.raise_for_status()
    body = page.json()
    pages += 1
    for feature in body["features"]:
        area[feature["properties"]["land_use_code"]] += feature["properties"]["area_m2"]
    url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
    params = None  # the next link carries every parameter

print(f"{sum(area.values()) / 10_000:.2f} ha in {pages} pages")
for code, m2 in area.most_common():
    print(f"{code} {m2 / 10_000:.2f} ha")
