"""Comparable forms: how names, places and contacts are written down before comparing."""

import pytest

from thuvien.registry.matching import LibraryFacts, MatchConfig
from thuvien.registry.matching.normalize import (
    canonical_tokens,
    name_form,
    phone_numbers,
    place_key,
    site_of,
    words,
)
from thuvien.registry.matching.prepared import prepare

VOCABULARY = MatchConfig.default().vocabulary


@pytest.mark.parametrize(
    ("text", "language", "tokens"),
    [
        ("Thư viện tỉnh Nam Định", "vi", ["thuvien", "tinh", "nam", "dinh"]),
        ("TV tinh Nam Dinh", "vi", ["thuvien", "tinh", "nam", "dinh"]),
        ("Trường ĐH Bách khoa", "vi", ["truong", "daihoc", "bach", "khoa"]),
        ("Trường Đại học Bách khoa", "vi", ["truong", "daihoc", "bach", "khoa"]),
        ("Trường Trung học cơ sở Kim Đồng", "vi", ["truong", "thcs", "kim", "dong"]),
        ("Trường THCS Kim Đồng", "vi", ["truong", "thcs", "kim", "dong"]),
        ("TV KHTH TP.HCM", "vi", ["thuvien", "khth", "tp", "hcm"]),
        ("Thành phố Hồ Chí Minh", "vi", ["tp", "hcm"]),
        ("Thư viện Q.10", "vi", ["thuvien", "quan", "10"]),
        ("Thư viện TP. Ðà Nẵng", "vi", ["thuvien", "tp", "da", "nang"]),
        ("St. Mary's College", "en", ["saint", "marys", "college"]),
        ("Mt. Gilead Public Library", "en", ["mount", "gilead", "public", "library"]),
        ("Jefferson Co. Library", "en", ["jefferson", "county", "library"]),
        ("University of Paris I", "en", ["university", "paris", "1"]),
        ("Buffalo & Erie County Library", "en", ["buffalo", "erie", "county", "library"]),
    ],
)
def test_canonical_tokens(text: str, language: str, tokens: list[str]) -> None:
    assert canonical_tokens(text, VOCABULARY, language) == tokens


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("Thư viện tỉnh Hà Tĩnh", {"province"}),  # the second "tinh" belongs to the place
        ("Thư viện phường Phương Liệt", {"commune"}),  # "Phương" folds to "phuong" too
        ("Thư viện huyện Quan Sơn", {"district"}),
        ("Thư viện Trường THCS Quan Sơn", set()),
        ("Thư viện Trường Đại học Khoa học Xã hội và Nhân văn", set()),
        ("Wayne County Public Library", {"county"}),
    ],
)
def test_level_words(text: str, levels: set[str]) -> None:
    language = "en" if text.startswith("Wayne") else "vi"
    assert name_form(text, VOCABULARY, language).levels == levels


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Thư viện tỉnh Nghệ An", {"public"}),
        ("Thư viện Trường Đại học Vinh", {"university"}),
        ("Thư viện Trường THCS & THPT Nguyễn Tất Thành", {"lower-secondary", "upper-secondary"}),
        ("Aurora Public Library", {"public"}),
        ("Aurora University", {"university"}),
    ],
)
def test_kinds(text: str, kinds: set[str]) -> None:
    language = "en" if text.startswith("Aurora") else "vi"
    assert name_form(text, VOCABULARY, language).kinds == kinds


def test_folding_keeps_letters_and_splits_digits() -> None:
    assert words("Thư viện Quận1 – CS2") == ["thu", "vien", "quan", "1", "cs", "2"]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("(907) 235-5692", {"072355692"}),
        ("+84 24 3825 3357", {"438253357"}),
        ("024.3825.3357 / 0912 345 678", {"438253357", "912345678"}),
        ("ext. 12", set()),
        ("", set()),
    ],
)
def test_phone_numbers(text: str, numbers: set[str]) -> None:
    assert phone_numbers(text) == numbers


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("http://www.eastern.edu/library/", "eastern.edu/library"),
        ("eastern.edu/library", "eastern.edu/library"),
        ("https://WWW2.Example.org/lib/index.html", "example.org/lib"),
        ("http://www.library.nashville.org", "library.nashville.org"),
    ],
)
def test_web_pages(url: str, page: str) -> None:
    site = site_of(url)
    assert site is not None
    assert site.page == page


def test_place_keys() -> None:
    assert place_key("00565", VOCABULARY, "vi") == place_key("565", VOCABULARY, "vi")
    assert place_key("MT. GILEAD", VOCABULARY, "en") == place_key("Mount Gilead", VOCABULARY, "en")


def test_a_qualifier_gives_a_second_form_of_the_name() -> None:
    record = prepare(LibraryFacts("R", "Thư viện tỉnh Vĩnh Phúc (cũ)"), VOCABULARY)
    assert [form.tokens for form in record.names] == [
        ("thuvien", "tinh", "vinh", "phuc", "cu"),
        ("thuvien", "tinh", "vinh", "phuc"),
    ]
    assert record.names[1].shortened


def test_an_institution_after_a_comma_is_kept() -> None:
    record = prepare(
        LibraryFacts("R", "Trung tâm Thông tin - Thư viện, Đại học Quốc gia Hà Nội"), VOCABULARY
    )
    assert len(record.names) == 1
