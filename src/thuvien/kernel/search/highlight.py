"""Snippets: stored text with the query's words marked, as escaped HTML.

Made here rather than by each engine so that every backend marks the same words with our
own folding (tantivy's snippets use ``<b>``; PostgreSQL's ``ts_headline`` folds with
``unaccent``, not ``fold_for_search``, and does not escape HTML).
"""

from __future__ import annotations

from html import escape
from typing import Any

from thuvien.kernel.search.analysis import TOKEN_RE, fold_word
from thuvien.kernel.search.plan import QueryPlan

MAX_SNIPPET_CHARS = 240
ELLIPSIS = "…"
MULTI_VALUE_SEPARATOR = "; "


def highlights(document: dict[str, Any], plan: QueryPlan) -> dict[str, str]:
    """Snippets of the fields the query asks to highlight (values of a multi-valued field
    joined by ``; ``); fields the document lacks are left out."""
    result: dict[str, str] = {}
    for name in plan.highlight:
        value = document.get(name)
        if value:
            text = MULTI_VALUE_SEPARATOR.join(value) if isinstance(value, list) else value
            result[name] = highlight(text, plan.highlight_terms(name))
    return result


def highlight(text: str, terms: frozenset[str], max_chars: int = MAX_SNIPPET_CHARS) -> str:
    """``text`` (cut to about ``max_chars`` around the first match) with every word whose
    folded form is one of ``terms`` inside ``<mark>``; everything else escaped."""
    spans = _merge(
        text,
        [
            (m.start(), m.end())
            for m in TOKEN_RE.finditer(text)
            if terms and any(token in terms for token in fold_word(m.group()))
        ],
    )
    start, end = _window(text, spans, max_chars)
    parts = [ELLIPSIS] if start else []
    cursor = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        parts.append(escape(text[cursor:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append(ELLIPSIS)
    return "".join(parts)


def _merge(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join marked words separated only by spaces: ``<mark>Đà Nẵng</mark>``."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _window(text: str, spans: list[tuple[int, int]], max_chars: int) -> tuple[int, int]:
    """A slice of at most ``max_chars`` holding the first match, cut at spaces."""
    if len(text) <= max_chars:
        return 0, len(text)
    anchor = spans[0][0] if spans else 0
    start = max(0, anchor - max_chars // 4)
    if start:
        space = text.find(" ", start, anchor)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + max_chars)
    if end < len(text):
        space = text.rfind(" ", max(anchor, start), end)
        end = space if space > start else end
    return start, end
