"""Turning a :class:`QueryPlan` into tantivy queries, through the Query API.

User text never reaches tantivy's query parser: special characters cannot break it, and
exclusion works (the parser returns nothing for ``X AND NOT Y``).
"""

from __future__ import annotations

from typing import Any

import tantivy

from thuvien.kernel.search.analysis import Clause, ParsedText
from thuvien.kernel.search.base import Field, IndexSchema
from thuvien.kernel.search.plan import Part, QueryPlan
from thuvien.kernel.search.tantivy_schema import (
    exact_analyzer,
    exact_name,
    fold_analyzer,
    fold_name,
)

# How much more a word spelt exactly as in the document weighs than its folded match:
# enough for "Đà Nẵng" to outrank "đa năng" whatever the field lengths.
EXACT_BOOST = 4.0
# Words typed together that stand together in a field ("thu vien tinh" in "Thư viện tỉnh
# Hà Tĩnh") outrank the same words scattered ("Thủ Dầu Một", "Thư viện", "tỉnh Bình Dương").
PROXIMITY_BOOST = 3.0
_Occur = tantivy.Occur
_FIELD_TYPES = {
    "integer": tantivy.FieldType.Integer,
    "float": tantivy.FieldType.Float,
    "date": tantivy.FieldType.Date,
}


class QueryBuilder:
    def __init__(self, schema: IndexSchema, tantivy_schema: tantivy.Schema) -> None:
        self.schema = schema
        self.tantivy_schema = tantivy_schema
        self._fold = fold_analyzer()
        self._exact = exact_analyzer()

    def build(self, plan: QueryPlan, without_filter: str | None = None) -> tantivy.Query:
        """The whole query; ``without_filter`` leaves out one field's filter (for facets)."""
        clauses = self._part(plan, plan.filters_without(without_filter))
        if plan.alternatives:  # at least one must match; each that does adds to the score
            either = [
                (_Occur.Should, tantivy.Query.boolean_query(self._part(part, part.filters)))
                for part in plan.alternatives
            ]
            clauses.append((_Occur.Must, tantivy.Query.boolean_query(either)))
        return tantivy.Query.boolean_query(clauses)

    def _part(self, part: Part, filters: dict) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        clauses = self._text_clauses(part.text, self.schema.text_fields)
        for name, text in part.fields.items():
            clauses += self._text_clauses(text, (self.schema.field(name),))
        for name, values in filters.items():
            clauses.append((_Occur.Must, self._filter(name, values)))
        for name, (low, high) in part.ranges.items():
            clauses.append((_Occur.Must, self._range(self.schema.field(name), low, high)))
        if not part.requires_words:  # match-all: every document scores 1.0
            clauses.append((_Occur.Must, tantivy.Query.all_query()))
        return clauses

    def _text_clauses(
        self, text: ParsedText, fields: tuple[Field, ...]
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """The words and phrases of ``text``, each in any of ``fields``."""
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for clause in text.required:
            query = self._clause(clause, fields, with_exact=True)
            # A word the analyzer drops entirely can match nothing: required, it must fail.
            clauses.append((_Occur.Must, query or tantivy.Query.empty_query()))
        for clause in text.excluded:
            query = self._clause(clause, fields, with_exact=False)
            if query is not None:
                clauses.append((_Occur.MustNot, query))
        proximity = self._proximity(text, fields)
        if proximity is not None:
            clauses.append((_Occur.Should, proximity))
        return clauses

    def _proximity(self, text: ParsedText, fields: tuple[Field, ...]) -> tantivy.Query | None:
        """A bonus when all the typed words appear side by side, in order, in one field."""
        words = [word for clause in text.required for word in clause.fold]
        tokens = self._fold.analyze(" ".join(words))
        if len(text.required) < 2 or len(tokens) < 2:
            return None
        should = [
            (
                _Occur.Should,
                _boost(
                    tantivy.Query.phrase_query(self.tantivy_schema, fold_name(field), tokens),
                    field.boost * PROXIMITY_BOOST,
                ),
            )
            for field in fields
        ]
        return tantivy.Query.boolean_query(should)

    def _clause(
        self, clause: Clause, fields: tuple[Field, ...], with_exact: bool
    ) -> tantivy.Query | None:
        """The word (or phrase) in any of ``fields``; exact spellings add to the score."""
        fold = self._fold.analyze(" ".join(clause.fold))
        exact = self._exact.analyze(" ".join(clause.exact)) if with_exact else []
        should: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for field in fields:
            folded = self._tokens(fold_name(field), fold)
            if folded is not None:
                should.append((_Occur.Should, _boost(folded, field.boost)))
            exact_query = self._tokens(exact_name(field), exact)
            if exact_query is not None:
                should.append((_Occur.Should, _boost(exact_query, field.boost * EXACT_BOOST)))
        return tantivy.Query.boolean_query(should) if should else None

    def _tokens(self, field_name: str, tokens: list[str]) -> tantivy.Query | None:
        if not tokens:
            return None
        if len(tokens) == 1:  # a phrase of one word would make tantivy panic
            return tantivy.Query.term_query(self.tantivy_schema, field_name, tokens[0])
        return tantivy.Query.phrase_query(self.tantivy_schema, field_name, tokens)

    def _filter(self, name: str, values: tuple[str, ...]) -> tantivy.Query:
        # Constant score: a filter narrows the results without changing their order.
        matches = tantivy.Query.term_set_query(self.tantivy_schema, name, list(values))
        return tantivy.Query.const_score_query(matches, 0.0)

    def _range(self, field: Field, low: Any, high: Any) -> tantivy.Query:
        matches = tantivy.Query.range_query(
            self.tantivy_schema, field.name, _FIELD_TYPES[field.kind], low, high
        )
        return tantivy.Query.const_score_query(matches, 0.0)


def _boost(query: tantivy.Query, boost: float) -> tantivy.Query:
    return query if boost == 1.0 else tantivy.Query.boost_query(query, boost)
