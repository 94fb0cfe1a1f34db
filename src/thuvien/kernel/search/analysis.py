"""Tokens and the query syntax, shared by every backend so that they index and match alike.

Both backends are fed the tokens made here, joined by spaces: the tokeniser of each engine
then only splits on those spaces, and the engines cannot disagree about word boundaries
(PostgreSQL's parser would otherwise keep e-mail addresses, URLs and decimals whole).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from thuvien.kernel.search.base import search_error
from thuvien.kernel.text import fold_for_search, search_key

# Letters and digits of any script; "_" and punctuation separate words, as in tantivy's
# simple tokenizer.
TOKEN_RE = re.compile(r"[^\W_]+")
MAX_TOKEN_CHARS = 40  # longer "words" are hashes or URLs; both engines drop them alike
MAX_QUERY_CHARS = 1000
MAX_QUERY_TOKENS = 64
_SORT_KEY_CHARS = 200
_PART_RE = re.compile(r'(-?)"([^"]*)"|(\S+)')


def tokens(text: str) -> list[str]:
    return [t for t in TOKEN_RE.findall(text) if len(t) <= MAX_TOKEN_CHARS]


def fold_tokens(text: str) -> list[str]:
    """Diacritic-insensitive tokens (``fold_for_search``): what folded fields index."""
    return tokens(fold_for_search(text))


def exact_tokens(text: str) -> list[str]:
    """Lower-case tokens with diacritics kept (``search_key``): what exact fields index."""
    return tokens(search_key(text))


@lru_cache(maxsize=65536)
def fold_word(word: str) -> tuple[str, ...]:
    """Folded tokens of one word of a document (cached: highlighting folds words often)."""
    return tuple(fold_tokens(word))


def sort_key(text: str) -> str:
    """Folded text, then the exact text to order words that fold alike (Da, Dà, Đa)."""
    return f"{fold_for_search(text)}\x1f{search_key(text)}"[:_SORT_KEY_CHARS]


@dataclass(frozen=True)
class Clause:
    """One word or phrase of a query. ``fold`` holds its folded tokens (more than one:
    a phrase); ``exact`` its exact tokens, or nothing when they do not pair up or are the
    folded ones (typed without diacritics)."""

    fold: tuple[str, ...]
    exact: tuple[str, ...]


@dataclass(frozen=True)
class ParsedText:
    required: tuple[Clause, ...] = ()
    excluded: tuple[Clause, ...] = ()

    @property
    def highlight_terms(self) -> frozenset[str]:
        return frozenset(token for clause in self.required for token in clause.fold)


def parse_text(text: str) -> ParsedText:
    """Parse the query syntax: words (all required), "phrases", ``-word``/``-"phrase"``."""
    if len(text) > MAX_QUERY_CHARS:
        raise search_error(
            f"Truy vấn quá dài (tối đa {MAX_QUERY_CHARS} ký tự).",
            f"The query is too long (at most {MAX_QUERY_CHARS} characters).",
        )
    if text.count('"') % 2:  # an unbalanced quote is ignored
        head, _, tail = text.rpartition('"')
        text = f"{head} {tail}"
    required: list[Clause] = []
    excluded: list[Clause] = []
    for match in _PART_RE.finditer(text):
        negated, phrase, word = match.group(1) == "-", match.group(2), match.group(3)
        if word is not None:
            word = word.lstrip("+")
            negated = word.startswith("-")
            phrase = word.lstrip("-")
        clause = _clause(phrase or "")
        target = excluded if negated else required
        if clause and clause not in target:
            target.append(clause)
    check_size(required + excluded)
    return ParsedText(tuple(required), tuple(excluded))


def _clause(text: str) -> Clause | None:
    fold = tuple(fold_tokens(text))
    if not fold:
        return None
    exact = tuple(exact_tokens(text))
    # Typed without diacritics, the exact spelling adds nothing to rank by: skip its cost.
    return Clause(fold, exact if len(exact) == len(fold) and exact != fold else ())


def check_size(clauses: list[Clause]) -> None:
    if sum(len(c.fold) for c in clauses) > MAX_QUERY_TOKENS:
        raise search_error(
            f"Truy vấn có quá nhiều từ (tối đa {MAX_QUERY_TOKENS}).",
            f"The query has too many words (at most {MAX_QUERY_TOKENS}).",
        )
