# SPDX-License-Identifier: MIT
"""Django settings, all from the environment (12-factor).

DATABASE_URL   postgis://user:pass@host:port/db; unset: the embedded cluster in var/
SECRET_KEY     unset: generated once into var/secret_key
DEBUG          "1"/"true" to enable; off by default
ALLOWED_HOSTS  comma separated; default 127.0.0.1,localhost
"""
from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from geoserver_app.security.sso import settings_from_env
from layers import changefeed

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BASEMAP_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    """A boolean environment variable: 1/true/yes/on are true."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def secret_key() -> str:
    """SECRET_KEY from the environment, else from var/secret_key (made on first use)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def local_database_url() -> str:
    """The embedded cluster's URL (var/pgdata, PGPORT or 5433, generated password)."""
    password_file = VAR_DIR / "pgdata.password"
    password = password_file.read_text().strip() if password_file.exists() else ""
    port = os.environ.get("PGPORT", "5433")
    return f"postgis://basemap:{password}@127.0.0.1:{port}/basemap"


SECRET_KEY = secret_key()
DEBUG = env_flag("DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
                 if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "geoserver_app",
    "layers",
    "ingest",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "geoserver_app.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "geoserver_app.middleware.DatabaseUnavailableMiddleware",
    "geoserver_app.middleware.GrantMiddleware",
    "geoserver_app.routers.PrimaryForWritesMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "geoserver_app.urls"
WSGI_APPLICATION = "geoserver_app.wsgi.application"

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.template.context_processors.i18n",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]

DATABASES = {"default": dj_database_url.parse(
    os.environ.get("DATABASE_URL") or local_database_url(),
    conn_max_age=60, conn_health_checks=True)}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
    os.environ.get("DB_CONNECT_TIMEOUT", "3"))

# Debian 12's GDAL 3.6 cannot block file/network access while parsing spatial references
# (Django's gis.W001). We never hand GDAL a user-supplied SRS definition: forms and APIs take
# integer EPSG codes from a fixed list, and ingest reads files with pyogrio's own GDAL.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Optional hot standby for reads (docs/scaling.md): reads there, writes to the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {**dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"],
                                                    conn_max_age=60, conn_health_checks=True),
                            "ENGINE": "django.contrib.gis.db.backends.postgis",
                            # the primary's options, but a standby is never read-write
                            "OPTIONS": {key: value for key, value
                                        in DATABASES["default"]["OPTIONS"].items()
                                        if key != "target_session_attrs"}}
    DATABASE_ROUTERS = ["geoserver_app.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# Hardening. BASEMAP_HTTPS=1 when served over TLS (behind the production reverse proxy):
# secure cookies, HSTS, and the proxy's X-Forwarded-Proto trusted.
HTTPS = env_flag("BASEMAP_HTTPS")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MAX_REQUEST_BYTES", str(10 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(2 * 1024 * 1024 * 1024)))

# LOG_FORMAT=json: one JSON object per line (for log shippers); every line has request_id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "geoserver_app.ops.observe.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "format": "%(asctime)s %(levelname)s %(request_id)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                             "formatter": os.environ.get("LOG_FORMAT", "text")}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- public map viewer ----------------------------------------------------------------------
# Browser libraries come from node_modules (npm ci in scripts/setup.sh), see geoserver_app/vendor.py.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "geoserver_app.vendor.VendorFinder",
]
# VIEWER_FRAME_ANCESTORS: origins allowed to embed /?embed=1 in an iframe (CSP frame-ancestors),
# separated by spaces or commas, e.g. "https://portal.bacninh.gov.vn"; the page's own origin
# always may. Every other page, and / without embed=1, refuses framing.


def frame_ancestors(value: str) -> list[str]:
    """Origins of VIEWER_FRAME_ANCESTORS, each checked to be a CSP host source."""
    origins = value.replace(",", " ").split()
    for origin in origins:
        if not re.fullmatch(r"https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?", origin):
            raise ImproperlyConfigured(
                f"VIEWER_FRAME_ANCESTORS: {origin!r} is not an origin such as "
                "https://portal.example.gov.vn; fix the variable and start again")
    return origins


VIEWER_FRAME_ANCESTORS = frame_ancestors(os.environ.get("VIEWER_FRAME_ANCESTORS", ""))
# each server process reloads the layer catalog on its change notices (layers/catalog.py);
# off for processes that must not hold a listening connection (tests' in-process apps)
CATALOG_LISTENER = env_flag("BASEMAP_CATALOG_LISTENER", True)

# --- OGC API: pygeoapi's Django integration reads these three. The real configurations are
# per grant (geoserver_app/ogcapi/apis.py, from pygeoapi-config.yml); this stub only tells
# pygeoapi's URL module that its admin API is off. API_RULES is built on first use, so that
# commands that never serve the API (ingest, migrate, ...) do not import pygeoapi (~1 s).
from django.utils.functional import SimpleLazyObject  # noqa: E402


def _api_rules() -> object:
    # local: imports pygeoapi (~1 s), only when its URLs first read the rules
    from geoserver_app.ogcapi.rules import api_rules

    return api_rules()


PYGEOAPI_CONFIG = {"server": {"admin": False}}
OPENAPI_DOCUMENT: dict = {}
API_RULES = SimpleLazyObject(_api_rules)
# pygeoapi logs every request at INFO/WARNING (plugin locales, offsets): only its errors
LOGGING.setdefault("loggers", {})["pygeoapi"] = {"level": "ERROR"}


def single_sign_on() -> dict:
    """LDAP/Active Directory and OpenID Connect settings: off unless LDAP_SERVER_URI /
    OIDC_ISSUER are set (docs/en/operators.md "Single sign-on", geoserver_app/security/sso)."""
    return settings_from_env(os.environ)


globals().update(single_sign_on())

# --- analysts' admin: editing, history, metadata, translations --------------------------
INSTALLED_APPS += ["geoserver_app.editor", "geoserver_app.metadata"]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Base map under the admin's map widget (MapProxy WMTS REST, XYZ order, north-west origin).
BASEMAP_TILE_URL = os.environ.get("BASEMAP_TILE_URL",
                                  "/tiles/wmts/basemap/webmercator/{z}/{x}/{y}.png")

# --- the services' tuning: read here, as every other setting ---------------------------
# Requests per minute and client (geoserver_app/security/guard.RateLimiter): anonymous
# /ogcapi, anonymous /tiles (a map view loads dozens of tiles at once), tokens; 0 = off.
API_RATE_LIMIT = int(os.environ.get("API_RATE_LIMIT", "1200"))
TILE_RATE_LIMIT = int(os.environ.get("TILE_RATE_LIMIT", "12000"))
API_TOKEN_RATE_LIMIT = int(os.environ.get("API_TOKEN_RATE_LIMIT", "0"))


def env_addresses(name: str, default: str) -> frozenset[str]:
    """A comma-separated list of client addresses."""
    return frozenset(a.strip() for a in os.environ.get(name, default).split(",") if a.strip())


RATE_LIMIT_EXEMPT = env_addresses("RATE_LIMIT_EXEMPT", "127.0.0.1,::1")
# Reverse proxies whose X-Forwarded-For names the client
TRUSTED_PROXIES = env_addresses("TRUSTED_PROXIES", "")
# Connections per process of the OGC API providers' pool
OGCAPI_POOL_SIZE = int(os.environ.get("OGCAPI_POOL_SIZE", "2"))
# The tile-invalidation listener thread (off: tests, seeding hosts)
BASEMAP_TILE_LISTENER = (os.environ.get("BASEMAP_TILE_LISTENER", "1").strip().lower()
                         not in {"0", "false", "no", "off"})
# Days the change feed keeps deletions (tombstones); an older `since` must resync
# (layers/changefeed.py)
BASEMAP_TOMBSTONE_RETENTION_DAYS = changefeed.retention_days_from_env()
# /metrics for non-loopback clients presenting it as a bearer token (empty: loopback only)
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# Set by `make run` for gunicorn's workers: /metrics then aggregates them all
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")

# --- analysts' own database logins (geoserver_app/security/dblogins.py) -----------------
# BASEMAP_DB_LISTEN: addresses the embedded cluster listens on besides 127.0.0.1 (then TLS
# and scram only, see geoserver_app/ops/cluster.py); the host desktops use, and the sslmode
# printed in a login's connection line, follow it unless set.
BASEMAP_DB_LISTEN = os.environ.get("BASEMAP_DB_LISTEN", "").strip()
BASEMAP_DB_PUBLIC_HOST = os.environ.get("BASEMAP_DB_PUBLIC_HOST", "").strip()
BASEMAP_DB_SSLMODE = (os.environ.get("BASEMAP_DB_SSLMODE", "").strip()
                      or ("require" if BASEMAP_DB_LISTEN else ""))

# --- failed-login throttling (geoserver_app/security/throttle.py) -----------------------
INSTALLED_APPS += ["axes"]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=float(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
# an account (whatever the address) and an address (whatever the account), each on its own
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "geoserver_app.security.throttle.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False  # no start-up banner on every command (one-line errors stay one line)
AXES_CLIENT_IP_CALLABLE = "geoserver_app.security.throttle.client_address"
