"""The OAI-PMH provider on real LC records: every verb, checked against OAI-PMH.xsd (with
oai_dc and MARC21slim inside) by xmllint; harvests through resumption tokens; sets,
dates and deleted records."""

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

from tests.catalog import test_oai_support as support
from tests.catalog.test_oai_support import (
    OAI,
    OAI_WRAPPER,
    first_records,
    ingest,
    oai_errors,
    oai_xml,
    xmllint,
)
from thuvien.catalog.models import BibRecord

two_libraries = support.two_libraries

DC = "{http://purl.org/dc/elements/1.1/}"
MARC = "{http://www.loc.gov/MARC21/slim}"


def get(client, **arguments):
    response = client.get("/oai", arguments)
    xmllint(response.content, OAI_WRAPPER)
    return oai_xml(response)


def identifiers(root) -> list[str]:
    return [h.findtext(f"{OAI}identifier") for h in root.iter(f"{OAI}header")]


def harvest(client, verb="ListIdentifiers", method="get", **arguments) -> tuple[list[str], list]:
    """Every identifier of a list, following resumption tokens; the token elements seen."""
    seen, tokens = [], []
    send = getattr(client, method)
    response = send("/oai", {"verb": verb, **arguments})
    while True:
        root = oai_xml(response)
        assert oai_errors(root) == []
        seen += identifiers(root)
        token = root.find(f".//{OAI}resumptionToken")
        if token is None or not token.text:
            tokens.append(token)
            return seen, tokens
        tokens.append(token)
        response = send("/oai", {"verb": verb, "resumptionToken": token.text})


def test_identify_describes_the_repository(client, two_libraries, settings):
    settings.THUVIEN_OAI_REPOSITORY_ID = "mucluc.thuvien.gov.vn"
    settings.THUVIEN_OAI_ADMIN_EMAIL = "oai@thuvien.gov.vn"
    root = get(client, verb="Identify")
    identify = root.find(f"{OAI}Identify")
    assert identify.findtext(f"{OAI}protocolVersion") == "2.0"
    assert identify.findtext(f"{OAI}deletedRecord") == "persistent"
    assert identify.findtext(f"{OAI}granularity") == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext(f"{OAI}adminEmail") == "oai@thuvien.gov.vn"
    assert identify.findtext(f"{OAI}baseURL") == "http://testserver/oai"
    earliest = min(BibRecord.objects.values_list("updated_at", flat=True))
    assert identify.findtext(f"{OAI}earliestDatestamp") == earliest.strftime("%Y-%m-%dT%H:%M:%SZ")
    sample = root.findtext(
        ".//{http://www.openarchives.org/OAI/2.0/oai-identifier}sampleIdentifier"
    )
    assert sample == "oai:mucluc.thuvien.gov.vn:1"


def test_metadata_formats_sets_and_records_are_valid(client, two_libraries):
    lc, nlv = two_libraries
    formats = get(client, verb="ListMetadataFormats")
    assert [e.text for e in formats.iter(f"{OAI}metadataPrefix")] == ["oai_dc", "marc21"]
    sets = get(client, verb="ListSets")
    specs = {
        s.findtext(f"{OAI}setSpec"): s.findtext(f"{OAI}setName") for s in sets.iter(f"{OAI}set")
    }
    assert specs == {
        "library": "Thư viện đóng góp biểu ghi / Contributing libraries",
        f"library:{lc.vn_id}": lc.name,
        f"library:{nlv.vn_id}": nlv.name,
    }
    record = BibRecord.objects.filter(source__library=lc).exclude(title="").first()
    identifier = f"oai:thuvien.local:{record.pk}"
    assert (
        get(client, verb="ListMetadataFormats", identifier=identifier).find(
            f"{OAI}ListMetadataFormats"
        )
        is not None
    )
    dc = get(client, verb="GetRecord", identifier=identifier, metadataPrefix="oai_dc")
    title = dc.findtext(f".//{DC}title")
    assert title and unicodedata.is_normalized("NFC", title)
    assert dc.findtext(f".//{OAI}setSpec") == f"library:{lc.vn_id}"
    marc = get(client, verb="GetRecord", identifier=identifier, metadataPrefix="marc21")
    assert marc.find(f".//{MARC}record/{MARC}leader") is not None
    assert (
        get(client, verb="ListRecords", metadataPrefix="oai_dc").find(f".//{DC}title") is not None
    )
    assert (
        get(client, verb="ListRecords", metadataPrefix="marc21").find(f".//{MARC}record")
        is not None
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_harvest_through_tokens_sees_every_record_once(client, two_libraries, settings, method):
    settings.THUVIEN_OAI_PAGE_SIZE = 40
    seen, tokens = harvest(client, method=method, metadataPrefix="oai_dc")
    expected = [f"oai:thuvien.local:{pk}" for pk in BibRecord.objects.values_list("pk", flat=True)]
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen)) == 181
    assert [t.get("cursor") for t in tokens] == ["0", "40", "80", "120", "160"]
    assert {t.get("completeListSize") for t in tokens} == {"181"}
    assert all(t.get("expirationDate") for t in tokens[:-1]) and tokens[-1].text is None


def test_records_changed_during_a_harvest_are_neither_skipped_nor_lost(
    client, two_libraries, settings
):
    settings.THUVIEN_OAI_PAGE_SIZE = 50
    first = oai_xml(client.get("/oai", {"verb": "ListIdentifiers", "metadataPrefix": "marc21"}))
    token = first.findtext(f".//{OAI}resumptionToken")
    page = identifiers(first)
    # Two records change: one already sent, one not yet sent.
    sent, unsent = (int(i.rsplit(":", 1)[1]) for i in (page[0], page[-1]))
    later = BibRecord.objects.order_by("-pk").values_list("pk", flat=True)[5]
    BibRecord.objects.filter(pk__in=[sent, later]).update(updated_at=datetime.now(UTC))
    rest = []
    while token:
        root = oai_xml(client.get("/oai", {"verb": "ListIdentifiers", "resumptionToken": token}))
        rest += identifiers(root)
        token = root.findtext(f".//{OAI}resumptionToken")
    assert set(page) | set(rest) == {
        f"oai:thuvien.local:{pk}" for pk in BibRecord.objects.values_list("pk", flat=True)
    }
    assert rest[-2:] == [f"oai:thuvien.local:{sent}", f"oai:thuvien.local:{later}"]
    assert f"oai:thuvien.local:{unsent}" not in rest


def test_sets_select_one_library(client, two_libraries):
    _, nlv = two_libraries
    seen, _ = harvest(client, metadataPrefix="oai_dc", set=f"library:{nlv.vn_id}")
    ids = BibRecord.objects.filter(source__library=nlv).values_list("pk", flat=True)
    assert sorted(seen) == sorted(f"oai:thuvien.local:{pk}" for pk in ids) and len(seen) == 60
    everything, _ = harvest(client, metadataPrefix="oai_dc", set="library")
    assert len(everything) == 181
    unknown = get(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="library:VN-0")
    assert oai_errors(unknown) == ["badArgument"]


def test_deleted_records_keep_their_identifier_with_a_new_datestamp(
    client, contributor, lc_vie_file, tmp_path
):
    ingest(contributor, lc_vie_file)
    before = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
    BibRecord.objects.update(updated_at=before - timedelta(days=3))
    ingest(contributor, first_records(lc_vie_file, 100, tmp_path / "fewer.mrc"), mode="replace")
    gone = BibRecord.objects.filter(status="deleted")
    assert gone.count() == 21
    since = (before - timedelta(days=1)).strftime("%Y-%m-%d")
    root = get(client, verb="ListRecords", metadataPrefix="marc21", **{"from": since})
    headers = list(root.iter(f"{OAI}header"))
    assert len(headers) == 21 and {h.get("status") for h in headers} == {"deleted"}
    assert root.find(f".//{OAI}metadata") is None
    one = get(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=identifiers(root)[0])
    assert one.find(f".//{OAI}header").get("status") == "deleted"


def test_from_and_until_in_both_granularities(client, two_libraries):
    ids = list(BibRecord.objects.order_by("pk").values_list("pk", flat=True))
    base = datetime(2024, 3, 10, 8, 30, 15, 500000, tzinfo=UTC)
    for offset, pk in enumerate(ids):
        BibRecord.objects.filter(pk=pk).update(updated_at=base + timedelta(hours=offset))

    def count(**dates):
        root = oai_xml(
            client.get("/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", **dates})
        )
        if oai_errors(root) == ["noRecordsMatch"]:
            return 0
        assert oai_errors(root) == []
        token = root.find(f".//{OAI}resumptionToken")
        return int(token.get("completeListSize")) if token is not None else len(identifiers(root))

    assert count(until="2024-03-10T08:30:15Z") == 1  # a second covers its fractions
    assert count(**{"from": "2024-03-10T08:30:16Z", "until": "2024-03-10T09:30:15Z"}) == 1
    assert count(until="2024-03-10") == 16  # hours 08:30 to 23:30 of that day
    assert count(**{"from": "2024-03-11", "until": "2024-03-11"}) == 24
    assert count(**{"from": "2030-01-01"}) == 0
    assert count() == len(ids)


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Frobnicate"}, "badVerb"),
        ({"verb": ["Identify", "Identify"]}, "badVerb"),
        ({"verb": "Identify", "metadataPrefix": "oai_dc"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "marc21"]}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-13-45"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "0000-00-00"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "2024-01-01T10:00Z"},
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2024-02-01",
                "until": "2024-01-01",
            },
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2024-01-01",
                "until": "2024-02-01T00:00:00Z",
            },
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2090-01-01"},
            "noRecordsMatch",
        ),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:elsewhere.org:1"},
            "idDoesNotExist",
        ),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:thuvien.local:x1"},
            "idDoesNotExist",
        ),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:thuvien.local:01"},
            "idDoesNotExist",
        ),
        (
            {
                "verb": "GetRecord",
                "metadataPrefix": "oai_dc",
                "identifier": "oai:thuvien.local:" + "9" * 40,
            },
            "idDoesNotExist",
        ),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
        (
            {"verb": "ListMetadataFormats", "identifier": "oai:thuvien.local:999999"},
            "idDoesNotExist",
        ),
        ({"verb": "ListSets", "resumptionToken": "forged"}, "badResumptionToken"),
        ({"verb": "ListIdentifiers", "resumptionToken": "eyJ2IjoxfQ.AAAA"}, "badResumptionToken"),
        ({"verb": "ListIdentifiers", "resumptionToken": "ünïcode.x"}, "badResumptionToken"),
    ],
)
def test_every_error_condition_has_its_code(client, contributor, arguments, code):
    root = get(client, **arguments)
    assert oai_errors(root) == [code] * len(oai_errors(root)) and oai_errors(root)
    message = root.findtext(f"{OAI}error")
    assert " / " in message  # English, then Vietnamese
    if code in ("badVerb", "badArgument"):
        assert root.find(f"{OAI}request").attrib == {}


def test_tokens_cannot_be_altered_reused_across_verbs_or_kept_for_ever(
    client, two_libraries, settings
):
    settings.THUVIEN_OAI_PAGE_SIZE = 10
    root = get(client, verb="ListRecords", metadataPrefix="oai_dc")
    token = root.findtext(f".//{OAI}resumptionToken")
    body, signature = token.split(".")
    tampered = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + signature
    for verb, value in (("ListRecords", tampered), ("ListIdentifiers", token)):
        answer = get(client, verb=verb, resumptionToken=value)
        assert oai_errors(answer) == ["badResumptionToken"]
    mixed = get(client, verb="ListRecords", resumptionToken=token, metadataPrefix="oai_dc")
    assert oai_errors(mixed) == ["badArgument"]
    settings.THUVIEN_OAI_TOKEN_TTL = -1
    expiring = get(client, verb="ListRecords", metadataPrefix="oai_dc").findtext(
        f".//{OAI}resumptionToken"
    )
    expired = get(client, verb="ListRecords", resumptionToken=expiring)
    assert oai_errors(expired) == ["badResumptionToken"]
    assert "expired" in expired.findtext(f"{OAI}error")


def test_other_methods_are_refused_and_post_needs_a_form(client, two_libraries):
    assert client.put("/oai").status_code == 405
    raw = client.post("/oai", data=b"verb=Identify", content_type="application/xml")
    assert oai_errors(etree.fromstring(raw.content)) == ["badVerb"]
