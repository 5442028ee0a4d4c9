# SPDX-License-Identifier: MIT
"""Fixtures of the admin tests: features made in the test, form data as the browser posts it."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from layers.models import LandParcel
from tests.support.admin_forms import X0, Y0, square


@pytest.fixture
def make_parcel() -> Callable[..., LandParcel]:
    def make(parcel_no: int = 1, **overrides) -> LandParcel:
        values = {"commune_code": "07210", "sheet_no": 12, "parcel_no": parcel_no,
                  "land_use_code": "ONT", "area_m2": "400.0", "address": "Thôn Đông",
                  "owner_name": "Nguyễn Văn A", "owner_id_number": "024090001234",
                  "certificate_number": "CS 01234", "geom": square(X0, Y0, 20.0)}
        return LandParcel.objects.create(**{**values, **overrides})

    return make
