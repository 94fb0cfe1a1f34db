"""Comparison features and vetoes of the deduplication matcher, on hand-made MARC records
(Vietnamese titles with and without diacritics, volumes, editions, print and online,
reprints), table-driven: a pair, the expected verdict, the reason."""

from __future__ import annotations

import pytest

from thuvien.catalog.dedup.blocking import blocking_keys
from thuvien.catalog.dedup.features import NAMES, compare, explain
from thuvien.catalog.dedup.normalize import edition_number, name_key, numbering
from thuvien.catalog.dedup.profile import Profile, build_profile
from thuvien.catalog.dedup.rules import IDENTIFIER_WEIGHTS, Matcher, vetoes
from thuvien.catalog.marc.record import ControlField, DataField, Record


def marc(
    title: str = "Sách giáo khoa",
    *,
    remainder: str | None = None,
    part_number: str | None = None,
    part_name: str | None = None,
    medium: str | None = None,
    responsibility: str | None = None,
    author: str | None = "Nguyễn, Văn An",
    year: str = "1998",
    date_type: str = "s",
    date2: str = "    ",
    place: str = "Hà Nội",
    publisher: str = "Nxb. Giáo dục",
    edition: str | None = None,
    extent: str = "245 tr.",
    height: str = "21 cm",
    language: str = "vie",
    form: str = " ",
    series: str | None = None,
    control: str = "rec-1",
    isbn: str | None = None,
) -> Record:
    """A books record; 008 is built from the date, form of item and language given."""
    f008 = f"980101{date_type}{year}{date2}vm {' ' * 5}{form}{' ' * 11}{language} d"
    title_sub = [("a", title + (" :" if remainder else ""))]
    if remainder:
        title_sub.append(("b", remainder))
    if part_number:
        title_sub.append(("n", part_number))
    if part_name:
        title_sub.append(("p", part_name))
    if medium:
        title_sub.append(("h", medium))
    if responsibility:
        title_sub.append(("c", responsibility))
    fields: list = [ControlField("001", control), ControlField("008", f008)]
    if isbn:
        fields.append(DataField("020", "  ", [("a", isbn)]))
    if author:
        fields.append(DataField("100", "1 ", [("a", author)]))
    fields.append(DataField("245", "10", title_sub))
    if edition:
        fields.append(DataField("250", "  ", [("a", edition)]))
    fields.append(DataField("260", "  ", [("a", place), ("b", publisher), ("c", year)]))
    fields.append(DataField("300", "  ", [("a", extent), ("c", height)]))
    if series:
        fields.append(DataField("490", "0 ", [("a", series)]))
    return Record("00000nam a2200000 a 4500", fields)


def profile(key: str = "a", **values) -> Profile:
    return build_profile(key, marc(**values))


def _value(a: Profile, b: Profile, name: str) -> float:
    return dict(zip(NAMES, compare(a, b), strict=True))[name]


def _veto_keys(a: Profile, b: Profile) -> set[str]:
    return {v.key for v in vetoes(a, b)}


# --- normalisation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "number"),
    [
        ("2nd ed.", 2),
        ("Second edition", 2),
        ("2d ed., rev. and enl.", 2),
        ("2. Aufl.", 2),
        ("3e éd.", 3),
        ("Tái bản lần thứ 2", 2),
        ("Xuất bản lần thứ ba", 3),
        ("[1st rev. ed.]", 1),
        ("New ed.", None),
        ("4th impression", None),  # a new printing of the same edition
        (None, None),
    ],
)
def test_edition_numbers(statement, number):
    assert edition_number(statement) == number


def test_names_reduce_to_surname_and_initials():
    assert name_key("Kyle, David Braden") == name_key("Kyle, D. Braden (David Braden)")
    assert name_key("Nguyễn, Khắc Mai") == ("nguyen", "km")
    assert name_key("Nguyen Khac Mai") == ("nguyen khac mai", "")


def test_numbering_ignores_unit_words():
    assert numbering("v. 5, fasc. 1") == [5, 1]
    assert numbering("Part II") == [2]
    assert numbering("Tập 3") == [3]


def test_title_drops_isbd_punctuation_article_and_statement_of_responsibility():
    plain = profile(title="History of the Vietnamese language", author=None)
    marked = profile(title="The history of the Vietnamese language / by Lê Văn B", author=None)
    assert marked.title == plain.title == "history of the vietnamese language"
    assert "le van b" in marked.responsibility


def test_extent_and_height():
    one = profile(extent="xvi, 1,042 p.", height="18 1/2 cm.")
    assert (one.pages, one.prelims, one.height) == (1042, 16, 18.5)
    assert profile(extent="3 v.").volumes == 3
    assert profile(extent="xix, 66l p.").pages == 661  # a digit typed as the letter l


# --- Vietnamese folding -------------------------------------------------------------


def test_vietnamese_titles_with_and_without_diacritics_are_the_same_title():
    marked = profile("a", title="Lịch sử Việt Nam", author="Trần, Quốc Vượng")
    bare = profile("b", title="Lich su Viet Nam", author="Tran, Quoc Vuong")
    assert _value(marked, bare, "title") == 1.0
    assert _value(marked, bare, "main_surname") == 1.0
    assert blocking_keys(marked) & blocking_keys(bare)
    assert not vetoes(marked, bare)


def test_tone_placement_variants_are_the_same_title():
    old = profile("a", title="Hoà bình và phát triển")
    new = profile("b", title="Hòa bình và phát triển")
    assert _value(old, new, "title") == 1.0


# --- vetoes ---------------------------------------------------------------------------

CASES = [
    # (left record, right record, vetoes expected)
    ({"title": "Toán học", "part_number": "Tập 1"}, {"title": "Toán học", "part_number": "Tập 2"},
     {"part"}),
    ({"title": "Toán học", "part_number": "Tập 1"}, {"title": "Toán học", "part_number": "T. 1"},
     set()),
    ({"title": "Physics", "edition": "2nd ed."}, {"title": "Physics", "edition": "3rd ed."},
     {"edition"}),
    ({"title": "Physics", "edition": "2nd ed."}, {"title": "Physics", "edition": "Second edition"},
     set()),
    ({"title": "Văn học", "form": "o"}, {"title": "Văn học"}, {"carrier"}),
    ({"title": "Văn học", "medium": "[electronic resource]"}, {"title": "Văn học"}, {"carrier"}),
    ({"title": "Văn học", "form": "b"}, {"title": "Văn học"}, set()),  # microfiche: scored
    ({"title": "Truyện Kiều", "year": "1985"}, {"title": "Truyện Kiều", "year": "1950"},
     {"years"}),
    ({"title": "Truyện Kiều", "year": "1985", "date_type": "r", "date2": "1950"},
     {"title": "Truyện Kiều", "year": "1950"}, set()),  # a reprint of the 1950 edition
    ({"title": "Truyện Kiều", "year": "1985", "date_type": "r", "date2": "uuuu"},
     {"title": "Truyện Kiều", "year": "1950"}, set()),  # a reprint, original date unknown
    ({"title": "Hanoi guide", "language": "eng"},
     {"title": "Hanoi guide touristique", "language": "fre"}, {"language"}),
    ({"title": "Vietnamese grammar", "language": "eng"},
     {"title": "Ngữ pháp tiếng Việt", "language": "vie"}, {"title", "language"}),
    ({"title": "Francesca da Rimini", "language": "eng"},
     {"title": "Francesca da Rimini", "language": "ita"}, set()),  # same title: code doubted
    ({"title": "Địa lý", "extent": "120 tr."}, {"title": "Địa lý", "extent": "350 tr."},
     {"pages"}),
    ({"title": "Địa lý", "extent": "120 tr."}, {"title": "Địa lý", "extent": "124, [2] tr."},
     set()),
]  # fmt: skip


@pytest.mark.parametrize(("left", "right", "expected"), CASES)
def test_vetoes(left, right, expected):
    a, b = profile("a", **left), profile("b", **right)
    assert _veto_keys(a, b) == expected
    assert _veto_keys(b, a) == expected  # symmetric


def test_features_are_symmetric():
    a = profile("a", title="Lịch sử Việt Nam", remainder="từ nguồn gốc", edition="Tái bản lần 2")
    b = profile("b", title="Lich su Viet Nam", series="Tủ sách lịch sử", extent="300 tr.")
    assert compare(a, b) == compare(b, a)


def test_every_feature_is_explained_in_both_languages():
    a = profile("a", title="Lịch sử Việt Nam")
    b = profile("b", title="Lich su Viet Nam")
    for name, value in zip(NAMES, compare(a, b), strict=True):
        text = explain(name, value, a, b)
        vi, en = text.split(" / ", 1)
        assert vi and en and vi != en


# --- decisions with the shipped model -------------------------------------------------


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher()


def test_a_duplicate_matches_and_says_why(matcher):
    a = profile("a", title="Lịch sử Việt Nam", remainder="từ nguồn gốc đến năm 1858")
    b = profile("b", title="Lich su Viet Nam", remainder="tu nguon goc den nam 1858",
                publisher="NXB Giao duc", extent="245 p.")  # fmt: skip
    decision, reasons = matcher.explain(a, b)
    assert decision.match and decision.probability >= matcher.threshold
    assert not decision.vetoes
    total = decision.expected + sum(decision.contributions.values())
    assert total == pytest.approx(decision.score)
    assert any("Nhan đề" in r and "title" in r for r in reasons)


def test_another_book_by_the_same_author_does_not_match(matcher):
    a = profile("a", title="Lịch sử Việt Nam", extent="245 tr.")
    b = profile("b", title="Địa chí Hà Nội", extent="512 tr.")
    assert not matcher.decide(a, b).match


def test_a_vetoed_pair_explains_the_veto(matcher):
    a = profile("a", title="Toán học", part_number="Tập 1")
    b = profile("b", title="Toán học", part_number="Tập 2")
    decision, reasons = matcher.explain(a, b)
    assert not decision.match and decision.probability == 0.0
    assert reasons == ["Khác số tập/phần ([1] ≠ [2]) / different volume or part ([1] ≠ [2])"]


def test_identifiers_add_fixed_evidence(matcher):
    a = profile("a", title="Physics", isbn="978-0-306-40615-7")
    b = profile("b", title="Physics", isbn="0-306-40615-2 (pbk.)")
    assert matcher.identifier_evidence(a, b) == {"isbn-same": IDENTIFIER_WEIGHTS["isbn-same"]}
