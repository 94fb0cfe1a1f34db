"""A small OAI-PMH provider of our own, in a thread on 127.0.0.1, that serves real LC records
(MARCXML written by pymarc) and misbehaves on demand: dropped connections, 503 with
Retry-After, malformed XML, XXE, expired tokens, endless token loops, huge and gzip-bomb
answers, redirects to file:. The harvest tests run against it; the tests here check the
pure OAI-PMH client on it (no database)."""

from __future__ import annotations

import gzip
import http.server
import threading
import urllib.parse
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from pymarc import MARCReader, record_to_xml

from thuvien.catalog.harvest import HarvestConfig, HarvestError, Limits, LoopError, harvester
from thuvien.catalog.harvest.oai import format_datestamp
from thuvien.kernel.xml import parse_bytes

DEMO = Path(__file__).resolve().parents[2] / "src/thuvien/catalog/demo"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
SECONDS = "YYYY-MM-DDThh:mm:ssZ"


@dataclass
class Item:
    identifier: str
    xml: bytes
    sets: tuple[str, ...]
    datestamp: datetime
    deleted: bool = False


def lc_items(limit: int | None = None) -> list[Item]:
    """The LC Vietnamese records as pymarc writes them in MARCXML, with OAI identifiers."""
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    items = []
    with open(DEMO / "lc-vie.mrc", "rb") as handle:
        for number, record in enumerate(MARCReader(handle, to_unicode=True, force_utf8=True)):
            identifier = "oai:lc.test:" + record["001"].data.strip()
            sets = ("lang:vie", "even" if number % 2 == 0 else "odd")
            items.append(Item(identifier, record_to_xml(record, namespace=True), sets, stamp))
            if limit and len(items) == limit:
                break
    return items


@dataclass
class FakeOai:
    """The provider's state; tests change it between requests."""

    items: list[Item]
    page_size: int = 10
    granularity: str = SECONDS
    response_date: datetime = field(default_factory=lambda: datetime.now(UTC))
    generation: int = 1  # tokens of older generations are rejected (expired)
    faults: dict[int, deque] = field(default_factory=lambda: defaultdict(deque))
    always: dict[int, str] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    tokens: dict[str, tuple] = field(default_factory=dict)
    loop: bool = False
    forget_set: bool = False  # tokens lose the set (a provider bug seen in the wild)
    complete_size: int | None = None  # announced completeListSize (default: the truth)
    written: int = 0  # bytes of the last huge answer actually sent

    def fault(self, page: int, *names: str) -> None:
        self.faults[page].extend(names)

    def page_requests(self, page: int) -> int:
        return sum(1 for r in self.requests if _page_of(r, self.tokens) == page)

    def change(self, identifier: str, *, delete: bool = False) -> None:
        item = next(i for i in self.items if i.identifier == identifier)
        item.deleted = delete
        item.datestamp = datetime.now(UTC)

    def listing(self, prefix: str, from_: str, set_spec: str) -> list[Item]:
        since = datetime.fromisoformat(from_.replace("Z", "+00:00")) if from_ else None
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return sorted(
            (
                i
                for i in self.items
                if (since is None or i.datestamp >= since) and (not set_spec or set_spec in i.sets)
            ),
            key=lambda i: i.identifier,
        )


def _page_of(query: dict[str, str], tokens: dict[str, tuple]) -> int | None:
    if query.get("verb") != "ListRecords":
        return None
    token = query.get("resumptionToken")
    return tokens[token][3] if token in tokens else (1 if token is None else -1)


def envelope(body: str, provider: FakeOai) -> bytes:
    stamp = provider.response_date.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="{OAI_NS}">'
        f"<responseDate>{stamp}</responseDate><request>http://127.0.0.1/oai</request>"
        f"{body}</OAI-PMH>"
    ).encode()


def record_xml(item: Item) -> str:
    stamp = item.datestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    sets = "".join(f"<setSpec>{escape(s)}</setSpec>" for s in item.sets)
    status = ' status="deleted"' if item.deleted else ""
    header = (
        f"<header{status}><identifier>{escape(item.identifier)}</identifier>"
        f"<datestamp>{stamp}</datestamp>{sets}</header>"
    )
    if item.deleted:
        return f"<record>{header}</record>"
    return f"<record>{header}<metadata>{item.xml.decode()}</metadata></record>"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        provider: FakeOai = self.server.provider  # type: ignore[attr-defined]
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        provider.requests.append(query)
        page = _page_of(query, provider.tokens)
        fault = None
        if page is not None and provider.faults[page]:
            fault = provider.faults[page].popleft()
        fault = fault or provider.always.get(page)
        if fault:
            return FAULTS[fault](self, provider)
        if query.get("verb") == "Identify":
            return self.send_xml(envelope(identify(provider), provider))
        if query.get("verb") == "ListRecords":
            return self.send_xml(envelope(list_records(provider, query), provider))
        return self.send_xml(envelope('<error code="badVerb">bad verb</error>', provider))

    def send_xml(self, body: bytes, status: int = 200, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def identify(provider: FakeOai) -> str:
    return (
        "<Identify><repositoryName>Fake</repositoryName><baseURL>http://127.0.0.1/oai</baseURL>"
        "<protocolVersion>2.0</protocolVersion><adminEmail>a@example.org</adminEmail>"
        "<earliestDatestamp>2000-01-01</earliestDatestamp><deletedRecord>persistent"
        f"</deletedRecord><granularity>{provider.granularity}</granularity></Identify>"
    )


def list_records(provider: FakeOai, query: dict[str, str]) -> str:
    token = query.get("resumptionToken")
    if token is not None:
        if token not in provider.tokens or provider.tokens[token][4] != provider.generation:
            return f'<error code="badResumptionToken">{escape(token)} is unknown</error>'
        prefix, from_, set_spec, page, _ = provider.tokens[token]
    else:
        prefix, from_, set_spec, page = (
            query.get("metadataPrefix", ""),
            query.get("from", ""),
            query.get("set", ""),
            1,
        )
    items = provider.listing(prefix, from_, set_spec)
    if not items:
        return '<error code="noRecordsMatch">nothing</error>'
    size = provider.page_size
    chunk = items[(page - 1) * size : page * size]
    records = "".join(record_xml(i) for i in chunk)
    more = page * size < len(items) or provider.loop
    next_token = ""
    if more:
        next_token = token if provider.loop and token else f"g{provider.generation}p{page + 1}"
        kept_set = "" if provider.forget_set else set_spec
        provider.tokens[next_token] = (prefix, from_, kept_set, page + 1, provider.generation)
    complete = provider.complete_size if provider.complete_size is not None else len(items)
    resumption = (
        f'<resumptionToken completeListSize="{complete}" cursor="{(page - 1) * size}">'
        f"{next_token}</resumptionToken>"
        if more or page > 1
        else ""
    )
    return f"<ListRecords>{records}{resumption}</ListRecords>"


def _status(code: int, retry_after: str | None = None):
    def fault(handler: Handler, provider: FakeOai) -> None:
        headers = {"Retry-After": retry_after} if retry_after else {}
        handler.send_xml(b"<html>busy</html>", code, headers)

    return fault


def _drop(handler: Handler, provider: FakeOai) -> None:
    """Headers and half the body, then the connection closes."""
    body = envelope(list_records(provider, _last(provider)), provider)
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body[: len(body) // 2])
    handler.wfile.flush()
    handler.close_connection = True


def _malformed(handler: Handler, provider: FakeOai) -> None:
    body = envelope(list_records(provider, _last(provider)), provider)
    handler.send_xml(body[: len(body) // 2] + b"</OAI-PMH>")


def _xxe(handler: Handler, provider: FakeOai) -> None:
    head = b'<?xml version="1.0"?><!DOCTYPE OAI-PMH [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    body = envelope("<ListRecords><record><header><identifier>&x;</identifier></header>"
                    "</record></ListRecords>", provider)  # fmt: skip
    handler.send_xml(head + body.split(b"\n", 1)[1])


def _huge(handler: Handler, provider: FakeOai) -> None:
    """50 MB of an endless element, no Content-Length: only the client can stop it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/xml")
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.close_connection = True
    block = b"<a>" + b"x" * (1 << 20) + b"</a>"
    provider.written = 0
    try:
        handler.wfile.write(envelope("<ListRecords>", provider)[:-10])
        for _ in range(50):
            handler.wfile.write(block)
            provider.written += len(block)
    except (BrokenPipeError, ConnectionResetError):
        pass


def _gzip_bomb(handler: Handler, provider: FakeOai) -> None:
    body = gzip.compress(b"<OAI-PMH>" + b" " * (64 << 20), 9)
    handler.send_xml(body, headers={"Content-Encoding": "gzip"})


def _bad_token(handler: Handler, provider: FakeOai) -> None:
    handler.send_xml(envelope('<error code="badResumptionToken">expired</error>', provider))


def _to_file(handler: Handler, provider: FakeOai) -> None:
    handler.send_response(302)
    handler.send_header("Location", "file:///etc/passwd")
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def _last(provider: FakeOai) -> dict[str, str]:
    return provider.requests[-1]


FAULTS = {
    "503": _status(503, "3"),
    "503-date": _status(503, "Wed, 21 Oct 2015 07:28:00 GMT"),
    "500": _status(500),
    "404": _status(404),
    "drop": _drop,
    "malformed": _malformed,
    "xxe": _xxe,
    "huge": _huge,
    "gzip-bomb": _gzip_bomb,
    "bad-token": _bad_token,
    "to-file": _to_file,
}


class Server:
    def __init__(self, provider: FakeOai):
        self.provider = provider
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.provider = provider  # type: ignore[attr-defined]
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/oai"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def oai_server():
    with Server(FakeOai(lc_items(25))) as server:
        yield server


FAST = Limits(timeout=5, deadline=20, retries=3, backoff=0.5, max_bytes=4 * 2**20)


def harvest_all(server: Server, waits: list[float] | None = None, **config):
    """Every page of a whole harvest: (records, pages)."""
    options = {"limits": FAST, **config}
    protocol = harvester(
        "oai-pmh",
        HarvestConfig(server.url, **options),
        sleep=(waits.append if waits is not None else lambda s: None),
    )
    pages = list(protocol.pages(protocol.start()))
    return [r for p in pages for r in p.records], pages


# ---- the pure client against the provider ----------------------------------------------------


def test_whole_list_is_harvested_page_by_page(oai_server):
    records, pages = harvest_all(oai_server)
    assert len(pages) == 3 and pages[-1].cursor["done"] is True
    assert [r.local_id for r in records] == [i.identifier for i in oai_server.provider.items]
    assert all(r.format == "marcxml" and r.data.startswith(b"<record") for r in records)
    assert pages[0].total == 25
    parse_bytes(records[0].data)  # each record is a standalone MARCXML document


def test_503_waits_as_long_as_retry_after_says(oai_server):
    oai_server.provider.fault(2, "503", "503-date")
    waits: list[float] = []
    records, _ = harvest_all(oai_server, waits)
    assert waits == [3.0, 0.0]  # the date is in the past: no wait
    assert len(records) == 25 and oai_server.provider.page_requests(2) == 3


def test_failures_back_off_exponentially_then_give_up(oai_server):
    oai_server.provider.fault(1, "500", "500", "500")
    waits: list[float] = []
    records, _ = harvest_all(oai_server, waits)
    assert waits == [0.5, 1.0, 2.0] and len(records) == 25
    oai_server.provider.always[1] = "500"
    with pytest.raises(HarvestError) as caught:
        harvest_all(oai_server, [])
    assert caught.value.code == "retries-exhausted"
    assert "4 lần thử" in str(caught.value) and "4 attempts" in str(caught.value)
    assert "HTTP 500" in str(caught.value)


def test_connection_dropped_mid_list_is_retried_without_duplicates(oai_server):
    oai_server.provider.fault(2, "drop", "drop")
    records, _ = harvest_all(oai_server, [])
    identifiers = [r.local_id for r in records]
    assert len(identifiers) == 25 == len(set(identifiers))


def test_malformed_xml_is_retried_then_reported_with_where(oai_server):
    oai_server.provider.fault(2, "malformed")
    assert len(harvest_all(oai_server, [])[0]) == 25
    oai_server.provider.always[2] = "malformed"
    with pytest.raises(HarvestError) as caught:
        harvest_all(oai_server, [])
    message = str(caught.value)
    assert "không phải XML hợp lệ" in message and "not well-formed XML" in message
    assert "line" in message and "resumptionToken=g1p2" in message


def test_xxe_is_refused_at_once_and_reads_nothing(oai_server):
    oai_server.provider.always[2] = "xxe"
    with pytest.raises(HarvestError) as caught:
        harvest_all(oai_server, [])
    assert caught.value.code == "xml-refused" and "ENTITY" in str(caught.value)
    assert oai_server.provider.page_requests(2) == 1  # not worth retrying
    assert "root:" not in str(caught.value)


def test_huge_response_stops_at_the_limit(oai_server):
    oai_server.provider.always[1] = "huge"
    with pytest.raises(HarvestError) as caught:
        harvest_all(oai_server, [])
    assert caught.value.code == "too-large" and "4,194,304" in str(caught.value)
    assert oai_server.provider.written < 20 * 2**20  # the client hung up long before 50 MB


def test_gzip_bomb_stops_at_the_limit(oai_server):
    oai_server.provider.always[1] = "gzip-bomb"
    with pytest.raises(HarvestError) as caught:
        harvest_all(oai_server, [])
    assert caught.value.code == "too-large"


def test_redirect_to_a_file_is_refused(oai_server):
    oai_server.provider.always[1] = "to-file"
    with pytest.raises(HarvestError) as caught:
        harvest_all(oai_server, [])
    assert caught.value.code == "bad-redirect" and "root:" not in str(caught.value)


def test_the_same_token_twice_is_an_endless_loop(oai_server):
    oai_server.provider.loop = True
    with pytest.raises(LoopError) as caught:
        harvest_all(oai_server, [])
    assert "hai lần" in str(caught.value) and "twice" in str(caught.value)


def test_more_records_than_the_announced_list_is_a_loop(oai_server):
    oai_server.provider.complete_size = 5
    with pytest.raises(LoopError) as caught:
        harvest_all(oai_server, [])
    assert "completeListSize=5" in str(caught.value)


def test_a_rejected_token_restarts_the_list_from_the_from_date(oai_server):
    provider = oai_server.provider
    protocol = harvester("oai-pmh", HarvestConfig(oai_server.url, limits=FAST))
    cursor = protocol.start()
    first = next(iter(protocol.pages(cursor)))
    provider.generation += 1  # every token handed out so far has expired
    pages = list(protocol.pages(first.cursor))
    assert pages[0].counters == {"restarts": 1} and "badResumptionToken" in pages[0].notes[0]
    identifiers = [r.local_id for p in pages for r in p.records]
    assert len(identifiers) == 25 == len(set(identifiers))
    provider.always[2] = "bad-token"  # rejected again and again: it gives up
    with pytest.raises(HarvestError) as caught:
        list(protocol.pages(first.cursor))
    assert caught.value.code == "badResumptionToken"


def test_incremental_harvest_sends_from_at_the_providers_granularity(oai_server):
    provider = oai_server.provider
    provider.granularity = "YYYY-MM-DD"
    since = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    provider.change(provider.items[3].identifier)
    provider.change(provider.items[7].identifier, delete=True)
    records, _ = harvest_all(oai_server, [], from_date=since)
    assert provider.requests[-1]["from"] == "2026-03-01"
    assert [(r.local_id, r.deleted) for r in records] == [
        (provider.items[3].identifier, False),
        (provider.items[7].identifier, True),
    ]
    assert records[1].data is None
    assert format_datestamp(since + timedelta(hours=1), SECONDS) == "2026-03-02T00:30:00Z"


def test_records_outside_the_set_are_left_out(oai_server):
    provider = oai_server.provider
    provider.forget_set = True  # as django-oai-pmh 0.3.9 does in its resumption tokens
    records, pages = harvest_all(oai_server, [], set_spec="even")
    assert provider.requests[1]["set"] == "even"
    even = {i.identifier for i in provider.items if "even" in i.sets}
    assert {r.local_id for r in records} == even and len(even) == 13
    assert sum(p.counters.get("outside_set", 0) for p in pages) == 7


def test_identify_gives_the_next_from_date(oai_server):
    oai_server.provider.response_date = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)
    protocol = harvester("oai-pmh", HarvestConfig(oai_server.url, limits=FAST))
    cursor = protocol.start()
    assert cursor["until"] == "2026-05-04T03:02:01+00:00" and cursor["granularity"] == SECONDS


def test_not_an_oai_provider(oai_server):
    oai_server.provider.always[1] = "404"
    with pytest.raises(HarvestError) as caught:
        harvest_all(oai_server, [])
    assert caught.value.code == "http-404"
