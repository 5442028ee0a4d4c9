# SPDX-License-Identifier: MIT
"""Vietnamese by default, English on request: labels, messages and help texts."""
from __future__ import annotations

import pytest

from tests.support.admin_forms import change_url

pytestmark = pytest.mark.django_db


def test_change_form_speaks_vietnamese_by_default(admin_client, make_parcel):
    parcel = make_parcel()
    html = admin_client.get(change_url(parcel)).text
    assert '<html lang="vi"' in html
    for label in ("Số tờ bản đồ", "Người sử dụng đất", "Lịch sử", "Xóa mọi hình vẽ",
                  "Kéo một đỉnh để di chuyển", "Phiên bản"):
        assert label in html, label


def test_dashboard_and_history_in_vietnamese(admin_client, make_parcel):
    parcel = make_parcel()
    index = admin_client.get("/admin/").text
    for label in ("Lớp dữ liệu", "Số đối tượng", "Lần nhập gần nhất", "Siêu dữ liệu lớp",
                  "Thửa đất"):
        assert label in index, label
    history = admin_client.get(f"/admin/layers/landparcel/{parcel.pk}/history/").text
    assert "Người thực hiện" in history and "Nội dung thay đổi" in history


def test_english_is_available(admin_client, make_parcel):
    parcel = make_parcel()
    html = admin_client.get(change_url(parcel) + "?lang=en").text
    assert '<html lang="en"' in html
    assert "Delete all Features" in html
    assert "Drag a vertex to move it" in html
    for label in ("Map sheet number", "Land user", "Official area (m²)", "Change Land parcels",
                  "Shared base map administration"):
        assert label in html, label
    assert "Số tờ bản đồ" not in html
    index = admin_client.get("/admin/").text  # the choice is remembered in a cookie
    assert "Last ingest" in index and "Features" in index
    assert "Lần nhập gần nhất" not in index
