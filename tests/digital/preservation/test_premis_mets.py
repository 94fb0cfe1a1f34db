"""PREMIS 3, MODS 3.6 and METS 1.12 output, validated against the official schemas
(copied into ./schemas, see SOURCE-README.md) with nothing fetched from the network."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from thuvien.digital.preservation.mets import MetsFile, mets_xml, mods_xml
from thuvien.digital.preservation.premis import (
    EVENT_TYPE_AUTHORITY,
    FileInfo,
    PremisAgent,
    PremisEvent,
    PremisObject,
    premis_xml,
)

SCHEMAS = Path(__file__).parent / "schemas"
NS = {
    "premis": "http://www.loc.gov/premis/v3",
    "mets": "http://www.loc.gov/METS/",
    "mods": "http://www.loc.gov/mods/v3",
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "xlink": "http://www.w3.org/1999/xlink",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
OBJ = "vn-thuvien:obj-000123"
DC = {
    "title": ["Truyện Kiều", "Đoạn trường tân thanh"],
    "creator": ["Nguyễn Du"],
    "subject": ["Thơ Nôm"],
    "description": ["Bản in khắc gỗ"],
    "publisher": ["Liễu Văn Đường"],
    "contributor": ["Kiều Oánh Mậu"],
    "date": ["1871"],
    "type": ["Text"],
    "format": ["image/tiff", "120 tờ"],
    "identifier": ["978-604-9547-35-5", "https://thuvien.vn/so/obj-000123", "978-604-9547-35-9"],
    "source": ["Thư viện Quốc gia Việt Nam, R.1234"],
    "language": ["vie"],
    "relation": ["https://thuvien.vn/bo-suu-tap/han-nom"],
    "coverage": ["Hà Nội", "thế kỷ 19"],
    "rights": ["Phạm vi công cộng"],
    "dc:audience": ["Nhà nghiên cứu"],  # not one of the fifteen: kept as a labelled note
}


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "all.xsd"), parser))


def valid(schema: etree.XMLSchema, data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    assert schema.validate(root), schema.error_log
    return root


def sample_premis(**overrides) -> bytes:
    files = [
        FileInfo("masters/0001.tif", 70_000, "a" * 128, "b" * 32, "fmt/353",
                 "Tagged Image File Format", "image/tiff"),
        FileInfo("masters/0002.jp2", 50_000, "c" * 128, "d" * 32, "", "", ""),
    ]  # fmt: skip
    when = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    events = [
        PremisEvent(str(uuid.uuid4()), kind, when, f"chi tiết {kind}", outcome, "ghi chú",
                    [("thuvien", "executing program")], [OBJ])
        for kind, outcome in [
            ("ingestion", "success"), ("fixity check", "failure"),
            ("message digest calculation", "success"), ("format identification", "warning"),
            ("migration", "success"), ("replication", "success"), ("deletion", "success"),
            ("validation", "success"), ("virus check", "success"),
        ]
    ]  # fmt: skip
    agents = [PremisAgent("thuvien", "thuvien", "software", "0.1"),
              PremisAgent("nlv", "Thư viện Quốc gia Việt Nam", "organization")]  # fmt: skip
    args = {"objects": [PremisObject(OBJ, files)], "events": events, "agents": agents}
    args.update(overrides)
    return premis_xml(args["objects"], args["events"], args["agents"])


def test_premis_is_schema_valid_with_the_loc_vocabulary(schema):
    root = valid(schema, sample_premis())
    assert root.tag == "{http://www.loc.gov/premis/v3}premis" and root.get("version") == "3.0"
    kinds = [o.get(f"{{{NS['xsi']}}}type") for o in root.findall("premis:object", NS)]
    assert kinds == ["premis:intellectualEntity", "premis:file", "premis:file"]
    types = {e.text: e.get("valueURI") for e in root.iterfind("premis:event/premis:eventType", NS)}
    assert types["fixity check"] == f"{EVENT_TYPE_AUTHORITY}/fix"
    assert types["format identification"] == f"{EVENT_TYPE_AUTHORITY}/for"
    assert types["virus check"] == f"{EVENT_TYPE_AUTHORITY}/vir"
    assert len(types) == 9 and all(types.values())
    event_type = root.find("premis:event/premis:eventType", NS)
    assert event_type.get("authorityURI") == EVENT_TYPE_AUTHORITY
    first = root.find("premis:object[2]", NS)
    fixity = {
        f.findtext("premis:messageDigestAlgorithm", namespaces=NS): f.findtext(
            "premis:messageDigest", namespaces=NS
        )
        for f in first.iterfind(".//premis:fixity", NS)
    }
    assert fixity == {"SHA-512": "a" * 128, "MD5": "b" * 32}
    assert first.findtext(".//premis:formatRegistryKey", namespaces=NS) == "fmt/353"
    unknown = root.find("premis:object[3]", NS)
    assert unknown.findtext(".//premis:formatName", namespaces=NS) == "unknown"
    assert unknown.find(".//premis:formatRegistry", NS) is None
    link = root.find("premis:event/premis:linkingObjectIdentifier", NS)
    assert link.findtext("premis:linkingObjectIdentifierValue", namespaces=NS) == OBJ


def test_premis_without_objects_describes_the_objects_events_name(schema):
    root = valid(schema, sample_premis(objects=[]))
    values = root.xpath("premis:object/premis:objectIdentifier/premis:objectIdentifierValue/text()",
                        namespaces=NS)  # fmt: skip
    assert values == [OBJ]
    with pytest.raises(ValueError, match="at least one object"):
        premis_xml([], [], [])


def test_premis_refuses_bad_outcome_and_cleans_control_characters(schema):
    event = PremisEvent(str(uuid.uuid4()), "ingestion", datetime.now(UTC), "a\x00b", "ok")
    with pytest.raises(ValueError, match="Invalid event outcome"):
        premis_xml([PremisObject(OBJ)], [event], [])
    event.outcome = "success"
    root = valid(schema, premis_xml([PremisObject(OBJ)], [event], []))
    assert root.findtext(".//premis:eventDetail", namespaces=NS) == "a\ufffdb"


def test_mods_follows_the_loc_crosswalk_and_is_valid(schema):
    root = valid(schema, mods_xml(DC))
    assert root.get("version") == "3.6"

    def texts(path):
        return root.xpath(path, namespaces=NS)

    assert texts("mods:titleInfo[not(@type)]/mods:title/text()") == ["Truyện Kiều"]
    assert texts("mods:titleInfo[@type='alternative']/mods:title/text()") == [
        "Đoạn trường tân thanh"
    ]
    assert texts("mods:name[mods:role/mods:roleTerm='creator']/mods:namePart/text()") == [
        "Nguyễn Du"
    ]
    assert texts("mods:name[mods:role/mods:roleTerm='contributor']/mods:namePart/text()") == [
        "Kiều Oánh Mậu"
    ]
    assert texts("mods:subject/mods:topic/text()") == ["Thơ Nôm"]
    assert texts("mods:note[not(@displayLabel)]/text()") == ["Bản in khắc gỗ"]
    assert texts("mods:originInfo/mods:publisher/text()") == ["Liễu Văn Đường"]
    assert texts("mods:originInfo/mods:dateOther[@encoding='w3cdtf']/text()") == ["1871"]
    assert texts("mods:typeOfResource/text()") == ["text"]
    assert texts("mods:genre[@authority='dct']/text()") == ["Text"]
    assert texts("mods:physicalDescription/mods:internetMediaType/text()") == ["image/tiff"]
    assert texts("mods:physicalDescription/mods:extent/text()") == ["120 tờ"]
    assert texts("mods:identifier[@type='isbn']/text()") == ["978-604-9547-35-5"]
    assert texts("mods:identifier[not(@type)]/text()") == ["978-604-9547-35-9"]  # bad check
    assert texts("mods:identifier[@type='uri']/text()") == ["https://thuvien.vn/so/obj-000123"]
    assert texts("mods:relatedItem[@type='original']/mods:titleInfo/mods:title/text()") == [
        "Thư viện Quốc gia Việt Nam, R.1234"
    ]
    assert texts("mods:language/mods:languageTerm[@authority='iso639-2b']/text()") == ["vie"]
    assert texts("mods:relatedItem[not(@type)]/mods:location/mods:url/text()") == [
        "https://thuvien.vn/bo-suu-tap/han-nom"
    ]
    assert texts("mods:subject/mods:geographic/text()") == ["Hà Nội"]
    assert texts("mods:subject/mods:temporal/text()") == ["thế kỷ 19"]
    assert texts("mods:accessCondition/text()") == ["Phạm vi công cộng"]
    assert texts("mods:note[@displayLabel='audience']/text()") == ["Nhà nghiên cứu"]


def test_mods_of_empty_and_single_string_values(schema):
    root = valid(schema, mods_xml({"title": "Một chuỗi", "creator": [], "type": ["bản thảo"]}))
    assert root.xpath("mods:titleInfo/mods:title/text()", namespaces=NS) == ["Một chuỗi"]
    assert root.xpath("mods:typeOfResource/@manuscript", namespaces=NS) == ["yes"]
    assert root.find("mods:name", NS) is None


def mets_files() -> list[MetsFile]:
    files = []
    for order, label in ((1, "Bìa"), (2, "1"), (3, "2")):
        files.append(MetsFile(f"master-{order}", f"masters/{order:04}.tif", "image/tiff",
                              70_000, "e" * 128, "master", order, label))  # fmt: skip
        files.append(MetsFile(f"access-{order}", f"access/{order:04}.jpg", "image/jpeg",
                              9_000, None, "access", order, label))  # fmt: skip
        files.append(MetsFile(f"ocr-{order}", f"ocr/trang {order}.hocr", "text/vnd.hocr+html",
                              800, None, "ocr", order, label))  # fmt: skip
    files.append(MetsFile("pdf", "pdf/obj-000123.pdf", "application/pdf", 30_000, None, "pdf"))
    files.append(MetsFile("1:bad id", "thumbs/t.jpg", "image/jpeg", 500, None, "thumbnail", 1))
    return files


def test_mets_is_valid_with_mods_dc_and_premis_inside(schema):
    data = mets_xml(OBJ, DC, mets_files(), sample_premis(), "Truyện Kiều")
    root = valid(schema, data)
    assert root.get("OBJID") == OBJ and root.get("LABEL") == "Truyện Kiều"
    wraps = root.xpath("mets:dmdSec/mets:mdWrap/@MDTYPE", namespaces=NS)
    assert wraps == ["MODS", "DC"]
    assert root.find("mets:dmdSec/mets:mdWrap/mets:xmlData/mods:mods", NS) is not None
    dc_titles = root.xpath("//oai_dc:dc/dc:title/text()", namespaces=NS)
    assert dc_titles == ["Truyện Kiều", "Đoạn trường tân thanh"]
    premis = root.find(
        "mets:amdSec/mets:digiprovMD/mets:mdWrap[@MDTYPE='PREMIS']/mets:xmlData/premis:premis",
        NS,
    )
    assert premis is not None and len(premis.findall("premis:event", NS)) == 9
    groups = root.xpath("mets:fileSec/mets:fileGrp/@USE", namespaces=NS)
    assert groups == ["master", "access", "thumbnail", "ocr", "pdf"]
    master = root.find("mets:fileSec/mets:fileGrp[@USE='master']/mets:file", NS)
    assert master.get("CHECKSUMTYPE") == "SHA-512" and master.get("CHECKSUM") == "e" * 128
    hrefs = root.xpath("//mets:fileGrp[@USE='ocr']/mets:file/mets:FLocat/@xlink:href",
                       namespaces=NS)  # fmt: skip
    assert hrefs[0] == "ocr/trang%201.hocr"
    pages = root.findall("mets:structMap[@TYPE='physical']/mets:div/mets:div", NS)
    assert [(p.get("ORDER"), p.get("ORDERLABEL")) for p in pages] == [
        ("1", "Bìa"), ("2", "1"), ("3", "2"),
    ]  # fmt: skip
    first = [f.get("FILEID") for f in pages[0].findall("mets:fptr", NS)]
    assert first[:3] == ["master-1", "access-1", "ocr-1"] and first[3].startswith("F_1_bad_id")
    top = root.find("mets:structMap/mets:div", NS)
    assert [f.get("FILEID") for f in top.findall("mets:fptr", NS)] == ["pdf"]


def test_mets_without_premis_or_files_is_still_valid(schema):
    root = valid(schema, mets_xml(OBJ, {"title": ["Tên"]}, [], None, ""))
    assert root.find("mets:amdSec", NS) is None
    assert root.find("mets:structMap/mets:div", NS).get("ADMID") is None


def test_schema_check_is_strict_inside_mets(schema):
    """The embedded PREMIS is really checked: breaking it makes the METS invalid."""
    data = mets_xml(OBJ, DC, mets_files(), sample_premis(), "x")
    root = etree.fromstring(data)
    when = root.find(".//premis:event/premis:eventDateTime", NS)
    when.getparent().remove(when)
    assert not schema.validate(root)
    assert "eventDateTime" in str(schema.error_log) or "eventDetail" in str(schema.error_log)
