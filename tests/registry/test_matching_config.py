"""The shipped weights, thresholds and vocabulary: complete, consistent, and data only."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from thuvien.registry.matching import names
from thuvien.registry.matching.config import DEFAULT_CONFIG, MatchConfig, load_config
from thuvien.registry.matching.folding import word, words
from thuvien.registry.matching.reasons import TEMPLATES

CONFLICTS = [
    names.NUMBER,
    names.NUMBER_ONE_SIDED,
    names.LEVEL,
    names.LEVEL_ONE_SIDED,
    names.KIND,
    names.KIND_SIBLING,
    names.KIND_ONE_SIDED,
    names.KIND_PARTIAL,
    names.BRANCH,
]


def test_default_config_loads_with_ordered_thresholds() -> None:
    config = MatchConfig.default()
    assert 0 < config.thresholds.floor < config.thresholds.possible < config.thresholds.same < 1
    assert config.name.curve == tuple(sorted(config.name.curve))


@pytest.mark.parametrize("conflict", CONFLICTS)
def test_every_name_conflict_has_a_rule_and_a_reason(conflict: str) -> None:
    rule = MatchConfig.default().conflicts[conflict]
    assert rule.points_for("vi") <= 0
    assert rule.points_for("other") <= 0
    assert conflict in TEMPLATES


def test_an_unknown_setting_is_refused(tmp_path: Path) -> None:
    data = json.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["thresholds"]["sure"] = 0.99
    data["vocabulary"] = str(DEFAULT_CONFIG.with_name("vocabulary.json"))
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="sure"):
        load_config(path)


def test_vocabulary_is_folded_like_the_names() -> None:
    """Names are folded before lookup; the vocabulary is folded by the same function when
    loaded, so "Công ty" in the file still meets "cong ty" however the kernel folds "ty"."""
    vocabulary = MatchConfig.default().vocabulary
    tokens = [*vocabulary.stopwords, *vocabulary.classes, *vocabulary.kind, *vocabulary.level]
    tokens += [token for run in vocabulary.phrases for token in run]
    tokens += list(vocabulary.phrases.values())
    for table in vocabulary.abbreviations.values():
        tokens += [*table, *(token for expansion in table.values() for token in expansion)]
    assert [token for token in tokens if word(token) != token] == []
    assert vocabulary.phrases[tuple(words("công ty"))] == word("congty")


def test_the_package_needs_no_django() -> None:
    code = (
        "import sys, thuvien.registry.matching;"
        "sys.exit(any(name.split('.')[0] == 'django' for name in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
