# SPDX-License-Identifier: MIT
"""The catalog page in a real browser: it draws the style's legend, nothing leaves this host,
and a colour changed in the style editor is the legend after saving."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import admin_page

SWATCH_STROKES = "() => [...document.querySelectorAll('#legend-preview line')]" \
                 ".map(l => l.getAttribute('stroke'))"


def browse(base: str, shot: Path) -> tuple[list, list, list[str]]:
    """Log in, open the list and the roads page (screenshots), recolour national roads, save."""
    blocked: list[str] = []
    with admin_page(base, blocked) as page:
        page.goto(f"{base}/admin/layers/catalogentry/")
        page.screenshot(path=str(shot.with_name("catalog-list.png")), full_page=True)
        page.goto(f"{base}/admin/layers/catalogentry/roads/change/")
        before = page.evaluate(SWATCH_STROKES)
        page.screenshot(path=str(shot), full_page=True)
        page.fill("#id_classes-0-colour", "#000080")
        page.click("input[name=_save]")
        page.wait_for_selector(".messagelist .success")
        after = page.evaluate(SWATCH_STROKES)
    return before, after, blocked


@pytest.mark.django_db(transaction=True)
def test_the_catalog_page_draws_the_legend_and_saves_a_colour(site, tmp_path, restored_catalog,
                                                              django_user_model):
    django_user_model.objects.create_superuser("lan", password="mật-khẩu-thử")
    shot = tmp_path / "catalog-roads.png"
    before, after, blocked = browse(site, shot)
    assert blocked == []
    assert before == ["#E8463A", "#F39C34", "#F7D154", "#FFFFFF", "#FFFFFF"]
    assert after == ["#000080", "#F39C34", "#F7D154", "#FFFFFF", "#FFFFFF"]
    assert shot.stat().st_size > 10_000
