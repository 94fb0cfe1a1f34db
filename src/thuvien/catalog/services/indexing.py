"""The catalogue's search index: schema, documents, and keeping it equal to the database.

A record version reaches the index after its database commit; ``BibRecord.indexed`` stays
False until the index has committed it, so a crash between the two is repaired by indexing
every record still marked False (``reconcile``), and a rerun ends with counts and content
equal. The task worker is the only writer in production.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django_tasks import task

from thuvien.kernel.search import (
    Field,
    IndexSchema,
    drop_index,
    get_index,
    write_index,
)
from thuvien.kernel.search.handler import search_backends

CATALOG_INDEX = IndexSchema(
    name="catalog",
    fields=(
        Field("title", "text", boost=4.0),
        Field("author", "text", boost=2.0, multi=True),
        Field("subject", "text", boost=1.5, multi=True),
        Field("publisher", "text", multi=True),
        Field("place", "text", multi=True),
        Field("series", "text", multi=True),
        Field("notes", "text", stored=False, multi=True),
        Field("isbn", "keyword", multi=True),
        Field("issn", "keyword", multi=True),
        Field("classification", "keyword", multi=True),
        Field("format", "keyword", facet=True),
        Field("language", "keyword", facet=True, multi=True),
        Field("decade", "keyword", facet=True),
        Field("subject_facet", "keyword", facet=True, multi=True),
        Field("library", "keyword", facet=True, multi=True),
        Field("province", "keyword", facet=True, multi=True),
        Field("year", "integer", sortable=True),
        Field("title_sort", "keyword", sortable=True, stored=False),
        Field("responsibility", "keyword"),
        Field("edition", "keyword"),
        # One hit per cluster of duplicates: its preferred record, with the union of the
        # members' holdings; the other members are indexed with collapsed "1" and hidden.
        Field("cluster", "keyword", stored=False),  # a database id: filter by it, never shown
        Field("collapsed", "keyword"),
    ),
)
INDEX_BATCH = 2000


def catalog_index():
    return get_index(CATALOG_INDEX)


def analyse_document(document: dict[str, Any]):
    """The document analysed for the configured backend, ready for ``upsert`` (pure: the
    ingest's worker processes call it)."""
    return search_backends.backend().analyse(CATALOG_INDEX, document)


def _holding_facets(record_ids: list[int]) -> dict[int, tuple[set[str], set[str]]]:
    """Holding libraries (VN- ids) and their 2025 province codes, per record."""
    from thuvien.catalog.models import Holding

    out: dict[int, tuple[set[str], set[str]]] = {}
    rows = Holding.objects.filter(record_id__in=record_ids).values_list(
        "record_id", "library__vn_id", "library__province__code"
    )
    for record_id, vn_id, province in rows:
        libraries, provinces = out.setdefault(record_id, (set(), set()))
        libraries.add(vn_id)
        if province:
            provinces.add(province)
    return out


def _cluster_fields(record_ids: list[int]) -> dict[int, tuple[str, bool, list[int]]]:
    """Per clustered record: its cluster id, whether another record is the cluster's hit,
    and the records whose holdings its facets show (every member, for the hit)."""
    from thuvien.catalog.models import ClusterMember

    rows = list(
        ClusterMember.objects.filter(record_id__in=record_ids).values_list(
            "record_id", "cluster_id", "cluster__preferred_id"
        )
    )
    hits = {cluster for record, cluster, chosen in rows if record == chosen}
    members: dict[int, list[int]] = {}
    for record, cluster in ClusterMember.objects.filter(cluster_id__in=hits).values_list(
        "record_id", "cluster_id"
    ):
        members.setdefault(cluster, []).append(record)
    return {
        record: (
            str(cluster),
            chosen is not None and record != chosen,
            members[cluster] if record == chosen else [record],
        )
        for record, cluster, chosen in rows
    }


def document(
    record_id: int,
    extracted,
    libraries: set[str],
    provinces: set[str],
    cluster: str = "",
    collapsed: bool = False,
) -> dict:
    year = extracted.year
    return {
        "id": str(record_id),
        "title": extracted.title,
        "author": list(extracted.authors),
        "subject": list(extracted.subjects),
        "publisher": list(extracted.publishers),
        "place": list(extracted.places),
        "series": list(extracted.series),
        "notes": [n for n in [*extracted.notes, extracted.summary or ""] if n],
        "isbn": sorted(extracted.isbns),
        "issn": sorted(extracted.issns),
        "classification": [*extracted.ddc, *extracted.udc, *extracted.lcc],
        "format": extracted.format or "unknown",
        "language": list(
            extracted.languages or ([extracted.language] if extracted.language else [])
        ),
        "decade": f"{year // 10 * 10}" if year else "",
        "subject_facet": sorted({s.split(" -- ")[0] for s in extracted.subjects})[:20],
        "library": sorted(libraries),
        "province": sorted(provinces),
        "year": year,
        "title_sort": extracted.title_sort,
        "responsibility": extracted.responsibility or "",
        "edition": extracted.edition or "",
        "cluster": cluster,
        "collapsed": "1" if collapsed else "0",
    }


def _documents_for(records: Iterable) -> Iterator[dict[str, Any]]:
    from thuvien.catalog.marc.extract import extract

    records = list(records)
    clusters = _cluster_fields([r.pk for r in records])
    alone = ("", False, [])
    holders = {r.pk: clusters.get(r.pk, alone)[2] or [r.pk] for r in records}
    facets = _holding_facets(sorted({pk for ids in holders.values() for pk in ids}))
    for record in records:
        libraries, provinces = set(), set()
        for pk in holders[record.pk]:
            libraries |= facets.get(pk, (set(), set()))[0]
            provinces |= facets.get(pk, (set(), set()))[1]
        cluster, collapsed, _ = clusters.get(record.pk, alone)
        extracted = extract(parse_stored(record.marc))
        yield document(record.pk, extracted, libraries, provinces, cluster, collapsed)


def parse_stored(marc: bytes | memoryview):
    """The normalised record stored with a BibRecord (catalog.marc.storage)."""
    from thuvien.catalog.marc import storage

    return storage.load(marc)


def index_pending(source_id: int | None = None, progress=None) -> dict[str, int]:
    """Index every record version not yet in the index (after ingest, after a crash)."""
    from thuvien.catalog.models import BibRecord
    from thuvien.catalog.models.records import RecordStatus

    pending = BibRecord.objects.filter(indexed=False)
    if source_id is not None:
        pending = pending.filter(source_id=source_id)
    ids = list(pending.values_list("pk", flat=True).order_by("pk"))
    added = removed = 0
    for start in range(0, len(ids), INDEX_BATCH):
        chunk = list(
            BibRecord.objects.filter(pk__in=ids[start : start + INDEX_BATCH]).only(
                "pk", "marc", "status"
            )
        )
        live = [r for r in chunk if r.status == RecordStatus.ACTIVE]
        gone = [str(r.pk) for r in chunk if r.status != RecordStatus.ACTIVE]
        documents = list(_documents_for(live))

        def apply(index, documents=documents, gone=gone) -> None:
            index.upsert(documents)
            index.delete(gone)

        write_index(CATALOG_INDEX, apply)
        with transaction.atomic():
            BibRecord.objects.filter(pk__in=[r.pk for r in chunk]).update(indexed=True)
        added, removed = added + len(documents), removed + len(gone)
        if progress:
            progress.advance(len(chunk))
    return {"indexed": added, "removed": removed}


def rebuild(progress=None) -> dict[str, int]:
    """Drop the index and index every active record from the database."""
    from thuvien.catalog.models import BibRecord

    drop_index(CATALOG_INDEX)
    BibRecord.objects.update(indexed=False)
    if progress:
        progress.set_total(BibRecord.objects.count())
    return index_pending(progress=progress)


def reconcile() -> dict[str, int]:
    """Repair the index after a crash: pending versions indexed, strays removed."""
    from thuvien.catalog.models import BibRecord
    from thuvien.catalog.models.records import RecordStatus

    report = index_pending()
    index = catalog_index()
    index.reload()
    active = set(BibRecord.objects.filter(status=RecordStatus.ACTIVE).values_list("pk", flat=True))
    strays = [doc_id for doc_id in index.iter_ids() if int(doc_id) not in active]
    if strays:
        write_index(CATALOG_INDEX, lambda idx: idx.delete(strays))
    return {**report, "strays_removed": len(strays), "active": len(active)}


@task()
def index_pending_task(source_id: int | None = None) -> dict[str, int]:
    """The worker's way in: the only writer of the index in production."""
    return index_pending(source_id)
