# SPDX-License-Identifier: MIT
"""``/docs/``: the user guides in the request's language, and their pictures.

Public pages through the access policy's simplest case: they show no layer data, so every
caller gets the same page (no grant is read, nothing depends on a token).
"""
from __future__ import annotations

from django.contrib import admin
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from geoserver_app.guides import pages


def guide(request: HttpRequest, slug: str = "index") -> HttpResponse:
    """One guide, in Vietnamese unless the user chose English (``?lang=en``, the cookie)."""
    language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in pages.LANGUAGES else "vi"
    shown = pages.page(slug, language)
    if shown is None:
        raise Http404(slug)
    # the navigation names each guide by its title up to a colon ("Trợ giúp: ...")
    titles = [(name, pages.page(name, language).title.partition(":")[0]) for name in pages.PAGES]
    return render(request, "geoserver_app/guide.html", {
        "page": shown, "guides": titles, "site_header": admin.site.site_header,
        "site_title": admin.site.site_title})


def image(request: HttpRequest, name: str) -> FileResponse:
    """A picture of the guides (docs/img/NAME.png)."""
    path = pages.image(name)
    if path is None:
        raise Http404(name)
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response
