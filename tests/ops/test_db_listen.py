# SPDX-License-Identifier: MIT
"""BASEMAP_DB_LISTEN: the embedded cluster also listens beyond the loopback, and there only
TLS with a SCRAM password gets in (a real cluster; a client from another address is made by
binding a socket to 127.0.0.3)."""
from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from geoserver_app.ops.cluster import AUTH_DELAY_MS, ROLE, Cluster, throwaway_cluster

LISTEN = "127.0.0.2"


@pytest.fixture
def listening() -> Iterator[Cluster]:
    with throwaway_cluster(listen=LISTEN) as cluster:
        yield cluster


def startup(source: str, cluster: Cluster, ssl: bool) -> bytes:
    """The server's first answer to a client at ``source``: SSLRequest, or a plain startup."""
    with socket.create_connection((LISTEN, cluster.port), timeout=5,
                                  source_address=(source, 0)) as sock:
        if ssl:
            sock.sendall(struct.pack("!ii", 8, 80877103))
            return sock.recv(1)
        body = struct.pack("!i", 196608) + b"user\0basemap\0database\0basemap\0\0"
        sock.sendall(struct.pack("!i", len(body) + 4) + body)
        return sock.recv(4096)


def test_tls_and_scram_beyond_the_loopback(listening: Cluster):
    cert = listening.tls_dir / "server.crt"
    assert cert.exists() and (listening.tls_dir / "server.key").stat().st_mode & 0o077 == 0
    # from another address: without TLS no pg_hba entry lets it in; TLS is offered
    refused = startup("127.0.0.3", listening, ssl=False)
    assert refused[:1] == b"E" and b"no encryption" in refused
    assert startup("127.0.0.3", listening, ssl=True) == b"S"
    # TLS verified against the generated certificate, which names the listen address
    with psycopg2.connect(host=LISTEN, port=listening.port, user=ROLE, dbname="basemap",
                          password=listening.password, sslmode="verify-full",
                          sslrootcert=str(cert)) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        assert cursor.fetchone() == (True,)
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'auth_delay.milliseconds'")
        assert cursor.fetchone() == (str(AUTH_DELAY_MS),)
        cursor.execute("SHOW password_encryption")
        assert cursor.fetchone() == ("scram-sha-256",)
    conn.close()
    hba = (listening.datadir / "pg_hba.conf").read_text()
    assert hba.rstrip().endswith("hostnossl all all all reject\nhostssl all all all scram-sha-256")


def test_the_loopback_only_by_default():
    assert Cluster(Path("x"), 1).listen_addresses() == "127.0.0.1"
    assert Cluster(Path("x"), 1, listen="10.1.2.3").listen_addresses() == "127.0.0.1,10.1.2.3"
    assert Cluster(Path("x"), 1, listen="0.0.0.0").listen_addresses() == "0.0.0.0"
