# SPDX-License-Identifier: MIT
"""Key-value parameters of an OGC web service request: one small parser per kind."""
from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl

from geoserver_app.ows.exceptions import OwsError, invalid, missing

# EPSG codes served, in every spelling clients use
SRS_CODES = (4326, 9214, 3857, 3405)
CRS_FORMS = (re.compile(r"^EPSG:(\d+)$", re.I), re.compile(r"^urn:(?:x-)?ogc:def:crs:EPSG:[\d.]*:(\d+)$", re.I),
             re.compile(r"^https?://www\.opengis\.net/def/crs/EPSG/0/(\d+)$", re.I),
             re.compile(r"^https?://www\.opengis\.net/gml/srs/epsg\.xml#(\d+)$", re.I))
CRS84 = re.compile(r"^(?:urn:ogc:def:crs:OGC:1\.3:CRS84|CRS:84|https?://www\.opengis\.net/def/crs/OGC/1\.3/CRS84)$",
                   re.I)
INT_MAX = 2 ** 31 - 1


def read(query: str) -> dict[str, str]:
    """The parameters by upper-case name (a repeated name: the last one)."""
    return {key.upper(): value for key, value in parse_qsl(query, keep_blank_values=True)}


def required(params: dict[str, str], key: str) -> str:
    value = params.get(key, "").strip()
    if not value:
        raise missing(key.lower())
    return value


def integer(params: dict[str, str], key: str, default: int | None = None) -> int | None:
    """A non-negative integer parameter; larger than a 32-bit integer is refused."""
    text = params.get(key, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) > INT_MAX:
        raise invalid(key.lower(), text, f"cần số nguyên từ 0 đến {INT_MAX}",
                      f"a whole number from 0 to {INT_MAX} is expected")
    return int(text)


def crs_code(value: str, locator: str) -> int:
    """The EPSG code of a served CRS in any usual spelling (CRS84 is 4326)."""
    value = value.strip()
    if CRS84.match(value):
        return 4326
    for form in CRS_FORMS:
        match = form.match(value)
        if match and int(match[1]) in SRS_CODES:
            return int(match[1])
    raise invalid(locator, value, "hệ tọa độ được hỗ trợ: " + ", ".join(f"EPSG:{c}" for c in SRS_CODES),
                  "supported CRS: " + ", ".join(f"EPSG:{c}" for c in SRS_CODES))


def mapserver_crs(value: str, locator: str) -> str:
    """A served CRS as MapServer reads it: ``EPSG:n`` kept, URNs and URIs as the URN (both
    mean the EPSG axis order), CRS84 as its URN."""
    code = crs_code(value, locator)
    if CRS84.match(value.strip()):
        return "urn:ogc:def:crs:OGC:1.3:CRS84"
    return value.strip() if CRS_FORMS[0].match(value.strip()) else f"urn:ogc:def:crs:EPSG::{code}"


def numbers(value: str, locator: str, count: int) -> list[float]:
    """``count`` finite comma-separated numbers."""
    parts = value.split(",")
    try:
        result = [float(part) for part in parts[:count]]
    except ValueError:
        result = []
    if len(result) != count or not all(math.isfinite(x) for x in result):
        raise invalid(locator, value, f"cần {count} số cách nhau bởi dấu phẩy",
                      f"{count} comma-separated numbers are expected")
    return result


def one_of(params: dict[str, str], key: str, allowed: dict[str, str], default: str) -> str:
    """A parameter from a closed list (matched case-insensitively, spaces ignored)."""
    text = params.get(key, "").strip()
    if not text:
        return default
    found = allowed.get(re.sub(r"\s+", "", text).lower())
    if found is None:
        raise invalid(key.lower(), text, "giá trị cho phép: " + ", ".join(sorted(set(allowed.values()))),
                      "allowed: " + ", ".join(sorted(set(allowed.values()))))
    return found


def not_supported(what: str, locator: str) -> OwsError:
    return OwsError("OperationNotSupported", locator, f"Không hỗ trợ {what}",
                    f"{what} is not supported")
