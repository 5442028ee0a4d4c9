# SPDX-License-Identifier: MIT
"""API tokens for sector applications: stored hashed, with per-layer rights."""
from __future__ import annotations

from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    """A bearer token. Only the SHA-256 of the key is stored; the key is shown once."""

    name = models.CharField("tên ứng dụng", max_length=100)
    key_hash = models.CharField("băm khóa (SHA-256)", max_length=64, unique=True, editable=False)
    prefix = models.CharField("tiền tố khóa", max_length=12, editable=False,
                              help_text="để nhận ra khóa mà không lộ khóa")
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    created_by = models.CharField("người tạo", max_length=150, blank=True)
    expires_at = models.DateTimeField("hết hạn lúc", null=True, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    last_used_at = models.DateTimeField("dùng lần cuối", null=True, blank=True, editable=False)

    class Meta:
        db_table = "api_tokens"
        verbose_name = "Khóa API"
        verbose_name_plural = "Khóa API"
        constraints = [models.UniqueConstraint(fields=["name"], condition=Q(revoked_at=None),
                                               name="api_token_active_name_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ApiTokenRight(models.Model):
    """What a token may do with one layer."""

    token = models.ForeignKey(ApiToken, models.CASCADE, related_name="rights",
                              verbose_name="khóa")
    layer = models.CharField("lớp", max_length=64)
    read = models.BooleanField("đọc", default=True)
    sensitive = models.BooleanField("đọc thuộc tính nhạy cảm", default=False)
    write = models.BooleanField("ghi", default=False)

    class Meta:
        db_table = "api_token_rights"
        verbose_name = "Quyền theo lớp"
        verbose_name_plural = "Quyền theo lớp"
        constraints = [models.UniqueConstraint(fields=["token", "layer"],
                                               name="api_token_right_unique")]

    def __str__(self) -> str:
        flags = [name for name in ("read", "sensitive", "write") if getattr(self, name)]
        return f"{self.layer}: {', '.join(flags) or '-'}"


class DatabaseLogin(models.Model):
    """A person's own PostgreSQL login (``manage.py dbaccess``); its rights follow their
    groups. The password is never stored here (PostgreSQL keeps its SCRAM verifier)."""

    user = models.OneToOneField("auth.User", models.CASCADE, related_name="database_login",
                                verbose_name="người dùng")
    role = models.CharField("tên đăng nhập CSDL", max_length=63, unique=True, editable=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    created_by = models.CharField("người tạo", max_length=150, blank=True)

    class Meta:
        db_table = "database_logins"
        verbose_name = "Đăng nhập CSDL"
        verbose_name_plural = "Đăng nhập CSDL"

    def __str__(self) -> str:
        return f"{self.role} ({self.user.get_username()})"
