# The layers anyone may read (no token): one OGC API collection per layer, plus "catalog".
BASE=${BASE:-http://127.0.0.1:8000}
curl -s "$BASE/ogcapi/collections?f=json" | jq -r '.collections[].id'
