"""The tantivy side of an :class:`IndexSchema`: analyzers, fields and documents.

Each text field ``f`` becomes ``f__fold`` (folded tokens) and ``f__exact`` (diacritics
kept), plus ``f__sort`` when sortable. Keyword fields keep their name (raw tokenizer, a
fast field when they are facets or sortable); numbers and dates are indexed fast fields.
The whole stored document is kept as JSON in ``_doc``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import tantivy

from thuvien.kernel.search.analysis import exact_tokens, fold_tokens, sort_key
from thuvien.kernel.search.base import Field, IndexSchema
from thuvien.kernel.search.documents import PreparedDocument

FOLD_TOKENIZER = "thuvien_fold"
EXACT_TOKENIZER = "thuvien_exact"
ID_FIELD = "id"
DOC_FIELD = "_doc"
# A safety margin only: analysis.tokens() already drops words over 40 characters.
_LONG_TOKEN_BYTES = 255


def fold_analyzer() -> tantivy.TextAnalyzer:
    """Simple tokenizer, lower case, ASCII folding (đ -> d). Documents and queries are
    already folded by ``fold_for_search``; this catches what it leaves (æ, ø, ł)."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(_LONG_TOKEN_BYTES))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def exact_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(_LONG_TOKEN_BYTES))
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def register_analyzers(index: tantivy.Index) -> None:
    """Custom analyzers live in memory only: register them whenever an index is opened."""
    index.register_tokenizer(FOLD_TOKENIZER, fold_analyzer())
    index.register_tokenizer(EXACT_TOKENIZER, exact_analyzer())


def fold_name(field: Field) -> str:
    return f"{field.name}__fold"


def exact_name(field: Field) -> str:
    return f"{field.name}__exact"


def sort_name(field: Field) -> str:
    """The fast field that orders results by ``field``."""
    return f"{field.name}__sort" if field.kind == "text" else field.name


def build_schema(schema: IndexSchema) -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field(ID_FIELD, tokenizer_name="raw", index_option="basic")
    builder.add_bytes_field(DOC_FIELD, stored=True)
    for field in schema.fields:
        _add_field(builder, field)
    return builder.build()


def _add_field(builder: tantivy.SchemaBuilder, field: Field) -> None:
    if field.kind == "text":
        builder.add_text_field(fold_name(field), tokenizer_name=FOLD_TOKENIZER)
        builder.add_text_field(exact_name(field), tokenizer_name=EXACT_TOKENIZER)
        if field.sortable:
            builder.add_text_field(
                sort_name(field), tokenizer_name="raw", fast=True, index_option="basic"
            )
    elif field.kind == "keyword":
        fast = field.facet or field.sortable
        builder.add_text_field(field.name, tokenizer_name="raw", fast=fast, index_option="basic")
    elif field.kind == "integer":
        builder.add_integer_field(field.name, indexed=True, fast=True)
    elif field.kind == "float":
        builder.add_float_field(field.name, indexed=True, fast=True)
    else:
        builder.add_date_field(field.name, indexed=True, fast=True)


@dataclass(frozen=True)
class AnalysedDocument:
    """A checked document with the values of each tantivy field worked out (folding and
    tokens are the costly part of a write); plain data, so a worker process can make it."""

    prepared: PreparedDocument
    values: tuple[tuple[str, str, Any], ...]  # (tantivy field, kind, value)

    @property
    def id(self) -> str:
        return self.prepared.id

    def with_id(self, doc_id: str) -> AnalysedDocument:
        return AnalysedDocument(self.prepared.with_id(doc_id), self.values)


def analyse(schema: IndexSchema, prepared: PreparedDocument) -> AnalysedDocument:
    values: list[tuple[str, str, Any]] = []
    for field in schema.fields:
        present = prepared.values.get(field.name)
        if present:
            values.extend(_field_values(field, present))
    return AnalysedDocument(prepared, tuple(values))


def build_document(analysed: AnalysedDocument) -> tantivy.Document:
    document = tantivy.Document()
    document.add_text(ID_FIELD, analysed.id)
    document.add_bytes(DOC_FIELD, analysed.prepared.stored.encode())
    for name, kind, value in analysed.values:
        _ADD[kind](document, name, value)
    return document


_ADD = {
    "text": tantivy.Document.add_text,
    "integer": tantivy.Document.add_integer,
    "float": tantivy.Document.add_float,
    "date": tantivy.Document.add_date,
}


def _field_values(field: Field, values: list) -> list[tuple[str, str, Any]]:
    if field.kind == "text":
        out = []
        for value in values:
            out.append((fold_name(field), "text", " ".join(fold_tokens(value))))
            out.append((exact_name(field), "text", " ".join(exact_tokens(value))))
        if field.sortable:
            out.append((sort_name(field), "text", sort_key(values[0])))
        return out
    if field.kind == "keyword":
        return [(field.name, "text", value) for value in dict.fromkeys(values)]
    return [(field.name, field.kind, value) for value in values]
