"""Bulk import with matching: a 10,000-row file against a registry of 50,000 libraries.

The file mixes 3,000 libraries already in the registry (written differently: without
diacritics, abbreviated, with the old province name) and 7,000 new ones, with places given
as names (province, commune) as real lists give them. Measures preview (read, place,
validate, match) and commit (write) in rows/s and the peak memory of the process.

    .venv/bin/python bench/registry_import.py [--existing 50000] [--rows 10000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "registry-import"
sys.path.insert(0, str(ROOT / "bench"))
HEADER = [
    "Tên thư viện",
    "Loại",
    "Cấp",
    "Sở hữu",
    "Tỉnh/thành phố",
    "Xã/phường",
    "Địa chỉ",
    "Điện thoại",
    "Vốn tài liệu",
]
TYPE_WORDS = {
    "school": "trường học",
    "public": "công cộng",
    "community": "cộng đồng",
    "university": "đại học",
    "specialised": "chuyên ngành",
    "armed_forces": "lực lượng vũ trang",
}


def _variant(rng: random.Random, name: str) -> str:
    from thuvien.kernel.text import fold_for_search

    roll = rng.random()
    if roll < 0.3:
        return fold_for_search(name).title()
    if roll < 0.5:
        return name.replace("Thư viện", "TV").replace("Trường Đại học", "Trường ĐH")
    if roll < 0.6:
        return name.upper()
    return name


def write_file(path: Path, rows: int, existing) -> None:
    from generate_libraries import communes_from_database, generate

    from thuvien.geo.models import AdminUnit

    names = dict(AdminUnit.objects.values_list("pk", "name"))
    rng = random.Random(11)
    known = rng.sample(list(existing), int(rows * 0.3))
    fresh = list(generate(communes_from_database(), rows - len(known), seed=99))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for lib in known:
            writer.writerow(
                [
                    _variant(rng, lib.name),
                    TYPE_WORDS[lib.library_type],
                    lib.level,
                    lib.ownership,
                    names[lib.province_id],
                    names[lib.commune_id],
                    lib.street_address,
                    lib.phone,
                    lib.collection_size,
                ]
            )
        by_code = {
            code: name
            for code, name in AdminUnit.objects.filter(scheme="2025").values_list("code", "name")
        }
        for r in fresh:
            writer.writerow(
                [
                    r[0],
                    TYPE_WORDS[r[1]],
                    r[2],
                    r[3],
                    by_code[r[4]],
                    by_code[r[5]],
                    r[6],
                    r[9],
                    r[11],
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--existing", type=int, default=50_000)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "thuvien.config.settings",
            "THUVIEN_DATA_DIR": str(DATA),
            "THUVIEN_TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("geo_load_units", verbosity=0)
    from generate_libraries import communes_from_database, generate
    from registry_directory import _bulk_libraries

    from thuvien.accounts.models import Role, RoleAssignment, User
    from thuvien.ops.jobs import run_job_inline
    from thuvien.registry.models import Library
    from thuvien.registry.services import imports

    _bulk_libraries(list(generate(communes_from_database(), args.existing)))
    actor = User.objects.create_user("bench", password="x")
    RoleAssignment.objects.create(user=actor, role=Role.MINISTRY_ADMIN)
    path = DATA / "import.csv"
    write_file(path, args.rows, Library.objects.all()[: args.existing])
    with open(path, "rb") as handle:
        batch = imports.upload_import(actor, handle, path.name)
    imports.set_mapping(actor, batch, batch.mapping, {})
    started = time.perf_counter()
    preview = run_job_inline(
        "registry.import_preview", "bench", {"batch": batch.pk}, user=actor, show_progress=False
    )
    preview_s = time.perf_counter() - started
    started = time.perf_counter()
    commit = run_job_inline(
        "registry.import_commit",
        "bench",
        {"batch": batch.pk, "actor": actor.pk},
        user=actor,
        show_progress=False,
    )
    commit_s = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "existing": args.existing,
                "rows": args.rows,
                "preview": preview.report,
                "commit": commit.report or commit.error,
                "preview_rows_per_s": round(args.rows / preview_s),
                "commit_rows_per_s": round(args.rows / commit_s),
                "total_rows_per_s": round(args.rows / (preview_s + commit_s)),
                "peak_rss_mb": round(peak_mb),
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
