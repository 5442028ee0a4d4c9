# SPDX-License-Identifier: MIT
"""Old units to the units of 1 July 2025: codes, names and address text, from a ``Catalog``.

Everything is a dictionary look-up built once per catalog (``Converter``), so a batch of
100,000 addresses costs a comma split and a few look-ups each. Nothing is guessed: a name
matching several units, or an old commune split between new units with no position to
decide, comes back ``ambiguous`` with the candidates; no network is ever asked (the
package's own converter geocodes split communes on the internet; ours does not).
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from layers.units_catalog import (
    CATALOG_START,
    LEGACY_END,
    NEW_PROVINCE,
    REFORM,
    Catalog,
    Unit,
    fold,
    name_key,
    plain_key,
)

MAX_REMEMBERED = 100_000  # address tails whose conversion is kept
OK, UNKNOWN, AMBIGUOUS, OTHER_PROVINCE, BAD_DATE = (
    "ok", "unknown", "ambiguous", "other_province", "before_catalog")


@dataclass(frozen=True)
class Result:
    """What one code, name or address was read as, and its unit since 1 July 2025."""

    status: str
    reason: str = ""
    old: Unit | None = None
    new: Unit | None = None
    candidates: tuple[Unit, ...] = ()
    address: str = ""  # the address in its 2025 form (addresses only)

    def as_dict(self) -> dict:
        """The JSON form of the process output."""
        out: dict = {"status": self.status}
        if self.reason:
            out["reason"] = self.reason
        if self.old is not None:
            out["old"] = self.old.json
        if self.new is not None:
            out["new"] = self.new.json
        if self.candidates:
            out["candidates"] = [u.json for u in self.candidates]
        if self.address:
            out["address"] = self.address
        return out


_PREFIX_KINDS = {"xa": "xã", "x.": "xã", "phuong": "phường", "p.": "phường", "p": "phường",
                 "thi tran": "thị trấn", "tt.": "thị trấn", "tt": "thị trấn"}


def _spelled(found: list[Unit], text: str) -> list[Unit]:
    """Of units matching without accents, those the text spells exactly (with its accents,
    and its kind if it gives one): "xã Đông Sơn" and "P. Đồng Sơn" are not the same unit;
    "xa dong son" stays ambiguous."""
    written = " ".join(unicodedata.normalize("NFC", text).lower().split())
    exact = []
    for unit in found:
        name = unit.name.lower()
        if not written.endswith(name):
            continue
        prefix = fold(written[:-len(name)])
        if prefix == "" or _PREFIX_KINDS.get(prefix) == unit.kind:
            exact.append(unit)
    return exact or found


def _names(units: list[Unit]) -> str:
    return ", ".join(f"{u.full_name} ({u.code})" for u in units)


class Converter:
    """Look-ups over one catalog: units by code and date, by name, and their successors."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.other_provinces = frozenset(plain_key(n) for n in catalog.other_provinces)
        self._by_code: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        self._by_name: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        for unit in catalog.units:
            self._by_code[(unit.level, unit.code)].append(unit)
            self._by_name[(unit.level, plain_key(unit.name))].append(unit)
        new = {u.code: u for u in catalog.units if u.level == "commune" and u.valid_to is None}
        self._tails: dict[tuple[str, ...], tuple[Result, int]] = {}
        self.successors: dict[str, tuple[Unit, ...]] = defaultdict(tuple)
        self.predecessors: dict[str, tuple[str, ...]] = defaultdict(tuple)
        for old_code, new_code in catalog.successions:
            self.successors[old_code] += (new[new_code],)
            self.predecessors[new_code] += (old_code,)

    # --- units -----------------------------------------------------------------------

    def unit(self, level: str, code: str, day: date) -> Unit | None:
        """The unit of that level and code valid on ``day``."""
        return next((u for u in self._by_code.get((level, code), ()) if u.valid_on(day)), None)

    def named(self, level: str, text: str, day: date | None = None) -> list[Unit]:
        """Units of a level whose name matches ``text`` (valid on ``day`` if given)."""
        found = (self._by_name.get((level, plain_key(text)))
                 or self._by_name.get((level, name_key(text)), []))
        found = [u for u in found if day is None or u.valid_on(day)]
        return _spelled(found, text) if len(found) > 1 else found

    def check_code(self, code: str, day: date) -> Result:
        """Is ``code`` a commune of the province on ``day``?"""
        if day < CATALOG_START:
            return Result(BAD_DATE, f"ngày {day} trước khi danh mục bắt đầu ({CATALOG_START})")
        unit = self.unit("commune", code, day)
        if unit is not None:
            return Result(OK, old=unit)
        if self._by_code.get(("commune", code)):
            return Result(UNKNOWN, f"mã xã {code} không còn hiệu lực ngày {day}")
        if len(code) == 5 and code.isdigit():
            return Result(OTHER_PROVINCE, f"mã xã {code} không thuộc tỉnh (danh mục "
                                          f"{self.catalog.source})")
        return Result(UNKNOWN, f"mã xã {code!r} không đúng dạng 5 chữ số")

    def code_for_name(self, text: str, day: date) -> Result:
        """The commune named ``text`` on ``day`` (one match, or the reason)."""
        found = self.named("commune", text, day)
        if len(found) == 1:
            return Result(OK, old=found[0])
        if found:
            return Result(AMBIGUOUS, f"tên xã {text!r} trùng {len(found)} đơn vị: {_names(found)}",
                          candidates=tuple(found))
        return Result(UNKNOWN, f"không có xã tên {text!r} trong tỉnh ngày {day}")

    # --- to 2025 ---------------------------------------------------------------------

    def successor(self, old: Unit) -> Result:
        """The 2025 unit of an old commune (a split one is ambiguous without a position)."""
        if old.valid_to is None:
            return Result(OK, old=old, new=old)
        after = self.successors.get(old.code, ())
        if len(after) == 1:
            return Result(OK, old=old, new=after[0])
        if not after:
            return Result(UNKNOWN, f"{old.full_name} ({old.code}) không có đơn vị kế tiếp", old=old)
        return Result(AMBIGUOUS, f"{old.full_name} ({old.code}) chia cho {len(after)} đơn vị: "
                                 f"{_names(list(after))}; cần vị trí để chọn",
                      old=old, candidates=after)

    def convert_code(self, code: str) -> Result:
        """An old (or already new) commune code to its 2025 unit."""
        code = str(code).strip()
        old = self.unit("commune", code, LEGACY_END) or self.unit("commune", code, REFORM)
        if old is None:
            return self.check_code(code, LEGACY_END)
        return self.successor(old)

    def convert_address(self, text: str) -> Result:
        """An address naming old units to its 2025 form (street part kept as written).

        Only the last three parts can name units, and land records repeat the same few
        hundred of them, so what those parts convert to is remembered per converter."""
        pieces = str(text).rsplit(",", 3)  # the street (as written), then up to 3 unit parts
        street = [pieces.pop(0).strip()] if len(pieces) == 4 else []
        tail = tuple(p.strip() for p in pieces)
        known = self._tails.get(tail)
        if known is None:
            if len(self._tails) >= MAX_REMEMBERED:
                self._tails.clear()
            known = self._tails[tail] = self._convert_tail(list(tail))
        result, start = known
        if result.status != OK:
            return result
        return Result(OK, old=result.old, new=result.new,
                      address=", ".join([*street, *tail[:start], result.address]))

    def _convert_tail(self, tail: list[str]) -> tuple[Result, int]:
        """The units named by an address's last parts, and where they start among them;
        the result's address is the 2025 units' part ("xã Tân Dĩnh, tỉnh Bắc Ninh")."""
        read = _read_address(self, tail)
        if read.status != OK:
            return read, 0
        result = self.successor(read.old)
        if result.status != OK:
            return result, 0
        province, new = self.unit("province", NEW_PROVINCE, REFORM), result.new
        units = f"{new.kind} {new.name}, {province.kind} {province.name}"
        return Result(OK, old=read.old, new=new, address=units), read.candidates_start


@dataclass(frozen=True)
class _Read(Result):
    candidates_start: int = 0  # index of the first part that names a unit


def _read_address(conv: Converter, parts: list[str]) -> _Read:
    """Find province, district and commune from the right end of the address."""
    end, province, district = len(parts), None, None
    if end and (found := conv.named("province", parts[end - 1])):
        province, end = found, end - 1
    elif end and name_key(parts[end - 1]) in conv.other_provinces:
        return _Read(OTHER_PROVINCE, f"{parts[end - 1]!r} không thuộc tỉnh")
    if end > 1 and (found := conv.named("district", parts[end - 1])):
        district, end = found, end - 1
    if not end:
        return _Read(UNKNOWN, "địa chỉ không có tên xã/phường")
    communes = _within(conv.named("commune", parts[end - 1]), province, district)
    if len(communes) == 1:
        return _Read(OK, old=communes[0], candidates_start=end - 1)
    if communes:
        return _Read(AMBIGUOUS, f"{parts[end - 1]!r} trùng {len(communes)} đơn vị: "
                                f"{_names(communes)}", candidates=tuple(communes))
    return _Read(UNKNOWN, f"không có xã/phường {parts[end - 1]!r} trong tỉnh")


def _within(communes: list[Unit], province: list[Unit] | None,
            district: list[Unit] | None) -> list[Unit]:
    """The communes inside the named province and district; old before new of one code."""
    if province is not None:
        codes = {p.code for p in province}
        communes = [c for c in communes if c.province_code in codes
                    and (c.valid_to is not None or _names_new(province))]
    if district is not None:
        communes = [c for c in communes if c.district_code in {d.code for d in district}]
    return _prefer_legacy(communes)


def _names_new(provinces: list[Unit]) -> bool:
    """Whether the address named the new province (then new communes may match too)."""
    return any(p.valid_to is None for p in provinces)


def _prefer_legacy(communes: list[Unit]) -> list[Unit]:
    """An old commune and a new one of the same name and code are one place."""
    legacy = [c for c in communes if c.valid_to is not None]
    new = [c for c in communes if c.valid_to is None]
    same = {c.code for c in legacy}
    return legacy + [c for c in new if c.code not in same]
