"""Training the shipped model (model.json) on labelled pairs, and measuring it.

Training needs scikit-learn (a development dependency); the runtime does not: the
fitted trees are exported to JSON and evaluated by model.py. Pairs that a veto rejects
are left out of training, since the model never sees them at run time.

    python -m thuvien.catalog.dedup.train [--data DIR] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from thuvien.catalog.dedup import goldfinch
from thuvien.catalog.dedup.features import NAMES, compare
from thuvien.catalog.dedup.model import MODEL_PATH, TreeModel, sigmoid
from thuvien.catalog.dedup.profile import Profile, build_profile
from thuvien.catalog.dedup.rules import vetoes

__all__ = [
    "PairSet",
    "Scores",
    "cross_validate",
    "fit",
    "metrics",
    "nested_cross_validation",
    "pair_set",
    "pick_threshold",
]

DEFAULT_DATA = Path(__file__).resolve().parents[5] / "shared" / "data" / "dedup" / "goldfinch"
# Chosen by 5-fold grouped cross-validation on the validation pairs (bench prints it).
PARAMS = {
    "n_estimators": 250,
    "max_depth": 3,
    "learning_rate": 0.1,
    "subsample": 0.8,
    "min_samples_leaf": 5,
    "random_state": 0,
}
TARGET_PRECISION = 0.995


@dataclass
class PairSet:
    """Labelled pairs with their features, vetoes and cross-validation folds."""

    pairs: list[goldfinch.LabelledPair]
    x: list[list[float]]
    y: list[int]
    vetoed: list[bool]
    folds: list[int]


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int


def load_profiles(directory: Path) -> dict[str, Profile]:
    records = goldfinch.load_records(directory)
    return {key: build_profile(key, record) for key, record in records.items()}


def pair_set(directory: Path = DEFAULT_DATA, profiles: dict[str, Profile] | None = None) -> PairSet:
    profiles = profiles if profiles is not None else load_profiles(directory)
    pairs = goldfinch.load_labels(directory)
    x, vetoed = [], []
    for pair in pairs:
        a, b = profiles[pair.left], profiles[pair.right]
        features = compare(a, b)
        x.append(features)
        vetoed.append(bool(vetoes(a, b, features)))
    y = [int(p.match) for p in pairs]
    return PairSet(pairs, x, y, vetoed, goldfinch.grouped_folds(pairs))


def fit(x: Sequence[Sequence[float]], y: Sequence[int], params: dict | None = None) -> TreeModel:
    """Fit gradient-boosted trees and export them (threshold set later)."""
    try:
        from sklearn.ensemble import GradientBoostingClassifier
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise SystemExit(
            "Cần scikit-learn để huấn luyện (pip install -e '.[dev]')"
            " / training needs scikit-learn (pip install -e '.[dev]')"
        ) from error
    fitted = GradientBoostingClassifier(**(params or PARAMS)).fit(x, y)
    prior = fitted.init_.class_prior_[1]
    base = math.log(prior / (1 - prior))
    rate = fitted.learning_rate
    trees = [_export(estimator[0].tree_, rate) for estimator in fitted.estimators_]
    return TreeModel(list(NAMES), base, trees, 0.5, {})


def _export(tree, rate: float) -> dict[str, list]:
    """Arrays of one fitted tree, with inner nodes valued as their children's weighted
    mean so that per-feature contributions add up to the leaf value."""
    count = tree.node_count
    left, right = tree.children_left.tolist(), tree.children_right.tolist()
    weight = tree.weighted_n_node_samples.tolist()
    value = [float(v[0][0]) * rate for v in tree.value]
    for node in reversed(range(count)):  # children have larger ids than their parent
        if left[node] >= 0:
            wl, wr = weight[left[node]], weight[right[node]]
            value[node] = (wl * value[left[node]] + wr * value[right[node]]) / (wl + wr)
    feature = [f if left[n] >= 0 else -1 for n, f in enumerate(tree.feature.tolist())]
    threshold = [t if left[n] >= 0 else 0.0 for n, t in enumerate(tree.threshold.tolist())]
    return {
        "feature": feature,
        "threshold": threshold,
        "left": left,
        "right": right,
        "value": [round(v, 10) for v in value],
    }


def probabilities(model: TreeModel, data: PairSet, rows: Sequence[int]) -> list[float]:
    return [0.0 if data.vetoed[i] else sigmoid(model.score(data.x[i])) for i in rows]


def metrics(y: Sequence[int], p: Sequence[float], threshold: float) -> Scores:
    tp = sum(1 for t, q in zip(y, p, strict=True) if t and q >= threshold)
    fp = sum(1 for t, q in zip(y, p, strict=True) if not t and q >= threshold)
    fn = sum(1 for t, q in zip(y, p, strict=True) if t and q < threshold)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, tp, fp, fn)


def cross_validate(data: PairSet, folds: int = 5, params: dict | None = None) -> list[float]:
    """Out-of-fold probabilities: each fold scored by a model fitted on the others."""
    out = [0.0] * len(data.y)
    for fold in range(folds):
        train = [i for i, f in enumerate(data.folds) if f != fold and not data.vetoed[i]]
        test = [i for i, f in enumerate(data.folds) if f == fold]
        model = fit([data.x[i] for i in train], [data.y[i] for i in train], params)
        for i, p in zip(test, probabilities(model, data, test), strict=True):
            out[i] = p
    return out


def nested_cross_validation(
    data: PairSet, folds: int = 5, precision: float = TARGET_PRECISION
) -> list[tuple[float, Scores]]:
    """Per outer fold: the threshold picked by a 4-fold cross-validation on the other
    folds only, then the fold scored by a model fitted on those folds at that threshold.
    Nothing of the scored fold, labels or scores, reaches the model or its threshold."""
    results = []
    for fold in range(folds):
        inner = [i for i, f in enumerate(data.folds) if f != fold]
        inner_data = PairSet(
            [data.pairs[i] for i in inner],
            [data.x[i] for i in inner],
            [data.y[i] for i in inner],
            [data.vetoed[i] for i in inner],
            [f if f < fold else f - 1 for f in (data.folds[i] for i in inner)],
        )
        threshold = pick_threshold(inner_data.y, cross_validate(inner_data, folds - 1), precision)
        train = [i for i in inner if not data.vetoed[i]]
        model = fit([data.x[i] for i in train], [data.y[i] for i in train])
        test = [i for i, f in enumerate(data.folds) if f == fold]
        found = probabilities(model, data, test)
        results.append((threshold, metrics([data.y[i] for i in test], found, threshold)))
    return results


def pick_threshold(y: Sequence[int], p: Sequence[float], precision: float) -> float:
    """The lowest threshold whose precision reaches ``precision`` (most recall)."""
    candidates = sorted({round(q, 4) for q in p if q > 0.3})
    for threshold in candidates:
        if metrics(y, p, threshold).precision >= precision:
            return threshold
    return 0.99


def train(directory: Path = DEFAULT_DATA, out: Path = MODEL_PATH) -> TreeModel:
    """Cross-validate, pick the threshold on out-of-fold scores, fit on all pairs, save."""
    data = pair_set(directory)
    oof = cross_validate(data)
    threshold = pick_threshold(data.y, oof, TARGET_PRECISION)
    rows = [i for i, v in enumerate(data.vetoed) if not v]
    model = fit([data.x[i] for i in rows], [data.y[i] for i in rows])
    model.threshold = threshold
    cv = metrics(data.y, oof, threshold)
    model.meta = {
        "trained": date.today().isoformat(),
        "data": "goldfinch 1.1 validation pairs (HathiTrust, CC0)",
        "pairs": len(rows),
        "params": PARAMS,
        "threshold_rule": f"lowest out-of-fold threshold with precision >= {TARGET_PRECISION}",
        "cross_validation": {"precision": cv.precision, "recall": cv.recall, "f1": cv.f1},
    }
    out.write_text(json.dumps(model.to_json(), separators=(",", ":")), encoding="utf-8")
    return model


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train the deduplication model.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="goldfinch directory")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    model = train(args.data, args.out)
    cv = model.meta["cross_validation"]
    print(
        f"{args.out}: {len(model.trees)} trees, threshold {model.threshold:.4f};"
        f" 5-fold CV P {cv['precision']:.4f} R {cv['recall']:.4f} F1 {cv['f1']:.4f}"
    )


if __name__ == "__main__":
    main()
