# SPDX-License-Identifier: MIT
"""Admin editing of published layers: models and admin classes built at run time.

A published layer has no model in the code, and Django reads its URL patterns once. So one
route, ``/admin/published/<layer_id>/...``, hands each request to that layer's admin: an
unmanaged model built from the catalog entry (its attributes and their types, its geometry
in VN-2000, its table) and a ``FeatureAdmin`` (map widget, checks, locking, history,
revert), both cached per catalog version. The admin's URL patterns live in a URLconf of
their own (the site's patterns plus the layer's), set for the request, so every
``{% url %}`` of the admin templates resolves; publishing or changing a layer needs no
restart. The models live in an ``Apps`` registry per catalog version, never in Django's
global one, so successive versions of a layer's model cannot collide.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps as project_apps
from django.apps.registry import Apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.gis.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import (
    URLResolver,
    clear_url_caches,
    get_urlconf,
    include,
    path,
    resolve,
    set_urlconf,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geoserver_app.editor.admin import FeatureAdmin, list_filters
from layers import catalog, registry
from layers.models import _GEOMETRY_FIELDS, STORAGE_SRID, Feature, layer_title

ROUTE_NAME = "admin-published"
ROUTE = r"^admin/published/(?P<layer_id>[a-z][a-z0-9_]{1,62})/"

# what a user may do with a published layer's features ("view", "add", "change", "delete");
# the access policy (geoserver_app/security/roles.py) decides, wired in by the URLconf
Rights = Callable[[object, registry.Layer], frozenset[str]]
ATTRIBUTE_FIELDS: dict[str, type[models.Field]] = {
    "text": models.TextField, "integer": models.BigIntegerField, "number": models.FloatField,
    "date": models.DateField, "datetime": models.DateTimeField, "boolean": models.BooleanField,
}


class PublishedFeature(Feature):
    """Columns every published layer has; its layer comes from the run-time catalog."""

    id = models.BigAutoField(primary_key=True)
    ingest_batch = None  # an indexed link without a foreign key (and none in a DBA's view)

    class Meta:
        abstract = True

    @classmethod
    def layer(cls) -> registry.Layer:
        return catalog.current().get(cls.LAYER)

    def __str__(self) -> str:
        """The layer's title, the id and the first text attribute, e.g. "Trường học 2: …"."""
        text = next((a for a in self.layer().attributes if a.type == "text"), None)
        value = getattr(self, field_name(text.name), "") if text else ""
        return f"{layer_title(self.layer())} {self.pk}" + (f": {value}" if value else "")


def field_name(column: str) -> str:
    """The model attribute of a column (one named like a model method gets a ``_``)."""
    return f"{column}_" if hasattr(PublishedFeature, column) or column == "LAYER" else column


def attribute_field(attribute: registry.Attribute) -> models.Field:
    kind = ATTRIBUTE_FIELDS[attribute.type]
    return kind(attribute.title, db_column=attribute.name, null=True, blank=True)


def feature_model(layer: registry.Layer, apps: Apps) -> type[PublishedFeature]:
    """The unmanaged model of a published layer, registered in ``apps`` only."""
    meta = type("Meta", (), {
        "apps": apps, "app_label": "layers", "db_table": layer.table, "managed": False,
        "verbose_name": layer_title(layer), "verbose_name_plural": layer_title(layer)})
    geometry = _GEOMETRY_FIELDS[layer.geometry](srid=STORAGE_SRID,
                                                verbose_name=gettext_lazy("hình học (VN-2000)"))
    return type(f"Published_{layer.id}", (PublishedFeature,), {
        "__module__": __name__, "Meta": meta, "LAYER": layer.id, "geom": geometry,
        **{field_name(a.name): attribute_field(a) for a in layer.attributes}})


def layer_apps() -> Apps:
    """An app registry of its own for one catalog version's models, knowing the ``layers``
    app (the admin's pages name it in their breadcrumbs)."""
    apps = Apps(())
    apps.app_configs["layers"] = project_apps.get_app_config("layers")
    return apps


class PublishedFeatureAdmin(FeatureAdmin):
    """A published layer's features: its sector's groups edit, the others view (no model
    permissions exist for it). Django's LogEntry is not written: it needs a content type
    per model, and ``feature_history`` records every write with its user anyway."""

    readonly_fields = ("version", "updated_at", "created_at")
    formfield_overrides = {models.TextField: {"widget": widgets.AdminTextInputWidget}}
    rights_of: Rights = staticmethod(lambda user, layer: frozenset())

    def catalog_layer(self) -> registry.Layer | None:
        layer = catalog.current().find(self.model.LAYER)
        return layer if layer is not None and layer.published else None

    def rights(self, request: HttpRequest) -> frozenset[str]:
        cache = request.__dict__.setdefault("_published_rights", {})
        if self.model.LAYER not in cache:
            layer = self.catalog_layer()
            cache[self.model.LAYER] = self.rights_of(request.user, layer) if layer else \
                frozenset()
        return cache[self.model.LAYER]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return "view" in self.rights(request)

    def has_view_permission(self, request: HttpRequest, obj: Feature | None = None) -> bool:
        return "view" in self.rights(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.editable() and "add" in self.rights(request)

    def has_change_permission(self, request: HttpRequest, obj: Feature | None = None) -> bool:
        return self.editable() and "change" in self.rights(request)

    def has_delete_permission(self, request: HttpRequest, obj: Feature | None = None) -> bool:
        return self.editable() and "delete" in self.rights(request)

    def get_search_results(self, request: HttpRequest, queryset, search_term: str) -> tuple:
        """Django's: any part of the text attributes (a published table has no trigram
        indexes, so this scans it), not the layer key search of the curated layers."""
        return admin.ModelAdmin.get_search_results(self, request, queryset, search_term)

    def get_search_fields(self, request: HttpRequest) -> tuple[str, ...]:
        """The text attributes; the sensitive ones only for those who may edit the layer."""
        layer = self.catalog_layer()
        hidden = set() if layer is None or self.has_change_permission(request) else {
            field_name(name) for name in layer.sensitive}
        return tuple(name for name in self.search_fields if name not in hidden)

    def log_addition(self, request: HttpRequest, obj: Feature, message: object) -> None:
        """Not logged (see the class)."""

    def log_change(self, request: HttpRequest, obj: Feature, message: object) -> None:
        """Not logged (see the class)."""

    def log_deletions(self, request: HttpRequest, queryset) -> None:
        """Not logged (see the class)."""


def feature_admin(layer: registry.Layer, model: type[PublishedFeature],
                  rights: Rights) -> PublishedFeatureAdmin:
    """The admin of a published layer: text attributes searched, the first ones listed."""
    names = [field_name(a.name) for a in layer.attributes]
    texts = tuple(field_name(a.name) for a in layer.attributes if a.type == "text")
    cls = type(f"Published_{layer.id}Admin", (PublishedFeatureAdmin,), {
        "list_display": ("id", *names[:4], "updated_at", "version"),
        "list_filter": list_filters(layer, model), "search_fields": texts,
        "rights_of": staticmethod(rights)})
    return cls(model, admin.site)


class LayerUrls:
    """A URLconf: the project's, with the layer's admin patterns inside the admin's."""

    def __init__(self, model_admin: PublishedFeatureAdmin, layer_id: str) -> None:
        site = model_admin.admin_site
        patterns = [path(f"published/{layer_id}/", include(model_admin.urls)), *site.get_urls()]
        root = import_module(settings.ROOT_URLCONF).urlpatterns
        self.urlpatterns = [
            path("admin/", (patterns, "admin", site.name))
            if isinstance(p, URLResolver) and p.namespace == "admin" else p
            for p in root if getattr(p, "name", None) != ROUTE_NAME]


@dataclass(frozen=True)
class Built:
    admin: PublishedFeatureAdmin
    urls: LayerUrls


class PublishedAdmins:
    """The built admins of the current catalog version (rebuilt after each change)."""

    def __init__(self, rights: Rights) -> None:
        self.rights = rights
        self.lock = threading.Lock()
        self.version: int | None = None
        self.apps = layer_apps()
        self.built: dict[str, Built] = {}

    def get(self, layer_id: str) -> Built | None:
        """The admin of a live published layer; None for any other id."""
        current = catalog.current()
        layer = current.find(layer_id)
        if layer is None or not layer.published:
            return None
        with self.lock:
            if self.version != current.version:
                self.version, self.apps, self.built = current.version, layer_apps(), {}
                clear_url_caches()  # the resolvers of the last version's URLconfs
            if layer_id not in self.built:
                model_admin = feature_admin(layer, feature_model(layer, self.apps), self.rights)
                self.built[layer_id] = Built(model_admin, LayerUrls(model_admin, layer_id))
            return self.built[layer_id]


def route_view(rights: Rights) -> Callable[[HttpRequest, str], HttpResponse]:
    """The admin view of ``/admin/published/<layer_id>/...`` (login required), whose users
    may do what ``rights`` grants them."""
    admins = PublishedAdmins(rights)

    def dispatch(request: HttpRequest, layer_id: str) -> HttpResponse:
        """Serve one admin page of a published layer under the layer's URLconf."""
        built = admins.get(layer_id)
        if built is None:
            raise Http404(_("No published layer %(id)s.") % {"id": layer_id})
        previous = get_urlconf()
        set_urlconf(built.urls)
        try:
            match = resolve(request.path_info, built.urls)
            request.resolver_match = match
            response = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # its {% url %} tags need the layer's URLconf
            return response
        finally:
            set_urlconf(previous)

    return admin.site.admin_view(dispatch)
