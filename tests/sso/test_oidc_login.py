# SPDX-License-Identifier: MIT
"""OpenID Connect login through the real redirect flow against the test provider."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import User

from geoserver_app.ops.cluster import free_port
from geoserver_app.security.sso.openid import PROVIDER_DOWN
from tests.support.oidc_provider import new_key
from tests.support.sso_setup import CLIENT_ID, sso_settings

pytestmark = pytest.mark.django_db


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def sign_in(client, username: str, password: str):
    """Start at our SSO button, log in at the provider, come back with the code."""
    start = client.get("/sso/login/?next=/admin/")
    assert start.status_code == 302
    at_provider = requests.post(start["Location"], data={"username": username,
                                                          "password": password},
                                allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == "http://testserver/sso/callback/"
    return client.get(f"{back.path}?{back.query}")


def messages_of(client) -> list[str]:
    page = client.get("/admin/login/")
    return [str(message) for message in page.context["messages"]]


def test_authorization_request_uses_pkce_state_and_nonce(client, oidc_on, provider):
    with oidc_on():
        response = client.get("/sso/login/")
    query = query_of(response["Location"])
    assert response["Location"].startswith(provider.issuer + "/authorize?")
    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["redirect_uri"] == "http://testserver/sso/callback/"
    assert query["scope"] == "openid email profile"
    assert len(query["state"]) == 32 and len(query["nonce"]) == 32


def test_construction_analyst_logs_in_with_mapped_groups(client, oidc_on):
    with oidc_on():
        response = sign_in(client, "mai", "mai-pass")
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
    user = User.objects.get(username="mai")
    assert (user.email, user.first_name, user.last_name) == ("mai@tinh.vn", "Mai", "Phạm")
    assert user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["construction"]
    assert user.has_perm("layers.change_constructionpermit")
    assert not user.has_perm("layers.change_road")


def test_two_groups_and_the_auditor(client, oidc_on):
    with oidc_on():
        assert sign_in(client, "son", "son-pass").status_code == 302
    user = User.objects.get(username="son")
    assert sorted(user.groups.values_list("name", flat=True)) == ["auditor", "resources"]
    assert user.has_perm("layers.change_mineralsite") and user.has_perm("layers.view_road")


def test_no_mapped_group_means_no_admin(client, oidc_on):
    with oidc_on():
        assert sign_in(client, "guest", "guest-pass").status_code == 302
        assert client.get("/admin/").status_code == 302  # to the login page: not staff
    guest = User.objects.get(username="guest")
    assert not guest.is_staff and guest.groups.count() == 0


def test_staff_group_claim(client, oidc_on):
    with oidc_on(OIDC_STAFF_GROUP="/gis-audit"):
        sign_in(client, "mai", "mai-pass")
        sign_in(client, "son", "son-pass")
    assert User.objects.get(username="son").is_staff
    assert not User.objects.get(username="mai").is_staff


@pytest.mark.parametrize(("misbehaviour", "reason"), [
    ({"aud": "another-client"}, "Audience doesn't match"),
    ({"exp": 1_000_000_000}, "Signature has expired"),
    ({"iss": "http://127.0.0.1:1"}, "Invalid issuer"),
    ({"key": new_key()}, "Signature verification failed"),
])
def test_bad_id_tokens_are_refused_and_nobody_is_logged_in(client, oidc_on, provider,
                                                            misbehaviour, reason):
    provider.misbehave.update(misbehaviour)
    with oidc_on():
        response = sign_in(client, "mai", "mai-pass")
        assert response.status_code == 302 and response["Location"] == "/admin/login/"
        shown = messages_of(client)
    assert len(shown) == 1 and shown[0].startswith("Đăng nhập một cửa (SSO) không thành công")
    assert f"ID token rejected: {reason}" in shown[0]
    assert User.objects.count() == 0 and "_auth_user_id" not in client.session


def test_provider_error_shows_its_code_but_not_planted_text(client, oidc_on):
    with oidc_on():
        client.get("/sso/login/")
        response = client.get("/sso/callback/", {"error": "access_denied",
                                                 "error_description": "Call 0900 000 000"})
        assert response["Location"] == "/admin/login/"
        shown = messages_of(client)
    assert shown == ["Đăng nhập một cửa (SSO) không thành công: access_denied. Hãy thử lại; "
                     "nếu vẫn lỗi, báo quản trị hệ thống. (Single sign-on failed.)"]


def test_replayed_callback_is_refused(client, oidc_on):
    with oidc_on():
        start = client.get("/sso/login/")
        at_provider = requests.post(start["Location"], data={"username": "mai",
                                                              "password": "mai-pass"},
                                    allow_redirects=False, timeout=5)
        back = urlsplit(at_provider.headers["Location"])
        assert client.get(f"{back.path}?{back.query}")["Location"] == "/admin/"
        client.logout()
        again = client.get(f"{back.path}?{back.query}")
    assert again.status_code == 302 and again["Location"] == "/admin/login/"
    assert "_auth_user_id" not in client.session


def test_provider_cannot_take_over_a_local_account(client, oidc_on):
    User.objects.create_superuser("admin", password="local-pass")
    with oidc_on():
        response = sign_in(client, "admin", "sso-admin-pass")
    assert response["Location"] == "/admin/login/"
    assert "_auth_user_id" not in client.session
    assert User.objects.get(username="admin").groups.count() == 0


def test_logout_ends_the_provider_session_too(client, oidc_on, provider):
    with oidc_on():
        sign_in(client, "mai", "mai-pass")
        response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert response["Location"].startswith(provider.issuer + "/logout?")
    query = query_of(response["Location"])
    assert query["post_logout_redirect_uri"] == "http://testserver/admin/login/"
    assert query["client_id"] == CLIENT_ID and query["id_token_hint"].count(".") == 2
    assert "_auth_user_id" not in client.session
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert back.headers["Location"] == "http://testserver/admin/login/"
    assert provider.logouts[-1]["id_token_hint"] == query["id_token_hint"]


def test_local_logout_stays_local(client, oidc_on):
    User.objects.create_superuser("quantri", password="local-pass")
    with oidc_on():
        client.login(username="quantri", password="local-pass")
        response = client.post("/admin/logout/")
    assert response.status_code == 200  # Django's own "logged out" page
    assert "_auth_user_id" not in client.session


def test_provider_down_is_a_clear_message_and_local_login_works(client):
    User.objects.create_superuser("quantri", password="local-pass")
    nothing_there = f"http://127.0.0.1:{free_port()}"
    env = {"OIDC_ISSUER": nothing_there, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_TIMEOUT": "2"}
    with sso_settings(env):
        response = client.get("/sso/login/")
        assert response.status_code == 302 and response["Location"] == "/admin/login/"
        assert messages_of(client) == [PROVIDER_DOWN]
        login = client.post("/admin/login/", {"username": "quantri", "password": "local-pass",
                                               "next": "/admin/"})
    assert login.status_code == 302 and login["Location"] == "/admin/"
