# A WMS 1.3.0 map image of roads and communes (EPSG:4326: the bbox is lat,lon in 1.3.0).
BASE=${BASE:-http://127.0.0.1:8000}
curl -s -o map.png -w '%{http_code} %{content_type}\n' \
  "$BASE/tiles/service?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=admin_communes,roads&STYLES=&CRS=EPSG:4326&BBOX=21.22,106.14,21.32,106.24&WIDTH=512&HEIGHT=512&FORMAT=image/png"
# the layers it offers
curl -s "$BASE/tiles/service?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities" \
  | grep -o '<Name>[a-z_]*</Name>' | sed 's/<[^>]*>//g' | sort | head -5
