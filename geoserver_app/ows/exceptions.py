# SPDX-License-Identifier: MIT
"""OGC exception reports of the WFS (OWS Common) and of WMS GetFeatureInfo.

Every refusal carries an OGC code (``InvalidParameterValue``, ``OperationParsingFailed``,
``MissingParameterValue``, ``OperationNotSupported``, ``LayerNotDefined``, ``InvalidPoint``,
...), the parameter it is about (``locator``) and a Vietnamese message with the English after
it. A name the caller may not see is refused exactly like a name that does not exist, so
the error tells nothing about what is hidden.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from xml.sax.saxutils import escape, quoteattr

from geoserver_app import errors

OWS_11 = "http://www.opengis.net/ows/1.1"
OWS_10 = "http://www.opengis.net/ows"
WMS_13 = "http://www.opengis.net/ogc"


@dataclass
class OwsError(Exception):
    """A refused request: OGC code, locator and the bilingual message."""

    code: str
    locator: str
    message_vi: str
    message_en: str
    status: int = HTTPStatus.BAD_REQUEST

    @property
    def text(self) -> str:
        return f"{self.message_vi} ({self.message_en})"


def unknown(locator: str, name: str) -> OwsError:
    """A type or property name this caller does not have, hidden or not."""
    return OwsError("InvalidParameterValue", locator, f"Không có tên {name!r} trong dịch vụ",
                    f"unknown name {name!r}")


def invalid(locator: str, value: str, expected_vi: str, expected_en: str) -> OwsError:
    return OwsError("InvalidParameterValue", locator,
                    f"Giá trị {value[:80]!r} không hợp lệ: {expected_vi}",
                    f"invalid value {value[:80]!r}: {expected_en}")


def missing(locator: str) -> OwsError:
    return OwsError("MissingParameterValue", locator, f"Thiếu tham số {locator}",
                    f"missing parameter {locator}")


def report(error: OwsError, version: str) -> tuple[str, bytes]:
    """The WFS/OWS ExceptionReport of a WFS version: content type and body."""
    namespace, report_version = (OWS_11, "2.0.0") if version.startswith("2") else (OWS_10, "1.0.0")
    locator = f" locator={quoteattr(error.locator)}" if error.locator else ""
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<ows:ExceptionReport xmlns:ows="{namespace}" version="{report_version}" '
            f'xml:lang="vi">\n  <ows:Exception exceptionCode="{error.code}"{locator}>\n'
            f"    <ows:ExceptionText>{escape(error.text)}</ows:ExceptionText>\n"
            "  </ows:Exception>\n</ows:ExceptionReport>\n")
    return "application/xml; charset=utf-8", body.encode()


def wms_report(error: OwsError, version: str) -> tuple[str, bytes]:
    """The WMS ServiceExceptionReport of a WMS version (1.3.0, else 1.1.1)."""
    if version == "1.3.0":
        head = f'<ServiceExceptionReport version="1.3.0" xmlns="{WMS_13}">'
        kind = "text/xml; charset=utf-8"
    else:
        head = '<ServiceExceptionReport version="1.1.1">'
        kind = "application/vnd.ogc.se_xml; charset=utf-8"
    locator = f" locator={quoteattr(error.locator)}" if error.locator else ""
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n{head}\n'
            f'  <ServiceException code="{error.code}"{locator}>{escape(error.text)}'
            "</ServiceException>\n</ServiceExceptionReport>\n")
    return kind, body.encode()


def respond(start_response: Callable, status: int, content_type: str, body: bytes,
            headers: Iterable[tuple[str, str]] = ()) -> list[bytes]:
    """A whole response through a WSGI ``start_response``; every answer differs per grant."""
    start_response(errors.status_line(status),
                   [("Content-Type", content_type), ("Content-Length", str(len(body))),
                    ("Vary", "Authorization"), *headers])
    return [body]
