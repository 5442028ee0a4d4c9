# SPDX-License-Identifier: MIT
"""/docs/ serves every guide in Vietnamese and English, with working links and pictures;
the admin and the viewer link to it."""
from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from geoserver_app.guides import pages

GUIDE_URLS = ["/docs/", *(f"/docs/{slug}" for slug in pages.PAGES if slug != "index")]


def links(html: str) -> list[str]:
    """The guide body's links and pictures (not the header's)."""
    body = html.split('<article class="guide-body"', 1)[1]
    return re.findall(r'(?:href|src)="([^"#]+)[^"]*"', body)


@pytest.mark.unit
@pytest.mark.parametrize("url", GUIDE_URLS)
@pytest.mark.parametrize("language", pages.LANGUAGES)
def test_each_guide_answers_in_both_languages_and_its_links_resolve(client, url, language):
    response = client.get(url, {"lang": language})
    assert response.status_code == 200
    html = response.content.decode()
    slug = url.removeprefix("/docs/") or "index"
    assert "<h1" in html and pages.page(slug, language).title in html
    assert f'<article class="guide-body" lang="{language}">' in html
    assert 'href="/static/admin/css/base.css"' in html  # the admin's look
    for target in links(html):
        absolute = urljoin(f"http://testserver{url}", target).removeprefix("http://testserver")
        if not absolute.startswith("/docs/"):
            continue  # the services' URLs named in the text, not pages of the guides
        answer = client.get(absolute)
        assert answer.status_code == 200, (url, target)
        if absolute.startswith("/docs/img/"):
            assert answer["Content-Type"] == "image/png"


@pytest.mark.unit
def test_the_language_follows_the_choice_as_elsewhere(client):
    assert "Hướng dẫn sử dụng" in client.get("/docs/").content.decode()  # Vietnamese first
    assert "<h1 id=\"user-guides\">User guides</h1>" in client.get("/docs/?lang=en").content.decode()
    assert "User guides" in client.get("/docs/").content.decode()  # the cookie remembers


@pytest.mark.unit
@pytest.mark.parametrize("url", ["/docs/nothing", "/docs/img/nothing.png", "/docs/img/..%2Fsecret_key",
                                 "/docs/img/a.svg", "/docs/architecture"])
def test_unknown_pages_and_pictures_are_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_admin_links_the_guides(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert '<a href="/docs/">' in page


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "label"), [("vi", "Trợ giúp"), ("en", "Help")])
def test_the_viewer_links_its_help_in_its_language(client, language, label):
    page = client.get("/", {"lang": language}).content.decode()
    link = re.search(r'<a class="tool-link" id="link-help" href="([^"]+)"[^>]*>.*?'
                     r'<span class="label">([^<]+)</span></a>', page, re.DOTALL)
    assert link.groups() == (f"/docs/citizens?lang={language}", label)
