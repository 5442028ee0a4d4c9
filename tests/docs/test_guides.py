# SPDX-License-Identifier: MIT
"""The guides are complete and cannot drift (no database): both languages, every picture
and link resolves, examples match their files, every setting the server reads and every
error message an operator can meet is in the operators' guide."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from geoserver_app.guides import examples, pages

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
GUIDES = [(language, slug) for language in pages.LANGUAGES for slug in pages.PAGES]
MAX_PICTURE_BYTES = 300_000


def text(language: str, slug: str) -> str:
    return pages.source(slug, language).read_text(encoding="utf-8")


def rendered_ids(language: str, slug: str) -> set[str]:
    return set(re.findall(r' id="([^"]+)"', pages.page(slug, language).html))


@pytest.mark.parametrize(("language", "slug"), GUIDES)
def test_every_guide_exists_with_a_title(language, slug):
    page = pages.page(slug, language)
    assert page is not None and page.title


@pytest.mark.parametrize(("language", "slug"), GUIDES)
def test_links_and_pictures_resolve(language, slug):
    html = pages.page(slug, language).html
    for src in re.findall(r'<img [^>]*src="([^"]+)"', html):
        assert src.startswith("img/") and pages.image(src.removeprefix("img/")), src
    for href in re.findall(r'<a [^>]*href="([^"]+)"', html):
        if "://" in href or href.startswith("/"):
            continue  # addresses of the services, checked by the pages' test
        target, _, anchor = href.partition("#")
        name = "index" if target in ("", "./") else target
        assert name in pages.PAGES, href
        assert not anchor or anchor in rendered_ids(language, name), href


def test_every_picture_is_used_and_small():
    linked = {name for language, slug in GUIDES
              for name in re.findall(r"\.\./img/([\w-]+\.png)", text(language, slug))}
    present = {path.name for path in pages.IMAGES.glob("*.png")}
    assert linked == present, (linked ^ present)
    for name in present:
        assert (pages.IMAGES / name).stat().st_size < MAX_PICTURE_BYTES, name


def test_both_languages_show_the_same_pictures_and_examples():
    for slug in pages.PAGES:
        vi, en = text("vi", slug), text("en", slug)
        assert re.findall(r"\.\./img/[\w-]+\.png", vi) == re.findall(r"\.\./img/[\w-]+\.png", en)
        assert examples.included(vi) == examples.included(en)


@pytest.mark.parametrize(("language", "slug"), GUIDES)
def test_example_blocks_are_the_files(language, slug):
    guide = text(language, slug)
    assert examples.synced(guide) == guide, "run `make docs` to copy the examples in"


def test_every_example_is_in_the_guide_with_its_output():
    files = {f"docs/examples/{p.name}" for p in (ROOT / "docs" / "examples").iterdir()
             if p.suffix != ".out"}
    assert set(examples.included(text("en", "developers"))) == files
    for path in files:
        assert (ROOT / path).with_suffix(".out").is_file(), path


def test_links_become_local():
    assert pages.local_href("analysts.md#history") == "analysts#history"
    assert pages.local_href("index.md") == "./"
    assert pages.local_href("../img/a.png") == "img/a.png"
    assert pages.local_href("https://example.org/x.md") == "https://example.org/x.md"
    assert pages.source("../../etc/passwd", "vi") is None
    assert pages.image("../secret_key") is None


# --- the operators' guide: every setting and every error message ------------------------

SETTING_CALL = re.compile(
    r'(?:environ\.get|env\.get|getenv|env_flag|env_addresses|_required|_choice|_seconds|_flag)'
    r'\(\s*(?:env,\s*)?"([A-Z][A-Z0-9_]+)"')
SETTING_INDEX = re.compile(r'(?:environ|env)\["([A-Z][A-Z0-9_]+)"\]')
SHELL_DEFAULT = re.compile(r'\$\{([A-Z][A-Z0-9_]+):-')
# read from the environment but not settings: WSGI request keys, the libpq variables the
# server sets for its own subprocesses, Django's own module variable
NOT_SETTINGS = {"PATH_INFO", "QUERY_STRING", "REMOTE_ADDR", "REQUEST_METHOD", "SCRIPT_NAME",
                "HTTP_AUTHORIZATION", "HTTP_X_FORWARDED_FOR", "HTTP_X_REQUEST_ID", "PATH",
                "PGHOST", "PGUSER", "PGPASSWORD", "PGDATABASE", "DJANGO_SETTINGS_MODULE",
                "HOME", "CONTENT_LENGTH", "CONTENT_TYPE"}


def settings_read() -> set[str]:
    """Every environment variable the server's code and scripts read."""
    names: set[str] = set()
    for package in ("geoserver_app", "layers", "ingest", "analysis"):
        for path in (ROOT / package).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            names |= set(SETTING_CALL.findall(source)) | set(SETTING_INDEX.findall(source))
    from geoserver_app.security.sso import OIDC_ENDPOINT_VARIABLES
    names |= set(OIDC_ENDPOINT_VARIABLES.values())
    for script in ("scripts/run.sh", "scripts/setup.sh", "docker/entrypoint.sh", "Makefile"):
        names |= set(SHELL_DEFAULT.findall((ROOT / script).read_text(encoding="utf-8")))
    return names - NOT_SETTINGS


def test_the_settings_finder_sees_the_known_ones():
    assert {"DATABASE_URL", "SECRET_KEY_FILE", "WEB_WORKERS", "LDAP_SERVER_URI",
            "OIDC_JWKS_URI", "METRICS_TOKEN", "PGPORT"} <= settings_read()


@pytest.mark.parametrize("language", pages.LANGUAGES)
def test_every_setting_is_in_the_operators_guide(language):
    guide = text(language, "operators")
    missing = sorted(name for name in settings_read() if f"`{name}`" not in guide)
    assert not missing, f"docs/{language}/operators.md lacks settings: {missing}"


# Where operators meet messages: start-up configuration, the scripts, the cluster, backups,
# the operators' commands, and the answers of the guard (tokens, rate limit, database).
MESSAGE_SOURCES = ["geoserver_app/settings.py", "geoserver_app/security/sso/__init__.py",
                   "geoserver_app/ops/backup.py", "geoserver_app/ops/cluster.py",
                   "geoserver_app/ops/ha.py",
                   "geoserver_app/security/tokens.py", "geoserver_app/security/access.py",
                   "geoserver_app/security/guard.py", "geoserver_app/middleware.py",
                   "geoserver_app/tiles/seed.py",
                   *(f"geoserver_app/management/commands/{name}.py" for name in (
                       "apitoken", "backup", "restore", "ensure_superuser", "invalidate_tiles",
                       "render_configs", "seed_tiles"))]
MESSAGE_SCRIPTS = ["scripts/setup.sh", "scripts/run.sh"]


def literal_parts(node: ast.AST) -> list[str]:
    """The constant pieces of a message (a string, an f-string, or a concatenation)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [part.value for part in node.values if isinstance(part, ast.Constant)]
    if isinstance(node, ast.BinOp):
        return literal_parts(node.left) + literal_parts(node.right)
    return []


def message_of(call: ast.Call) -> ast.AST | None:
    """The message argument of an exception or of an error answer (``errors.wsgi/response``)."""
    name = getattr(call.func, "attr", getattr(call.func, "id", ""))
    if name in ("wsgi", "response") and len(call.args) >= 3:
        return call.args[-1]
    if name.endswith(("Error", "Configured", "InvalidToken")) and call.args:
        return call.args[0]
    return None


def messages() -> set[str]:
    """The fixed text of every message (its longest constant piece, trimmed)."""
    found = set()
    for source in MESSAGE_SOURCES:
        for node in ast.walk(ast.parse((ROOT / source).read_text(encoding="utf-8"))):
            message = message_of(node) if isinstance(node, ast.Call) else None
            parts = [p.strip(" :;,.'\"()") for p in literal_parts(message)] if message else []
            parts = [p for p in parts if len(p) >= 8]
            if parts:
                found.add(max(parts, key=len))
    for script in MESSAGE_SCRIPTS:
        for line in re.findall(r'fail "([^"$\n]+)', (ROOT / script).read_text(encoding="utf-8")):
            found.add(line.strip(" :"))
    return found


def test_the_message_finder_sees_the_known_ones():
    found = messages()
    assert "is not a backup made by `make backup`" in found
    assert "unknown or revoked token" in found
    assert "missing Debian packages" in found
    assert len(found) > 40


@pytest.mark.parametrize("language", pages.LANGUAGES)
def test_every_error_message_is_in_the_operators_guide(language):
    guide = text(language, "operators")
    missing = sorted(message for message in messages() if message not in guide)
    assert not missing, f"docs/{language}/operators.md lacks messages: {missing}"
