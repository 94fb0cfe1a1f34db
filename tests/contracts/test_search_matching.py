"""What a query finds and in which order: the same answers from every backend."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.contracts.libraries import IDS
from thuvien.kernel.search import SearchError, SearchIndex, SearchQuery


def found(index: SearchIndex, text: str = "", **options: Any) -> list[str]:
    options.setdefault("limit", 50)
    return [hit.id for hit in index.search(SearchQuery(text=text, **options)).hits]


def test_diacritics_case_and_spacing_do_not_matter(index: SearchIndex) -> None:
    expected = {"VN-DN-0001", "VN-TN-0007"}  # Đà Nẵng, and "đa năng" which folds alike
    for text in ("da nang", "Đà Nẵng", "DA NANG", "đà   nẵng", "Da Nang"):
        assert set(found(index, text)) == expected, text


def test_unaccented_words_find_vietnamese_names(index: SearchIndex) -> None:
    names = {"VN-DLK-0001", "VN-TH-0001"}  # "Thư viện tỉnh ..."
    addresses = {"VN-HT-0012", "VN-LD-0003", "VN-QNI-0020"}  # "tỉnh" in the address only
    ids = found(index, "thu vien tinh")
    assert set(ids) == names | addresses
    assert set(ids[:2]) == names  # the name weighs more than the address
    assert found(index, "thu vien quoc gia") == ["VN-HN-0001"]


def test_d_with_stroke_folds_to_d(index: SearchIndex) -> None:
    assert found(index, "dak lak") == ["VN-DLK-0001"]
    assert found(index, "DUC THO") == ["VN-HT-0012"]
    assert found(index, "Đắk Lắk") == ["VN-DLK-0001"]


def test_tone_mark_placement_variants_match(index: SearchIndex) -> None:
    # The document has "Thanh Hóa" (older placement) and "Thanh Hoá" (newer).
    assert found(index, "thư viện Thanh Hoá") == ["VN-TH-0001"]
    assert found(index, "thư viện Thanh Hóa") == ["VN-TH-0001"]
    assert found(index, "Hòa Bình") == ["VN-TN-0007"]  # indexed as "Hoà Bình"


def test_exact_spelling_ranks_first(index: SearchIndex) -> None:
    assert found(index, "Đà Nẵng") == ["VN-DN-0001", "VN-TN-0007"]
    assert found(index, "đa năng") == ["VN-TN-0007", "VN-DN-0001"]


def test_relevance_scores_decrease(index: SearchIndex) -> None:
    scores = [hit.score for hit in index.search(SearchQuery(text="thư viện")).hits]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > 0


def test_every_word_is_required(index: SearchIndex) -> None:
    assert set(found(index, "thư viện hà nội")) == {"VN-HN-0001", "VN-HN-0002"}
    assert found(index, "quốc gia đà lạt") == []


def test_words_match_across_fields(index: SearchIndex) -> None:
    # "Bách khoa" is in the name, "Bạch Mai" in the address.
    assert found(index, "bach khoa bach mai") == ["VN-HN-0002"]


def test_quoted_phrase_keeps_word_order(index: SearchIndex) -> None:
    assert found(index, '"việt nam quốc gia"') == []
    assert found(index, '"quốc gia việt nam"') == ["VN-HN-0001"]
    assert set(found(index, '"tổng hợp"')) == {"VN-DN-0001", "VN-HCM-0001"}


def test_phrase_does_not_run_across_values(index: SearchIndex) -> None:
    # other_names holds "National Library of Vietnam" then "TVQG": not one phrase.
    assert found(index, '"vietnam tvqg"') == []
    assert found(index, "vietnam tvqg") == ["VN-HN-0001"]


def test_word_with_punctuation_is_a_phrase(index: SearchIndex) -> None:
    assert found(index, "Viên-Đà") == ["VN-LD-0003"]  # "Lâm Viên - Đà Lạt"


def test_minus_excludes(index: SearchIndex) -> None:
    with_tinh = {"VN-TH-0001", "VN-HT-0012", "VN-LD-0003", "VN-QNI-0020"}
    assert set(found(index, "thư viện tỉnh -đắk")) == with_tinh
    assert set(found(index, 'thư viện -"đà nẵng"')) == IDS - {"VN-DN-0001", "VN-TN-0007"}


def test_exclusion_alone_matches_the_rest(index: SearchIndex) -> None:
    with_ha = {"VN-HN-0001", "VN-HN-0002", "VN-HT-0012", "VN-QNI-0020"}  # Hà Nội, Sơn Hà...
    assert set(found(index, "-hà")) == IDS - with_ha


def test_empty_and_wordless_queries_match_everything(index: SearchIndex) -> None:
    for text in ("", "   ", "***", '"', "- + -"):
        result = index.search(SearchQuery(text=text, limit=50, facets=["province"]))
        assert result.total == len(IDS), text
        assert {hit.id for hit in result.hits} == IDS
        assert sum(count for _, count in result.facets["province"]) == len(IDS)


SPECIAL_QUERIES = [
    '"Đà Nẵng',
    'Đà Nẵng"',
    "name:Đà",
    "(thư viện",
    "thư viện)",
    "thư*",
    "viện^2",
    "viện~1",
    "a AND NOT b",
    "thư viện AND NOT tỉnh",
    "[1 TO 5]",
    "{}",
    "\\",
    "'; DROP TABLE x; --",
    "\x00thư\x00",
    "<script>",
    "%_%",
    "!(&|<->)",
    "' & '",
    "đà:*",
    "- -- ---",
    "+thư +viện",
    "日本 図書館",
    "x" * 300,
]


@pytest.mark.parametrize("text", SPECIAL_QUERIES)
def test_special_characters_do_not_break_search(index: SearchIndex, text: str) -> None:
    result = index.search(SearchQuery(text=text, facets=["province"], highlight=["name"]))
    assert result.total >= len(result.hits)
    assert all(hit.id in IDS for hit in result.hits)


def test_special_characters_are_plain_words(index: SearchIndex) -> None:
    assert found(index, '"Đà Nẵng') == found(index, "Đà Nẵng")
    assert set(found(index, "thư viện AND NOT tỉnh")) == set()  # "and", "not" are words
    assert found(index, "(dak lak)") == ["VN-DLK-0001"]


# Text made of the characters that query languages treat specially, mixed with words.
QUERY_ALPHABET = st.sampled_from([*"\"'():*^~+-!&|<>[]{}\\/ %_", "đà", "thư", "viện", " "])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(st.text(max_size=80), st.lists(QUERY_ALPHABET, max_size=30).map("".join)))
def test_any_text_searches_or_fails_cleanly(index: SearchIndex, text: str) -> None:
    try:
        result = index.search(SearchQuery(text=text, facets=["province"], highlight=["name"]))
    except SearchError:
        return
    assert {hit.id for hit in result.hits} <= IDS
    assert result.total >= len(result.hits)
