"""Property tests: the text functions hold their invariants on any input."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from thuvien.kernel.text import fold_for_search, normalize_text, search_key, tokens
from thuvien.kernel.text.legacy import LEGACY_ENCODINGS, detect_encoding, repair, to_unicode

VIETNAMESE_LETTERS = (
    "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđbcdghklmnpqrstvx"
)
vietnamese_words = st.text(
    alphabet=st.sampled_from(VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper()),
    min_size=1,
    max_size=7,
)
vietnamese_text = st.lists(vietnamese_words, max_size=8).map(" ".join)
any_text = st.text(max_size=60) | vietnamese_text


@given(any_text)
def test_fold_is_idempotent_and_never_raises(text: str) -> None:
    folded = fold_for_search(text)
    assert fold_for_search(folded) == folded


@given(any_text)
def test_search_key_ignores_normalisation_form(text: str) -> None:
    key = search_key(text)
    assert search_key(unicodedata.normalize("NFD", text)) == key
    assert search_key(unicodedata.normalize("NFC", text)) == key


@given(vietnamese_text)
def test_search_key_is_idempotent_on_vietnamese(text: str) -> None:
    key = search_key(text)
    assert search_key(key) == key


@given(vietnamese_text)
def test_fold_of_vietnamese_is_ascii_and_matches_tokens(text: str) -> None:
    folded = fold_for_search(text)
    assert folded.isascii()
    assert tokens(text) == folded.split()
    assert fold_for_search(search_key(text)) == folded


@given(any_text)
def test_normalize_text_is_idempotent(text: str) -> None:
    normal = normalize_text(text)
    assert normalize_text(normal) == normal
    assert unicodedata.is_normalized("NFC", normal)


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_detection_and_conversion_never_raise_on_bytes(data: bytes) -> None:
    detection = detect_encoding(data)
    assert 0.0 <= detection.confidence <= 1.0
    for encoding in LEGACY_ENCODINGS:
        assert unicodedata.is_normalized("NFC", to_unicode(data, encoding))


@settings(max_examples=300)
@given(st.text(max_size=200))
def test_detection_and_repair_never_raise_on_text(text: str) -> None:
    detection = detect_encoding(text)
    assert 0.0 <= detection.confidence <= 1.0
    repaired, encoding = repair(text)
    assert encoding is not None or repaired == text
