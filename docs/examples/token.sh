# With a token that has the sensitive right on land_parcels, the owner is there too.
BASE=${BASE:-http://127.0.0.1:8000}
curl -s -H "Authorization: Bearer $TOKEN" \
  "$BASE/ogcapi/collections/land_parcels/items?commune_code=07228&sheet_no=1&parcel_no=29&skipGeometry=true&properties=parcel_no,owner_name" \
  | jq -c '.features[].properties'
# Without it, the attribute does not exist: asking for it is an error (400).
curl -s -o /dev/null -w '%{http_code}\n' \
  "$BASE/ogcapi/collections/land_parcels/items?properties=owner_name"
# A wrong, revoked or expired token gets 401 on every path.
curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer bm_wrong" "$BASE/ogcapi/collections"
