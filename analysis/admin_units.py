# SPDX-License-Identifier: MIT
"""The ``admin-units-convert`` process: old commune codes or addresses to the 2025 units.

Input ``codes`` (a list), ``addresses`` (a list) or ``csv`` (text with a ``code`` or an
``address`` column; one column without a recognised header is read as codes when they look
like codes, else as addresses), at most ``MAX_ITEMS``. Each item gets its own result, in
order: the 2025 unit (code, name, province), the old unit it was read as, or the reason it
could not be converted; a bad item never stops the batch. The catalog is public reference
data, so the result is the same for every grant.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from analysis.errors import AnalysisInputError
from layers import units_db
from layers.grants import Grant
from layers.units_convert import OK, UNKNOWN, Result

MAX_ITEMS = 10_000
MAX_TEXT = 1_000  # characters of one code or address
CODE_HEADERS = ("code", "ma", "ma_xa", "maxa", "commune_code")
ADDRESS_HEADERS = ("address", "dia_chi", "diachi")


def convert(grant: Grant, data: dict) -> dict:
    """Results for every item of the one input given."""
    given = [name for name in ("codes", "addresses", "csv") if data.get(name) is not None]
    if len(given) != 1:
        raise AnalysisInputError("give exactly one of codes, addresses or csv "
                                 "(đưa một trong codes, addresses hoặc csv)")
    converter = units_db.converter()
    if given[0] == "csv":
        kind, items = _from_csv(data["csv"])
    else:
        kind, items = given[0], _listed(data[given[0]], given[0])
    one = converter.convert_code if kind == "codes" else converter.convert_address
    results = [_item(index, value, one) for index, value in enumerate(items, start=1)]
    return {"catalog": converter.catalog.source, "input": kind, "count": len(results),
            "converted": sum(1 for r in results if r["status"] == OK), "results": results}


def _item(row: int, value: Any, one: Callable[[str], Result]) -> dict:
    if isinstance(value, _BadRow):
        return {"row": row, "input": value.text, "status": UNKNOWN, "reason": value.reason}
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        return {"row": row, "input": value, "status": UNKNOWN,
                "reason": "not a non-empty text (không phải chuỗi)"}
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        return {"row": row, "input": text[:50] + "…", "status": UNKNOWN,
                "reason": f"longer than {MAX_TEXT} characters (quá dài)"}
    return {"row": row, "input": text, **one(text).as_dict()}


def _listed(value: Any, name: str) -> list:
    if not isinstance(value, list):
        raise AnalysisInputError(f"{name} must be a list (phải là một danh sách)")
    if len(value) > MAX_ITEMS:
        raise AnalysisInputError(f"{name}: {len(value):,} items, at most {MAX_ITEMS:,} "
                                 f"(tối đa {MAX_ITEMS:,} mục một lần)")
    return value


class _BadRow:
    """A CSV row that could not be read (its own result says why)."""

    def __init__(self, text: str, reason: str):
        self.text, self.reason = text, reason


def _from_csv(text: Any) -> tuple[str, list]:
    """("codes" | "addresses", the values of the column, in order)."""
    if not isinstance(text, str) or not text.strip():
        raise AnalysisInputError("csv must be CSV text (phải là nội dung CSV)")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    header = [cell.strip().lower() for cell in rows[0]]
    column, kind = _column(header)
    if column is None:
        column, kind = 0, "codes" if header[0].isdigit() else "addresses"
    else:
        rows = rows[1:]
    if len(rows) > MAX_ITEMS:
        raise AnalysisInputError(f"csv: {len(rows):,} rows, at most {MAX_ITEMS:,} "
                                 f"(tối đa {MAX_ITEMS:,} dòng một lần)")
    width = len(header)
    return kind, [row[column] if len(row) == width else
                  _BadRow(",".join(row), f"{len(row)} fields, the header has {width} "
                                         f"(dòng có {len(row)} cột, tiêu đề có {width})")
                  for row in rows]


def _column(header: list[str]) -> tuple[int | None, str]:
    for index, name in enumerate(header):
        if name in CODE_HEADERS:
            return index, "codes"
        if name in ADDRESS_HEADERS:
            return index, "addresses"
    return None, ""
