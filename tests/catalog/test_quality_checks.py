"""Checks on one record, table-driven on hand-made records: each finding named."""

import pytest

from thuvien.catalog.marc.record import ControlField, DataField, Record
from thuvien.catalog.quality.checks import (
    ERROR,
    INFO,
    KEY_FIELDS,
    check_record,
    completeness,
    describe,
    encoding_findings,
)

LEADER = "00000nam a2200000 a 4500"
F008 = "990101s1999    vm a          000 0 vie d"


def good_book() -> Record:
    """A complete Vietnamese book record: no finding expected."""
    return Record(
        LEADER,
        [
            ControlField("001", "VN-HN-000123"),
            ControlField("008", F008),
            DataField("020", "  ", [("a", "9786041234567")]),
            DataField("041", "0 ", [("a", "vie")]),
            DataField("082", "04", [("a", "959.7")]),
            DataField("100", "0 ", [("a", "Trần Văn Giàu")]),
            DataField("245", "10", [("a", "Lịch sử Việt Nam /"), ("c", "Trần Văn Giàu")]),
            DataField("260", "  ", [("a", "Hà Nội :"), ("b", "Giáo dục,"), ("c", "1999")]),
            DataField("300", "  ", [("a", "350 tr. ;"), ("c", "21 cm")]),
            DataField("650", " 7", [("a", "Lịch sử")]),
        ],
    )


def without(record: Record, *tags: str) -> Record:
    return Record(record.leader, [f for f in record.fields if f.tag not in tags])


def codes(record: Record, conversions=()) -> set[str]:
    return {f.code for f in check_record(record, conversions).findings}


def test_a_complete_record_has_no_finding():
    assert codes(good_book()) == set()
    assert all(completeness(good_book()).values())


def test_a_valid_isbn_13_is_really_valid_in_the_fixture():
    # The fixture must hold a correct ISBN, or every other test would see a finding.
    from thuvien.catalog.marc.isbn import is_valid_isbn

    assert is_valid_isbn("9786041234567")


@pytest.mark.parametrize(
    ("tags", "code"),
    [
        (("001",), "missing:control_number"),
        (("008",), "missing:fixed_data"),
        (("260",), "missing:publisher"),
        (("300",), "missing:extent"),
        (("020",), "missing:isbn"),
        (("650",), "missing:subject"),
        (("082",), "missing:classification"),
        (("100",), "missing:name"),
    ],
)
def test_each_missing_key_field_is_named(tags, code):
    assert code in codes(without(good_book(), *tags))


def test_missing_date_language_and_title():
    record = good_book()
    record.fields = [
        DataField("260", "  ", [("a", "Hà Nội :"), ("b", "Giáo dục")]) if f.tag == "260" else f
        for f in record.fields
        if f.tag not in ("041", "245")
    ]
    record.fields[1] = ControlField("008", F008[:35] + "   " + F008[38:])
    found = codes(record)
    assert {"missing:date", "missing:language", "missing:title", "marc:no-245"} <= found


def test_name_and_isbn_are_only_expected_where_they_should_be():
    anonymous = without(good_book(), "100", "245")
    anonymous.fields.append(DataField("245", "00", [("a", "Truyện cổ tích")]))
    assert completeness(anonymous)["name"] is None  # no 245 $c: title main entry is normal
    old = good_book()
    old.fields[1] = ControlField("008", F008.replace("1999", "1965"))
    assert completeness(without(old, "020"))["isbn"] is None  # before ISBNs existed
    music = Record("00000njm a2200000 a 4500", without(good_book(), "020").fields)
    assert completeness(music)["isbn"] is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("9786041234568", "isbn:check-digit"),
        ("0-306-40615-3 (pbk.)", "isbn:check-digit"),
        ("978604123456", "isbn:length"),
        ("12345", "isbn:length"),
    ],
)
def test_invalid_isbns_name_the_value(value, code):
    record = without(good_book(), "020")
    record.fields.append(DataField("020", "  ", [("a", value)]))
    [finding] = [f for f in check_record(record).findings if f.code.startswith("isbn:")]
    assert finding.code == code and finding.value == value and finding.level == ERROR
    assert value in finding.vi and value in finding.en


def test_an_isbn_the_cataloguer_marked_invalid_is_not_a_fault():
    record = good_book()
    record.fields.append(DataField("020", "  ", [("z", "9786041234568")]))
    assert codes(record) == set()


@pytest.mark.parametrize(
    ("leader", "code"),
    [
        ("00000xam a2200000 a 4500", "marc:leader-05"),
        ("00000nxm a2200000 a 4500", "marc:leader-06"),
        ("00000naz a2200000 a 4500", "marc:leader-07"),
        ("00000nam x2200000 a 4500", "marc:leader-09"),
        ("00000nam a3200000 a 4500", "marc:leader-10"),
        ("00000nam a2200000Xa 4500", "marc:leader-17"),
        ("00000nam a2200000 q 4500", "marc:leader-18"),
        ("00000nam a2200000 a 9500", "marc:leader-20"),
        ("00000nam a22000", "marc:leader-length"),
    ],
)
def test_leader_positions_with_values_not_allowed(leader, code):
    record = good_book()
    record.leader = leader
    assert code in codes(record)


def test_structure_errors():
    record = good_book()
    record.fields += [
        DataField("650", "x7", [("a", "Văn hóa")]),
        DataField("500", "  ", []),
        DataField("005", "  ", [("a", "2020")]),
        ControlField("007", "ta\x1fbxx"),
        ControlField("500", "a note without indicators"),
        DataField("245", "10", [("a", "Một nhan đề nữa")]),
        DataField("110", "2 ", [("a", "Viện Sử học")]),
    ]
    findings = check_record(record).findings
    by_code = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(f)
    assert [f.tag for f in by_code["marc:indicator"]] == ["650"]
    assert [f.tag for f in by_code["marc:empty-field"]] == ["500"]
    assert {f.tag for f in by_code["marc:control-shape"]} == {"005", "007", "500"}
    assert [f.tag for f in by_code["marc:repeated"]] == ["245"]
    assert by_code["marc:main-entries"][0].vi.endswith("100, 110")


def test_encoding_repairs_are_found_and_fixed_findings():
    found = encoding_findings(["tcvn3->unicode", "nfd->nfc", "latin1->utf8:245", "nfd->nfc"])
    assert [f.code for f in found] == [
        "encoding:tcvn3->unicode",
        "encoding:nfd->nfc",
        "encoding:latin1->utf8",
    ]
    assert all(f.level == INFO for f in found)
    assert "TCVN3" in found[0].vi and "TCVN3" in found[0].en
    assert found[2].tag == "245" and "245" in found[2].en


def test_every_code_and_key_field_has_both_languages():
    record = Record("bad", [DataField("020", "  ", [("a", "12345")])])
    for finding in check_record(record, ["marc8->utf8", "viqr->unicode"]).findings:
        vi, en = describe(finding.code)
        assert vi and en and vi != finding.code, finding.code
        assert finding.vi and finding.en
    assert all(k.vi and k.en for k in KEY_FIELDS)
