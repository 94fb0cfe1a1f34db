"""SRU harvesting: searchRetrieve pages (startRecord/maximumRecords) of MARCXML records.

SRU 1.1/1.2 and 2.0 answers are read alike (by local names). The query is CQL; an obvious
mistake (unbalanced quotes or parentheses, control characters) is refused before any request,
and the server's own diagnostics (query syntax, unknown index, unknown schema...) end the
run with the diagnostic's number and message. A diagnostic in place of one record is kept
aside with that record's position. The cursor is the next start position.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree

from thuvien.catalog.harvest.base import Cursor, HarvestConfig, Harvested, Page, register
from thuvien.catalog.harvest.errors import HarvestError, LoopError
from thuvien.catalog.harvest.http import Fetcher, check_http_url
from thuvien.catalog.harvest.retry import RetryNotice

__all__ = ["Diagnostic", "SruClient", "SruHarvester", "SruPage", "check_cql"]

ALL_RECORDS = "cql.allRecords=1"
MAX_QUERY = 2000
QUERY_DIAGNOSTICS = frozenset(range(10, 50))  # info:srw/diagnostic/1/10-49: the query
OUT_OF_RANGE = 61  # first record position out of range


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    return next((c for c in element if _local(c) == name), None)


def _children(element: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if element is None else [c for c in element if _local(c) == name]


def _child_text(element: etree._Element | None, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def _int(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def check_cql(query: str) -> str:
    """The query, stripped, if nothing is obviously wrong with it; else a clear error that
    says what and where (character position, from 1)."""
    query = query.strip()
    if not query:
        raise _bad_cql(query, "truy vấn rỗng", "the query is empty")
    if len(query) > MAX_QUERY:
        raise _bad_cql(query[:80], f"dài quá {MAX_QUERY} ký tự", f"longer than {MAX_QUERY}")
    depth, quote_at, escaped = 0, None, False
    for index, char in enumerate(query, 1):
        if ord(char) < 32 or ord(char) == 127:
            raise _bad_cql(
                query, f"ký tự điều khiển ở vị trí {index}", f"control character at {index}"
            )
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quote_at = None if quote_at else index
        elif quote_at is None and char == "(":
            depth += 1
        elif quote_at is None and char == ")":
            depth -= 1
            if depth < 0:
                raise _bad_cql(query, f"thừa dấu ')' ở vị trí {index}", f"unmatched ')' at {index}")
    if quote_at is not None:
        raise _bad_cql(
            query, f"dấu ngoặc kép mở ở vị trí {quote_at} chưa đóng", f'unclosed " at {quote_at}'
        )
    if depth:
        raise _bad_cql(query, "thiếu dấu ')'", "missing ')'")
    return query


def _bad_cql(query: str, vi: str, en: str) -> HarvestError:
    return HarvestError(
        f"Truy vấn CQL {query!r} sai: {vi}",
        f"Malformed CQL query {query!r}: {en}",
        code="bad-cql",
    )


@dataclass(frozen=True)
class Diagnostic:
    uri: str
    message: str
    details: str

    @property
    def number(self) -> int | None:
        tail = self.uri.rsplit("/", 1)[-1]
        return int(tail) if tail.isdigit() else None

    def describe(self) -> str:
        return f"{self.uri} {self.message}" + (f" ({self.details})" if self.details else "")


@dataclass(frozen=True)
class SruRecord:
    position: int | None
    data: bytes | None
    diagnostic: Diagnostic | None


@dataclass(frozen=True)
class SruPage:
    total: int | None
    records: list[SruRecord]
    next_position: int | None
    diagnostics: list[Diagnostic]


def _diagnostic(element: etree._Element) -> Diagnostic:
    return Diagnostic(
        _child_text(element, "uri"),
        _child_text(element, "message"),
        _child_text(element, "details"),
    )


def parse_search_retrieve(root: etree._Element) -> SruPage:
    if _local(root) != "searchRetrieveResponse":
        raise HarvestError(
            f"Phản hồi không phải searchRetrieveResponse của SRU (phần tử gốc {root.tag!r})",
            f"The response is not an SRU searchRetrieveResponse (root element {root.tag!r})",
            code="not-sru",
        )
    diagnostics_element = _child(root, "diagnostics")
    diagnostics = [_diagnostic(d) for d in _children(diagnostics_element, "diagnostic")]
    records = [_record(r) for r in _children(_child(root, "records"), "record")]
    return SruPage(
        total=_int(_child_text(root, "numberOfRecords")),
        records=records,
        next_position=_int(_child_text(root, "nextRecordPosition")),
        diagnostics=diagnostics,
    )


def _record(element: etree._Element) -> SruRecord:
    position = _int(_child_text(element, "recordPosition"))
    data_element = _child(element, "recordData")
    if data_element is None:
        return SruRecord(position, None, None)
    children = [c for c in data_element if isinstance(c.tag, str)]
    if children and _local(children[0]) == "diagnostic":  # a surrogate diagnostic
        return SruRecord(position, etree.tostring(children[0]), _diagnostic(children[0]))
    if children:
        return SruRecord(position, etree.tostring(children[0], encoding="utf-8"), None)
    # recordPacking "string": the record is escaped text; the reader parses it (hardened)
    return SruRecord(position, (data_element.text or "").strip().encode("utf-8"), None)


class SruClient:
    def __init__(self, base_url: str, fetcher: Fetcher):
        self.base_url = check_http_url(base_url)
        self.fetcher = fetcher

    def search_retrieve(self, query: str, start: int, maximum: int, schema: str) -> SruPage:
        params = {
            "operation": "searchRetrieve",
            "version": "1.2",
            "query": query,
            "startRecord": str(start),
            "maximumRecords": str(maximum),
            "recordSchema": schema,
            "recordPacking": "xml",
        }
        return parse_search_retrieve(self.fetcher.get_xml(self.base_url, params))


def _fatal(diagnostic: Diagnostic, query: str) -> HarvestError:
    if diagnostic.number in QUERY_DIAGNOSTICS:
        return HarvestError(
            f"Máy chủ SRU không chấp nhận truy vấn CQL {query!r}: {diagnostic.describe()}",
            f"The SRU server does not accept the CQL query {query!r}: {diagnostic.describe()}",
            code=f"sru-{diagnostic.number}",
        )
    return HarvestError(
        f"Máy chủ SRU trả về chẩn đoán {diagnostic.describe()}",
        f"The SRU server returned the diagnostic {diagnostic.describe()}",
        code=f"sru-{diagnostic.number}",
    )


@register("sru")
class SruHarvester:
    """SRU as a harvest protocol. Cursor: position (the next startRecord), done."""

    format = "marcxml"

    def __init__(
        self,
        config: HarvestConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        on_retry: Callable[[RetryNotice], None] | None = None,
    ):
        self.config = config
        self.query = config.query.strip() or ALL_RECORDS
        self.schema = config.metadata_prefix or "marcxml"
        self.client = SruClient(
            config.endpoint, Fetcher(config.limits, sleep=sleep, on_retry=on_retry)
        )

    def start(self) -> Cursor:
        check_cql(self.query)
        return {"position": 1}

    def pages(self, cursor: Cursor) -> Iterator[Page]:
        position, pages = cursor.get("position", 1), 0
        while not cursor.get("done"):
            page = self.client.search_retrieve(
                self.query, position, self.config.page_size, self.schema
            )
            if self._past_the_end(page, position):
                yield Page([], {"position": position, "done": True}, total=page.total)
                return
            if page.diagnostics:
                raise _fatal(page.diagnostics[0], self.query)
            following = self._next(page, position)
            cursor = {"position": following or position, "done": following is None}
            yield Page(self._records(page, position), cursor, total=page.total)
            pages += 1
            if pages > self.config.limits.max_pages:
                raise LoopError(
                    f"quá {self.config.limits.max_pages} trang",
                    f"more than {self.config.limits.max_pages} pages",
                )
            position = following or position

    @staticmethod
    def _past_the_end(page: SruPage, position: int) -> bool:
        """Nothing left at ``position``: an empty result, or a start past its end."""
        if page.total is not None and position > page.total:
            return True
        return any(d.number == OUT_OF_RANGE for d in page.diagnostics) and page.total is None

    def _next(self, page: SruPage, position: int) -> int | None:
        """The next start position, None at the end; a position that does not move on is an
        endless loop."""
        following = page.next_position
        if following is None and page.records:
            following = position + len(page.records)
        if following is not None and page.total is not None and following > page.total:
            following = None
        if following is not None and following <= position:
            raise LoopError(
                f"vị trí tiếp theo {following} không lớn hơn vị trí hiện tại {position}",
                f"the next position {following} is not past the current one {position}",
            )
        if following is None and not page.records and (page.total or 0) >= position:
            raise HarvestError(
                f"Máy chủ SRU không trả biểu ghi nào từ vị trí {position} dù còn "
                f"{page.total} kết quả",
                f"The SRU server returned no record from position {position} though "
                f"{page.total} results are announced",
                code="sru-empty-page",
            )
        return following

    def _records(self, page: SruPage, position: int) -> list[Harvested]:
        out = []
        for offset, record in enumerate(page.records):
            where = f"SRU {record.position or position + offset}"
            if record.diagnostic is not None:
                error = (
                    f"Máy chủ SRU trả chẩn đoán thay cho biểu ghi: {record.diagnostic.describe()}"
                    f" / the SRU server returned a diagnostic instead of the record: "
                    f"{record.diagnostic.describe()}"
                )
                out.append(Harvested(record.data, self.format, where, error=error))
            elif not record.data:
                error = "Biểu ghi SRU rỗng / empty SRU record"
                out.append(Harvested(b"", self.format, where, error=error))
            else:
                out.append(Harvested(record.data, self.format, where))
        return out
