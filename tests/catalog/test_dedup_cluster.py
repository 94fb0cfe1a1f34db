"""Blocking and clustering: Vietnamese keys, capped blocks, the chaining guard, manual
merges and splits that win and survive reruns, incremental batches."""

from __future__ import annotations

from tests.catalog.test_dedup_features import profile
from thuvien.catalog.dedup.blocking import BlockIndex, blocking_keys
from thuvien.catalog.dedup.cluster import Clusterer, ManualDecision, preferred


def _duplicates(prefix: str, title: str, count: int = 2, **values):
    return [profile(f"{prefix}{n}", title=title, **values) for n in range(count)]


def _clustered(clusterer: Clusterer) -> set[frozenset[str]]:
    return {frozenset(m) for m in clusterer.clusters().values()}


# --- blocking -----------------------------------------------------------------------


def test_blocking_keys_fold_vietnamese_and_keep_identifiers():
    keys = blocking_keys(profile(title="Những truyện ngắn hay nhất", isbn="978-0-306-40615-7"))
    assert "t:truyen ngan hay" in keys  # "những" opens many titles: not significant
    assert {"isbn:9780306406157", "isbn:0306406152"} <= keys
    assert any(k.startswith("tn:truyen ngan|nguyen") for k in keys)


def test_ignored_isbns_are_no_key():
    keys = blocking_keys(profile(isbn="978-0-306-40615-7"), frozenset({"9780306406157"}))
    assert "isbn:9780306406157" not in keys


def test_oversized_blocks_are_dropped():
    index = BlockIndex(max_block=3)
    index.add_all(profile(f"r{n}", title="Báo cáo", year=str(1990 + n)) for n in range(5))
    assert "t:bao cao" in index.oversized
    assert "t:bao cao" not in index.blocks


# --- clustering -----------------------------------------------------------------------


def test_duplicates_cluster_and_other_books_stay_apart():
    clusterer = Clusterer()
    clusterer.add(
        [
            *_duplicates("kieu", "Truyện Kiều"),
            profile("kieu-bare", title="Truyen Kieu"),
            *_duplicates("dia", "Địa chí Hà Nội", extent="512 tr."),
            profile("other", title="Văn học dân gian Việt Nam"),
        ]
    )
    assert _clustered(clusterer) == {
        frozenset({"kieu0", "kieu1", "kieu-bare"}),
        frozenset({"dia0", "dia1"}),
    }
    link = next(iter(clusterer.links))
    assert clusterer.score(*link) >= clusterer.matcher.threshold  # the why of the page


def test_volumes_do_not_chain_through_a_set_record():
    """A set record without a volume number resembles both volumes; the two volumes veto
    each other, so the guard keeps them from ending in one cluster."""
    clusterer = Clusterer()
    clusterer.add(
        [
            profile("set", title="Toán học cao cấp"),
            profile("vol1", title="Toán học cao cấp", part_number="Tập 1"),
            profile("vol2", title="Toán học cao cấp", part_number="Tập 2"),
        ]
    )
    assert not any({"vol1", "vol2"} <= set(m) for m in clusterer.clusters().values())
    assert clusterer.score("vol1", "vol2") == -1.0  # vetoed


def test_manual_merge_and_split_win_and_survive_a_rerun():
    records = [
        *_duplicates("kieu", "Truyện Kiều", count=3),
        profile("grammar", title="Ngữ pháp tiếng Việt"),
    ]
    decisions = [
        ManualDecision("split", ("kieu2",), ("kieu0", "kieu1")),
        ManualDecision("merge", ("grammar",), ("kieu0",)),
    ]
    for _ in range(2):  # a rerun from scratch with the stored decisions
        clusterer = Clusterer(decisions=decisions)
        clusterer.add(records)
        assert _clustered(clusterer) == {frozenset({"kieu0", "kieu1", "grammar"})}
        assert clusterer.cluster_of("kieu2") == "kieu2"


def test_a_later_decision_replaces_an_earlier_one():
    records = _duplicates("kieu", "Truyện Kiều")
    decisions = [
        ManualDecision("split", ("kieu0",), ("kieu1",)),
        ManualDecision("merge", ("kieu0",), ("kieu1",)),
    ]
    clusterer = Clusterer(decisions=decisions)
    clusterer.add(records)
    assert _clustered(clusterer) == {frozenset({"kieu0", "kieu1"})}


def test_a_split_on_existing_clusters_reclusters_them():
    clusterer = Clusterer()
    clusterer.add(_duplicates("kieu", "Truyện Kiều", count=3))
    assert len(clusterer.clusters()) == 1
    clusterer.apply(ManualDecision("split", ("kieu0",), ("kieu1", "kieu2")))
    assert _clustered(clusterer) == {frozenset({"kieu1", "kieu2"})}


def test_incremental_batch_joins_existing_clusters_and_keeps_their_ids():
    clusterer = Clusterer()
    other = {"author": "Lê, Văn Bình", "year": "2005"}
    clusterer.add(
        [*_duplicates("kieu", "Truyện Kiều"), profile("grammar", title="Ngữ pháp", **other)]
    )
    cluster_id = clusterer.cluster_of("kieu1")
    report = clusterer.add(
        [profile("kieu-new", title="Truyen Kieu"), profile("x", title="Thơ", **other)]
    )
    assert report.records == 2
    assert clusterer.cluster_of("kieu-new") == cluster_id
    # Only candidates are compared: the new Kiều with the two others, "Thơ" (same author
    # and year as the grammar book) with the grammar book; not 2 x 4 pairs.
    assert report.candidate_pairs == 3


def test_preferred_record_by_priority_then_completeness():
    thin = profile("thin", title="Truyện Kiều", series=None)
    rich = profile("rich", title="Truyện Kiều", series="Tủ sách văn học", remainder="bản đầy đủ")
    assert preferred([thin, rich]).key == "rich"
    assert preferred([thin, rich], priority={"thin": 10}).key == "thin"
