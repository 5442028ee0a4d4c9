# SPDX-License-Identifier: MIT
"""Guide fixtures: one server over the demo database for the module, an analyst account.

The demo database and the browser are the suite's (tests/support/viewer_fixtures.py).
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from geoserver_app.ops.cluster import free_port
from tests.support.guides import ANALYST
from tests.support.servers import ROOT, start_server


@pytest.fixture(scope="module")
def docs_site(demo_site) -> Iterator[str]:
    """A server over the demo data with the analyst's account (module-wide: one start)."""
    env = {**os.environ, **demo_site.env, "DJANGO_SUPERUSER_USERNAME": ANALYST[0],
           "DJANGO_SUPERUSER_PASSWORD": ANALYST[1],
           "DJANGO_SUPERUSER_EMAIL": "canbo.dat@example.gov.vn"}
    subprocess.run([sys.executable, "manage.py", "ensure_superuser"], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=120)
    port = free_port()
    # single sign-on configured, so the login page shows its button (the provider is never
    # called: the analyst logs in with a local account)
    proc = start_server({**demo_site.env, "OIDC_ISSUER": "https://sso.example.gov.vn/realms/tinh",
                         "OIDC_CLIENT_ID": "ban-do-nen"}, port, workers=2)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=20)
