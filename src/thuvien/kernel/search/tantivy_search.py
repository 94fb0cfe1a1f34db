"""Running a :class:`QueryPlan` on a tantivy index: top hits, total, facets, snippets."""

from __future__ import annotations

from typing import Any

import tantivy

from thuvien.kernel.search.base import Hit, IndexSchema, SearchResult
from thuvien.kernel.search.documents import restore
from thuvien.kernel.search.highlight import highlights
from thuvien.kernel.search.plan import QueryPlan, order_facets
from thuvien.kernel.search.tantivy_query import QueryBuilder
from thuvien.kernel.search.tantivy_schema import DOC_FIELD, sort_name


def run_search(
    schema: IndexSchema, index: tantivy.Index, builder: QueryBuilder, plan: QueryPlan
) -> SearchResult:
    searcher = index.searcher()
    query = builder.build(plan)
    hits, total = _top(schema, searcher, query, plan)
    return SearchResult(total, hits, _facets(searcher, builder, plan, query))


def _top(
    schema: IndexSchema, searcher: tantivy.Searcher, query: tantivy.Query, plan: QueryPlan
) -> tuple[list[Hit], int]:
    options: dict[str, Any] = {}
    if plan.sort_field is not None:
        options["order_by_field"] = sort_name(plan.sort_field)
        options["order"] = tantivy.Order.Desc if plan.descending else tantivy.Order.Asc
    # tantivy panics on a limit of 0: fetch one and drop it.
    found = searcher.search(
        query, limit=max(plan.limit, 1), count=True, offset=plan.offset, **options
    )
    hits = []
    for score, address in found.hits[: plan.limit]:
        document = restore(schema, searcher.doc(address).get_first(DOC_FIELD))
        relevance = 0.0 if plan.sort_field is not None else float(score)
        hits.append(Hit(document["id"], relevance, document, highlights(document, plan)))
    return hits, found.count


def _facets(
    searcher: tantivy.Searcher, builder: QueryBuilder, plan: QueryPlan, query: tantivy.Query
) -> dict[str, list[tuple[str, int]]]:
    # Ask for more buckets than shown so that ties at the cut are ordered by value here.
    size = plan.facet_limit * 2 + 10
    plain = [name for name in plan.facets if name not in plan.filters]
    counts: dict[str, list[tuple[str, int]]] = {}
    if plain:
        counts.update(_aggregate(searcher, query, plain, size))
    for name in plan.facets:
        if name in plan.filters:  # multi-select: counted without the field's own filter
            counts.update(_aggregate(searcher, builder.build(plan, name), [name], size))
    return {name: order_facets(counts[name], plan.facet_limit) for name in plan.facets}


def _aggregate(
    searcher: tantivy.Searcher, query: tantivy.Query, names: list[str], size: int
) -> dict[str, list[tuple[str, int]]]:
    request = {name: {"terms": {"field": name, "size": size}} for name in names}
    result = searcher.aggregate(query, request)
    return {
        name: [(str(b["key"]), int(b["doc_count"])) for b in result[name]["buckets"]]
        for name in names
    }
