# Planning lookup (OGC API Processes): which plan zones cover a parcel, and how much of it.
BASE=${BASE:-http://127.0.0.1:8000}
curl -s -X POST -H 'Content-Type: application/json' \
  -d '{"inputs": {"parcel": {"commune_code": "07228", "sheet_no": 1, "parcel_no": 29}}}' \
  "$BASE/ogcapi/processes/planning-lookup/execution" \
  | jq -c '.zones[] | {layer, code: .properties.plan_code, land_use: .properties.land_use_code, intersection_m2, share_pct}'
