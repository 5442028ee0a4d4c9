# SPDX-License-Identifier: MIT
"""A small OpenID Connect provider for the tests: discovery, JWKS, code flow with PKCE.

Served over HTTP on loopback from a thread. It enforces what a real provider does (registered
client and redirect URI, S256 PKCE, single-use codes, client secret) and signs RS256 tokens;
``misbehave`` makes it issue bad ID tokens so the client's checks can be tested.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

Response = tuple[str, list[tuple[str, str]], bytes]


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Account:
    password: str
    claims: dict


@dataclass
class Provider:
    client_id: str
    client_secret: str
    redirect_uri: str
    api_audience: str
    accounts: dict[str, Account]
    issuer: str = ""
    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    kid: str = "test-key-1"
    codes: dict[str, dict] = field(default_factory=dict)
    access_tokens: dict[str, str] = field(default_factory=dict)
    logouts: list[dict] = field(default_factory=list)
    hits: Counter = field(default_factory=Counter)  # requests per path
    misbehave: dict = field(default_factory=dict)  # id_token claim overrides, "key": other key

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        routes = {"/.well-known/openid-configuration": self.discovery, "/jwks": self.jwks,
                  "/authorize": self.authorize, "/token": self.token,
                  "/userinfo": self.userinfo, "/logout": self.logout}
        self.hits[environ["PATH_INFO"]] += 1
        handler = routes.get(environ["PATH_INFO"])
        status, headers, body = handler(environ) if handler else ("404 Not Found", [], b"")
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    # --- endpoints ---------------------------------------------------------------------
    def discovery(self, environ: dict) -> Response:
        return as_json({
            "issuer": self.issuer, "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token", "userinfo_endpoint": self.issuer + "/userinfo",
            "jwks_uri": self.issuer + "/jwks", "end_session_endpoint": self.issuer + "/logout",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        })

    def jwks(self, environ: dict) -> Response:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return as_json({"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]})

    def authorize(self, environ: dict) -> Response:
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if query.get("client_id") != self.client_id or query.get("redirect_uri") != self.redirect_uri:
            return as_json({"error": "invalid_request", "error_description": "unknown client or "
                            "redirect_uri"}, "400 Bad Request")
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256" \
                or not query.get("code_challenge"):
            return redirect(self.redirect_uri, error="invalid_request", state=query.get("state"),
                            error_description="PKCE S256 code challenge required")
        if environ["REQUEST_METHOD"] != "POST":
            return login_form(environ)
        form = read_form(environ)
        account = self.accounts.get(form.get("username", ""))
        if account is None or not secrets.compare_digest(account.password, form.get("password", "")):
            return login_form(environ, "wrong user name or password")
        code = secrets.token_urlsafe(24)
        self.codes[code] = {**query, "sub": form["username"]}
        return redirect(self.redirect_uri, code=code, state=query.get("state"))

    def token(self, environ: dict) -> Response:
        form = read_form(environ)
        client_id, secret = client_credentials(environ, form)
        grant = self.codes.pop(form.get("code", ""), None)
        if (client_id, secret) != (self.client_id, self.client_secret):
            return as_json({"error": "invalid_client"}, "401 Unauthorized")
        if grant is None or form.get("grant_type") != "authorization_code" \
                or form.get("redirect_uri") != grant["redirect_uri"]:
            return as_json({"error": "invalid_grant"}, "400 Bad Request")
        if s256(form.get("code_verifier", "")) != grant["code_challenge"]:
            return as_json({"error": "invalid_grant", "error_description": "PKCE verifier does "
                            "not match"}, "400 Bad Request")
        access = self.mint({"sub": grant["sub"], "aud": self.api_audience,
                            "scope": grant.get("scope", "")})
        self.access_tokens[access] = grant["sub"]
        return as_json({"access_token": access, "token_type": "Bearer", "expires_in": 300,
                        "id_token": self.id_token(grant)})

    def userinfo(self, environ: dict) -> Response:
        token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
        sub = self.access_tokens.get(token)
        if sub is None:
            return as_json({"error": "invalid_token"}, "401 Unauthorized")
        return as_json({"sub": sub, **self.accounts[sub].claims})

    def logout(self, environ: dict) -> Response:
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.logouts.append(query)
        return "302 Found", [("Location", query.get("post_logout_redirect_uri", "/"))], b""

    # --- tokens ----------------------------------------------------------------------
    def id_token(self, grant: dict) -> str:
        overrides = {k: v for k, v in self.misbehave.items() if k != "key"}
        claims = {"sub": grant["sub"], "aud": self.client_id, "nonce": grant.get("nonce"),
                  **self.accounts[grant["sub"]].claims, **overrides}
        return self.mint(claims, key=self.misbehave.get("key"))

    def mint(self, claims: dict, key: rsa.RSAPrivateKey | None = None, lifetime: int = 300,
             kid: str | None = None) -> str:
        """A token signed by this provider (or by ``key``, a forger's, under our key id)."""
        now = int(time.time())
        payload = {"iss": self.issuer, "iat": now, "exp": now + lifetime, **claims}
        return jwt.encode(payload, key or self.key, algorithm="RS256",
                          headers={"kid": kid or self.kid})


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def as_json(body: dict, status: str = "200 OK") -> Response:
    return status, [("Content-Type", "application/json")], json.dumps(body).encode()


def redirect(uri: str, **params: str | None) -> Response:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return "302 Found", [("Location", f"{uri}?{query}")], b""


def login_form(environ: dict, error: str = "") -> Response:
    action = html.escape("/authorize?" + environ.get("QUERY_STRING", ""))
    page = (f"<form method=post action='{action}'><p>{html.escape(error)}</p>"
            "<input name=username><input name=password type=password></form>")
    return "200 OK", [("Content-Type", "text/html")], page.encode()


def read_form(environ: dict) -> dict[str, str]:
    size = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(size).decode()
    return {k: v[0] for k, v in parse_qs(body).items()}


def client_credentials(environ: dict, form: dict) -> tuple[str, str]:
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Basic "):
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return user, password
    return form.get("client_id", ""), form.get("client_secret", "")


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        return


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@contextmanager
def serving(provider: Provider) -> Iterator[Provider]:
    """Run ``provider`` on a free loopback port; its issuer is that address."""
    server = make_server("127.0.0.1", 0, provider, server_class=ThreadingServer,
                         handler_class=QuietHandler)
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
