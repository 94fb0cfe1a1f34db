"""Normalisation, exact search keys, folding and tokens on real Vietnamese text."""

import unicodedata
from pathlib import Path

import pytest

from thuvien.kernel.text import fold_for_search, normalize_text, search_key, tokens

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "legacy-encodings"
PLAN = (FIXTURES / "corpus-ke-hoach-chuyen-doi-so.txt").read_text(encoding="utf-8")
LC_HEADINGS = (FIXTURES / "corpus-lc-vie-headings.txt").read_text(encoding="utf-8").splitlines()


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_normalize_text_composes_nfd_and_collapses_whitespace() -> None:
    assert (
        normalize_text(nfd("  Thư viện\u00a0 Quốc gia\n Việt Nam ")) == "Thư viện Quốc gia Việt Nam"
    )
    assert normalize_text(nfd("Nguyễn")) == "Nguy\u1ec5n"


@pytest.mark.parametrize(
    ("as_stored", "expected"),
    [
        ("Thơ Ché\u0302 Lan Viên", "Thơ Chế Lan Viên"),  # LC record: acute before circumflex
        ("Nhà xuá\u0302t bản", "Nhà xuất bản"),
        ("tuyẻ\u0302n chọn", "tuyển chọn"),
        ("o\u0301\u031b", "ớ"),  # tone before horn
    ],
)
def test_normalize_text_reorders_tone_before_vowel_mark(as_stored: str, expected: str) -> None:
    assert normalize_text(as_stored) == expected


def test_lc_headings_normalise_without_stray_marks_except_detached_ones() -> None:
    stray = []
    for heading in LC_HEADINGS:
        for index, char in enumerate(normalize_text(heading)):
            if unicodedata.combining(char):
                stray.append((heading, index))
    # What remains are marks LC detached from their letter ("Nha ̀xuất"): a space sits
    # between them, so no normalisation can know where they belong.
    assert all(heading[index - 1] == " " for heading, index in stray if index), stray
    before = sum(
        unicodedata.combining(c) > 0 for h in LC_HEADINGS for c in unicodedata.normalize("NFC", h)
    )
    assert len(stray) < before


@pytest.mark.parametrize(
    ("old_style", "new_style"),
    [
        ("hòa", "hoà"),
        ("thúy", "thuý"),
        ("tóa", "toá"),
        ("khỏe", "khoẻ"),
        ("thùy", "thuỳ"),
        ("Văn hóa", "Văn hoá"),
        ("Thủy", "Thuỷ"),
        ("lũy", "luỹ"),
        ("HÒA BÌNH", "hoà bình"),
        ("gìa", "già"),  # misplaced on the i of the gi- onset
        ("qùa", "quà"),  # misplaced on the u of the qu- onset
    ],
)
def test_search_key_puts_the_tone_on_the_main_vowel(old_style: str, new_style: str) -> None:
    assert search_key(old_style) == search_key(new_style) == new_style.lower()


@pytest.mark.parametrize(
    "word",
    ["hoàng", "thuyết", "quý", "giữa", "người", "rượu", "khuya", "hoài", "xoáy", "chuyện", "mùa"],
)
def test_search_key_leaves_canonical_syllables_alone(word: str) -> None:
    assert search_key(word) == word


def test_search_key_keeps_distinct_words_distinct() -> None:
    words = ["do", "đỏ", "đó", "đợ", "hoa", "hoà", "hoả", "hoạ", "họa"]
    assert len({search_key(word) for word in words}) == 8  # only hoạ/họa are one word


def test_search_key_merges_both_spellings_found_in_the_plan() -> None:
    assert "BỘ VĂN HÓA" in PLAN and "BỘ VĂN HOÁ" in PLAN
    assert search_key("BỘ VĂN HÓA") == search_key("BỘ VĂN HOÁ") == "bộ văn hoá"


def test_search_key_maps_eth_lookalike_to_d_with_stroke() -> None:
    assert search_key("Ðà Nẵng") == search_key("Đà Nẵng") == "đà nẵng"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("lý", "lí"),
        ("Kỹ thuật", "kĩ thuật"),
        ("Mỹ thuật", "mĩ thuật"),
        ("bác sỹ", "bác sĩ"),
        ("quý", "quí"),
        ("hy vọng", "hi vọng"),
        ("Tỷ lệ", "tỉ lệ"),
    ],
)
def test_fold_merges_i_and_y_spellings(a: str, b: str) -> None:
    assert fold_for_search(a) == fold_for_search(b)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("máy tính", "may tinh"),  # ay
        ("Huy", "huy"),  # uy
        ("yên", "yen"),  # yê
        ("y tá", "y ta"),  # a syllable that is just y
        ("nguy hiểm", "nguy hiem"),
        ("khuya", "khuya"),
        ("Đà Nẵng", "da nang"),
        ("ĐỒNG THÁP", "dong thap"),
        ("Trịnh Thị Thủy", "trinh thi thuy"),
    ],
)
def test_fold_strips_marks_and_leaves_other_y(text: str, folded: str) -> None:
    assert fold_for_search(text) == folded
    assert fold_for_search(nfd(text)) == folded


def test_fold_merges_words_that_exact_search_keeps_apart() -> None:
    assert {fold_for_search(w) for w in ["do", "đỏ", "đó", "đợ"]} == {"do"}


def test_tokens_split_folded_words() -> None:
    assert tokens("Nghị định số 79/2017/NĐ-CP") == ["nghi", "dinh", "so", "79", "2017", "nd", "cp"]
    assert tokens("  ") == []
    assert tokens(nfd("Thư viện, Quốc gia!")) == ["thu", "vien", "quoc", "gia"]


def test_a_batch_of_100000_strings() -> None:
    lines = [line for line in PLAN.splitlines() if line.strip()] + LC_HEADINGS
    batch = [lines[i % len(lines)] + f" {i}" for i in range(100_000)]
    decomposed = [nfd(text) for text in batch]

    keys = [search_key(text) for text in batch]
    folded = [fold_for_search(text) for text in decomposed]
    words = [tokens(text) for text in batch]

    assert len(keys) == len(folded) == len(words) == 100_000
    assert keys == [search_key(text) for text in decomposed]
    vietnamese = sum(not text.isascii() for text in batch)
    assert vietnamese > 90_000
    assert all(f == fold_for_search(t) for f, t in zip(folded[:5000], batch, strict=False))
    # Folding leaves no letter outside ASCII behind.
    assert not [c for f in folded for c in f if c.isalpha() and not c.isascii()]
