# SPDX-License-Identifier: MIT
"""ISO 19115 core metadata of each registry layer (one row per layer)."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from layers import registry

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
ACCESS_LEVELS = [(registry.Access.PUBLIC.value, _("public")),
                 (registry.Access.INTERNAL.value, _("internal"))]


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
    access_level = models.CharField(
        _("access level"), max_length=10, choices=ACCESS_LEVELS,
        help_text=_("Internal metadata is downloadable by staff only. A layer the registry "
                    "keeps internal stays internal."))
    updated_at = models.DateTimeField(_("last update"), auto_now=True)

    class Meta:
        db_table = "layer_metadata"
        verbose_name = _("layer metadata")
        verbose_name_plural = _("layer metadata")
        ordering = ["layer"]

    def __str__(self) -> str:
        return f"{self.title} ({self.layer})"

    @property
    def registry_layer(self) -> registry.Layer:
        return registry.get(self.layer)

    @property
    def public(self) -> bool:
        """Public only when both the registry and the metadata say so."""
        return self.registry_layer.public and self.access_level == registry.Access.PUBLIC.value
