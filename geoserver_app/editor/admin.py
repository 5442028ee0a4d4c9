# SPDX-License-Identifier: MIT
"""Admin classes generated from the layer registry (one factory, no class per layer)."""
from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.gis.db import models as gis_models
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geoserver_app.editor import batches, history, publishing, search, sql, uploads
from geoserver_app.editor.catalog_admin import CatalogAdmin
from geoserver_app.editor.forms import FeatureForm, VersionConflict
from geoserver_app.editor.geometry import FeatureGeometryField
from geoserver_app.editor.models import Upload
from geoserver_app.editor.units_admin import AdminUnitAdmin
from geoserver_app.editor.widgets import BasemapWidget
from ingest.errors import IngestError
from ingest.publish import inspect, run_publish
from layers import catalog, registry
from layers.models import (
    AdminCommune,
    AdminUnitRecord,
    CatalogEntry,
    Feature,
    ForestArea,
    IngestBatch,
    Road,
    model_for,
)

# Attributes that classify features, offered as list filters when a layer has them.
TYPE_FIELDS = ("kind", "road_class", "forest_type", "land_use_code", "license_status",
               "status", "use", "function", "mineral", "surface", "gauge", "period")
SEARCH_EXTRA = ("name", "code")


class CommuneFilter(admin.SimpleListFilter):
    """Features of one current commune: by ``commune_code`` when the layer has it, else spatially."""

    title = gettext_lazy("commune")
    parameter_name = "commune"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        communes = (AdminCommune.objects.filter(valid_to__isnull=True).order_by("name")
                    .values_list("code", "kind", "name"))
        return [(code, f"{kind} {name} ({code})") for code, kind, name in communes]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        if any(f.name == "commune_code" for f in queryset.model._meta.fields):
            return queryset.filter(commune_code=self.value())
        commune = AdminCommune.objects.filter(code=self.value(), valid_to__isnull=True).first()
        return queryset.filter(geom__intersects=commune.geom) if commune else queryset.none()


# Classifications whose values are known from the code lists: offered without scanning the
# table for its distinct values (a full scan of millions of parcels on every list page).
KNOWN_VALUES = {
    "land_use_code": tuple(registry.LAND_USE_CODES),
    "road_class": Road.ROAD_CLASSES,
    "forest_type": ForestArea.FOREST_TYPES,
}


def known_values_filter(values: tuple[str, ...]) -> type[admin.AllValuesFieldListFilter]:
    """A values filter offering ``values`` (the base class's distinct query never runs)."""

    class KnownValuesFilter(admin.AllValuesFieldListFilter):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.lookup_choices = values

    return KnownValuesFilter


def _type_filter(name: str) -> str | tuple[str, type]:
    return (name, known_values_filter(KNOWN_VALUES[name])) if name in KNOWN_VALUES else name


def _field_names(model: type[Feature]) -> set[str]:
    return {f.name for f in model._meta.fields}


def list_filters(layer: registry.Layer, model: type[Feature]) -> tuple:
    """Commune, class/type and date filters for a layer's list page."""
    names = _field_names(model)
    commune = () if layer.sector is registry.Sector.ADMINISTRATIVE else (CommuneFilter,)
    types = tuple(_type_filter(name) for name in TYPE_FIELDS if name in names)
    dates = tuple(f.name for f in model._meta.fields
                  if type(f) is gis_models.DateField) + ("updated_at",)
    return commune + types + dates


def _key_lookup(model: type[Feature], name: str) -> str:
    """Natural-key parts match whole values: text case-insensitively, numbers as written."""
    field = model._meta.get_field(name)
    return f"={name}" if isinstance(field, gis_models.CharField) else f"{name}__exact"


def search_fields(layer: registry.Layer, model: type[Feature]) -> tuple[str, ...]:
    """The natural key (whole values), then name and code (any part) when the layer has them.

    Searching ``12 7`` finds sheet 12, parcel 7, not parcel 17 or 70.
    """
    names = _field_names(model)
    extra = tuple(n for n in SEARCH_EXTRA if n in names and n not in layer.natural_key)
    return (*(_key_lookup(model, n) for n in layer.natural_key), *extra)


def list_columns(layer: registry.Layer, model: type[Feature]) -> tuple[str, ...]:
    """Natural key, name, class/type, last update and version."""
    names = _field_names(model)
    kind = next((n for n in TYPE_FIELDS if n in names), None)
    extra = tuple(n for n in SEARCH_EXTRA if n in names and n not in layer.natural_key)
    columns = [*layer.natural_key, *extra, *([kind] if kind else []), "updated_at", "version"]
    return tuple(dict.fromkeys(columns))


class FeatureAdmin(admin.ModelAdmin):
    """Editing of one layer's features: map widget, checks, locking, actor, history, revert."""

    form = FeatureForm
    readonly_fields = ("version", "updated_at", "created_at", "ingest_batch")
    list_per_page = 50
    show_full_result_count = False  # one count less on tables of millions of parcels
    paginator = search.EstimatedCountPaginator  # no exact count of millions (editor/search.py)
    history_template = "editor/feature_history.html"
    change_list_template = "editor/feature_change_list.html"

    def catalog_layer(self) -> registry.Layer | None:
        """The layer's catalog entry; None once it is retired (its admin is then hidden)."""
        return catalog.current().find(self.model.LAYER)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.catalog_layer() is not None and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Feature | None = None) -> bool:
        return self.catalog_layer() is not None and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.editable() and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Feature | None = None) -> bool:
        return self.editable() and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Feature | None = None) -> bool:
        return self.editable() and super().has_delete_permission(request, obj)

    def editable(self) -> bool:
        """Live and marked editable in the catalog (a read-only layer is viewed, not edited)."""
        layer = self.catalog_layer()
        return layer is not None and layer.editable

    def get_search_results(self, request: HttpRequest, queryset: QuerySet,
                           search_term: str) -> tuple[QuerySet, bool]:
        """Parsed input, exact key lookups and trigram text (editor/search.py); the
        sensitive attributes (owner name) only for those who may edit the layer."""
        layer = self.catalog_layer()
        term = search_term.strip()
        if not term or layer is None:
            return queryset, False
        may_see = request.user.has_perm(
            f"{self.opts.app_label}.change_{self.opts.model_name}")
        return queryset.filter(search.search(self.model, layer.natural_key, layer.sensitive,
                                             term, may_see)), False

    def get_readonly_fields(self, request: HttpRequest, obj: Feature | None = None) -> tuple:
        """The trigger-kept columns, shown once the feature exists (no values before)."""
        return self.readonly_fields if obj is not None else ()

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        """Geometry fields get our widget and checks; the rest Django's defaults."""
        if isinstance(db_field, gis_models.GeometryField) and not db_field.generated:
            return db_field.formfield(form_class=FeatureGeometryField, widget=BasemapWidget,
                                      layer_id=self.model.LAYER, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def changeform_view(self, request: HttpRequest, object_id: str | None = None,
                        form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        """A write that lost the version race is reported, never applied."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except VersionConflict as conflict:
            self.message_user(request, str(conflict), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: Feature, form: FeatureForm,
                   change: bool) -> None:
        """Insert; or update the changed columns if the row is still at the form's version.

        An unchanged geometry is not written back (the map's Web Mercator round trip would
        add sub-micrometre noise and a spurious "geometry changed" to the history).
        """
        with transaction.atomic():
            sql.set_actor(request.user.get_username())
            if not change:
                obj.save()
                return
            values = {f.column: f.get_db_prep_save(getattr(obj, f.attname), connection)
                      for f in history.editable_fields(self.model) if f.name in form.changed_data}
            if not values:  # saved without changes: no new version, no history row
                return
            expected = form.cleaned_data["expected_version"]
            sql.capture_baseline(self.model.layer(), obj.pk)
            new_version = sql.update_if_version(self.model.layer(), obj.pk, expected, values)
            if new_version is None:
                raise VersionConflict(_("The feature changed while saving; nothing was "
                                        "written. Reload the page and edit again."))
            obj.version = new_version

    def delete_model(self, request: HttpRequest, obj: Feature) -> None:
        with transaction.atomic():
            sql.set_actor(request.user.get_username())
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():
            sql.set_actor(request.user.get_username())
            super().delete_queryset(request, queryset)

    def get_urls(self) -> list:
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [path("<path:object_id>/history/<int:version>/revert/", view(self.revert_view),
                     name=f"{name}_revert"),
                path("deleted/", view(self.deleted_view), name=f"{name}_deleted"),
                path("deleted/<int:feature_id>/restore/", view(self.restore_view),
                     name=f"{name}_restore"),
                *super().get_urls()]

    def deleted_view(self, request: HttpRequest) -> HttpResponse:
        """The layer's deleted features (tombstones) with their last state and restore buttons."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        keys = self.model.layer().natural_key
        rows = [(tombstone, [(last.data.get(k) if last else None) for k in keys])
                for tombstone, last in history.deleted(self.model)]
        context = {**self.admin_site.each_context(request), "opts": self.opts,
                   "title": _("Deleted features: %(layer)s") % {
                       "layer": self.opts.verbose_name_plural},
                   "keys": [self.opts.get_field(k).verbose_name for k in keys], "rows": rows,
                   "can_restore": self.has_add_permission(request)}
        return TemplateResponse(request, "editor/deleted_features.html", context)

    def restore_view(self, request: HttpRequest, feature_id: int) -> HttpResponse:
        """POST: insert a deleted feature again from its last captured state."""
        if request.method != "POST":
            raise Http404(_("Use the restore button on the list of deleted features."))
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            version = history.restore(self.model, feature_id, request.user.get_username())
        except history.FeatureHistory.DoesNotExist:
            self.message_user(request, _("Feature %(id)s cannot be restored: it exists, or its "
                                         "last state was not captured.") % {"id": feature_id},
                              messages.ERROR)
            return HttpResponseRedirect(reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_deleted"))
        self.message_user(request, _("Feature %(id)s was restored as version %(version)s.")
                          % {"id": feature_id, "version": version}, messages.SUCCESS)
        return HttpResponseRedirect(reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[feature_id]))

    def history_view(self, request: HttpRequest, object_id: str,
                     extra_context: dict | None = None) -> HttpResponse:
        """The feature's versions from ``feature_history`` with diffs and revert buttons."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("History of %(feature)s") % {"feature": obj},
            "subtitle": None, "object": obj, "opts": self.opts,
            "module_name": str(self.opts.verbose_name_plural),
            "versions": history.versions(self.model, obj.pk),
            "can_revert": self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.history_template, context)

    def revert_view(self, request: HttpRequest, object_id: str, version: int) -> HttpResponse:
        """POST: write version ``version`` back as a new version (optimistic lock applies)."""
        obj = self.get_object(request, unquote(object_id))
        if request.method != "POST" or obj is None:
            raise Http404(_("Open the feature's history and use its revert button."))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        back = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_history",
                       args=[obj.pk])
        try:
            expected = int(request.POST.get("expected_version", ""))
            new = history.revert(self.model, obj.pk, version, expected, request.user.get_username())
        except (ValueError, history.FeatureHistory.DoesNotExist):
            self.message_user(request, _("That version does not exist or cannot be restored."),
                              messages.ERROR)
        except VersionConflict as conflict:
            self.message_user(request, str(conflict), messages.ERROR)
        else:
            self.message_user(request, _("Version %(old)s was restored as version %(new)s.")
                              % {"old": version, "new": new}, messages.SUCCESS)
        return HttpResponseRedirect(back)


def feature_admin(layer: registry.Layer) -> type[FeatureAdmin]:
    """The ModelAdmin of one registry layer."""
    model = model_for(layer.id)
    return type(f"{layer.model}Admin", (FeatureAdmin,), {
        "list_display": list_columns(layer, model),
        "list_filter": list_filters(layer, model),
        "search_fields": search_fields(layer, model),
    })


class IngestBatchAdmin(admin.ModelAdmin):
    """Ingest batches: listed, read-only, rolled back where the mode allows."""

    list_display = ("id", "layer", "source", "mode", "started_at", "finished_at",
                    "created_by", "loaded", "rolled_back")
    list_filter = ("layer", "mode", "started_at")
    search_fields = ("source", "created_by")
    actions = ("rollback",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: IngestBatch | None = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("loaded"))
    def loaded(self, batch: IngestBatch) -> object:
        return batch.report.get("loaded", "")

    @admin.display(description=gettext_lazy("rolled back"), boolean=True)
    def rolled_back(self, batch: IngestBatch) -> bool:
        return bool(batch.report.get("rolled_back"))

    @admin.action(description=gettext_lazy("Roll back the selected batches (delete what they "
                                           "loaded)"), permissions=["view"])
    def rollback(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Roll back each selected batch the user may delete features of."""
        for batch in queryset.order_by("pk"):
            model = model_for(batch.layer)
            if not request.user.has_perm(f"layers.delete_{model._meta.model_name}"):
                self.message_user(request, _("You may not delete features of %(layer)s; batch "
                                             "%(id)s was left as it is.")
                                  % {"layer": model._meta.verbose_name, "id": batch.pk},
                                  messages.ERROR)
                continue
            self._rollback_one(request, batch)

    def _rollback_one(self, request: HttpRequest, batch: IngestBatch) -> None:
        try:
            deleted = batches.rollback(batch, request.user.get_username())
        except batches.RollbackRefused as refused:
            self.message_user(request, str(refused), messages.WARNING)
            return
        self.message_user(request, _("Batch %(id)s rolled back: %(n)s features deleted.")
                          % {"id": batch.pk, "n": deleted}, messages.SUCCESS)


class UploadAdmin(admin.ModelAdmin):
    """The upload page (add) and each upload's progress and report (change)."""

    list_display = ("id", "source_name", "layer", "mode", "status", "created_by", "created_at")
    list_filter = ("status", "layer", "mode")

    def _uploader(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff and any(
            uploads.allowed(request.user, layer, "append") for layer in registry.LAYERS)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._uploader(request) or publishing.may_publish(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._uploader(request)

    def has_view_permission(self, request: HttpRequest, obj: Upload | None = None) -> bool:
        """Uploaders see their own uploads; superusers all."""
        if obj is None or request.user.is_superuser:
            return self._uploader(request)
        return obj.created_by == request.user.get_username()

    def has_change_permission(self, request: HttpRequest, obj: Upload | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(created_by=request.user.get_username())

    def add_view(self, request: HttpRequest, form_url: str = "",
                 extra_context: dict | None = None) -> HttpResponse:
        """The form; a valid POST stores the file, starts the ingest, shows its progress."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = uploads.UploadForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            upload = uploads.create(form, request.user.get_username())
            uploads.start(upload)
            return HttpResponseRedirect(reverse("admin:editor_upload_change", args=[upload.pk]))
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.opts,
                   "title": _("Upload a file into a layer"),
                   "can_publish": publishing.may_publish(request.user)}
        return TemplateResponse(request, "editor/upload_form.html", context)

    def get_urls(self) -> list:
        publish = self.admin_site.admin_view(self.publish_view)
        return [path("publish/", publish, name="editor_upload_publish"), *super().get_urls()]

    def publish_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a file and preview it (step 1), then name and publish the layer (step 2)."""
        if not publishing.may_publish(request.user):
            raise PermissionDenied
        if request.method == "POST" and "token" in request.POST:
            return self._publish(request)
        source = publishing.SourceForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and source.is_valid():
            token = publishing.store(source.cleaned_data["file"])
            options = {key: source.cleaned_data[key]
                       for key in ("source_crs", "encoding", "layer_name")}
            layer_form = publishing.LayerForm(initial={"token": token, **options})
            return self._preview(request, layer_form, token, options) or self._publish_page(
                request, source=source)
        return self._publish_page(request, source=source)

    def _preview(self, request: HttpRequest, layer_form, token: str, options: dict,
                 error: str | None = None) -> HttpResponse | None:
        try:
            preview = inspect(publishing.source(token), source_crs=options["source_crs"] or None,
                              encoding=options["encoding"] or None,
                              layer_name=options["layer_name"] or None)
        except IngestError as exc:
            publishing.discard(token)
            self.message_user(request, str(exc), messages.ERROR)
            return None
        layer_form.fields["sensitive"].choices = [(a.name, f"{a.title} ({a.name})")
                                                  for a in preview.attributes]
        return self._publish_page(request, layer=layer_form, preview=preview, error=error,
                                  map=publishing.preview_svg(preview),
                                  extent=publishing.extent_text(preview))

    def _publish(self, request: HttpRequest) -> HttpResponse:
        token = request.POST.get("token", "")
        options = {key: request.POST.get(key, "") for key in ("source_crs", "encoding",
                                                              "layer_name")}
        form = publishing.LayerForm(request.POST)
        form.fields["sensitive"].choices = [(name, name) for name in
                                            request.POST.getlist("sensitive")]
        if not form.is_valid():
            return self._preview(request, form, token, options) or self._publish_page(request)
        try:
            report = run_publish(publishing.source(token), form.entry(),
                                 source_crs=options["source_crs"] or None,
                                 encoding=options["encoding"] or None,
                                 layer_name=options["layer_name"] or None,
                                 user=request.user.get_username())
        except (IngestError, ValidationError) as exc:
            message = " ".join(getattr(exc, "messages", [str(exc)]))
            return self._preview(request, form, token, options, error=message) or \
                self._publish_page(request)
        publishing.discard(token)
        self.message_user(request, _("Layer %(id)s published: %(n)s features loaded, "
                                     "%(r)s rejected.") % {"id": form.entry().id,
                                                          "n": report.loaded,
                                                          "r": len(report.rejected)},
                          messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:index"))

    def _publish_page(self, request: HttpRequest, **context) -> HttpResponse:
        if "layer" not in context:
            context.setdefault("source", publishing.SourceForm())
        context = {**self.admin_site.each_context(request), "opts": self.opts,
                   "title": _("Publish a new layer"), **context}
        return TemplateResponse(request, "editor/publish.html", context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict | None = None) -> HttpResponse:
        """Progress while the ingest runs (the page refreshes itself), then the report."""
        upload = Upload.objects.filter(pk=unquote(object_id)).first()
        if upload is None or not self.has_view_permission(request, upload):
            raise Http404(_("No such upload."))
        if request.GET.get("format") == "json":
            return JsonResponse({"status": upload.status, "done": upload.done,
                                 "total": upload.total, "report": upload.report,
                                 "error": upload.error})
        context = {**self.admin_site.each_context(request), "upload": upload, "opts": self.opts,
                   "title": str(upload), "preview": uploads.preview(upload)}
        return TemplateResponse(request, "editor/upload_status.html", context)


def register(site: admin.AdminSite) -> None:
    """Register every registry layer, the ingest batches, the uploads and the catalog."""
    for layer in registry.LAYERS:
        site.register(model_for(layer.id), feature_admin(layer))
    site.register(IngestBatch, IngestBatchAdmin)
    site.register(Upload, UploadAdmin)
    site.register(CatalogEntry, CatalogAdmin)
    site.register(AdminUnitRecord, AdminUnitAdmin)


register(admin.site)
