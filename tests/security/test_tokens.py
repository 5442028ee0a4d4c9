# SPDX-License-Identifier: MIT
"""API tokens: the command, hashed storage, rights, expiry, revocation, 401 on the API paths."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from geoserver_app.models import ApiToken
from geoserver_app.security import access, guard
from geoserver_app.security.tokens import InvalidToken
from layers import grants
from layers.grants import PUBLIC, LayerRights

pytestmark = pytest.mark.django_db


def create(*args: str) -> str:
    out = StringIO()
    call_command("apitoken", "create", *args, stdout=out)
    return out.getvalue().splitlines()[-1]


def grant_of(key: str) -> grants.Grant:
    return access.grant_for_environ({"HTTP_AUTHORIZATION": f"Bearer {key}"})


def test_create_prints_the_key_last_and_stores_only_its_hash():
    key = create("so-xay-dung", "--layers", "construction_permits,buildings", "--write")
    assert key.startswith("bm_") and len(key) > 40
    token = ApiToken.objects.get(name="so-xay-dung")
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:10]
    assert key not in json.dumps(list(ApiToken.objects.values()), default=str)


def test_token_grant_adds_its_layers_to_the_public_ones():
    key = create("cap-phep", "--layers", "construction_permits", "--write")
    grant = grant_of(key)
    assert grant.name == "token:cap-phep"
    assert grant.can_read("construction_permits") and grant.can_write("construction_permits")
    assert grant.can_read("roads") and not grant.can_write("roads")
    assert not grant.can_read("mineral_sites")
    permits = next(layer for layer in grant.visible_layers() if layer.id == "construction_permits")
    assert grant.hidden_attributes(permits) == ("investor_name",)


def test_sensitive_right_reveals_sensitive_attributes():
    from layers import registry

    key = create("dang-ky-dat-dai", "--layers", "land_parcels", "--sensitive")
    parcels = registry.get("land_parcels")
    assert grant_of(key).hidden_attributes(parcels) == ()
    assert PUBLIC.hidden_attributes(parcels) == (
        "owner_name", "owner_id_number", "certificate_number")


def test_same_rights_share_one_grant_value():
    first = grant_of(create("a", "--layers", "mineral_sites"))
    second = grant_of(create("b", "--layers", "mineral_sites"))
    assert first == second and hash(first) == hash(second)
    assert first != PUBLIC
    assert PUBLIC.extended([("roads", LayerRights())], "token:x") == PUBLIC


def test_all_covers_every_layer():
    grant = grant_of(create("toan-quyen", "--all"))
    assert {layer.id for layer in grant.visible_layers()} >= {"mineral_sites",
                                                             "construction_permits"}


def test_revoked_and_expired_tokens_are_refused():
    key = create("tam-thoi", "--layers", "mineral_sites")
    call_command("apitoken", "revoke", "tam-thoi", stdout=StringIO())
    with pytest.raises(InvalidToken, match="unknown or revoked"):
        grant_of(key)
    old = create("het-han", "--layers", "mineral_sites", "--expires", "2099-01-01")
    ApiToken.objects.filter(name="het-han").update(expires_at=timezone.now() - dt.timedelta(1))
    with pytest.raises(InvalidToken, match="expired"):
        grant_of(old)


def test_expires_is_inclusive_of_the_day():
    create("den-cuoi-ngay", "--layers", "roads", "--expires", "2099-03-31")
    token = ApiToken.objects.get(name="den-cuoi-ngay")
    assert token.expires_at == dt.datetime(2099, 4, 1, tzinfo=dt.UTC)


def test_last_used_is_recorded():
    key = create("dung-lan-cuoi", "--layers", "roads")
    grant_of(key)
    assert ApiToken.objects.get(name="dung-lan-cuoi").last_used_at is not None


@pytest.mark.parametrize("args, message", [
    (["x", "--layers", "nope"], "unknown layer(s) nope"),
    (["x", "--layers", ","], "no layers given"),
    (["x", "--all", "--expires", "2001-01-01"], "expiry 2001-01-02 is in the past"),
    (["x", "--all", "--expires", "tomorrow"], "'tomorrow' is not a date"),
])
def test_bad_create_arguments_are_one_readable_error(args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("apitoken", "create", *args, stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_duplicate_active_name_and_unknown_revoke():
    create("trung-ten", "--layers", "roads")
    with pytest.raises(CommandError, match="an active token named 'trung-ten' exists"):
        create("trung-ten", "--layers", "roads")
    with pytest.raises(CommandError, match="no active token named 'khong-co'"):
        call_command("apitoken", "revoke", "khong-co", stdout=StringIO())


def _call(app, path: str, headers: dict[str, str] | None = None) -> tuple[str, dict, bytes]:
    seen: dict = {}

    def start_response(status, response_headers):
        seen["status"], seen["headers"] = status, dict(response_headers)

    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "REMOTE_ADDR": "10.9.8.7",
               **(headers or {})}
    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def _echo_grant(environ, start_response):
    start_response("200 OK", [])
    return [environ[access.ENVIRON_KEY].name.encode()]


@pytest.mark.parametrize("header", ["Bearer bm_not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_guard_answers_401_for_a_bad_token_on_api_paths(header):
    app = guard.protect(_echo_grant, guard.RateLimiter(0, 0, frozenset(), frozenset()))
    for path in ("/ogcapi/collections", "/tiles/wmts/1.0.0/WMTSCapabilities.xml"):
        status, headers, body = _call(app, path, {"HTTP_AUTHORIZATION": header})
        assert status == "401 Unauthorized"
        assert headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
        assert json.loads(body)["code"] == "Unauthorized"


def test_guard_passes_the_resolved_grant():
    app = guard.protect(_echo_grant, guard.RateLimiter(0, 0, frozenset(), frozenset()))
    key = create("qua-cong", "--layers", "roads")
    assert _call(app, "/ogcapi/")[2] == b"public"
    assert _call(app, "/tiles/", {"HTTP_AUTHORIZATION": f"Bearer {key}"})[2] == b"token:qua-cong"


def test_django_views_answer_401_for_a_bad_token(client):
    response = client.get("/ogcapi/", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401
