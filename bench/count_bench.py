#!/usr/bin/env python
# SPDX-License-Identifier: MIT
"""numberMatched: what an exact count costs an items page, by method, in-process SQL only.

A throwaway cluster with N synthetic parcels (``ogcapi_bench.prepare``); for the same random
0.004° bboxes (``limit=100``, as the OGC API benchmark) and for an attribute filter over the
whole layer, each method's statement runs over one autocommit connection with the API's
planner settings, and the mean time per page is printed beside the page without a count:

- ``none``: the page alone (what the items page cost before numberMatched);
- ``case+initplan`` (chosen, ``queries.collection_page``): offset + returned when the page is
  short, else a scalar count subquery in the same statement;
- ``second statement``: the page, then ``SELECT count(*)`` with the same WHERE (two round trips);
- ``window``: ``count(*) OVER ()`` in the page's inner query;
- ``cached``: the page, then a dict keyed by (query, the layer's last change): a hit's cost.

    .venv/bin/python bench/count_bench.py [--parcels 200000] [--pages 400] [--rounds 8]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ogcapi_bench import CELL, COLUMNS, PROPERTIES, SOUTH, WEST, prepare  # noqa: E402

from geoserver_app.ogcapi import queries  # noqa: E402
from geoserver_app.ogcapi.db import SESSION_OPTIONS  # noqa: E402
from geoserver_app.ops.cluster import throwaway_cluster  # noqa: E402

COLUMNS_SERVED = PROPERTIES[:6]


def page_of(condition: tuple | None) -> queries.Page:
    page = queries.Page("land_parcels", COLUMNS_SERVED, limit=100)
    if condition is not None:
        page.where(*condition)
    return page


def no_count(page: queries.Page) -> list[tuple]:
    query, params = queries.collection_page(page, "land_parcels", as_text=True)
    # the statement before numberMatched: the same less its last column and that's parameters
    text = query.as_string(CONNECTION)
    start, end = text.index(", CASE WHEN"), text.index(" END FROM (") + len(" END")
    return [(text[:start] + text[end:], [params[0], *params[4 + len(page.params):]])]


def chosen(page: queries.Page) -> list[tuple]:
    return [queries.collection_page(page, "land_parcels", as_text=True)]


def second_statement(page: queries.Page) -> list[tuple]:
    return [*no_count(page), queries.count_matched(page)]


def window(page: queries.Page) -> list[tuple]:
    query, params = no_count(page)[0]
    text = query.replace("SELECT t.id, json_build_object", "SELECT t.id, count(*) OVER () AS n, "
                         "json_build_object", 1).replace(" FROM (", ", max(p.n) FROM (", 1)
    return [(text, params)]


CACHE: dict = {}


def cached(page: queries.Page) -> list[tuple]:
    """A hit: the page alone plus a look-up (a miss costs what ``second statement`` costs)."""
    statements = no_count(page)
    CACHE.setdefault((str(page.params), "last change"), 0)
    return statements


METHODS = {"none": no_count, "case+initplan": chosen, "second statement": second_statement,
           "window": window, "cached (hit)": cached}
CONNECTION = None


def bboxes(n: int, count: int) -> list[tuple]:
    rng = random.Random(7)
    east, north = WEST + COLUMNS * CELL, SOUTH + (n // COLUMNS) * CELL
    found = []
    for _ in range(count):
        x, y = rng.uniform(WEST, east - 0.004), rng.uniform(SOUTH, north - 0.004)
        found.append((queries.BBOX_CONDITION, x, y, x + 0.004, y + 0.004))
    return found


def run(cursor: object, method: object, conditions: list) -> float:
    """Seconds to answer ``conditions`` by ``method``."""
    started = time.perf_counter()
    for condition in conditions:
        for query, params in method(page_of(condition)):
            cursor.execute(query, params)
            cursor.fetchall()
    return time.perf_counter() - started


def timed(cursor: object, conditions: list, rounds: int) -> dict[str, float]:
    """Mean milliseconds per page of each method, the methods alternating in ``rounds``
    (the machine is shared: its load changes within seconds), after a warm-up."""
    for method in METHODS.values():
        run(cursor, method, conditions[:10])
    spent = dict.fromkeys(METHODS, 0.0)
    chunk = max(1, len(conditions) // rounds)
    for start in range(0, len(conditions), chunk):
        for name, method in METHODS.items():
            spent[name] += run(cursor, method, conditions[start:start + chunk])
    return {name: seconds * 1000 / len(conditions) for name, seconds in spent.items()}


def main() -> None:
    global CONNECTION
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=200_000)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    with throwaway_cluster() as cluster:
        prepare(cluster.url, args.parcels)
        CONNECTION = psycopg2.connect(cluster.url.replace("postgis://", "postgresql://"),
                                      options=SESSION_OPTIONS)
        CONNECTION.autocommit = True
        cases = {"bbox, limit=100": bboxes(args.parcels, args.pages),
                 "land_use_code=LUC, limit=100": [(queries.equals_text("land_use_code"), "LUC")]
                 * max(20, args.pages // 20)}
        with CONNECTION.cursor() as cursor:
            for name, conditions in cases.items():
                times = timed(cursor, conditions, args.rounds)
                for method_name, ms in times.items():
                    print(f"{name:30}{method_name:18}{ms:8.2f} ms  x{ms / times['none']:5.2f}")
        CONNECTION.close()


if __name__ == "__main__":
    main()
