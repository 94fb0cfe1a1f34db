"""The shared pieces of the search kernel: query syntax, snippets, sort keys, documents."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thuvien.kernel.search import Field, IndexSchema, SearchError
from thuvien.kernel.search.analysis import Clause, parse_text, sort_key
from thuvien.kernel.search.documents import prepare, restore
from thuvien.kernel.search.highlight import highlight


def test_words_phrases_and_exclusions() -> None:
    parsed = parse_text('Thư viện "Đà Nẵng" -tỉnh -"Hà Nội" +số')
    assert parsed.required == (
        Clause(("thu",), ("thư",)),
        Clause(("vien",), ("viện",)),
        Clause(("da", "nang"), ("đà", "nẵng")),
        Clause(("so",), ("số",)),
    )
    assert parsed.excluded == (Clause(("tinh",), ("tỉnh",)), Clause(("ha", "noi"), ("hà", "nội")))
    assert parsed.highlight_terms == {"thu", "vien", "da", "nang", "so"}


def test_punctuation_inside_a_word_makes_a_phrase() -> None:
    assert parse_text("Rịa-Vũng").required == (Clause(("ria", "vung"), ("rịa", "vũng")),)
    assert parse_text("name:đắk").required == (Clause(("name", "dak"), ("name", "đắk")),)


def test_unbalanced_quote_is_ignored_and_repeats_are_dropped() -> None:
    assert parse_text('"Đà Nẵng') == parse_text("Đà Nẵng")
    assert parse_text('a "b c" d"') == parse_text('a "b c" d')
    assert parse_text("huế Huế HUẾ").required == (Clause(("hue",), ("huế",)),)
    assert parse_text("").required == parse_text("*** ( ) -").required == ()


def test_query_size_limits_are_clean_errors() -> None:
    with pytest.raises(SearchError, match=r"quá dài .*/ .*too long"):
        parse_text("a" * 1001)
    with pytest.raises(SearchError, match=r"quá nhiều từ .*/ .*too many words"):
        parse_text(" ".join(f"w{i}" for i in range(65)))


def test_very_long_words_are_dropped() -> None:
    assert parse_text("x" * 41).required == ()
    assert parse_text("x" * 40).required == (Clause(("x" * 40,), ()),)  # no diacritics


@given(st.text(max_size=300))
def test_any_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        parsed = parse_text(text)
    except SearchError:
        return
    for clause in parsed.required + parsed.excluded:
        assert clause.fold and all(token.isalnum() for token in clause.fold)
        assert not clause.exact or len(clause.exact) == len(clause.fold)


def test_highlight_marks_folded_matches_and_joins_neighbours() -> None:
    terms = frozenset({"da", "nang"})
    assert highlight("Thư viện Đà Nẵng", terms) == "Thư viện <mark>Đà Nẵng</mark>"
    assert highlight("Đà Lạt, Nẵng", terms) == "<mark>Đà</mark> Lạt, <mark>Nẵng</mark>"


def test_highlight_escapes_everything_else() -> None:
    text = "<b>Đà</b> & \"Nẵng\" 'x'"
    assert highlight(text, frozenset({"da"})) == (
        "&lt;b&gt;<mark>Đà</mark>&lt;/b&gt; &amp; &quot;Nẵng&quot; &#x27;x&#x27;"
    )
    assert (
        highlight(text, frozenset()) == "&lt;b&gt;Đà&lt;/b&gt; &amp; &quot;Nẵng&quot; &#x27;x&#x27;"
    )


def test_highlight_cuts_long_text_around_the_first_match() -> None:
    text = " ".join(["sách"] * 100 + ["Đắk", "Lắk"] + ["báo"] * 100)
    snippet = highlight(text, frozenset({"dak"}), max_chars=60)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>Đắk</mark> Lắk" in snippet
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) <= 62
    assert highlight(text, frozenset(), max_chars=20) == "sách sách sách sách…"


def test_sort_key_orders_folded_then_exact() -> None:
    names = ["Hà Nội", "Đà Lạt", "Bắc Ninh", "Da Lat", "Dương", "An Giang"]
    assert sorted(names, key=sort_key) == [
        "An Giang",
        "Bắc Ninh",
        "Da Lat",
        "Đà Lạt",
        "Dương",
        "Hà Nội",
    ]


SCHEMA = IndexSchema(
    "records",
    (
        Field("title", "text"),
        Field("subjects", "keyword", multi=True, facet=True),
        Field("year", "integer"),
        Field("price", "float"),
        Field("published", "date"),
        Field("added", "date", stored=False),
    ),
)


def test_documents_round_trip_with_their_types() -> None:
    moment = datetime(2025, 7, 1, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    prepared = prepare(
        SCHEMA,
        {
            "id": 42,
            "title": "Truyện Kiều",
            "subjects": ("thơ", None, ""),
            "year": "1820",
            "price": 85000,
            "published": date(1820, 1, 1),
            "added": moment,
        },
    )
    assert prepared.id == "42"
    assert prepared.values["added"] == [datetime(2025, 7, 1, 2, 0, tzinfo=UTC)]
    assert restore(SCHEMA, prepared.stored) == {
        "id": "42",
        "title": "Truyện Kiều",
        "subjects": ["thơ"],
        "year": 1820,
        "price": 85000.0,
        "published": date(1820, 1, 1),
    }
    iso = prepare(SCHEMA, {"id": "x", "published": "2024-02-29T10:00:00+07:00"})
    assert restore(SCHEMA, iso.stored)["published"] == datetime(2024, 2, 29, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "fields", "problem"),
    [
        ("Thư viện", (), "invalid index name"),
        ("books", (Field("id"),), "invalid field name"),
        ("books", (Field("a__b"),), "invalid field name"),
        ("books", (Field("title"), Field("title")), "duplicate field"),
        ("books", (Field("title", facet=True),), "only keyword fields can be facets"),
        ("books", (Field("tags", "keyword", multi=True, sortable=True),), "cannot be sortable"),
        ("books", (Field("title", "string"),), "unknown kind"),  # type: ignore[arg-type]
        ("books", (Field("title", boost=0),), "boost must be positive"),
    ],
)
def test_invalid_schemas_are_refused(name: str, fields: tuple, problem: str) -> None:
    with pytest.raises(SearchError, match=problem):
        IndexSchema(name, fields)
