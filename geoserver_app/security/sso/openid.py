# SPDX-License-Identifier: MIT
"""OpenID Connect login (mozilla-django-oidc): code flow with PKCE, claims mapped to groups.

The provider's endpoints come from its discovery document, fetched on first use (never at
start-up, so a provider that is down only disables the SSO button). mozilla-django-oidc does
not check the ID token's audience or issuer; ``ProviderBackend`` does.
"""
from __future__ import annotations

import functools
import logging
import re
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify, import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from geoserver_app.security.sso import OidcConfig, accounts

log = logging.getLogger(__name__)
ADMIN_LOGIN = "/admin/login/"
PROVIDER_DOWN = ("Không kết nối được máy chủ đăng nhập một cửa (SSO); hãy thử lại sau ít phút "
                 "hoặc đăng nhập bằng tài khoản nội bộ. (The single sign-on provider cannot be "
                 "reached.)")
LOGIN_FAILED = ("Đăng nhập một cửa (SSO) không thành công: {reason}. Hãy thử lại; nếu vẫn lỗi, "
                "báo quản trị hệ thống. (Single sign-on failed.)")
DISCOVERY_PATH = "/.well-known/openid-configuration"
ENDPOINT_SETTINGS = {"OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
                     "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
                     "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
                     "OIDC_OP_JWKS_ENDPOINT": "jwks_uri"}


class ProviderUnavailable(Exception):
    """The provider's discovery document or an endpoint could not be reached."""


def config() -> OidcConfig:
    return settings.SSO_OIDC


@functools.lru_cache(maxsize=8)
def _discovery(issuer: str, timeout: float, verify: bool | str) -> dict:
    try:
        response = requests.get(issuer + DISCOVERY_PATH, timeout=timeout, verify=verify)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery document of {issuer}: {exc}") from exc
    if document.get("issuer", "").rstrip("/") != issuer:
        raise ProviderUnavailable(f"discovery document names issuer {document.get('issuer')!r},"
                                  f" not {issuer!r}")
    return document


def endpoint(name: str) -> str:
    """A provider endpoint: the configured override, else from discovery (cached)."""
    cfg = config()
    if name in cfg.endpoints:
        return cfg.endpoints[name]
    value = _discovery(cfg.issuer, cfg.timeout, cfg.verify).get(name)
    if not value:
        raise ProviderUnavailable(f"the provider does not publish {name}")
    return value


def oidc_setting(attr: str, *args):
    """mozilla-django-oidc's settings lookup, with the provider's endpoints from discovery."""
    if attr in ENDPOINT_SETTINGS:
        return endpoint(ENDPOINT_SETTINGS[attr])
    return import_from_settings(attr, *args)


class ProviderBackend(OIDCAuthenticationBackend):
    """Users by the username claim; groups and staff flag from the groups claim."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # the parent reads every endpoint here; we resolve them only when a code comes back
        self.UserModel = get_user_model()
        self.OIDC_RP_IDP_SIGN_KEY = None

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: endpoint("token_endpoint"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: endpoint("userinfo_endpoint"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: endpoint("jwks_uri"))
    OIDC_RP_CLIENT_ID = property(lambda self: config().client_id)
    OIDC_RP_CLIENT_SECRET = property(lambda self: config().client_secret)
    OIDC_RP_SIGN_ALGO = property(lambda self: config().sign_algo)

    def authenticate(self, request, **kwargs):
        if request is None or kwargs.get("code_verifier") is None:
            return None  # a password login, or not our PKCE callback
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """Signature, expiry, issuer and audience (the parent skips the last two)."""
        cfg = config()
        try:
            return jwt.decode(payload, key, algorithms=[cfg.sign_algo], audience=cfg.client_id,
                              issuer=cfg.issuer, leeway=30,
                              options={"require": ["exp", "iat", "iss", "aud", "sub"]})
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token rejected: {exc}") from exc

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims completed by the userinfo endpoint's."""
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    def verify_claims(self, claims) -> bool:
        return bool(str(claims.get(config().username_claim, "")).strip())

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=self.get_username(claims))

    def get_username(self, claims) -> str:
        return str(claims[config().username_claim]).strip()[:150]

    def create_user(self, claims):
        user = self.UserModel(username=self.get_username(claims))
        user.set_unusable_password()
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        if accounts.is_local_account(user):
            raise SuspiciousOperation(f"{user.username!r} is a local account")
        user.email = claims.get("email", user.email) or ""
        user.first_name = (claims.get("given_name") or user.first_name)[:150]
        user.last_name = (claims.get("family_name") or user.last_name)[:150]
        user.save()
        cfg = config()
        accounts.apply_memberships(user, claim_values(claims.get(cfg.groups_claim)),
                                   cfg.group_map, cfg.staff_group)
        return user


def claim_values(value) -> set[str]:
    """A groups claim as a set of strings (a list, or one space/comma separated string)."""
    if isinstance(value, str):
        return set(value.replace(",", " ").split())
    if isinstance(value, list | tuple):
        return {str(item) for item in value}
    return set()


class LoginStart(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)


class Callback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    @property
    def failure_url(self) -> str:
        return ADMIN_LOGIN

    @property
    def success_url(self) -> str:
        return self.request.session.get("oidc_login_next") or "/admin/"

    def login_failure(self):
        # only the provider's error code is shown: its free text could be planted in a link
        error = self.request.GET.get("error", "")
        reason = error if re.fullmatch(r"[a-z_]{1,40}", error) else \
            "tài khoản không được chấp nhận (account not accepted)"
        messages.error(self.request, LOGIN_FAILED.format(reason=reason))
        return HttpResponseRedirect(self.failure_url)


def login_start(request: HttpRequest) -> HttpResponse:
    """Redirect to the provider (authorization request with state, nonce and PKCE)."""
    try:
        return LoginStart.as_view()(request)
    except ProviderUnavailable as exc:
        log.warning("OIDC provider unavailable: %s", exc)
        messages.error(request, PROVIDER_DOWN)
        return HttpResponseRedirect(ADMIN_LOGIN)


def callback(request: HttpRequest) -> HttpResponse:
    """The provider's redirect back: exchange the code, verify the tokens, log in."""
    try:
        return Callback.as_view()(request)
    except (ProviderUnavailable, requests.RequestException) as exc:
        log.warning("OIDC provider unavailable during callback: %s", exc)
        messages.error(request, PROVIDER_DOWN)
    except SuspiciousOperation as exc:
        log.warning("OIDC login refused: %s", exc)
        messages.error(request, LOGIN_FAILED.format(reason=str(exc)))
    return HttpResponseRedirect(ADMIN_LOGIN)


def provider_logout_url(request: HttpRequest) -> str:
    """The provider's end-session URL (RP-initiated logout), back to our login page after."""
    back = absolutify(request, ADMIN_LOGIN)
    try:
        end_session = endpoint("end_session_endpoint")
    except ProviderUnavailable:
        return back
    query = {"post_logout_redirect_uri": back, "client_id": config().client_id}
    if request.session.get("oidc_id_token"):
        query["id_token_hint"] = request.session["oidc_id_token"]
    return f"{end_session}?{urlencode(query)}"


class Logout(OIDCLogoutView):
    @property
    def redirect_url(self) -> str:
        return ADMIN_LOGIN


def logout(request: HttpRequest) -> HttpResponse:
    """Log out here and at the provider (RP-initiated logout)."""
    return Logout.as_view()(request)
