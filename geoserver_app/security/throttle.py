# SPDX-License-Identifier: MIT
"""Failed logins throttled per account and per client address (django-axes), on every web
login path: the admin form (local and LDAP/AD accounts) and the OpenID Connect callback.

The throttle backend goes before the directory's: once an account or an address is locked,
its guesses are refused here and never reach LDAP/AD, so an attacker cannot lock a real
person out of the province's directory through this server (keep ``LOGIN_FAILURE_LIMIT``
below the directory's own lockout threshold). Every failure and lockout is kept
(``axes`` tables, shown in the admin: the audit), a lock ends after ``LOGIN_COOLOFF_MINUTES``
or when an administrator deletes the account's attempts (admin, or
``manage.py axes_reset_username USERNAME`` / ``axes_reset_ip ADDRESS``).

Database logins are throttled by the server itself (``auth_delay``, see
geoserver_app/ops/cluster.py).
"""
from __future__ import annotations

import logging

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from geoserver_app.security import guard

log = logging.getLogger(__name__)
BACKEND = "geoserver_app.security.throttle.ThrottleBackend"


class ThrottleBackend(AxesStandaloneBackend):
    """django-axes' check; without a request (commands, scripts on the server) there is no
    client to throttle, so it steps aside instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def client_address(request: HttpRequest) -> str:
    """The address failures count against (AXES_CLIENT_IP_CALLABLE): as the API guard
    sees it, so a trusted reverse proxy does not make every client one."""
    return guard.client_address(request.META, settings.TRUSTED_PROXIES)


def locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs
               ) -> HttpResponse:
    """429 with a message saying what happened and what to do (AXES_LOCKOUT_CALLABLE)."""
    minutes = settings.AXES_COOLOFF_TIME.total_seconds() / 60
    log.warning("login locked out: address %s, account %r", client_address(request),
                get_client_username(request, credentials))
    message = _("Too many failed logins for this account or from this address. Try again "
                "in %(minutes)d minutes, or ask an administrator to unlock the account.") % {
        "minutes": minutes}
    return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8",
                        headers={"Retry-After": str(int(minutes * 60))})
