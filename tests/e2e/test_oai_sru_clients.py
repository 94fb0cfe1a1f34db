"""Third-party clients against a live server on 127.0.0.1: sickle (Python) and Debian's
oai_pmh (Perl HTTP::OAI) harvest /oai completely through resumption tokens; yaz-client
searches /sru in SRU 1.2 and 2.0 and fetches records."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from tests import factories
from tests.catalog.test_oai_support import first_records, ingest
from thuvien.catalog.models import BibRecord

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DEMO = Path(__file__).resolve().parents[2] / "src/thuvien/catalog/demo"
MARC = "{http://www.loc.gov/MARC21/slim}"


@pytest.fixture
def catalogue(transactional_db, tmp_path, settings):
    """121 LC Vietnamese records, 21 of them deleted by a later replace, and 40 LC English
    records from a second library; small pages so that harvests need many tokens."""
    settings.THUVIEN_OAI_PAGE_SIZE = 17
    lc = factories.library("Library of Congress", None, library_type="national", level="")
    nlv = factories.library("Thư viện Quốc gia Việt Nam", factories.hanoi())
    vie = DEMO / "lc-vie.mrc"
    ingest(lc, vie)
    ingest(lc, first_records(vie, 100, tmp_path / "fewer.mrc"), mode="replace")
    ingest(nlv, first_records(DEMO / "lc-books-sample.mrc", 40, tmp_path / "en.mrc"))
    return lc, nlv


def _identifiers(queryset) -> set[str]:
    return {f"oai:thuvien.local:{pk}" for pk in queryset.values_list("pk", flat=True)}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: run `make system-deps` (Debian packages)")
    return path


def test_sickle_harvests_everything_through_tokens(live_server, catalogue):
    from sickle import Sickle

    _, nlv = catalogue
    client = Sickle(f"{live_server.url}/oai", max_retries=0, timeout=30)
    assert client.Identify().repositoryName.startswith("Mục lục liên hợp")
    records = list(client.ListRecords(metadataPrefix="oai_dc"))
    assert {r.header.identifier for r in records} == _identifiers(BibRecord.objects)
    assert len(records) == 161
    deleted = [r for r in records if r.header.deleted]
    assert len(deleted) == 21 and all(not getattr(r, "metadata", None) for r in deleted)
    live = next(r for r in records if not r.header.deleted and r.metadata.get("title"))
    assert live.metadata["title"][0]
    in_set = list(client.ListIdentifiers(metadataPrefix="marc21", set=f"library:{nlv.vn_id}"))
    assert {h.identifier for h in in_set} == _identifiers(
        BibRecord.objects.filter(source__library=nlv)
    )
    one = client.GetRecord(identifier=live.header.identifier, metadataPrefix="marc21")
    assert etree.fromstring(one.raw.encode()).find(f".//{MARC}leader") is not None
    sets = {s.setSpec for s in client.ListSets()}
    assert f"library:{nlv.vn_id}" in sets and "library" in sets


def _oai_pmh(*arguments: str) -> subprocess.CompletedProcess:
    # PERL_UNICODE=S: the tool prints the records' text as UTF-8, not Latin-1 where it can.
    env = {**os.environ, "PERL_UNICODE": "S"}
    command = [_tool("oai_pmh"), *arguments]
    return subprocess.run(command, capture_output=True, timeout=300, check=False, env=env)


def test_debian_oai_pmh_harvester_walks_every_token(live_server, catalogue):
    # Without -X the tool asks for oai_dc whatever --metadataPrefix says.
    done = _oai_pmh("-X", "ListRecords", "--metadataPrefix", "marc21", f"{live_server.url}/oai")
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    chunks = [c for c in done.stdout.decode("utf-8").split("\f") if c.strip()]
    identifiers = set()
    for chunk in chunks:
        head, _, body = chunk.strip().partition("\n\n")
        fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        identifiers.add(fields.get("identifier"))
        if body.strip():
            metadata = etree.fromstring(body.strip().encode())
            assert metadata.find(f".//{MARC}leader") is not None
        else:
            assert fields["status"] == "deleted"
    assert identifiers == _identifiers(BibRecord.objects)
    listing = _oai_pmh(
        "-X", "ListIdentifiers", "--metadataPrefix", "oai_dc", f"{live_server.url}/oai"
    )
    assert listing.returncode == 0 and listing.stdout.decode().count("identifier: oai:") == 161


def _yaz(live_server, *commands: str) -> str:
    script = "\n".join([f"open {live_server.url}/sru", *commands, "quit"]) + "\n"
    done = subprocess.run(
        [_tool("yaz-client")], input=script.encode(), capture_output=True, timeout=120, check=False
    )
    return done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_yaz_client_searches_and_fetches_records(live_server, catalogue, version):
    output = _yaz(
        live_server,
        f"sru get {version}",
        "querytype cql",
        "schema marcxml",
        "find bath.isbn = 0385510519 or cql.anywhere = vietnam",
        "show 1+2",
        "find dc.title = viet",
        "show 1",
        "find dc.shoesize = 1",
    )
    assert "Number of hits:" in output, output[-3000:]
    hits = [
        int(line.split(":")[1].split(",")[0])
        for line in output.splitlines()
        if line.startswith("Number of hits:")
    ]
    assert hits[0] > 0 and hits[1] > 0, output[-3000:]
    assert output.count('<record xmlns="http://www.loc.gov/MARC21/slim">') >= 3, output[-3000:]
    assert "SRW diagnostic info:srw/diagnostic/1/16" in output and "Details: dc.shoesize" in output
    assert "Thư viện" in output or "Việt" in output  # UTF-8 text arrived whole
