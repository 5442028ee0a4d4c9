# SPDX-License-Identifier: MIT
"""Editing a road removes the cached tiles around it (and only those); the tile changes."""
from __future__ import annotations

import time

from django.contrib.gis.geos import LineString, MultiLineString
from django.core.management import call_command

from geoserver_app.tiles import invalidation
from layers import models
from tests.support.tile_client import count_colour, xyz

QL1_RED = (0xE8, 0x46, 0x3A)
TOWN = (106.20, 21.27)
FAR = (106.32, 21.42)  # the forests, 17 km away: nothing there changes


def tile_path(tile_env, layer: str, zoom: int, point: tuple[float, float]):
    x, y = xyz(*point, zoom)
    return f"/wmts/{layer}/webmercator/{zoom}/{x}/{y}.png", \
        tile_env / layer / "webmercator" / str(zoom) / str(x) / f"{y}.png"


def drain() -> tuple[int, int]:
    """Run the consumer once on its own connection."""
    connection = invalidation.connect()
    try:
        return invalidation.Invalidator().process(connection)
    finally:
        connection.close()


def move_ql1_away() -> None:
    """An analyst re-digitises QL1 far east of the town (an UPDATE through the ORM)."""
    road = models.Road.objects.get(code="QL1")
    road.geom = MultiLineString(LineString((106.60, 21.10), (106.70, 21.15), srid=4326),
                                srid=4326)
    road.save()


def test_editing_a_road_changes_its_tile_and_keeps_the_rest(client, tile_env):
    drain()  # the sample load
    url, cached = tile_path(tile_env, "basemap", 14, TOWN)
    far_url, far_cached = tile_path(tile_env, "basemap", 14, FAR)
    before = client.get(url)
    client.get(far_url)
    assert cached.is_file() and far_cached.is_file()
    assert count_colour(before.image(), QL1_RED) > 300
    move_ql1_away()
    rows, removed = drain()
    assert rows == 1
    assert removed >= 2  # the base map and the roads overlay, at least at z14
    assert not cached.exists()
    assert far_cached.is_file()
    assert models.TileInvalidation.objects.count() == 0
    after = client.get(url)
    assert after.body != before.body
    assert count_colour(after.image(), QL1_RED) < count_colour(before.image(), QL1_RED)


def test_the_command_drains_the_queue(client, tile_env, capsys):
    url, cached = tile_path(tile_env, "roads", 13, TOWN)
    client.get(url)
    assert cached.is_file()
    move_ql1_away()
    call_command("invalidate_tiles")
    assert "thay đổi đã xử lý" in capsys.readouterr().out
    assert not cached.exists()
    assert models.TileInvalidation.objects.count() == 0


def test_the_listener_reacts_to_notify(client, tile_env):
    listener = invalidation.Listener()
    listener.start()
    try:
        deadline = time.monotonic() + 20
        while models.TileInvalidation.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.1)  # the sample load is drained on connect
        url, cached = tile_path(tile_env, "basemap", 12, TOWN)
        client.get(url)
        assert cached.is_file()
        move_ql1_away()
        while cached.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not cached.exists()
    finally:
        listener.stop()
        listener.join(timeout=5)
    assert not listener.is_alive()


def test_the_listener_survives_a_database_restart(tile_env, spare_cluster):
    """Queue rows on a second cluster; stop and start it; the listener carries on."""
    import psycopg2

    spare_cluster.psql("basemap", "CREATE TABLE tile_invalidations (id bigserial PRIMARY KEY, "
                       "layer text NOT NULL, bbox geometry(Polygon, 4326) NOT NULL)")
    queue = ("INSERT INTO tile_invalidations (layer, bbox) VALUES ('roads', "
             "ST_MakeEnvelope(106.1, 21.2, 106.2, 21.3, 4326)); NOTIFY basemap_changes")

    def connect():
        return psycopg2.connect(host="127.0.0.1", port=spare_cluster.port, user="basemap",
                                password=spare_cluster.password, dbname="basemap",
                                connect_timeout=2)

    def wait_for(count: int) -> None:
        deadline = time.monotonic() + 30
        while listener.processed < count and time.monotonic() < deadline:
            time.sleep(0.1)
        assert listener.processed == count

    listener = invalidation.Listener(connector=connect)
    listener.start()
    try:
        spare_cluster.psql("basemap", queue)
        wait_for(1)
        spare_cluster.stop()
        time.sleep(1.5)
        spare_cluster.start()
        spare_cluster.psql("basemap", queue)
        wait_for(2)
        assert spare_cluster.psql("basemap", "SELECT count(*) FROM tile_invalidations") == "0\n"
    finally:
        listener.stop()
        listener.join(timeout=5)
