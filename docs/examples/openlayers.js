// OpenLayers (ol.js from a <script> tag, the global `ol`; with npm "ol", import the same
// classes): the base map (raster tiles) under the parcels (vector tiles). The page needs
// <div id="map"> and ol.css, and must come from the map server's own origin: the server sends
// no CORS headers.
const BASE = window.location.origin;
const parcels = new ol.layer.VectorTile({
  source: new ol.source.VectorTile({
    format: new ol.format.MVT(),
    minZoom: 15,
    maxZoom: 16,
    url: `${BASE}/ogcapi/collections/land_parcels/tiles/WebMercatorQuad/{z}/{y}/{x}?f=mvt`,
  }),
  style: new ol.style.Style({stroke: new ol.style.Stroke({color: "#b5651d", width: 1.5})}),
});
const map = new ol.Map({
  target: "map",
  view: new ol.View({center: ol.proj.fromLonLat([106.1331, 21.3338]), zoom: 16}),
  layers: [
    new ol.layer.Tile({source: new ol.source.XYZ({
      url: `${BASE}/tiles/wmts/basemap/webmercator/{z}/{x}/{y}.png`, maxZoom: 20})}),
    parcels,
  ],
});
map.once("rendercomplete", () => {
  const drawn = parcels.getFeaturesInExtent(map.getView().calculateExtent(map.getSize()));
  const names = new Set(drawn.map((feature) => `${feature.get("sheet_no")}/${feature.get("parcel_no")}`));
  console.log(`${names.size} parcels in view`);
});
