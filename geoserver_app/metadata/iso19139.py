# SPDX-License-Identifier: MIT
"""ISO 19139 (gmd) XML of a layer's metadata, built with lxml."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from lxml import etree

from geoserver_app.metadata.models import LayerMetadata

GMD = "http://www.isotc211.org/2005/gmd"
GCO = "http://www.isotc211.org/2005/gco"
GML = "http://www.opengis.net/gml"
XLINK = "http://www.w3.org/1999/xlink"
NSMAP = {"gmd": GMD, "gco": GCO, "gml": GML, "xlink": XLINK}
CODELISTS = "http://standards.iso.org/iso/19139/resources/gmxCodelists.xml"


def _el(parent: etree._Element, ns: str, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)


def _text(parent: etree._Element, tag: str, value: object, kind: str = "CharacterString") -> None:
    """``<gmd:tag><gco:kind>value</gco:kind></gmd:tag>``."""
    _el(_el(parent, GMD, tag), GCO, kind).text = str(value)


def _code(parent: etree._Element, tag: str, codelist: str, value: str) -> None:
    holder = _el(parent, GMD, tag)
    _el(holder, GMD, codelist, codeList=f"{CODELISTS}#{codelist}",
        codeListValue=value).text = value


def _contact(parent: etree._Element, tag: str, meta: LayerMetadata) -> None:
    party = _el(_el(parent, GMD, tag), GMD, "CI_ResponsibleParty")
    if meta.contact_person:
        _text(party, "individualName", meta.contact_person)
    _text(party, "organisationName", meta.contact_organisation)
    if meta.contact_email:
        info = _el(_el(party, GMD, "contactInfo"), GMD, "CI_Contact")
        address = _el(_el(info, GMD, "address"), GMD, "CI_Address")
        _text(address, "electronicMailAddress", meta.contact_email)
    _code(party, "role", "CI_RoleCode", "pointOfContact")


def _citation(parent: etree._Element, meta: LayerMetadata, last_update: datetime | None) -> None:
    citation = _el(_el(parent, GMD, "citation"), GMD, "CI_Citation")
    _text(citation, "title", meta.title)
    when = (last_update or meta.updated_at).date()
    ci_date = _el(_el(citation, GMD, "date"), GMD, "CI_Date")
    _text(ci_date, "date", when.isoformat(), "Date")
    _code(ci_date, "dateType", "CI_DateTypeCode", "revision")
    _text(_el(_el(citation, GMD, "identifier"), GMD, "MD_Identifier"), "code", meta.layer)


def _keywords(parent: etree._Element, meta: LayerMetadata) -> None:
    words = [w.strip() for w in meta.keywords.split(",") if w.strip()]
    if words:
        block = _el(_el(parent, GMD, "descriptiveKeywords"), GMD, "MD_Keywords")
        for word in words:
            _text(block, "keyword", word)


def _constraints(parent: etree._Element, meta: LayerMetadata) -> None:
    legal = _el(_el(parent, GMD, "resourceConstraints"), GMD, "MD_LegalConstraints")
    if meta.licence:
        _text(legal, "useLimitation", meta.licence)
    _code(legal, "accessConstraints", "MD_RestrictionCode", "license")
    security = _el(_el(parent, GMD, "resourceConstraints"), GMD, "MD_SecurityConstraints")
    _code(security, "classification", "MD_ClassificationCode",
          "unclassified" if meta.public else "restricted")


def _resolution(parent: etree._Element, meta: LayerMetadata) -> None:
    if meta.scale_denominator:
        resolution = _el(_el(parent, GMD, "spatialResolution"), GMD, "MD_Resolution")
        scale = _el(_el(resolution, GMD, "equivalentScale"), GMD, "MD_RepresentativeFraction")
        _text(scale, "denominator", meta.scale_denominator, "Integer")
    if meta.resolution_m:
        resolution = _el(_el(parent, GMD, "spatialResolution"), GMD, "MD_Resolution")
        _el(_el(resolution, GMD, "distance"), GCO, "Distance", uom="m").text = (
            f"{meta.resolution_m:g}")


def _extent(parent: etree._Element, meta: LayerMetadata, bbox: Sequence[float]) -> None:
    extent = _el(_el(parent, GMD, "extent"), GMD, "EX_Extent")
    box = _el(_el(extent, GMD, "geographicElement"), GMD, "EX_GeographicBoundingBox")
    for tag, value in zip(("westBoundLongitude", "eastBoundLongitude", "southBoundLatitude",
                           "northBoundLatitude"), (bbox[0], bbox[2], bbox[1], bbox[3]),
                          strict=True):
        _text(box, tag, f"{value:.6f}", "Decimal")
    if meta.temporal_start or meta.temporal_end:
        temporal = _el(_el(extent, GMD, "temporalElement"), GMD, "EX_TemporalExtent")
        period = _el(_el(temporal, GMD, "extent"), GML, "TimePeriod",
                     **{f"{{{GML}}}id": f"period-{meta.layer}"})
        _el(period, GML, "beginPosition").text = _iso(meta.temporal_start)
        end = _el(period, GML, "endPosition")
        if meta.temporal_end:
            end.text = meta.temporal_end.isoformat()
        else:
            end.set("indeterminatePosition", "now")


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _identification(root: etree._Element, meta: LayerMetadata, bbox: Sequence[float],
                    last_update: datetime | None) -> None:
    ident = _el(_el(root, GMD, "identificationInfo"), GMD, "MD_DataIdentification")
    _citation(ident, meta, last_update)
    _text(ident, "abstract", meta.abstract)
    _contact(ident, "pointOfContact", meta)
    maintenance = _el(_el(ident, GMD, "resourceMaintenance"), GMD, "MD_MaintenanceInformation")
    _code(maintenance, "maintenanceAndUpdateFrequency", "MD_MaintenanceFrequencyCode",
          meta.update_frequency)
    _keywords(ident, meta)
    _constraints(ident, meta)
    _code(ident, "spatialRepresentationType", "MD_SpatialRepresentationTypeCode", "vector")
    _resolution(ident, meta)
    _code(ident, "language", "LanguageCode", "vie")
    _el(_el(ident, GMD, "topicCategory"), GMD, "MD_TopicCategoryCode").text = (
        meta.topic_category)
    _extent(ident, meta, bbox)


def _lineage(root: etree._Element, meta: LayerMetadata) -> None:
    quality = _el(_el(root, GMD, "dataQualityInfo"), GMD, "DQ_DataQuality")
    scope = _el(_el(quality, GMD, "scope"), GMD, "DQ_Scope")
    _code(scope, "level", "MD_ScopeCode", "dataset")
    lineage = _el(_el(quality, GMD, "lineage"), GMD, "LI_Lineage")
    _text(lineage, "statement", meta.lineage or meta.abstract)


def render(meta: LayerMetadata, bbox: Sequence[float], last_update: datetime | None) -> bytes:
    """The ISO 19139 document of ``meta``; ``bbox`` is (west, south, east, north) in WGS 84."""
    root = etree.Element(f"{{{GMD}}}MD_Metadata", nsmap=NSMAP)
    _text(root, "fileIdentifier", f"basemap-{meta.layer}")
    _code(root, "language", "LanguageCode", "vie")
    _code(root, "characterSet", "MD_CharacterSetCode", "utf8")
    _code(root, "hierarchyLevel", "MD_ScopeCode", "dataset")
    _contact(root, "contact", meta)
    _text(root, "dateStamp", meta.updated_at.isoformat(timespec="seconds"), "DateTime")
    _text(root, "metadataStandardName", "ISO 19115:2003/19139")
    _text(root, "metadataStandardVersion", "1.0")
    rs = _el(_el(root, GMD, "referenceSystemInfo"), GMD, "MD_ReferenceSystem")
    identifier = _el(_el(rs, GMD, "referenceSystemIdentifier"), GMD, "RS_Identifier")
    _text(identifier, "code", meta.reference_system)
    _text(identifier, "codeSpace", "EPSG")
    _identification(root, meta, bbox, last_update)
    _lineage(root, meta)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
