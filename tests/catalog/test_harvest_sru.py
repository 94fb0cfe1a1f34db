"""SRU and Z39.50 harvesting without a database: the checks that keep a bad query or address
from reaching a server (or yaz-client's command stream), SRU answers from a local server of
our own (string packing, SRU 2.0, positions that do not move on), and the response parsers
fuzzed: any bytes give records or a clear error, never a crash."""

from __future__ import annotations

import contextlib
import http.server
import threading
import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thuvien.catalog.harvest import HarvestConfig, HarvestError, Limits, LoopError, harvester
from thuvien.catalog.harvest.oai import parse_list_records
from thuvien.catalog.harvest.sru import check_cql, parse_search_retrieve
from thuvien.catalog.harvest.z3950 import check_pqf, parse_target
from thuvien.kernel.xml import XMLError, parse_bytes

SRU12 = "http://www.loc.gov/zing/srw/"
SRU20 = "http://docs.oasis-open.org/ns/search-ws/sruResponse"
MARC = (
    '<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 a 4500</leader>'
    '<controlfield tag="001">{n}</controlfield><datafield tag="245" ind1="0" ind2="0">'
    '<subfield code="a">Lịch sử Việt Nam {n}</subfield></datafield></record>'
)


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ('dc.title = "lịch sử', 'unclosed " at 12'),
        ("(dc.title = a or dc.creator = b", "missing ')'"),
        ("dc.title = a)", "unmatched ')' at 13"),
        ("dc.title = a\nquit", "control character at 13"),
        ("x" * 2001, "longer than 2000"),
    ],
)
def test_malformed_cql_is_refused_before_any_request(query, problem):
    with pytest.raises(HarvestError) as caught:
        check_cql(query)
    assert caught.value.code == "bad-cql" and problem in caught.value.en
    assert "Truy vấn CQL" in caught.value.vi


@pytest.mark.parametrize(
    "query",
    [
        "cql.allRecords=1",
        'dc.title all "lịch sử" and (dc.creator = "Nguyễn" or dc.creator = "Trần")',
        r'dc.title = "a \"quoted\" word (not a group"',
        "dc.date > 2000 sortBy dc.title",
    ],
)
def test_wellformed_cql_passes(query):
    assert check_cql(query) == query


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("z3950.thuvien.vn:210/biblios", ("z3950.thuvien.vn", 210, "biblios")),
        ("tcp:127.0.0.1:9999/Default", ("127.0.0.1", 9999, "Default")),
        ("koha.example:7090", ("koha.example", 7090, "Default")),
    ],
)
def test_z3950_addresses(text, expected):
    target = parse_target(text)
    assert (target.host, target.port, target.database) == expected


@pytest.mark.parametrize(
    "text",
    ["koha.example", "host:0/db", "host:70000/db", "host:210/db\nset_marcdump /etc/x",
     "-oProxyCommand=x:210/db", "host:210/db;rm", "unix:/tmp/sock"],
)  # fmt: skip
def test_z3950_addresses_that_could_hurt_are_refused(text):
    with pytest.raises(HarvestError) as caught:
        parse_target(text)
    assert caught.value.code == "bad-endpoint" and "host:port/database" in caught.value.en


@pytest.mark.parametrize(
    "query", ['@attr 1=4 "x\nset_marcdump /etc/passwd', "@attr 1=4 x\rshow", '@attr 1=4 "x', ""]
)
def test_pqf_that_could_hurt_is_refused(query):
    with pytest.raises(HarvestError) as caught:
        check_pqf(query)
    assert caught.value.code == "bad-pqf"


def test_pqf_passes():
    assert check_pqf(' @attr 1=4 "lịch sử" ') == '@attr 1=4 "lịch sử"'
    assert check_pqf(r'@attr 1=4 "a \" b"') == r'@attr 1=4 "a \" b"'


# ---- a small SRU server ---------------------------------------------------------------------


class Sru(http.server.BaseHTTPRequestHandler):
    """Serves ``total`` records, ``packing`` "xml" or "string", in SRU 1.2 or 2.0;
    ``stuck`` answers every page with the same nextRecordPosition."""

    total, packing, namespace, stuck = 7, "xml", SRU12, False
    starts: list[int] = []

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        start, size = int(query["startRecord"]), int(query["maximumRecords"])
        type(self).starts.append(start)
        numbers = range(start, min(start + size, self.total + 1))
        records = "".join(self._record(n) for n in numbers)
        following = 1 if self.stuck else start + size
        after = f"<nextRecordPosition>{following}</nextRecordPosition>" if numbers else ""
        body = (
            f'<searchRetrieveResponse xmlns="{self.namespace}"><version>1.2</version>'
            f"<numberOfRecords>{self.total}</numberOfRecords><records>{records}</records>"
            f"{after}</searchRetrieveResponse>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self, number: int) -> str:
        marc = MARC.format(n=number)
        if self.packing == "string":
            marc = marc.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return (
            f"<record><recordSchema>marcxml</recordSchema><recordPacking>{self.packing}"
            f"</recordPacking><recordData>{marc}</recordData>"
            f"<recordPosition>{number}</recordPosition></record>"
        )


@pytest.fixture
def sru_server():
    Sru.starts = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sru)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sru"
    server.shutdown()
    server.server_close()
    Sru.total, Sru.packing, Sru.namespace, Sru.stuck = 7, "xml", SRU12, False


def _sru(url: str) -> list:
    limits = Limits(timeout=5, deadline=10, retries=0)
    protocol = harvester("sru", HarvestConfig(url, page_size=3, limits=limits))
    return list(protocol.pages(protocol.start()))


@pytest.mark.parametrize(("packing", "namespace"), [("xml", SRU12), ("string", SRU20)])
def test_sru_pages_in_either_packing_and_version(sru_server, packing, namespace):
    Sru.packing, Sru.namespace = packing, namespace
    pages = _sru(sru_server)
    assert Sru.starts == [1, 4, 7] and pages[-1].cursor == {"position": 7, "done": True}
    records = [r for p in pages for r in p.records]
    assert [r.where for r in records] == [f"SRU {n}" for n in range(1, 8)]
    root = parse_bytes(records[6].data)
    assert root.tag == "{http://www.loc.gov/MARC21/slim}record"
    assert "Lịch sử Việt Nam 7" in records[6].data.decode()


def test_sru_position_that_does_not_move_on_is_a_loop(sru_server):
    Sru.stuck = True
    with pytest.raises(LoopError) as caught:
        _sru(sru_server)
    assert "not past the current one" in str(caught.value)


# ---- the parsers, fuzzed --------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    [
        "<OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'>", "</OAI-PMH>",
        "<ListRecords>", "</ListRecords>", "<record>", "</record>", "<header status='deleted'>",
        "<header>", "</header>", "<identifier>oai:x:1</identifier>", "<metadata>", "</metadata>",
        "<resumptionToken completeListSize='x'>t</resumptionToken>", "<error code='badArgument'>",
        "</error>", f"<searchRetrieveResponse xmlns='{SRU12}'>", "</searchRetrieveResponse>",
        "<numberOfRecords>-1</numberOfRecords>", "<records>", "</records>", "<recordData>",
        "</recordData>", "<diagnostics><diagnostic><uri>info:srw/diagnostic/1/x</uri>",
        "</diagnostic></diagnostics>", "<!DOCTYPE a [<!ENTITY e 'x'>]>", "&e;", "\x00", "é",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS, max_size=14), st.binary(max_size=40))
def test_any_answer_parses_or_fails_clearly(fragments, noise):
    data = "".join(fragments).encode() + noise
    for parse in (parse_list_records, parse_search_retrieve):
        with contextlib.suppress(HarvestError, XMLError):  # clear errors; nothing else
            parse(parse_bytes(data))
