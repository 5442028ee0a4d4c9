# SPDX-License-Identifier: MIT
"""The official catalog of administrative units, read from the ``vietnamadminunits`` package.

The province's units before and after the reform of 1 July 2025 (Resolution 202/2025/QH15;
for Bắc Ninh the commune arrangement of Resolution 1658/NQ-UBTVQH15): the former Bắc Giang
(province code 24) and the former Bắc Ninh (27) with their districts and communes, valid
until 30 June 2025, and the new Bắc Ninh (24) with its communes (no district level) from
1 July 2025, plus the succession of each old commune to its new unit(s).

The package (MIT) ships the units as an SQLite file and the succession as JSON keyed by
accent-free names; this module reads both, keeps this province's rows, and turns the keys
into official codes. Its legacy list is the state of 30 June 2025: earlier changes are not
in it, so every legacy unit is treated as valid from ``CATALOG_START``. Django-free: the
demo generator reads it too; ``layers.units_db`` writes it to PostgreSQL.
"""
from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property, lru_cache
from importlib import metadata, resources

PACKAGE = "vietnamadminunits"
CATALOG_START = date(2008, 8, 1)  # the legacy units are assumed valid from here
REFORM = date(2025, 7, 1)
LEGACY_END = date(2025, 6, 30)
LEGACY_PROVINCES = ("24", "27")  # former Bắc Giang, former Bắc Ninh
NEW_PROVINCE = "24"  # the new Bắc Ninh
PROVINCE_KEY_2025 = "tinhbacninh"

LEVELS = ("province", "district", "commune")
_PREFIXES = ("thanh pho", "thi tran", "thi xa", "phuong", "huyen", "tinh", "quan", "xa",
             "tp.", "tp", "tx.", "tx", "tt.", "tt", "p.", "x.", "h.", "q.", "t.")


@dataclass(frozen=True)
class Unit:
    """One administrative unit with its validity period (``valid_to`` None: still valid)."""

    level: str
    code: str
    name: str  # without its kind: "Thọ Xương"
    kind: str  # lower case: "phường", "xã", "thị trấn", "huyện", "thị xã", "thành phố", "tỉnh"
    province_code: str
    district_code: str
    valid_from: date
    valid_to: date | None

    @cached_property
    def json(self) -> dict:
        """The unit in the process's output (one dict per unit, shared: never change it)."""
        return {"code": self.code, "name": self.full_name, "province_code": self.province_code,
                "district_code": self.district_code or None}

    @property
    def full_name(self) -> str:
        """The name with its kind, capitalised: "Phường Thọ Xương"."""
        return f"{self.kind[:1].upper()}{self.kind[1:]} {self.name}"

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Catalog:
    """Every unit, the old -> new commune successions, and the package version they came from."""

    units: tuple[Unit, ...]
    successions: tuple[tuple[str, str], ...]  # (old commune code, new commune code)
    source: str  # "vietnamadminunits 1.0.4"
    other_provinces: tuple[str, ...] = ()  # names of the country's other provinces


def fold(text: str) -> str:
    """Lower case without accents, spaces collapsed: "Thị  Trấn" -> "thi tran"."""
    folded = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return " ".join(plain.split())


@lru_cache(maxsize=65536)
def plain_key(text: str) -> str:
    """A name reduced for matching: letters and digits only, no accents, no case."""
    return re.sub(r"[^0-9a-z]", "", fold(text))


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """``plain_key`` without a leading kind ("xã", "P.", "TT."): "P. Thọ Xương" -> "thoxuong".
    Catalog names carry no kind, so they are keyed with ``plain_key`` ("Phương Liễu" is a
    name, not "phường Liễu"); a text is looked up by its plain key first, then by this."""
    plain = fold(text)
    for prefix in _PREFIXES:
        if plain.startswith(prefix) and len(plain) > len(prefix) and (
                prefix.endswith(".") or plain[len(prefix)] == " "):
            return plain_key(plain[len(prefix):])
    return plain_key(plain)


def package_source() -> str:
    return f"{PACKAGE} {metadata.version(PACKAGE)}"


def _data_file(name: str):
    return resources.files(PACKAGE) / "data" / name


def _kind(value: str) -> str:
    return value.strip().lower()


def _legacy_rows(db: sqlite3.Connection) -> list[sqlite3.Row]:
    marks = ",".join("?" * len(LEGACY_PROVINCES))
    return db.execute(
        "SELECT provinceCode, provinceShort, districtCode, districtShort, districtType, "
        "wardCode, wardShort, wardType, provinceKey, districtKey, wardKey "
        f"FROM admin_units_legacy WHERE provinceCode IN ({marks}) ORDER BY wardCode",
        LEGACY_PROVINCES).fetchall()


def _new_rows(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute("SELECT provinceShort, wardCode, wardShort, wardType, wardKey "
                      "FROM admin_units WHERE provinceCode = ? ORDER BY wardCode",
                      [NEW_PROVINCE]).fetchall()


def _other_provinces(db: sqlite3.Connection) -> tuple[str, ...]:
    """Short names of every other province, old and new (to say "another province")."""
    rows = db.execute("SELECT provinceShort FROM admin_units_legacy WHERE provinceCode NOT IN "
                      "(?, ?) UNION SELECT provinceShort FROM admin_units WHERE provinceCode <> ?",
                      [*LEGACY_PROVINCES, NEW_PROVINCE]).fetchall()
    return tuple(sorted(r[0] for r in rows))


def _legacy_units(rows: list[sqlite3.Row]) -> list[Unit]:
    old = (CATALOG_START, LEGACY_END)
    provinces = {r["provinceCode"]: Unit("province", r["provinceCode"], r["provinceShort"],
                                         "tỉnh", r["provinceCode"], "", *old) for r in rows}
    districts = {r["districtCode"]: Unit("district", r["districtCode"], r["districtShort"],
                                         _kind(r["districtType"]), r["provinceCode"], "", *old)
                 for r in rows}
    communes = [Unit("commune", r["wardCode"], r["wardShort"], _kind(r["wardType"]),
                     r["provinceCode"], r["districtCode"], *old) for r in rows]
    return [*sorted(provinces.values(), key=lambda u: u.code),
            *sorted(districts.values(), key=lambda u: u.code), *communes]


def _successions(legacy: list[sqlite3.Row], new: list[sqlite3.Row]) -> list[tuple[str, str]]:
    """(old code, new code) from the package's converter data, keyed by name keys."""
    data = json.loads(_data_file("converter_2025.json").read_text(encoding="utf-8"))
    old_code = {f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}": r["wardCode"] for r in legacy}
    new_code = {r["wardKey"]: r["wardCode"] for r in new}
    pairs = [(old_code[old], new_code[new_key])
             for new_key, olds in data["DICT_PROVINCE_WARD_NO_DIVIDED"][PROVINCE_KEY_2025].items()
             for old in olds if old in old_code]
    divided = data["DICT_PROVINCE_WARD_DIVIDED"].get(PROVINCE_KEY_2025, {})
    pairs += [(old_code[old], new_code[part["newWardKey"]])
              for old, parts in divided.items() if old in old_code for part in parts]
    return sorted(set(pairs))


@cache
def from_package() -> Catalog:
    """The province's catalog as the installed package has it."""
    with sqlite3.connect(f"file:{_data_file('dataset.db')}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        legacy, new = _legacy_rows(db), _new_rows(db)
        others = _other_provinces(db)
    province = Unit("province", NEW_PROVINCE, new[0]["provinceShort"], "tỉnh", NEW_PROVINCE, "",
                    REFORM, None)
    communes = [Unit("commune", r["wardCode"], r["wardShort"], _kind(r["wardType"]),
                     NEW_PROVINCE, "", REFORM, None) for r in new]
    return Catalog((*_legacy_units(legacy), province, *communes),
                   tuple(_successions(legacy, new)), package_source(), others)
