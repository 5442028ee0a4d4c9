# SPDX-License-Identifier: MIT
"""Request middleware: language choice and a 503 (not a 500) when the database is down."""
from __future__ import annotations

import logging
from http import HTTPStatus

from django.conf import settings
from django.db import DatabaseError, InterfaceError, InternalError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from geoserver_app import errors
from geoserver_app.ogcapi import db
from geoserver_app.security import access
from geoserver_app.security.tokens import InvalidToken

log = logging.getLogger(__name__)
LANGUAGE_COOKIE = "django_language"


class LanguageMiddleware:
    """Vietnamese unless the user chose otherwise (``?lang=en`` once, then a cookie).

    Unlike Django's LocaleMiddleware this ignores Accept-Language: the province's staff
    and citizens get Vietnamese even from an English-configured browser.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.known = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.GET.get("lang")
        language = chosen if chosen in self.known else request.COOKIES.get(LANGUAGE_COOKIE)
        if language not in self.known:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if chosen in self.known:
            response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=365 * 86400, samesite="Lax")
        return response


class GrantMiddleware:
    """Resolve the caller's grant once per request (``access.grant_for_request`` reads it).

    The WSGI guard has already done so on the API paths; other Django views get it here.
    A bad bearer token is a 401 wherever it is presented.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request.META[access.ENVIRON_KEY] = access.grant_for_environ(request.META)
        except InvalidToken as exc:
            return errors.response(HTTPStatus.UNAUTHORIZED, "Unauthorized",
                                   f"Khóa API không hợp lệ ({exc}).",
                                   headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Answer 503 with a readable message when PostgreSQL cannot be reached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        standby = isinstance(exception, InternalError) and isinstance(
            exception.__cause__, db.STANDBY_ERRORS)  # a write on a node a failover demoted
        if not (standby or isinstance(exception, (OperationalError, InterfaceError,
                                                  db.DatabaseUnavailable))):
            return None
        log.warning("database unavailable: %s", exception)
        errors.database_unavailable()
        close_broken_connection()
        description = ("Cơ sở dữ liệu tạm thời không truy cập được; vui lòng thử lại sau ít phút. "
                       "(The database is temporarily unavailable.)")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            # the connection broke mid-request (a failover): the change may or may not have
            # been committed, and only a read can tell
            description += (" Thay đổi có thể chưa được lưu: hãy đọc lại đối tượng trước khi "
                            "gửi lại. (Your change may not have been saved: read the feature "
                            "again before resending it.)")
        return errors.response(HTTPStatus.SERVICE_UNAVAILABLE, "ServiceUnavailable",
                               description, headers={"Retry-After": "5"})


def close_broken_connection() -> None:
    """Drop a connection that failed so the next request reconnects."""
    try:
        connection.close()
    except DatabaseError:
        pass
