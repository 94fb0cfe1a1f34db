"""MARC-in-JSON: checked against pymarc's JSONReader and against the ISO 2709 records yaz
wrote from its own JSON; one object, arrays and one object per line; broken objects are
error items and reading goes on."""

import io
import json

import pymarc
import pytest
from viparse.normalize.encodings import CHARMAPS

from tests.catalog.test_marc_readers import MARC4J, YAZ, shape
from thuvien.catalog.marc.readers import read_marc_json, read_records

LEGAL = MARC4J / "marc-in-json.json"
ILLEGAL = MARC4J / "illegal-marc-in-json.json"


def pymarc_shape(record: pymarc.Record) -> list:
    return [
        (f.tag, f.data)
        if f.is_control_field()
        else (f.tag, "".join(f.indicators), [(s.code, s.value) for s in f.subfields])
        for f in record.fields
    ]


def read(data: bytes) -> list:
    return list(read_marc_json(io.BytesIO(data)))


def test_marc4j_marc_in_json_matches_pymarc():
    items = list(read_records(LEGAL))
    theirs = list(pymarc.JSONReader(LEGAL.read_text(encoding="utf-8")))
    assert len(items) == len(theirs) == 1
    assert shape(items[0].record) == pymarc_shape(theirs[0])
    assert items[0].raw == LEGAL.read_bytes().strip()


def test_illegal_marc_in_json_is_an_error_item_with_all_its_bytes():
    data = ILLEGAL.read_bytes()
    with pytest.raises(ValueError):
        json.loads(data)  # the file really is invalid: raw newlines inside strings
    items = list(read_records(ILLEGAL))
    assert len(items) == 1 and items[0].record is None
    assert items[0].raw == data.strip()
    assert "JSON không hợp lệ" in items[0].error and "invalid JSON" in items[0].error


# yaz's JSON goldens and the ISO 2709 yaz wrote back from them; left out: 1-3 (danmarc,
# 001 with subfields), 4 (no fields), 12 (yaz keeps stray 0x1F bytes inside a JSON value).
@pytest.mark.parametrize("number", [0, 5, 6, 7, 8, 9, 10, 11])
def test_yaz_json_reads_like_the_iso2709_yaz_wrote_from_it(number):
    ours = list(read_records(YAZ / f"marc{number}.json"))
    iso = list(read_records(YAZ / f"marc{number}.json.marc"))
    assert shape(ours[0].record) == shape(iso[0].record)


def _objects() -> list[dict]:
    return [json.loads((YAZ / f"marc{n}.json").read_text(encoding="utf-8")) for n in (0, 5, 7)]


@pytest.mark.parametrize("layout", ["array", "lines", "concatenated"])
def test_arrays_and_one_object_per_line(layout):
    objects = _objects()
    texts = [json.dumps(obj, ensure_ascii=False).encode() for obj in objects]
    data = {
        "array": b"[\n" + b",\n".join(texts) + b"\n]\n",
        "lines": b"\n".join(texts) + b"\n",
        "concatenated": b"".join(texts),
    }[layout]
    items = read(data)
    assert [item.position for item in items] == [1, 2, 3]
    for item, text, obj in zip(items, texts, objects, strict=True):
        assert item.raw == text and data[item.offset : item.offset + len(text)] == text
        assert item.record.leader[:9] == obj["leader"][:9]


def test_a_broken_line_is_an_error_and_the_next_line_is_read():
    good = [json.dumps(obj, ensure_ascii=False).encode() for obj in _objects()]
    broken = good[1][: len(good[1]) // 2]
    items = read(b"\n".join([good[0], broken, good[2]]) + b"\n")
    assert [item.record is not None for item in items] == [True, False, True]
    assert items[1].raw.strip() == broken
    assert shape(items[2].record) == shape(read(good[2])[0].record)


@pytest.mark.parametrize(
    "value, reason",
    [
        (b"[1, 2]", "not a JSON object"),
        (b'{"leader": 5, "fields": [{"001": "x"}]}', "leader is not a string"),
        (b'{"leader": "00000nam a2200000 a 4500"}', "fields array missing"),
        (b'{"leader": "", "fields": [{"245": {"subfields": [{"a": 1}]}}]}', "not a string"),
        (b'{"leader": "", "fields": [{"245": 7}]}', "field 245"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_values_that_are_not_records_are_errors(value, reason):
    items = read(value)
    assert items and all(item.record is None for item in items)
    assert any(reason in item.error for item in items)


def test_legacy_bytes_inside_json_strings_are_decoded():
    title = "Truyện Kiều: đoạn trường tân thanh, bản in của Liễu Văn đường"
    to_tcvn3 = {unicode: legacy for legacy, unicode in CHARMAPS["tcvn3"].pairs}  # viparse
    tcvn3 = "".join(to_tcvn3.get(char, char) for char in title).encode("latin-1")
    body = (
        b'{"leader": "00000nam a2200000 a 4500", "fields": [{"008": "'
        + b" " * 35
        + b'vie  "}, {"245": {"ind1": "1", "ind2": "0", "subfields": [{"a": "'
        + tcvn3
        + b'"}]}}]}'
    )
    item = read(body)[0]
    assert item.record.first("245", "a") == title
    assert "tcvn3->unicode:245" in item.conversions
    assert item.raw == body
