# SPDX-License-Identifier: MIT
"""Run ``mapserv`` as a CGI child on one mapfile with a checked query string.

The query string is ours (rebuilt from checked parameters, never the caller's own text),
the mapfile is given by ``MS_MAPFILE`` (a ``map`` parameter is never passed, and mapserv's
config file refuses any other), and the database connection reaches mapserv as libpq's
``PG*`` variables.
"""
from __future__ import annotations

import logging
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

from layers import libpq

log = logging.getLogger(__name__)
BINARY = "/usr/bin/mapserv"
TIMEOUT = 60
# the mapserv config file the tile stack's generator writes (its pattern refuses ``map=``)
CONFIG = Path("mapserver") / "mapserver.conf"


@dataclass(frozen=True)
class Output:
    """mapserv's answer: its CGI headers and body."""

    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "application/octet-stream")


class MapservFailed(Exception):
    """mapserv crashed, timed out or wrote no CGI answer."""


def environment(mapfile: Path, query: str) -> dict[str, str]:
    return {**libpq.environment(), "MS_MAPFILE": str(mapfile), "REQUEST_METHOD": "GET",
            "QUERY_STRING": query, "PATH": "/usr/bin:/bin",
            "MAPSERVER_CONFIG_FILE": str(Path(settings.BASE_DIR).resolve() / CONFIG)}


def parse(raw: bytes) -> Output:
    head, separator, body = raw.partition(b"\r\n\r\n")
    if not separator:
        raise MapservFailed(f"no CGI header in {raw[:200]!r}")
    headers = {}
    for line in head.decode("latin-1").split("\r\n"):
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    return Output(headers, body)


def run(mapfile: Path, params: list[tuple[str, str]]) -> Output:
    """mapserv's answer to ``params`` on ``mapfile``."""
    try:
        done = subprocess.run([BINARY], env=environment(mapfile, urlencode(params)),
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise MapservFailed(f"mapserv took more than {TIMEOUT} s") from exc
    if done.returncode != 0:
        raise MapservFailed(f"mapserv exited {done.returncode}: {done.stderr[:300]!r}")
    if done.stderr:
        log.debug("mapserv: %s", done.stderr[:500])
    return parse(done.stdout)
