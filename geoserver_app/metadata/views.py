# SPDX-License-Identifier: MIT
"""``/metadata/<layer>.xml``: ISO 19139 download, through the access policy."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from geoserver_app.editor.sql import layer_summary
from geoserver_app.metadata import iso19139
from geoserver_app.metadata.apps import ensure_rows
from geoserver_app.metadata.models import LayerMetadata
from geoserver_app.security.access import grant_for_request
from layers import catalog, province


def may_read(request: HttpRequest, meta: LayerMetadata) -> bool:
    """A live layer's metadata: public layers for whoever may read them, the rest for staff."""
    if meta.catalog_layer is None:
        return False
    if request.user.is_authenticated and request.user.is_staff:
        return True
    return meta.public and grant_for_request(request).can_read(meta.layer)


def metadata_of(layer_id: str) -> LayerMetadata | None:
    """The layer's metadata row, made first for a layer published since the last look."""
    meta = LayerMetadata.objects.filter(layer=layer_id).first()
    if meta is None and catalog.current().find(layer_id) is not None:
        ensure_rows()
        meta = LayerMetadata.objects.filter(layer=layer_id).first()
    return meta


def bbox_of(meta: LayerMetadata) -> tuple[tuple[float, ...], object]:
    """(west, south, east, north) as edited, else of the data, else of the province; last update."""
    _count, last_update, extent = layer_summary(meta.catalog_layer)
    edited = (meta.west, meta.south, meta.east, meta.north)
    if None not in edited:
        return edited, last_update
    return tuple(extent or province.EXTENT), last_update


def layer_xml(request: HttpRequest, layer_id: str) -> HttpResponse:
    """The ISO 19139 XML of one layer; 404 (not 403) for layers the request may not see."""
    meta = metadata_of(layer_id)
    if meta is None or not may_read(request, meta):
        return HttpResponse(f"Không có siêu dữ liệu công khai cho lớp “{layer_id}”. "
                            "Xem danh sách lớp tại trang chủ. "
                            f"(No public metadata for layer “{layer_id}”.)\n",
                            status=404, content_type="text/plain; charset=utf-8")
    bbox, last_update = bbox_of(meta)
    response = HttpResponse(iso19139.render(meta, bbox, last_update),
                            content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{meta.layer}.xml"'
    response["Vary"] = "Authorization, Cookie"
    return response
