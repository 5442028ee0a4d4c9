# The change feed: what was created or changed, and what was deleted, since time T.
# Take T from the server's Date header of your previous sync, not from your own clock.
BASE=${BASE:-http://127.0.0.1:8000}
T=${T:-2026-01-01T00:00:00Z}
curl -s "$BASE/ogcapi/collections/roads/items?datetime=$T/..&limit=1000&skipGeometry=true" \
  | jq '.features | length'
curl -s "$BASE/ogcapi/collections/roads/deletions?since=$T" | jq -c '.deletions'
