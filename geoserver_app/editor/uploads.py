# SPDX-License-Identifier: MIT
"""The upload page's work: check the form, store the file, run the ingest in the background.

The ingest pipeline (``ingest.api.run_ingest``) runs in a thread of the web worker, reporting
progress into the ``Upload`` row that the status page reads; the page ends on the report.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from geoserver_app.editor import sql
from geoserver_app.editor.models import MODES, Upload
from ingest.api import run_ingest
from ingest.errors import IngestError
from ingest.report import Report
from layers import catalog, registry
from layers.models import model_for

log = logging.getLogger(__name__)
ENCODINGS = [("auto", _("detect")), ("utf-8", "UTF-8"), ("tcvn3", "TCVN3 (ABC)"),
             ("vni", "VNI-Windows"), ("cp1258", "Windows-1258")]
# what each mode does to existing features, hence the permissions it needs
MODE_PERMISSIONS = {"append": ("add",), "replace": ("add", "delete"),
                    "upsert": ("add", "change")}
PROGRESS_INTERVAL_S = 0.5
UNEXPECTED = _("The load stopped on an unexpected error; nothing was changed. Send the file to "
               "the system administrator with the upload number.")


def allowed(user, layer: registry.Layer, mode: str) -> bool:
    """Whether ``user`` may load into ``layer`` in ``mode`` (Django's model permissions)."""
    name = model_for(layer.id)._meta.model_name
    return all(user.has_perm(f"layers.{action}_{name}") for action in MODE_PERMISSIONS[mode])


class UploadForm(forms.Form):
    """File, target layer, optional mapping file and the ingest options."""

    file = forms.FileField(label=_("File"), help_text=_(
        "Shapefile (a .zip with .shp, .shx, .dbf and .prj), GeoPackage, GeoJSON, "
        "FlatGeobuf or CSV."))
    layer = forms.ChoiceField(label=_("Target layer"))
    mapping = forms.FileField(label=_("Mapping file (YAML)"), required=False, help_text=_(
        "Optional: which source field fills which attribute (see the analysts' guide, /docs/analysts)."))
    mode = forms.ChoiceField(label=_("Mode"), choices=MODES, initial="append")
    source_crs = forms.CharField(label=_("Source coordinate system"), required=False,
                                 max_length=20, help_text=_(
                                     "E.g. EPSG:9214. Empty: from the file, else detected."))
    encoding = forms.ChoiceField(label=_("Text encoding"), choices=ENCODINGS, initial="auto")

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["layer"].choices = [
            (layer.id, f"{layer.title_vi} ({layer.id})") for layer in catalog.current().layers
            if allowed(user, layer, "append")]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB: split it, or load it with the ingest "
                  "command."), params={"limit": settings.MAX_UPLOAD_BYTES // 2**20})
        return upload

    def clean(self) -> dict:
        cleaned = super().clean()
        layer_id, mode = cleaned.get("layer"), cleaned.get("mode")
        if layer_id and mode and not allowed(self.user, catalog.current().get(layer_id), mode):
            raise forms.ValidationError(
                _("You may not load into this layer in mode “%(mode)s”: it needs the add, "
                  "change or delete permission that mode uses. Choose append, or ask an "
                  "administrator."), params={"mode": mode})
        return cleaned


def _store(directory: Path, upload) -> Path:
    path = directory / get_valid_filename(Path(upload.name).name)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def create(form: UploadForm, username: str) -> Upload:
    """Store the files under MEDIA_ROOT/uploads/<uuid>/ and record the upload (queued)."""
    directory = Path(settings.MEDIA_ROOT) / "uploads" / uuid.uuid4().hex
    directory.mkdir(parents=True)
    data = form.cleaned_data
    path = _store(directory, data["file"])
    mapping = _store(directory, data["mapping"]) if data.get("mapping") else None
    return Upload.objects.create(
        layer=data["layer"], source_name=data["file"].name, path=str(path),
        mapping_path=str(mapping or ""), mode=data["mode"],
        source_crs=data.get("source_crs", ""), encoding=data["encoding"], created_by=username)


class ProgressWriter:
    """``progress(done, total)`` for the ingest, written to the row by a thread of its own.

    The ingest's COPY worker uses the calling thread's database connection while the
    caller reads the next batch, so the callback must not touch that connection: it only
    stores the figures, and this writer's thread (its own connection) saves the latest
    ones at most twice a second.
    """

    def __init__(self, upload_id: int) -> None:
        self.upload_id = upload_id
        self.latest: tuple[int, int | None] | None = None
        self.wake = threading.Event()
        self.stopping = False
        self.thread = threading.Thread(target=self._loop, name=f"upload-{upload_id}-progress",
                                       daemon=True)
        self.thread.start()

    def __call__(self, done: int, total: int | None) -> None:
        self.latest = (done, total)
        self.wake.set()

    def _loop(self) -> None:
        try:
            while not self.stopping:
                self.wake.wait()
                self.wake.clear()
                if self.latest is not None:
                    done, total = self.latest
                    Upload.objects.filter(pk=self.upload_id).update(done=done, total=total)
                time.sleep(PROGRESS_INTERVAL_S)
        finally:
            connection.close()

    def close(self) -> None:
        """Stop the thread after its last write."""
        self.stopping = True
        self.wake.set()
        self.thread.join()


def run(upload_id: int) -> None:
    """Run the ingest of one upload to the end, recording the report or the error."""
    upload = Upload.objects.get(pk=upload_id)
    Upload.objects.filter(pk=upload_id).update(status="running")
    try:
        report = _ingest(upload)
    except IngestError as error:
        _finish(upload_id, status="failed", error=str(error))
    except Exception:  # the page must end, with a message, whatever went wrong
        log.exception("upload %s failed", upload_id)
        _finish(upload_id, status="failed", error=str(UNEXPECTED))
    else:
        _finish(upload_id, status="done", report=report.as_dict(), done=report.read,
                total=report.read)


def _ingest(upload: Upload) -> Report:
    """The ingest pipeline on the upload's files, reporting progress into its row."""
    progress = ProgressWriter(upload.pk)
    try:
        return run_ingest(upload.path, upload.layer, mapping=upload.mapping_path or None,
                          source_crs=upload.source_crs or None, encoding=upload.encoding,
                          mode=upload.mode, user=upload.created_by, progress=progress)
    finally:
        progress.close()


def _finish(upload_id: int, **values) -> None:
    """Record the end; a connection a failed load broke is replaced first."""
    if connection.connection is not None and not connection.is_usable():
        connection.close()
    Upload.objects.filter(pk=upload_id).update(finished_at=timezone.now(), **values)


def start(upload: Upload) -> threading.Thread:
    """Run the upload's ingest in a background thread of this worker."""

    def work() -> None:
        close_old_connections()
        try:
            run(upload.pk)
        except Exception:  # never leave the page waiting for a thread that died
            log.exception("upload %s failed", upload.pk)
            _finish(upload.pk, status="failed", error=str(UNEXPECTED))
        finally:
            connection.close()

    thread = threading.Thread(target=work, name=f"upload-{upload.pk}", daemon=True)
    thread.start()
    return thread


MAX_PREVIEW_POINTS = 5000


def _rejected_points(report: dict) -> list[list[float]]:
    """[lon, lat] of the rejected features that had a geometry (at most MAX_PREVIEW_POINTS)."""
    return [item["where"] for item in report.get("rejected", [])
            if item.get("where")][:MAX_PREVIEW_POINTS]


def _extent(boxes: list[tuple[float, ...]]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def preview(upload: Upload) -> SafeString | None:
    """An inline SVG of what the upload loaded (its ingest batch, blue) and where the features
    it rejected lie (red dots), or None when there is neither."""
    report = upload.report or {}
    if upload.status != "done":
        return None
    batch = report.get("batch")
    outline = None
    if batch and not report.get("dry_run"):
        outline = sql.batch_outline(catalog.current().get(upload.layer), batch)
    points = _rejected_points(report)
    if outline is None and not points:
        return None
    boxes = [outline[0]] if outline else []
    if points:
        xs, ys = zip(*points, strict=True)
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    xmin, ymin, xmax, ymax = _extent(boxes)
    span = max(xmax - xmin, ymax - ymin, 0.001)
    pad, radius = span * 0.05, span * 0.012
    view = (f"{xmin - pad:.6f} {-ymax - pad:.6f} {xmax - xmin + 2 * pad:.6f} "
            f"{ymax - ymin + 2 * pad:.6f}")
    loaded = format_html('<path class="loaded" d="{}" fill="#4a90d9" fill-opacity="0.35" '
                         'stroke="#1f5f9f" vector-effect="non-scaling-stroke"/>',
                         outline[1]) if outline else ""
    rejected = format_html_join("", '<circle class="rejected" cx="{}" cy="{}" r="{}" '
                                'fill="#d62728" fill-opacity="0.8"/>',
                                ((f"{x:.6f}", f"{-y:.6f}", f"{radius:.6f}") for x, y in points))
    return format_html('<svg class="upload-preview" xmlns="http://www.w3.org/2000/svg" '
                       'width="360" height="240" viewBox="{}" '
                       'preserveAspectRatio="xMidYMid meet">{}{}</svg>', view, loaded, rejected)
