# SPDX-License-Identifier: MIT
"""The official unit catalog (vietnamadminunits 1.0.4) against Resolution 1658/NQ-UBTVQH15,
and the converter of codes, names and addresses built on it."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from layers import units_catalog
from layers.units_convert import Converter

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def catalog() -> units_catalog.Catalog:
    return units_catalog.from_package()


@pytest.fixture(scope="module")
def converter(catalog) -> Converter:
    return Converter(catalog)


def _communes(catalog, province: str, current: bool) -> list[units_catalog.Unit]:
    return [u for u in catalog.units if u.level == "commune" and u.province_code == province
            and (u.valid_to is None) == current]


def _predecessors(catalog, converter, code: str) -> set[str]:
    old = {u.code: u.full_name for u in catalog.units if u.level == "commune" and u.valid_to}
    return {old[o] for o in converter.predecessors[code]}


def test_the_package_version_is_recorded(catalog):
    assert catalog.source == "vietnamadminunits 1.0.4"


def test_the_new_province_has_99_units_as_the_resolution_says(catalog):
    # Resolution 1658/NQ-UBTVQH15 (16 June 2025): 99 commune-level units, 66 xã and 33 phường
    new = _communes(catalog, "24", current=True)
    assert Counter(u.kind for u in new) == {"xã": 66, "phường": 33}
    assert [(u.code, u.name, u.kind) for u in catalog.units if u.level == "province"] == [
        ("24", "Bắc Giang", "tỉnh"), ("27", "Bắc Ninh", "tỉnh"), ("24", "Bắc Ninh", "tỉnh")]


def test_the_former_provinces_units(catalog):
    assert len(_communes(catalog, "24", current=False)) == 192  # former Bắc Giang
    assert len(_communes(catalog, "27", current=False)) == 121  # former Bắc Ninh
    districts = {u.code: (u.kind, u.name) for u in catalog.units
                 if u.level == "district" and u.province_code == "24"}
    assert districts["213"] == ("thành phố", "Bắc Giang")
    assert districts["224"] == ("thị xã", "Chũ")


def test_every_old_commune_has_exactly_one_successor(catalog, converter):
    old = _communes(catalog, "24", False) + _communes(catalog, "27", False)
    assert sorted(converter.successors) == sorted(u.code for u in old)
    assert {len(after) for after in converter.successors.values()} == {1}


def test_the_provincial_city_wards_merged_into_phuong_bac_giang(catalog, converter):
    assert _predecessors(catalog, converter, "07210") == {
        "Phường Dĩnh Kế", "Phường Dĩnh Trì", "Phường Hoàng Văn Thụ", "Phường Ngô Quyền",
        "Phường Thọ Xương", "Phường Trần Phú", "Phường Xương Giang"}


def test_a_sample_of_the_resolution(catalog, converter):
    assert _predecessors(catalog, converter, "07663") == {"Xã Tuấn Đạo"}  # not rearranged
    assert _predecessors(catalog, converter, "09367") == {  # Phường Từ Sơn (former Bắc Ninh)
        "Phường Đình Bảng", "Phường Đông Ngàn", "Phường Phù Chẩn", "Phường Tân Hồng"}
    assert _predecessors(catalog, converter, "07432") == {  # Xã Tân Dĩnh
        "Xã Thái Đào", "Xã Tân Dĩnh", "Xã Đại Lâm"}
    sample = {code: converter.convert_code(code).new.full_name
              for code in ("07201", "07375", "07387", "09394")}
    assert sample == {"07201": "Phường Bắc Giang", "07375": "Xã Lạng Giang", "07387": "Xã Kép",
                      "09394": "Phường Từ Sơn"}


def test_names_tolerate_accents_case_and_prefixes():
    keys = {units_catalog.name_key(t) for t in (
        "Phường Thọ Xương", "P. Thọ Xương", "P.Thọ Xương", "phuong tho xuong", "THỌ XƯƠNG")}
    assert keys == {"thoxuong"}
    assert units_catalog.name_key("TT. Vôi") == units_catalog.name_key("Thị trấn Vôi") == "voi"


def test_codes_are_checked_at_the_datas_date(converter):
    assert converter.check_code("07201", date(2019, 5, 1)).old.name == "Thọ Xương"
    assert converter.check_code("07210", date(2019, 5, 1)).old.name == "Hoàng Văn Thụ"
    assert converter.check_code("07210", date(2025, 8, 1)).old.name == "Bắc Giang"
    assert converter.check_code("07201", date(2025, 8, 1)).reason == (
        "mã xã 07201 không còn hiệu lực ngày 2025-08-01")
    assert converter.check_code("01001", date(2019, 5, 1)).reason == (
        "mã xã 01001 không thuộc tỉnh (danh mục vietnamadminunits 1.0.4)")
    assert converter.check_code("07201", date(2000, 1, 1)).reason == (
        "ngày 2000-01-01 trước khi danh mục bắt đầu (2008-08-01)")


def test_names_to_codes_report_ambiguity(converter):
    day = date(2024, 1, 1)
    assert converter.code_for_name("TT. Vôi", day).old.code == "07375"
    assert converter.code_for_name("xã Đông Sơn", day).old.code == "07273"
    assert converter.code_for_name("P. Đồng Sơn", day).old.code == "07696"
    ambiguous = converter.code_for_name("xa dong son", day)
    assert (ambiguous.status, ambiguous.reason) == (
        "ambiguous", "tên xã 'xa dong son' trùng 2 đơn vị: Xã Đông Sơn (07273), "
                     "Phường Đồng Sơn (07696)")
    assert converter.code_for_name("Khánh Mai", day).status == "unknown"


@pytest.mark.parametrize(("old", "new"), [
    ("Thôn Đông Tiến, xã Tân Dĩnh, huyện Lạng Giang, tỉnh Bắc Giang",
     "Thôn Đông Tiến, xã Tân Dĩnh, tỉnh Bắc Ninh"),
    ("Số 5 Nguyễn Văn Cừ, P. Thọ Xương, TP Bắc Giang, Bắc Giang",
     "Số 5 Nguyễn Văn Cừ, phường Bắc Giang, tỉnh Bắc Ninh"),
    ("Tổ dân phố 3, TT. Vôi, Lạng Giang, Bắc Giang", "Tổ dân phố 3, xã Lạng Giang, tỉnh Bắc Ninh"),
    ("khu phố Đình Bảng, phường Đình Bảng, thành phố Từ Sơn, tỉnh Bắc Ninh",
     "khu phố Đình Bảng, phường Từ Sơn, tỉnh Bắc Ninh"),
    ("Phường Bắc Giang, Tỉnh Bắc Ninh", "phường Bắc Giang, tỉnh Bắc Ninh"),
])
def test_addresses_to_their_2025_form(converter, old, new):
    assert converter.convert_address(old).address == new


def test_addresses_that_cannot_be_converted_say_why(converter):
    reasons = [converter.convert_address(a).as_dict() for a in (
        "Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội", "Thôn X, xã Khánh Mai, Bắc Giang",
        "Xóm 1, xa dong son, Bắc Giang")]
    assert [(r["status"], r["reason"]) for r in reasons] == [
        ("other_province", "'Hà Nội' không thuộc tỉnh"),
        ("unknown", "không có xã/phường 'xã Khánh Mai' trong tỉnh"),
        ("ambiguous", "'xa dong son' trùng 2 đơn vị: Xã Đông Sơn (07273), Phường Đồng Sơn (07696)")]
