# SPDX-License-Identifier: MIT
"""Safe column names from Vietnamese source field names (pure)."""
from __future__ import annotations

import pytest

from ingest.errors import IngestError
from ingest.names import check_id, column_name, column_names

pytestmark = pytest.mark.unit


def test_diacritics_d_and_separators_become_lower_case_ascii():
    assert column_name("Tên trường") == "ten_truong"
    assert column_name("Đường kính (m²)") == "duong_kinh_m"
    assert column_name("Số HS") == "so_hs"
    assert column_name("2024_DS") == "f_2024_ds"
    assert column_name("ID") == "src_id"
    assert column_name("order", frozenset({"order"})) == "src_order"
    assert len(column_name("Tên " * 40)) == 63


def test_names_colliding_after_normalisation_are_refused():
    with pytest.raises(IngestError, match="'Tên' và 'TEN' cùng thành cột 'ten'"):
        column_names(["Tên", "TEN"])


def test_more_than_200_fields_are_refused():
    with pytest.raises(IngestError, match="201 trường, nhiều hơn giới hạn 200"):
        column_names([f"f{i}" for i in range(201)])


@pytest.mark.parametrize("bad", ['x"; DROP TABLE land_parcels; --', "trường_học", "two words",
                                 "1abc", "A_upper", "", "ingest_stage_1", "x" * 64])
def test_bad_ids_are_refused(bad):
    with pytest.raises(IngestError, match="mã lớp"):
        check_id(bad)
