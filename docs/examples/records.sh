# The metadata catalog (OGC API Records): the layers whose records mention "rừng" (forest).
BASE=${BASE:-http://127.0.0.1:8000}
curl -s -G "$BASE/ogcapi/collections/catalog/items" --data-urlencode "q=rừng" -d f=json \
  | jq -r '.features[].id'
