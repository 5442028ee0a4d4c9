# SPDX-License-Identifier: MIT
"""Uploads from the admin: a file loaded into a layer by the ingest pipeline in the background."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

STATUSES = [("queued", _("queued")), ("running", _("running")), ("done", _("done")),
            ("failed", _("failed"))]
MODES = [("append", _("append: add the features")),
         ("replace", _("replace: the file becomes the whole layer")),
         ("upsert", _("upsert: add new, update existing by natural key"))]


class Upload(models.Model):
    """One upload: what was sent, how far the ingest is, and its report."""

    layer = models.CharField(_("layer"), max_length=64)
    source_name = models.CharField(_("file"), max_length=255)
    path = models.CharField(_("stored file"), max_length=500, editable=False)
    mapping_path = models.CharField(_("stored mapping file"), max_length=500, blank=True,
                                    editable=False)
    mode = models.CharField(_("mode"), max_length=10, choices=MODES, default="append")
    source_crs = models.CharField(_("source coordinate system"), max_length=20, blank=True)
    encoding = models.CharField(_("text encoding"), max_length=10, default="auto")
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default="queued")
    done = models.PositiveIntegerField(_("features read"), default=0)
    total = models.PositiveIntegerField(_("features in the file"), null=True, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.CharField(_("by"), max_length=150)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        db_table = "admin_uploads"
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_name} → {self.layer}"

    @property
    def running(self) -> bool:
        return self.status in ("queued", "running")

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))
