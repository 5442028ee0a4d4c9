# SPDX-License-Identifier: MIT
"""A person's QGIS project (.qgs): PostGIS layers over their database login, styled from
the catalog. Generated with the standard library; QGIS is not needed to make it."""
from __future__ import annotations

from django.contrib.auth.models import User


def for_user(user: User) -> str:
    raise NotImplementedError("the QGIS project is not built yet")
