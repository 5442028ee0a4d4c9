# SPDX-License-Identifier: MIT
"""The benchmark dataset at the province's real size, generated once and cached.

5,000,000 parcels (thửa đất) on a regular grid over the whole province (``layers/province.py``
``EXTENT``, in EPSG:9214), 1,000,000 buildings inside every fifth parcel, and a 500,000-parcel
subset of the same density (the southern strip: the first rows of the same grid, so a parcel
of the subset is the same parcel in the full set). GeoPackages in EPSG:9214 with the
Vietnamese field names of cadastral files (MaXa, SoTo, SoThua, MaLoaiDat, DienTich, DiaChi,
TenChu, SoCCCD, SoGCN; buildings MaCongTrinh, CongNang, SoTang, ChieuCao, loaded with
``BUILDINGS_MAPPING``). The grid is cut into communes of COMMUNE_CELLS x COMMUNE_CELLS cells;
``communes`` gives their codes and boxes and ``communes_sql`` the statement that makes them
the province's units (ingest checks every parcel's commune code).

Files live in ``$BASEMAP_BENCH_CACHE`` (default ``~/.cache/basemap-bench``), outside the
repository, and are written under a temporary name then renamed: a killed run leaves no
half file. Every bench that needs parcels at scale calls ``parcels_file(n)``.

    nice -n 10 .venv/bin/python bench/dataset.py [--parcels 5000000] [--buildings 1000000]
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FULL = 5_000_000
SUBSET = 500_000
BUILDINGS = 1_000_000
CHUNK = 50_000
COMMUNE_CELLS = 250  # a commune is 250 x 250 grid cells (62,500 parcels, ~10 km x 10 km)
PARCEL_SHARE = 0.7  # a parcel's side, as a share of the grid step
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["Văn Tưởng", "Thị Hồng", "Đức Thắng", "Thị Ngọc Ánh", "Quang Huy", "Minh Đức",
         "Thị Lan", "Văn Hùng", "Thu Trang", "Bảo Anh"]
VILLAGES = ["Thôn Đông", "Thôn Đoài", "Thôn Trung", "Xóm Mới", "Thôn Hạ", "Thôn Thượng",
            "Tổ dân phố 1", "Tổ dân phố 2", "Khu phố Chợ", "Thôn Cầu"]
COMMUNE_NAMES = ["Tân Sỏi", "Yên Dũng", "Lục Nam", "Hiệp Hòa", "Việt Yên", "Lạng Giang",
                 "Sơn Động", "Tiên Du", "Quế Võ", "Gia Bình", "Thuận Thành", "Từ Sơn"]
LAND_USE = ["LUC", "ONT", "CLN", "BHK", "ODT", "NTS", "RSX", "DGT"]
BUILDING_USE = ["nhà ở", "trường học", "trụ sở", "nhà xưởng", "chợ"]
BUILDINGS_MAPPING = """layer: buildings
fields:
  code: MaCongTrinh
  use: CongNang
  floors: SoTang
  height_m: ChieuCao
"""


def cache_dir() -> Path:
    path = Path(os.environ.get("BASEMAP_BENCH_CACHE", Path.home() / ".cache" / "basemap-bench"))
    path.mkdir(parents=True, exist_ok=True)
    return path


class Grid:
    """FULL cells over the province's extent in EPSG:9214, row by row from the south-west."""

    def __init__(self, full: int = FULL) -> None:
        from layers import province

        self.xmin, self.ymin, xmax, ymax = province.extent_vn2000()
        self.step = math.sqrt((xmax - self.xmin) * (ymax - self.ymin) / full)
        self.columns = math.ceil((xmax - self.xmin) / self.step)

    def origin(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The south-west corner of cells ``index``."""
        return (self.xmin + (index % self.columns) * self.step,
                self.ymin + (index // self.columns) * self.step)

    def commune(self, index: np.ndarray) -> np.ndarray:
        """The commune number of cells ``index``."""
        per_row = math.ceil(self.columns / COMMUNE_CELLS)
        return (index // self.columns // COMMUNE_CELLS) * per_row \
            + (index % self.columns) // COMMUNE_CELLS

    def communes(self, n: int) -> list[tuple[str, tuple[float, float, float, float]]]:
        """(code, box in EPSG:9214) of every commune the first ``n`` cells touch."""
        numbers = np.unique(self.commune(np.arange(0, n, 97)))
        numbers = np.union1d(numbers, self.commune(np.array([n - 1])))
        per_row = math.ceil(self.columns / COMMUNE_CELLS)
        side = COMMUNE_CELLS * self.step
        return [(commune_code(number), (self.xmin + (number % per_row) * side,
                                        self.ymin + (number // per_row) * side,
                                        self.xmin + (number % per_row + 1) * side,
                                        self.ymin + (number // per_row + 1) * side))
                for number in numbers.tolist()]


def commune_code(number: int) -> str:
    return f"{25000 + int(number):05d}"


def communes_sql(n: int) -> str:
    """The synthetic communes of the first ``n`` parcels as the province's units (ingest
    checks every commune code against the unit catalog, layers/units_db.py): their boundaries
    in ``admin_communes`` and their entries in ``admin_unit_catalog``, valid from the 2025
    reform, under the stored catalog's source."""
    communes = Grid().communes(n)
    boundaries = ", ".join(
        f"('{code}', 'Xã {code}', 'xã', '24', '', '2025-07-01', "
        f"ST_Multi(ST_MakeEnvelope({x0}, {y0}, {x1}, {y1}, 9214)))"
        for code, (x0, y0, x1, y1) in communes)
    units = ", ".join(f"('commune', '{code}', 'Xã {code}', 'xã', '24', '', DATE '2025-07-01')"
                      for code, _box in communes)
    return ("INSERT INTO admin_communes (code, name, kind, province_code, district_code, "
            f"valid_from, geom) VALUES {boundaries}; "
            "INSERT INTO admin_unit_catalog (level, code, name, kind, province_code, "
            "district_code, valid_from, source) SELECT v.*, (SELECT max(source) FROM "
            f"admin_unit_catalog) FROM (VALUES {units}) AS v")


def parcels(grid: Grid, start: int, count: int) -> pa.Table:
    """Parcels ``start`` .. ``start + count - 1`` of the grid, with Vietnamese source names.
    Sheet numbers run per commune (500 parcels a sheet), parcel numbers per sheet."""
    import shapely

    index = np.arange(start, start + count)
    x, y = grid.origin(index)
    side = grid.step * PARCEL_SHARE
    rng = np.random.default_rng(start)
    commune = grid.commune(index)
    local = (index // grid.columns % COMMUNE_CELLS) * COMMUNE_CELLS \
        + index % grid.columns % COMMUNE_CELLS  # the cell's number inside its commune
    names = rng.integers(0, 100, count)
    return pa.table({
        "MaXa": pa.array([commune_code(c) for c in commune.tolist()]),
        "SoTo": pa.array(local // 500 + 1, pa.int32()),
        "SoThua": pa.array(local % 500 + 1, pa.int32()),
        "MaLoaiDat": pa.array([LAND_USE[i] for i in rng.integers(0, 8, count).tolist()]),
        "DienTich": pa.array(np.round(side * side * rng.uniform(0.9, 1.1, count), 1)),
        "DiaChi": pa.array([f"Số {i % 300 + 1}, {VILLAGES[i // 300 % 10]}, xã "
                            f"{COMMUNE_NAMES[c % 12]}"
                            for i, c in zip(local.tolist(), commune.tolist(), strict=True)]),
        "TenChu": pa.array([f"{FAMILY[i // 10]} {GIVEN[i % 10]}" for i in names.tolist()]),
        "SoCCCD": pa.array([f"0240{i:08d}" for i in index.tolist()]),
        "SoGCN": pa.array([f"CS{i:08d}" for i in index.tolist()]),
        "geom": pa.array(shapely.to_wkb(shapely.box(x, y, x + side, y + side)), pa.binary()),
    })


def buildings(grid: Grid, start: int, count: int) -> pa.Table:
    """Buildings ``start`` .. of every fifth parcel: a square in the parcel's middle."""
    import shapely

    index = np.arange(start, start + count)
    x, y = grid.origin(index * 5)
    inset, side = grid.step * 0.2, grid.step * 0.3
    rng = np.random.default_rng(start + 1)
    floors = rng.integers(1, 6, count)
    return pa.table({
        "MaCongTrinh": pa.array([f"CT{i:08d}" for i in index.tolist()]),
        "CongNang": pa.array([BUILDING_USE[i] for i in rng.integers(0, 5, count).tolist()]),
        "SoTang": pa.array(floors, pa.int32()),
        "ChieuCao": pa.array(np.round(floors * 3.3, 1)),
        "geom": pa.array(shapely.to_wkb(shapely.box(x + inset, y + inset, x + inset + side,
                                                    y + inset + side)), pa.binary()),
    })


def _write(path: Path, make, n: int, layer: str) -> Path:
    """Write ``n`` features from ``make(grid, start, count)`` unless the file exists."""
    if path.exists():
        return path
    import pyogrio

    grid = Grid()
    part = path.with_suffix(".part.gpkg")
    part.unlink(missing_ok=True)
    started = time.monotonic()
    for start in range(0, n, CHUNK):
        pyogrio.write_arrow(make(grid, start, min(CHUNK, n - start)), part, layer=layer,
                            driver="GPKG", geometry_name="geom", geometry_type="Polygon",
                            crs="EPSG:9214", append=start > 0)
    part.rename(path)
    print(f"generated {path} ({n:,} {layer}, {time.monotonic() - started:.0f} s, "
          f"{path.stat().st_size / 1e6:.0f} MB)", flush=True)
    return path


def parcels_file(n: int) -> Path:
    """The GeoPackage of the first ``n`` parcels of the grid (generated once)."""
    return _write(cache_dir() / f"parcels-{n}.gpkg", parcels, n, "thua_dat")


def buildings_file(n: int = BUILDINGS) -> Path:
    return _write(cache_dir() / f"buildings-{n}.gpkg", buildings, n, "nha")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, nargs="*", default=[SUBSET, FULL])
    parser.add_argument("--buildings", type=int, default=BUILDINGS)
    args = parser.parse_args()
    for n in args.parcels:
        parcels_file(n)
    if args.buildings:
        buildings_file(args.buildings)


if __name__ == "__main__":
    main()
