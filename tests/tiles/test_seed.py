# SPDX-License-Identifier: MIT
"""seed_tiles fills the cache for a bbox and levels, resumes, and refuses bad options."""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from geoserver_app.tiles import seed

TOWN_BBOX = "106.18,21.25,106.22,21.29"


def cached(tile_env, layer: str = "basemap", grid: str = "webmercator") -> list:
    """Tile files (and links to single-colour tiles) under the level directories."""
    return sorted(p for p in (tile_env / layer / grid).glob("*/*/*.png")
                  if p.parent.parent.name.isdigit())


def test_seeding_a_small_area_then_resuming(tile_env, town, capsys):
    call_command("seed_tiles", "--bbox", TOWN_BBOX, "--levels", "10-12")
    out = capsys.readouterr().out
    assert "seed_tiles: 1 tasks done" in out
    tiles = [p for p in cached(tile_env) if p.parent.parent.name in {"10", "11", "12"}]
    # the bbox touches one tile per level at z10-12 (plus metatile neighbours)
    assert {p.parent.parent.name for p in tiles} == {"10", "11", "12"}
    mtimes = {p: p.stat().st_mtime_ns for p in tiles}
    call_command("seed_tiles", "--bbox", TOWN_BBOX, "--levels", "10-12")
    assert {p: p.stat().st_mtime_ns for p in tiles} == mtimes  # nothing rendered twice
    assert not (tile_env / "seed_progress").exists()


def test_seeding_other_layers_and_grids(tile_env, town):
    call_command("seed_tiles", "--layers", "roads", "--grids", "vn2000", "--bbox", TOWN_BBOX,
                 "--levels", "5")
    levels = [p.parent.parent.name for p in cached(tile_env, "roads", "vn2000")]
    assert levels == ["5"] * 16  # one 4x4 metatile
    assert cached(tile_env) == []


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--levels", "13-2", "--levels '13-2'"), ("--levels", "x", "--levels 'x'"),
    ("--bbox", "1,2,3", "--bbox '1,2,3'"), ("--bbox", "200,0,201,1", "--bbox '200,0,201,1'"),
    ("--layers", "nope", "--layers: không có nope"), ("--grids", "utm", "--grids: không có utm"),
])
def test_bad_options_are_one_readable_line(option, value, message, db):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        call_command("seed_tiles", option, value)


def test_internal_layers_can_be_seeded_but_unknown_cannot(db):
    plan = seed.plan("basemap,mineral_sites", None, "0-3", None)
    assert plan.caches == ("basemap", "mineral_sites")
    assert plan.levels == (0, 3)
    assert plan.grids == ("webmercator",)
