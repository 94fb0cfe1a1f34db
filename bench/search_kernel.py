"""Search kernel benchmark: indexing rate and query latency of each available backend.

Builds N synthetic but realistic Vietnamese bibliographic records (titles, authors,
publishers, subjects, 34 provinces), indexes them, then runs 200 queries of 1-3 words,
each with 4 facets, top 20 and a highlighted title; then 200 queries of two title clauses
either of which may match (``SearchQuery.any_of``). PostgreSQL runs too when
DATABASE_URL points to it (it uses a table ``bench_records`` and drops it afterwards).

    .venv/bin/python bench/search_kernel.py                  # 50,000 records
    .venv/bin/python bench/search_kernel.py --docs 1000000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test_search \\
        .venv/bin/python bench/search_kernel.py --docs 50000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PROVINCES = (
    "Hà Nội, Huế, Lai Châu, Điện Biên, Sơn La, Lạng Sơn, Quảng Ninh, Thanh Hoá, Nghệ An, Hà Tĩnh,"
    " Cao Bằng, Tuyên Quang, Lào Cai, Thái Nguyên, Phú Thọ, Bắc Ninh, Hưng Yên, Hải Phòng,"
    " Ninh Bình, Quảng Trị, Đà Nẵng, Quảng Ngãi, Gia Lai, Khánh Hoà, Lâm Đồng, Đắk Lắk,"
    " Thành phố Hồ Chí Minh, Đồng Nai, Tây Ninh, Cần Thơ, Vĩnh Long, Đồng Tháp, Cà Mau, An Giang"
).split(", ")
TITLE_STARTS = (
    "Giáo trình|Tuyển tập|Lịch sử|Nghiên cứu|Sổ tay|Từ điển|Tìm hiểu|Cơ sở|Hướng dẫn|"
    "Kỷ yếu hội thảo|Báo cáo|Địa chí|Văn hoá|Những vấn đề|Bài giảng|Một số vấn đề về"
).split("|")
TOPICS = (
    "văn hoá dân gian|kinh tế nông nghiệp|ngôn ngữ học|thư viện học|khoa học máy tính|"
    "y học cổ truyền|lịch sử Đảng bộ|văn học Việt Nam hiện đại|thơ Đường|toán cao cấp|"
    "vật lý đại cương|hoá học hữu cơ|quản lý nhà nước|luật dân sự|giáo dục tiểu học|"
    "du lịch sinh thái|kiến trúc cổ|âm nhạc truyền thống|mỹ thuật đương đại|tiếng Anh chuyên ngành|"
    "chiến tranh chống Mỹ|cách mạng tháng Tám|làng nghề thủ công|ẩm thực ba miền|"
    "biến đổi khí hậu|tài nguyên nước|chăn nuôi gia cầm|trồng lúa nước|điện tử viễn thông|"
    "trí tuệ nhân tạo|kế toán doanh nghiệp|tâm lý học trẻ em|dân tộc Ê Đê|đồng bằng sông Cửu Long|"
    "Truyện Kiều|ca trù|nhã nhạc cung đình Huế|tín ngưỡng thờ Mẫu|hát quan họ|đờn ca tài tử"
).split("|")
QUALIFIERS = (
    "|tập 1|tập 2|tập 3|thế kỷ XX|giai đoạn 1945-1975|dành cho sinh viên|tái bản lần thứ hai|"
    "thời kỳ đổi mới|từ năm 1986 đến nay|song ngữ Việt - Anh|in lần thứ ba"
).split("|")
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh".split()
MIDDLE = "Văn Thị Hữu Đức Minh Thanh Quang Ngọc Xuân Thu Kim Công Đình Bảo".split()
GIVEN = (
    "An Bình Cường Dũng Giang Hà Hải Hạnh Hiếu Hoa Hùng Hương Khánh Lan Linh Long Mai Minh Nam"
    " Nga Phúc Phương Quân Sơn Tâm Thảo Thắng Trang Trung Tuấn Việt Yến Đào Ánh Ngân"
).split()
PUBLISHERS = (
    "Kim Đồng|Trẻ|Giáo dục Việt Nam|Chính trị quốc gia Sự thật|Văn học|Hội Nhà văn|"
    "Khoa học xã hội|Khoa học và Kỹ thuật|Đại học Quốc gia Hà Nội|Đại học Quốc gia TP. Hồ Chí Minh|"
    "Thống kê|Tư pháp|Lao động|Phụ nữ Việt Nam|Thanh niên|Văn hoá dân tộc|Thế giới|"
    "Tổng hợp TP. Hồ Chí Minh|Đà Nẵng|Nghệ An|Thuận Hoá|Hải Phòng|Y học|Nông nghiệp|Xây dựng|"
    "Bách khoa Hà Nội|Mỹ thuật|Âm nhạc|Quân đội nhân dân|Công an nhân dân"
).split("|")
LANGUAGES = ["vie"] * 16 + ["eng", "eng", "fre", "rus", "chi", "jpn", "kor", "ger"]
DOC_TYPES = ["book"] * 12 + ["serial", "serial", "thesis", "thesis", "map", "music", "audio"]
FACETS = ["language", "doc_type", "province", "subjects"]
QUERIES = 200


def record_schema() -> Any:
    from thuvien.kernel.search import Field, IndexSchema

    return IndexSchema(
        name="records",
        fields=(
            Field("title", "text", boost=3.0, sortable=True),
            Field("authors", "text", boost=2.0, multi=True),
            Field("publisher", "text"),
            Field("notes", "text", stored=False),
            Field("language", "keyword", facet=True),
            Field("doc_type", "keyword", facet=True),
            Field("province", "keyword", facet=True),
            Field("subjects", "keyword", facet=True, multi=True),
            Field("year", "integer", sortable=True),
        ),
    )


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def make_record(rng: random.Random, number: int) -> dict[str, Any]:
    topic = rng.choice(TOPICS)
    province = rng.choice(PROVINCES)
    place = province if rng.random() < 0.3 else ""
    title = " ".join(
        p for p in (rng.choice(TITLE_STARTS), topic, place, rng.choice(QUALIFIERS)) if p
    )
    subjects = rng.sample(TOPICS, rng.randint(1, 3))
    return {
        "id": f"rec-{number:08d}",
        "title": title[0].upper() + title[1:],
        "authors": [_person(rng) for _ in range(rng.randint(1, 3))],
        "publisher": f"Nhà xuất bản {rng.choice(PUBLISHERS)}",
        "notes": f"Thư mục: tr. {rng.randint(100, 600)}. Chủ đề: {', '.join(subjects)}.",
        "language": rng.choice(LANGUAGES),
        "doc_type": rng.choice(DOC_TYPES),
        "province": province,
        "subjects": subjects,
        "year": rng.randint(1950, 2025),
    }


def records(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for number in range(count):
        yield make_record(rng, number)


def query_texts(count: int, seed: int = 11) -> list[str]:
    """1-3 consecutive words of a record's title; half typed without diacritics."""
    from thuvien.kernel.text import fold_for_search

    rng = random.Random(seed)
    texts = []
    for record in records(count, seed=seed):
        words = record["title"].split()
        size = rng.randint(1, min(3, len(words)))
        start = rng.randint(0, len(words) - size)
        text = " ".join(words[start : start + size])
        texts.append(fold_for_search(text) if rng.random() < 0.5 else text)
    return texts


def index_all(index: Any, count: int, batch: int = 1000) -> float:
    """Index ``count`` records; return documents per second (upserts and the commit only:
    making up the records is not timed)."""
    spent = 0.0
    chunk: list[dict[str, Any]] = []
    for record in records(count):
        chunk.append(record)
        if len(chunk) == batch:
            spent += _timed(index.upsert, chunk)
            chunk = []
    spent += _timed(index.upsert, chunk) + _timed(index.commit)
    return count / spent


def _timed(function: Callable[..., Any], *args: Any) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def plain_queries(texts: list[str]) -> list[Any]:
    from thuvien.kernel.search import SearchQuery

    return [SearchQuery(text=t, facets=FACETS, limit=20, highlight=["title"]) for t in texts]


def either_queries(texts: list[str]) -> list[Any]:
    """Two title clauses, either of which may match (as SRU's ``dc.title = a or dc.title =
    b``): the alternatives of one query."""
    from thuvien.kernel.search import Alternative, SearchQuery

    return [
        SearchQuery(
            any_of=[Alternative(fields={"title": a}), Alternative(fields={"title": b})],
            facets=FACETS,
            limit=20,
            highlight=["title"],
        )
        for a, b in zip(texts[0::2], texts[1::2], strict=False)
    ]


def measure_queries(index: Any, queries: list[Any]) -> tuple[float, float, float]:
    """p50 and p95 in ms, and the mean number of hits."""
    for query in queries[:10]:  # warm caches
        index.search(query)
    timings, totals = [], []
    for query in queries:
        started = time.perf_counter()
        totals.append(index.search(query).total)
        timings.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(timings, n=20)[-1]
    return statistics.median(timings), p95, statistics.mean(totals)


def bench_backend(name: str, open_index: Callable[[], Any], count: int) -> None:
    index = open_index()
    rate = index_all(index, count)
    p50, p95, hits = measure_queries(index, plain_queries(query_texts(QUERIES)))
    print(
        f"{name:<11} {count:>10,} docs  {rate:>9,.0f} docs/s  p50 {p50:7.1f} ms"
        f"  p95 {p95:7.1f} ms  (mean hits {hits:,.0f})"
    )
    p50, p95, hits = measure_queries(index, either_queries(query_texts(QUERIES * 2, seed=13)))
    index.close()
    print(
        f"{name:<11} {'':>10}  either of two title clauses:  p50 {p50:7.1f} ms"
        f"  p95 {p95:7.1f} ms  (mean hits {hits:,.0f})"
    )


def configure_django() -> bool:
    """Minimal settings; True when DATABASE_URL is PostgreSQL."""
    import dj_database_url
    import django
    from django.conf import settings

    url = os.environ.get("DATABASE_URL", "")
    on_postgres = url.startswith(("postgres://", "postgresql://"))
    database = (
        dj_database_url.parse(url)
        if on_postgres
        else {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
        }
    )
    settings.configure(DATABASES={"default": database}, INSTALLED_APPS=[], USE_TZ=True)
    django.setup()
    return on_postgres


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50_000, help="records to index")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    on_postgres = configure_django()
    schema = record_schema()
    print(f"search kernel: {args.docs:,} records, {QUERIES} queries of 1-3 words + 4 facets")

    from thuvien.kernel.search.tantivy_backend import TantivyBackend

    with tempfile.TemporaryDirectory(prefix="thuvien-bench-") as path:
        tantivy_backend = TantivyBackend("bench", {"PATH": path})
        bench_backend("tantivy", lambda: tantivy_backend.open(schema), args.docs)

    if on_postgres and not args.skip_postgres:
        from thuvien.kernel.search.postgres_backend import PostgresBackend

        pg_backend = PostgresBackend("bench", {"TABLE_PREFIX": "bench_"})
        pg_backend.drop(schema.name)
        try:
            bench_backend("postgresql", lambda: pg_backend.open(schema), args.docs)
        finally:
            pg_backend.drop(schema.name)
    else:
        print("postgresql  skipped (set DATABASE_URL=postgresql://... to include it)")
    print("Zebra: not installed on this machine, so no peer figures")


if __name__ == "__main__":
    main()
