"""Deterministic generator of a realistic national directory (default 50,000 libraries).

Names follow how Vietnamese libraries are named (school, commune, community, university,
specialised and provincial libraries) and sit in the real 2025 communes, with coordinates
near their province's label point. The same seed always gives the same directory.

    .venv/bin/python bench/generate_libraries.py --count 50000 --out bench/data/libraries.csv

Used by bench/registry_directory.py (loaded straight into the database) and
bench/registry_import.py (as an import file).
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SCHOOL_KINDS = [
    "Trường Mầm non",
    "Trường Tiểu học",
    "Trường THCS",
    "Trường THPT",
    "Trường THPT chuyên",
    "Trường Tiểu học và THCS",
    "Trường Phổ thông Dân tộc nội trú",
]
PEOPLE = [
    "Nguyễn Trãi",
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Chu Văn An",
    "Lê Quý Đôn",
    "Nguyễn Du",
    "Hai Bà Trưng",
    "Quang Trung",
    "Võ Thị Sáu",
    "Phan Bội Châu",
    "Lý Thường Kiệt",
    "Nguyễn Huệ",
    "Trần Phú",
    "Lê Hồng Phong",
    "Nguyễn Khuyến",
    "Tô Hiến Thành",
    "Ngô Quyền",
    "Hùng Vương",
    "Kim Đồng",
    "Nguyễn Văn Trỗi",
    "Phan Chu Trinh",
    "Huỳnh Thúc Kháng",
    "Nguyễn Bỉnh Khiêm",
    "Lương Thế Vinh",
    "Đinh Tiên Hoàng",
    "Bế Văn Đàn",
    "Lê Văn Tám",
    "Nguyễn Thị Minh Khai",
    "Trần Quốc Toản",
    "Mạc Đĩnh Chi",
]
FIELDS = [
    "Bách khoa",
    "Kinh tế",
    "Sư phạm",
    "Y Dược",
    "Nông Lâm",
    "Khoa học Tự nhiên",
    "Khoa học Xã hội và Nhân văn",
    "Công nghiệp",
    "Giao thông Vận tải",
    "Luật",
    "Văn hóa",
    "Kiến trúc",
    "Thủy lợi",
    "Mỏ - Địa chất",
    "Ngoại ngữ",
    "Công nghệ",
]
SPECIAL = [
    "Viện Nghiên cứu {f}",
    "Sở Khoa học và Công nghệ",
    "Bệnh viện Đa khoa",
    "Trung tâm Thông tin {f}",
    "Bảo tàng",
    "Viện Kiểm sát nhân dân",
]
COMMUNITY = [
    "Tủ sách cộng đồng",
    "Phòng đọc sách cộng đồng",
    "Thư viện tư nhân",
    "Không gian đọc",
    "Tủ sách Phát triển văn hóa đọc",
    "Thư viện Nhà văn hóa thôn",
]
VILLAGES = [
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Thượng",
    "Hạ",
    "Trung",
    "An Phú",
    "Tân Lập",
    "Phú Xuân",
    "Hòa Bình",
    "Bình An",
    "Yên Hòa",
    "Đồng Tâm",
    "Quyết Thắng",
]
SERVICES = [
    "lending",
    "reading_room",
    "reference",
    "digital",
    "internet",
    "children",
    "mobile",
    "interlibrary",
    "events",
    "accessible",
    "copying",
]
HEADER = [
    "name",
    "library_type",
    "level",
    "ownership",
    "province_code",
    "commune_code",
    "street_address",
    "latitude",
    "longitude",
    "phone",
    "services",
    "collection_size",
]


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    province_code: str
    province_name: str
    lat: float
    lon: float


def _short(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _row(rng: random.Random, commune: Commune, has_public: set[str]) -> list:
    roll = rng.random()
    if 0.50 <= roll < 0.75 and commune.code in has_public:
        roll = rng.uniform(0.75, 1.0)  # one public library per commune
    place = _short(commune.name)
    level, ownership = "", "public"
    if roll < 0.50:
        kind = "school"
        name = f"Thư viện {rng.choice(SCHOOL_KINDS)} {rng.choice([*PEOPLE, place])}"
    elif roll < 0.75:
        kind, level = "public", "commune"
        name = f"Thư viện {commune.name.split()[0].lower()} {place}"
        has_public.add(commune.code)
    elif roll < 0.87:
        kind, ownership = "community", "non_public"
        name = f"{rng.choice(COMMUNITY)} {rng.choice(VILLAGES)} {place}"
    elif roll < 0.93:
        kind = "university"
        name = f"Thư viện Trường Đại học {rng.choice(FIELDS)} {_short(commune.province_name)}"
    elif roll < 0.98:
        kind = "specialised"
        name = f"Thư viện {rng.choice(SPECIAL).format(f=rng.choice(FIELDS))} {place}"
    else:
        kind = "armed_forces"
        name = f"Thư viện Sư đoàn {rng.randint(300, 399)}"
    return [
        name,
        kind,
        level,
        ownership,
        commune.province_code,
        commune.code,
        f"Số {rng.randint(1, 300)} đường {rng.choice(PEOPLE)}",
        round(commune.lat + rng.uniform(-0.25, 0.25), 6),
        round(commune.lon + rng.uniform(-0.25, 0.25), 6),
        f"0{rng.randint(200, 299)} {rng.randint(1000000, 9999999)}",
        "|".join(rng.sample(SERVICES, rng.randint(1, 5))),
        rng.randint(1500, 80000),
    ]


def communes_from_database() -> list[Commune]:
    from thuvien.geo.models import AdminUnit, Level, Scheme
    from thuvien.geo.selectors import province_point

    provinces = {
        p.pk: p for p in AdminUnit.objects.filter(scheme=Scheme.V2025, level=Level.PROVINCE)
    }
    points = {pk: province_point(p) or (16.0, 106.0) for pk, p in provinces.items()}
    communes = AdminUnit.objects.filter(scheme=Scheme.V2025, level=Level.COMMUNE).order_by("code")
    return [
        Commune(
            c.code,
            c.name,
            provinces[c.province_id].code,
            provinces[c.province_id].name,
            *points[c.province_id],
        )
        for c in communes
    ]


def generate(communes: list[Commune], count: int, seed: int = 2025) -> Iterator[list]:
    rng = random.Random(seed)
    has_public: set[str] = set()
    for _ in range(count):
        yield _row(rng, rng.choice(communes), has_public)


def main() -> None:
    import os

    import django

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--out", type=Path, default=Path("bench/data/libraries.csv"))
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thuvien.config.settings")
    django.setup()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(generate(communes_from_database(), args.count, args.seed))
    print(f"{args.count} libraries -> {args.out}")


if __name__ == "__main__":
    main()
