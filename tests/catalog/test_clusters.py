"""Clusters in the database on real LC records: one hit per publication with the union of
holdings, incremental batches, manual decisions that survive reruns, the preferred record,
the page that says why records matched, permissions, audit, and the index kept equal."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from tests import factories
from tests.catalog.conftest import DEMO
from thuvien.accounts.models import Role
from thuvien.catalog.models import BibRecord, ClusterMember, Holding, ManualDecision, MatchLink
from thuvien.catalog.selectors import CatalogFilters, search_catalog
from thuvien.catalog.services import clusters, indexing
from thuvien.catalog.services.batches import create_batch
from thuvien.catalog.services.ingest import run_ingest
from thuvien.kernel.audit.models import AuditEntry
from thuvien.kernel.search import SearchQuery

pytestmark = pytest.mark.django_db


def _records(first: int, last: int) -> bytes:
    records = (DEMO / "lc-vie.mrc").read_bytes().split(b"\x1d")[:-1]
    return b"".join(r + b"\x1d" for r in records[first:last])


@pytest.fixture
def four(tmp_path) -> Path:
    path = tmp_path / "four.mrc"
    path.write_bytes(_records(0, 4))
    return path


def ingest(library, path: Path):
    with open(path, "rb") as handle:
        batch = create_batch(None, library, handle, path.name)
    run_ingest(batch)


def _groups() -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for record, cluster in ClusterMember.objects.values_list("record_id", "cluster_id"):
        groups.setdefault(cluster, set()).add(record)
    return {frozenset(g) for g in groups.values()}


def _hits(**filters):
    return search_catalog(CatalogFilters(limit=100, **filters), highlight=False).hits


@pytest.fixture
def nlv(db):
    return factories.library("Thư viện Quốc gia Việt Nam", None, library_type="national")


@pytest.fixture
def cataloguer(db):
    return factories.user("bienmuc", Role.NATIONAL_LIBRARY)


def test_one_publication_in_two_libraries_is_one_hit_held_by_two(
    contributor, vn_library, four, client
):
    ingest(contributor, four)
    ingest(vn_library, four)
    assert len(_groups()) == 4 and all(len(g) == 2 for g in _groups())
    hits = _hits()
    assert len(hits) == 4
    assert all(len(hit.document["library"]) == 2 for hit in hits)
    preferred = {int(h.id) for h in hits}
    assert preferred == set(
        BibRecord.objects.filter(source__library=contributor).values_list("pk", flat=True)
    )
    # A library filter finds the hit through the holdings of the hidden member.
    assert len(_hits(library=[vn_library.vn_id])) == 4
    page = client.get("/muc-luc/", {"q": ""}).content.decode()
    assert "Có ở 2 thư viện" in page
    record = BibRecord.objects.filter(source__library=vn_library).first()
    assert (
        Holding.objects.filter(
            record__cluster_member__cluster=record.cluster_member.cluster
        ).count()
        == 2
    )


def test_a_new_batch_is_compared_with_its_candidates_only(
    contributor, vn_library, four, tmp_path, monkeypatch
):
    ingest(contributor, four)
    assert clusters.cluster_records().records == 0  # nothing pending after the ingest
    added = []
    original = clusters.Clusterer.add

    def spy(self, batch):
        batch = list(batch)
        added.append({p.key for p in batch})
        return original(self, batch)

    monkeypatch.setattr(clusters.Clusterer, "add", spy)
    one = tmp_path / "one.mrc"
    one.write_bytes(_records(1, 2))
    ingest(vn_library, one)
    new = BibRecord.objects.get(source__library=vn_library)
    assert added == [{clusters._key(new.pk)}]
    assert len(_groups()) == 1 and new.pk in next(iter(_groups()))


def test_a_manual_split_survives_reruns(contributor, vn_library, four, cataloguer):
    ingest(contributor, four)
    ingest(vn_library, four)
    record = BibRecord.objects.filter(source__library=vn_library).order_by("pk").first()
    clusters.split(cataloguer, record, "Khác lần in / another printing")
    assert not ClusterMember.objects.filter(record=record).exists()
    clusters.cluster_records(full=True)
    assert not ClusterMember.objects.filter(record=record).exists()
    assert len(_groups()) == 3
    entry = AuditEntry.objects.get(action="catalog.cluster.split")
    assert entry.actor == cataloguer
    assert ManualDecision.objects.get().reason.startswith("Khác lần in")


def test_a_manual_merge_survives_reruns(contributor, four, cataloguer):
    ingest(contributor, four)
    a, b = BibRecord.objects.order_by("pk")[:2]
    assert not _groups()  # four different books
    clusters.merge(cataloguer, a, b, "Cùng một sách, nhan đề ghi khác")
    assert _groups() == {frozenset({a.pk, b.pk})}
    clusters.cluster_records(full=True)
    assert _groups() == {frozenset({a.pk, b.pk})}
    assert AuditEntry.objects.filter(action="catalog.cluster.merge").count() == 1


def test_library_staff_may_not_merge_or_split(contributor, four):
    ingest(contributor, four)
    a, b = BibRecord.objects.order_by("pk")[:2]
    staff = factories.user("thuthu", Role.LIBRARY_STAFF, library=contributor)
    with pytest.raises(PermissionDenied):
        clusters.merge(staff, a, b, "lý do")
    with pytest.raises(PermissionDenied):
        clusters.split(staff, a, "lý do")
    assert not ManualDecision.objects.exists()


def test_the_national_library_record_is_preferred(contributor, nlv, four):
    ingest(contributor, four)
    ingest(nlv, four)
    hits = _hits()
    assert {int(h.id) for h in hits} == set(
        BibRecord.objects.filter(source__library=nlv).values_list("pk", flat=True)
    )
    with override_settings(THUVIEN_CATALOG_PREFERRED=["most_complete"]):
        clusters.cluster_records(full=True)
    chosen = {m.cluster.preferred.source.library_id for m in ClusterMember.objects.all()}
    assert chosen == {contributor.pk}  # equal records: the earliest


def test_the_record_page_says_why_records_matched(contributor, vn_library, four, client):
    ingest(contributor, four)
    ingest(vn_library, four)
    link = MatchLink.objects.first()
    assert link.explanation["reasons"] and link.probability >= 0.5
    page = client.get(f"/muc-luc/ban-ghi/{link.right_id}/").content.decode()
    assert "Vì sao các biểu ghi này khớp" in page
    assert link.explanation["reasons"][0].split(" ", 1)[1][:20] in page
    assert vn_library.name in page and contributor.name in page
    assert "Tách" not in page  # forms only for those allowed
    client.force_login(factories.user("quantri", Role.MINISTRY_ADMIN))
    page = client.get(f"/muc-luc/ban-ghi/{link.right_id}/").content.decode()
    assert "Tách" in page


def test_the_index_equals_the_database_after_clustering_changes(
    contributor, vn_library, four, cataloguer
):
    ingest(contributor, four)
    ingest(vn_library, four)
    record = BibRecord.objects.filter(source__library=vn_library).order_by("pk").first()
    clusters.split(cataloguer, record, "Khác bản / another edition")
    assert BibRecord.objects.filter(indexed=False).exists()
    indexing.reconcile()
    assert not BibRecord.objects.filter(indexed=False).exists()
    index = indexing.catalog_index()
    index.reload()
    everything = index.search(SearchQuery(limit=100)).hits
    assert len(everything) == 8
    for hit in everything:
        member = ClusterMember.objects.filter(record_id=int(hit.id)).select_related("cluster")
        member = member.first()
        if member:  # the cluster field finds every member, the hidden ones too
            query = SearchQuery(filters={"cluster": [str(member.cluster_id)]}, limit=10)
            assert {h.id for h in index.search(query).hits} == {
                str(pk) for pk in member.cluster.members.values_list("record_id", flat=True)
            }
        hidden = member is not None and member.cluster.preferred_id != int(hit.id)
        assert hit.document["collapsed"] == ("1" if hidden else "0")
    assert len(_hits()) == 5  # three clusters and the record split off, and its twin


def test_sru_serves_one_record_per_cluster(contributor, vn_library, four, client):
    from urllib.parse import urlencode

    from lxml import etree

    ingest(contributor, four)
    ingest(vn_library, four)
    arguments = {
        "version": "1.2",
        "operation": "searchRetrieve",
        "query": "dc.language = vie",
        "maximumRecords": "0",
    }
    root = etree.fromstring(client.get("/sru?" + urlencode(arguments)).content)
    number = root.findtext("{http://www.loc.gov/zing/srw/}numberOfRecords")
    assert number == "4"  # 8 records, 4 publications
