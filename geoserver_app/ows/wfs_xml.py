# SPDX-License-Identifier: MIT
"""XML-encoded (POST) WFS requests read into the same parameters as key-value requests.

A ``GetCapabilities``, ``DescribeFeatureType`` or ``GetFeature`` document (one ``Query``;
its ``Filter``, ``PropertyName`` and ``SortBy``) becomes the parameters
``wfs_request.build`` checks, and mapserv gets the same rebuilt key-value request as for a
GET: it never reads the caller's document. Anything else (transactions, several queries,
stored queries by document) is refused as not supported.
"""
from __future__ import annotations

from lxml import etree

from geoserver_app.ows import fes, params
from geoserver_app.ows.exceptions import OwsError

MAX_BYTES = 1024 * 1024
ATTRIBUTES = {"service": "SERVICE", "version": "VERSION", "outputformat": "OUTPUTFORMAT",
              "count": "COUNT", "maxfeatures": "MAXFEATURES", "startindex": "STARTINDEX",
              "resulttype": "RESULTTYPE"}


def local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local(child) == name]


def attributes(element: etree._Element) -> dict[str, str]:
    found = {etree.QName(key).localname.lower(): value for key, value in element.attrib.items()}
    return {ATTRIBUTES[key]: value for key, value in found.items() if key in ATTRIBUTES}


def sort_by(element: etree._Element) -> str:
    keys = []
    for prop in children(element, "SortProperty"):
        name = [c.text or "" for c in prop if local(c) in ("ValueReference", "PropertyName")]
        order = [c.text or "" for c in prop if local(c) == "SortOrder"]
        keys.append(f"{''.join(name).strip()} {''.join(order).strip() or 'ASC'}")
    return ",".join(keys)


def query_parameters(query: etree._Element) -> dict[str, str]:
    """The parameters of a GetFeature's one Query."""
    found = {etree.QName(key).localname.lower(): value for key, value in query.attrib.items()}
    out = {"TYPENAMES": found.get("typenames") or found.get("typename", "")}
    if found.get("srsname"):
        out["SRSNAME"] = found["srsname"]
    names = [(c.text or "").strip() for c in query if local(c) == "PropertyName"]
    if names:
        out["PROPERTYNAME"] = ",".join(names)
    for child in query:
        if local(child) == "Filter":
            out["FILTER"] = etree.tostring(child, encoding="unicode")
        elif local(child) == "SortBy":
            out["SORTBY"] = sort_by(child)
    return out


def get_feature(root: etree._Element) -> dict[str, str]:
    queries = children(root, "Query")
    if len(queries) != 1:
        raise params.not_supported("yêu cầu GetFeature không có đúng một Query (one Query)",
                                   "query")
    return {**attributes(root), "REQUEST": "GetFeature", **query_parameters(queries[0])}


def read(body: bytes) -> dict[str, str]:
    """The key-value parameters of an XML request."""
    if len(body) > MAX_BYTES:
        raise OwsError("OperationParsingFailed", "request", "Yêu cầu quá lớn",
                       f"the request is larger than {MAX_BYTES} bytes")
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise OwsError("OperationParsingFailed", "request", "Yêu cầu XML không hợp lệ",
                       "document type declarations are not allowed")
    try:
        root = etree.fromstring(body, fes.PARSER)
    except (etree.XMLSyntaxError, ValueError):
        raise OwsError("OperationParsingFailed", "request", "Yêu cầu XML không hợp lệ",
                       "the request is not well-formed XML") from None
    request = local(root)
    if request == "GetFeature":
        return get_feature(root)
    if request == "GetCapabilities":
        versions = [v.text or "" for element in root.iter() if local(element) == "Version"
                    for v in [element]]
        return {**attributes(root), "REQUEST": request, "ACCEPTVERSIONS": ",".join(versions)}
    if request == "DescribeFeatureType":
        names = [(c.text or "").strip() for c in children(root, "TypeName")]
        return {**attributes(root), "REQUEST": request, "TYPENAMES": ",".join(names)}
    raise params.not_supported(f"thao tác {request[:40]!r} (operation)", "request")
