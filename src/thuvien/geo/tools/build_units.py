"""Build ``src/thuvien/geo/data/units.json.gz`` from the vietnam-provinces wheel.

    .venv/bin/pip download --no-deps --python-version 3.12 --only-binary=:all: \\
        vietnam-provinces==2026.9.0 -d /tmp/vp
    .venv/bin/python -m thuvien.geo.tools.build_units \\
        /tmp/vp/vietnam_provinces-2026.9.0-py3-none-any.whl

The wheel declares Python >= 3.12, so its modules are read with ``ast`` (never imported): the
pre-2025 lists live in ``legacy/_lookup.py`` and the old -> new commune table in
``_ward_conversion_2025.py``; the 2025 list is ``data/nested-divisions.json``. Province label
points come from the full-resolution boundary GeoJSON. See ``data/README.md`` for provenance.
"""

import argparse
import ast
import gzip
import hashlib
import json
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from thuvien.geo.naming import name_key, province_keys
from thuvien.geo.tools.geometry import label_point
from thuvien.geo.tools.sources import DEFAULT_BOUNDARY_DIR, province_crosswalk, province_shapes
from thuvien.kernel.text import normalize_text

OUTPUT = Path(__file__).resolve().parents[1] / "data/units.json.gz"
PACKAGE = "vietnam_provinces"

# Ten old communes appear in the conversion table but not in the package's pre-2025 list (they
# were created or renumbered in the first half of 2025). Their names are taken from the same
# official table the package was generated from (dev/seed-data/2025-07/
# BangChuyendoiĐVHCmoi_cu_khong_merge.csv in github.com/sunshine-tech/VietnamProvinces).
CONVERSION_TABLE_ONLY: dict[int, tuple[str, str, int]] = {
    3980: ("Phường Mộc Lỵ", "PHUONG", 123),
    3983: ("Phường Bình Minh", "PHUONG", 123),
    3984: ("Phường Cờ Đỏ", "PHUONG", 123),
    26929: ("Phường 14", "PHUONG", 765),
    26953: ("Phường 19", "PHUONG", 765),
    27076: ("Phường 15", "PHUONG", 768),
    27226: ("Phường 11", "PHUONG", 772),
    27232: ("Phường 10", "PHUONG", 772),
    27367: ("Phường 2", "PHUONG", 775),
    27373: ("Phường 1", "PHUONG", 775),
}


def _literal(node: ast.AST) -> Any:
    """Evaluate the constructor calls the generated modules are made of, without running them."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Attribute):  # an enum member such as ProvinceCode.P_01
        return node.attr
    if isinstance(node, ast.Call):
        return [_literal(arg) for arg in node.args]
    if isinstance(node, ast.Tuple | ast.List):
        return [_literal(item) for item in node.elts]
    if isinstance(node, ast.Dict):
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values, strict=True)}
    raise ValueError(f"unexpected syntax: {ast.dump(node)[:80]}")


def _module_value(source: str, name: str) -> Any:
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == name:
            return _literal(node.value)
    raise KeyError(name)


def _enum_values(source: str, class_name: str) -> dict[str, str]:
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return {
                item.targets[0].id: item.value.value
                for item in node.body
                if isinstance(item, ast.Assign) and isinstance(item.value, ast.Constant)
            }
    raise KeyError(class_name)


def _code(enum_name: str) -> int:
    """'W_26740' -> 26740."""
    return int(enum_name.split("_", 1)[1])


def _clean(name: str) -> str:
    # One source name ("Chân Mây – Lăng Cô") uses an en dash where the others use a hyphen.
    return normalize_text(name).replace("\u2013", "-")


class Wheel:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)

    def text(self, member: str) -> str:
        return self.zip.read(f"{PACKAGE}/{member}").decode("utf-8")

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def units_2025(wheel: Wheel, boundary_dir: Path) -> dict[str, list]:
    nested = json.loads(wheel.text("data/nested-divisions.json"))
    shapes = province_shapes(boundary_dir)
    provinces, communes = [], []
    for province in nested:
        code = f"{province['code']:02d}"
        lon, lat = label_point(shapes[code])
        name = _clean(province["name"])
        provinces.append([code, name, province["division_type"], round(lat, 4), round(lon, 4)])
        for ward in province["wards"]:
            communes.append(
                [f"{ward['code']:05d}", _clean(ward["name"]), ward["division_type"], code]
            )
    return {"provinces": provinces, "communes": communes}


def units_pre2025(wheel: Wheel) -> dict[str, list]:
    source = wheel.text("legacy/_lookup.py")
    types = _enum_values(wheel.text("legacy/base.py"), "VietNamDivisionType")
    provinces = [
        [f"{code:02d}", _clean(name), types[kind]]
        for code, (name, _, kind, *_) in _module_value(source, "PROVINCE_MAPPING").items()
    ]
    districts = [
        [f"{code:03d}", _clean(name), types[kind], f"{_code(province):02d}"]
        for code, (name, _, kind, _, province) in _module_value(source, "DISTRICT_MAPPING").items()
    ]
    communes = [
        [f"{code:05d}", _clean(name), types[kind], f"{_code(district):03d}"]
        for code, (name, _, kind, _, district) in _module_value(source, "WARD_MAPPING").items()
    ]
    communes += [
        [f"{code:05d}", name, types[kind], f"{district:03d}"]
        for code, (name, kind, district) in CONVERSION_TABLE_ONLY.items()
    ]
    return {"provinces": provinces, "districts": districts, "communes": sorted(communes)}


def commune_successions(wheel: Wheel) -> list[list]:
    wards = _module_value(wheel.text("_ward_conversion_2025.py"), "OLD_TO_NEW")
    return [
        [f"{old:05d}", 0 if partly else 1, sorted(f"{new:05d}" for new, _ in new_refs)]
        for old, ((_, _, _, partly), new_refs) in sorted(wards.items())
    ]


def province_successions(data: dict) -> list[list[str]]:
    """Old province -> new province, derived from where its communes went.

    The package's own province table is not used: it takes the province from the conversion
    table's row, where one Long An ward (27691) is filed under Tiền Giang; the district that
    the pre-2025 list gives for the ward is the reliable link.
    """
    district_province = {row[0]: row[3] for row in data["2008"]["districts"]}
    old_province = {row[0]: district_province[row[3]] for row in data["2008"]["communes"]}
    new_province = {row[0]: row[3] for row in data["2025"]["communes"]}
    targets: dict[str, set[str]] = {}
    for old, _, news in data["successions"]["commune"]:
        targets.setdefault(old_province[old], set()).update(new_province[n] for n in news)
    rows = []
    for old, news in sorted(targets.items()):
        if len(news) != 1:
            raise SystemExit(f"province {old} went to {sorted(news)}: expected exactly one")
        rows.append([old, news.pop()])
    return rows


def check(data: dict, boundary_dir: Path) -> list[str]:
    """Cross-checks that must hold before the data ships; returns the summary lines."""
    new, old, succ = data["2025"], data["2008"], data["successions"]
    new_codes = {row[0] for row in new["communes"]}
    old_codes = {row[0] for row in old["communes"]}
    commune_province = {row[0]: row[3] for row in new["communes"]}
    problems = [
        f"successor {code} of {row[0]} is not a 2025 commune"
        for row in succ["commune"]
        for code in row[2]
        if code not in new_codes
    ]
    problems += [
        f"old commune {row[0]} is not listed" for row in succ["commune"] if row[0] not in old_codes
    ]
    split = [row for row in succ["commune"] if len(row[2]) > 1]
    problems += [
        f"{row[0]} split across provinces"
        for row in split
        if len({commune_province[c] for c in row[2]}) > 1
    ]
    problems += _crosswalk_problems(data, boundary_dir)
    if problems:
        raise SystemExit("\n".join(problems))
    mapped = {row[0] for row in succ["commune"]}
    return [
        f"2025: {len(new['provinces'])} provinces, {len(new['communes'])} communes "
        f"{dict(Counter(row[2] for row in new['communes']))}",
        f"pre-2025: {len(old['provinces'])} provinces, {len(old['districts'])} districts, "
        f"{len(old['communes'])} communes ({len(old_codes - mapped)} without a successor)",
        f"succession: {len(succ['commune'])} old communes, {len(split)} split, "
        f"{sum(1 for r in succ['commune'] if not r[1] and len(r[2]) == 1)} partly merged into one; "
        f"{len(new_codes - {c for r in succ['commune'] for c in r[2]})} new communes "
        "with no predecessor",
    ]


def _crosswalk_problems(data: dict, boundary_dir: Path) -> list[str]:
    """The commune table's province succession must agree with the 63 -> 34 crosswalk."""
    old_names = {row[0]: name_key(row[1]) for row in data["2008"]["provinces"]}
    new_names = {row[0]: name_key(row[1]) for row in data["2025"]["provinces"]}
    expected = {
        old_key: province_keys(new_name)
        for old_name, new_name in province_crosswalk(boundary_dir)
        for old_key in province_keys(old_name)
    }
    return [
        f"province {old}: table {new_names[new]}, crosswalk {expected.get(old_names[old])}"
        for old, new in data["successions"]["province"]
        if new_names[new] not in expected.get(old_names[old], set())
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path)
    parser.add_argument("--boundaries", type=Path, default=DEFAULT_BOUNDARY_DIR)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    wheel = Wheel(args.wheel)
    data = {
        "source": {
            "package": "vietnam-provinces 2026.9.0 (PyPI), GPL-3.0-or-later",
            "wheel": args.wheel.name,
            "sha256": wheel.sha256(),
            "label_points": "provinces34.geojson "
            "(Open Development Vietnam; dissolved by Talia Cao, MIT)",
        },
        "2025": units_2025(wheel, args.boundaries),
        "2008": units_pre2025(wheel),
        "successions": {"commune": commune_successions(wheel)},
    }
    data["successions"]["province"] = province_successions(data)
    summary = check(data, args.boundaries)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # mtime=0 keeps the archive byte-identical across rebuilds of the same input.
    args.output.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    print("\n".join(summary))
    print(f"{len(raw)} bytes of JSON, {args.output.stat().st_size} gzipped -> {args.output}")


if __name__ == "__main__":
    main()
