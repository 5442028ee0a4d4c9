# SPDX-License-Identifier: MIT
"""URL entry points of single sign-on; the OIDC machinery is imported only when it is on."""
from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import path

NOT_CONFIGURED = ("Đăng nhập một cửa (SSO) chưa được cấu hình; hãy dùng tài khoản nội bộ. "
                  "(Single sign-on is not configured.)")


def oidc_enabled() -> bool:
    return getattr(settings, "SSO_OIDC", None) is not None


def not_configured() -> HttpResponse:
    return HttpResponse(NOT_CONFIGURED, status=404, content_type="text/plain; charset=utf-8")


def login_start(request: HttpRequest) -> HttpResponse:
    if not oidc_enabled():
        return not_configured()
    # local: mozilla-django-oidc loads only when OpenID Connect is configured
    from geoserver_app.security.sso import openid

    return openid.login_start(request)


def callback(request: HttpRequest) -> HttpResponse:
    if not oidc_enabled():
        return not_configured()
    # local: mozilla-django-oidc loads only when OpenID Connect is configured
    from geoserver_app.security.sso import openid

    return openid.callback(request)


def admin_logout(request: HttpRequest) -> HttpResponse:
    """The admin's logout; also ends the provider's session when the user came through it."""
    if request.method == "POST" and oidc_enabled() and request.session.get("oidc_id_token"):
        # local: mozilla-django-oidc loads only when OpenID Connect is configured
        from geoserver_app.security.sso import openid

        return openid.logout(request)
    return admin.site.logout(request)


def urlpatterns_before_admin() -> list:
    """Routes that must come before ``admin/`` (it would swallow them)."""
    return [path("admin/logout/", admin_logout, name="sso_admin_logout")]


def urlpatterns() -> list:
    return [path("sso/login/", login_start, name="sso_login"),
            path("sso/callback/", callback, name="sso_callback")]
