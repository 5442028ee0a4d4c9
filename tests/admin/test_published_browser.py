# SPDX-License-Identifier: MIT
"""A layer published while the server runs is edited in a real browser: the map widget draws
the feature, an attribute edit is saved by the user, no request leaves 127.0.0.1."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from layers.models import FeatureHistory
from tests.admin.test_published_edit import LAYER, school
from tests.publish.conftest import drop_published, publish, write_schools
from tests.support.browser import admin_page

pytestmark = pytest.mark.django_db(transaction=True)


def _edit(base: str, shot: Path) -> tuple[int, list[str]]:
    """Log in, open school 1, look, rename it and save; (features drawn, blocked URLs)."""
    blocked: list[str] = []
    with admin_page(base, blocked) as page:
        page.goto(f"{base}/admin/published/{LAYER}/1/change/")
        page.wait_for_function("() => window.geodjango_geom && geodjango_geom.map.isRendered()")
        drawn = page.evaluate("() => geodjango_geom.featureOverlay.getSource().getFeatures()"
                              ".length")
        page.screenshot(path=str(shot), full_page=True)
        page.fill("#id_ten_truong", "Trường THCS Tân Sỏi (sửa)")
        page.click("input[name=_save]")
        page.wait_for_url(f"{base}/admin/published/{LAYER}/")
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
