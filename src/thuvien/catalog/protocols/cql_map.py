"""CQL queries as searches of the catalogue index (``CATALOG_INDEX`` in the search kernel).

The kernel answers one shape of query: words and phrases that must occur in some text field
or in a named one (``SearchQuery.fields``), words and phrases that must not, keyword filters
(OR within a field, AND across) and ranges. A CQL query is brought to that shape in three
steps:

1. its boolean tree becomes a disjunction of conjunctions (at most :data:`MAX_BRANCHES`);
2. each conjunction becomes one kernel query that finds every record it matches, and is
   ``exact`` when it finds nothing else; several conjunctions are the alternatives of one
   kernel query (``SearchQuery.any_of``), exact when each of them is;
3. what the kernel cannot say stays in ``residual``, checked on each candidate's stored
   document: ``==`` (the whole value; the kernel narrows to the phrase), a negated clause
   of several words that is not a phrase ("not all of these words"), a negated year, and a
   second filter on one keyword field.

So ``dc.title = saigon`` is answered by the kernel alone ("saigon" in the title), and so is
``dc.title adj "sai gon" not dc.creator = nguyen``, and ``dc.title any "saigon hanoi"`` or
``dc.title = saigon or dc.subject = saigon``. The relation ``=`` on words means all of
them in any order (CQL 1.2 leaves ``=`` to the server); ``adj`` is a phrase, ``any`` one of
the words (one branch per word), ``==`` the whole field. Unsupported features get their SRU
diagnostic (:class:`Diagnostic`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from thuvien.catalog.protocols.cql import Modifier, Node, Query, SearchClause, term_pattern
from thuvien.kernel.search.analysis import exact_tokens, fold_tokens

__all__ = [
    "CONTEXT_SETS",
    "INDEXES",
    "Branch",
    "Diagnostic",
    "Plan",
    "plan_query",
]

MAX_BRANCHES = 16
CONTEXT_SETS = {
    "cql": "info:srw/cql-context-set/1/cql-v1.2",
    "dc": "info:srw/cql-context-set/1/dc-v1.1",
    "bath": "http://zing.z3950.org/cql/bath/2.0/",
    "rec": "info:srw/cql-context-set/2/rec-1.1",
}
# Other spellings of the same sets that clients send.
_SET_ALIASES = {
    "info:srw/cql-context-set/1/cql-v1.1": "cql",
    "info:srw/cql-context-set/1/dc-v1.0": "dc",
    "info:srw/cql-context-set/2/rec-1.0": "rec",
    **{uri: name for name, uri in CONTEXT_SETS.items()},
}
TEXT_FIELDS = ("title", "author", "subject", "publisher", "place", "series")


@dataclass(frozen=True)
class IndexInfo:
    kind: str  # "text", "year", "isbn", "issn", "identifier", "keyword"
    field: str | None  # the index field; None: any text field
    title: str


_ANYWHERE = IndexInfo("text", None, "Mọi trường / any field")
_TITLE = IndexInfo("text", "title", "Nhan đề / title")
_AUTHOR = IndexInfo("text", "author", "Tác giả / author, creator")
_SUBJECT = IndexInfo("text", "subject", "Chủ đề / subject")
_PUBLISHER = IndexInfo("text", "publisher", "Nhà xuất bản / publisher")
_IDENTIFIER = IndexInfo("identifier", None, "ISBN hoặc ISSN / ISBN or ISSN")
# Koha's default SRU mapping for copy cataloguing is title=dc.title, author=dc.author,
# subject=dc.subject, isbn=bath.isbn, issn=bath.issn, stdid=bath.standardIdentifier,
# srchany=cql.anywhere; the rest are the dc and Bath names other clients use.
INDEXES: dict[tuple[str, str], IndexInfo] = {
    ("cql", "serverchoice"): _ANYWHERE,
    ("cql", "anywhere"): _ANYWHERE,
    ("cql", "keywords"): _ANYWHERE,
    ("cql", "allindexes"): _ANYWHERE,
    ("dc", "title"): _TITLE,
    ("bath", "title"): _TITLE,
    ("dc", "creator"): _AUTHOR,
    ("dc", "author"): _AUTHOR,
    ("dc", "contributor"): _AUTHOR,
    ("bath", "name"): _AUTHOR,
    ("bath", "author"): _AUTHOR,
    ("bath", "personalname"): _AUTHOR,
    ("bath", "corporatename"): _AUTHOR,
    ("dc", "subject"): _SUBJECT,
    ("bath", "subject"): _SUBJECT,
    ("bath", "topicalsubject"): _SUBJECT,
    ("dc", "publisher"): _PUBLISHER,
    ("bath", "publisher"): _PUBLISHER,
    ("dc", "date"): IndexInfo("year", "year", "Năm xuất bản / year of publication"),
    ("bath", "isbn"): IndexInfo("isbn", "isbn", "ISBN (10 hoặc 13 số / 10 or 13 digits)"),
    ("bath", "issn"): IndexInfo("issn", "issn", "ISSN"),
    ("dc", "identifier"): _IDENTIFIER,
    ("rec", "identifier"): _IDENTIFIER,
    ("bath", "standardidentifier"): _IDENTIFIER,
    ("dc", "language"): IndexInfo("keyword", "language", "Ngôn ngữ, mã MARC / language code"),
}
RELATIONS = {
    "text": {"=", "all", "any", "adj", "=="},
    "year": {"=", "==", "<", ">", "<=", ">=", "<>", "within"},
    "isbn": {"=", "==", "any"},
    "issn": {"=", "==", "any"},
    "identifier": {"=", "==", "any"},
    "keyword": {"=", "==", "any"},
}
# Modifiers that change nothing here: matching already ignores case and diacritics.
_HARMLESS_MODIFIERS = {"ignorecase", "ignoreaccents", "masked", "word", "string", "relevant"}
SORT_FIELDS = {
    ("dc", "title"): "title_sort",
    ("bath", "title"): "title_sort",
    ("dc", "date"): "year",
}
_YEAR = re.compile(r"\b(\d{4})\b")


class Diagnostic(Exception):
    """An SRU diagnostic: number, details (the offending part) and an English message."""

    def __init__(self, code: int, details: str, message: str):
        super().__init__(f"{code}: {message} ({details})")
        self.code, self.details, self.message = code, details, message


@dataclass(frozen=True)
class Leaf:
    kind: str  # "text", "keyword", "year"
    field: str | None
    mode: str = "all"  # text: "all" words, "phrase", "exact" (the whole value)
    tokens: tuple[str, ...] = ()  # folded, as the index holds them
    display: tuple[str, ...] = ()  # lower case with diacritics, for the kernel's text
    values: frozenset[str] = frozenset()
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class Literal:
    leaf: Leaf
    negated: bool = False


@dataclass
class Branch:
    """One conjunction: the kernel query parts that find its records, and what stays to
    be checked on each candidate's stored document."""

    words: list[str] = field(default_factory=list)  # the kernel's text syntax
    fields: dict[str, list[str]] = field(default_factory=dict)  # the same, per text field
    filters: dict[str, list[str]] = field(default_factory=dict)
    ranges: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    residual: list[Literal] = field(default_factory=list)
    impossible: bool = False  # e.g. an ISBN that cannot be one

    @property
    def exact(self) -> bool:
        return not self.residual

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def field_text(self) -> dict[str, str]:
        """``SearchQuery.fields``: the words each text field must (not) hold."""
        return {name: " ".join(words) for name, words in self.fields.items()}

    def matches(self, document: dict[str, Any]) -> bool:
        return all(_holds(lit.leaf, document) != lit.negated for lit in self.residual)


@dataclass
class Plan:
    branches: list[Branch]
    sort: str | None = None  # a kernel sort ("title_sort", "-year") or None for relevance

    @property
    def exact(self) -> bool:
        """Whether the kernel alone answers it: every branch exact (several become the
        alternatives of one kernel query)."""
        return bool(self.branches) and all(branch.exact for branch in self.branches)


def plan_query(query: Query) -> Plan:
    dnf = _dnf(query.root, negated=False)
    branches = [b for b in (_branch(conjunction) for conjunction in dnf) if not b.impossible]
    return Plan(branches, _sort(query))


# --- the boolean tree as a disjunction of conjunctions ------------------------------


def _dnf(node: Node, negated: bool) -> list[list[Literal]]:
    if isinstance(node, SearchClause):
        return _clause_dnf(node, negated)
    if node.modifiers:
        raise Diagnostic(46, _modifier_text(node.modifiers[0]), "Unsupported boolean modifier")
    if node.operator == "prox":
        raise Diagnostic(39, "prox", "Proximity not supported")
    left = _dnf(node.left, negated)
    right_negated = not negated if node.operator == "not" else negated
    right = _dnf(node.right, right_negated)
    # De Morgan: under negation "and" becomes "or"; "a not b" is "a and not b".
    conjunctive = (node.operator in ("and", "not")) != negated
    return _and(left, right) if conjunctive else _or(left, right)


def _and(left: list[list[Literal]], right: list[list[Literal]]) -> list[list[Literal]]:
    if len(left) * len(right) > MAX_BRANCHES:
        raise _too_many()
    return [a + b for a, b in product(left, right)]


def _or(left: list[list[Literal]], right: list[list[Literal]]) -> list[list[Literal]]:
    if len(left) + len(right) > MAX_BRANCHES:
        raise _too_many()
    return left + right


def _too_many() -> Diagnostic:
    return Diagnostic(
        38,
        str(MAX_BRANCHES),
        f"Too many boolean operators in query: at most {MAX_BRANCHES} alternatives",
    )


def _clause_dnf(clause: SearchClause, negated: bool) -> list[list[Literal]]:
    info = _index(clause)
    relation = clause.relation.name
    if relation not in RELATIONS[info.kind]:
        raise Diagnostic(19, relation, f"Unsupported relation for index {clause.index}")
    masked = _check_modifiers(clause)
    leaves = _leaves(info, relation, clause.term, masked)
    if relation == "any" and info.kind == "text":
        # Any one of the words: an "or" of single words.
        return (
            [[Literal(leaf, True) for leaf in leaves]]
            if negated
            else [[Literal(x)] for x in leaves]
        )
    literals = [Literal(leaf, negated) for leaf in leaves]
    if relation == "<>":
        literals = [Literal(leaf, not negated) for leaf in leaves]
    return [literals]


def _index(clause: SearchClause) -> IndexInfo:
    prefix, assigned, name = clause.context_set()
    if assigned is not None:
        set_name = _SET_ALIASES.get(assigned)
        if set_name is None:
            raise Diagnostic(15, assigned, "Unsupported context set")
    elif prefix is None:
        set_name = "dc"  # the default context set for unqualified indexes
        default = dict(clause.prefixes).get(None)
        if default is not None:
            set_name = _SET_ALIASES.get(default)
            if set_name is None:
                raise Diagnostic(15, default, "Unsupported context set")
    else:
        set_name = prefix.lower()
        if set_name not in CONTEXT_SETS:
            raise Diagnostic(15, prefix, "Unsupported context set")
    info = INDEXES.get((set_name, name.lower()))
    if info is None:
        raise Diagnostic(16, clause.index, "Unsupported index")
    return info


def _modifier_text(modifier: Modifier) -> str:
    return f"{modifier.name}{modifier.comparison or ''}{modifier.value or ''}"


def _check_modifiers(clause: SearchClause) -> bool:
    """Whether masking characters are read as masks (the default) or as themselves."""
    masked = True
    for modifier in clause.relation.modifiers:
        name = modifier.name.lower().removeprefix("cql.")
        if name == "unmasked":
            masked = False
        elif name not in _HARMLESS_MODIFIERS or modifier.comparison:
            raise Diagnostic(20, _modifier_text(modifier), "Unsupported relation modifier")
    return masked


def _leaves(info: IndexInfo, relation: str, term: str, masked: bool) -> list[Leaf]:
    pattern = term_pattern(term)
    text = pattern.text if masked else re.sub(r"\\(.)", r"\1", term)
    if not text.strip():
        raise Diagnostic(27, f'"{term}"', "Empty term unsupported")
    if masked and pattern.masked:
        raise Diagnostic(28, term, "Masking character not supported")
    if masked and (pattern.anchor_start or pattern.anchor_end):
        raise Diagnostic(31, term, "Anchoring character not supported")
    if info.kind == "text":
        return _text_leaves(info.field, relation, text)
    if info.kind == "year":
        return [_year_leaf(relation, text, term)]
    return [_keyword_leaf(info, relation, text)]


def _text_leaves(field_name: str | None, relation: str, text: str) -> list[Leaf]:
    folded, shown = fold_tokens(text), exact_tokens(text)
    if len(shown) != len(folded):
        shown = folded
    if relation == "any":
        return [
            Leaf("text", field_name, "all", (f,), (s,)) for f, s in zip(folded, shown, strict=True)
        ] or [Leaf("text", field_name, "all")]
    mode = {"adj": "phrase", "==": "exact"}.get(relation, "all")
    return [Leaf("text", field_name, mode, tuple(folded), tuple(shown))]


def _year_leaf(relation: str, text: str, term: str) -> Leaf:
    years = [int(y) for y in _YEAR.findall(text)]
    if not years or (relation == "within" and len(years) != 2):
        raise Diagnostic(36, term, "Term in invalid format for index or relation: a year")
    year = years[0]
    low, high = {
        "<": (None, year - 1),
        ">": (year + 1, None),
        "<=": (None, year),
        ">=": (year, None),
        "within": (min(years), max(years)),
    }.get(relation, (year, year))
    return Leaf("year", "year", low=low, high=high)


def _keyword_leaf(info: IndexInfo, relation: str, text: str) -> Leaf:
    from thuvien.catalog.marc.isbn import isbn_keys, normalize_issn

    words = text.split() if relation == "any" else [text]
    values: set[str] = set()
    fields: set[str] = set()
    for word in words:
        if info.kind in ("isbn", "identifier") and (keys := isbn_keys(word)):
            values |= keys
            fields.add("isbn")
        elif info.kind in ("issn", "identifier") and (issn := normalize_issn(word)):
            values.add(issn)
            fields.add("issn")
        elif info.kind == "keyword":
            values.add(word.strip().lower())
            fields.add(info.field or "")
    if len(fields) > 1:  # ISBNs and ISSNs in one "any": check both on the document
        return Leaf("keyword", "isbn|issn", values=frozenset(values))
    return Leaf("keyword", fields.pop() if fields else info.field, values=frozenset(values))


def _sort(query: Query) -> str | None:
    if not query.sort_keys:
        return None
    if len(query.sort_keys) > 1:
        raise Diagnostic(84, str(len(query.sort_keys)), "Too many sort keys to sort: one at most")
    key = query.sort_keys[0]
    prefix, _, name = key.index.rpartition(".")
    sort_field = SORT_FIELDS.get(((prefix or "dc").lower(), name.lower()))
    if sort_field is None:
        raise Diagnostic(16, key.index, "Unsupported index for sort")
    descending = False
    for modifier in key.modifiers:
        direction = modifier.name.lower().removeprefix("sort.")
        if direction not in ("ascending", "descending") or modifier.comparison:
            raise Diagnostic(90, _modifier_text(modifier), "Unsupported direction")
        descending = direction == "descending"
    return f"-{sort_field}" if descending else sort_field


# --- a conjunction as kernel parts and a residual -----------------------------------


def _branch(conjunction: list[Literal]) -> Branch:
    branch = Branch()
    for literal in conjunction:
        leaf = literal.leaf
        if leaf.kind == "text":
            _text_literal(branch, literal)
        elif leaf.kind == "year":
            _year_literal(branch, literal)
        else:
            _keyword_literal(branch, literal)
    return branch


def _kernel_text(leaf: Leaf) -> str:
    if leaf.mode == "all" and len(leaf.display) > 0:
        return " ".join(leaf.display)
    return f'"{" ".join(leaf.display)}"'


def _text_literal(branch: Branch, literal: Literal) -> None:
    leaf = literal.leaf
    if not leaf.tokens:  # nothing searchable (punctuation only): nothing can match
        branch.impossible = branch.impossible or not literal.negated
        return
    if not literal.negated:
        _words(branch, leaf.field).append(_kernel_text(leaf))
        if leaf.mode == "exact":  # the kernel finds the phrase; the whole value is checked
            branch.residual.append(literal)
        return
    # Excluding a word or a phrase is exact; "not all of these words" is no exclusion.
    if leaf.mode != "exact" and (len(leaf.tokens) == 1 or leaf.mode == "phrase"):
        _words(branch, leaf.field).append("-" + _kernel_text(leaf))
    else:
        branch.residual.append(literal)


def _words(branch: Branch, field_name: str | None) -> list[str]:
    """Where a clause's words go: the text (any field) or the field's own text."""
    return branch.words if field_name is None else branch.fields.setdefault(field_name, [])


def _year_literal(branch: Branch, literal: Literal) -> None:
    leaf = literal.leaf
    if literal.negated:
        branch.residual.append(literal)
        return
    low, high = branch.ranges.get("year", (None, None))
    low = leaf.low if low is None else max(low, leaf.low if leaf.low is not None else low)
    high = leaf.high if high is None else min(high, leaf.high if leaf.high is not None else high)
    branch.ranges["year"] = (low, high)
    if low is not None and high is not None and low > high:
        branch.impossible = True


def _keyword_literal(branch: Branch, literal: Literal) -> None:
    leaf = literal.leaf
    if not leaf.values:
        branch.impossible = branch.impossible or not literal.negated
        return
    if literal.negated or leaf.field in branch.filters or "|" in (leaf.field or ""):
        branch.residual.append(literal)
        return
    branch.filters[leaf.field or ""] = sorted(leaf.values)


# --- checking a stored document -----------------------------------------------------


def _values(document: dict[str, Any], name: str) -> list[str]:
    value = document.get(name)
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _field_values(document: dict[str, Any], name: str | None) -> list[str]:
    names: Iterable[str] = TEXT_FIELDS if name is None else (name,)
    return [value for n in names for value in _values(document, n)]


def _contains(haystack: list[str], needle: tuple[str, ...]) -> bool:
    size = len(needle)
    return any(tuple(haystack[i : i + size]) == needle for i in range(len(haystack) - size + 1))


def _holds(leaf: Leaf, document: dict[str, Any]) -> bool:
    if leaf.kind == "year":
        year = document.get("year")
        return (
            isinstance(year, int)
            and (leaf.low is None or year >= leaf.low)
            and (leaf.high is None or year <= leaf.high)
        )
    if leaf.kind == "keyword":
        names = (leaf.field or "").split("|")
        return any(v.lower() in leaf.values for n in names for v in _values(document, n))
    values = [fold_tokens(v) for v in _field_values(document, leaf.field)]
    if leaf.mode == "exact":
        return any(tuple(v) == leaf.tokens for v in values)
    if leaf.mode == "phrase":
        return any(_contains(v, leaf.tokens) for v in values)
    present = {token for v in values for token in v}
    return all(token in present for token in leaf.tokens)
