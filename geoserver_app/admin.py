# SPDX-License-Identifier: MIT
"""Admin pages of the app itself: API tokens (key shown once) and the audit log."""
from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils import timezone

from geoserver_app.models import ApiToken, ApiTokenRight
from geoserver_app.security import tokens
from layers.models import FeatureHistory


class ApiTokenRightInline(admin.TabularInline):
    model = ApiTokenRight
    extra = 1


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix", "created_at", "created_by", "last_used_at")
    inlines = [ApiTokenRightInline]
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ApiToken, form, change: bool) -> None:
        if not change:
            key = tokens.new_key()
            obj.key_hash, obj.prefix = tokens.hash_key(key), key[:10]
            obj.created_by = request.user.get_username()
            messages.warning(request, f"Khóa API mới (chỉ hiện một lần, hãy lưu lại ngay): {key}")
        super().save_model(request, obj, form, change)

    @admin.action(description="Thu hồi các khóa đã chọn")
    def revoke(self, request: HttpRequest, queryset) -> None:
        count = queryset.filter(revoked_at=None).update(revoked_at=timezone.now())
        messages.success(request, f"Đã thu hồi {count} khóa.")


@admin.register(FeatureHistory)
class AuditLogAdmin(admin.ModelAdmin):
    """Every captured write (who, when, layer, feature, what); append-only."""

    list_display = ("changed_at", "actor", "layer", "feature_id", "operation", "version")
    list_filter = ("layer", "operation")
    search_fields = ("actor", "=feature_id")
    date_hierarchy = "changed_at"
    readonly_fields = ("layer", "feature_id", "version", "operation", "changed_at", "actor",
                       "data")
    exclude = ("geom",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser
