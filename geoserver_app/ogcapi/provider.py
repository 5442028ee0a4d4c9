# SPDX-License-Identifier: MIT
"""A fast PostGIS feature provider for pygeoapi (loaded by its dotted path from the config).

One SQL statement per page over a per-process connection pool; only the attributes listed in
the provider's ``properties`` (the grant's view) are ever selected.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pygeoapi.provider.base import (
    BaseProvider,
    ProviderInvalidQueryError,
    ProviderItemNotFoundError,
)

from geoserver_app.ogcapi import cql, db, dispatch, queries, schema
from layers import catalog, registry

MAX_OFFSET = 2**31 - 1  # PostgreSQL's OFFSET is a bigint; deep pages use the keyset link
CRS84_URIS = {"http://www.opengis.net/def/crs/OGC/1.3/CRS84",
              "http://www.opengis.net/def/crs/OGC/1.3/CRS84h"}


class BadParameter(ProviderInvalidQueryError):
    """A query parameter this provider cannot use; the message names it."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(reason, user_msg=f"{name}: {reason}")


def target_srid(crs_transform_spec: object | None) -> int:
    """The output SRID of a pygeoapi CrsTransformSpec (None: CRS84 as stored)."""
    if crs_transform_spec is None:
        return queries.CRS84_SRID
    uri = crs_transform_spec.target_crs_uri
    if uri in CRS84_URIS:
        return queries.CRS84_SRID
    code = uri.rstrip("/").rsplit("/", 1)[-1]
    if not code.isdigit() or int(code) not in queries.SUPPORTED_SRIDS:
        raise BadParameter("crs", f"unsupported CRS {uri}")
    return int(code)


def keyset_next(url: str | None, last_id: int) -> dict | None:
    """The ``next`` link of a page in id order: ``after=<last id>`` instead of an offset.

    A deep page then costs an index range scan, not the skipping of ``offset`` rows, and
    inserts between two requests cannot shift the pages.
    """
    if url is None:
        return None
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("offset", "after")]
    query.append(("after", str(last_id)))
    return {"rel": "next", "type": "application/geo+json", "title": "Items (next)",
            "href": urlunsplit(parts._replace(query=urlencode(query)))}


def parse_instant(text: str) -> dt.datetime | None:
    """One end of a datetime interval ('..' or empty: open)."""
    if text in ("", ".."):
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            value = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        except ValueError:
            raise BadParameter("datetime", f"not an RFC 3339 date-time: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class PostGISProvider(BaseProvider):
    """Features of one registry layer table (``data: {database, table}``)."""

    def __init__(self, provider_def: dict) -> None:
        super().__init__(provider_def)
        self.layer = catalog.current().get(provider_def["data"]["layer"])
        self.database = provider_def["data"].get("database", "default")
        visible = set(self.properties)
        self.attributes = tuple(a for a in schema.attributes(self.layer) if a.name in visible)
        self._fields = {a.name: self._field(a) for a in self.attributes}

    def _field(self, attribute: schema.Attribute) -> dict:
        field = attribute.json_schema()
        if attribute.name == "land_use_code":
            field["values"] = list(registry.LAND_USE_CODES)
        return field

    def get_fields(self) -> dict:
        return self._fields

    # --- reading -------------------------------------------------------------------------
    def query(self, offset: int = 0, limit: int = 10, resulttype: str = "results",
              bbox: list | None = None, datetime_: str | None = None,
              properties: list | None = None, sortby: list | None = None,
              select_properties: list | None = None, skip_geometry: bool = False,
              q: str | None = None, filterq: object | None = None,
              crs_transform_spec: object | None = None, **kwargs) -> dict:
        """A FeatureCollection page (one statement), or only numberMatched for hits."""
        page = self.build_page(offset, limit, bbox, datetime_, properties, sortby,
                               select_properties, skip_geometry, filterq, crs_transform_spec)
        if resulttype == "hits":
            return {"type": "FeatureCollection", "features": [],
                    "numberMatched": self._fetch(*queries.count_matched(page))[0]}
        features, returned, last_id, changed, matched = self._fetch(
            *queries.collection_page(page, self.layer.id))
        dispatch.LAST_MODIFIED.set(changed)
        result = {"type": "FeatureCollection", "features": features, "numberMatched": matched,
                  "numberReturned": returned}
        if not page.order and returned == limit:
            link = keyset_next(dispatch.REQUEST_URL.get(), last_id)
            result["links"] = [link] if link else []
        return result

    def build_page(self, offset: int = 0, limit: int = 10, bbox: list | None = None,
                   datetime_: str | None = None, properties: list | None = None,
                   sortby: list | None = None, select_properties: list | None = None,
                   skip_geometry: bool = False, filterq: object | None = None,
                   crs_transform_spec: object | None = None) -> queries.Page:
        """The page a query selects (shared with the fast path, fastpath.py)."""
        page = self._page(select_properties, crs_transform_spec, skip_geometry, limit, offset)
        self._filter(page, bbox or [], datetime_, properties or [], filterq)
        page.order = self._order(sortby or [])
        return page

    def get(self, identifier: str, crs_transform_spec: object | None = None, **kwargs) -> dict:
        """One feature by id; 404 when absent (or not an integer)."""
        if not str(identifier).isdigit() or int(identifier) > queries.MAX_ID:
            raise ProviderItemNotFoundError(user_msg=f"no feature {identifier!r}")
        columns = [a.name for a in self.attributes]
        row = self._fetch(queries.one_feature(self.layer.table, columns,
                                              target_srid(crs_transform_spec)),
                          [int(identifier)])
        if row is None:
            raise ProviderItemNotFoundError(
                user_msg=f"không có đối tượng {identifier} (no feature {identifier})")
        feature, _version, updated_at = row
        dispatch.LAST_MODIFIED.set(updated_at)
        return feature

    def _page(self, select: list | None, crs_spec: object | None, skip_geometry: bool,
              limit: int, offset: int) -> queries.Page:
        if offset > MAX_OFFSET:
            raise BadParameter("offset", f"at most {MAX_OFFSET:,}; page with the next link "
                                         "(after=...) instead")
        columns = [a.name for a in self.attributes]
        if select:
            columns = [c for c in columns if c in select]
        return queries.Page(self.layer.table, columns, target_srid(crs_spec), skip_geometry,
                            limit=limit, offset=offset)

    def _filter(self, page: queries.Page, bbox: list, datetime_: str | None,
                properties: list, filterq: object | None) -> None:
        if bbox:
            if len(bbox) == 6:
                bbox = [bbox[0], bbox[1], bbox[3], bbox[4]]
            page.where(queries.BBOX_CONDITION, *map(float, bbox))
        if datetime_:
            self._time(page, datetime_)
        self._properties(page, properties)
        if filterq is not None:
            columns = {a.name for a in self.attributes} | {"id"}
            condition, params = cql.to_sql(filterq, columns, queries.sql.SQL("t.geom_4326"))
            page.where(condition, *params)

    def _properties(self, page: queries.Page, properties: list) -> None:
        """Attribute equality, and ``after`` (keyset paging); other parameters are ignored."""
        columns = {a.name for a in self.attributes}
        for name, value in properties:
            if name == "after":
                if not str(value).isdigit() or int(value) > queries.MAX_ID:
                    raise BadParameter("after", "cần mã đối tượng (an integer id is required)")
                page.where(queries.AFTER_ID, int(value))
            elif name in columns:
                page.where(queries.equals_text(name), str(value))

    def _time(self, page: queries.Page, datetime_: str) -> None:
        start, _, end = datetime_.partition("/")
        begin = parse_instant(start)
        if not _:
            page.where(queries.sql.SQL("t.updated_at = %s"), begin)
            return
        finish = parse_instant(end)
        if begin is not None:
            page.where(queries.TIME_AFTER, begin)
        if finish is not None:
            page.where(queries.TIME_BEFORE, finish)

    def _order(self, sortby: list) -> list[tuple[str, bool]]:
        known = {a.name for a in self.attributes} | {"id"}
        order = []
        for key in sortby:
            if key["property"] not in known:
                raise BadParameter("sortby", f"unknown property {key['property']!r}")
            order.append((key["property"], key["order"] == "-"))
        return order

    def _fetch(self, query: object, params: list) -> tuple | None:
        return db.fetch_one(query, params, self.database)

    def __repr__(self) -> str:
        return f"<PostGISProvider> {self.layer.id}"
