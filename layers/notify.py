# SPDX-License-Identifier: MIT
"""A thread that LISTENs on one PostgreSQL channel and acts on its notices.

The triggers announce changes with NOTIFY (the catalog's, the tile invalidation queue's);
each server process keeps one connection per channel and reacts in this thread. Notices
sent while the connection is down are lost, so ``heard`` also runs on every (re)connection:
a listener acts on the state it finds, not on the notices' contents.
"""
from __future__ import annotations

import logging
import select
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

import psycopg2
from psycopg2 import sql

log = logging.getLogger(__name__)
STOP_CHECK_SECONDS = 1.0
# a failover takes 10-30 s: retrying every 5 s at most catches up soon after it
MAX_RETRY_SECONDS = 5.0


class ChannelListener(threading.Thread, ABC):
    """LISTEN ``channel``; call ``heard`` once connected and after each batch of notices;
    reconnect with back-off when the database goes away."""

    def __init__(self, name: str, channel: str, connector: Callable[[], Any]) -> None:
        super().__init__(name=name, daemon=True)
        self.channel = channel
        self.connector = connector
        self.stopping = threading.Event()
        self.listening = threading.Event()

    @abstractmethod
    def heard(self, connection) -> None:
        """React to the channel's news (``connection`` may be used for queries)."""

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        delay = 1.0
        while not self.stopping.is_set():
            try:
                self.listen()
                delay = 1.0
            except (psycopg2.Error, OSError) as exc:
                self.listening.clear()
                log.warning("%s listener: %s; retrying in %.0f s", self.name, exc, delay)
                self.stopping.wait(delay)
                delay = min(delay * 2, MAX_RETRY_SECONDS)

    def listen(self) -> None:
        connection = self.connector()
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            self.heard(connection)
            self.listening.set()
            while not self.stopping.is_set():
                ready, _w, _x = select.select([connection], [], [], STOP_CHECK_SECONDS)
                if ready:
                    connection.poll()
                    if connection.notifies:
                        connection.notifies.clear()
                        self.heard(connection)
        finally:
            connection.close()
