# SPDX-License-Identifier: MIT
"""Concurrent requests for tiles of one metatile make mapserv render it once."""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from tests.support.tile_client import xyz


def test_eight_concurrent_requests_in_one_metatile_render_once(client, caplog):
    x, y = xyz(106.20, 21.27, 15)
    x0, y0 = x - x % 4, y - y % 4  # the 4x4 metatile holding the town centre
    paths = [f"/wmts/basemap/webmercator/15/{x0 + i % 4}/{y0 + i // 4}.png" for i in range(8)]
    caplog.set_level(logging.INFO, logger="mapproxy.source.request")
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(client.get, paths))
    assert [reply.status for reply in replies] == [200] * 8
    assert len({reply.body for reply in replies}) == 8
    calls = [r for r in caplog.records if "mapserv" in r.getMessage()]
    assert len(calls) == 1
    assert "width=1184&height=1184" in calls[0].getMessage()  # 4 x 256 + 2 x 80 buffer
