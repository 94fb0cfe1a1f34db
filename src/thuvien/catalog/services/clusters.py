"""Clusters of the union catalogue in the database, on top of the pure ``catalog.dedup``.

A run takes the records new or changed since they were last clustered (their checksum
differs from ``ClusteredVersion``), dissolves the clusters they were in, and compares them,
with the other members of those clusters, only with the records that share a blocking key
(``MatchKey``); the clusters of those candidates are loaded as they are and only grow or
join. Every ``ManualDecision`` is passed to the clusterer, so a merge or a split made by a
cataloguer holds on every rerun. The records whose cluster changed are marked not indexed:
``index_pending`` then writes the cluster's preferred record as the search hit with the
union of the members' holdings, and the others as hidden documents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django_tasks import task

from thuvien.accounts.permissions import Action, require
from thuvien.catalog.dedup.blocking import MAX_BLOCK, blocking_keys
from thuvien.catalog.dedup.cluster import Clusterer, preferred
from thuvien.catalog.dedup.cluster import ManualDecision as Constraint
from thuvien.catalog.dedup.profile import Profile, build_profile
from thuvien.catalog.dedup.rules import Matcher
from thuvien.catalog.models import (
    BibRecord,
    Cluster,
    ClusteredVersion,
    ClusterMember,
    ManualDecision,
    MatchKey,
    MatchLink,
)
from thuvien.catalog.models.clusters import DecisionKind
from thuvien.catalog.models.records import RecordStatus
from thuvien.kernel.audit.log import record_change

RULES = ("nlv_first", "most_complete")
CHUNK = 5000


@dataclass
class ClusterReport:
    records: int = 0  # records (re)compared
    removed: int = 0  # deleted records taken out of their clusters
    candidates: int = 0  # other records they were compared with
    joins: int = 0
    clusters: int = 0  # clusters written
    conflicts: int = 0  # a split inside a merge: the later decision is applied
    reindex: set[int] = field(default_factory=set)

    def as_dict(self) -> dict[str, int]:
        keys = ("records", "removed", "candidates", "joins", "clusters", "conflicts")
        return {key: getattr(self, key) for key in keys} | {"reindexed": len(self.reindex)}


@cache
def matcher() -> Matcher:
    """The shipped model, compiled once per process."""
    return Matcher()


def _key(pk: int) -> str:
    """A record's key for the pure package, zero-padded: the package breaks ties by key,
    and padded keys sort as the ids do (the earliest record first)."""
    return f"{pk:012d}"


def _chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- the run ------------------------------------------------------------------------


def cluster_records(record_ids=None, *, full: bool = False, force: Iterable[int] = ()):
    """Cluster the records of ``record_ids`` (ids or a queryset; all when None) that are
    new, changed or deleted since their last run, and those of ``force`` in any case.
    ``full`` forgets every automatic cluster first (manual decisions stay)."""
    with transaction.atomic():
        if full:
            _forget_all()
        changed, gone = _pending(record_ids, set(force))
        return _recluster(changed, gone)


def _forget_all() -> None:
    BibRecord.objects.filter(cluster_member__isnull=False).update(indexed=False)
    Cluster.objects.all().delete()
    MatchKey.objects.all().delete()
    ClusteredVersion.objects.all().delete()


def _pending(record_ids, force: set[int]) -> tuple[list[int], list[int]]:
    records = BibRecord.objects.all()
    if record_ids is not None:
        records = records.filter(pk__in=record_ids)
    clustered = ClusteredVersion.objects.filter(record=OuterRef("pk")).values("checksum")[:1]
    active = Q(status=RecordStatus.ACTIVE)
    stale = Q(done__isnull=True) | ~Q(done=F("checksum"))
    rows = (
        records.annotate(done=Subquery(clustered))
        .filter((active & (stale | Q(pk__in=force))) | (~active & Q(done__isnull=False)))
        .values_list("pk", "status")
    )
    changed, gone = [], []
    for pk, status in rows.iterator(chunk_size=CHUNK):
        (changed if status == RecordStatus.ACTIVE else gone).append(pk)
    return changed, gone


def _recluster(changed: list[int], gone: list[int]) -> ClusterReport:
    report = ClusterReport(records=len(changed), removed=len(gone))
    rest = _dissolve([*changed, *gone], report)
    work = [*changed, *rest]
    profiles, checksums = _profiles(work)
    _remember(changed, profiles, checksums)
    membership = _neighbourhood(profiles, work)
    report.candidates = len(membership)
    more, _ = _profiles(list(membership))
    clusterer = Clusterer(matcher(), decisions=_constraints())
    _seed(clusterer, more, membership)
    profiles |= more
    batch = clusterer.add(profiles[_key(pk)] for pk in work if _key(pk) in profiles)
    report.joins, report.conflicts = batch.joins, len(batch.conflicts)
    _write(clusterer, profiles, membership, set(work), report)
    for chunk in _chunks(report.reindex):  # index_pending writes their new documents
        BibRecord.objects.filter(pk__in=chunk).update(indexed=False)
    return report


def _dissolve(ids: list[int], report: ClusterReport) -> list[int]:
    """Take these records out of their clusters; return the clusters' other members, which
    are compared again with them (a changed record may have been the only link)."""
    clusters: set[int] = set()
    for chunk in _chunks(ids):
        clusters |= set(
            ClusterMember.objects.filter(record_id__in=chunk).values_list("cluster_id", flat=True)
        )
    members = list(
        ClusterMember.objects.filter(cluster_id__in=clusters).values_list("record_id", flat=True)
    )
    report.reindex |= set(members)
    Cluster.objects.filter(pk__in=clusters).delete()
    for chunk in _chunks(ids):
        MatchKey.objects.filter(record_id__in=chunk).delete()
        ClusteredVersion.objects.filter(record_id__in=chunk).delete()
    dropped = set(ids)
    return [pk for pk in members if pk not in dropped]


def _profiles(ids: list[int]) -> tuple[dict[str, Profile], dict[int, str]]:
    from thuvien.catalog.services.indexing import parse_stored

    profiles, checksums = {}, {}
    for chunk in _chunks(ids):
        rows = BibRecord.objects.filter(pk__in=chunk).values_list("pk", "marc", "checksum")
        for pk, marc, checksum in rows:
            profiles[_key(pk)] = build_profile(_key(pk), parse_stored(marc))
            checksums[pk] = checksum
    return profiles, checksums


def _remember(changed: list[int], profiles: dict[str, Profile], checksums) -> None:
    """Store the blocking keys and the checksum of the versions clustered now."""
    keys = [
        MatchKey(record_id=pk, key=key[:255])
        for pk in changed
        for key in blocking_keys(profiles[_key(pk)], matcher().ignored_isbns)
    ]
    MatchKey.objects.bulk_create(keys, batch_size=CHUNK)
    ClusteredVersion.objects.bulk_create(
        [ClusteredVersion(record_id=pk, checksum=checksums[pk]) for pk in changed],
        batch_size=CHUNK,
    )


def _neighbourhood(profiles: dict[str, Profile], work: list[int]) -> dict[int, int | None]:
    """The records the work is compared with (sharing a usable key, or merged with one by
    hand) and every member of their clusters: record id -> cluster id (None: alone)."""
    keys = {k[:255] for p in profiles.values() for k in blocking_keys(p, matcher().ignored_isbns)}
    blocks: dict[str, set[int]] = defaultdict(set)
    for chunk in _chunks(sorted(keys)):
        for key, pk in MatchKey.objects.filter(key__in=chunk).values_list("key", "record_id"):
            blocks[key].add(pk)
    # A key shared by too many records says nothing (as in the pure BlockIndex).
    found = {pk for block in blocks.values() if len(block) <= MAX_BLOCK for pk in block}
    found |= _merged_with(set(work))
    found -= set(work)
    membership: dict[int, int | None] = dict.fromkeys(found)
    for chunk in _chunks(found):
        membership |= dict(
            ClusterMember.objects.filter(record_id__in=chunk).values_list("record_id", "cluster_id")
        )
    clusters = {c for c in membership.values() if c is not None}
    membership |= dict(
        ClusterMember.objects.filter(cluster_id__in=clusters).values_list("record_id", "cluster_id")
    )
    return membership


def _merged_with(work: set[int]) -> set[int]:
    found: set[int] = set()
    for decision in ManualDecision.objects.filter(kind=DecisionKind.MERGE):
        everyone = {decision.record_id, *decision.others}
        if everyone & work:
            found |= everyone
    active = BibRecord.objects.filter(pk__in=found, status=RecordStatus.ACTIVE)
    return set(active.values_list("pk", flat=True))


def _constraints() -> list[Constraint]:
    return [
        Constraint(d.kind, (_key(d.record_id),), tuple(_key(o) for o in d.others))
        for d in ManualDecision.objects.all()
    ]


def _seed(clusterer: Clusterer, profiles: dict[str, Profile], membership) -> None:
    """Load existing clusters as they are: their members are not compared again."""
    groups: dict[object, list[str]] = defaultdict(list)
    for key, profile in profiles.items():
        clusterer.profiles[key] = profile
        clusterer.index.add(profile)
        cluster = membership.get(int(key))
        groups[cluster if cluster is not None else key].append(key)
    for keys in groups.values():
        root = min(keys)
        clusterer.members[root] = list(keys)
        for key in keys:
            clusterer.parent[key] = root


# --- writing the outcome ---------------------------------------------------------------


def _write(clusterer, profiles, membership, work: set[int], report: ClusterReport) -> None:
    rows: dict[str, Cluster] = {}
    for root, keys in list(clusterer.members.items()):
        ids = sorted(int(k) for k in keys)
        before = {membership.get(pk) for pk in ids} - {None}
        if len(ids) < 2 or not (work.intersection(ids) or len(before) > 1):
            continue  # alone, or a loaded cluster that nothing touched
        rows[root] = _store_cluster(ids, before, profiles)
        report.reindex |= set(ids)
        report.clusters += 1
    links = [
        MatchLink(
            cluster=rows[clusterer.cluster_of(a)],
            left_id=int(a),
            right_id=int(b),
            probability=probability,
            explanation=explain(profiles[a], profiles[b]),
        )
        for (a, b), probability in clusterer.links.items()
        if clusterer.cluster_of(a) in rows
    ]
    MatchLink.objects.bulk_create(links, batch_size=CHUNK)


def _store_cluster(ids: list[int], before: set[int], profiles) -> Cluster:
    """The cluster row for these members: the largest of the clusters that joined keeps its
    id (and its links), the others are folded into it."""
    counts = defaultdict(int)
    for cluster_id in ClusterMember.objects.filter(cluster_id__in=before).values_list(
        "cluster_id", flat=True
    ):
        counts[cluster_id] += 1
    if before:
        keep = min(before, key=lambda c: (-counts[c], c))
        cluster = Cluster.objects.get(pk=keep)
        MatchLink.objects.filter(cluster_id__in=before - {keep}).update(cluster=cluster)
        Cluster.objects.filter(pk__in=before - {keep}).delete()
    else:
        cluster = Cluster.objects.create()
    ClusterMember.objects.filter(record_id__in=ids).delete()
    ClusterMember.objects.bulk_create([ClusterMember(record_id=pk, cluster=cluster) for pk in ids])
    cluster.preferred_id = choose_preferred(ids, profiles)
    cluster.save(update_fields=["preferred", "updated_at"])
    return cluster


def explain(a: Profile, b: Profile) -> dict:
    """What the record page shows under "why these records matched"."""
    decision, reasons = matcher().explain(a, b)
    return {
        "probability": round(decision.probability, 4),
        "reasons": reasons,
        "contributions": {
            name: round(value, 3)
            for name, value in decision.contributions.items()
            if abs(value) >= 0.05
        },
    }


# --- the preferred record --------------------------------------------------------------


def preferred_rules() -> list[str]:
    rules = list(settings.THUVIEN_CATALOG_PREFERRED)
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        raise ImproperlyConfigured(
            f"THUVIEN_CATALOG_PREFERRED: {unknown}; allowed: {', '.join(RULES)}"
        )
    return rules


def _nlv(ids: list[int]) -> set[int]:
    records = BibRecord.objects.filter(
        pk__in=ids, source__library__library_type="national", source__library__country="VN"
    )
    return set(records.values_list("pk", flat=True))


def choose_preferred(ids: list[int], profiles: dict[str, Profile]) -> int:
    """The record a cluster shows: the rules of THUVIEN_CATALOG_PREFERRED narrow the
    members in order; the earliest record settles what they leave open."""
    left = [profiles[_key(pk)] for pk in ids]
    for rule in preferred_rules():
        if rule == "nlv_first":
            nlv = _nlv(ids)
            left = [p for p in left if int(p.key) in nlv] or left
        elif rule == "most_complete":
            left = [preferred(left)]
    return min(int(p.key) for p in left)


# --- cataloguers' decisions ------------------------------------------------------------


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Cần ghi lý do / a reason is required")
    return reason


def merge(user, a: BibRecord, b: BibRecord, reason: str) -> ClusterReport:
    """Join the clusters of two records, whatever the scores say, for good."""
    require(user, Action.CATALOG_CLUSTER)
    reason = _reason(reason)
    if a.pk == b.pk or {a.status, b.status} != {RecordStatus.ACTIVE}:
        raise ValidationError("Cần hai biểu ghi khác nhau đang dùng / two different active records")
    with transaction.atomic():
        decision = ManualDecision.objects.create(
            kind=DecisionKind.MERGE, record=a, others=[b.pk], reason=reason, created_by=user
        )
        record_change(user, "catalog.cluster.merge", decision, after=_audit(decision), note=reason)
        report = cluster_records([a.pk, b.pk], force=[a.pk, b.pk])
        transaction.on_commit(_index_later)
        return report


def split(user, record: BibRecord, reason: str) -> ClusterReport:
    """Take a record out of its cluster, for good: it never joins those records again."""
    require(user, Action.CATALOG_CLUSTER)
    reason = _reason(reason)
    member = ClusterMember.objects.filter(record=record).first()
    if member is None:
        raise ValidationError("Biểu ghi không thuộc cụm nào / the record is in no cluster")
    others = sorted(
        ClusterMember.objects.filter(cluster_id=member.cluster_id)
        .exclude(record=record)
        .values_list("record_id", flat=True)
    )
    with transaction.atomic():
        decision = ManualDecision.objects.create(
            kind=DecisionKind.SPLIT, record=record, others=others, reason=reason, created_by=user
        )
        record_change(user, "catalog.cluster.split", decision, after=_audit(decision), note=reason)
        report = cluster_records([record.pk], force=[record.pk])
        transaction.on_commit(_index_later)
        return report


def _index_later() -> None:
    """The task worker is the index's only writer in production."""
    from thuvien.catalog.services.indexing import index_pending_task

    index_pending_task.enqueue()


def _audit(decision: ManualDecision) -> dict:
    return {"kind": decision.kind, "record": decision.record_id, "others": decision.others}


# --- reading -------------------------------------------------------------------------


def own_duplicates(library_id: int | None = None) -> dict[int, list[int]]:
    """Clusters holding two or more records of one library (its own duplicates, reported
    to it rather than hidden): cluster id -> those record ids."""
    rows = ClusterMember.objects.values_list(
        "cluster_id", "record__source__library_id", "record_id"
    )
    if library_id is not None:
        rows = rows.filter(record__source__library_id=library_id)
    grouped: dict[tuple[int, int], list[int]] = defaultdict(list)
    for cluster_id, library, record_id in rows:
        grouped[(cluster_id, library)].append(record_id)
    out: dict[int, list[int]] = defaultdict(list)
    for (cluster_id, _), ids in grouped.items():
        if len(ids) > 1:
            out[cluster_id] += sorted(ids)
    return dict(out)


def cluster_view(record: BibRecord) -> dict | None:
    """What the record page shows of the record's cluster (None when it is alone)."""
    from thuvien.catalog.models import Holding

    member = ClusterMember.objects.filter(record=record).select_related("cluster").first()
    if member is None:
        return None
    members = list(
        BibRecord.objects.filter(cluster_member__cluster_id=member.cluster_id)
        .select_related("source__library")
        .order_by("pk")
    )
    holdings = (
        Holding.objects.filter(record__in=members)
        .select_related("library__province")
        .order_by("library__name", "location")
    )
    ids = {m.pk for m in members}
    by_library: dict[int, int] = defaultdict(int)
    for m in members:
        by_library[m.source.library_id] += 1
    return {
        "cluster": member.cluster,
        "others": [m for m in members if m.pk != record.pk],
        "holdings": holdings,
        "libraries": len({h.library_id for h in holdings}),
        "links": MatchLink.objects.filter(cluster_id=member.cluster_id).order_by("-probability"),
        "decisions": [
            d
            for d in ManualDecision.objects.select_related("created_by")
            if d.record_id in ids or ids.intersection(d.others)
        ],
        "own_duplicates": by_library[record.source.library_id] > 1,
    }


@task()
def cluster_source_task(source_id: int) -> dict[str, int]:
    """Cluster a source's records that are new, changed or deleted, then index what the
    clusters changed. The whole source is the scope, so the deletions of replace mode and
    an earlier run's leftovers are seen too; unchanged records are skipped by checksum."""
    from thuvien.catalog.services.indexing import index_pending

    report = cluster_records(BibRecord.objects.filter(source_id=source_id).values("pk"))
    index_pending()  # the source's records and other libraries' whose cluster changed
    return report.as_dict()
