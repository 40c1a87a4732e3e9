"""Plausible Vietnamese people for the demo commune and the benchmarks (deterministic by seed)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý", "Đinh", "Trịnh", "Đoàn", "Lương"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Đình", "Ngọc"]
MIDDLE_F = ["Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mai", "Diệu", "Hồng", "Phương"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hùng", "Khánh", "Long", "Mạnh", "Nam", "Phong",
           "Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Vinh"]
GIVEN_F = ["Anh", "Bích", "Chi", "Dung", "Hà", "Hằng", "Hoa", "Huệ", "Hương", "Lan", "Linh", "Loan", "Mai", "Nga",
           "Ngân", "Nhung", "Oanh", "Phượng", "Thảo", "Trang", "Yến"]
HAMLETS = ["Thôn Đông", "Thôn Tây", "Thôn Nam Sơn", "Thôn Bắc Hà", "Thôn Trung Đồng", "Xóm Mới", "Thôn Phú Lộc",
           "Thôn Yên Lạc"]


@dataclass(frozen=True)
class Person:
    name: str
    sex: str
    birth_date: date
    cccd: str
    phone: str
    address: str


def make_person(rng: random.Random, commune: str = "xã Quảng Phú", province_code: str = "038") -> Person:
    female = rng.random() < 0.5
    middle, given = (MIDDLE_F, GIVEN_F) if female else (MIDDLE_M, GIVEN_M)
    name = f"{rng.choice(SURNAMES)} {rng.choice(middle)} {rng.choice(given)}"
    birth = date(1945, 1, 1) + timedelta(days=rng.randrange(0, 365 * 62))
    century_sex = (birth.year // 100 - 19) * 2 + (1 if female else 0)
    cccd = f"{province_code}{century_sex}{birth.year % 100:02d}{rng.randrange(0, 10**6):06d}"
    phone = f"0{rng.choice('3579')}{rng.randrange(0, 10**8):08d}"
    address = f"{rng.choice(HAMLETS)}, {commune}"
    return Person(name, "Nữ" if female else "Nam", birth, cccd, phone, address)
