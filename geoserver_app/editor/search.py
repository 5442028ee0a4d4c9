# SPDX-License-Identifier: MIT
"""The admin's change lists at millions of rows: searches that use indexes, and no full count.

Django's change list counts every matching row (``SELECT count(*)``: 5M parcels scanned on
each page) and searches with ``UPPER(col) LIKE`` / ``UPPER(col) =`` OR-ed over every search
field, which no btree index serves. Large Django admins do what is done here:

- **Search on parsed input.** Numbers are natural-key values: ``1234`` is a parcel or sheet
  number (or a commune code), ``12/345`` (or ``12 345``) sheet 12 parcel 345, ``25001/12/345``
  the whole key, each an exact lookup on a btree index (``layers/sql.py``
  ``SEARCH_INDEXES``: the natural key's unique index, ``(sheet_no, parcel_no)`` and
  ``(parcel_no)``). Other text (3 characters or more) matches any part of the address, the
  name and code (other text key parts: whole values), and the sensitive attributes (owner name) only for those who may edit the
  layer, through trigram GIN indexes on ``upper(column)``, the expression Django's
  ``icontains`` writes.
- **Estimated counts.** ``EstimatedCountPaginator`` asks the planner (``EXPLAIN``) how many
  rows match, and counts exactly only below EXACT_BELOW rows (cheap through the index that
  found them); ``show_full_result_count = False`` drops the second, unfiltered count.
"""
from __future__ import annotations

import functools
import re

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet

EXACT_BELOW = 10_000
MIN_TEXT = 3  # shorter text has no trigram: it would scan the table
NUMBERS = re.compile(r"^\d+(?:\s*[/\s]\s*\d+)*$")
TEXT_FIELDS = ("address", "name", "code")


def key_query(natural_key: tuple[str, ...], numeric: set[str], term: str) -> Q | None:
    """Exact lookups on the natural key for numeric input; None when ``term`` is not numbers.

    One number: any key part equal to it; several: the last parts of the key, in order
    (``12/345``: sheet 12, parcel 345 of the key commune, sheet, parcel).
    """
    if not NUMBERS.match(term):
        return None
    parts = re.split(r"\s*[/\s]\s*", term)
    if len(parts) > len(natural_key):
        return Q(pk__in=[])
    if len(parts) == 1:
        query = Q()
        for name in natural_key:
            query |= Q(**{name: int(term) if name in numeric else term})
        return query
    names = natural_key[-len(parts):]
    return Q(**{name: int(value) if name in numeric else value
                for name, value in zip(names, parts, strict=True)})


def text_query(fields: list[str], term: str) -> Q:
    """Any part of the text fields (trigram indexes); nothing for too short a term."""
    if len(term) < MIN_TEXT or not fields:
        return Q(pk__in=[])
    query = Q()
    for name in fields:
        query |= Q(**{f"{name}__icontains": term})
    return query


def search(model, natural_key: tuple[str, ...], sensitive: tuple[str, ...], term: str,
           may_see_sensitive: bool) -> Q:
    """The filter for an admin search ``term`` on a layer's model."""
    fields = {f.name: f for f in model._meta.fields}
    numeric = {name for name in natural_key if fields[name].get_internal_type().endswith(
        "IntegerField")}
    query = key_query(natural_key, numeric, term)
    if query is not None:
        return query
    text = [name for name in TEXT_FIELDS if name in fields]
    if may_see_sensitive:
        text += [name for name in sensitive if name in fields]
    query = text_query(text, term)
    for name in natural_key:  # whole values, as written or in capitals (the key's index)
        if name not in numeric and name not in text:
            query |= Q(**{name: term}) | Q(**{name: term.upper()})
    return query


class EstimatedCountPaginator(Paginator):
    """Counts from the planner's estimate; exactly only when few rows match."""

    @functools.cached_property
    def count(self) -> int:
        object_list = self.object_list
        if not isinstance(object_list, QuerySet):
            return super().count
        estimate = planned_rows(object_list)
        return super().count if estimate < EXACT_BELOW else estimate


def planned_rows(queryset: QuerySet) -> int:
    """The planner's estimate of the rows ``queryset`` returns (its statistics, no scan)."""
    try:
        statement, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing (pk__in=[])
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {statement}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
