# Every road, 20 at a time: follow the "next" link until there is none.
BASE=${BASE:-http://127.0.0.1:8000}
url="$BASE/ogcapi/collections/roads/items?f=json&limit=20"
pages=0 roads=0
while [ -n "$url" ]; do
  page=$(curl -s "$url")
  pages=$((pages + 1))
  roads=$((roads + $(echo "$page" | jq '.features | length')))
  url=$(echo "$page" | jq -r '.links[] | select(.rel == "next") | .href')
done
echo "$roads roads in $pages pages"
