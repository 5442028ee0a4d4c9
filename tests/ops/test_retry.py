# SPDX-License-Identifier: MIT
"""A safe read that failed on a broken database connection is run again; writes never are."""
from __future__ import annotations

import pytest

from geoserver_app import errors
from geoserver_app.ops import retry

pytestmark = pytest.mark.unit


class FlakyApp:
    """Answers 503 (database failed) ``failures`` times, then 200."""

    def __init__(self, failures: int, flag: bool = True) -> None:
        self.failures, self.flag, self.calls = failures, flag, 0

    def __call__(self, environ, start_response):
        self.calls += 1
        if self.calls <= self.failures:
            if self.flag:
                errors.database_unavailable()
            start_response("503 Service Unavailable", [("Retry-After", "5")])
            return [b"down"]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"up"]


def call(app, method="GET"):
    seen = []
    body = retry.retry_reads(app, pauses=(0, 0))({"REQUEST_METHOD": method, "PATH_INFO": "/x"},
                                                 lambda status, headers, exc=None:
                                                 seen.append(status))
    return seen, b"".join(body)


def test_a_read_is_retried_until_the_database_answers():
    app = FlakyApp(failures=2)
    assert call(app) == (["200 OK"], b"up")
    assert app.calls == 3


def test_a_read_gives_up_after_two_retries_with_the_503():
    app = FlakyApp(failures=5)
    assert call(app) == (["503 Service Unavailable"], b"down")
    assert app.calls == 3


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_write_is_never_retried(method):
    app = FlakyApp(failures=1)
    assert call(app, method) == (["503 Service Unavailable"], b"down")
    assert app.calls == 1


def test_a_503_that_is_not_the_database_is_not_retried():
    app = FlakyApp(failures=1, flag=False)  # e.g. the tile renderer's
    assert call(app) == (["503 Service Unavailable"], b"down")
    assert app.calls == 1


def test_a_response_started_while_iterating_passes_through():
    def lazy(environ, start_response):
        start_response("200 OK", [])
        yield b"streamed"

    assert call(lazy) == (["200 OK"], b"streamed")
