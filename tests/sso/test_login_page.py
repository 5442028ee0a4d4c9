# SPDX-License-Identifier: MIT
"""The admin login page offers the configured sign-in options, in Vietnamese by default."""
from __future__ import annotations

import pytest

from geoserver_app.ops.cluster import free_port
from geoserver_app.security.sso.views import NOT_CONFIGURED
from tests.support.sso_setup import CLIENT_ID, sso_settings

pytestmark = pytest.mark.django_db
OIDC = {"OIDC_ISSUER": f"http://127.0.0.1:{free_port()}", "OIDC_CLIENT_ID": CLIENT_ID}
LDAP = {"LDAP_SERVER_URI": f"ldap://127.0.0.1:{free_port()}",
        "LDAP_USER_SEARCH_BASE": "ou=people,dc=tinh,dc=vn"}
BUTTON = ('<a class="button sso-button" id="sso-login" href="/sso/login/?next=/admin/">'
          'Đăng nhập bằng tài khoản một cửa (SSO)</a>')


def login_page(client, query: str = "") -> str:
    response = client.get(f"/admin/login/?next=/admin/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_nothing_configured_shows_the_plain_form(client):
    page = login_page(client)
    assert 'id="login-form"' in page and "sso-options" not in page
    response = client.get("/sso/login/")
    assert response.status_code == 404 and response.content.decode() == NOT_CONFIGURED


def test_oidc_button_in_vietnamese_without_contacting_the_provider(client):
    with sso_settings(OIDC):  # the provider's address answers nothing: the page still shows
        page = login_page(client)
    assert page.count(BUTTON) == 1 and 'id="login-form"' in page
    assert ('<p class="sso-note">Hoặc đăng nhập bằng tài khoản nội bộ ở mẫu dưới đây.</p>'
            in page)
    assert 'id="ldap-note"' not in page


def test_oidc_button_in_english(client):
    with sso_settings(OIDC):
        page = login_page(client, "&lang=en")
    assert "Sign in with the single sign-on account (SSO)</a>" in page


def test_ldap_note(client):
    with sso_settings(LDAP):
        page = login_page(client)
    assert ('<p class="sso-note" id="ldap-note">Cán bộ các Sở: nhập tên và mật khẩu tài khoản '
            'công vụ (LDAP/Active Directory) vào mẫu dưới đây; quyền chỉnh sửa theo phòng ban '
            'trong thư mục. Tài khoản nội bộ cũng dùng mẫu này.</p>') in page
    assert "sso-login" not in page and 'id="login-form"' in page


def test_both(client):
    with sso_settings({**OIDC, **LDAP}):
        page = login_page(client)
    assert BUTTON in page and 'id="ldap-note"' in page
