"""Fuzzing the readers (hypothesis): random bytes and real records mutated where it hurts
(truncation, flipped bytes in the leader and directory, bytes inserted or deleted). The
readers never raise, always finish, and every item has a record or an error, its raw bytes
taken from the input at its offset."""

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.catalog.test_marc_readers import LC_VIE, MARC4J, read
from thuvien.catalog.marc.readers import read_iso2709, read_marc_json, read_marcxml

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEEDS = [item.raw for item in read(LC_VIE)[:4]] + [
    item.raw
    for name in ("u335.mrc", "greekmissingcharsetchange.mrc", "chabon-loc.mrc")
    for item in read(MARC4J / name)
]
JSON_SEED = (MARC4J / "marc-in-json.json").read_bytes()
XML_SEED = (MARC4J / "OCLC_814388508.xml").read_bytes()


def check(items: list, data: bytes) -> None:
    assert [item.position for item in items] == list(range(1, len(items) + 1))
    end = 0
    for item in items:
        assert (item.record is None) != (item.error is None)
        assert isinstance(item.raw, bytes)
        if item.record is not None:
            assert len(item.record.leader) == 24 and item.record.leader[9] == "a"
        else:
            assert " / " in item.error  # Vietnamese, then English
        if item.offset >= 0:
            assert data[item.offset : item.offset + len(item.raw)] == item.raw
            assert item.offset >= end  # items do not overlap, in file order
            end = item.offset + len(item.raw)


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    records = draw(st.lists(st.sampled_from(seeds), min_size=1, max_size=3))
    data = bytearray(b"".join(records))
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        # Most mutations land in the first 300 bytes: leader and directory.
        limit = min(len(data), draw(st.sampled_from([300, len(data)])))
        at = draw(st.integers(0, limit - 1))
        kind = draw(st.sampled_from(["flip", "digit", "insert", "delete", "truncate"]))
        if kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "digit":
            data[at] = draw(st.sampled_from(b"0123456789\x1d\x1e\x1f"))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=20))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 30))]
        else:
            del data[at:]
    return bytes(data)


@FUZZ
@given(st.binary(max_size=5000))
def test_iso2709_random_bytes(data):
    check(list(read_iso2709(io.BytesIO(data))), data)


@FUZZ
@given(mutated(SEEDS))
def test_iso2709_mutated_real_records(data):
    check(list(read_iso2709(io.BytesIO(data))), data)


@FUZZ
@given(st.binary(max_size=3000))
def test_marc_json_random_bytes(data):
    check(list(read_marc_json(io.BytesIO(data))), data)


@FUZZ
@given(mutated([JSON_SEED]))
def test_marc_json_mutated_record(data):
    check(list(read_marc_json(io.BytesIO(data))), data)


@FUZZ
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=30,
    )
)
def test_marc_json_any_json_value(value):
    data = json.dumps({"leader": "00000nam a2200000 a 4500", "fields": value}).encode()
    check(list(read_marc_json(io.BytesIO(data))), data)


@settings(max_examples=150, deadline=None)
@given(mutated([XML_SEED]))
def test_marcxml_mutated_record(data):
    check(list(read_marcxml(io.BytesIO(data))), data)
