# SPDX-License-Identifier: MIT
"""Invented people, land-use certificates and companies (owners, investors, licensees)."""
from __future__ import annotations

import random

from layers.demo.geometry import weighted
from layers.demo.world import Unit

_SURNAMES = (("Nguyễn", 30), ("Trần", 10), ("Lê", 8), ("Phạm", 6), ("Hoàng", 5), ("Vũ", 4),
             ("Đặng", 3), ("Bùi", 4), ("Đỗ", 4), ("Ngô", 4), ("Dương", 3), ("Thân", 5),
             ("Giáp", 4), ("Hà", 3), ("Lý", 2), ("Đào", 3), ("Nghiêm", 2))
_MIDDLE = {False: ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân"),
           True: ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng")}
_GIVEN = {False: ("An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long",
                  "Mạnh", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Toàn", "Trung", "Tuấn",
                  "Việt", "Hiếu", "Tùng", "Đông", "Lâm"),
          True: ("Anh", "Bích", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hoa", "Hương", "Lan",
                 "Linh", "Mai", "Nga", "Ngân", "Nhung", "Phương", "Quyên", "Thảo", "Trang",
                 "Vân", "Yến", "Huyền", "Loan", "Thủy")}
_CERTIFICATE_SERIES = (("CS", 45), ("DĐ", 20), ("CH", 20), ("BĐ", 15))
_BRANDS = ("Hưng Thịnh", "Phú Cường", "Trường Sơn", "Minh Phát", "Thành Đạt", "An Khang",
           "Đức Lộc", "Hoàng Long", "Tân Phát", "Quang Vinh")


def random_person(rng: random.Random) -> tuple[str, str]:
    """A plausible full name and a matching 12-digit CCCD number issued in Bắc Giang (024)."""
    female = rng.random() < 0.5
    name = f"{weighted(rng, _SURNAMES)} {rng.choice(_MIDDLE[female])} {rng.choice(_GIVEN[female])}"
    born = rng.randint(1945, 2003)
    century_sex = (0 if born < 2000 else 2) + int(female)
    return name, f"024{century_sex}{born % 100:02d}{rng.randrange(10 ** 6):06d}"


def _certificate(rng: random.Random) -> str:
    return f"{weighted(rng, _CERTIFICATE_SERIES)} {rng.randrange(10 ** 6):06d}"


def random_company(rng: random.Random, trade: str) -> str:
    return f"Công ty {rng.choice(('TNHH', 'cổ phần'))} {trade} {rng.choice(_BRANDS)}"


def random_owner(commune: Unit, land_use: str, rng: random.Random) -> dict[str, str]:
    """Who holds a parcel: the commune for public land, a school, a company or a person."""
    authority = f"UBND {commune.kind} {commune.name}"
    if land_use in ("DGT", "DTL", "NTD"):
        return {"owner_name": authority, "owner_id_number": "", "certificate_number": ""}
    holder = {"TSC": authority, "DGD": f"Trường Tiểu học {commune.name}",
              "SKC": random_company(rng, "Sản xuất thương mại")}.get(land_use)
    if holder:
        return {"owner_name": holder, "owner_id_number": "", "certificate_number": _certificate(rng)}
    name, id_number = random_person(rng)
    return {"owner_name": name, "owner_id_number": id_number, "certificate_number": _certificate(rng)}
