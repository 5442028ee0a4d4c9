# The same parcel in VN-2000 / TM-3 107°00' (EPSG:9214), the stored survey coordinates.
BASE=${BASE:-http://127.0.0.1:8000}
curl -s -D headers.txt \
  "$BASE/ogcapi/collections/land_parcels/items?commune_code=07228&sheet_no=1&parcel_no=29&crs=http://www.opengis.net/def/crs/EPSG/0/9214" \
  | jq -c '.features[0].geometry.coordinates[0][0][0]'
grep -i '^content-crs' headers.txt | tr -d '\r'
