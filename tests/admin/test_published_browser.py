# SPDX-License-Identifier: MIT
"""A layer published while the server runs is edited in a real browser: the map widget draws
the feature, an attribute edit is saved by the user, no request leaves 127.0.0.1."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from layers.models import FeatureHistory
from tests.admin.test_map_widget_browser import CHROMIUM, CHROMIUM_ARGS
from tests.admin.test_published_edit import LAYER, school
from tests.publish.conftest import drop_published, publish, write_schools

pytestmark = pytest.mark.django_db(transaction=True)


def _edit(base: str, shot: Path) -> tuple[int, list[str]]:
    """Log in, open school 1, look, rename it and save; (features drawn, blocked URLs)."""
    blocked = []

    def route(route) -> None:
        if route.request.url.startswith(base + "/"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.route("**/*", route)
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", "lan")
        page.fill("#id_password", "mật-khẩu-thử")
        page.click("input[type=submit]")
        page.goto(f"{base}/admin/published/{LAYER}/1/change/")
        page.wait_for_function("() => window.geodjango_geom && geodjango_geom.map.isRendered()")
        drawn = page.evaluate("() => geodjango_geom.featureOverlay.getSource().getFeatures()"
                              ".length")
        page.screenshot(path=str(shot), full_page=True)
        page.fill("#id_ten_truong", "Trường THCS Tân Sỏi (sửa)")
        page.click("input[name=_save]")
        page.wait_for_url(f"{base}/admin/published/{LAYER}/")
        browser.close()
    return drawn, blocked


def test_a_published_layer_is_edited_in_the_browser(site, tmp_path, django_user_model,
                                                    request):
    django_user_model.objects.create_superuser("lan", password="mật-khẩu-thử")
    request.addfinalizer(lambda: drop_published(LAYER))
    publish(str(write_schools(tmp_path / "truong_hoc.shp")), "--id", LAYER,
            "--title-vi", "Trường học", "--sector", "construction")
    shot = tmp_path / "admin-published-feature.png"

    drawn, blocked = _edit(site, shot)

    assert (drawn, blocked) == (1, [])
    assert shot.stat().st_size > 10_000
    assert school(1) == ("Trường THCS Tân Sỏi (sửa)", 420, 2)
    last = FeatureHistory.objects.get(layer=LAYER, feature_id=1, version=2)
    assert (last.operation, last.actor) == ("U", "user:lan")
    if os.environ.get("ADMIN_SCREENSHOT_DIR"):  # for a person to look at
        shutil.copy(shot, Path(os.environ["ADMIN_SCREENSHOT_DIR"]) / shot.name)
