# SPDX-License-Identifier: MIT
"""Metadata editing: one row per catalog layer (made after migrate and on opening the list,
so a layer published since has one). Access is the catalog's, shown here read-only."""
from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from geoserver_app.metadata.apps import ensure_rows
from geoserver_app.metadata.models import LayerMetadata


@admin.register(LayerMetadata)
class LayerMetadataAdmin(admin.ModelAdmin):
    list_display = ("layer", "title", "topic_category", "access", "updated_at", "xml")
    list_filter = ("topic_category", "update_frequency")
    search_fields = ("layer", "title", "keywords")
    readonly_fields = ("layer", "access", "updated_at", "xml")
    fieldsets = (
        (None, {"fields": ("layer", "title", "abstract", "keywords", "topic_category")}),
        (_("Quality and reference"), {"fields": ("lineage", "scale_denominator",
                                                 "resolution_m", "reference_system")}),
        (_("Extent"), {"fields": (("west", "east"), ("south", "north"),
                                  ("temporal_start", "temporal_end"))}),
        (_("Maintenance and contact"), {"fields": ("update_frequency", "contact_organisation",
                                                   "contact_person", "contact_email")}),
        (_("Use"), {"fields": ("licence", "access", "updated_at", "xml")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: LayerMetadata | None = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None
                        ) -> HttpResponse:
        ensure_rows()
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("access (layer catalog)"))
    def access(self, meta: LayerMetadata) -> str:
        """The catalog's access level, linked to the catalog page where it is changed."""
        layer = meta.catalog_layer
        words = (_("retired") if layer is None
                 else _("public") if layer.public else _("internal"))
        url = reverse("admin:layers_catalogentry_change", args=[meta.layer])
        return format_html('<a href="{}">{}</a>', url, words)

    @admin.display(description=_("ISO 19139 XML"))
    def xml(self, meta: LayerMetadata) -> str:
        url = reverse("layer-metadata-xml", args=[meta.layer])
        return format_html('<a href="{}">{}</a>', url, f"{meta.layer}.xml")
