# SPDX-License-Identifier: MIT
"""Small Django views: health checks and the public map viewer."""
from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.gzip import gzip_page

from geoserver_app.middleware import close_broken_connection
from geoserver_app.viewer import page
from layers import grants


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


def livez(request: HttpRequest) -> JsonResponse:
    """200 while this app process serves requests, whatever the database's state: what a
    load balancer checks (``/healthz`` would take every app node out during a failover)."""
    return JsonResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


@gzip_page  # ~64 kB of HTML+JSON (style, communes) to ~10 kB; the page holds no secret
def home(request: HttpRequest) -> HttpResponse:
    """The public map viewer: public layers only, whoever asks (``?embed=1``: for iframes)."""
    language, embed = request.LANGUAGE_CODE, request.GET.get("embed") == "1"
    communes = page.communes(grants.PUBLIC)
    response = render(request, "geoserver_app/home.html", {
        "sectors": page.sectors(grants.PUBLIC, language),
        "communes": communes,
        "parcel_groups": page.parcel_groups(communes, language),
        "config": page.client_config(grants.PUBLIC, language),
        "embed": embed,
    })
    response["Content-Security-Policy"] = page.content_security_policy(
        embed, settings.VIEWER_FRAME_ANCESTORS)
    response.xframe_options_exempt = embed  # CSP frame-ancestors decides for embeds
    return response
