# SPDX-License-Identifier: MIT
"""Administrative units in an ingest: commune codes checked against the units valid at the
data's date, commune names turned into codes, and (``--to-2025``) the 2025 unit and the
2025 form of the address stored next to the originals.

Works on a batch's coerced columns (``Arrow``), one look-up per distinct value; the
catalog and its look-ups are ``layers.units_db``'s. A commune split between several 2025
units takes the unit whose boundary (``admin_communes``, valid now) holds the feature's
interior point; without such a boundary the feature loads with an empty 2025 code and is
listed under ``to_2025.ambiguous`` in the report (never guessed).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa
import shapely
from django.db import connection

from ingest import fields
from layers import units_db
from layers.units_convert import AMBIGUOUS, OK, Converter, Result

CODE = re.compile(r"\d{5}")
MAX_LISTED = 50


@dataclass
class UnitCheck:
    """The converter, the data's date and what --to-2025 did, for one ingest."""

    converter: Converter
    day: date
    to_2025: bool
    boundaries: dict[str, shapely.Geometry] | None = None
    summary: dict = field(default_factory=lambda: {
        "as_of": "", "catalog": "", "converted": 0, "ambiguous": [], "addresses_converted": 0,
        "addresses_kept": []})


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date; ValueError with the reason otherwise."""
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError as exc:
        raise ValueError(f"ngày {text!r} không đúng dạng YYYY-MM-DD") from exc


def prepare(day: date | None, to_2025: bool) -> UnitCheck:
    """The check of one ingest (default date: today)."""
    check = UnitCheck(units_db.converter(), day or date.today(), to_2025)
    check.summary["as_of"] = check.day.isoformat()
    check.summary["catalog"] = check.converter.catalog.source
    return check


def resolve(check: UnitCheck, value: str) -> Result:
    """A code or a commune name, read as a unit valid on the data's date."""
    if CODE.fullmatch(value):
        return check.converter.check_code(value, check.day)
    return check.converter.code_for_name(value, check.day)


def apply(check: UnitCheck, specs: list[fields.FieldSpec], columns: dict[str, pa.Array],
          fids: list, geoms, rejects: dict[int, str]) -> None:
    """Check and convert the units of one batch's columns in place, recording rejections."""
    spec = next((s for s in specs if s.name == "commune_code"), None)
    if spec is None:
        return
    values = columns["commune_code"].to_pylist()
    found = {v: resolve(check, v) for v in set(values) if v}
    name_too_long = fields.too_long(spec)  # a name is longer than a code: fine once resolved
    codes = []
    for index, value in enumerate(values):
        result = found.get(value)
        if result is not None and rejects.get(index) == name_too_long:
            del rejects[index]
        if result is not None and result.status != OK:
            rejects.setdefault(index, result.reason)
        codes.append(result.old.code if result is not None and result.old else (value or ""))
    columns["commune_code"] = pa.array(codes, pa.string())
    if check.to_2025 and "commune_code_2025" in columns:
        _to_2025(check, columns, codes, fids, geoms, rejects)


def _to_2025(check: UnitCheck, columns: dict[str, pa.Array], codes: list[str], fids: list,
             geoms, rejects: dict[int, str]) -> None:
    """The 2025 unit of each row's commune, and its address in the 2025 form."""
    successors = {code: check.converter.convert_code(code) for code in set(codes) if code}
    new = []
    for index, code in enumerate(codes):
        result = successors.get(code)
        if index in rejects or result is None:
            new.append("")
        elif result.status == AMBIGUOUS:
            new.append(_by_position(check, result, fids[index], geoms[index]))
        else:
            new.append(result.new.code if result.new else "")
    check.summary["converted"] += sum(1 for i, c in enumerate(new) if c and i not in rejects)
    columns["commune_code_2025"] = pa.array(new, pa.string())
    if "address" in columns and "address_original" in columns:
        _addresses(check, columns, fids, rejects)


def _by_position(check: UnitCheck, result: Result, fid, geom) -> str:
    """The candidate whose boundary holds the feature's interior point, else listed."""
    if check.boundaries is None:
        check.boundaries = _current_boundaries()
    point = shapely.point_on_surface(geom) if geom is not None else None
    inside = [unit.code for unit in result.candidates
              if point is not None and unit.code in check.boundaries
              and check.boundaries[unit.code].covers(point)]
    if len(inside) == 1:
        return inside[0]
    if len(check.summary["ambiguous"]) < MAX_LISTED:
        check.summary["ambiguous"].append({"feature": fid, "reason": result.reason})
    return ""


def _current_boundaries() -> dict[str, shapely.Geometry]:
    """The boundaries of the units valid today (EPSG:9214), by code."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, ST_AsBinary(geom) FROM admin_communes WHERE valid_to IS NULL")
        return {code: shapely.from_wkb(bytes(wkb)) for code, wkb in cursor.fetchall()}


def _addresses(check: UnitCheck, columns: dict[str, pa.Array], fids: list,
               rejects: dict[int, str]) -> None:
    """Addresses naming old units rewritten to their 2025 form; the original kept."""
    addresses = columns["address"].to_pylist()
    rewritten, originals = [], []
    for index, text in enumerate(addresses):
        result = check.converter.convert_address(text) if text and index not in rejects else None
        if result is not None and result.status == OK:
            rewritten.append(result.address)
            originals.append(text)
            check.summary["addresses_converted"] += 1
            continue
        if result is not None and len(check.summary["addresses_kept"]) < MAX_LISTED:
            check.summary["addresses_kept"].append({"feature": fids[index], "reason": result.reason})
        rewritten.append(text or "")
        originals.append("")
    columns["address"] = pa.array(rewritten, pa.string())
    columns["address_original"] = pa.array(originals, pa.string())
