# SPDX-License-Identifier: MIT
"""ISO 19115 core metadata of each catalog layer (one row per layer).

Who may read a layer, and so its metadata, is the catalog's access level
(``layers.catalog``), the one place for access; this model has none of its own.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from layers import catalog, registry

TOPIC_CATEGORIES = [
    ("boundaries", _("Administrative boundaries")),
    ("planningCadastre", _("Planning and cadastre")),
    ("inlandWaters", _("Inland waters")),
    ("geoscientificInformation", _("Geoscientific information")),
    ("environment", _("Environment")),
    ("transportation", _("Transportation")),
    ("structure", _("Structures")),
    ("location", _("Location")),
    ("imageryBaseMapsEarthCover", _("Imagery and base maps")),
    ("farming", _("Farming")),
    ("biota", _("Biota")),
    ("utilitiesCommunication", _("Utilities and communication")),
]
UPDATE_FREQUENCIES = [
    ("continual", _("continual")), ("daily", _("daily")), ("weekly", _("weekly")),
    ("monthly", _("monthly")), ("quarterly", _("quarterly")), ("biannually", _("twice a year")),
    ("annually", _("annually")), ("asNeeded", _("as needed")), ("irregular", _("irregular")),
    ("notPlanned", _("not planned")), ("unknown", _("unknown")),
]


class LayerMetadata(models.Model):
    """What a layer is, where it comes from, who keeps it and who may use it."""

    layer = models.CharField(_("layer"), max_length=64, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)
    abstract = models.TextField(_("abstract"))
    keywords = models.CharField(_("keywords"), max_length=500, blank=True,
                                help_text=_("Separated by commas."))
    topic_category = models.CharField(_("topic category"), max_length=40,
                                      choices=TOPIC_CATEGORIES)
    lineage = models.TextField(_("lineage"), blank=True,
                               help_text=_("Sources and processing steps of the data."))
    scale_denominator = models.PositiveIntegerField(
        _("scale denominator"), null=True, blank=True,
        help_text=_("E.g. 2000 for a 1:2,000 cadastral map."))
    resolution_m = models.FloatField(_("spatial resolution (m)"), null=True, blank=True)
    reference_system = models.CharField(_("reference system"), max_length=40,
                                        default="EPSG:9214")
    west = models.FloatField(_("west longitude"), null=True, blank=True,
                             help_text=_("Leave the extent empty to use the data's extent."))
    east = models.FloatField(_("east longitude"), null=True, blank=True)
    south = models.FloatField(_("south latitude"), null=True, blank=True)
    north = models.FloatField(_("north latitude"), null=True, blank=True)
    temporal_start = models.DateField(_("valid from"), null=True, blank=True)
    temporal_end = models.DateField(_("valid until"), null=True, blank=True)
    update_frequency = models.CharField(_("update frequency"), max_length=20,
                                        choices=UPDATE_FREQUENCIES, default="asNeeded")
    contact_organisation = models.CharField(_("contact organisation"), max_length=255)
    contact_person = models.CharField(_("contact person"), max_length=255, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    licence = models.CharField(_("licence"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("last update"), auto_now=True)

    class Meta:
        db_table = "layer_metadata"
        verbose_name = _("layer metadata")
        verbose_name_plural = _("layer metadata")
        ordering = ["layer"]

    def __str__(self) -> str:
        return f"{self.title} ({self.layer})"

    @property
    def catalog_layer(self) -> registry.Layer | None:
        """The layer as the catalog has it now; None once retired (or unknown)."""
        return catalog.current().find(self.layer)

    @property
    def public(self) -> bool:
        """Public when the catalog's layer is (its access level is the only one)."""
        layer = self.catalog_layer
        return layer is not None and layer.public
