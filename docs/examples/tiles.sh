# A vector tile (Mapbox Vector Tile) of the parcels, and a raster tile of the base map (WMTS REST).
BASE=${BASE:-http://127.0.0.1:8000}
curl -s -o parcels.mvt -w '%{http_code} %{content_type}\n' \
  "$BASE/ogcapi/collections/land_parcels/tiles/WebMercatorQuad/16/28806/52095?f=mvt"
curl -s -o basemap.png -w '%{http_code} %{content_type}\n' \
  "$BASE/tiles/wmts/basemap/webmercator/12/3255/1800.png"
