"""Full-text search inside an object: matching and Content Search 2.0 / 1.0 responses."""

from __future__ import annotations

import json
import unicodedata

from thuvien.digital.iiif.search import (
    Word,
    annotation_list_v1,
    annotation_page,
    autocomplete,
    autocomplete_v1,
    collect_terms,
    find_hits,
)

CANVAS = "https://h/iiif/presentation/obj-1/canvas/p{:04d}"
SEARCH = "https://h/iiif/search/obj-1"


def line(text: str, y: int, x: int = 100, width: int = 80, height: int = 30) -> list[Word]:
    """The words of one OCR line, laid out left to right."""
    words = []
    for token in text.split():
        words.append(Word(token, x, y, width, height))
        x += width + 20
    return words


def pages(*texts: list[Word]) -> list[tuple[str, list[Word]]]:
    return [(CANVAS.format(number), words) for number, words in enumerate(texts, start=1)]


KIEU = pages(
    line("Trăm năm trong cõi người ta,", 100) + line("Chữ tài chữ mệnh khéo là ghét nhau.", 150),
    line("Thư viện Quốc gia Việt Nam, Hà Nội, năm 1930.", 100),
    line("Ha Noi ngày nay", 100),
    line("Hà Giang và Nội Mông", 100),
)


def texts(hits) -> list[tuple[str, str]]:
    return [(hit.canvas_id[-5:], hit.text) for hit in hits]


def test_diacritics_are_ignored_and_exact_spellings_come_first():
    hits = find_hits(KIEU, "hà nội")[:2]
    assert texts(hits) == [("p0002", "Hà Nội,"), ("p0003", "Ha Noi")]
    assert [hit.exact for hit in hits] == [True, False]
    # typed without marks: both still match, and now "Ha Noi" is the exact spelling
    assert texts(find_hits(KIEU, "ha noi")[:2]) == [("p0003", "Ha Noi"), ("p0002", "Hà Nội,")]


def test_d_with_stroke_folds_to_d():
    words = pages(line("Đông Kinh nghĩa thục", 100))
    assert texts(find_hits(words, "dong kinh")) == [("p0001", "Đông Kinh")]


def test_decomposed_text_matches():
    nfd = unicodedata.normalize("NFD", "Nguyễn Du")
    assert texts(find_hits(pages(line(nfd, 100)), "nguyễn du"))[0][1] == nfd
    assert find_hits(pages(line(nfd, 100)), "nguyễn du")[0].exact


def test_tone_placement_variants_count_as_exact():
    hits = find_hits(pages(line("hoà bình", 100)), "hòa bình")
    assert len(hits) == 1 and hits[0].exact


def test_punctuation_around_words_is_ignored():
    hits = find_hits(KIEU, "nội năm 1930")
    assert texts(hits) == [("p0002", "Nội, năm 1930.")]
    assert hits[0].phrase and hits[0].exact
    assert hits[0].before == "viện Quốc gia Việt Nam, Hà"  # six words of context
    assert hits[0].after == ""
    assert find_hits(KIEU, "“ta”")[0].text == "ta,"


def test_punctuation_tokens_do_not_break_a_phrase():
    words = pages(line("Hà Nội — 1930", 100))
    assert texts(find_hits(words, "Nội 1930")) == [("p0001", "Nội — 1930")]


def test_phrase_box_is_the_union_of_the_words():
    hit = find_hits(KIEU, "Việt Nam")[0]
    viet, nam = hit.words
    assert hit.box == (viet.x, 100, nam.x + nam.w - viet.x, 30)


def test_all_words_fallback_after_phrase_matches():
    hits = find_hits(KIEU, "Hà Nội")
    phrase = [hit for hit in hits if hit.phrase]
    fallback = [hit for hit in hits if not hit.phrase]
    assert texts(phrase) == [("p0002", "Hà Nội,"), ("p0003", "Ha Noi")]
    # page 4 has both words, never together: each is a single-word hit, ranked last
    assert texts(fallback) == [("p0004", "Hà"), ("p0004", "Nội")]
    assert hits[-2:] == fallback


def test_pages_missing_a_word_give_no_fallback_hits():
    assert find_hits(pages(line("Hà Giang", 100)), "Hà Nội") == []


def test_limit_keeps_the_best_hits():
    words = pages(line("do đỏ đó do", 100))
    assert [hit.text for hit in find_hits(words, "đỏ")] == ["đỏ", "do", "đó", "do"]
    assert [hit.text for hit in find_hits(words, "đỏ", limit=1)] == ["đỏ"]


def test_empty_and_punctuation_only_queries_find_nothing():
    assert find_hits(KIEU, "") == []
    assert find_hits(KIEU, " ,; — ") == []


def test_phrase_across_a_line_break_is_split_by_line():
    hit = find_hits(KIEU, "người ta chữ tài")[0]
    assert [len(group) for group in hit.line_groups()] == [2, 2]


def test_content_search_2_response():
    hits = find_hits(KIEU, "Việt Nam")
    response = annotation_page(f"{SEARCH}?q=Vi%E1%BB%87t+Nam", hits, ignored=["user"])
    json.dumps(response)
    assert response["@context"] == "http://iiif.io/api/search/2/context.json"
    assert response["id"] == f"{SEARCH}?q=Vi%E1%BB%87t+Nam"
    assert response["type"] == "AnnotationPage"
    assert response["ignored"] == ["user"]
    (item,) = response["items"]
    x, y, w, h = hits[0].box
    assert item["type"] == "Annotation"
    assert item["motivation"] == "supplementing"
    assert item["body"] == {"type": "TextualBody", "value": "Việt Nam,", "format": "text/plain"}
    assert item["target"] == f"{CANVAS.format(2)}#xywh={x},{y},{w},{h}"
    (context_page,) = response["annotations"]
    assert context_page["type"] == "AnnotationPage"
    (context,) = context_page["items"]
    assert context["motivation"] == "contextualizing"
    assert context["target"] == {
        "type": "SpecificResource",
        "source": item["id"],
        "selector": [
            {
                "type": "TextQuoteSelector",
                "prefix": "Thư viện Quốc gia ",
                "exact": "Việt Nam,",
                "suffix": " Hà Nội, năm 1930.",
            }
        ],
    }
    assert "partOf" not in response and "next" not in response


def test_annotation_ids_are_unique_and_contexts_point_at_items():
    hits = find_hits(KIEU, "Hà Nội")
    response = annotation_page(f"{SEARCH}?q=H%C3%A0+N%E1%BB%99i", hits)
    ids = [item["id"] for item in response["items"]]
    assert len(ids) == len(set(ids)) == 4
    sources = [
        target["source"]
        for context in response["annotations"][0]["items"]
        for target in (
            [context["target"]] if isinstance(context["target"], dict) else context["target"]
        )
    ]
    assert sorted(sources) == sorted(ids)


def test_phrase_over_two_lines_targets_two_items():
    response = annotation_page(f"{SEARCH}?q=x", find_hits(KIEU, "người ta chữ tài"))
    assert [item["body"]["value"] for item in response["items"]] == ["người ta,", "Chữ tài"]
    first, second = response["annotations"][0]["items"][0]["target"]
    assert first["selector"][0]["exact"] == "người ta,"
    assert first["selector"][0]["suffix"].startswith(" Chữ tài")
    assert second["selector"][0]["prefix"].endswith("người ta, ")
    assert first["source"] == response["items"][0]["id"]
    assert second["source"] == response["items"][1]["id"]


def test_paging_properties():
    hits = find_hits(KIEU, "Hà Nội")
    response = annotation_page(
        f"{SEARCH}?q=ha+noi&page=2",
        hits[:2],
        next_uri=f"{SEARCH}?q=ha+noi&page=3",
        prev_uri=f"{SEARCH}?q=ha+noi&page=1",
        first_uri=f"{SEARCH}?q=ha+noi&page=1",
        collection_uri=f"{SEARCH}?q=ha+noi",
        total=4,
        start_index=2,
    )
    assert response["partOf"] == {
        "id": f"{SEARCH}?q=ha+noi",
        "type": "AnnotationCollection",
        "first": {"id": f"{SEARCH}?q=ha+noi&page=1", "type": "AnnotationPage"},
        "total": 4,
    }
    assert response["next"] == {"id": f"{SEARCH}?q=ha+noi&page=3", "type": "AnnotationPage"}
    assert response["prev"]["id"].endswith("page=1")
    assert response["startIndex"] == 2


def test_content_search_1_response_for_mirador():
    hits = find_hits(KIEU, "Hà Nội")
    response = annotation_list_v1(f"{SEARCH}/v1?q=ha+noi", hits, next_uri=f"{SEARCH}/v1?p=2")
    assert response["@type"] == "sc:AnnotationList"
    assert response["@context"][-1] == "http://iiif.io/api/search/1/context.json"
    assert response["within"] == {"@type": "sc:Layer", "total": 4}
    assert response["next"] == f"{SEARCH}/v1?p=2"
    resource_ids = {resource["@id"] for resource in response["resources"]}
    for hit in response["hits"]:
        assert set(hit["annotations"]) <= resource_ids
    first = response["resources"][0]
    assert first["resource"] == {"@type": "cnt:ContentAsText", "chars": "Hà Nội,"}
    assert first["on"].startswith(CANVAS.format(2) + "#xywh=")
    assert response["hits"][0]["match"] == "Hà Nội,"
    assert response["hits"][0]["before"] == "Thư viện Quốc gia Việt Nam, "
    assert response["hits"][0]["after"] == " năm 1930."


def test_autocomplete_terms():
    words = pages(line("Nguyễn Nguyễn nguyễn Ngô người Nam", 100), line("Nguyên", 100))
    terms = collect_terms(words, "ngu")
    assert terms == [("Nguyễn", 3), ("Nguyên", 1), ("người", 1)]
    assert collect_terms(words, "") == []
    page = autocomplete(terms, f"{SEARCH}/autocomplete?q=ngu", search_uri=SEARCH)
    assert page["@context"] == "http://iiif.io/api/search/2/context.json"
    assert page["type"] == "TermPage"
    assert page["items"][0] == {
        "type": "Term",
        "value": "Nguyễn",
        "total": 3,
        "service": [{"id": f"{SEARCH}?q=Nguy%E1%BB%85n", "type": "SearchService2"}],
    }
    v1 = autocomplete_v1(terms, f"{SEARCH}/v1/autocomplete?q=ngu", f"{SEARCH}/v1")
    assert v1["terms"][0] == {"match": "Nguyễn", "url": f"{SEARCH}/v1?q=Nguy%E1%BB%85n", "count": 3}
