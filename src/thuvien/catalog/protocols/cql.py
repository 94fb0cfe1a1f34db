"""A parser for CQL, the Contextual Query Language of SRU (CQL 1.2).

The whole grammar: prefix assignments (``> dc = "info:..."``), index-relation-term clauses,
the relations ``= == < > <= >= <>`` and named ones (``any all adj within encloses`` and
prefixed names), relation modifiers (``/stem``, ``/rel.algorithm=CORI``), the booleans
``and or not prox`` with modifiers, left-associative at one precedence, parentheses,
quoted terms with backslash escapes, and ``sortby``.

Two extensions that YAZ (the toolkit behind Koha's and Zebra's SRU) also accepts, so a
query that works there works here: free-form terms (``harry potter`` is one clause of two
terms) and a parenthesised query after a relation (``title = (a or b)``) whose bare terms
take that index and relation.

Terms keep their escapes as written (``\\"`` stays two characters), as in XCQL;
:func:`term_pattern` reads masking (``*`` ``?``), anchoring (``^``) and escapes from them.
Errors are :class:`CQLError` with the SRU diagnostic number and the 1-based position.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = [
    "BOOLEANS",
    "Boolean",
    "CQLError",
    "Modifier",
    "Node",
    "Query",
    "Relation",
    "SearchClause",
    "SortKey",
    "TermPattern",
    "parse",
    "term_pattern",
]

MAX_QUERY_CHARS = 4000
MAX_DEPTH = 64
BOOLEANS = frozenset({"and", "or", "not", "prox"})
SYMBOLS = ("==", "<>", "<=", ">=", "=", "<", ">")
NAMED_RELATIONS = frozenset({"any", "all", "adj", "within", "encloses", "exact"})
SERVER_CHOICE = "cql.serverChoice"
# Characters that end an unquoted word (CQL's charString1); a backslash escapes one.
_WORD = re.compile(r'(?:[^\s()=<>"/\\]|\\.|\\$)+')
_SPACE = re.compile(r"\s+")


class CQLError(ValueError):
    """A query that cannot be parsed; ``code`` is the SRU diagnostic number
    (10 syntax, 12 too long, 13 parentheses, 14 quotes), ``position`` 1-based."""

    def __init__(self, code: int, message: str, position: int):
        super().__init__(f"{message} (position {position})")
        self.code = code
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Modifier:
    name: str
    comparison: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class Relation:
    name: str
    modifiers: tuple[Modifier, ...] = ()


@dataclass(frozen=True)
class SearchClause:
    """``index relation term``; ``terms`` holds more than one term for free-form input.
    ``prefixes`` maps prefix names (``None``: the default context set) to identifiers
    in force where the clause stands."""

    index: str
    relation: Relation
    terms: tuple[str, ...]
    position: int
    prefixes: tuple[tuple[str | None, str], ...] = ()

    @property
    def term(self) -> str:
        return " ".join(self.terms)

    def context_set(self) -> tuple[str | None, str | None, str]:
        """(prefix, identifier assigned to it in the query or None, bare index name)."""
        prefix, dot, name = self.index.rpartition(".")
        key = prefix if dot else None
        assigned = dict(self.prefixes)
        if not dot and SERVER_CHOICE.lower() == self.index.lower():
            return "cql", assigned.get("cql"), "serverChoice"
        return key, assigned.get(key), name


@dataclass(frozen=True)
class Boolean:
    operator: str  # lower case
    modifiers: tuple[Modifier, ...]
    left: Node
    right: Node
    position: int


Node = SearchClause | Boolean


@dataclass(frozen=True)
class SortKey:
    index: str
    modifiers: tuple[Modifier, ...] = ()
    position: int = 0


@dataclass(frozen=True)
class Query:
    root: Node
    sort_keys: tuple[SortKey, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "string" (quoted), "symbol", "(", ")", "/", "end"
    text: str
    position: int

    def is_word(self, *choices: str) -> bool:
        return self.kind == "word" and self.text.lower() in choices


def _tokens(text: str) -> Iterator[_Token]:
    i = 0
    while i < len(text):
        space = _SPACE.match(text, i)
        if space:
            i = space.end()
            continue
        char, position = text[i], i + 1
        if char in "()/":
            yield _Token(char, char, position)
            i += 1
        elif char == '"':
            i = yield from _quoted(text, i)
        elif char in "=<>":
            symbol = next(s for s in SYMBOLS if text.startswith(s, i))
            yield _Token("symbol", symbol, position)
            i += len(symbol)
        else:
            word = _WORD.match(text, i)
            assert word is not None  # every other character starts a word
            yield _Token("word", word.group(), position)
            i = word.end()
    yield _Token("end", "", len(text) + 1)


def _quoted(text: str, start: int) -> Iterator[_Token]:
    """A quoted string: ``\\"`` does not end it; its escapes are kept as written."""
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            yield _Token("string", text[start + 1 : i], start + 1)
            return i + 1
        i += 1
    raise CQLError(14, "Unterminated quoted term", start + 1)


class _Parser:
    def __init__(self, text: str):
        self.tokens = list(_tokens(text))
        self.at = 0
        self.depth = 0

    @property
    def peek(self) -> _Token:
        return self.tokens[self.at]

    def next(self) -> _Token:
        token = self.tokens[self.at]
        if token.kind != "end":
            self.at += 1
        return token

    def fail(self, message: str, token: _Token | None = None, code: int = 10) -> CQLError:
        token = token or self.peek
        found = "end of query" if token.kind == "end" else repr(token.text)
        return CQLError(code, f"{message}, found {found}", token.position)

    def term(self, what: str = "a search term") -> str:
        token = self.peek
        if token.kind not in ("word", "string"):
            raise self.fail(f"Expected {what}")
        self.next()
        return token.text

    # query ::= prefixAssignment* scopedClause
    def query(self, prefixes: dict, context: tuple | None) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"Query nested deeper than {MAX_DEPTH} levels", code=13)
        prefixes = dict(prefixes)
        while self.peek.kind == "symbol" and self.peek.text == ">":
            self.next()
            first = self.term("a prefix or context set identifier")
            if self.peek.kind == "symbol" and self.peek.text == "=":
                self.next()
                prefixes[first] = self.term("a context set identifier")
            else:
                prefixes[None] = first
        node = self.scoped(prefixes, context)
        self.depth -= 1
        return node

    def scoped(self, prefixes: dict, context: tuple | None) -> Node:
        left = self.clause(prefixes, context)
        while self.peek.is_word(*BOOLEANS):
            token = self.next()
            modifiers = self.modifiers()
            right = self.clause(prefixes, context)
            left = Boolean(token.text.lower(), modifiers, left, right, token.position)
        return left

    def clause(self, prefixes: dict, context: tuple | None) -> Node:
        if self.peek.kind == "(":
            opening = self.next()
            node = self.query(prefixes, context)
            if self.peek.kind != ")":
                raise self.fail(
                    f"Expected ')' to close '(' at position {opening.position}", code=13
                )
            self.next()
            return node
        start = self.peek
        first = self.term()
        if self._at_relation():
            relation = self.relation()
            return self.clause(prefixes, (first, relation, start.position))
        terms = [first]
        while self.peek.kind in ("word", "string") and not self._at_boolean_or_sort():
            if self._is_relation_word(self.peek):
                raise self.fail("A relation must follow an index, not a second term")
            terms.append(self.next().text)
        index, relation, position = context or (SERVER_CHOICE, Relation("="), start.position)
        return SearchClause(index, relation, tuple(terms), position, _frozen(prefixes))

    def _at_boolean_or_sort(self) -> bool:
        return self.peek.is_word(*BOOLEANS, "sortby")

    def _is_relation_word(self, token: _Token) -> bool:
        # Named relations, and any prefixed name (CQL allows "rel.foo" as a relation).
        return token.kind == "word" and (token.text.lower() in NAMED_RELATIONS or "." in token.text)

    def _at_relation(self) -> bool:
        # After a term every comparison symbol is a relation ("title > 9").
        return self.peek.kind == "symbol" or self._is_relation_word(self.peek)

    def relation(self) -> Relation:
        token = self.next()
        name = token.text.lower() if token.kind == "word" and "." not in token.text else token.text
        return Relation(name, self.modifiers())

    def modifiers(self) -> tuple[Modifier, ...]:
        found: list[Modifier] = []
        while self.peek.kind == "/":
            self.next()
            name = self.term("a modifier name")
            if self.peek.kind == "symbol":
                comparison = self.next().text
                found.append(Modifier(name, comparison, self.term("a modifier value")))
            else:
                found.append(Modifier(name))
        return tuple(found)

    def sort_keys(self) -> tuple[SortKey, ...]:
        if not self.peek.is_word("sortby"):
            return ()
        self.next()
        keys: list[SortKey] = []
        while self.peek.kind in ("word", "string"):
            token = self.next()
            keys.append(SortKey(token.text, self.modifiers(), token.position))
        if not keys:
            raise self.fail("Expected an index to sort by")
        return tuple(keys)


def _frozen(prefixes: dict) -> tuple[tuple[str | None, str], ...]:
    return tuple(prefixes.items())


def parse(text: str) -> Query:
    """Parse a CQL query; raises :class:`CQLError`."""
    if len(text) > MAX_QUERY_CHARS:
        raise CQLError(12, f"Query longer than {MAX_QUERY_CHARS} characters", MAX_QUERY_CHARS + 1)
    parser = _Parser(text)
    if parser.peek.kind == "end":
        raise CQLError(10, "Empty query", 1)
    root = parser.query({}, None)
    keys = parser.sort_keys()
    if parser.peek.kind != "end":
        code = 13 if parser.peek.kind == ")" else 10
        raise parser.fail("Expected a boolean operator or the end of the query", code=code)
    return Query(root, keys)


# --- terms ------------------------------------------------------------------------


@dataclass(frozen=True)
class TermPattern:
    """A term read for matching. ``text`` has its escapes removed; ``masked`` is True when
    an unescaped ``*`` or ``?`` stands in it; ``parts`` splits the text at them (``*`` and
    ``?`` kept as parts of their own); anchors are unescaped ``^`` at either end."""

    text: str
    parts: tuple[str, ...]
    masked: bool
    anchor_start: bool
    anchor_end: bool


def term_pattern(term: str) -> TermPattern:
    parts: list[str] = []
    current: list[str] = []
    anchor_start = anchor_end = False
    i = 0
    while i < len(term):
        char = term[i]
        if char == "\\" and i + 1 < len(term):
            current.append(term[i + 1])
            i += 2
            continue
        if char == "^" and i == 0:
            anchor_start = True
        elif char == "^" and i == len(term) - 1:
            anchor_end = True
        elif char in "*?":
            parts.extend(["".join(current), char])
            current = []
        else:
            current.append(char)
        i += 1
    parts.append("".join(current))
    parts = [p for p in parts if p]
    masked = any(p in ("*", "?") for p in parts)
    text = "".join(parts)
    return TermPattern(text, tuple(parts), masked, anchor_start, anchor_end)
