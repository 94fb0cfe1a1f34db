"""/sru: the SRU 1.2 and 2.0 server over the union catalogue (GET and POST).

A CQL query is planned by ``catalog.protocols.cql_map`` and run through the search kernel
(``catalog_index``). A plan the kernel answers exactly (field clauses, and the branches of
an "or" or an "any" as alternatives of one query) is paged by the kernel; otherwise (``==``,
a negated clause of several words that is not a phrase) the kernel's candidates are checked
one by one, at most THUVIEN_SRU_SCAN_LIMIT of them, and an answer cut there says so
(diagnostic 59, resultCountPrecision "minimum").
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt
from lxml import etree

from thuvien.catalog.marc import storage
from thuvien.catalog.marc.dublin_core import PURL_DC_NS, dc_elements
from thuvien.catalog.marc.writers import WriteError, to_marcxml
from thuvien.catalog.models import BibRecord
from thuvien.catalog.models.records import RecordStatus
from thuvien.catalog.protocols import cql
from thuvien.catalog.protocols import sru as protocol
from thuvien.catalog.protocols.cql_map import Branch, Diagnostic, Plan, plan_query
from thuvien.catalog.services.indexing import catalog_index
from thuvien.kernel.search import MAX_LIMIT, MAX_OFFSET, Alternative, SearchError, SearchQuery
from thuvien.kernel.xml import safe_parser

SRW_DC = "info:srw/schema/1/dc-schema"
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _config(request) -> protocol.SRUConfig:
    host, _, port = request.get_host().partition(":")
    return protocol.SRUConfig(
        host=host,
        port=int(port) if port.isdigit() else (443 if request.is_secure() else 80),
        database="sru",
        max_records=min(MAX_LIMIT, max(1, settings.THUVIEN_SRU_MAX_RECORDS)),
    )


@csrf_exempt  # clients POST forms without a session; nothing here changes state
def sru(request):
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    arguments = request.GET if request.method == "GET" else request.POST
    pairs = [(key, value) for key, values in arguments.lists() for value in values]
    config = _config(request)
    parsed, problems = protocol.parse_request(pairs, config)
    if problems:
        body = protocol.diagnostics_response(parsed, problems)
    elif parsed.operation == "explain":
        body = protocol.explain_response(parsed, config)
    else:
        body = _search(parsed)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def _search(request: protocol.SRURequest) -> bytes:
    try:
        plan = plan_query(cql.parse(request.query))
        total, ids, complete = _run(plan, request.start, request.maximum)
    except cql.CQLError as error:
        return _fatal(request, Diagnostic(error.code, str(error.position), str(error)))
    except Diagnostic as diagnostic:
        return _fatal(request, diagnostic)
    except SearchError as error:
        return _fatal(request, Diagnostic(47, request.query[:200], str(error)))
    if request.start > max(total, 1):
        return _fatal(
            request, Diagnostic(61, str(request.start), "First record position out of range")
        )
    notes = [] if complete else [_partial()]
    records = _records(ids, request)
    return protocol.search_response(request, total, records, notes, exact=complete)


def _fatal(request: protocol.SRURequest, diagnostic: Diagnostic) -> bytes:
    return protocol.diagnostics_response(request, [diagnostic])


def _partial() -> Diagnostic:
    limit = settings.THUVIEN_SRU_SCAN_LIMIT
    return Diagnostic(
        59,
        str(limit),
        f"Result set created with valid partial results available: only the {limit} best "
        "candidates were checked; add words to narrow the query",
    )


def _kernel_query(
    branch: Branch, sort: str | None, offset: int, limit: int, any_of: list | None = None
) -> SearchQuery:
    return SearchQuery(
        any_of=any_of or [],
        text=branch.text,
        fields=branch.field_text,
        # one record per cluster of duplicates, as the catalogue's own search shows: the
        # preferred record, whose library facet holds every member's library
        filters={**branch.filters, "collapsed": ["0"]},
        ranges=branch.ranges,
        sort=sort,
        offset=offset,
        limit=limit,
    )


def _exact_query(plan: Plan, offset: int, limit: int) -> SearchQuery:
    """The plan as one kernel query: its one branch, or its branches as alternatives."""
    if len(plan.branches) == 1:
        return _kernel_query(plan.branches[0], plan.sort, offset, limit)
    either = [
        Alternative(text=b.text, fields=b.field_text, filters=b.filters, ranges=b.ranges)
        for b in plan.branches
    ]
    return _kernel_query(Branch(), plan.sort, offset, limit, any_of=either)


def _run(plan: Plan, start: int, count: int) -> tuple[int, list[str], bool]:
    """(number of records, ids of the page, whether the number is complete)."""
    if start - 1 > MAX_OFFSET:
        raise Diagnostic(6, "startRecord", f"startRecord is at most {MAX_OFFSET + 1}")
    index = catalog_index()
    index.reload()
    if not plan.branches:
        return 0, [], True
    if plan.exact:
        found = index.search(_exact_query(plan, start - 1, count))
        return found.total, [hit.id for hit in found.hits], True
    matches, complete = _scan(index, plan)
    return len(matches), matches[start - 1 : start - 1 + count], complete


def _scan(index, plan: Plan) -> tuple[list[str], bool]:
    """Candidates of each branch, checked on their stored documents, in kernel order."""
    budget = max(1, settings.THUVIEN_SRU_SCAN_LIMIT)
    seen: dict[str, dict] = {}
    for branch in plan.branches:
        offset = 0
        while budget > 0:
            size = min(MAX_LIMIT, budget)
            found = index.search(_kernel_query(branch, plan.sort, offset, size))
            for hit in found.hits:
                if hit.id not in seen and branch.matches(hit.document):
                    seen[hit.id] = hit.document
            budget -= len(found.hits)
            offset += len(found.hits)
            if not found.hits or offset >= found.total:
                break
        else:
            return _sorted(seen, plan), False
    return _sorted(seen, plan), True


def _sorted(found: dict[str, dict], plan: Plan) -> list[str]:
    ids = list(found)
    if plan.sort is None or len(plan.branches) == 1:
        return ids  # one branch comes sorted by the kernel
    name = plan.sort.lstrip("-")
    key = "title" if name == "title_sort" else name
    from thuvien.kernel.search.analysis import sort_key

    def value(doc_id: str):
        raw = found[doc_id].get(key)
        return (raw is None, sort_key(raw) if isinstance(raw, str) else raw or 0)

    return sorted(ids, key=value, reverse=plan.sort.startswith("-"))


def _records(ids: list[str], request: protocol.SRURequest) -> list[protocol.RecordOut]:
    stored = {
        str(pk): (status, marc)
        for pk, status, marc in BibRecord.objects.filter(pk__in=[int(i) for i in ids]).values_list(
            "pk", "status", "marc"
        )
    }
    out = []
    for position, record_id in enumerate(ids, start=request.start):
        status, marc = stored.get(record_id, (None, None))
        if marc is None or status != RecordStatus.ACTIVE:
            gone = Diagnostic(65, record_id, "Record does not exist")
            out.append(protocol.RecordOut(position, request.schema, None, gone))
            continue
        try:
            data = _render(bytes(marc), request.schema.name)
        except WriteError as error:
            missing = Diagnostic(67, record_id, f"Record not available in this schema: {error.en}")
            out.append(protocol.RecordOut(position, request.schema, None, missing))
            continue
        out.append(protocol.RecordOut(position, request.schema, data))
    return out


def _render(marc: bytes, schema: str) -> etree._Element:
    record = storage.load(marc)
    if schema == "marcxml":
        return etree.fromstring(to_marcxml(record).encode("utf-8"), safe_parser())
    dc = etree.Element(f"{{{SRW_DC}}}dc", nsmap={"srw_dc": SRW_DC, "dc": PURL_DC_NS})
    for name, value in dc_elements(record):
        etree.SubElement(dc, f"{{{PURL_DC_NS}}}{name}").text = _NOT_IN_XML.sub("\ufffd", value)
    return dc
