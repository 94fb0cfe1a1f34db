"""OAI-PMH 2.0 harvesting: Identify, then ListRecords with from/set and resumption tokens.

- Incremental: ``from`` is the provider's own time when the last complete harvest began
  (its responseDate to Identify), written at the provider's granularity; records changed
  during a harvest are seen again by the next one, never missed.
- Deleted records (header status="deleted") come back as deletions keyed by identifier.
- A resumption token the provider rejects (expired, unknown: badResumptionToken) restarts
  the list from ``from``; records are keyed by their OAI identifier, so what comes again is
  recognised, not duplicated.
- Lists that never end are stopped: the same token twice, more records than the
  completeListSize the provider announced, pages without records one after another, or more
  pages than the limit.
- A record outside the requested set is left out (some providers lose the set in their
  resumption tokens: django-oai-pmh 0.3.9 does).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from lxml import etree

from thuvien.catalog.harvest.base import Cursor, HarvestConfig, Harvested, Page, register
from thuvien.catalog.harvest.errors import HarvestError, LoopError
from thuvien.catalog.harvest.http import Fetcher, check_http_url
from thuvien.catalog.harvest.retry import RetryNotice

__all__ = ["BadResumptionToken", "Identity", "ListPage", "OaiClient", "OaiHarvester"]

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
DAY_GRANULARITY = "YYYY-MM-DD"
MAX_RESTARTS = 3  # rejected tokens in one run before giving up
MAX_EMPTY_PAGES = 20  # pages in a row with a token but no record
CLOCK_MARGIN = timedelta(minutes=5)  # our clock stands in for a provider's unreadable one
LOCAL_ID_MAX = 255


def _q(name: str) -> str:
    return f"{{{OAI_NS}}}{name}"


class BadResumptionToken(HarvestError):
    def __init__(self, message: str):
        super().__init__(
            f"Máy chủ từ chối resumptionToken (badResumptionToken, hết hạn hoặc sai): {message}",
            f"The provider rejected the resumptionToken (badResumptionToken): {message}",
            code="badResumptionToken",
        )


@dataclass(frozen=True)
class Identity:
    name: str
    granularity: str
    deleted_record: str
    response_date: datetime | None


@dataclass(frozen=True)
class OaiRecord:
    identifier: str
    deleted: bool
    sets: tuple[str, ...]
    metadata: bytes | None  # the metadata element's one child, serialised


@dataclass(frozen=True)
class ListPage:
    records: list[OaiRecord]
    token: str | None  # None: the list is complete
    complete_list_size: int | None


def parse_datestamp(text: str | None) -> datetime | None:
    """An OAI-PMH date or datetime (also with fractions and offsets) in UTC, or None."""
    if not text:
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_datestamp(value: datetime, granularity: str) -> str:
    """``value`` as the provider's granularity writes it (UTC)."""
    value = value.astimezone(UTC)
    if granularity == DAY_GRANULARITY:
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def local_key(identifier: str) -> str:
    """The OAI identifier as our store's local id (a digest when it is too long to keep)."""
    if len(identifier) <= LOCAL_ID_MAX:
        return identifier
    return "sha1:" + hashlib.sha1(identifier.encode("utf-8")).hexdigest()


def _text(element: etree._Element | None, name: str) -> str:
    child = element.find(_q(name)) if element is not None else None
    return (child.text or "").strip() if child is not None else ""


def _check_envelope(root: etree._Element, verb: str) -> None:
    if root.tag != _q("OAI-PMH"):
        raise HarvestError(
            f"Phản hồi không phải OAI-PMH 2.0 (phần tử gốc {root.tag!r})",
            f"The response is not OAI-PMH 2.0 (root element {root.tag!r})",
            code="not-oai",
        )
    errors = [(e.get("code", ""), (e.text or "").strip()) for e in root.iter(_q("error"))]
    for code, message in errors:
        if code == "badResumptionToken":
            raise BadResumptionToken(message or code)
    if errors and errors[0][0] != "noRecordsMatch":
        code, message = errors[0]
        raise HarvestError(
            f"Máy chủ OAI-PMH báo lỗi {code} cho {verb}: {message}",
            f"The OAI-PMH provider answered {verb} with error {code}: {message}",
            code=code,
        )


def parse_identify(root: etree._Element) -> Identity:
    _check_envelope(root, "Identify")
    identify = root.find(_q("Identify"))
    if identify is None:
        raise HarvestError(
            "Phản hồi Identify không có phần tử <Identify>",
            "The Identify response has no <Identify> element",
            code="not-oai",
        )
    granularity = _text(identify, "granularity") or DAY_GRANULARITY
    return Identity(
        name=_text(identify, "repositoryName"),
        granularity=granularity,
        deleted_record=_text(identify, "deletedRecord"),
        response_date=parse_datestamp(_text(root, "responseDate")),
    )


def parse_list_records(root: etree._Element) -> ListPage:
    _check_envelope(root, "ListRecords")
    listing = root.find(_q("ListRecords"))
    if listing is None:  # noRecordsMatch: an empty, complete list
        return ListPage([], None, 0)
    records = [_record(element) for element in listing.iterchildren(_q("record"))]
    token_element = listing.find(_q("resumptionToken"))
    token, size = None, None
    if token_element is not None:
        token = (token_element.text or "").strip() or None
        raw_size = (token_element.get("completeListSize") or "").strip()
        size = int(raw_size) if raw_size.isdigit() else None
    return ListPage(records, token, size)


def _record(element: etree._Element) -> OaiRecord:
    header = element.find(_q("header"))
    metadata = element.find(_q("metadata"))
    payload = None
    if metadata is not None:
        children = [c for c in metadata if isinstance(c.tag, str)]
        if children:
            payload = etree.tostring(children[0], encoding="utf-8")
    return OaiRecord(
        identifier=_text(header, "identifier"),
        deleted=header is not None and header.get("status") == "deleted",
        sets=tuple((s.text or "").strip() for s in header.iterchildren(_q("setSpec")))
        if header is not None
        else (),
        metadata=payload,
    )


class OaiClient:
    """The two OAI-PMH requests a harvest needs, on a Fetcher (limits and retries)."""

    def __init__(self, base_url: str, fetcher: Fetcher):
        self.base_url = check_http_url(base_url)
        self.fetcher = fetcher

    def identify(self) -> Identity:
        return parse_identify(self.fetcher.get_xml(self.base_url, {"verb": "Identify"}))

    def list_records(
        self,
        *,
        token: str | None = None,
        prefix: str = "",
        from_: str = "",
        set_spec: str = "",
    ) -> ListPage:
        params = {"verb": "ListRecords"}
        if token is not None:
            params["resumptionToken"] = token  # exclusive: no other argument with it
        else:
            params["metadataPrefix"] = prefix
            if from_:
                params["from"] = from_
            if set_spec:
                params["set"] = set_spec
        return parse_list_records(self.fetcher.get_xml(self.base_url, params))


class LoopGuard:
    """Stops a list that does not come to an end."""

    def __init__(self, received: int = 0, max_pages: int = 100_000):
        self.received = received
        self.max_pages = max_pages
        self.pages = 0
        self.tokens: set[str] = set()
        self.largest = 1
        self.empty = 0

    def check(self, page: ListPage, sent: str | None) -> None:
        count = len(page.records)
        self.pages += 1
        self.received += count
        self.largest = max(self.largest, count)
        self.empty = 0 if count else self.empty + 1
        if page.token is not None and (page.token == sent or page.token in self.tokens):
            raise LoopError(
                f"cùng một resumptionToken {page.token[:80]!r} được trả lại hai lần",
                f"the same resumptionToken {page.token[:80]!r} came back twice",
            )
        if page.token is not None:
            self.tokens.add(page.token)
        size = page.complete_list_size
        if page.token is not None and size is not None and self.received > size + self.largest:
            raise LoopError(
                f"đã nhận {self.received} biểu ghi, nhiều hơn completeListSize={size}",
                f"{self.received} records received, more than completeListSize={size}",
            )
        if self.empty > MAX_EMPTY_PAGES:
            raise LoopError(
                f"{self.empty} trang liền không có biểu ghi nào",
                f"{self.empty} pages in a row without a record",
            )
        if self.pages > self.max_pages:
            raise LoopError(
                f"quá {self.max_pages} trang trong một lần thu thập",
                f"more than {self.max_pages} pages in one harvest",
            )


@register("oai-pmh")
class OaiHarvester:
    """OAI-PMH as a harvest protocol. Cursor: granularity, until, token (the next page's),
    received (records of the list so far), restarts, done."""

    def __init__(
        self,
        config: HarvestConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        on_retry: Callable[[RetryNotice], None] | None = None,
    ):
        self.config = config
        self.prefix = config.metadata_prefix or "marc21"
        self.format = "oai_dc" if self.prefix == "oai_dc" else "marcxml"
        self.client = OaiClient(
            config.endpoint, Fetcher(config.limits, sleep=sleep, on_retry=on_retry)
        )

    def start(self) -> Cursor:
        identity = self.client.identify()
        until = identity.response_date or datetime.now(UTC) - CLOCK_MARGIN
        return {"granularity": identity.granularity, "until": until.isoformat(), "token": None}

    def pages(self, cursor: Cursor) -> Iterator[Page]:
        if cursor.get("done"):
            return
        token, restarts = cursor.get("token"), cursor.get("restarts", 0)
        guard = LoopGuard(cursor.get("received", 0), self.config.limits.max_pages)
        while True:
            try:
                listing = self._list(token, cursor.get("granularity", DAY_GRANULARITY))
            except BadResumptionToken as error:
                if token is None or restarts >= MAX_RESTARTS:
                    raise
                token, restarts = None, restarts + 1
                guard = LoopGuard(0, self.config.limits.max_pages)
                cursor = {**cursor, "token": None, "received": 0, "restarts": restarts}
                yield Page([], cursor, counters={"restarts": 1}, notes=(_restart_note(error),))
                continue
            guard.check(listing, token)
            records, outside = self._records(listing)
            token = listing.token
            cursor = {
                **cursor,
                "token": token,
                "received": guard.received,
                "restarts": restarts,
                "done": token is None,
            }
            counters = {"outside_set": outside} if outside else {}
            yield Page(records, cursor, total=listing.complete_list_size, counters=counters)
            if token is None:
                return

    def _list(self, token: str | None, granularity: str) -> ListPage:
        if token is not None:
            return self.client.list_records(token=token)
        from_date = self.config.from_date
        return self.client.list_records(
            prefix=self.prefix,
            from_=format_datestamp(from_date, granularity) if from_date else "",
            set_spec=self.config.set_spec,
        )

    def _records(self, listing: ListPage) -> tuple[list[Harvested], int]:
        wanted, out, outside = self.config.set_spec, [], 0
        for record in listing.records:
            if wanted and record.sets and not any(_in_set(s, wanted) for s in record.sets):
                outside += 1
                continue
            out.append(self._harvested(record))
        return out, outside

    def _harvested(self, record: OaiRecord) -> Harvested:
        where = f"OAI {record.identifier[:200] or '?'}"
        if not record.identifier:
            return Harvested(
                record.metadata,
                self.format,
                where,
                error="Biểu ghi thiếu định danh OAI trong header / "
                "the record has no OAI identifier in its header",
            )
        key = local_key(record.identifier)
        if record.deleted:
            return Harvested(None, self.format, where, local_id=key, deleted=True)
        if record.metadata is None:
            return Harvested(
                b"",
                self.format,
                where,
                local_id=key,
                error="Biểu ghi không có siêu dữ liệu (<metadata>) / "
                "the record has no metadata (<metadata>)",
            )
        return Harvested(record.metadata, self.format, where, local_id=key)


def _in_set(spec: str, wanted: str) -> bool:
    """Sets are hierarchical: "a:b" is within "a"."""
    return spec == wanted or spec.startswith(wanted + ":")


def _restart_note(error: HarvestError) -> str:
    return (
        f"{error.vi}; thu thập lại danh sách từ đầu (mốc from) / "
        f"{error.en}; the list is harvested again from its start (the from date)"
    )
