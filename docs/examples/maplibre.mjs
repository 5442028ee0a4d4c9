// MapLibre GL JS (npm "maplibre-gl"): the base map (raster tiles) under the parcels (vector
// tiles), and a click that names the parcel. The page needs <div id="map"> and maplibre-gl.css,
// and must come from the map server's own origin (behind the same reverse proxy): the
// server sends no CORS headers.
import {Map as MapLibreMap} from "maplibre-gl";

const BASE = window.location.origin;
const map = new MapLibreMap({
  container: "map",
  center: [106.1331, 21.3338],
  zoom: 16,
  style: {
    version: 8,
    sources: {
      basemap: {type: "raster", tileSize: 256, maxzoom: 20,
                tiles: [`${BASE}/tiles/wmts/basemap/webmercator/{z}/{x}/{y}.png`]},
      parcels: {type: "vector", minzoom: 15, maxzoom: 16,
                tiles: [`${BASE}/ogcapi/collections/land_parcels/tiles/WebMercatorQuad/{z}/{y}/{x}?f=mvt`]},
    },
    layers: [
      {id: "basemap", type: "raster", source: "basemap"},
      {id: "parcels", type: "line", source: "parcels", "source-layer": "land_parcels",
       paint: {"line-color": "#b5651d", "line-width": 1.5}},
    ],
  },
});
map.on("click", "parcels", (event) => {
  const parcel = event.features[0].properties;
  console.log(`sheet ${parcel.sheet_no}, parcel ${parcel.parcel_no}: ${parcel.land_use_code}`);
});
map.once("idle", () => {
  const parcels = new Set(map.queryRenderedFeatures({layers: ["parcels"]})
    .map((feature) => `${feature.properties.sheet_no}/${feature.properties.parcel_no}`));
  console.log(`${parcels.size} parcels drawn`);
});
