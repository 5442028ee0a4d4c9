# SPDX-License-Identifier: MIT
"""The admin index dashboard: per layer its count, last update, last ingest, extent thumbnail."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from geoserver_app.editor import sql
from layers import catalog, province, registry
from layers.models import IngestBatch, model_for

THUMB_W, THUMB_H = 120, 80


@dataclass(frozen=True)
class LayerStatus:
    layer: registry.Layer
    title: str
    count: int
    last_update: datetime | None
    last_ingest: IngestBatch | None
    thumbnail: SafeString
    url: str


def province_outline() -> tuple[tuple[float, float, float, float], str]:
    """The frame (xmin, ymin, xmax, ymax) and simplified SVG path of the province, WGS 84."""
    with connection.cursor() as cursor:
        cursor.execute(_PROVINCE_SVG)
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return province.EXTENT, ""
    return (row[0], row[1], row[2], row[3]), row[4]


_PROVINCE_SVG = """
SELECT ST_XMin(g), ST_YMin(g), ST_XMax(g), ST_YMax(g), ST_AsSVG(g, 0, 4)
FROM (SELECT ST_SimplifyPreserveTopology(ST_Union(geom_4326), 0.003) AS g
      FROM admin_provinces WHERE valid_to IS NULL OR valid_to >= current_date) AS p
"""


def thumbnail(frame: Sequence[float], outline: str, extent: Sequence[float] | None,
              colour: str) -> SafeString:
    """A small inline SVG: the province outline and the layer's extent as a box."""
    xmin, ymin, xmax, ymax = frame
    pad = max(xmax - xmin, ymax - ymin) * 0.03
    view = f"{xmin - pad:.5f} {-ymax - pad:.5f} {xmax - xmin + 2 * pad:.5f} {ymax - ymin + 2 * pad:.5f}"
    box = ""
    if extent is not None:
        ex0, ey0, ex1, ey1 = extent
        box = format_html('<rect class="extent" x="{}" y="{}" width="{}" height="{}" '
                          'fill="{}" fill-opacity="0.55" stroke="{}" '
                          'vector-effect="non-scaling-stroke"/>',
                          f"{ex0:.5f}", f"{-ey1:.5f}", f"{max(ex1 - ex0, pad / 4):.5f}",
                          f"{max(ey1 - ey0, pad / 4):.5f}", colour, colour)
    return format_html('<svg class="extent-thumb" xmlns="http://www.w3.org/2000/svg" '
                       'width="{}" height="{}" viewBox="{}" preserveAspectRatio="xMidYMid meet">'
                       '<path d="{}" fill="#f4f1ea" stroke="#7b3294" '
                       'vector-effect="non-scaling-stroke"/>{}</svg>',
                       THUMB_W, THUMB_H, view, outline, box)


def _colour(layer: registry.Layer) -> str:
    """The layer's outline colour (fills are often white, invisible on the thumbnail)."""
    return layer.style.stroke


def _last_ingests() -> dict[str, IngestBatch]:
    latest: dict[str, IngestBatch] = {}
    for batch in IngestBatch.objects.order_by("layer", "-started_at").distinct("layer"):
        latest[batch.layer] = batch
    return latest


def layer_statuses(user, english: bool) -> list[LayerStatus]:
    """The dashboard rows of the live curated layers ``user`` may view, in catalog order."""
    frame, outline = province_outline()
    ingests = _last_ingests()
    rows = []
    for layer in catalog.current().layers:
        if not layer.model:
            continue  # published layers have no admin model
        model = model_for(layer.id)
        if not user.has_perm(f"layers.view_{model._meta.model_name}"):
            continue
        count, updated, extent = sql.layer_summary(layer)
        rows.append(LayerStatus(layer, layer.title_en if english else layer.title_vi, count,
                                updated, ingests.get(layer.id),
                                thumbnail(frame, outline, extent, _colour(layer)),
                                reverse(f"admin:layers_{model._meta.model_name}_changelist")))
    return rows
