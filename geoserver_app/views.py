# SPDX-License-Identifier: MIT
"""Small Django views: health check, home page with the layer catalog, service landings."""
from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from geoserver_app.middleware import close_broken_connection
from layers import catalog


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT postgis_lib_version()")
            postgis = cursor.fetchone()[0]
    except DatabaseError:
        close_broken_connection()
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503,
                            headers={"Retry-After": "5", "Cache-Control": "no-store"})
    return JsonResponse({"status": "ok", "database": "up", "postgis": postgis},
                        headers={"Cache-Control": "no-store"})


def home(request: HttpRequest) -> HttpResponse:
    """The public home page: the public layer catalog by sector, with feature counts."""
    sectors = catalog.public_catalog(request.LANGUAGE_CODE)
    return render(request, "geoserver_app/home.html", {"sectors": sectors})
