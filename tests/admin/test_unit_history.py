# SPDX-License-Identifier: MIT
"""The admin's page of an official unit: its history across 1 July 2025 and the features
counted under its old and new codes."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from layers.models import AdminUnitRecord

pytestmark = pytest.mark.django_db


def page(admin_client, code: str, current: bool) -> str:
    unit = AdminUnitRecord.objects.get(level="commune", code=code, valid_to__isnull=current)
    response = admin_client.get(reverse("admin:layers_adminunitrecord_change", args=[unit.pk]),
                                HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    return response.content.decode()


def items(html: str, block: str) -> list[str]:
    section = re.search(rf'id="{block}".*?</div>', html, re.S).group(0)
    return re.findall(r">([^<]+)</a> \((\d{5})\)", section)


def test_a_new_unit_lists_its_predecessors_and_counts(admin_client, make_parcel):
    make_parcel(1, commune_code="07201")  # Thọ Xương, recorded before the reform
    make_parcel(2, commune_code="07207")  # Ngô Quyền
    make_parcel(3, commune_code="07432", commune_code_2025="07432")  # elsewhere
    html = page(admin_client, "07210", current=True)
    assert sorted(items(html, "unit-predecessors")) == [
        ("Phường Dĩnh Kế", "07231"), ("Phường Dĩnh Trì", "07441"),
        ("Phường Hoàng Văn Thụ", "07210"), ("Phường Ngô Quyền", "07207"),
        ("Phường Thọ Xương", "07201"), ("Phường Trần Phú", "07213"),
        ("Phường Xương Giang", "07225")]
    counts = re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td><td>(\d+)</td></tr>', html)
    assert ("Thửa đất", "0", "2") in counts
    assert "vietnamadminunits 1.0.4" in html


def test_an_old_unit_names_its_successor(admin_client, make_parcel):
    make_parcel(1, commune_code="07201")
    html = page(admin_client, "07201", current=False)
    assert items(html, "unit-successors") == [("Phường Bắc Giang", "07210")]
    counts = re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>', html)
    assert ("Thửa đất", "1") in counts


def test_the_catalog_is_read_only(admin_client):
    listing = admin_client.get(reverse("admin:layers_adminunitrecord_changelist") + "?q=Thọ Xương")
    assert listing.status_code == 200 and "07201" in listing.content.decode()
    assert admin_client.get(reverse("admin:layers_adminunitrecord_add")).status_code == 403
