# One land parcel by its commune code, map sheet and parcel number, without its geometry.
BASE=${BASE:-http://127.0.0.1:8000}
curl -s "$BASE/ogcapi/collections/land_parcels/items?commune_code=07228&sheet_no=1&parcel_no=29&skipGeometry=true&properties=commune_code,sheet_no,parcel_no,land_use_code,area_m2,address" \
  | jq -c '.features[] | {id, properties}'
