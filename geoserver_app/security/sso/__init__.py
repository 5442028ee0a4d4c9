# SPDX-License-Identifier: MIT
"""Single sign-on settings from the environment: LDAP/Active Directory and OpenID Connect.

Both are off unless their variables are set (``LDAP_SERVER_URI``, ``OIDC_ISSUER``); then
their backends go before Django's own, so local accounts keep working as a fallback. This
module parses the variables into plain settings only; the backends live in ``directory``
(python-ldap, imported only when LDAP is on) and ``openid``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

from layers.registry import LAYER_ID

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# first: django-axes' check (geoserver_app/security/throttle.py), before any directory
THROTTLE_BACKEND = "geoserver_app.security.throttle.ThrottleBackend"
LDAP_BACKEND = "geoserver_app.security.sso.directory.DirectoryBackend"
OIDC_BACKEND = "geoserver_app.security.sso.openid.ProviderBackend"
GROUP_TYPES = ("groupOfNames", "groupOfUniqueNames", "posixGroup", "activeDirectory",
               "nestedActiveDirectory")
TLS_REQUIRE_CERT = ("demand", "hard", "allow", "try", "never")
LAYER_RIGHTS = ("read", "write", "sensitive")
# the groups geoserver_app.security.roles creates (it imports models, which settings cannot yet);
# a test keeps the two equal
KNOWN_GROUPS = ("land", "resources", "transport", "construction", "auditor", "catalog",
                "sensitive")


@dataclass(frozen=True)
class LdapConfig:
    """What ``directory.DirectoryBackend`` needs besides django-auth-ldap's own settings."""

    group_map: dict[str, str]  # lower-cased group DN -> our group name
    staff_group: str | None  # lower-cased DN; None: staff when any group maps


@dataclass(frozen=True)
class OidcConfig:
    """An OpenID Connect provider and how its claims and scopes map to our groups and rights."""

    issuer: str
    client_id: str
    client_secret: str
    scopes: str = "openid email profile"
    username_claim: str = "preferred_username"
    groups_claim: str = "groups"
    group_map: dict[str, str] = field(default_factory=dict)  # claim value -> our group name
    staff_group: str | None = None
    sign_algo: str = "RS256"
    timeout: float = 5.0
    verify: bool | str = True  # False, True or a CA bundle path (requests' ``verify``)
    endpoints: dict[str, str] = field(default_factory=dict)  # overrides of discovery
    api_audience: str | None = None  # set: access tokens for this audience are API tokens
    scope_map: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)


def _pairs(value: str, name: str) -> list[tuple[str, str]]:
    """``"a:x;b:y"`` as [(a, x), (b, y)]; the key may contain ':' (the last one splits)."""
    pairs = []
    for item in filter(None, (part.strip() for part in value.split(";"))):
        key, sep, target = item.rpartition(":")
        if not sep or not key.strip() or not target.strip():
            raise ImproperlyConfigured(f"{name}: {item!r} is not 'KEY:VALUE' (items split by ';')")
        pairs.append((key.strip(), target.strip()))
    return pairs


def group_map(value: str, name: str, *, lower: bool = False) -> dict[str, str]:
    """A ``*_GROUP_MAP`` variable; targets must be groups that ``roles`` creates."""
    known = set(KNOWN_GROUPS)
    mapping = {}
    for key, group in _pairs(value, name):
        if group not in known:
            raise ImproperlyConfigured(f"{name}: unknown group {group!r}; known: "
                                       f"{', '.join(sorted(known))}")
        mapping[key.lower() if lower else key] = group
    return mapping


def scope_map(value: str, name: str = "OIDC_SCOPE_MAP") -> dict[str, tuple[tuple[str, str], ...]]:
    """``"scope=layer:right,layer:right;scope2=..."`` with rights read, write or sensitive.

    Layer ids are checked for their form only: layers are published and retired at run
    time, so whether one exists is asked of the catalog when a token is used
    (``bearer.scope_rights``), not when the settings load.
    """
    mapping: dict[str, tuple[tuple[str, str], ...]] = {}
    for item in filter(None, (part.strip() for part in value.split(";"))):
        scope, sep, grants = item.partition("=")
        rights = tuple(_pairs(grants.replace(",", ";"), name)) if sep else ()
        if not scope.strip() or not rights:
            raise ImproperlyConfigured(f"{name}: {item!r} is not 'scope=layer:right,...'")
        for layer, right in rights:
            if not LAYER_ID.match(layer) or right not in LAYER_RIGHTS:
                raise ImproperlyConfigured(
                    f"{name}: {layer}:{right} is not a layer id and a right (rights: "
                    f"{', '.join(LAYER_RIGHTS)})")
        mapping[scope.strip()] = rights
    return mapping


def _required(env: Mapping[str, str], name: str, because: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when {because} is set")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    try:
        seconds = float(value) if value else default
    except ValueError:
        seconds = -1.0
    if seconds <= 0:
        raise ImproperlyConfigured(f"{name}={value!r}: give a number of seconds, e.g. {default:g}")
    return seconds


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = env.get(name, "").strip() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r}: use one of {', '.join(choices)}")
    return value


def ldap_group_type(kind: str):
    """django-auth-ldap's group type object for ``LDAP_GROUP_TYPE``."""
    # local: settings import this module; python-ldap loads only when LDAP is configured
    from django_auth_ldap import config

    return {"groupOfNames": config.GroupOfNamesType,
            "groupOfUniqueNames": config.GroupOfUniqueNamesType,
            "posixGroup": config.PosixGroupType,
            "activeDirectory": config.ActiveDirectoryGroupType,
            "nestedActiveDirectory": config.NestedActiveDirectoryGroupType}[kind]()


def ldap_connection_options(env: Mapping[str, str]) -> dict:
    """python-ldap options: timeouts, no referral chasing (AD), TLS certificate checks."""
    # local: settings import this module; python-ldap loads only when LDAP is configured
    import ldap

    require = _choice(env, "LDAP_TLS_REQUIRE_CERT", TLS_REQUIRE_CERT, "demand")
    timeout = _seconds(env, "LDAP_TIMEOUT", 5.0)
    options = {ldap.OPT_NETWORK_TIMEOUT: timeout, ldap.OPT_TIMEOUT: timeout,
               ldap.OPT_REFERRALS: 0,
               ldap.OPT_X_TLS_REQUIRE_CERT: getattr(ldap, f"OPT_X_TLS_{require.upper()}")}
    if env.get("LDAP_CA_FILE"):
        options[ldap.OPT_X_TLS_CACERTFILE] = env["LDAP_CA_FILE"]
    options[ldap.OPT_X_TLS_NEWCTX] = 0  # must come last: applies the TLS options above
    return options


def ldap_settings(env: Mapping[str, str]) -> dict:
    """django-auth-ldap settings (``AUTH_LDAP_*``) and our ``SSO_LDAP`` from the environment."""
    # local: settings import this module; python-ldap loads only when LDAP is configured
    import ldap
    from django_auth_ldap.config import LDAPSearch

    user_base = _required(env, "LDAP_USER_SEARCH_BASE", "LDAP_SERVER_URI")
    user_attr = env.get("LDAP_USER_ATTR", "").strip() or "uid"
    user_filter = f"({user_attr}=%(user)s)"  # django-auth-ldap escapes %(user)s
    if env.get("LDAP_USER_FILTER", "").strip():
        user_filter = f"(&{user_filter}{env['LDAP_USER_FILTER'].strip()})"
    kind = _choice(env, "LDAP_GROUP_TYPE", GROUP_TYPES, "groupOfNames")
    group_base = env.get("LDAP_GROUP_SEARCH_BASE", "").strip() or user_base
    staff = env.get("LDAP_STAFF_GROUP", "").strip().lower() or None
    return {
        "AUTH_LDAP_SERVER_URI": env["LDAP_SERVER_URI"].strip(),
        "AUTH_LDAP_BIND_DN": env.get("LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": env.get("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": _flag(env, "LDAP_START_TLS"),
        "AUTH_LDAP_CONNECTION_OPTIONS": ldap_connection_options(env),
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(user_base, ldap.SCOPE_SUBTREE, user_filter),
        "AUTH_LDAP_GROUP_SEARCH": LDAPSearch(group_base, ldap.SCOPE_SUBTREE),
        "AUTH_LDAP_GROUP_TYPE": ldap_group_type(kind),
        "AUTH_LDAP_USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn",
                                    "email": "mail"},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_CACHE_TIMEOUT": 0,
        "SSO_LDAP": LdapConfig(group_map(env.get("LDAP_GROUP_MAP", ""), "LDAP_GROUP_MAP",
                                         lower=True), staff),
    }


OIDC_ENDPOINT_VARIABLES = {"authorization_endpoint": "OIDC_AUTHORIZATION_ENDPOINT",
                           "token_endpoint": "OIDC_TOKEN_ENDPOINT",
                           "userinfo_endpoint": "OIDC_USERINFO_ENDPOINT",
                           "jwks_uri": "OIDC_JWKS_URI",
                           "end_session_endpoint": "OIDC_END_SESSION_ENDPOINT"}


def oidc_config(env: Mapping[str, str]) -> OidcConfig:
    """The provider settings; endpoints come from its discovery document unless given."""
    verify: bool | str = not _flag(env, "OIDC_INSECURE_SKIP_VERIFY")
    if verify and env.get("OIDC_CA_FILE"):
        verify = env["OIDC_CA_FILE"]
    return OidcConfig(
        issuer=env["OIDC_ISSUER"].strip().rstrip("/"),
        client_id=_required(env, "OIDC_CLIENT_ID", "OIDC_ISSUER"),
        client_secret=env.get("OIDC_CLIENT_SECRET", ""),
        scopes=env.get("OIDC_SCOPES", "").strip() or "openid email profile",
        username_claim=env.get("OIDC_USERNAME_CLAIM", "").strip() or "preferred_username",
        groups_claim=env.get("OIDC_GROUPS_CLAIM", "").strip() or "groups",
        group_map=group_map(env.get("OIDC_GROUP_MAP", ""), "OIDC_GROUP_MAP"),
        staff_group=env.get("OIDC_STAFF_GROUP", "").strip() or None,
        sign_algo=env.get("OIDC_SIGN_ALGO", "").strip() or "RS256",
        timeout=_seconds(env, "OIDC_TIMEOUT", 5.0),
        verify=verify,
        endpoints={key: env[name].strip() for key, name in OIDC_ENDPOINT_VARIABLES.items()
                   if env.get(name, "").strip()},
        api_audience=env.get("OIDC_API_AUDIENCE", "").strip() or None,
        scope_map=scope_map(env.get("OIDC_SCOPE_MAP", "")),
    )


def oidc_settings(env: Mapping[str, str]) -> dict:
    """mozilla-django-oidc settings (authorization code flow with PKCE) and ``SSO_OIDC``."""
    config = oidc_config(env)
    return {
        "SSO_OIDC": config,
        "OIDC_RP_CLIENT_ID": config.client_id,
        "OIDC_RP_CLIENT_SECRET": config.client_secret,
        "OIDC_RP_SCOPES": config.scopes,
        "OIDC_RP_SIGN_ALGO": config.sign_algo,
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_USE_NONCE": True,
        "OIDC_STORE_ID_TOKEN": True,
        "OIDC_TIMEOUT": config.timeout,
        "OIDC_VERIFY_SSL": config.verify,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "sso_callback",
        "OIDC_OP_LOGOUT_URL_METHOD": "geoserver_app.security.sso.openid.provider_logout_url",
    }


def settings_from_env(env: Mapping[str, str]) -> dict:
    """Every single sign-on setting; with nothing configured, only Django's own backend."""
    values: dict = {"SSO_LDAP": None, "SSO_OIDC": None}
    backends = []
    if env.get("LDAP_SERVER_URI", "").strip():
        values.update(ldap_settings(env))
        backends.append(LDAP_BACKEND)
    if env.get("OIDC_ISSUER", "").strip():
        values.update(oidc_settings(env))
        backends.append(OIDC_BACKEND)
    values["AUTHENTICATION_BACKENDS"] = [THROTTLE_BACKEND, *backends, MODEL_BACKEND]
    return values
