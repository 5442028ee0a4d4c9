# SPDX-License-Identifier: MIT
"""Fixtures of the OGC web services tests: the sample town, real mapserv, in process."""
from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from lxml import etree

from geoserver_app.ows import featureinfo, views, wfs
from geoserver_app.security import access
from layers import grants
from layers.grants import LayerRights
from tests.support import sample_town
from tests.support.tile_client import Reply

OWS = {"ows": "http://www.opengis.net/ows/1.1", "ows10": "http://www.opengis.net/ows",
       "wfs": "http://www.opengis.net/wfs/2.0", "ogc": "http://www.opengis.net/ogc",
       "basemap": "https://basemap.invalid/ns", "gml": "http://www.opengis.net/gml/3.2"}
# a token's grant: the internal permits and mineral sites, and the parcels' owners
FULL = grants.PUBLIC.extended(
    [("land_parcels", LayerRights(True, True, False)),
     ("construction_permits", LayerRights(True, True, False)),
     ("mineral_sites", LayerRights(True, False, False))], "token:full")


@dataclass
class OwsClient:
    """Calls the WFS (``/wfs``) and GetFeatureInfo (``/tiles/service``) apps in process."""

    store: views.Mapfiles
    apps: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.apps = {"/wfs": wfs.create_app(self.store),
                     "/tiles/service": featureinfo.create_app(self.store)}

    def post(self, path: str, body: bytes, grant: grants.Grant = grants.PUBLIC) -> Reply:
        return self.get(path, {}, grant, "POST", **{"wsgi.input": io.BytesIO(body),
                                                     "CONTENT_LENGTH": str(len(body)),
                                                     "CONTENT_TYPE": "application/xml"})

    def get(self, path: str, query: dict[str, str], grant: grants.Grant = grants.PUBLIC,
            method: str = "GET", **extra: object) -> Reply:
        seen: dict = {}

        def start_response(status: str, headers: list, exc_info=None) -> None:
            seen.update(status=int(status.split()[0]), headers=dict(headers))

        environ = {"REQUEST_METHOD": method, "PATH_INFO": "", "SCRIPT_NAME": "",
                   "QUERY_STRING": urlencode(query), "SERVER_NAME": "testserver",
                   "SERVER_PORT": "80", "HTTP_HOST": "testserver", "wsgi.url_scheme": "http",
                   "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
                   access.ENVIRON_KEY: grant, **extra}
        body = b"".join(self.apps[path](environ, start_response))
        return Reply(seen["status"], seen["headers"], body)

    def wfs(self, grant: grants.Grant = grants.PUBLIC, **query: str) -> Reply:
        return self.get("/wfs", {"SERVICE": "WFS", "VERSION": "2.0.0", **query}, grant)


def xml(reply: Reply) -> etree._Element:
    return etree.fromstring(reply.body)


@pytest.fixture
def town(transactional_db) -> None:
    """The sample town, committed so mapserv (its own connection) sees it."""
    sample_town.load_all()


@pytest.fixture
def ows(settings, tmp_path: Path, town) -> OwsClient:
    settings.VAR_DIR = tmp_path
    return OwsClient(views.Mapfiles())
