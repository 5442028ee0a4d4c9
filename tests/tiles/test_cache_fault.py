# SPDX-License-Identifier: MIT
"""The tile cache cannot be written (disk full, read-only): tiles are still served."""
from __future__ import annotations

import logging

from tests.support.tile_client import xyz


def test_unwritable_cache_still_serves_tiles(client, tile_env, caplog):
    # the layer's cache folder is a file: every write under it fails, as on a full disk
    tile_env.mkdir(parents=True, exist_ok=True)
    (tile_env / "basemap").write_text("not a folder")
    caplog.set_level(logging.WARNING)
    replies = []
    for zoom in (13, 14):
        x, y = xyz(106.20, 21.27, zoom)
        replies.append(client.get(f"/wmts/basemap/webmercator/{zoom}/{x}/{y}.png"))
    assert [r.status for r in replies] == [200, 200]
    assert all(r.body[:8] == b"\x89PNG\r\n\x1a\n" for r in replies)
    warnings = [r for r in caplog.records if "cache" in r.getMessage().lower()]
    assert len(warnings) == 1


def test_cache_and_lock_folders_both_unusable(client, tile_env, caplog):
    # var/tiles itself is a file: no cache folder and no lock file can be made
    tile_env.parent.mkdir(parents=True, exist_ok=True)
    if tile_env.is_dir():
        import shutil

        shutil.rmtree(tile_env)
    tile_env.write_text("read-only volume")
    x, y = xyz(106.20, 21.27, 15)
    reply = client.get(f"/wmts/basemap/webmercator/15/{x}/{y}.png")
    assert reply.status == 200
    assert reply.body[:8] == b"\x89PNG\r\n\x1a\n"
