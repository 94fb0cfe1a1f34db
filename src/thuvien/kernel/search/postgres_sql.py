"""The PostgreSQL side of an :class:`IndexSchema`: one table, its DDL, rows and SQL pieces.

Table ``<prefix><index name>``: ``id``; ``doc`` (the stored document, jsonb); ``fold`` (a
weighted tsvector of the folded text of every text field, GIN-indexed); ``exact`` (the
same with diacritics kept, used for ranking only); ``k_<field>`` text[] per keyword field
(GIN); ``s_<field>`` sort keys; ``n_<field>`` numbers and dates.
"""

from __future__ import annotations

import hashlib
from typing import Any

from thuvien.kernel.search.analysis import ParsedText, exact_tokens, fold_tokens, sort_key
from thuvien.kernel.search.base import Field, IndexSchema
from thuvien.kernel.search.documents import PreparedDocument
from thuvien.kernel.search.plan import QueryPlan

FOLD_CONFIG = "thuvien_fold"  # simple parser + unaccent + simple (lower case)
EXACT_CONFIG = "simple"
# Put after each field's and value's text, then deleted from the vector: it leaves a gap in
# the positions so that a phrase cannot run from one field or value into the next (as in
# tantivy).
GAP = "thuvienfieldgap"
EXACT_BOOST = 4.0
_WEIGHTS = "ABCD"  # tsvector weight classes, strongest first
_NUMBER_TYPES = {"integer": "bigint", "float": "double precision", "date": "timestamptz"}

Fragment = tuple[str, list[Any]]


def quote_name(name: str) -> str:
    return f'"{name}"'  # names are checked by IndexSchema: [a-z0-9_] only


class TableLayout:
    def __init__(self, schema: IndexSchema, table: str) -> None:
        self.schema = schema
        self.table = quote_name(table)
        self.weights = _weight_classes(schema.text_fields)
        self.rank_weights = _rank_weights(schema.text_fields, self.weights)

    # Columns and DDL.

    def column(self, field: Field) -> str:
        prefix = {"text": "s_", "keyword": "k_"}.get(field.kind, "n_")
        return quote_name(prefix + field.name)

    def sort_column(self, field: Field) -> str:
        if field.kind == "keyword":
            return quote_name("s_" + field.name)
        return self.column(field)

    def _columns(self) -> list[tuple[str, str]]:
        columns = [("id", 'text COLLATE "C" PRIMARY KEY'), ("doc", "jsonb NOT NULL")]
        columns += [("fold", "tsvector NOT NULL"), ("exact", "tsvector NOT NULL")]
        for field in self.schema.fields:
            if field.kind == "keyword":
                columns.append((self.column(field), "text[] COLLATE \"C\" NOT NULL DEFAULT '{}'"))
            elif field.kind in _NUMBER_TYPES:
                sql_type = _NUMBER_TYPES[field.kind]
                columns.append((self.column(field), f"{sql_type}[]" if field.multi else sql_type))
            if field.sortable and field.kind in ("text", "keyword"):
                columns.append((self.sort_column(field), 'text COLLATE "C"'))
        return columns

    def create_statements(self) -> list[str]:
        columns = ", ".join(f"{name} {sql_type}" for name, sql_type in self._columns())
        statements = [f"CREATE TABLE {self.table} ({columns})"]
        statements.append(f"CREATE INDEX ON {self.table} USING gin (fold)")
        for field in self.schema.fields:
            if field.kind == "keyword":
                statements.append(f"CREATE INDEX ON {self.table} USING gin ({self.column(field)})")
            if field.sortable or (field.kind in _NUMBER_TYPES and not field.multi):
                statements.append(f"CREATE INDEX ON {self.table} ({self.sort_column(field)})")
        return statements

    @property
    def fingerprint(self) -> str:
        """Changes whenever the table or the text weights would differ: then rebuild."""
        payload = repr((self._columns(), self.weights, self.rank_weights))
        return "thuvien-search " + hashlib.sha256(payload.encode()).hexdigest()[:16]

    # Writing rows.

    def upsert_sql(self) -> str:
        names = [name for name, _ in self._columns()]
        values = ["%s", "%s::jsonb", self._vector_sql(FOLD_CONFIG), self._vector_sql(EXACT_CONFIG)]
        values += ["%s"] * (len(names) - 4)
        updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in names[1:])
        return (
            f"INSERT INTO {self.table} ({', '.join(names)}) VALUES ({', '.join(values)})"
            f" ON CONFLICT (id) DO UPDATE SET {updates}"
        )

    def _vector_sql(self, config: str) -> str:
        parts = [
            f"setweight(to_tsvector('{config}', %s), '{self.weights[f.name]}')"
            for f in self.schema.text_fields
        ]
        if not parts:
            return "''::tsvector"
        return f"ts_delete({' || '.join(parts)}, '{GAP}')"

    def row(self, document: PreparedDocument) -> list[Any]:
        text_fields = self.schema.text_fields
        values = document.values
        row: list[Any] = [document.id, document.stored]
        row += [_vector_text(values.get(f.name, []), fold_tokens) for f in text_fields]
        row += [_vector_text(values.get(f.name, []), exact_tokens) for f in text_fields]
        for field in self.schema.fields:
            found = values.get(field.name, [])
            if field.kind == "keyword":
                row.append(list(dict.fromkeys(found)))
            elif field.kind in _NUMBER_TYPES:
                row.append(found if field.multi else (found[0] if found else None))
            if field.sortable and field.kind in ("text", "keyword"):
                first = found[0] if found else None
                row.append(sort_key(first) if first and field.kind == "text" else first)
        return row

    # Reading: the FROM, WHERE and score of a query.

    def source(self, plan: QueryPlan, ranked: bool) -> Fragment:
        """``FROM`` with the tsqueries ``q`` (matching) and ``qe`` (exact, for ranking)."""
        sql, params = self.table, []
        fold_query, exact_query = tsqueries(plan.text)
        if fold_query:
            sql += f", to_tsquery('{FOLD_CONFIG}', %s) AS q"
            params.append(fold_query)
        if ranked and exact_query:
            sql += f", to_tsquery('{EXACT_CONFIG}', %s) AS qe"
            params.append(exact_query)
        return sql, params

    def conditions(self, plan: QueryPlan, without_filter: str | None = None) -> Fragment:
        clauses: list[str] = []
        params: list[Any] = []
        if tsqueries(plan.text)[0]:
            clauses.append("fold @@ q")
        for name, values in plan.filters_without(without_filter).items():
            clauses.append(f"{self.column(self.schema.field(name))} && %s::text[]")
            params.append(list(values))
        for name, (low, high) in plan.ranges.items():
            sql, range_params = self._range(self.schema.field(name), low, high)
            clauses.append(sql)
            params += range_params
        return (" AND ".join(clauses) or "TRUE"), params

    def _range(self, field: Field, low: Any, high: Any) -> Fragment:
        tests, params = [], []
        value = "x" if field.multi else self.column(field)
        if low is not None:
            tests.append(f"{value} >= %s")
            params.append(low)
        if high is not None:
            tests.append(f"{value} <= %s")
            params.append(high)
        sql = " AND ".join(tests)
        if field.multi:  # any of the values in range, as tantivy does
            sql = f"EXISTS (SELECT 1 FROM unnest({self.column(field)}) AS x WHERE {sql})"
        return sql, params

    def score(self, plan: QueryPlan) -> Fragment:
        if not plan.text.required:
            return "1.0", []
        sql = "ts_rank_cd(%s::float4[], fold, q, 1)"
        params: list[Any] = [self.rank_weights]
        if tsqueries(plan.text)[1]:
            sql += f" + {EXACT_BOOST} * ts_rank_cd(%s::float4[], exact, qe, 1)"
            params.append(self.rank_weights)
        return sql, params


def tsqueries(text: ParsedText) -> tuple[str | None, str | None]:
    """to_tsquery input: all words and phrases, none excluded; and any exact spelling."""
    parts = [_operand(c.fold) for c in text.required]
    parts += [f"!{_operand(c.fold)}" for c in text.excluded]
    exact = [_operand(c.exact) for c in text.required if c.exact]
    return (" & ".join(parts) or None), (" | ".join(exact) or None)


def _operand(tokens: tuple[str, ...]) -> str:
    quoted = ["'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in tokens]
    return quoted[0] if len(quoted) == 1 else f"({' <-> '.join(quoted)})"


def _vector_text(values: list[str], tokenize: Any) -> str:
    return "".join(f"{' '.join(tokenize(value))} {GAP} " for value in values)


def _weight_classes(fields: tuple[Field, ...]) -> dict[str, str]:
    """Weight class per text field: the strongest boost gets A; beyond four, D."""
    boosts = sorted({f.boost for f in fields}, reverse=True)
    return {f.name: _WEIGHTS[min(boosts.index(f.boost), 3)] for f in fields}


def _rank_weights(fields: tuple[Field, ...], classes: dict[str, str]) -> list[float]:
    """ts_rank's weights, in its order {D, C, B, A}: each class's boost over the largest."""
    top = max((f.boost for f in fields), default=1.0)
    by_class: dict[str, float] = {}
    for f in fields:
        letter = classes[f.name]
        by_class[letter] = max(by_class.get(letter, 0.0), f.boost / top)
    floor = min(by_class.values(), default=1.0)
    return [round(by_class.get(letter, floor), 4) for letter in "DCBA"]
