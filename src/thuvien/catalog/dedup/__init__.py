"""Deduplication for the union catalogue: one cluster of records per publication.

Pure Python (no Django), in stages (docs/adr/0016-deduplication.md):

- ``profile.build_profile(key, record, extracted)``: the values compared, normalised once;
- ``blocking.BlockIndex``: candidate pairs by blocking keys (identifiers, folded title
  words, author and year);
- ``rules.Matcher``: the title gate and vetoes first, then the learned score
  (``model.json``, trees evaluated in pure Python) and identifier evidence;
  ``Matcher.explain`` gives the contributions and the bilingual reasons of a decision;
- ``cluster.Clusterer``: incremental clusters with a chaining guard and manual
  merge/split decisions that always win.

Retrain the shipped model with ``python -m thuvien.catalog.dedup.train`` (needs the
development dependency scikit-learn); measure with ``bench/dedup_goldfinch.py``.
"""
