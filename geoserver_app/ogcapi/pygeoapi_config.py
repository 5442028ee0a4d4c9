# SPDX-License-Identifier: MIT
"""The pygeoapi configuration, generated from the layer registry, and its per-grant views.

``render_yaml`` writes the committed ``pygeoapi-config.yml``: every layer with all its
attributes (what a token with every right would see). At run time ``load`` reads that file
(``${ENV}`` placeholders expanded by pygeoapi's loader) and ``for_grant`` cuts a view for one
grant: only the collections it may read, only the attributes it may see. The file holds no
secret: providers connect with the Django database settings (``DATABASE_URL`` or the embedded
cluster's password file), named here only by the alias ``default``.
"""
from __future__ import annotations

import copy
import io
from pathlib import Path

import yaml
from django.conf import settings
from pygeoapi.util import yaml_load

from geoserver_app.ogcapi import jobs, rules, schema, vector_tiles
from layers import catalog, province, registry
from layers.grants import Grant

CONFIG_FILE = "pygeoapi-config.yml"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
OUTPUT_CRS = (CRS84, "http://www.opengis.net/def/crs/EPSG/0/4326",
              "http://www.opengis.net/def/crs/EPSG/0/3857",
              "http://www.opengis.net/def/crs/EPSG/0/3405",
              "http://www.opengis.net/def/crs/EPSG/0/9214")
FEATURE_PROVIDER = "geoserver_app.ogcapi.provider.PostGISProvider"
TILE_PROVIDER = "geoserver_app.ogcapi.vector_tiles.MVTProvider"
RECORD_PROVIDER = "geoserver_app.ogcapi.records.CatalogProvider"
CATALOG_ID = "catalog"
LICENCE = {"name": "CC-BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
CONTACT = {"name": "Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh",
           "url": "https://snnmt.bacninh.gov.vn/", "email": "gis@bacninh.gov.vn"}
SECTOR_KEYWORDS = {sector: [vi, en] for sector, (vi, en) in registry.SECTOR_TITLES.items()}


def server_section() -> dict:
    """The ``server`` block; ``url`` is replaced per request by the request's origin."""
    return {
        "bind": {"host": "127.0.0.1", "port": 8000},
        "url": "http://127.0.0.1:8000/ogcapi",
        "mimetype": "application/json; charset=UTF-8",
        "encoding": "utf-8",
        "gzip": True,
        "languages": ["vi", "en"],
        "pretty_print": False,
        "limits": {"default_items": 10, "max_items": 10000, "on_exceed": "throttle"},
        "map": {"url": "/tiles/wmts/1.0.0/basemap/webmercator/{z}/{x}/{y}.png",
                "attribution": "Bản đồ nền dùng chung"},
        "api_rules": dict(rules.API_RULES),
    }


def metadata_section() -> dict:
    """The service metadata (identification, licence, provider, contact)."""
    return {
        "identification": {
            "title": {"vi": "Bản đồ nền GIS dùng chung – OGC API",
                      "en": "Shared GIS base map – OGC API"},
            "description": {"vi": "Các lớp dữ liệu nền của tỉnh: hành chính, đất đai, tài "
                                  "nguyên, giao thông, xây dựng.",
                            "en": "The province's base map layers: administrative units, "
                                  "land, natural resources, transport, construction."},
            "keywords": {"vi": ["bản đồ nền", "GIS", "OGC API"],
                         "en": ["base map", "GIS", "OGC API"]},
            "keywords_type": "theme", "terms_of_service": LICENCE["url"],
            "url": "https://snnmt.bacninh.gov.vn/"},
        "license": LICENCE,
        "provider": {"name": CONTACT["name"], "url": CONTACT["url"]},
        "contact": {"name": CONTACT["name"], "position": "Trung tâm Công nghệ thông tin",
                    "address": "Đường Lý Thái Tổ", "city": "Bắc Ninh",
                    "stateorprovince": "Bắc Ninh", "country": "Việt Nam",
                    "email": CONTACT["email"], "url": CONTACT["url"],
                    "role": "pointOfContact"},
    }


def title_field(layer: registry.Layer) -> str:
    """The attribute naming a feature: the last of the natural key, else a published
    layer's first text attribute, else the id."""
    if layer.natural_key:
        return layer.natural_key[-1]
    texts = [a.name for a in layer.attributes if a.type == "text" and a.name not in layer.sensitive]
    return texts[0] if texts else "id"


def feature_provider(layer: registry.Layer) -> dict:
    """Our fast PostGIS feature provider of one layer (all attributes)."""
    return {"type": "feature", "name": FEATURE_PROVIDER,
            "data": {"database": "default", "table": layer.table, "layer": layer.id},
            "id_field": "id", "time_field": "updated_at",
            "title_field": title_field(layer), "editable": layer.editable,
            "include_extra_query_parameters": True,  # ``after`` (keyset paging)
            "storage_crs": CRS84, "crs": list(OUTPUT_CRS),
            "properties": [a.name for a in schema.attributes(layer)]}


def tile_provider(layer: registry.Layer) -> dict:
    """Our MVT provider of one layer (vector tiles in two tile matrix sets)."""
    return {"type": "tile", "name": TILE_PROVIDER,
            "data": {"database": "default", "table": layer.table, "layer": layer.id},
            "options": {"zoom": {"min": layer.min_zoom, "max": layer.max_zoom},
                        "schemes": ["WebMercatorQuad", "WorldCRS84Quad"]},
            "format": {"name": "mvt", "mimetype": "application/vnd.mapbox-vector-tile"},
            "properties": vector_tiles.viewer_attributes(layer)}


def collection(layer: registry.Layer) -> dict:
    """The pygeoapi resource of one layer."""
    providers = [feature_provider(layer)] + ([tile_provider(layer)] if layer.tiles else [])
    vi_sector, en_sector = SECTOR_KEYWORDS[layer.sector]
    return {
        "type": "collection",
        "title": {"vi": layer.title_vi, "en": layer.title_en},
        "description": {"vi": layer.description_vi, "en": layer.description_en},
        "keywords": {"vi": [vi_sector, layer.title_vi], "en": [en_sector, layer.title_en]},
        "links": [{"type": "text/html", "rel": "license", "title": LICENCE["name"],
                   "href": LICENCE["url"], "hreflang": "vi"}],
        "extents": {"spatial": {"bbox": list(province.BBOX), "crs": CRS84}},
        "providers": providers,
    }


def catalog_collection() -> dict:
    """The OGC API Records catalogue: one record per layer the grant may read."""
    return {
        "type": "collection",
        "title": {"vi": "Danh mục lớp dữ liệu", "en": "Layer catalogue"},
        "description": {"vi": "Siêu dữ liệu của từng lớp dữ liệu nền.",
                        "en": "Metadata records of the base map layers."},
        "keywords": {"vi": ["siêu dữ liệu", "danh mục"], "en": ["metadata", "catalogue"]},
        "links": [],
        "extents": {"spatial": {"bbox": list(province.BBOX), "crs": CRS84}},
        "providers": [{"type": "record", "name": RECORD_PROVIDER,
                       "data": {"database": "default"}, "id_field": "id",
                       "time_field": "updated", "title_field": "title"}],
    }


def full_config(current: catalog.Catalog | None = None) -> dict:
    """The configuration with every live layer and attribute of a catalog (the registry's
    defaults for the committed file; the run-time catalog when serving)."""
    current = current or catalog.registry_catalog()
    resources = {layer.id: collection(layer) for layer in current.layers if layer.features}
    resources[CATALOG_ID] = catalog_collection()
    resources.update(jobs.resources())
    return {"server": server_section(), "logging": {"level": "ERROR"},
            "metadata": metadata_section(), "resources": resources}


HEADER = ("# Generated from layers/registry.py by `manage.py render_configs`; do not edit.\n"
          "# Every layer and attribute; each request sees the view of its grant\n"
          "# (geoserver_app/ogcapi/pygeoapi_config.py: for_grant). No secrets: providers use the\n"
          "# Django database settings (DATABASE_URL or var/pgdata.password).\n")


def render_yaml() -> str:
    """The text of ``pygeoapi-config.yml``."""
    return HEADER + yaml.safe_dump(full_config(), allow_unicode=True, sort_keys=False,
                                   width=100)


def load(path: Path | None = None) -> dict:
    """The committed configuration, ``${ENV}`` placeholders expanded."""
    path = path or Path(settings.BASE_DIR) / CONFIG_FILE
    return yaml_load(io.StringIO(path.read_text()))


def _restrict(provider: dict, layer: registry.Layer, grant: Grant) -> None:
    """Drop the attributes ``grant`` must not see; editable only with the write right."""
    hidden = set(grant.hidden_attributes(layer))
    provider["properties"] = [p for p in provider.get("properties", []) if p not in hidden]
    if provider["type"] == "feature":
        provider["editable"] = bool(provider.get("editable")) and grant.can_write(layer.id)


def for_grant(base: dict, grant: Grant, url: str) -> dict:
    """The view of ``base`` for ``grant``: readable collections, visible attributes only."""
    config = copy.deepcopy(base)
    config["server"]["url"] = url
    visible = {layer.id: layer for layer in grant.visible_layers()}
    resources = {}
    for rid, resource in config["resources"].items():
        if rid == CATALOG_ID:
            resource["providers"][0]["data"].update(layers=list(visible), base_url=url)
            resources[rid] = resource
        elif resource["type"] == "process":
            resources[rid] = resource
        elif rid in visible:
            for provider in resource["providers"]:
                _restrict(provider, visible[rid], grant)
            resources[rid] = resource
    jobs.attach(resources, grant)
    config["resources"] = resources
    return config
