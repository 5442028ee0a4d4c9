# SPDX-License-Identifier: MIT
"""OIDC access tokens (JWT) as API bearer tokens: scopes to layer rights; bad tokens refused."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from django.contrib.auth.models import User
from django.core.management import call_command

from geoserver_app.security import access
from geoserver_app.security.tokens import InvalidToken
from layers import grants, registry
from layers.grants import PUBLIC
from tests.publish.conftest import drop_published, write_schools
from tests.support.oidc_provider import new_key
from tests.support.sso_setup import API_AUDIENCE

pytestmark = pytest.mark.django_db
SCOPE_MAP = ("gis.permits=construction_permits:write,buildings:write;"
             "gis.owners=land_parcels:sensitive;gis.minerals=mineral_sites:read")


@pytest.fixture
def api_on(oidc_on):
    return lambda **extra: oidc_on(OIDC_API_AUDIENCE=API_AUDIENCE, OIDC_SCOPE_MAP=SCOPE_MAP,
                                   **extra)


def grant_of(token: str) -> grants.Grant:
    return access.grant_for_environ({"HTTP_AUTHORIZATION": f"Bearer {token}"})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_scopes_give_their_layer_rights(api_on, provider):
    token = provider.mint({"sub": "app-xay-dung", "aud": API_AUDIENCE,
                           "scope": "openid gis.permits gis.minerals"})
    with api_on():
        grant = grant_of(token)
    assert grant.name == "oidc:app-xay-dung" and not grant.anonymous
    assert grant.can_write("construction_permits") and grant.can_write("buildings")
    assert grant.can_read("mineral_sites") and not grant.can_write("mineral_sites")
    assert grant.can_read("roads") and not grant.can_write("roads")
    assert grant.hidden_attributes(registry.get("land_parcels")) == (
        "owner_name", "owner_id_number", "certificate_number")
    assert User.objects.count() == 0


def test_sensitive_scope_and_list_form_scp(api_on, provider):
    token = provider.mint({"sub": "so-tn-mt", "aud": [API_AUDIENCE, "account"],
                           "scp": ["gis.owners"]})
    with api_on():
        grant = grant_of(token)
    assert grant.hidden_attributes(registry.get("land_parcels")) == ()
    assert not grant.can_write("land_parcels") and not grant.can_read("mineral_sites")


def test_scopes_of_published_layers_are_checked_against_the_catalog_when_used(
        oidc_on, provider, tmp_path):
    schools = write_schools(tmp_path / "truong_hoc.shp")
    scopes = "gis.schools=truong_hoc:read;gis.later=chua_xuat_ban:write"
    token = provider.mint({"sub": "so-gd", "aud": API_AUDIENCE,
                           "scope": "gis.schools gis.later"})
    with oidc_on(OIDC_API_AUDIENCE=API_AUDIENCE, OIDC_SCOPE_MAP=scopes):
        before = grant_of(token)
        call_command("publish", str(schools), "--id", "truong_hoc", "--title-vi", "Trường",
                     "--access", "internal")
        after = grant_of(token)
    assert before == PUBLIC  # neither layer existed: the scopes gave nothing
    assert after.can_read("truong_hoc") and not after.can_write("truong_hoc")
    assert not after.can_write("chua_xuat_ban") and not after.can_read("chua_xuat_ban")
    drop_published("truong_hoc")


def test_unmapped_scopes_give_public_rights(api_on, provider):
    with api_on():
        grant = grant_of(provider.mint({"sub": "x", "aud": API_AUDIENCE, "scope": "email"}))
    assert grant == PUBLIC and grant.name == "oidc:x"


def test_access_token_from_the_code_flow_is_an_api_token(client, api_on, provider):
    with api_on(OIDC_SCOPES="openid email profile gis.permits"):
        start = client.get("/sso/login/")
        at_provider = requests.post(start["Location"], data={"username": "mai",
                                                              "password": "mai-pass"},
                                    allow_redirects=False, timeout=5)
        back = urlsplit(at_provider.headers["Location"])
        client.get(f"{back.path}?{back.query}")
        token = next(key for key, sub in provider.access_tokens.items() if sub == "mai")
        grant = grant_of(token)
    assert grant.name == "oidc:mai" and grant.can_write("construction_permits")


def hs256_with_public_key(provider) -> str:
    """The classic algorithm-confusion forgery: HMAC keyed with the provider's public key."""
    public = provider.key.public_key().public_bytes(serialization.Encoding.PEM,
                                                    serialization.PublicFormat.SubjectPublicKeyInfo)
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": provider.kid}).encode())
    body = b64(json.dumps({"iss": provider.issuer, "sub": "x", "aud": API_AUDIENCE,
                           "exp": int(time.time()) + 300, "scope": "gis.permits"}).encode())
    signature = hmac.new(public, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64(signature)}"


BAD_TOKENS = {
    "expired": (lambda op: op.mint({"sub": "x", "aud": API_AUDIENCE, "scope": "gis.permits"},
                                   lifetime=-120),
                "expired token: ask the identity provider for a new one"),
    "forged": (lambda op: op.mint({"sub": "x", "aud": API_AUDIENCE, "scope": "gis.permits"},
                                  key=new_key()),
               "signature does not verify: forged or altered token"),
    "unknown key": (lambda op: op.mint({"sub": "x", "aud": API_AUDIENCE}, key=new_key(),
                                       kid="not-published"),
                    "token signed by a key the identity provider does not publish: forged token"),
    "wrong audience": (lambda op: op.mint({"sub": "x", "aud": "another-api",
                                           "scope": "gis.permits"}),
                       "token not issued for this service (wrong audience)"),
    "other issuer": (lambda op: op.mint({"sub": "x", "aud": API_AUDIENCE,
                                         "iss": "http://127.0.0.1:1"}),
                     "token issued by another identity provider"),
    "no expiry": (lambda op: op.mint({"sub": "x", "aud": API_AUDIENCE, "exp": None}),
                  "token lacks a required claim"),
    "hs256 confusion": (hs256_with_public_key,
                        "token signed with an algorithm that is not accepted"),
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
def test_bad_tokens_are_refused_with_the_reason(client, api_on, provider, case):
    make, reason = BAD_TOKENS[case]
    token = make(provider)
    with api_on():
        with pytest.raises(InvalidToken) as refused:
            grant_of(token)
        response = client.get("/ogcapi/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert str(refused.value) == reason
    assert response.status_code == 401
    assert response.json()["description"] == f"Khóa API không hợp lệ ({reason})."
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert User.objects.count() == 0 and "_auth_user_id" not in client.session


def test_jwts_are_refused_when_not_enabled(oidc_on, provider):
    token = provider.mint({"sub": "x", "aud": API_AUDIENCE})
    with oidc_on(), pytest.raises(InvalidToken, match="not accepted here"):
        grant_of(token)
    with pytest.raises(InvalidToken, match="not accepted here"):
        grant_of(token)  # single sign-on off altogether


def test_jwt_shape_tells_oidc_tokens_from_ours():
    assert access.jwt_shaped("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_x")
    assert not access.jwt_shaped("bm_abc.def.ghi")
    assert not access.jwt_shaped("bm_" + "A" * 43)
    assert not access.jwt_shaped("a.b")
    assert not access.jwt_shaped("a..c")
    assert not access.jwt_shaped("a.b.c.d")
    assert not access.jwt_shaped("ắ.b.c")
    assert not access.jwt_shaped("a.b+/.c")


def test_our_own_tokens_still_work_beside_jwts(api_on):
    from geoserver_app.security.tokens import create_token

    _token, key = create_token("cong-thong-tin", ["mineral_sites"])
    with api_on():
        grant = grant_of(key)
    assert grant.name == "token:cong-thong-tin" and grant.can_read("mineral_sites")


def call_guarded(path: str, token: str) -> tuple[str, bytes]:
    """One request through the WSGI guard of the API paths (what gunicorn serves)."""
    from wsgiref.util import setup_testing_defaults

    from django.core.wsgi import get_wsgi_application

    from geoserver_app.security import guard

    app = guard.protect(get_wsgi_application(), guard.RateLimiter(0, 0, frozenset(),
                                                                  frozenset()))
    environ = {"PATH_INFO": path, "HTTP_AUTHORIZATION": f"Bearer {token}",
               "REMOTE_ADDR": "127.0.0.1"}
    setup_testing_defaults(environ)
    status = []
    body = b"".join(app(environ, lambda s, headers, exc_info=None: status.append(s)))
    return status[0], body


# the real WSGI handler closes the connection at each request's start (CONN_MAX_AGE 0), and
# the request reads the catalog: outside a test transaction, as when served
@pytest.mark.django_db(transaction=True)
def test_the_wsgi_guard_of_the_api_paths_accepts_and_refuses_jwts(api_on, provider):
    good = provider.mint({"sub": "app", "aud": API_AUDIENCE, "scope": "gis.permits"})
    forged = provider.mint({"sub": "app", "aud": API_AUDIENCE}, key=new_key())
    with api_on():
        accepted = call_guarded("/ogcapi/", good)
        refused = call_guarded("/ogcapi/", forged)
    assert accepted[0] == "200 OK"
    assert refused[0] == "401 Unauthorized"
    assert json.loads(refused[1])["description"].startswith(
        "Khóa API không hợp lệ (signature does not verify: forged or altered token).")


def test_made_up_key_ids_do_not_refetch_the_keys_each_time(api_on, provider):
    with api_on():
        grant_of(provider.mint({"sub": "x", "aud": API_AUDIENCE}))  # keys fetched and cached
        before = provider.hits["/jwks"]
        for attempt in range(5):
            token = provider.mint({"sub": "x", "aud": API_AUDIENCE}, key=new_key(),
                                  kid=f"made-up-{attempt}")
            with pytest.raises(InvalidToken, match="does not publish"):
                grant_of(token)
    assert provider.hits["/jwks"] - before <= 1
