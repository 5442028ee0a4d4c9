// SPDX-License-Identifier: MIT
// Stand-ins for Leaflet plugins that pygeoapi's pages load from a CDN and that have no
// package we can vendor: markers are shown without clustering; vector tiles are not drawn
// on the tiles page (QGIS, MapLibre or the home page viewer show them).
(function () {
  if (!window.L) { return; }
  L.markerClusterGroup = L.markerClusterGroup || function () { return L.featureGroup(); };
  L.vectorGrid = L.vectorGrid || { protobuf: function () { return L.layerGroup(); } };
})();
