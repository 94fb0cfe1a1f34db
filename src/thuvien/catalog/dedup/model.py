"""A learned scorer stored as plain JSON and evaluated in pure Python.

The model is an ensemble of small regression trees over the comparison features
(gradient boosting on the log-odds of "same record"). Each tree is kept as arrays:
``feature[n]`` (-1 at a leaf), ``threshold[n]``, ``left[n]``, ``right[n]`` and ``value[n]``,
the expected output of the tree for pairs that reach node n (already multiplied by the
learning rate). A leaf's value is what the tree adds; an inner node's value is the mean of
its children weighted by the training pairs that reached them, so walking from the root
to the leaf splits the tree's output into one step per feature tested on the way. Summed
over the trees these steps are each feature's contribution to the pair's score, and they
add up exactly to the score: that is what the explanation page shows.

For speed the trees are also compiled once into one Python function of nested ``if``s.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MODEL_PATH", "TreeModel", "load_model", "sigmoid"]

MODEL_PATH = Path(__file__).with_name("model.json")


def sigmoid(score: float) -> float:
    if score < -40:
        return 0.0
    return 1.0 / (1.0 + math.exp(-score))


@dataclass
class TreeModel:
    features: list[str]
    base: float  # log-odds before any tree
    trees: list[dict[str, list]]
    threshold: float  # probability from which a pair is a match
    meta: dict

    def __post_init__(self) -> None:
        self._score = _compile(self.trees, self.base)

    def score(self, x: Sequence[float]) -> float:
        """Log-odds that the pair is one record."""
        return self._score(x)

    def contributions(self, x: Sequence[float]) -> tuple[float, dict[str, float]]:
        """(expected score over the training pairs, contribution per feature); the two
        add up to ``score(x)``."""
        expected = self.base
        parts = dict.fromkeys(self.features, 0.0)
        for tree in self.trees:
            feature, threshold = tree["feature"], tree["threshold"]
            left, right, value = tree["left"], tree["right"], tree["value"]
            node = 0
            expected += value[0]
            while feature[node] >= 0:
                child = left[node] if x[feature[node]] <= threshold[node] else right[node]
                parts[self.features[feature[node]]] += value[child] - value[node]
                node = child
        return expected, parts

    def to_json(self) -> dict:
        return {
            "format": "thuvien-dedup-trees/1",
            "features": self.features,
            "base": self.base,
            "threshold": self.threshold,
            "meta": self.meta,
            "trees": self.trees,
        }


def load_model(path: Path | str = MODEL_PATH) -> TreeModel:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("format") != "thuvien-dedup-trees/1":
        raise ValueError(
            f"{path}: không phải tệp mô hình khử trùng của thuvien"
            f" / not a thuvien deduplication model file"
        )
    return TreeModel(data["features"], data["base"], data["trees"], data["threshold"], data["meta"])


def _compile(trees: list[dict[str, list]], base: float) -> Callable[[Sequence[float]], float]:
    """One function: s = base; then each tree's nested ifs add its leaf value."""
    lines = ["def score(x):", f"    s = {base!r}"]
    for tree in trees:
        _emit(tree, 0, 1, lines)
    lines.append("    return s")
    namespace: dict = {}
    exec(compile("\n".join(lines), "<dedup-model>", "exec"), namespace)
    return namespace["score"]


def _emit(tree: dict[str, list], node: int, depth: int, lines: list[str]) -> None:
    pad = "    " * depth
    feature = tree["feature"][node]
    if feature < 0:
        lines.append(f"{pad}s += {tree['value'][node]!r}")
        return
    lines.append(f"{pad}if x[{feature}] <= {tree['threshold'][node]!r}:")
    _emit(tree, tree["left"][node], depth + 1, lines)
    lines.append(f"{pad}else:")
    _emit(tree, tree["right"][node], depth + 1, lines)
