# SPDX-License-Identifier: MIT
"""URL layout (docs/architecture.md, Interface contract); ``/tiles/`` is dispatched in wsgi.py."""
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from geoserver_app import views
from geoserver_app.editor import published
from geoserver_app.guides import views as guide_views
from geoserver_app.metadata import views as metadata_views
from geoserver_app.ogcapi import urls as ogcapi_urls
from geoserver_app.qgis import views as qgis_views
from geoserver_app.security import roles
from geoserver_app.security.sso import forms
from geoserver_app.security.sso import views as sso_views

admin.site.site_header = _("Quản trị bản đồ nền dùng chung")
admin.site.site_title = _("Bản đồ nền")
admin.site.index_title = _("Lớp dữ liệu và người dùng")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("ogcapi", ogcapi_urls.LANDING_PAGE),  # 200 as /ogcapi/: QGIS does not follow a 301
    path("ogcapi/", include("geoserver_app.ogcapi.urls")),
    # before the admin's catch-all: published layers' admin pages (built at run time)
    re_path(published.ROUTE, published.route_view(roles.published_rights),
            name=published.ROUTE_NAME),
    path("admin/", admin.site.urls),
    # the user guides; the admin header links the URL named like django.contrib.admindocs'
    # index ("Tài liệu" / "Documentation"), which this project does not install
    path("docs/", guide_views.guide, name="guides"),
    path("docs/", guide_views.guide, name="django-admindocs-docroot"),
    path("docs/img/<str:name>", guide_views.image, name="guide-image"),
    path("docs/<slug:slug>", guide_views.guide, name="guide"),
    path("qgis/basemap.qgz", qgis_views.basemap_qgz, name="qgis-project"),
]


def with_single_sign_on(patterns: list) -> list:
    """Single sign-on (geoserver_app/security/sso): login form and page, SSO routes, admin logout."""
    admin.site.login_form = forms.LoginForm
    admin.site.login_template = "geoserver_app/admin_login.html"
    return [*sso_views.urlpatterns_before_admin(), *patterns, *sso_views.urlpatterns()]


urlpatterns = with_single_sign_on(urlpatterns)

# ISO 19139 metadata of each layer, as a download (readable layers only, see metadata/views.py)
urlpatterns += [
    path("metadata/<slug:layer_id>.xml", metadata_views.layer_xml, name="layer-metadata-xml"),
]
