# SPDX-License-Identifier: MIT
"""A deterministic, synthetic demo dataset of Bắc Giang (since 1 July 2025 part of Bắc Ninh).

SYNTHETIC GEOMETRY, NOT OFFICIAL. The administrative units are the official ones (names,
codes, kinds and the 2025 mergers of the former Bắc Giang, from ``layers.units_catalog``),
but every boundary is invented: districts and communes are grown from cells around rough
real seats, and a 2025 unit is the union of its old communes. The three big rivers, three
lakes, the railway lines and the national/provincial road numbers are real but drawn
freehand. Every parcel, owner, permit, licence and company here is invented.

``generate`` is pure (no database) and deterministic: each step draws from its own
``random.Random`` seeded with the string ``"{seed}:{topic}"`` (string seeds are hashed with
SHA-512, so ``PYTHONHASHSEED`` does not matter) and nothing iterates over a set.
Coordinates are EPSG:9214 (VN-2000 / TM-3 107°00', metres).

One module per theme, each adding its layers to a shared ``world.World`` in the order of
``generate``: ``admin`` (province, districts, communes and the 2025 mergers), ``resources``
(rivers and lakes first; ponds, forests and mineral sites once parcels exist), ``transport``
(railways and roads; bridges last), ``land`` (parcels, city streets, plan zones) and
``construction`` (buildings, permits, urban planning zones). ``cells`` (the province outline
and its cell partition), ``geometry``, ``people`` and ``core`` are shared by them.
"""
from __future__ import annotations

import hashlib

from layers import registry
from layers.demo.admin import build_admin
from layers.demo.cells import partition, province_outline
from layers.demo.construction import build_construction
from layers.demo.core import DEFAULT_SEED, DemoData, DemoError, Feature
from layers.demo.geometry import to_xy, topic_rng
from layers.demo.land import build_land
from layers.demo.resources import build_resources, build_water
from layers.demo.transport import build_bridges, build_transport
from layers.demo.world import World

__all__ = ["DEFAULT_SEED", "DemoData", "DemoError", "Feature", "digest", "generate", "to_xy"]


def generate(seed: int = DEFAULT_SEED) -> DemoData:
    """The whole demo dataset for ``seed``: same seed, same output, in any process."""
    outline = province_outline(topic_rng(seed, "province"))
    province, cells = partition(outline, topic_rng(seed, "cells"))
    world = World(seed, province, cells)
    build_admin(world)
    build_water(world)
    build_transport(world)
    build_land(world)
    build_construction(world)
    build_resources(world)
    build_bridges(world)
    return DemoData({layer.id: world.features[layer.id] for layer in registry.LAYERS},
                    world.successions, seed)


def digest(data: DemoData) -> str:
    """SHA-256 over every attribute and WKB geometry, in order: equal digests, equal data."""
    sha = hashlib.sha256()
    for layer_id in sorted(data.features):
        for feature in data.features[layer_id]:
            sha.update(layer_id.encode())
            for key in sorted(feature):
                value = feature[key]
                sha.update(key.encode())
                sha.update(value.wkb if key == "geom" else repr(value).encode())
    sha.update(repr(data.successions).encode())
    return sha.hexdigest()

