# SPDX-License-Identifier: MIT
"""The official catalog of administrative units in the admin: read only; a unit's page shows
its history (the units it came from or became on 1 July 2025) and the layers' features
counted under it, as recorded (original code) and as of 2025."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from layers import registry
from layers.models import AdminUnitRecord, CommuneSuccession, layer_title, model_for


@dataclass(frozen=True)
class Count:
    """Features of one layer under a unit: recorded with its code, and its since 2025."""

    layer: str
    recorded: int
    since_2025: int | None  # None: an old unit (no longer exists)


def commune_layers() -> list[registry.Layer]:
    """The curated layers whose features carry a commune code."""
    return [layer for layer in registry.LAYERS
            if any(f.name == "commune_code" for f in model_for(layer.id)._meta.concrete_fields)]


def history(unit: AdminUnitRecord) -> tuple[list[AdminUnitRecord], list[AdminUnitRecord]]:
    """(the units it came from, the units it became) across 1 July 2025."""
    if unit.level != "commune":
        return [], []
    if unit.valid_to is None:
        olds = CommuneSuccession.objects.filter(new_code=unit.code).values("old_code")
        return list(AdminUnitRecord.objects.filter(level="commune", valid_to__isnull=False,
                                                   code__in=olds).order_by("code")), []
    news = CommuneSuccession.objects.filter(old_code=unit.code).values("new_code")
    return [], list(AdminUnitRecord.objects.filter(level="commune", valid_to__isnull=True,
                                                   code__in=news).order_by("code"))


def counts(unit: AdminUnitRecord, predecessors: list[AdminUnitRecord]) -> list[Count]:
    """Features per commune layer: with this code, and (a 2025 unit) belonging to it now."""
    rows = []
    for layer in commune_layers():
        model = model_for(layer.id)
        since = None
        if unit.valid_to is None:
            now = Q(commune_code__in=[p.code for p in predecessors]) | Q(commune_code=unit.code)
            if any(f.name == "commune_code_2025" for f in model._meta.concrete_fields):
                now |= Q(commune_code_2025=unit.code)
            since = model.objects.filter(now).count()
        rows.append(Count(layer_title(layer), model.objects.filter(
            commune_code=unit.code).count(), since))
    return rows


class AdminUnitAdmin(admin.ModelAdmin):
    """The catalog, read only (``manage.py admin_units refresh`` reloads it)."""

    list_display = ("code", "kind", "name", "level", "province_code", "district_code",
                    "valid_from", "valid_to", "source")
    list_filter = ("level", "province_code", "valid_from")
    search_fields = ("code", "name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict | None = None) -> HttpResponse:
        unit = AdminUnitRecord.objects.filter(pk=unquote(object_id)).first()
        if unit is None or not self.has_view_permission(request, unit):
            raise Http404(_("No such unit."))
        before, after = history(unit)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "unit": unit,
                   "title": str(unit), "predecessors": before, "successors": after,
                   "counts": counts(unit, before)}
        return TemplateResponse(request, "editor/unit_history.html", context)
