# SPDX-License-Identifier: MIT
"""The demo dataset's result types, seed and error."""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SEED = 2025

XY = tuple[float, float]
Feature = dict[str, object]


class DemoError(RuntimeError):
    """The generator could not build a consistent dataset for this seed."""


@dataclass
class DemoData:
    """Features per registry layer id (attributes plus a shapely ``geom``) and commune successions."""

    features: dict[str, list[Feature]]
    successions: list[tuple[str, str]]
    seed: int = DEFAULT_SEED
