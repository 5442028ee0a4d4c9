# SPDX-License-Identifier: MIT
"""FES 2.0 / OGC Filter 1.1 filters, checked before MapServer sees them.

GeoServer's CVE-2024-36401 came from evaluating property names (XPath) that reached an
expression engine unparsed. Here a filter is parsed (no DTD, no entities, no network),
every element must be a known comparison, logical, spatial or identifier operator (no
``Function``), every property name must be an attribute the caller sees on the requested
types (or the geometry), and the filter MapServer gets is our re-serialisation of the
checked tree, so no parser difference (comments, CDATA, entities) can smuggle anything past.
"""
from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from geoserver_app.ows.exceptions import OwsError, unknown

FES = {"http://www.opengis.net/fes/2.0", "http://www.opengis.net/ogc", ""}
GML = {"http://www.opengis.net/gml/3.2", "http://www.opengis.net/gml"}
MAX_BYTES = 64 * 1024
MAX_DEPTH = 40
OPERATORS = frozenset({
    "Filter", "And", "Or", "Not",
    "PropertyIsEqualTo", "PropertyIsNotEqualTo", "PropertyIsLessThan",
    "PropertyIsGreaterThan", "PropertyIsLessThanOrEqualTo", "PropertyIsGreaterThanOrEqualTo",
    "PropertyIsLike", "PropertyIsNull", "PropertyIsBetween", "LowerBoundary", "UpperBoundary",
    "BBOX", "Intersects", "Within", "Contains", "Disjoint", "Touches", "Crosses", "Overlaps",
    "Equals", "DWithin", "Beyond", "Distance",
    "ResourceId", "FeatureId", "GmlObjectId", "Literal", "ValueReference", "PropertyName"})
NAMES = frozenset({"ValueReference", "PropertyName"})
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                         remove_comments=True, remove_pis=True, strip_cdata=True,
                         huge_tree=False)


def parsing_failed(detail_en: str) -> OwsError:
    return OwsError("OperationParsingFailed", "filter",
                    "Bộ lọc (FILTER) không phải XML FES hợp lệ", detail_en)


def split(element: etree._Element) -> tuple[str, str]:
    qname = etree.QName(element)
    return qname.namespace or "", qname.localname


def check_name(element: etree._Element, known: Callable[[str], str | None]) -> None:
    """A ValueReference / PropertyName: plain text naming a property the caller sees."""
    if len(element):
        raise parsing_failed(f"{split(element)[1]} holds a name, not elements")
    text = (element.text or "").strip()
    checked = known(text)
    if checked is None:
        raise unknown("filter", text)
    element.text = checked


def check_element(element: etree._Element, known: Callable[[str], str | None],
                  depth: int) -> None:
    """One element and its subtree; property names are replaced by their checked form."""
    if depth > MAX_DEPTH:
        raise parsing_failed("the filter is nested too deeply")
    if not isinstance(element.tag, str):
        raise parsing_failed("only elements and text are allowed")
    namespace, name = split(element)
    if namespace not in GML and (namespace not in FES or name not in OPERATORS):
        raise OwsError("OperationParsingFailed", "filter",
                       f"Phép lọc {name!r} không được hỗ trợ",
                       f"filter operator {name!r} is not supported")
    if namespace not in GML and name in NAMES:
        check_name(element, known)
        return
    for child in element:
        check_element(child, known, depth + 1)


def check(text: str, known: Callable[[str], str | None]) -> str:
    """The checked filter, serialised for MapServer; ``known`` maps a property name the
    caller may use to its plain form (None: unknown)."""
    if len(text.encode()) > MAX_BYTES:
        raise parsing_failed(f"the filter is larger than {MAX_BYTES} bytes")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise parsing_failed("document type declarations are not allowed")
    try:
        root = etree.fromstring(text.encode(), PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise parsing_failed(f"malformed XML: {str(exc)[:120]}") from None
    if split(root)[1] != "Filter":
        raise parsing_failed("the root element must be Filter")
    check_element(root, known, 0)
    return etree.tostring(root, encoding="unicode")
