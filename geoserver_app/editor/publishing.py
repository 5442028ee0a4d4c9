# SPDX-License-Identifier: MIT
"""The admin's publish page: upload a file, preview it, choose the layer's words, publish.

Two steps on one page: the source form stores the file under MEDIA_ROOT/publish/<token>/
and shows what it would publish as (``ingest.publish.inspect``: feature count, encoding,
CRS, attributes, a map of the first features); the layer form then publishes it with
``ingest.publish.run_publish`` (one transaction: a refused publish leaves nothing).
Staff with the ``layers.publish_layer`` permission, or superusers, only.
"""
from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import shapely
from django import forms
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from geoserver_app.editor.uploads import ENCODINGS
from ingest.publish import Entry, Preview
from layers.registry import SECTOR_TITLES, Access, Sector

PERMISSION = "layers.publish_layer"
TOKEN = re.compile(r"^[0-9a-f]{32}$")


def may_publish(user) -> bool:
    return bool(user.is_active and user.is_staff
                and (user.is_superuser or user.has_perm(PERMISSION)))


class SourceForm(forms.Form):
    """The file and how to read it."""

    file = forms.FileField(label=_("File"), help_text=_(
        "Shapefile (a .zip with .shp, .shx, .dbf and .prj), GeoPackage, GeoJSON, "
        "FlatGeobuf or CSV."))
    source_crs = forms.CharField(label=_("Source coordinate system"), required=False,
                                 max_length=20, help_text=_(
                                     "E.g. EPSG:9214. Empty: from the file, else detected."))
    encoding = forms.ChoiceField(label=_("Text encoding"), choices=ENCODINGS, initial="auto")
    layer_name = forms.CharField(label=_("Layer in the file"), required=False, max_length=200,
                                 help_text=_("Only for files with several layers."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB: publish it with the publish command."),
                params={"limit": settings.MAX_UPLOAD_BYTES // 2**20})
        return upload


class LayerForm(forms.Form):
    """The new layer's id, words, sector, access and sensitive attributes."""

    token = forms.CharField(widget=forms.HiddenInput)
    source_crs = forms.CharField(widget=forms.HiddenInput, required=False)
    encoding = forms.CharField(widget=forms.HiddenInput, required=False)
    layer_name = forms.CharField(widget=forms.HiddenInput, required=False)
    id = forms.RegexField(label=_("Layer id"), regex=r"^[a-z][a-z0-9_]{1,62}$", help_text=_(
        "Lower-case letters without accents, digits and _, e.g. truong_hoc."))
    title_vi = forms.CharField(label=_("Title (Vietnamese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=[
        (sector.value, SECTOR_TITLES[sector][0]) for sector in Sector])
    access = forms.ChoiceField(label=_("Access"), choices=[
        (Access.PUBLIC.value, _("public")), (Access.INTERNAL.value, _("internal"))])
    sensitive = forms.MultipleChoiceField(label=_("Sensitive attributes"), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def entry(self) -> Entry:
        data = self.cleaned_data
        return Entry(data["id"], data["title_vi"].strip(), data["title_en"].strip(),
                     Sector(data["sector"]), Access(data["access"]), tuple(data["sensitive"]))


def folder(token: str) -> Path:
    if not TOKEN.match(token or ""):
        raise forms.ValidationError(_("The uploaded file is gone: upload it again."))
    return Path(settings.MEDIA_ROOT) / "publish" / token


def store(upload) -> str:
    """Save the uploaded file; the token that names it for the next step."""
    token = uuid.uuid4().hex
    directory = folder(token)
    directory.mkdir(parents=True)
    with (directory / get_valid_filename(Path(upload.name).name)).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def source(token: str) -> Path:
    """The stored file of a token (ValidationError when it is gone)."""
    files = sorted(folder(token).glob("*")) if folder(token).is_dir() else []
    if len(files) != 1:
        raise forms.ValidationError(_("The uploaded file is gone: upload it again."))
    return files[0]


def discard(token: str) -> None:
    if TOKEN.match(token or ""):
        shutil.rmtree(folder(token), ignore_errors=True)


def _path_data(geom: shapely.Geometry) -> str:
    """SVG path data of a geometry in the y-flipped plane; points as tiny squares."""
    if shapely.get_type_id(geom) in (0, 4):
        return " ".join(f"M{x:.1f} {-y:.1f}h1v1h-1z" for x, y in shapely.get_coordinates(geom))
    parts = []
    for ring in shapely.get_parts(shapely.boundary(geom) if shapely.get_dimensions(geom) == 2
                                  else geom):
        for line in shapely.get_parts(ring):
            xy = shapely.get_coordinates(line)
            parts.append("M" + " L".join(f"{x:.1f} {-y:.1f}" for x, y in xy))
    return " ".join(parts)


def extent_text(preview: Preview) -> str:
    """The features' extent as 'west, south – east, north' in degrees."""
    west, south, east, north = preview.extent
    return f"{west:.5f}, {south:.5f} – {east:.5f}, {north:.5f}"


def preview_svg(preview: Preview) -> SafeString:
    """An inline SVG map of the first features (VN-2000 metres, north up)."""
    present = preview.sample[~(shapely.is_missing(preview.sample)
                               | shapely.is_empty(preview.sample))]
    xmin, ymin, xmax, ymax = shapely.total_bounds(present) if len(present) else (0, 0, 1, 1)
    span = max(xmax - xmin, ymax - ymin, 10.0)
    pad = span * 0.05
    view = f"{xmin - pad:.1f} {-ymax - pad:.1f} {xmax - xmin + 2 * pad:.1f} {ymax - ymin + 2 * pad:.1f}"
    stroke = span / 300
    paths = format_html_join("", '<path d="{}"/>', ((_path_data(g),) for g in present))
    return format_html('<svg class="publish-preview" xmlns="http://www.w3.org/2000/svg" '
                       'width="360" height="240" viewBox="{}" preserveAspectRatio="xMidYMid '
                       'meet"><g fill="#4a90d9" fill-opacity="0.35" stroke="#1f5f9f" '
                       'stroke-width="{}">{}</g></svg>', view, f"{stroke:.2f}", paths)

