"""The SRU server on real LC records: searches by the indexes copy cataloguing uses, counts
checked against the database, paging, both versions and packings, every diagnostic; each
response checked by xmllint (the SRU envelope, MARCXML against MARC21slim.xsd)."""

from urllib.parse import urlencode

import pytest
from lxml import etree

from tests.catalog import test_oai_support as support
from tests.catalog.test_oai_support import sru_valid
from thuvien.catalog.marc import storage
from thuvien.catalog.marc.extract import extract
from thuvien.catalog.models import BibRecord
from thuvien.kernel.search.analysis import fold_tokens

two_libraries = support.two_libraries
SRW = "{http://www.loc.gov/zing/srw/}"
SRU2 = "{http://docs.oasis-open.org/ns/search-ws/sruResponse}"
MARC = "{http://www.loc.gov/MARC21/slim}"
DC = "{http://purl.org/dc/elements/1.1/}"


def search(client, query, version="1.2", **more):
    arguments = {"version": version, "operation": "searchRetrieve", "query": query, **more}
    response = client.get("/sru?" + urlencode(arguments))
    assert response.status_code == 200
    return sru_valid(response.content)


def count(client, query) -> int:
    root = search(client, query, maximumRecords="0")
    assert diagnostics(root) == [], query
    return int(root.findtext(f"{SRW}numberOfRecords"))


def diagnostics(root) -> list[int]:
    return [
        int(uri.text.rsplit("/", 1)[1])
        for uri in root.iter()
        if isinstance(uri.tag, str) and uri.tag.endswith("}uri")
    ]


def record_ids(root) -> list[str]:
    return [r.findtext(f"{MARC}controlfield[@tag='001']") for r in root.iter(f"{MARC}record")]


def records_with(word: str, values=lambda extracted: [extracted.title or ""]) -> set[int]:
    """Records with the word in one of ``values`` (by default the title, as the catalogue
    extracts it), from the database."""
    found = set()
    for pk, marc in BibRecord.objects.filter(status="active").values_list("pk", "marc"):
        if any(word in fold_tokens(value) for value in values(extract(storage.load(marc)))):
            found.add(pk)
    return found


def titles_with(word: str) -> set[int]:
    return records_with(word)


def test_explain_describes_indexes_schemas_and_limits(client, db, settings):
    settings.THUVIEN_SRU_MAX_RECORDS = 50
    for version, ns in (("1.2", SRW), ("2.0", SRU2)):
        root = sru_valid(client.get(f"/sru?operation=explain&version={version}").content)
        assert root.tag == f"{ns}explainResponse"
        explain = root.find(".//{http://explain.z3950.org/dtd/2.0/}explain")
        names = {
            (n.get("set"), n.text) for n in explain.iter("{http://explain.z3950.org/dtd/2.0/}name")
        }
        for expected in [
            ("cql", "serverChoice"),
            ("cql", "anywhere"),
            ("dc", "title"),
            ("dc", "creator"),
            ("dc", "author"),
            ("dc", "subject"),
            ("dc", "publisher"),
            ("dc", "date"),
            ("dc", "identifier"),
            ("bath", "isbn"),
            ("bath", "issn"),
            ("bath", "standardIdentifier"),
            ("rec", "identifier"),
        ]:
            assert expected in names
        setting = explain.find(".//{http://explain.z3950.org/dtd/2.0/}setting")
        assert (setting.get("type"), setting.text) == ("maximumRecords", "50")
    assert etree.fromstring(client.get("/sru").content).tag == f"{SRW}explainResponse"


def test_field_searches_match_the_database(client, two_libraries):
    expected = titles_with("viet")
    assert 20 < len(expected) < 181
    root = search(client, "dc.title = viet", maximumRecords="100")
    assert int(root.findtext(f"{SRW}numberOfRecords")) == len(expected)
    assert count(client, "cql.anywhere = viet") > len(expected)  # publishers, names too
    assert count(client, 'dc.title = "VIỆT"') == len(expected)  # case and diacritics folded
    assert count(client, 'dc.title any "viet lich"') == len(expected | titles_with("lich"))
    assert count(client, 'dc.title adj "viet nam"') <= count(client, 'dc.title all "nam viet"')
    subjects = count(client, "dc.subject = vietnam")
    assert 0 < subjects <= count(client, "vietnam")


def test_isbn_searches_find_the_record_in_both_forms(client, two_libraries):
    record = next(
        r for r in BibRecord.objects.filter(status="active") if extract(storage.load(r.marc)).isbns
    )
    isbn = sorted(extract(storage.load(record.marc)).isbns)[0]
    for query in (f"bath.isbn = {isbn}", f"dc.identifier = {isbn}", f'rec.identifier = "{isbn}"'):
        root = search(client, query)
        assert diagnostics(root) == [] and int(root.findtext(f"{SRW}numberOfRecords")) >= 1
        local = (
            storage.load(record.marc).control_value("001")
            if hasattr(storage.load(record.marc), "control_value")
            else None
        )
        ids = record_ids(root)
        assert local is None or local in ids
    assert count(client, "bath.isbn = 123") == 0  # not an ISBN: nothing, no error


def test_booleans_dates_and_sorting_are_consistent(client, two_libraries):
    years = list(BibRecord.objects.filter(status="active").values_list("year", flat=True))
    span = count(client, "dc.date >= 1990 and dc.date <= 2005")
    assert span == sum(1 for y in years if y and 1990 <= y <= 2005)
    assert count(client, 'dc.date within "1990 2005"') == span
    a, b = "cql.serverChoice = history", "cql.serverChoice = vietnam"
    both = count(client, f"{a} and {b}")
    assert count(client, f"{a} or {b}") == count(client, a) + count(client, b) - both
    assert count(client, f"{a} not {b}") == count(client, a) - both
    recent = count(client, "dc.title = viet not dc.date < 2000")
    year_of = dict(BibRecord.objects.values_list("pk", "year"))
    assert recent == sum(1 for pk in titles_with("viet") if (year_of[pk] or 0) >= 2000) > 0
    root = search(client, "vietnam sortby dc.date/descending", maximumRecords="30")
    year_of = dict(BibRecord.objects.values_list("local_id", "year"))
    shown = [year_of[i.strip()] for i in record_ids(root)]
    assert len(shown) == 30 and None not in shown[:20]
    known = [y for y in shown if y is not None]
    assert known == sorted(known, reverse=True)


def test_paging_walks_the_whole_result(client, two_libraries):
    total = count(client, "vietnam")
    seen, start = [], 1
    while start:
        root = search(client, "vietnam", startRecord=str(start), maximumRecords="7")
        positions = [int(p.text) for p in root.iter(f"{SRW}recordPosition")]
        assert positions == list(range(start, start + len(positions)))
        seen += record_ids(root)
        following = root.findtext(f"{SRW}nextRecordPosition")
        start = int(following) if following else 0
    assert len(seen) == total == len(set(seen))


def test_versions_schemas_and_packings(client, two_libraries):
    two = search(client, "dc.title = viet", version="2.0", recordSchema="dc", maximumRecords="3")
    assert two.tag == f"{SRU2}searchRetrieveResponse"
    assert two.findtext(f"{SRU2}resultCountPrecision").endswith("/exact")
    records = list(two.iter("{info:srw/schema/1/dc-schema}dc"))
    assert len(records) == 3
    assert all(any("viet" in fold_tokens(t.text) for t in r.iter(f"{DC}title")) for r in records)
    packed = search(client, "vietnam", recordPacking="string", maximumRecords="2")
    data = [d.text for d in packed.iter(f"{SRW}recordData")]
    assert len(data) == 2 and all(etree.fromstring(d.encode()).tag == f"{MARC}record" for d in data)
    escaped = search(
        client, "vietnam", version="2.0", recordXMLEscaping="string", maximumRecords="1"
    )
    assert escaped.findtext(f".//{SRU2}recordXMLEscaping") == "string"
    posted = client.post(
        "/sru", {"version": "1.2", "operation": "searchRetrieve", "query": "vietnam"}
    )
    assert sru_valid(posted.content).findtext(f"{SRW}numberOfRecords") == str(
        count(client, "vietnam")
    )


def test_field_clauses_are_exact_however_common_the_word_is_elsewhere(
    client, two_libraries, settings
):
    settings.THUVIEN_SRU_SCAN_LIMIT = 3
    titles = titles_with("viet")
    subjects = records_with("vietnam", lambda extracted: extracted.subjects)
    assert 3 < len(titles) < count(client, "viet") - 3  # more records have it elsewhere
    assert len(subjects) > 3
    root = search(client, "dc.title = viet", version="2.0", maximumRecords="5")
    assert diagnostics(root) == []
    assert root.findtext(f"{SRU2}resultCountPrecision").endswith("/exact")
    assert int(root.findtext(f"{SRU2}numberOfRecords")) == len(titles)
    assert len(list(root.iter(f"{MARC}record"))) == 5
    assert count(client, "dc.subject = vietnam") == len(subjects)
    assert count(client, "dc.subject = vietnam not dc.title = viet") == len(subjects - titles)
    assert count(client, 'dc.title adj "viet nam"') <= count(client, 'dc.title all "nam viet"')


def test_or_and_any_are_exact_however_many_records_match(client, two_libraries, settings):
    """Branches that are each exact are the alternatives of one kernel query: no scan."""
    settings.THUVIEN_SRU_SCAN_LIMIT = 3
    titles = titles_with("viet")
    subjects = records_with("vietnam", lambda extracted: extracted.subjects)
    root = search(client, "dc.title = viet or dc.subject = vietnam", version="2.0")
    assert diagnostics(root) == []
    assert root.findtext(f"{SRU2}resultCountPrecision").endswith("/exact")
    assert int(root.findtext(f"{SRU2}numberOfRecords")) == len(titles | subjects) > 3
    anywhere = count(client, 'cql.anywhere any "vietnam history"')
    assert anywhere >= max(count(client, "vietnam"), count(client, "history")) > 3
    assert anywhere <= count(client, "vietnam") + count(client, "history")


def test_a_cut_scan_says_the_answer_is_partial(client, two_libraries, settings):
    settings.THUVIEN_SRU_SCAN_LIMIT = 20
    # One branch per word, and "==": both still checked record by record.
    query = 'cql.anywhere any "vietnam history" not dc.title == "vietnam"'
    root = search(client, query, version="2.0", maximumRecords="5")
    assert diagnostics(root) == [59]
    assert root.findtext(f"{SRU2}resultCountPrecision").endswith("/minimum")
    assert len(list(root.iter(f"{MARC}record"))) == 5


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"operation": "searchRetrieve"}, 7),
        ({"query": "title ="}, 10),
        ({"query": "(vietnam or saigon"}, 13),
        ({"query": '"unclosed'}, 14),
        ({"query": "dc.shoesize = 42"}, 16),
        ({"query": "marc.245 = x"}, 15),
        ({"query": '> x="urn:nothing" x.title = y'}, 15),
        ({"query": "dc.title < saigon"}, 19),
        ({"query": "dc.title =/stem saigon"}, 20),
        ({"query": 'dc.title = ""'}, 27),
        ({"query": "viet*"}, 28),
        ({"query": "^vietnam"}, 31),
        ({"query": "dc.date = soon"}, 36),
        ({"query": " or ".join(f"w{i}" for i in range(20))}, 38),
        ({"query": "a prox b"}, 39),
        ({"query": "a and/rel.algorithm=cori b"}, 46),
        ({"query": "vietnam", "maximumRecords": "100000000"}, 6),
        ({"query": "vietnam", "maximumRecords": "-1"}, 6),
        ({"query": "vietnam", "startRecord": "0"}, 6),
        ({"query": "vietnam", "startRecord": "-5"}, 6),
        ({"query": "vietnam", "startRecord": "x"}, 6),
        ({"query": "vietnam", "startRecord": "100000"}, 61),
        ({"query": "vietnam", "recordSchema": "mods"}, 66),
        ({"query": "vietnam", "recordPacking": "json"}, 71),
        ({"query": "vietnam", "recordXPath": "/record"}, 72),
        ({"query": "vietnam", "stylesheet": "x.xsl"}, 110),
        ({"query": "vietnam", "sortKeys": "title,,1"}, 80),
        ({"query": "vietnam sortby dc.title dc.date"}, 84),
        ({"query": "vietnam sortby dc.title/upwards"}, 90),
        ({"query": "vietnam", "queryType": "xcql"}, 11),
        ({"query": "vietnam", "frobnicate": "1"}, 8),
        ({"query": ["vietnam", "saigon"]}, 6),
        ({"query": "vietnam", "version": "3.0"}, 5),
        ({"operation": "scan", "scanClause": "dc.title=a"}, 4),
    ],
)
def test_every_bad_request_gets_its_diagnostic(client, db, arguments, code):
    arguments = {"version": "1.2", "operation": "searchRetrieve", **arguments}
    response = client.get("/sru?" + urlencode(arguments, doseq=True))
    assert response.status_code == 200
    root = sru_valid(response.content)
    assert diagnostics(root)[0] == code
    message = next(
        e.text for e in root.iter() if isinstance(e.tag, str) and e.tag.endswith("}message")
    )
    assert " / " in message  # the standard English message, then Vietnamese
