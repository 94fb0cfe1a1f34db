"""Demo digital collection for `make run`: real Vietnamese text typeset on page images at
300 dpi, ingested through the same batch path as users' batches (with OCR)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from thuvien.digital.models import Collection, DigitalObject

DEMO_SLUG = "di-san-so"
MANIFEST_HEADER = (
    "ma_doi_tuong,tep,trang,nhan_trang,nhan_de,loai,tac_gia,nam,ngon_ngu,quyen_truy_cap,ban_ghi\n"
)


def load_demo_digital() -> dict:
    from thuvien.catalog.models import BibRecord
    from thuvien.digital.ocr.testpages import render_pages, sample_paragraphs
    from thuvien.digital.services.batches import create_batch
    from thuvien.ops.jobs import run_job_inline
    from thuvien.registry.models import LibraryAlias

    if DigitalObject.objects.exists():
        return {"objects": DigitalObject.objects.count()}
    alias = LibraryAlias.objects.filter(scheme="demo", value="pl-ha-noi").first()
    if alias is None:
        return {}
    collection, _ = Collection.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults={
            "library": alias.library,
            "title": "Di sản số Hà Nội",
            "title_en": "Hanoi digital heritage",
            "description": "Bộ sưu tập mẫu: trang in chữ Việt quét ở 300 dpi",
        },
    )
    record = BibRecord.objects.filter(title__icontains="Việt").order_by("pk").first()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        paragraphs = sample_paragraphs()
        (folder / "so-tay").mkdir()
        (folder / "ho-so").mkdir()
        render_pages(paragraphs, folder / "so-tay", 3)
        render_pages(paragraphs[3:] or paragraphs, folder / "ho-so", 1)
        rows = [
            f"so-tay,so-tay/page-000{n}.png,{n},{n},Chuyển đổi số ngành thư viện,sách,"
            f"Bộ Văn hóa Thể thao và Du lịch,2025,vie,công khai,{record.pk if record else ''}"
            for n in (1, 2, 3)
        ]
        rows.append(
            "ho-so,ho-so/page-0001.png,1,1,Hồ sơ lưu trữ nội bộ,bản thảo,,2024,vie,hạn chế,"
        )
        (folder / "manifest.csv").write_text(MANIFEST_HEADER + "\n".join(rows) + "\n", "utf-8")
        batch = create_batch(
            None, alias.library, folder, original_name="demo", collection=collection
        )
        job = run_job_inline("digital.ingest", "Demo", {"batch": batch.pk}, show_progress=False)
    report = job.report or {}
    return {"objects": report.get("objects", 0), "published": report.get("published", 0)}
