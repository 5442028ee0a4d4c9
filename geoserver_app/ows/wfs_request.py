# SPDX-License-Identifier: MIT
"""A WFS key-value request, checked and rebuilt for mapserv.

MapServer gets a query string written here from checked values, never the caller's text:
type names must be in the caller's view, property names (``propertyName``, ``sortBy``,
filters) must be attributes the caller sees, resource ids are ``type.number``, CRSs are the
four served, ``count`` is capped at ``mapfile.MAX_FEATURES`` (the ``CountDefault`` of the
capabilities; a value that is not a 32-bit number is refused). Parameters not listed here
(``map``, MapServer's vendor options, ...) are dropped.
"""
from __future__ import annotations

import functools
import re

from geoserver_app.ows import fes, mapfile, params
from geoserver_app.ows.exceptions import OwsError, invalid, unknown
from geoserver_app.ows.mapfile import Visible
from geoserver_app.ows.views import View

VERSIONS = ("2.0.0", "1.1.0", "1.0.0")
REQUESTS = {name.lower(): name for name in (
    "GetCapabilities", "DescribeFeatureType", "GetFeature", "ListStoredQueries",
    "DescribeStoredQueries")}
GET_BY_ID = "urn:ogc:def:query:OGC-WFS::GetFeatureById"
FES_LANGUAGE = "urn:ogc:def:query Language:OGC-FES:Filter"
RESOURCE_ID = re.compile(r"^([A-Za-z0-9_:]+)\.(\d{1,18})$")
SORT = re.compile(r"^\s*(\S+?)(?:\s+|\+)?(ASC|DESC|A|D)?\s*$", re.I)
SECTIONS = re.compile(r"^[A-Za-z,]{1,200}$")
JSON = "application/json"
OUTPUT_FORMATS = {
    **{alias: JSON for alias in ("application/json", "json", "geojson", "application/geo+json",
                                  "application/vnd.geo+json", "application/json;subtype=geojson")},
    **{alias.replace(" ", "").lower(): alias for alias in (
        "application/gml+xml; version=3.2", "text/xml; subtype=gml/3.2.1",
        "text/xml; subtype=gml/3.1.1", "text/xml; subtype=gml/2.1.2", "text/xml", "GML2",
        "GML3", "GML32", "XMLSCHEMA", "application/xml")}}
RESULT_TYPES = {"results": "results", "hits": "hits"}


def version_of(query: dict[str, str]) -> str:
    """The WFS version asked for (the newest when none; AcceptVersions' first we speak)."""
    asked = query.get("VERSION", "").strip()
    if not asked:
        accepted = [v.strip() for v in query.get("ACCEPTVERSIONS", "").split(",") if v.strip()]
        if accepted and not any(v in VERSIONS for v in accepted):
            raise OwsError("VersionNegotiationFailed", "acceptversions",
                           "Không có phiên bản WFS chung", "no common WFS version: "
                           + ", ".join(VERSIONS))
        return next((v for v in accepted if v in VERSIONS), VERSIONS[0])
    if asked not in VERSIONS:
        raise invalid("version", asked, "phiên bản: " + ", ".join(VERSIONS),
                      "versions: " + ", ".join(VERSIONS))
    return asked


def version_or_newest(query: dict[str, str]) -> str:
    """The version an error report is written in (the newest when the version is bad)."""
    try:
        return version_of(query)
    except OwsError:
        return VERSIONS[0]


def type_names(text: str, view: View) -> tuple[Visible, ...]:
    """The layers of a ``typeNames`` list (WFS 2.0 parentheses allowed)."""
    names = [n.strip() for n in re.split(r"[,()]", text) if n.strip()]
    found = []
    for name in names:
        layer = view.find(name)
        if layer is None:
            raise unknown("typenames", name)
        found.append(layer)
    return tuple(found)


def properties(text: str, types: tuple[Visible, ...], view: View, locator: str) -> str:
    names = [n.strip() for n in re.split(r"[,()]", text) if n.strip()]
    checked = []
    for name in names:
        plain = view.attribute(types, name)
        if plain is None:
            raise unknown(locator, name)
        checked.append(plain)
    return ",".join(checked)


def sort_by(text: str, types: tuple[Visible, ...], view: View) -> str:
    keys = []
    for part in text.split(","):
        match = SORT.match(part)
        name = view.attribute(types, match[1]) if match else None
        if name is None:
            raise unknown("sortby", part.strip())
        direction = (match[2] or "ASC").upper()
        keys.append(f"{name} {'DESC' if direction.startswith('D') else 'ASC'}")
    return ",".join(keys)


def resource_ids(text: str, view: View) -> tuple[str, tuple[Visible, ...]]:
    ids, types = [], []
    for part in (p.strip() for p in text.split(",")):
        match = RESOURCE_ID.match(part)
        layer = view.find(match[1]) if match else None
        if layer is None:
            raise unknown("resourceid", part)
        ids.append(f"{layer.layer.id}.{match[2]}")
        types.append(layer)
    return ",".join(ids), tuple(dict.fromkeys(types))


def filters(text: str, types: tuple[Visible, ...], view: View) -> str:
    """One checked filter per type (the WFS 2.0 ``(f1)(f2)`` form for several)."""
    text = text.strip()
    parts = re.split(r"\)\s*\(\s*(?=<)", text[1:-1]) if text.startswith("(") else [text]
    if text.startswith("(") and not text.endswith(")"):
        raise fes.parsing_failed("unbalanced parentheses around the filters")
    if len(parts) not in (1, len(types)):
        raise fes.parsing_failed("one filter per type name is expected")
    owners = [types] if len(parts) == 1 else [(one,) for one in types]
    checked = [fes.check(part, functools.partial(view.attribute, own))
               for part, own in zip(parts, owners, strict=True)]
    return checked[0] if len(checked) == 1 else "".join(f"({f})" for f in checked)


def spatial(query: dict[str, str]) -> list[tuple[str, str]]:
    """srsName and BBOX, checked (the served CRSs only)."""
    out = []
    if query.get("SRSNAME", "").strip():
        if params.CRS84.match(query["SRSNAME"].strip()):  # MapServer writes no CRS84
            raise invalid("srsname", query["SRSNAME"], "dùng EPSG:4326", "use EPSG:4326")
        out.append(("SRSNAME", params.mapserver_crs(query["SRSNAME"], "srsname")))
    if query.get("BBOX", "").strip():
        parts = query["BBOX"].split(",")
        if len(parts) not in (4, 5):
            raise invalid("bbox", query["BBOX"], "minx,miny,maxx,maxy[,crs]",
                          "minx,miny,maxx,maxy[,crs] is expected")
        corners = params.numbers(",".join(parts[:4]), "bbox", 4)
        crs = [params.mapserver_crs(parts[4], "bbox")] if len(parts) == 5 else []
        out.append(("BBOX", ",".join([*(f"{x:.12g}" for x in corners), *crs])))
    return out


def selection(query: dict[str, str], view: View) -> tuple[list[tuple[str, str]], tuple[Visible, ...]]:
    """Which features: type names, resource ids or the GetFeatureById stored query."""
    stored = query.get("STOREDQUERY_ID", "").strip()
    if stored and stored != GET_BY_ID:
        raise unknown("storedquery_id", stored)
    ids = query.get("ID", "") if stored else (query.get("RESOURCEID") or query.get("FEATUREID", ""))
    if ids.strip():
        checked, types = resource_ids(ids, view)
        key = "ID" if stored else ("RESOURCEID" if "RESOURCEID" in query else "FEATUREID")
        return ([("STOREDQUERY_ID", GET_BY_ID)] if stored else []) + [(key, checked)], types
    names = query.get("TYPENAMES") or query.get("TYPENAME", "")
    types = type_names(params.required({"TYPENAMES": names}, "TYPENAMES"), view)
    return [("TYPENAMES" if "TYPENAMES" in query else "TYPENAME",
             ",".join(t.layer.id for t in types))], types


def get_feature(query: dict[str, str], view: View) -> list[tuple[str, str]]:
    chosen, types = selection(query, view)
    out = [*chosen, *spatial(query)]
    count = params.integer(query, "COUNT") if "COUNT" in query else params.integer(query, "MAXFEATURES")
    if count is not None:
        out.append(("COUNT" if "COUNT" in query else "MAXFEATURES", str(min(count, mapfile.MAX_FEATURES))))
    start = params.integer(query, "STARTINDEX")
    if start is not None:
        out.append(("STARTINDEX", str(start)))
    out.append(("RESULTTYPE", params.one_of(query, "RESULTTYPE", RESULT_TYPES, "results")))
    if query.get("PROPERTYNAME", "").strip():
        out.append(("PROPERTYNAME", properties(query["PROPERTYNAME"], types, view, "propertyname")))
    if query.get("SORTBY", "").strip():
        out.append(("SORTBY", sort_by(query["SORTBY"], types, view)))
    if query.get("FILTER", "").strip():
        if "BBOX" in dict(out):
            raise OwsError("InvalidParameterValue", "filter", "Không dùng BBOX cùng FILTER",
                           "BBOX and FILTER are mutually exclusive")
        language = query.get("FILTER_LANGUAGE", FES_LANGUAGE).strip()
        if language != FES_LANGUAGE:
            raise invalid("filter_language", language, FES_LANGUAGE, FES_LANGUAGE)
        out.append(("FILTER", filters(query["FILTER"], types, view)))
    return out


def output_format(query: dict[str, str]) -> list[tuple[str, str]]:
    if not query.get("OUTPUTFORMAT", "").strip():
        return []
    return [("OUTPUTFORMAT", params.one_of(query, "OUTPUTFORMAT", OUTPUT_FORMATS, ""))]


def build(query: dict[str, str], view: View) -> tuple[str, list[tuple[str, str]]]:
    """The WFS version and the checked parameters for mapserv."""
    service = query.get("SERVICE", "WFS").strip().upper() or "WFS"
    if service != "WFS":
        raise invalid("service", query["SERVICE"], "WFS", "WFS")
    version = version_of(query)
    asked = params.required(query, "REQUEST")
    request = REQUESTS.get(asked.lower())
    if request is None:
        raise params.not_supported(f"thao tác {asked[:40]!r} (operation)", "request")
    base = [("SERVICE", "WFS"), ("VERSION", version), ("REQUEST", request)]
    if request == "GetCapabilities":
        sections = query.get("SECTIONS", "").strip()
        return version, base + ([("SECTIONS", sections)] if SECTIONS.match(sections) else [])
    if request == "DescribeFeatureType":
        names = query.get("TYPENAMES") or query.get("TYPENAME", "")
        types = type_names(names, view) if names.strip() else ()
        chosen = [("TYPENAME", ",".join(t.layer.id for t in types))] if types else []
        return version, base + chosen + output_format(query)
    if request == "DescribeStoredQueries":
        return version, base + [("STOREDQUERY_ID", GET_BY_ID)]
    if request == "ListStoredQueries":
        return version, base
    return version, base + get_feature(query, view) + output_format(query)
