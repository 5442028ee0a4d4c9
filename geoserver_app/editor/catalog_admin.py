# SPDX-License-Identifier: MIT
"""The layer catalog in the admin: a list of every layer, and a change page (metadata,
access, sensitive attributes, zooms, capabilities, style with its legend, audit history,
retire and restore).

Every write goes through ``layers.catalog_edit`` (the same checks as ``manage.py layer``,
one transaction, the audit trigger's actor ``user:<username>``); the model only lists.
Editors are superusers and holders of ``layers.change_catalog``; auditors (``view``) read.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geoserver_app.editor import catalog_forms
from layers import catalog_edit, registry
from layers.models import CatalogEntry

CHANGE = "layers.change_catalog"
AUDIT_HIDDEN = {"updated_at", "created_at"}


@dataclass(frozen=True)
class Swatch:
    """One legend entry of a style: what it stands for and how it is drawn."""

    label: str
    fill: str | None
    stroke: str
    width: float


def legend(layer: registry.Layer, style: registry.Style) -> list[Swatch]:
    """One swatch per class of a classified style (lines and points take the class colour
    as their stroke), else one for the layer."""
    if not style.classify_by:
        return [Swatch(layer.title_vi, style.fill, style.stroke, style.width)]
    polygon = layer.geometry is registry.Geometry.POLYGON
    return [Swatch(value, colour if polygon else None, style.stroke if polygon else colour,
                   style.width) for value, colour in style.classes.items()]


@dataclass(frozen=True)
class AuditEntry:
    """One audited catalog change: when, who, what, and each changed field before -> after."""

    changed_at: object
    actor: str
    operation: str
    changes: list[tuple[str, object, object]]


def as_dict(value: dict | str | None) -> dict:
    """An audit image (Django's connection hands jsonb over as text)."""
    return json.loads(value) if isinstance(value, str) else value or {}


def audit_entries(layer_id: str) -> list[AuditEntry]:
    entries = []
    for changed_at, actor, operation, before, after in catalog_edit.history(connection, layer_id):
        before, after = as_dict(before), as_dict(after)
        keys = [k for k in dict.fromkeys([*before, *after]) if k not in AUDIT_HIDDEN]
        changes = [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
        entries.append(AuditEntry(changed_at, actor, operation, changes))
    return entries


def actor(request: HttpRequest) -> str:
    return f"user:{request.user.get_username()}"


class StateFilter(admin.SimpleListFilter):
    """Live or retired layers."""

    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("live", _("live")), ("retired", _("retired"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("live", "retired"):
            return queryset.filter(retired_at__isnull=self.value() == "live")
        return queryset


class CatalogAdmin(admin.ModelAdmin):
    """The catalog list (live and retired layers) and each layer's change page."""

    list_display = ("id", "titles", "sector", "access", "sensitive_list", "state", "origin")
    list_filter = (StateFilter, "access", "sector", "origin")
    search_fields = ("id", "title_vi", "title_en")
    actions = ("retire_selected", "restore_selected")
    change_form_template = "editor/catalog_change.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: CatalogEntry | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CatalogEntry | None = None) -> bool:
        return request.user.is_active and request.user.has_perm(CHANGE)

    @admin.display(description=gettext_lazy("title (Vietnamese / English)"), ordering="title_vi")
    def titles(self, entry: CatalogEntry) -> str:
        return format_html("{}<br><small>{}</small>", entry.title_vi, entry.title_en)

    @admin.display(description=gettext_lazy("sensitive attributes"))
    def sensitive_list(self, entry: CatalogEntry) -> str:
        return format_html_join(mark_safe("<br>"), "{}", ((name,) for name in entry.sensitive)
                                ) or "—"

    @admin.display(description=gettext_lazy("state"), ordering="retired_at")
    def state(self, entry: CatalogEntry) -> str:
        return _("retired") if entry.retired_at else _("live")

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None
                        ) -> HttpResponse:
        """Without the navigation sidebar: the list has eight columns to show."""
        return super().changelist_view(request, {**(extra_context or {}),
                                                 "is_nav_sidebar_enabled": False})

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [path("<str:layer_id>/retire/", view(self.retire_view), name="layers_catalog_retire"),
                path("<str:layer_id>/restore/", view(self.restore_view),
                     name="layers_catalog_restore"),
                *super().get_urls()]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict | None = None) -> HttpResponse:
        """The layer's form; a valid POST is written by ``catalog_edit.update``."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        row = self.row(unquote(object_id))
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        with connection.cursor() as cursor:
            attributes = catalog_edit.attribute_names(cursor, row.layer)
        form, classes = self.forms(request, row.layer, attributes)
        if not self.has_change_permission(request):
            for field in [*form.fields.values(), *(f for c in classes for f in c.fields.values())]:
                field.disabled = True  # auditors read the page
        if request.method == "POST" and self.save(request, row.layer, form, classes):
            return HttpResponseRedirect(request.path)
        return TemplateResponse(request, self.change_form_template,
                                self.context(request, row, form, classes))

    def row(self, layer_id: str) -> catalog_edit.Row:
        with connection.cursor() as cursor:
            try:
                return catalog_edit.find_row(cursor, layer_id)
            except catalog_edit.CatalogError:
                raise Http404(_("No layer %(id)s in the catalog.") % {"id": layer_id}) from None

    def forms(self, request: HttpRequest, layer: registry.Layer, attributes: tuple[str, ...]):
        if request.method == "POST":
            return (catalog_forms.LayerForm(request.POST, attributes=attributes),
                    catalog_forms.ClassFormSet(request.POST, prefix="classes"))
        return (catalog_forms.LayerForm(initial=catalog_forms.initial(layer),
                                        attributes=attributes),
                catalog_forms.ClassFormSet(initial=catalog_forms.class_rows(layer),
                                           prefix="classes"))

    def save(self, request: HttpRequest, layer: registry.Layer, form, classes) -> bool:
        """Write a valid form in one transaction; a refusal becomes the form's error."""
        if not (form.is_valid() and classes.is_valid()):
            return False
        try:
            with transaction.atomic():
                catalog_edit.update(connection, layer.id, actor(request),
                                    **catalog_forms.changes(form, classes))
        except catalog_edit.CatalogError as refused:
            form.add_error(None, _("Not saved: %(reason)s") % {"reason": refused})
            return False
        self.message_user(request, _("Layer %(id)s saved; every service follows within "
                                     "seconds.") % {"id": layer.id}, messages.SUCCESS)
        return True

    def context(self, request: HttpRequest, row: catalog_edit.Row, form, classes) -> dict:
        style = catalog_forms.preview_style(form, classes, row.layer)
        return {**self.admin_site.each_context(request), "opts": self.opts,
                "title": _("Layer %(id)s") % {"id": row.layer.id}, "layer": row.layer,
                "retired": row.retired, "form": form, "classes": classes,
                "legend": legend(row.layer, style), "history": audit_entries(row.layer.id),
                "can_change": self.has_change_permission(request),
                "metadata_url": reverse("admin:metadata_layermetadata_changelist")
                + f"?layer={row.layer.id}"}

    def retire_view(self, request: HttpRequest, layer_id: str) -> HttpResponse:
        return self.state_view(request, layer_id, catalog_edit.retire, _("%(id)s retired: "
                               "hidden everywhere, its data kept."))

    def restore_view(self, request: HttpRequest, layer_id: str) -> HttpResponse:
        return self.state_view(request, layer_id, catalog_edit.restore,
                               _("%(id)s restored: back everywhere."))

    def state_view(self, request: HttpRequest, layer_id: str, change, done: str) -> HttpResponse:
        """POST: retire or restore one layer, then back to its page."""
        if request.method != "POST":
            raise Http404(_("Use the buttons on the layer's page."))
        if not self.has_change_permission(request):
            raise PermissionDenied
        self.apply(request, change, [layer_id], done)
        return HttpResponseRedirect(reverse("admin:layers_catalogentry_change", args=[layer_id]))

    def apply(self, request: HttpRequest, change, layer_ids: list[str], done: str) -> None:
        for layer_id in layer_ids:
            try:
                with transaction.atomic():
                    change(connection, layer_id, actor(request))
            except catalog_edit.CatalogError as refused:
                self.message_user(request, str(refused), messages.ERROR)
            else:
                self.message_user(request, done % {"id": layer_id}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Retire the selected layers (hide, keep the data)"),
                  permissions=["change"])
    def retire_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.apply(request, catalog_edit.retire, list(queryset.values_list("id", flat=True)),
                   _("%(id)s retired: hidden everywhere, its data kept."))

    @admin.action(description=gettext_lazy("Restore the selected layers"), permissions=["change"])
    def restore_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.apply(request, catalog_edit.restore, list(queryset.values_list("id", flat=True)),
                   _("%(id)s restored: back everywhere."))
