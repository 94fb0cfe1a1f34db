import unicodedata

import pytest

from thuvien.digital.ocr.cer import cer, normalise, wer


def test_identical_texts_have_no_errors():
    assert cer("Thư viện Quốc gia Việt Nam", "Thư viện Quốc gia Việt Nam") == 0.0


def test_decomposed_and_precomposed_vietnamese_are_equal():
    nfd = unicodedata.normalize("NFD", "Nguyễn Khắc Phục")
    assert nfd != "Nguyễn Khắc Phục"
    assert cer("Nguyễn Khắc Phục", nfd) == 0.0


def test_tone_mark_stored_before_the_vowel_mark_is_the_same_letter():
    # e + acute + circumflex (a MARC-8 ordering) is the letter ế
    assert cer("Chế Lan Viên", "Che\u0301\u0302 Lan Viên") == 0.0


def test_line_breaks_and_runs_of_spaces_do_not_count():
    assert cer("Điều 1. Ban hành kèm theo", "Điều  1.\nBan\n\nhành kèm\ttheo ") == 0.0


def test_a_missing_diacritic_is_one_error_per_character():
    reference = "Việt Nam"  # 8 characters
    assert cer(reference, "Viet Nam") == pytest.approx(1 / 8)
    assert cer(reference, "Việt Nam") == 0.0


def test_case_and_punctuation_count():
    assert cer("Hà Nội.", "hà Nội") == pytest.approx(2 / 7)


def test_empty_texts():
    assert cer("", "") == 0.0
    assert cer("", "rác") == 1.0
    assert cer("trang", "") == 1.0


def test_hypothesis_longer_than_reference_can_exceed_one():
    assert cer("ab", "abcdefgh") == pytest.approx(3.0)


def test_word_error_rate_counts_words():
    assert wer("thư viện số quốc gia", "thư viên số quốc gia") == pytest.approx(1 / 5)
    assert wer("thư viện số", "thư\nviện   số") == 0.0


def test_normalise_is_nfc_with_single_spaces():
    assert normalise(" a \n\n b\t c ") == "a b c"
    assert unicodedata.is_normalized("NFC", normalise(unicodedata.normalize("NFD", "Đổi mới")))
