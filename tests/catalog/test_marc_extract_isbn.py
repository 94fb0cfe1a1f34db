"""ISBN, ISSN, LCCN and OCLC numbers: check digits worked out by hand, the forms that
020 $a takes in real records, and conversion in both directions."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thuvien.catalog.marc.isbn import (
    compact_isbn,
    is_valid_isbn,
    is_valid_issn,
    isbn_keys,
    isbn_qualifier,
    normalize_issn,
    normalize_lccn,
    oclc_number,
    to_isbn10,
    to_isbn13,
)

# Check digits computed by hand:
# 0-19-852663-6: 0*10+1*9+9*8+8*7+5*6+2*5+6*4+6*3+3*2 = 225, 225 mod 11 = 5, 11-5 = 6.
#   978019852663: 9+21+8+0+1+27+8+15+2+18+6+9 = 124 -> check 6.
# 094688840X (LC record 00369139): sum 287, 287 mod 11 = 1, 11-1 = 10 -> X.
#   978094688840: 9+21+8+0+9+12+6+24+8+24+4+0 = 125 -> check 5.
# 978-604-1-23456-7: 9+21+8+18+0+12+1+6+3+12+5+18 = 113 -> check 7;
#   its ISBN-10 604123456: 60+0+32+7+12+15+16+15+12 = 169, mod 11 = 4 -> check 7.
# 9786045012345: 9+21+8+18+0+12+5+0+1+6+3+12 = 95 -> check 5;
#   ISBN-10 604501234: 60+0+32+35+0+5+8+9+8 = 157, mod 11 = 3 -> check 8.
# 979-12-345-6789-6: 9+21+9+3+2+9+4+15+6+21+8+27 = 134 -> check 6 (no ISBN-10).
# 0716750139 (a Koha record's 020): 63+8+42+42+25+0+3+6 = 189, mod 11 = 2 -> 9;
#   978071675013: 9+21+8+0+7+3+6+21+5+0+1+9 = 90 -> check 0.
# 0851705774 (Koha LFL record): 72+40+7+42+0+20+21+14 = 216, mod 11 = 7 -> 4;
#   978085170577: 9+21+8+0+8+15+1+21+0+15+7+21 = 126 -> check 4.
VALID = [
    ("0-19-852663-6", "0198526636", "9780198526636", "0198526636"),
    ("9780198526636", "9780198526636", "9780198526636", "0198526636"),
    ("094688840X", "094688840X", "9780946888405", "094688840X"),
    ("094688840x", "094688840X", "9780946888405", "094688840X"),
    ("978-604-1-23456-7 (pbk.)", "9786041234567", "9786041234567", "6041234567"),
    ("9786045012345 : 50000đ", "9786045012345", "9786045012345", "6045012348"),
    ("ISBN 978 604 501 2345", "9786045012345", "9786045012345", "6045012348"),
    ("ISBN-10: 0-19-852663-6", "0198526636", "9780198526636", "0198526636"),
    ("０１９８５２６６３６", "0198526636", "9780198526636", "0198526636"),
    ("0716750139 :", "0716750139", "9780716750130", "0716750139"),
    ("0851705774 9780851705774", "0851705774", "9780851705774", "0851705774"),
    ("979-12-345-6789-6", "9791234567896", "9791234567896", None),
]


@pytest.mark.parametrize(("text", "compact", "isbn13", "isbn10"), VALID)
def test_valid_isbns_convert_both_ways(text, compact, isbn13, isbn10):
    assert compact_isbn(text) == compact
    assert is_valid_isbn(text)
    assert to_isbn13(text) == isbn13
    assert to_isbn10(text) == isbn10
    assert isbn_keys(text) == {k for k in (isbn13, isbn10) if k}


def test_an_isbn10_query_finds_the_isbn13_record_and_back():
    catalogued = isbn_keys("978-0-19-852663-6")
    assert isbn_keys("0198526636") & catalogued
    assert isbn_keys("0-19-852663-6 (pbk.)") == catalogued


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("0-19-852663-5", "0198526635"),  # wrong check digit
        ("9786045012346", "9786045012346"),
        ("9776045012345", "9776045012345"),  # ISBN-13 must start 978 or 979
        ("604501234", "604501234"),  # a digit missing: kept for the cataloguer to see
        ("X198526636", "198526636"),
    ],
)
def test_invalid_isbns_are_kept_as_catalogued_and_not_converted(text, kept):
    assert not is_valid_isbn(text)
    assert isbn_keys(text) == {kept}
    assert to_isbn13(text) is None
    assert to_isbn10(text) is None


@pytest.mark.parametrize("text", ["", None, "bìa mềm", "(pbk.)"])
def test_text_without_digits_has_no_isbn(text):
    assert compact_isbn(text) is None
    assert isbn_keys(text) == set()
    assert not is_valid_isbn(text)


def test_the_qualifier_is_read_apart_from_the_number():
    assert isbn_qualifier("978-604-1-23456-7 (pbk.)") == "pbk."
    assert isbn_qualifier("9786045012345 (bìa cứng) : 50000đ") == "bìa cứng"
    assert isbn_qualifier("9786045012345") is None


# ISSN check digits: 0317-8471: 0*8+3*7+1*6+7*5+8*4+4*3+7*2 = 120, mod 11 = 10, 11-10 = 1.
# 2049-3630: 16+0+24+45+12+18+6 = 121, mod 11 = 0 -> 0. 0000-006X: 6*2 = 12 -> 11-1 = X.
@pytest.mark.parametrize(
    ("text", "normal", "valid"),
    [
        ("0317-8471", "0317-8471", True),
        ("ISSN 03178471", "0317-8471", True),
        ("2049-3630 (Online)", "2049-3630", True),
        ("0000-006x", "0000-006X", True),
        ("0317-8472", "0317-8472", False),
        ("no number", None, False),
    ],
)
def test_issns(text, normal, valid):
    assert normalize_issn(text) == normal
    assert is_valid_issn(text) is valid


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("   00236597 ", "00236597"),  # LC record 00236597, 010 $a
        ("n78-890351", "n78890351"),
        ("85-2 ", "85000002"),
        ("   85000002 /AC/r86", "85000002"),
        ("n 2001050268", "n2001050268"),
        ("", None),
    ],
)
def test_lccn_normalisation(text, normal):
    assert normalize_lccn(text) == normal


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("(OCoLC)ocm12345678", "12345678"),
        ("(OCoLC)00012345", "12345"),
        ("(OCoLC)on1234567890", "1234567890"),
        ("(DLC)   00236597", None),
        ("", None),
    ],
)
def test_oclc_numbers(text, number):
    assert oclc_number(text) == number


# --- properties -------------------------------------------------------------------


@given(st.text())
def test_any_text_is_read_without_error(text):
    keys = isbn_keys(text)
    assert all(k.replace("X", "").isdigit() for k in keys)
    if is_valid_isbn(text):
        assert to_isbn13(text) in keys
    normalize_issn(text)
    normalize_lccn(text)
    oclc_number(text)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_isbn10_round_trips_through_its_isbn13(first9):
    total = sum((10 - i) * int(d) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    isbn10 = first9 + ("X" if check == 10 else str(check))
    isbn13 = to_isbn13(isbn10)
    assert is_valid_isbn(isbn10) and is_valid_isbn(isbn13)
    assert isbn13.startswith("978") and to_isbn10(isbn13) == isbn10
    assert isbn_keys(f"ISBN {isbn10[:1]}-{isbn10[1:5]}-{isbn10[5:]} (bìa mềm)") == {isbn10, isbn13}
