// SPDX-License-Identifier: MIT
// The public map viewer: MapLibre over the project's own raster tiles and OGC API vector tiles.
// Everything it needs comes from the page (config JSON rendered server-side from the layer
// registry for the public grant) and from same-origin services; it fetches nothing else.
import {LngLatBounds, Map as MapLibreMap, NavigationControl, ScaleControl}
  from "../vendor/maplibre-gl/maplibre-gl.mjs";

const config = JSON.parse(document.getElementById("viewer-config").textContent);
const communes = JSON.parse(document.getElementById("viewer-communes").textContent);
const msg = config.messages;
const locale = config.language === "en" ? "en-GB" : "vi-VN";
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
const $ = (selector) => document.querySelector(selector);

// --- small helpers ----------------------------------------------------------------------

function format(value, digits = 0) {
  return new Intl.NumberFormat(locale, {maximumFractionDigits: digits,
    minimumFractionDigits: digits}).format(value);
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => values[key]);
}

function fold(text) {  // case- and diacritics-insensitive form for search
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/gi, "d")
    .toLowerCase().trim();
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function notify(text) {
  const notice = $("#notice");
  notice.textContent = text;
  notice.hidden = !text;
}

// --- geometry (GeoJSON, WGS 84) -------------------------------------------------------------

function polygons(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return [geometry.coordinates];
  if (geometry.type === "MultiPolygon") return geometry.coordinates;
  return [];
}

function inRing(ring, [x, y]) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function contains(geometry, point) {
  return polygons(geometry).some(([outer, ...holes]) =>
    inRing(outer, point) && !holes.some((hole) => inRing(hole, point)));
}

function positions(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Point") return [geometry.coordinates];
  const flat = (coords) => (typeof coords[0] === "number" ? [coords] : coords.flatMap(flat));
  return flat(geometry.coordinates);
}

function bounds(geometry) {
  const box = new LngLatBounds();
  for (const position of positions(geometry)) box.extend(position);
  return box;
}

function interiorPoint(geometry) {  // a point inside the largest polygon: mid of a scan line
  const area = (ring) => Math.abs(ring.reduce((sum, [x, y], i) => {
    const [nx, ny] = ring[(i + 1) % ring.length];
    return sum + x * ny - nx * y;
  }, 0));
  const outer = polygons(geometry).map((p) => p[0]).sort((a, b) => area(b) - area(a))[0];
  if (!outer) return positions(geometry)[0];
  const box = bounds({type: "Polygon", coordinates: [outer]});
  const y = (box.getSouth() + box.getNorth()) / 2, xs = [];
  for (let i = 0, j = outer.length - 1; i < outer.length; j = i++) {
    const [xi, yi] = outer[i], [xj, yj] = outer[j];
    if ((yi > y) !== (yj > y)) xs.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
  }
  xs.sort((a, b) => a - b);
  return xs.length >= 2 ? [(xs[0] + xs[1]) / 2, y] : box.getCenter().toArray();
}

// --- coordinates ------------------------------------------------------------------------

window.proj4.defs(`EPSG:${config.vn2000.srid}`, config.vn2000.proj4);

function toVn2000(lon, lat) {  // [easting, northing] in metres, EPSG:9214
  return window.proj4("EPSG:4326", `EPSG:${config.vn2000.srid}`, [lon, lat]);
}

function showCoordinates({lng, lat}) {
  const [easting, northing] = toVn2000(lng, lat);
  $("#coord-wgs84").textContent = `${format(lat, 5)}° N, ${format(lng, 5)}° E`;
  $("#coord-vn2000").textContent = `X ${format(northing, 1)} m · Y ${format(easting, 1)} m`;
}

// --- URL hash: #zoom/lat/lon/layer,layer ----------------------------------------------------

function readHash() {
  const parts = location.hash.replace(/^#/, "").split("/");
  const [zoom, lat, lon] = parts.slice(0, 3).map(Number);
  const view = parts.length >= 3 && [zoom, lat, lon].every(Number.isFinite)
    && Math.abs(lat) <= 85 && Math.abs(lon) <= 180 ? {zoom, lat, lon} : null;
  const layers = parts.length >= 4
    ? new Set(parts[3].split(",").filter((id) => id === config.base || config.layers.includes(id)))
    : null;
  return {view, layers};
}

function visibleLayers() {
  return [...document.querySelectorAll("[data-layer-toggle]")]
    .filter((box) => box.checked).map((box) => box.dataset.layerToggle);
}

function writeHash(map) {
  const {lng, lat} = map.getCenter();
  const hash = `#${map.getZoom().toFixed(2)}/${lat.toFixed(5)}/${lng.toFixed(5)}/` +
    visibleLayers().join(",");
  if (hash !== location.hash) history.replaceState(null, "", hash);
  for (const link of document.querySelectorAll(".lang a, .open-full")) link.hash = hash;
}

// --- the map ----------------------------------------------------------------------------

function initialStyle(style, shown) {  // absolute tile URLs; hidden layers fetch no tiles
  const sources = Object.fromEntries(Object.entries(style.sources).map(([id, source]) =>
    [id, {...source, tiles: source.tiles.map((url) => new URL(url, location.origin).href
      .replaceAll("%7B", "{").replaceAll("%7D", "}"))}]));
  const layers = style.layers.map((layer) => (layer.metadata ? {...layer, layout: {
    ...layer.layout, visibility: shown.has(layer.metadata.layer) ? "visible" : "none"}} : layer));
  return {...style, sources, layers};
}

function shownLayers(chosen) {  // the hash's layers, else the boxes checked in the page
  if (chosen) return chosen;
  return new Set([...document.querySelectorAll("[data-layer-toggle]")]
    .filter((box) => box.checked).map((box) => box.dataset.layerToggle));
}

function createMap(view, chosen) {
  const start = view || config.home;
  const map = new MapLibreMap({
    container: "map", style: initialStyle(config.style, shownLayers(chosen)),
    center: [start.lon, start.lat],
    zoom: start.zoom, maxZoom: 20, hash: false, attributionControl: {compact: true,
      customAttribution: msg.synthetic},
    locale: config.mapLocale, cooperativeGestures: document.body.classList.contains("embed"),
  });
  map.addControl(new NavigationControl({visualizePitch: false}), "top-right");
  map.addControl(new ScaleControl({unit: "metric", maxWidth: 120}), "bottom-left");
  map.getCanvas().setAttribute("aria-label", msg.mapLabel);
  return map;
}

function layerIds(map, id) {
  return map.getStyle().layers.filter((l) => l.metadata && l.metadata.layer === id).map((l) => l.id);
}

function setLayerVisible(map, id, visible) {
  if (!map.getStyle()) return;
  for (const styleLayer of layerIds(map, id)) {
    map.setLayoutProperty(styleLayer, "visibility", visible ? "visible" : "none");
  }
}

function markZoomRange(map) {
  const zoom = map.getZoom();
  for (const row of document.querySelectorAll(".layer[data-min-zoom]")) {
    row.classList.toggle("out-of-range", zoom < Number(row.dataset.minZoom));
  }
}

function addHighlight(map) {
  map.addSource("highlight", {type: "geojson", data: {type: "FeatureCollection", features: []}});
  map.addLayer({id: "highlight-fill", type: "fill", source: "highlight",
    filter: ["all", ["==", ["geometry-type"], "Polygon"], ["!", ["get", "context"]]],
    paint: {"fill-color": "#00A3FF", "fill-opacity": 0.18}});
  map.addLayer({id: "highlight-casing", type: "line", source: "highlight",
    filter: ["!=", ["geometry-type"], "Point"],
    paint: {"line-color": "#FFFFFF", "line-width": 6}});
  map.addLayer({id: "highlight-line", type: "line", source: "highlight",
    filter: ["!=", ["geometry-type"], "Point"],
    paint: {"line-color": ["case", ["get", "context"], "#C51B8A", "#0050B3"],
      "line-width": ["case", ["get", "context"], 2.5, 3.5],
      "line-dasharray": ["case", ["get", "context"], ["literal", [2, 1.5]], ["literal", [1, 0]]]}});
  map.addLayer({id: "highlight-point", type: "circle", source: "highlight",
    filter: ["==", ["geometry-type"], "Point"],
    paint: {"circle-color": "#0050B3", "circle-radius": 6, "circle-stroke-color": "#FFFFFF",
      "circle-stroke-width": 2}});
}

function highlight(map, features, context = []) {  // context: outlined only (plan zones)
  const mark = (feature, isContext) => ({type: "Feature", geometry: feature.geometry,
    properties: {context: isContext}});
  const data = {type: "FeatureCollection",
    features: [...context.map((f) => mark(f, true)), ...features.map((f) => mark(f, false))]};
  map.getSource("highlight").setData(data);
  window.basemapViewer.highlighted = data;
}

function viewPadding() {  // keep results clear of the bottom sheet on phones
  const sheet = window.matchMedia("(max-width: 720px)").matches
    && !document.body.classList.contains("panel-closed");
  const covered = sheet ? $("#panel").getBoundingClientRect().height : 0;
  return sheet ? {top: 30, bottom: covered + 30, left: 30, right: 30} : 60;
}

function fitTo(map, features) {
  const box = new LngLatBounds();
  for (const feature of features) {
    for (const position of positions(feature.geometry)) box.extend(position);
  }
  if (box.isEmpty()) return;
  map.fitBounds(box, {padding: viewPadding(), maxZoom: 18, duration: reducedMotion ? 0 : 600});
}

function watchErrors(map) {
  const reported = new Set();
  map.on("error", (event) => {  // a missing service degrades the map, never breaks the page
    const source = event.sourceId || "";
    if (reported.has(source)) return;
    reported.add(source);
    if (source === "basemap") notify(msg.basemapMissing);
    else if (source && source !== "highlight") notify(fill(msg.vectorMissing, {layer: source}));
  });
}

// --- OGC API Features -------------------------------------------------------------------

async function items(layer, params) {
  const url = new URL(config.items.replace("{id}", layer), location.origin);
  for (const [key, value] of Object.entries({f: "json", ...params})) {
    url.searchParams.set(key, value);
  }
  const response = await fetch(url, {headers: {Accept: "application/geo+json"}});
  if (!response.ok) throw new Error(`${layer}: HTTP ${response.status}`);
  const body = await response.json();
  return (body.features || []).map((feature) => ({...feature, layer}));
}

async function item(layer, id) {
  const url = new URL(`${config.items.replace("{id}", layer)}/${encodeURIComponent(id)}`,
    location.origin);
  url.searchParams.set("f", "json");
  const response = await fetch(url, {headers: {Accept: "application/geo+json"}});
  if (!response.ok) throw new Error(`${layer}/${id}: HTTP ${response.status}`);
  return {...(await response.json()), layer};
}

async function featuresAt(layer, [lon, lat]) {
  if (!config.layers.includes(layer)) return [];
  const e = 1e-6;  // ~0.1 m: the bbox finds candidates, the exact test keeps the hits
  const found = await items(layer, {bbox: [lon - e, lat - e, lon + e, lat + e].join(","),
    limit: 50});
  return found.filter((feature) => contains(feature.geometry, [lon, lat]));
}

// --- rendering results ------------------------------------------------------------------

function definitionList(rows) {
  const list = element("dl");
  for (const [term, value] of rows) {
    if (value === null || value === undefined || value === "") continue;
    list.append(element("dt", {}, term), element("dd", {}, String(value)));
  }
  return list;
}

function communeName(code) {
  const unit = communes.find((c) => c.code === code);
  return unit ? `${unit.kind} ${unit.name} (${code})` : code;
}

function landUseWords(code) {
  return config.landUse[code] ? `${code} – ${config.landUse[code]}` : code;
}

function parcelCard(feature) {
  const p = feature.properties;
  return element("section", {class: "card parcel", "data-feature": `land_parcels/${feature.id}`},
    element("h3", {}, `${msg.parcel} ${p.parcel_no}, ${msg.sheet.toLowerCase()} ${p.sheet_no}`),
    definitionList([
      [msg.sheet, p.sheet_no], [msg.parcelNo, p.parcel_no],
      [msg.landUse, landUseWords(p.land_use_code)],
      [msg.area, `${format(Number(p.area_m2), 1)} m²`],
      [msg.commune, communeName(p.commune_code)], [msg.address, p.address]]));
}

function planCard(feature) {
  const p = feature.properties;
  return element("section", {class: "card plan", "data-feature": `land_use_plan_zones/${feature.id}`},
    element("h3", {}, `${msg.landUsePlan} ${p.plan_code}`),
    definitionList([[msg.plannedUse, landUseWords(p.land_use_code)], [msg.period, p.period],
      [msg.approvedBy, p.approved_by], [msg.approvedOn, p.approved_on]]));
}

function urbanCard(feature) {
  const p = feature.properties;
  const number = (value, unit) => (value === null || value === undefined ? null
    : `${format(Number(value), 2).replace(/[.,]00$/, "")}${unit}`);
  return element("section", {class: "card urban",
    "data-feature": `urban_planning_zones/${feature.id}`},
  element("h3", {}, `${msg.urbanZone} ${p.zone_code}`),
  definitionList([[msg.function, p.function], [msg.maxFar, number(p.max_far, "")],
    [msg.maxHeight, number(p.max_height_m, " m")],
    [msg.maxDensity, number(p.max_density_pct, " %")]]));
}

function showLookup(nodes) {
  const box = $("#lookup");
  box.replaceChildren(...nodes);
  openPanel("search");
  box.scrollIntoView({block: "start", behavior: reducedMotion ? "auto" : "smooth"});
}

const hasApi = !config.missing.includes("ogcapiMissing");

async function lookupAt(map, lngLat) {
  if (!hasApi) {
    showLookup([element("p", {class: "error", role: "alert"}, msg.ogcapiMissing)]);
    return;
  }
  const point = [lngLat.lng, lngLat.lat];
  showLookup([element("p", {class: "muted"}, msg.loading)]);
  try {
    const [parcels, plans, urban] = await Promise.all([
      featuresAt("land_parcels", point), featuresAt("land_use_plan_zones", point),
      featuresAt("urban_planning_zones", point)]);
    const [easting, northing] = toVn2000(...point);
    const nodes = [element("p", {class: "muted point"},
      `${msg.pointAt}: ${format(lngLat.lat, 5)}° N, ${format(lngLat.lng, 5)}° E · VN-2000 ` +
      `X ${format(northing, 1)} m, Y ${format(easting, 1)} m`)];
    nodes.push(...(parcels.length ? parcels.map(parcelCard) : [element("p", {}, msg.noParcel)]));
    const zones = [...plans.map(planCard), ...urban.map(urbanCard)];
    nodes.push(...(zones.length ? zones : [element("p", {}, msg.noZone)]));
    showLookup(nodes);
    highlight(map, [...parcels,
      {type: "Feature", geometry: {type: "Point", coordinates: point}, properties: {}}],
    [...plans, ...urban]);
  } catch {  // the reader sees that the look-up failed; the page keeps working
    showLookup([element("p", {class: "error", role: "alert"}, msg.lookupFailed)]);
  }
}

// --- search -----------------------------------------------------------------------------

function showResults(entries, onPick) {
  const box = $("#results");
  if (!entries.length) {
    box.replaceChildren(element("p", {role: "status"}, msg.notFound));
    return;
  }
  const list = element("ul", {class: "results"});
  entries.forEach((entry, index) => {
    const button = element("button", {type: "button", "data-result": String(index)}, entry.label);
    button.addEventListener("click", () => onPick(entry));
    list.append(element("li", {}, button));
  });
  box.replaceChildren(element("p", {role: "status"}, fill(msg.found, {n: entries.length})), list);
}

async function searchParcel(map, form) {
  const data = new FormData(form);
  const found = await items("land_parcels", {commune_code: data.get("commune"),
    sheet_no: data.get("sheet"), parcel_no: data.get("parcel"), limit: 10});
  showResults(found.map((f) => ({label: `${msg.parcel} ${f.properties.parcel_no}, ` +
    `${msg.sheet.toLowerCase()} ${f.properties.sheet_no} – ${communeName(f.properties.commune_code)}`,
  feature: f})), (entry) => pickParcel(map, entry.feature));
  if (found.length === 1) pickParcel(map, found[0]);
}

function pickParcel(map, feature) {
  fitTo(map, [feature]);
  const [lng, lat] = interiorPoint(feature.geometry);
  lookupAt(map, {lng, lat});
}

let roadIndex = null;

async function searchRoad(map, text) {
  roadIndex ||= await items("roads", {skipGeometry: "true", properties: "code,name,road_class",
    limit: 10000});
  const query = fold(text);
  const found = roadIndex.filter((r) => fold(`${r.properties.code} ${r.properties.name || ""}`)
    .includes(query)).slice(0, 20);
  showResults(found.map((r) => ({label: `${r.properties.code}${r.properties.name
    ? ` – ${r.properties.name}` : ""}`, road: r})), async (entry) => {
    const road = await item("roads", entry.road.id);
    highlight(map, [road]);
    fitTo(map, [road]);
  });
}

function capitalised(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function placeLabel(unit) {  // "Phường Thọ Xương (cũ) → Phường Bắc Giang"
  const name = capitalised(`${unit.kind} ${unit.name}`);
  if (unit.current) return name;
  return `${name} (${msg.former})${unit.to ? ` → ${capitalised(unit.to)}` : ""}`;
}

function searchPlace(map, text) {
  const query = fold(text);
  // a former unit is found by its own name and by the name of the unit it became
  const found = communes.filter((c) => fold(`${c.kind} ${c.name} ${c.to || ""}`).includes(query))
    .sort((a, b) => Number(b.current) - Number(a.current)).slice(0, 20);
  showResults(found.map((c) => ({label: placeLabel(c), unit: c})), async (entry) => {
    if (entry.unit.bbox) {
      const [w, s, e, n] = entry.unit.bbox;
      map.fitBounds([[w, s], [e, n]], {padding: 40, duration: reducedMotion ? 0 : 600});
    }
    if (hasApi && entry.unit.id) highlight(map, [await item("admin_communes", entry.unit.id)]);
  });
}

function wireSearch(map) {
  const guard = (task) => async (event) => {
    event.preventDefault();
    if (!hasApi && event.target.id !== "search-place") {
      $("#results").replaceChildren(element("p", {class: "error", role: "alert"},
        msg.ogcapiMissing));
      return;
    }
    $("#results").replaceChildren(element("p", {class: "muted"}, msg.loading));
    try {
      await task(event.target);
    } catch {  // shown in the results box; the form stays usable
      $("#results").replaceChildren(element("p", {class: "error", role: "alert"},
        msg.lookupFailed));
    }
  };
  $("#search-parcel").addEventListener("submit", guard((form) => searchParcel(map, form)));
  $("#search-road").addEventListener("submit",
    guard((form) => searchRoad(map, new FormData(form).get("q"))));
  $("#search-place").addEventListener("submit",
    guard(async (form) => searchPlace(map, new FormData(form).get("q"))));
}

// --- panel, tabs, tools -----------------------------------------------------------------

function openPanel(tab) {
  selectTab(tab);
  if (document.body.classList.contains("panel-closed")) togglePanel(true);
}

function togglePanel(open) {
  document.body.classList.toggle("panel-closed", !open);
  $("#btn-panel").setAttribute("aria-expanded", String(open));
}

function selectTab(name) {
  for (const tab of document.querySelectorAll("[role=tab]")) {
    const selected = tab.dataset.tab === name;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    document.getElementById(tab.getAttribute("aria-controls")).hidden = !selected;
  }
}

function wireTabs() {
  const tabs = [...document.querySelectorAll("[role=tab]")];
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => selectTab(tab.dataset.tab));
    tab.addEventListener("keydown", (event) => {
      const step = {ArrowRight: 1, ArrowLeft: -1}[event.key];
      if (!step) return;
      const next = tabs[(index + step + tabs.length) % tabs.length];
      selectTab(next.dataset.tab);
      next.focus();
    });
  });
  $("#btn-panel").addEventListener("click", () =>
    togglePanel(document.body.classList.contains("panel-closed")));
  if (window.matchMedia("(max-width: 720px)").matches || document.body.classList.contains("embed")) {
    togglePanel(false);
  }
}

function snapshot(map) {  // the current view with a caption strip, as a 2D canvas
  return new Promise((resolve) => {
    map.once("render", () => {
      const source = map.getCanvas(), ratio = window.devicePixelRatio || 1;
      const strip = Math.round(28 * ratio), out = document.createElement("canvas");
      out.width = source.width;
      out.height = source.height + strip;
      const ctx = out.getContext("2d");
      ctx.drawImage(source, 0, 0);
      ctx.fillStyle = "#FFFFFF";
      ctx.fillRect(0, source.height, out.width, strip);
      ctx.fillStyle = "#1D2A33";
      ctx.font = `${Math.round(13 * ratio)}px system-ui, sans-serif`;
      const {lng, lat} = map.getCenter();
      ctx.fillText(`${document.title} · ${new Date().toISOString().slice(0, 10)} · ` +
        `${format(lat, 5)}° N, ${format(lng, 5)}° E · ${msg.synthetic}`,
      Math.round(8 * ratio), source.height + Math.round(19 * ratio));
      resolve(out);
    });
    map.triggerRepaint();
  });
}

async function exportPng(map) {
  const canvas = await snapshot(map);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  const link = element("a", {href: URL.createObjectURL(blob),
    download: `ban-do-${new Date().toISOString().slice(0, 10)}.png`});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  notify(msg.exported);
}

let printing = false;  // a double click on "In" must not open two print dialogs

async function printView(map) {
  if (printing) return;
  printing = true;
  try {
    const canvas = await snapshot(map), image = $("#print-image");
    image.src = canvas.toDataURL("image/png");
    // print only once the snapshot is decoded: a print laid out before it would be blank
    await image.decode().catch(() => {});
    window.print();
  } finally {
    printing = false;
  }
}

function locate(map) {
  if (!navigator.geolocation) {
    notify(msg.locateFailed);
    return;
  }
  notify(msg.locating);
  navigator.geolocation.getCurrentPosition((position) => {
    const center = [position.coords.longitude, position.coords.latitude];
    notify("");
    highlight(map, [{type: "Feature", geometry: {type: "Point", coordinates: center},
      properties: {label: msg.located}}]);
    map.jumpTo({center, zoom: Math.max(map.getZoom(), 16), padding: viewPadding()});
  }, () => notify(msg.locateFailed), {enableHighAccuracy: true, timeout: 15000});
}

function wireLayers(map, chosen) {
  for (const box of document.querySelectorAll("[data-layer-toggle]")) {
    if (chosen) box.checked = chosen.has(box.dataset.layerToggle);
    setLayerVisible(map, box.dataset.layerToggle, box.checked);
    box.addEventListener("change", () => {
      setLayerVisible(map, box.dataset.layerToggle, box.checked);
      writeHash(map);
    });
  }
}

function start() {
  const {view, layers} = readHash();
  const map = createMap(view, layers);
  window.basemapViewer = {map, toVn2000, snapshot: () => snapshot(map), ready: false,
    highlighted: null, startedAt: performance.now()};
  watchErrors(map);
  notify(config.missing.map((key) => msg[key]).join(" "));  // services this site lacks
  wireTabs();
  wireSearch(map);
  $("#btn-locate").addEventListener("click", () => locate(map));
  $("#btn-export").addEventListener("click", () => exportPng(map));
  $("#btn-print").addEventListener("click", () => printView(map));
  // "style.load", not "load": "load" waits for every tile and never comes when a tile fails
  map.once("style.load", () => {
    addHighlight(map);
    wireLayers(map, layers);
    markZoomRange(map);
    showCoordinates(map.getCenter());
    writeHash(map);
    window.basemapViewer.ready = true;
    window.basemapViewer.readyAt = performance.now();  // ms since navigation start
    document.body.dataset.ready = "true";
  });
  map.on("mousemove", (event) => showCoordinates(event.lngLat));
  map.on("moveend", () => {
    markZoomRange(map);
    writeHash(map);
    if (!window.matchMedia("(hover: hover)").matches) showCoordinates(map.getCenter());
  });
  map.on("click", (event) => lookupAt(map, event.lngLat));
  window.addEventListener("hashchange", () => {
    const next = readHash();
    if (next.view) map.jumpTo({center: [next.view.lon, next.view.lat], zoom: next.view.zoom});
  });
}

start();
