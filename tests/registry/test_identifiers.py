import pytest

from thuvien.registry.identifiers import (
    check_character,
    format_identifier,
    is_valid_identifier,
    normalize_identifier,
    serial_of,
)


def test_check_character_matches_the_published_iso_7064_example():
    # ORCID's documented example 0000-0002-1825-0097 uses ISO 7064 MOD 11-2.
    assert check_character("000000021825009") == "7"
    # ISNI 0000 0001 2103 2683 (a well-known published ISNI) ends in its check digit 3.
    assert check_character("000000012103268") == "3"


def test_format_and_validate():
    identifier = format_identifier(1)
    assert identifier.startswith("VN-0000001")
    assert len(identifier) == 3 + 8
    assert is_valid_identifier(identifier)
    assert serial_of(identifier) == 1


def test_every_single_digit_error_and_adjacent_swap_is_caught():
    identifier = format_identifier(4_735_102)
    body = identifier[3:]
    for position in range(7):
        for digit in "0123456789":
            if digit != body[position]:
                typo = body[:position] + digit + body[position + 1 :]
                assert not is_valid_identifier("VN-" + typo)
    for position in range(7):
        swapped = body[:position] + body[position + 1] + body[position] + body[position + 2 :]
        if swapped != body:
            assert not is_valid_identifier("VN-" + swapped)


def test_normalize_accepts_what_people_type():
    identifier = format_identifier(123)
    loose = identifier.lower().replace("-", " ")
    assert normalize_identifier(loose) == identifier


@pytest.mark.parametrize("serial", [0, -1, 10_000_000])
def test_out_of_range_serials_are_refused(serial):
    with pytest.raises(ValueError):
        format_identifier(serial)
