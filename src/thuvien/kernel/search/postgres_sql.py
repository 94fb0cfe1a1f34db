"""The PostgreSQL side of an :class:`IndexSchema`: one table, its DDL, rows and SQL pieces.

Table ``<prefix><index name>``: ``id``; ``doc`` (the stored document, jsonb); ``fold`` (a
weighted tsvector of the folded text of every text field, GIN-indexed); ``exact`` (the
same with diacritics kept, used for ranking only); ``k_<field>`` text[] per keyword field
(GIN); ``s_<field>`` sort keys; ``n_<field>`` numbers and dates.

Table ``<prefix><index name>__f``, for field-scoped queries only: ``id`` and, per text field,
``f_<field>`` and ``e_<field>``, the same two vectors of that field alone (``f_``
GIN-indexed). Kept apart so that the main table's rows stay narrow: queries on any field
read as many pages as before.
"""

from __future__ import annotations

import hashlib
from typing import Any, NamedTuple

from thuvien.kernel.search.analysis import ParsedText, exact_tokens, fold_tokens, sort_key
from thuvien.kernel.search.base import Field, IndexSchema
from thuvien.kernel.search.documents import PreparedDocument
from thuvien.kernel.search.plan import Part, QueryPlan

FOLD_CONFIG = "thuvien_fold"  # simple parser + unaccent + simple (lower case)
EXACT_CONFIG = "simple"
# Put after each field's and value's text, then deleted from the vector: it leaves a gap in
# the positions so that a phrase cannot run from one field or value into the next (as in
# tantivy).
GAP = "thuvienfieldgap"
EXACT_BOOST = 4.0
_WEIGHTS = "ABCD"  # tsvector weight classes, strongest first
_NUMBER_TYPES = {"integer": "bigint", "float": "double precision", "date": "timestamptz"}
_VECTOR = "tsvector NOT NULL"

Fragment = tuple[str, list[Any]]


class _Match(NamedTuple):
    """Query text and the vectors it is matched against; its tsqueries are named
    ``q<suffix>`` (matching) and ``qe<suffix>`` (exact spellings, for ranking)."""

    suffix: str
    text: ParsedText
    fold: str
    exact: str


def quote_name(name: str) -> str:
    return f'"{name}"'  # names are checked by IndexSchema: [a-z0-9_] only


def fields_table(table: str) -> str:
    """The table of the per-field vectors; index names hold no ``__``, so no clash."""
    return f"{table}__f"


class TableLayout:
    def __init__(self, schema: IndexSchema, table: str) -> None:
        self.schema = schema
        self.table = quote_name(table)
        self.fields_table = quote_name(fields_table(table))
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

    def fold_column(self, field: Field) -> str:
        return quote_name("f_" + field.name)

    def exact_column(self, field: Field) -> str:
        return quote_name("e_" + field.name)

    def _columns(self) -> list[tuple[str, str, str]]:
        """(name, type, value in the upsert) of each column, in the order of :meth:`rows`."""
        columns = [
            ("id", 'text COLLATE "C" PRIMARY KEY', "%s"),
            ("doc", "jsonb NOT NULL", "%s::jsonb"),
        ]
        columns += [
            ("fold", _VECTOR, self._vector_sql(FOLD_CONFIG)),
            ("exact", _VECTOR, self._vector_sql(EXACT_CONFIG)),
        ]
        for field in self.schema.fields:
            if field.kind == "keyword":
                sql_type = "text[] COLLATE \"C\" NOT NULL DEFAULT '{}'"
                columns.append((self.column(field), sql_type, "%s"))
            elif field.kind in _NUMBER_TYPES:
                sql_type = _NUMBER_TYPES[field.kind]
                sql_type = f"{sql_type}[]" if field.multi else sql_type
                columns.append((self.column(field), sql_type, "%s"))
            if field.sortable and field.kind in ("text", "keyword"):
                columns.append((self.sort_column(field), 'text COLLATE "C"', "%s"))
        return columns

    def _field_columns(self) -> list[tuple[str, str, str]]:
        """The same for the per-field vectors' table (its rows go when the main ones do)."""
        key = f'text COLLATE "C" PRIMARY KEY REFERENCES {self.table} (id) ON DELETE CASCADE'
        columns = [("id", key, "%s")]
        for field in self.schema.text_fields:
            weight = self.weights[field.name]
            fold, exact = _weighted(FOLD_CONFIG, weight), _weighted(EXACT_CONFIG, weight)
            columns.append((self.fold_column(field), _VECTOR, _without_gaps(fold)))
            columns.append((self.exact_column(field), _VECTOR, _without_gaps(exact)))
        return columns

    def create_statements(self) -> list[str]:
        statements = [
            _create_table(self.table, self._columns()),
            f"CREATE INDEX ON {self.table} USING gin (fold)",
            _create_table(self.fields_table, self._field_columns()),
        ]
        for field in self.schema.fields:
            if field.kind == "text":
                column = self.fold_column(field)
                statements.append(f"CREATE INDEX ON {self.fields_table} USING gin ({column})")
            if field.kind == "keyword":
                statements.append(f"CREATE INDEX ON {self.table} USING gin ({self.column(field)})")
            if field.sortable or (field.kind in _NUMBER_TYPES and not field.multi):
                statements.append(f"CREATE INDEX ON {self.table} ({self.sort_column(field)})")
        return statements

    @property
    def fingerprint(self) -> str:
        """Changes whenever the tables or the text weights would differ: then rebuild."""
        payload = repr((self._columns(), self._field_columns(), self.weights, self.rank_weights))
        return "thuvien-search " + hashlib.sha256(payload.encode()).hexdigest()[:16]

    # Writing rows.

    def upsert_sql(self) -> tuple[str, str]:
        """The upserts of a document's two rows (main table, per-field vectors)."""
        return (
            _upsert(self.table, self._columns()),
            _upsert(self.fields_table, self._field_columns()),
        )

    def _vector_sql(self, config: str) -> str:
        parts = [_weighted(config, self.weights[f.name]) for f in self.schema.text_fields]
        return _without_gaps(" || ".join(parts)) if parts else "''::tsvector"

    def rows(self, document: PreparedDocument) -> tuple[list[Any], list[Any]]:
        """The parameters of :meth:`upsert_sql`'s two statements."""
        text_fields = self.schema.text_fields
        values = document.values
        fold = [_vector_text(values.get(f.name, []), fold_tokens) for f in text_fields]
        exact = [_vector_text(values.get(f.name, []), exact_tokens) for f in text_fields]
        vectors: list[Any] = [document.id]
        for pair in zip(fold, exact, strict=True):
            vectors += pair
        row: list[Any] = [document.id, document.stored, *fold, *exact]
        for field in self.schema.fields:
            found = values.get(field.name, [])
            if field.kind == "keyword":
                row.append(list(dict.fromkeys(found)))
            elif field.kind in _NUMBER_TYPES:
                row.append(found if field.multi else (found[0] if found else None))
            if field.sortable and field.kind in ("text", "keyword"):
                first = found[0] if found else None
                row.append(sort_key(first) if first and field.kind == "text" else first)
        return row, vectors

    # Reading: the FROM, WHERE and score of a query.

    def _matches(self, part: Part, prefix: str = "") -> list[_Match]:
        """The text against every text field, then each field's own text against it."""
        matches = [_Match(prefix, part.text, "fold", "exact")]
        for name, text in part.fields.items():
            field = self.schema.field(name)
            fold, exact = self.fold_column(field), self.exact_column(field)
            matches.append(_Match(f"{prefix}_{name}", text, fold, exact))
        return matches

    def _all_matches(self, plan: QueryPlan) -> list[_Match]:
        """Those of the query and of each alternative (named ``_a<i>…``)."""
        matches = self._matches(plan)
        for i, part in enumerate(plan.alternatives):
            matches += self._matches(part, f"_a{i}")
        return matches

    def source(self, plan: QueryPlan, ranked: bool) -> Fragment:
        """``FROM`` with the tsqueries of each :class:`_Match`."""
        sql, params = self.table, []
        if plan.fields or any(part.fields for part in plan.alternatives):
            sql += f" JOIN {self.fields_table} USING (id)"
        for match in self._all_matches(plan):
            fold_query, exact_query = tsqueries(match.text)
            if fold_query:
                sql += f", to_tsquery('{FOLD_CONFIG}', %s) AS q{match.suffix}"
                params.append(fold_query)
            if ranked and exact_query:
                sql += f", to_tsquery('{EXACT_CONFIG}', %s) AS qe{match.suffix}"
                params.append(exact_query)
        return sql, params

    def conditions(self, plan: QueryPlan, without_filter: str | None = None) -> Fragment:
        sql, params = self._part_conditions(plan, plan.filters_without(without_filter))
        if plan.alternatives:
            either, either_params = [], []
            for i, part in enumerate(plan.alternatives):
                part_sql, part_params = self._part_conditions(part, part.filters, f"_a{i}")
                either.append(f"({part_sql})")
                either_params += part_params
            sql = f"{sql} AND ({' OR '.join(either)})"
            params += either_params
        return sql, params

    def _part_conditions(
        self, part: Part, filters: dict[str, tuple[str, ...]], prefix: str = ""
    ) -> Fragment:
        clauses: list[str] = []
        params: list[Any] = []
        for match in self._matches(part, prefix):
            if tsqueries(match.text)[0]:
                clauses.append(f"{match.fold} @@ q{match.suffix}")
        for name, values in filters.items():
            clauses.append(f"{self.column(self.schema.field(name))} && %s::text[]")
            params.append(list(values))
        for name, (low, high) in part.ranges.items():
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
        parts: list[str] = []
        params: list[Any] = []
        for match in self._all_matches(plan):
            if not match.text.required:
                continue
            parts.append(f"ts_rank_cd(%s::float4[], {match.fold}, q{match.suffix}, 1)")
            params.append(self.rank_weights)
            if tsqueries(match.text)[1]:
                rank = f"ts_rank_cd(%s::float4[], {match.exact}, qe{match.suffix}, 1)"
                parts.append(f"{EXACT_BOOST} * {rank}")
                params.append(self.rank_weights)
        return (" + ".join(parts) or "1.0"), params


def tsqueries(text: ParsedText) -> tuple[str | None, str | None]:
    """to_tsquery input: all words and phrases, none excluded; and any exact spelling."""
    parts = [_operand(c.fold) for c in text.required]
    parts += [f"!{_operand(c.fold)}" for c in text.excluded]
    exact = [_operand(c.exact) for c in text.required if c.exact]
    return (" & ".join(parts) or None), (" | ".join(exact) or None)


def _operand(tokens: tuple[str, ...]) -> str:
    quoted = ["'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in tokens]
    return quoted[0] if len(quoted) == 1 else f"({' <-> '.join(quoted)})"


def _create_table(table: str, columns: list[tuple[str, str, str]]) -> str:
    return f"CREATE TABLE {table} ({', '.join(f'{name} {kind}' for name, kind, _ in columns)})"


def _upsert(table: str, columns: list[tuple[str, str, str]]) -> str:
    names = ", ".join(name for name, _, _ in columns)
    values = ", ".join(value for _, _, value in columns)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name, _, _ in columns[1:])
    conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return f"INSERT INTO {table} ({names}) VALUES ({values}) ON CONFLICT (id) {conflict}"


def _weighted(config: str, weight: str) -> str:
    return f"setweight(to_tsvector('{config}', %s), '{weight}')"


def _without_gaps(vector_sql: str) -> str:
    return f"ts_delete({vector_sql}, '{GAP}')"


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
