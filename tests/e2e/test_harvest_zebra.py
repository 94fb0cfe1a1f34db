"""Harvests from a real Zebra server (Debian idzebra-2.0, Koha's engine) on 127.0.0.1, over
Z39.50 (through yaz-client) and SRU, loaded with 500 LC records: the harvested records are
the file's, and the server's diagnostics come back as clear errors.

Zebra's configuration is the benchmark's (bench/zebra/: the "dom" filter, MARCXML stored,
our indexing stylesheet) with Zebra's stock word register, "every record" in CQL
(cql.allRecords), and USMARC retrieval for Z39.50 clients, as Koha's Zebra serves it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import factories
from thuvien.catalog.harvest import HarvestConfig, HarvestError, Limits, harvester
from thuvien.catalog.models import BibRecord, HarvestRun
from thuvien.catalog.services import indexing
from thuvien.catalog.services.batches import create_batch
from thuvien.catalog.services.harvest import configure_harvest, run_harvest
from thuvien.catalog.services.ingest import run_ingest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src/thuvien/catalog/demo/lc-books-sample.mrc"
RECORDS = 500

ZEBRA_CFG = """\
profilePath: .:/usr/share/idzebra-2.0/tab
modulePath: /usr/lib/x86_64-linux-gnu/idzebra-2.0/modules
recordType: dom.marc21-dom.xml
attset: bib1.att
attset: explain.att
index: default.idx
encoding: utf-8
rank: rank-1
register: register:1G
lockDir: lock
keyTmpDir: tmp
setTmpDir: tmp
"""
CQL_MAP = """\
set.cql = info:srw/cql-context-set/1/cql-v1.2
set.dc = info:srw/cql-context-set/1/dc-v1.1
set = info:srw/cql-context-set/1/dc-v1.1
index.cql.serverChoice = 1=1016
index.cql.allRecords = 1=_ALLRECORDS 2=103
index.dc.title = 1=4
index.dc.creator = 1=1003
relation.all = 2=102 4=6
relation.eq = 2=3
relation.scr = 2=3
structure.* = 4=1
position.any = 3=3 6=1
truncation.none = 5=100
"""
MARC_OUT = (
    '<marc inputformat="xml" outputformat="marc" inputcharset="utf-8" outputcharset="utf-8"/>'
)
YAZGFS = f"""\
<yazgfs><server id="harvest-test"><config>zebra.cfg</config><cql2rpn>cql2pqf.properties</cql2rpn>
<retrievalinfo>
  <retrieval syntax="usmarc"><backend syntax="xml" name="marcxml">{MARC_OUT}</backend></retrieval>
  <retrieval syntax="xml" name="marcxml"/>
  <retrieval syntax="xml"/>
</retrievalinfo></server></yazgfs>
"""


@dataclass(frozen=True)
class Zebra:
    port: int
    records: Path  # the ISO 2709 file Zebra was loaded with

    @property
    def z3950(self) -> str:
        return f"127.0.0.1:{self.port}/Default"

    @property
    def sru(self) -> str:
        return f"http://127.0.0.1:{self.port}/Default"


def first_records(target: Path, count: int) -> Path:
    with SAMPLE.open("rb") as source, target.open("wb") as out:
        for _ in range(count):
            head = source.read(5)
            out.write(head + source.read(int(head) - 5))
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


@pytest.fixture
def contributor(db):
    """The Library of Congress, whose records Zebra serves (a partner outside Vietnam)."""
    return factories.library(
        "Library of Congress", None, library_type="national", level="", country="US"
    )


@pytest.fixture(scope="module")
def zebra(tmp_path_factory):
    if not (shutil.which("zebrasrv") and shutil.which("yaz-client")):
        pytest.fail("Zebra or yaz-client is missing: run `make system-deps` (idzebra-2.0, yaz)")
    work = tmp_path_factory.mktemp("zebra")
    for name in ("marc21-dom.xml", "marc21-index.xsl"):
        shutil.copy(ROOT / "bench/zebra" / name, work / name)
    (work / "zebra.cfg").write_text(ZEBRA_CFG)
    (work / "cql2pqf.properties").write_text(CQL_MAP)
    (work / "yazgfs.xml").write_text(YAZGFS)
    for folder in ("register", "lock", "tmp"):
        (work / folder).mkdir()
    records = first_records(work / "records.mrc", RECORDS)
    for args in (["init"], ["update", str(records)]):
        subprocess.run(["zebraidx", "-c", "zebra.cfg", *args], cwd=work, check=True,
                       capture_output=True, timeout=120)  # fmt: skip
    port = free_port()
    log = work / "zebrasrv.log"
    server = subprocess.Popen(
        ["zebrasrv", "-f", "yazgfs.xml", "-l", str(log), f"tcp:127.0.0.1:{port}"],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port, server)
        yield Zebra(port, records)
    finally:
        server.terminate()
        server.wait(timeout=20)


def _file_records(library, path: Path) -> dict[str, str]:
    """The records of the file as the ingest stores them: local id -> title."""
    with path.open("rb") as handle:
        batch = create_batch(None, library, handle, path.name, source_code="file")
    run_ingest(batch, index=False)
    return dict(BibRecord.objects.filter(source__code="file").values_list("local_id", "title"))


def _harvested(code: str) -> dict[str, str]:
    return dict(BibRecord.objects.filter(source__code=code).values_list("local_id", "title"))


def _index_equals_database() -> bool:
    """The harvested records are all in the index. The file's reference records were stored
    without indexing, but clustering after the harvest joins them with their harvested
    duplicates and indexes them as members, so they are left out of the comparison."""
    index = indexing.catalog_index()
    index.reload()
    reference = {
        str(pk) for pk in BibRecord.objects.filter(source__code="file").values_list("pk", flat=True)
    }
    active = BibRecord.objects.filter(status="active").exclude(source__code="file")
    wanted = {str(pk) for pk in active.values_list("pk", flat=True)}
    return set(index.iter_ids()) - reference == wanted


def test_z3950_harvest_brings_the_servers_records(contributor, zebra):
    expected = _file_records(contributor, zebra.records)
    harvest = configure_harvest(None, contributor, "z39.50", endpoint=zebra.z3950, page_size=120)
    report = run_harvest(harvest)
    assert report["status"] == "done" and report["total"] == RECORDS and report["pages"] == 5
    assert report["records"]["stored"] == RECORDS and not report["records"].get("quarantined")
    assert _harvested("z3950") == expected
    record = BibRecord.objects.filter(source__code="z3950").first()
    assert record.raw_format == "iso2709" and bytes(record.raw).endswith(b"\x1d")
    assert _index_equals_database()
    again = run_harvest(harvest)  # a second full harvest changes nothing
    assert again["records"]["unchanged"] == RECORDS and BibRecord.objects.count() == 2 * RECORDS


def test_sru_harvest_brings_the_same_records(contributor, zebra):
    expected = _file_records(contributor, zebra.records)
    harvest = configure_harvest(None, contributor, "sru", endpoint=zebra.sru, page_size=150)
    report = run_harvest(harvest)
    assert report["status"] == "done" and report["pages"] == 4
    assert report["records"]["stored"] == RECORDS
    assert _harvested("sru") == expected
    assert BibRecord.objects.filter(source__code="sru", raw_format="marcxml").count() == RECORDS
    assert _index_equals_database()


def test_sru_query_selects_and_pages(contributor, zebra):
    harvest = configure_harvest(
        None, contributor, "sru", endpoint=zebra.sru, query='dc.title all "history"', page_size=3
    )
    report = run_harvest(harvest)
    assert 3 < report["total"] < RECORDS and report["records"]["stored"] == report["total"]
    titles = BibRecord.objects.filter(source__code="sru").values_list("title", flat=True)
    assert all("histor" in t.lower() for t in titles)


def test_server_diagnostics_are_clear_errors(contributor, zebra):
    harvest = configure_harvest(None, contributor, "sru", endpoint=zebra.sru, query="nosuch.x=1")
    with pytest.raises(HarvestError) as caught:
        run_harvest(harvest)
    assert "info:srw/diagnostic/1/15" in str(caught.value) and "CQL" in str(caught.value)
    run = HarvestRun.objects.get(harvest=harvest)
    assert run.status == "failed" and "không chấp nhận truy vấn CQL" in run.errors[-1]["message"]
    bad = configure_harvest(None, contributor, "z39.50", code="bad", endpoint=f"{zebra.z3950}x")
    with pytest.raises(HarvestError) as caught:
        run_harvest(bad)
    assert caught.value.code == "bib1-109" and "Database unavailable" in str(caught.value)


def test_unknown_record_schema_quarantines_each_record_with_the_diagnostic(contributor, zebra):
    harvest = configure_harvest(
        None, contributor, "sru", endpoint=zebra.sru, metadata_prefix="nope", page_size=250
    )
    report = run_harvest(harvest)
    assert report["records"]["quarantined"] == RECORDS and BibRecord.objects.count() == 0
    reason = HarvestRun.objects.get().batch.quarantine.get(position=7).reason
    assert "SRU 7" in reason and "info:srw/diagnostic/1/66" in reason


def test_out_of_range_start_ends_the_list(zebra):
    limits = Limits(timeout=10, deadline=30, retries=0)
    for name, endpoint in (("sru", zebra.sru), ("z39.50", zebra.z3950)):
        protocol = harvester(name, HarvestConfig(endpoint, page_size=10, limits=limits))
        pages = list(protocol.pages({"position": RECORDS + 50}))
        assert [(p.records, p.cursor["done"], p.total) for p in pages] == [([], True, RECORDS)]
