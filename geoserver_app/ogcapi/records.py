# SPDX-License-Identifier: MIT
"""OGC API Records: a catalogue with one record per layer the grant may read.

The records are built from the run-time catalog (titles, descriptions, keywords, licence,
contact), overlaid with the ISO 19115 metadata analysts edit in the admin
(``layer_metadata``), and the database (extent from statistics, last update time),
searchable by ``q`` and ``bbox``. The grant's layers arrive in the provider definition
(``data.layers``), so the public catalogue has no record of an internal layer: the
catalog's access level decides, for the records as for the data.
"""
from __future__ import annotations

import datetime as dt

from psycopg2 import sql
from pygeoapi.provider.base import BaseProvider, ProviderItemNotFoundError

from geoserver_app.ogcapi import db, pygeoapi_config
from layers import catalog, province, registry

_LAYER_FACTS = sql.SQL(
    "SELECT {layer}, (SELECT max(updated_at) FROM {table}), "
    "ST_EstimatedExtent('public', {layer}, 'geom_4326')::box2d::text")


_METADATA = sql.SQL(
    "SELECT layer, title, abstract, keywords, topic_category, lineage, licence, "
    "contact_organisation, contact_email, update_frequency FROM layer_metadata "
    "WHERE layer = ANY(%s)")
_METADATA_COLUMNS = ("title", "abstract", "keywords", "topic_category", "lineage", "licence",
                     "contact_organisation", "contact_email", "update_frequency")


def with_metadata(rec: dict, meta: dict | None) -> dict:
    """The record with what the analysts wrote in the layer's ISO 19115 metadata (admin)."""
    if not meta:
        return rec
    props = rec["properties"]
    words = [w.strip() for w in (meta["keywords"] or "").split(",") if w.strip()]
    props.update(title=meta["title"] or props["title"],
                 description=meta["abstract"] or props["description"],
                 keywords=list(dict.fromkeys([*props["keywords"], *words])),
                 themes=[{"concepts": [{"id": meta["topic_category"]}],
                          "scheme": "ISO 19115 MD_TopicCategoryCode"}]
                 if meta["topic_category"] else [],
                 lineage=meta["lineage"] or None,
                 updateFrequency=meta["update_frequency"] or None,
                 license=meta["licence"] or props["license"])
    if meta["contact_organisation"]:
        props["contacts"] = [{"organization": meta["contact_organisation"],
                              "emails": [{"value": meta["contact_email"]}]
                              if meta["contact_email"] else [],
                              "roles": ["pointOfContact"]}]
    return rec


def _facts_query(layers: list[registry.Layer]) -> sql.Composable:
    return sql.SQL(" UNION ALL ").join(
        _LAYER_FACTS.format(layer=sql.Literal(layer.table), table=sql.Identifier(layer.table))
        for layer in layers)


def _parse_box(text: str | None) -> list[float]:
    """'BOX(x1 y1,x2 y2)' to [x1, y1, x2, y2]; the province bbox when unknown."""
    if not text:
        return list(province.BBOX)
    low, high = text[4:-1].split(",")
    return [float(v) for v in (*low.split(), *high.split())]


def record(layer: registry.Layer, updated: dt.datetime | None, bbox: list[float],
           base_url: str) -> dict:
    """The record of one layer (OGC API Records core, GeoJSON encoding)."""
    vi_sector, en_sector = registry.SECTOR_TITLES[layer.sector]
    collection = f"{base_url}/collections/{layer.id}"
    x1, y1, x2, y2 = bbox
    return {
        "id": layer.id, "type": "Feature", "conformsTo": [
            "http://www.opengis.net/spec/ogcapi-records-1/1.0/req/record-core"],
        "geometry": {"type": "Polygon",
                     "coordinates": [[[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]]]},
        "time": None,
        "properties": {
            "type": "dataset", "title": layer.title_vi, "title_en": layer.title_en,
            "description": layer.description_vi, "description_en": layer.description_en,
            "keywords": [vi_sector, en_sector, layer.title_vi, layer.title_en],
            "language": {"code": "vi"}, "languages": [{"code": "vi"}, {"code": "en"}],
            "license": pygeoapi_config.LICENCE["name"],
            "crs": list(pygeoapi_config.OUTPUT_CRS),
            "contacts": [{"organization": pygeoapi_config.CONTACT["name"],
                          "emails": [{"value": pygeoapi_config.CONTACT["email"]}],
                          "roles": ["pointOfContact"]}],
            "updated": updated.isoformat() if updated else None,
        },
        "links": [
            {"rel": "related", "type": "application/json", "href": collection,
             "title": "OGC API Features collection"},
            {"rel": "items", "type": "application/geo+json", "href": f"{collection}/items"},
            {"rel": "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector",
             "type": "application/json", "href": f"{collection}/tiles"},
            {"rel": "license", "type": "text/html", "href": pygeoapi_config.LICENCE["url"]},
        ],
    }


def _matches(rec: dict, q: str | None, bbox: list | None) -> bool:
    props = rec["properties"]
    if q:
        text = " ".join([props["title"], props["title_en"], props["description"],
                         props["description_en"], *props["keywords"]]).casefold()
        if not all(word.casefold() in text for word in q.split()):
            return False
    if bbox:
        x1, y1, x2, y2 = bbox[0], bbox[1], bbox[-2], bbox[-1]
        (rx1, ry1), _, (rx2, ry2) = rec["geometry"]["coordinates"][0][:3]
        if rx1 > x2 or rx2 < x1 or ry1 > y2 or ry2 < y1:
            return False
    return True


class CatalogProvider(BaseProvider):
    """Records of the layers listed in ``data.layers`` (the grant's view)."""

    def __init__(self, provider_def: dict) -> None:
        super().__init__(provider_def)
        self.layers = [catalog.current().get(i) for i in provider_def["data"].get("layers", [])]
        self.database = provider_def["data"].get("database", "default")
        self.base_url = provider_def["data"].get("base_url", "")
        self._fields = {"title": {"type": "string"}, "description": {"type": "string"},
                        "keywords": {"type": "string"}, "type": {"type": "string"},
                        "updated": {"type": "string", "format": "date-time"}}

    def get_fields(self) -> dict:
        return self._fields

    def _records(self) -> list[dict]:
        if not self.layers:
            return []
        with db.connection(self.database) as conn, conn.cursor() as cursor:
            cursor.execute(_facts_query(self.layers))
            facts = {row[0]: row[1:] for row in cursor.fetchall()}
            cursor.execute(_METADATA, [[layer.id for layer in self.layers]])
            metadata = {row[0]: dict(zip(_METADATA_COLUMNS, row[1:], strict=True))
                        for row in cursor.fetchall()}
        return [with_metadata(record(layer, facts[layer.table][0],
                                     _parse_box(facts[layer.table][1]), self.base_url),
                              metadata.get(layer.id)) for layer in self.layers]

    def query(self, offset: int = 0, limit: int = 10, resulttype: str = "results",
              bbox: list | None = None, q: str | None = None, sortby: list | None = None,
              **kwargs) -> dict:
        """Records matching ``q`` (every word, vi or en) and ``bbox``, sorted by ``sortby``."""
        found = [r for r in self._records() if _matches(r, q, bbox)]
        for key in reversed(sortby or []):
            found.sort(key=lambda r, name=key["property"]: str(r["properties"].get(name) or ""),
                       reverse=key["order"] == "-")
        page = [] if resulttype == "hits" else found[offset:offset + limit]
        return {"type": "FeatureCollection", "features": page, "numberMatched": len(found),
                "numberReturned": len(page)}

    def get(self, identifier: str, **kwargs) -> dict:
        for rec in self._records():
            if rec["id"] == identifier:
                return rec
        raise ProviderItemNotFoundError(user_msg=f"no record {identifier!r}")

    def __repr__(self) -> str:
        return "<CatalogProvider>"
