"""Full-text search inside one object: IIIF Content Search 2.0 (and 1.0 for Mirador 4).

Matching works on OCR words with their boxes. It ignores Vietnamese diacritics (a reader
typing "Ha Noi" finds "Hà Nội") while ranking exact spellings first, because folding merges
distinct words (do, đỏ, đó, đợ). A query of several words matches them as a phrase; a
page holding all of them but never together still yields its single-word matches, after
the phrase matches.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote

from thuvien.kernel.text import fold_for_search, nfc, search_key

SEARCH_CONTEXT = "http://iiif.io/api/search/2/context.json"
SEARCH1_CONTEXTS = [
    "http://iiif.io/api/presentation/2/context.json",
    "http://iiif.io/api/search/1/context.json",
]
DEFAULT_LIMIT = 500
CONTEXT_WORDS = 6  # words of context shown on each side of a match

_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


@dataclass(frozen=True)
class Word:
    text: str
    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True)
class Hit:
    """Consecutive matched words on one canvas, with the text around them."""

    canvas_id: str
    words: tuple[Word, ...]
    box: tuple[int, int, int, int]  # union of the words' boxes: x, y, w, h
    before: str
    after: str
    exact: bool  # every word spelled as in the query (diacritics included)
    phrase: bool  # False for a single word found by the all-words fallback
    index: int  # position of the first word on its page, for stable identifiers

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    def line_groups(self) -> list[tuple[Word, ...]]:
        """The hit's words split where the text wraps to a new line."""
        groups: list[list[Word]] = [[self.words[0]]]
        for word in self.words[1:]:
            last = groups[-1][-1]
            centre = word.y + word.h / 2
            if word.x < last.x or not (last.y <= centre <= last.y + last.h):
                groups.append([word])
            else:
                groups[-1].append(word)
        return [tuple(group) for group in groups]


def _core(text: str) -> str:
    return _EDGE_PUNCTUATION.sub("", nfc(text))


def _keys(text: str) -> tuple[str, str]:
    """(folded, exact) keys of one word, punctuation around it ignored."""
    core = _core(text)
    return fold_for_search(core), search_key(core)


def query_terms(query: str) -> list[tuple[str, str]]:
    """The (folded, exact) keys of the words of ``query``; empty words are dropped."""
    return [keys for keys in map(_keys, query.split()) if keys[0]]


def find_hits(
    pages: list[tuple[str, list[Word]]], query: str, *, limit: int = DEFAULT_LIMIT
) -> list[Hit]:
    """Matches of ``query`` in ``pages`` (canvas id, words in reading order), best first.

    Order: phrase matches before fallback matches, exact spellings before folded ones,
    then page and reading order. At most ``limit`` hits.
    """
    terms = query_terms(query)
    if not terms:
        return []
    ranked: list[tuple[tuple, Hit]] = []
    for page_number, (canvas_id, words) in enumerate(pages):
        for hit in _page_hits(canvas_id, words, terms):
            key = (not hit.phrase, not hit.exact, page_number, hit.index)
            ranked.append((key, hit))
    ranked.sort(key=lambda pair: pair[0])
    return [hit for _, hit in ranked[:limit]]


def _page_hits(canvas_id: str, words: list[Word], terms: list[tuple[str, str]]) -> list[Hit]:
    keyed = [(index, *_keys(word.text)) for index, word in enumerate(words)]
    keyed = [entry for entry in keyed if entry[1]]  # punctuation-only tokens do not count
    size = len(terms)
    spans = [
        keyed[start : start + size]
        for start in range(len(keyed) - size + 1)
        if all(keyed[start + k][1] == terms[k][0] for k in range(size))
    ]
    if spans or size == 1:
        return [_hit(canvas_id, words, span, terms, phrase=True) for span in spans]
    wanted = {folded for folded, _ in terms}
    if not wanted <= {entry[1] for entry in keyed}:
        return []
    exact_by_fold = {folded: exact for folded, exact in terms}
    return [
        _hit(canvas_id, words, [entry], [(entry[1], exact_by_fold[entry[1]])], phrase=False)
        for entry in keyed
        if entry[1] in wanted
    ]


def _hit(canvas_id, words, span, terms, *, phrase: bool) -> Hit:
    first, last = span[0][0], span[-1][0]
    matched = tuple(words[first : last + 1])
    exact = all(entry[2] == exact for entry, (_, exact) in zip(span, terms, strict=True))
    return Hit(
        canvas_id=canvas_id,
        words=matched,
        box=union_box(matched),
        before=" ".join(word.text for word in words[max(0, first - CONTEXT_WORDS) : first]),
        after=" ".join(word.text for word in words[last + 1 : last + 1 + CONTEXT_WORDS]),
        exact=exact,
        phrase=phrase,
        index=first,
    )


def union_box(words: tuple[Word, ...] | list[Word]) -> tuple[int, int, int, int]:
    left = min(word.x for word in words)
    top = min(word.y for word in words)
    right = max(word.x + word.w for word in words)
    bottom = max(word.y + word.h for word in words)
    return left, top, right - left, bottom - top


# --- Content Search 2.0 responses ---------------------------------------------------------


def _item_id(hit: Hit, part: int) -> str:
    return f"{hit.canvas_id}/search-hit/{hit.index}-{hit.index + len(hit.words) - 1}/{part}"


def _fragment(canvas_id: str, box: tuple[int, int, int, int]) -> str:
    return f"{canvas_id}#xywh={box[0]},{box[1]},{box[2]},{box[3]}"


def _parts(hit: Hit) -> list[tuple[str, str, str, str, tuple[int, int, int, int]]]:
    """(item id, text, prefix, suffix, box) of each line of the hit; prefix/suffix in context."""
    groups = hit.line_groups()
    texts = [" ".join(word.text for word in group) for group in groups]
    parts = []
    for number, (group, text) in enumerate(zip(groups, texts, strict=True)):
        prefix = " ".join(filter(None, [hit.before, *texts[:number]]))
        suffix = " ".join(filter(None, [*texts[number + 1 :], hit.after]))
        parts.append((_item_id(hit, number), text, prefix, suffix, union_box(group)))
    return parts


def _selector(prefix: str, exact: str, suffix: str) -> dict:
    selector = {"type": "TextQuoteSelector"}
    if prefix:
        selector["prefix"] = prefix + " "
    selector["exact"] = exact
    if suffix:
        selector["suffix"] = " " + suffix
    return selector


def annotation_page(
    request_uri: str,
    hits: list[Hit],
    *,
    next_uri: str | None = None,
    prev_uri: str | None = None,
    first_uri: str | None = None,
    collection_uri: str | None = None,
    total: int | None = None,
    start_index: int | None = None,
    ignored: tuple[str, ...] | list[str] = (),
) -> dict:
    """A Content Search 2.0 response: an AnnotationPage of the matched words.

    ``items`` holds one ``supplementing`` Annotation per matched line, with the words as a
    TextualBody and the canvas ``#xywh`` box as target; ``annotations`` holds, per hit, a
    ``contextualizing`` Annotation whose TextQuoteSelector gives the text before and after
    (section 4.2.5; a phrase broken across lines targets several items, section 4.2.8).
    Paging properties appear when ``next_uri`` or ``prev_uri`` is given.
    """
    items, contexts = [], []
    for hit in hits:
        targets = []
        for item_id, text, prefix, suffix, box in _parts(hit):
            items.append(_match_item(item_id, text, _fragment(hit.canvas_id, box)))
            targets.append(
                {
                    "type": "SpecificResource",
                    "source": item_id,
                    "selector": [_selector(prefix, text, suffix)],
                }
            )
        contexts.append(
            {
                "id": _item_id(hit, 0) + "/context",
                "type": "Annotation",
                "motivation": "contextualizing",
                "target": targets[0] if len(targets) == 1 else targets,
            }
        )
    page: dict = {"@context": SEARCH_CONTEXT, "id": request_uri, "type": "AnnotationPage"}
    if ignored:
        page["ignored"] = list(ignored)
    if next_uri or prev_uri:
        page.update(
            _paging(request_uri, next_uri, prev_uri, first_uri, collection_uri, total, start_index)
        )
    page["items"] = items
    page["annotations"] = [
        {"id": f"{request_uri}#context", "type": "AnnotationPage", "items": contexts}
    ]
    return page


def _match_item(item_id: str, text: str, target: str) -> dict:
    return {
        "id": item_id,
        "type": "Annotation",
        "motivation": "supplementing",
        "body": {"type": "TextualBody", "value": text, "format": "text/plain"},
        "target": target,
    }


def _paging(request_uri, next_uri, prev_uri, first_uri, collection_uri, total, start_index):
    collection: dict = {
        "id": collection_uri or request_uri,
        "type": "AnnotationCollection",
        "first": {"id": first_uri or request_uri, "type": "AnnotationPage"},
    }
    if total is not None:
        collection["total"] = total
    props: dict = {"partOf": collection}
    if next_uri:
        props["next"] = {"id": next_uri, "type": "AnnotationPage"}
    if prev_uri:
        props["prev"] = {"id": prev_uri, "type": "AnnotationPage"}
    if start_index is not None:
        props["startIndex"] = start_index
    return props


def collect_terms(
    pages: list[tuple[str, list[Word]]], prefix: str, *, limit: int = 20
) -> list[tuple[str, int]]:
    """Words of ``pages`` starting with ``prefix`` (diacritics ignored), most frequent first.

    Each term is shown in its most frequent spelling; counts are occurrences.
    """
    folded_prefix = fold_for_search(_core(prefix))
    if not folded_prefix:
        return []
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for _, words in pages:
        for word in words:
            core = _core(word.text)
            if core and fold_for_search(core).startswith(folded_prefix):
                exact = search_key(core)
                counts[exact] += 1
                spellings.setdefault(exact, Counter())[core] += 1
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
    return [(spellings[exact].most_common(1)[0][0], count) for exact, count in ordered]


def _search_url(search_uri: str, term: str) -> str:
    return f"{search_uri}{'&' if '?' in search_uri else '?'}q={quote(term)}"


def autocomplete(
    terms: list[tuple[str, int]],
    request_uri: str,
    *,
    search_uri: str | None = None,
    ignored: tuple[str, ...] | list[str] = (),
) -> dict:
    """A Content Search 2.0 autocomplete response (TermPage) for (term, count) pairs."""
    items = []
    for term, count in terms:
        item: dict = {"type": "Term", "value": term, "total": count}
        if search_uri:
            item["service"] = [{"id": _search_url(search_uri, term), "type": "SearchService2"}]
        items.append(item)
    page: dict = {"@context": SEARCH_CONTEXT, "id": request_uri, "type": "TermPage"}
    if ignored:
        page["ignored"] = list(ignored)
    page["items"] = items
    return page


# --- Content Search 1.0 responses, for Mirador 4 ------------------------------------------


def annotation_list_v1(
    request_uri: str,
    hits: list[Hit],
    *,
    next_uri: str | None = None,
    total: int | None = None,
    start_index: int | None = None,
    ignored: tuple[str, ...] | list[str] = (),
) -> dict:
    """A Content Search 1.0 response (sc:AnnotationList with ``resources`` and ``hits``).

    Mirador 4 speaks only this version: it highlights each resource's ``on`` box and lists
    each hit's before/match/after text.
    """
    resources, search_hits = [], []
    for hit in hits:
        ids = []
        for item_id, text, _, _, box in _parts(hit):
            ids.append(item_id)
            resources.append(
                {
                    "@id": item_id,
                    "@type": "oa:Annotation",
                    "motivation": "sc:painting",
                    "resource": {"@type": "cnt:ContentAsText", "chars": text},
                    "on": _fragment(hit.canvas_id, box),
                }
            )
        search_hits.append(
            {
                "@type": "search:Hit",
                "annotations": ids,
                "match": hit.text,
                "before": hit.before + " " if hit.before else "",
                "after": " " + hit.after if hit.after else "",
            }
        )
    within: dict = {"@type": "sc:Layer", "total": len(hits) if total is None else total}
    if ignored:
        within["ignored"] = list(ignored)
    page: dict = {"@context": SEARCH1_CONTEXTS, "@id": request_uri, "@type": "sc:AnnotationList"}
    page["within"] = within
    if next_uri:
        page["next"] = next_uri
    if start_index is not None:
        page["startIndex"] = start_index
    page["resources"] = resources
    page["hits"] = search_hits
    return page


def autocomplete_v1(terms: list[tuple[str, int]], request_uri: str, search_uri: str) -> dict:
    """A Content Search 1.0 autocomplete response (search:TermList), as Mirador 4 reads it."""
    return {
        "@context": "http://iiif.io/api/search/1/context.json",
        "@id": request_uri,
        "@type": "search:TermList",
        "terms": [
            {"match": term, "url": _search_url(search_uri, term), "count": count}
            for term, count in terms
        ],
    }
