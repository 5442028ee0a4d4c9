/* SPDX-License-Identifier: MIT */
/* GeoDjango's MapWidget (gis/js/OLMapWidget.js, loaded before this file) with a deep zoom
   range for precise editing and vertex snapping. OpenLayers comes from our static files. */
/* global ol, MapWidget */
'use strict';
class BasemapMapWidget extends MapWidget {
    constructor(options) {
        super(options);
        // GeoDjango fits the view at 1 m/pixel at most; a 20 m parcel needs a closer look.
        const extent = ol.extent.createEmpty();  // the overlay has no spatial index to ask
        this.featureCollection.forEach(f => ol.extent.extend(extent, f.getGeometry().getExtent()));
        if (!ol.extent.isEmpty(extent)) {
            this.map.getView().fit(extent, {padding: [40, 40, 40, 40], minResolution: 0.05});
        }
    }

    createMap() {
        return new ol.Map({
            target: this.options.map_id,
            layers: [this.options.base_layer],
            view: new ol.View({
                zoom: this.options.default_zoom,
                maxZoom: this.options.max_zoom || 22
            })
        });
    }

    createInteractions() {
        super.createInteractions();
        // Snap drawn and moved vertices onto the feature's own vertices and edges.
        this.interactions.snap = new ol.interaction.Snap({features: this.featureCollection});
        this.map.addInteraction(this.interactions.snap);
    }
}
window.BasemapMapWidget = BasemapMapWidget;
