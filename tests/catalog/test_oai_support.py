"""Shared by the OAI-PMH and SRU tests: catalogue data ingested from real LC records and
validation of responses with xmllint against the published schemas."""

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from lxml import etree

from tests import factories
from thuvien.catalog.services.batches import create_batch
from thuvien.catalog.services.ingest import run_ingest

SCHEMAS = Path("/work/shared/data/xml-schemas")
OAI_WRAPPER = SCHEMAS / "oai_validate_wrapper.xsd"
OAI = "{http://www.openarchives.org/OAI/2.0/}"


def ingest(library, path, **kwargs):
    with open(path, "rb") as handle:
        batch = create_batch(None, library, handle, Path(path).name, **kwargs)
    run_ingest(batch)
    batch.refresh_from_db()
    return batch


def xmllint(document: bytes, schema: Path) -> None:
    """Validate with xmllint (libxml2's own command-line tool), offline."""
    with tempfile.NamedTemporaryFile(suffix=".xml") as handle:
        handle.write(document)
        handle.flush()
        env = {**os.environ, "XML_CATALOG_FILES": str(SCHEMAS / "catalog.xml")}
        done = subprocess.run(
            ["xmllint", "--noout", "--nonet", "--schema", str(schema), handle.name],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr[-3000:]


def first_records(path: Path, count: int, target: Path) -> Path:
    """The first ``count`` ISO 2709 records of a file, written to ``target``."""
    records = path.read_bytes().split(b"\x1d")[:count]
    target.write_bytes(b"".join(r + b"\x1d" for r in records))
    return target


@pytest.fixture
def two_libraries(db, contributor, lc_vie_file, lc_sample_file, tmp_path):
    """The 121 LC Vietnamese records from one library, 60 LC English-language records
    from another."""
    other = factories.library("Thư viện Quốc gia Việt Nam", factories.hanoi())
    ingest(contributor, lc_vie_file)
    ingest(other, first_records(lc_sample_file, 60, tmp_path / "lc-60.mrc"))
    return contributor, other


def oai_xml(response) -> etree._Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    return etree.fromstring(response.content)


def oai_errors(root) -> list[str]:
    return [e.get("code") for e in root.iter(f"{OAI}error")]


SRU_SCHEMAS = Path(__file__).resolve().parents[2] / "src/thuvien/catalog/protocols/schemas"
SRU_NS = {
    "http://www.loc.gov/zing/srw/": SRU_SCHEMAS / "sru-1.2-response.xsd",
    "http://docs.oasis-open.org/ns/search-ws/sruResponse": SRU_SCHEMAS / "sru-2.0-response.xsd",
}
MARC_NS = "http://www.loc.gov/MARC21/slim"


def sru_valid(document: bytes) -> etree._Element:
    """Check an SRU response: its envelope against the SRU schema of its version, every
    MARCXML record in it against MARC21slim.xsd."""
    root = etree.fromstring(document)
    namespace = etree.QName(root).namespace
    assert namespace in SRU_NS, namespace
    xmllint(document, SRU_NS[namespace])
    records = root.findall(f".//{{{MARC_NS}}}record")
    if records:
        collection = etree.Element(f"{{{MARC_NS}}}collection", nsmap={None: MARC_NS})
        collection.extend(etree.fromstring(etree.tostring(r)) for r in records)
        xmllint(etree.tostring(collection), SCHEMAS / "MARC21slim.xsd")
    return root
