// SPDX-License-Identifier: MIT
// ESLint for the project's own browser JavaScript (make lint); vendored libraries are not ours.
import js from "@eslint/js";
import globals from "globals";

export default [
  // installed and generated trees; node_modules/ is ignored by default
  {ignores: [".venv/", "var/", "static_root/", "**/vendor/"]},
  {
    files: ["geoserver_app/static/geoserver_app/viewer.mjs"],
    ...js.configs.recommended,
    languageOptions: {ecmaVersion: 2022, sourceType: "module", globals: globals.browser},
  },
  {
    // classic scripts: OpenLayers and GeoDjango's MapWidget (editor), Leaflet (pygeoapi pages)
    files: ["geoserver_app/editor/static/editor/js/*.js", "geoserver_app/ogcapi/static/*.js"],
    ...js.configs.recommended,
    languageOptions: {ecmaVersion: 2022, sourceType: "script",
                      globals: {...globals.browser, L: "readonly"}},
  },
  {
    // the developers' guide examples (docs/examples), run in a browser by tests/docs
    files: ["docs/examples/*.mjs"],
    ...js.configs.recommended,
    languageOptions: {ecmaVersion: 2022, sourceType: "module", globals: globals.browser},
  },
  {
    files: ["docs/examples/*.js"],
    ...js.configs.recommended,
    languageOptions: {ecmaVersion: 2022, sourceType: "script",
                      globals: {...globals.browser, ol: "readonly"}},
  },
];
