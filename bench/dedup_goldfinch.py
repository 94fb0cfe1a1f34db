"""Deduplication: quality on the goldfinch labelled pairs and speed on 250,000 LC records.

    .venv/bin/python bench/dedup_goldfinch.py               # everything
    .venv/bin/python bench/dedup_goldfinch.py --quick       # quality only
    .venv/bin/python bench/dedup_goldfinch.py --records 50000

Quality (../shared/data/dedup/goldfinch, validation pairs; the CID answer field is removed
as records are read, and 001 only joins labels to records):
1. the shipped model (src/thuvien/catalog/dedup/model.json) on every validation pair;
   it was trained on them, so these figures are in-sample;
2. 5-fold cross-validation, folds grouped by connected components of the graph of all
   labelled pairs: each fold scored by a model trained on the other four (pairs the
   matcher has never seen), at the shipped threshold; per fold and pooled. The shipped
   threshold was picked on these out-of-fold scores, so 2b also picks each fold's
   threshold by an inner cross-validation on the other four folds (nested);
3. precision and recall at several thresholds (out-of-fold scores), beside the published
   reference points on the same set;
4. blocking recall: labelled matches that share a blocking key.
Speed (bench/data/BooksAll.2016.part01.utf8, from ../shared/tools/get-lc-books): profiles
built by one worker per core; a full clustering (index, candidates, scores, clusters); then
a batch of 10,000 records added to the clusters of the 240,000 others.

Retrain the shipped model: .venv/bin/python -m thuvien.catalog.dedup.train
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from thuvien.catalog.dedup.blocking import BlockIndex, blocking_keys  # noqa: E402
from thuvien.catalog.dedup.bulk import profiles_from_iso2709  # noqa: E402
from thuvien.catalog.dedup.cluster import Clusterer  # noqa: E402
from thuvien.catalog.dedup.model import sigmoid  # noqa: E402
from thuvien.catalog.dedup.rules import Matcher  # noqa: E402
from thuvien.catalog.dedup.train import (  # noqa: E402
    DEFAULT_DATA,
    PairSet,
    Scores,
    cross_validate,
    load_profiles,
    metrics,
    nested_cross_validation,
    pair_set,
)

LC_FILE = ROOT / "bench" / "data" / "BooksAll.2016.part01.utf8"
REFERENCES = [
    ("RecordManager-style rules", "0.997", "~0.6", "~0.75"),
    ("plain fuzzy averaging", "0.91", "0.94", "0.925"),
    ("CDL neural matcher, best F1", "0.977", "0.991", "0.984"),
    ("CDL neural matcher, high threshold", "0.997", "0.875", "0.932"),
]
THRESHOLDS = (0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99)


def _row(label: str, s: Scores) -> str:
    return f"  {label:<38} P {s.precision:.4f}  R {s.recall:.4f}  F1 {s.f1:.4f}"


def shipped(data: PairSet, matcher: Matcher) -> None:
    found = [
        0.0 if vetoed else sigmoid(matcher.model.score(x))
        for x, vetoed in zip(data.x, data.vetoed, strict=True)
    ]
    scores = metrics(data.y, found, matcher.threshold)
    vetoed_matches = sum(y for y, v in zip(data.y, data.vetoed, strict=True) if v)
    print(f"\n1. Shipped model, threshold {matcher.threshold:.4f}, all {len(data.y)} pairs")
    print(_row("validation pairs (in-sample)", scores))
    print(f"  tp {scores.tp}  fp {scores.fp}  fn {scores.fn}")
    print(
        f"  vetoed: {sum(data.vetoed)} pairs, of which {vetoed_matches} labelled as one record"
        f" ({vetoed_matches / sum(data.y):.2%} of the matches)"
    )


def cross_validation(data: PairSet, threshold: float) -> list[float]:
    started = time.perf_counter()
    oof = cross_validate(data)
    print(f"\n2. 5-fold grouped cross-validation at {threshold:.4f} ({_since(started)})")
    fold_scores = []
    for fold in range(5):
        rows = [i for i, f in enumerate(data.folds) if f == fold]
        scores = metrics([data.y[i] for i in rows], [oof[i] for i in rows], threshold)
        fold_scores.append(scores)
        print(_row(f"fold {fold + 1} ({len(rows)} pairs)", scores))
    mean = [sum(getattr(s, k) for s in fold_scores) / 5 for k in ("precision", "recall", "f1")]
    print(f"  {'mean of folds':<38} P {mean[0]:.4f}  R {mean[1]:.4f}  F1 {mean[2]:.4f}")
    print(_row("pooled out-of-fold", metrics(data.y, oof, threshold)))
    return oof


def nested(data: PairSet) -> None:
    started = time.perf_counter()
    results = nested_cross_validation(data)
    print(f"\n2b. Nested: each fold's threshold picked on the other four only ({_since(started)})")
    for fold, (threshold, scores) in enumerate(results, 1):
        print(_row(f"fold {fold} at {threshold:.4f}", scores))
    mean = [sum(getattr(s, k) for _, s in results) / 5 for k in ("precision", "recall", "f1")]
    print(f"  {'mean of folds':<38} P {mean[0]:.4f}  R {mean[1]:.4f}  F1 {mean[2]:.4f}")


def trade_off(data: PairSet, oof: list[float]) -> None:
    print("\n3. Threshold trade-off (out-of-fold scores) and reference points")
    for threshold in THRESHOLDS:
        print(_row(f"threshold {threshold:.2f}", metrics(data.y, oof, threshold)))
    print("  published on the same set:")
    for name, precision, recall, f1 in REFERENCES:
        print(f"  {name:<38} P {precision:<6}  R {recall:<6}  F1 {f1}")
    print("  goals: P 0.99 with R 0.95; stretch P 0.995 with R 0.96")


def blocking_recall(data: PairSet, profiles: dict) -> None:
    index = BlockIndex()
    index.add_all(profiles.values())
    matches = [p for p in data.pairs if p.match]
    found = 0
    for pair in matches:
        shared = blocking_keys(profiles[pair.left]) & blocking_keys(profiles[pair.right])
        found += bool(shared - index.oversized)
    print(f"\n4. Blocking: {found}/{len(matches)} labelled matches share a key")
    print(f"  ({found / len(matches):.2%}); {sum(1 for _ in index.pairs())} candidate pairs")


def throughput(records: int, batch: int) -> None:
    print(f"\n5. Throughput on {LC_FILE.name} ({os.cpu_count()} cores)")
    started = time.perf_counter()
    profiles = profiles_from_iso2709(LC_FILE, limit=records)
    print(f"  profiles of {len(profiles)} records (read, extract, profile): {_since(started)}")
    started = time.perf_counter()
    clusterer = Clusterer()
    report = clusterer.add(profiles)
    full = time.perf_counter() - started
    multi = clusterer.clusters()
    print(
        f"  full clustering: {full:.1f} s ({len(profiles) / full:,.0f} records/s);"
        f" {report.candidate_pairs:,} candidate pairs, {report.matched_pairs:,} matched,"
        f" {len(multi):,} clusters of {sum(len(m) for m in multi.values()):,} records,"
        f" {report.refused_chains} joins refused by the chaining guard"
    )
    clusterer = Clusterer()
    clusterer.add(profiles[:-batch])
    started = time.perf_counter()
    report = clusterer.add(profiles[-batch:])
    took = time.perf_counter() - started
    print(
        f"  incremental batch of {batch:,} onto {len(profiles) - batch:,}: {took:.1f} s"
        f" ({report.candidate_pairs:,} candidate pairs, {report.joins:,} joins)"
    )
    print("  goals: full clustering under 120 s, a batch of 10,000 under 10 s")


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="quality only")
    parser.add_argument("--records", type=int, default=250_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    matcher = Matcher()
    started = time.perf_counter()
    profiles = load_profiles(args.data)
    data = pair_set(args.data, profiles)
    print(f"goldfinch: {len(profiles)} records, {len(data.y)} pairs ({_since(started)})")
    shipped(data, matcher)
    oof = cross_validation(data, matcher.threshold)
    nested(data)
    trade_off(data, oof)
    blocking_recall(data, profiles)
    if not args.quick:
        throughput(args.records, args.batch)


if __name__ == "__main__":
    main()
