"""The CQL parser against YAZ's own test cases (yaz-corpus/test): the same parse trees as
YAZ's cql2xcql, the same errors, and the same reading of masking, anchoring and escapes
and of booleans as YAZ's cql2pqf."""

import re
from pathlib import Path

import pytest
from lxml import etree

from thuvien.catalog.protocols.cql import (
    Boolean,
    CQLError,
    SearchClause,
    parse,
    term_pattern,
)

YAZ_TESTS = Path("/work/shared/data/marc/yaz-corpus/test")


def _cases(sample: str, folder: str, *, read_escapes: bool) -> list[tuple[str, str, str, str]]:
    """(id, query, expected out, expected err), numbered as YAZ's test scripts number them:
    a section per run of comment lines, blank lines skipped."""
    cases, section, number, comment = [], 0, 0, False
    for line in (YAZ_TESTS / sample).read_text().split("\n"):
        if not line:
            continue
        if line.startswith("#"):
            comment = True
            continue
        if comment:
            section, number = section + 1, 0
        comment, number = False, number + 1
        # test_cql2pqf.sh reads lines with `read`, which removes one level of backslashes.
        query = re.sub(r"\\(.)", r"\1", line) if read_escapes else line
        base = YAZ_TESTS / folder / f"{section}.{number}"
        out = base.with_suffix(base.suffix + ".out").read_text()
        err = base.with_suffix(base.suffix + ".err").read_text()
        cases.append((f"{section}.{number}", query, out, err))
    return cases


XCQL_CASES = _cases("cql2xcqlsample", "cql", read_escapes=False)
PQF_CASES = _cases("cql2pqfsample", "cql2pqf", read_escapes=True)


def _modifiers(element) -> tuple:
    return tuple(
        sorted(
            (m.findtext("type"), m.findtext("comparison"), m.findtext("value"))
            for m in element.iterfind("modifiers/modifier")
        )
    )


def _from_xcql(element) -> tuple:
    """YAZ's XCQL as a tree of tuples (YAZ lists modifiers in reverse: compared sorted)."""
    if element.tag == "triple":
        boolean = element.find("boolean")
        return (
            "bool",
            boolean.findtext("value"),
            _modifiers(boolean),
            _from_xcql(element.find("leftOperand")[0]),
            _from_xcql(element.find("rightOperand")[0]),
        )
    relation = element.find("relation")
    return (
        "clause",
        element.findtext("prefixes/prefix/identifier"),
        element.findtext("index"),
        relation.findtext("value"),
        _modifiers(relation),
        tuple(t.text or "" for t in element.iterfind("term")),
    )


def _yaz_sort_keys(element) -> tuple:
    return tuple(
        (key.findtext("index"), _modifiers(key)) for key in element.iterfind("sortKeys/key")
    )


def _mods(modifiers) -> tuple:
    return tuple(sorted((m.name, m.comparison, m.value) for m in modifiers))


def _resolved(clause: SearchClause) -> tuple[str | None, str]:
    """The index as YAZ prints it: an assigned prefix replaced by its identifier."""
    prefixes = dict(clause.prefixes)
    prefix, dot, name = clause.index.rpartition(".")
    if dot and prefix in prefixes:
        return prefixes[prefix], name
    if not dot and None in prefixes:
        return prefixes[None], clause.index
    return None, clause.index


def _tree(node) -> tuple:
    if isinstance(node, Boolean):
        return ("bool", node.operator, _mods(node.modifiers), _tree(node.left), _tree(node.right))
    identifier, index = _resolved(node)
    relation = node.relation
    return ("clause", identifier, index, relation.name, _mods(relation.modifiers), node.terms)


@pytest.mark.parametrize(
    ("case", "query", "out", "err"), XCQL_CASES, ids=[c[0] for c in XCQL_CASES]
)
def test_parse_trees_match_yaz_cql2xcql(case, query, out, err):
    if err.strip():
        with pytest.raises(CQLError) as raised:
            parse(query)
        assert raised.value.code in (10, 13, 14) and raised.value.position >= 1
        return
    expected = etree.fromstring(out.encode())
    parsed = parse(query)
    assert _tree(parsed.root) == _from_xcql(expected)
    keys = tuple((k.index, _mods(k.modifiers)) for k in parsed.sort_keys)
    assert keys == _yaz_sort_keys(expected)


def test_the_corpus_has_what_we_compare():
    assert len(XCQL_CASES) >= 80 and sum(1 for c in XCQL_CASES if c[3].strip()) >= 10
    assert len(PQF_CASES) >= 45


# --- cql2pqf: booleans, masking, anchoring and escapes ---------------------------------

_TRUNCATION = {"1": "right", "2": "left", "3": "both", "100": "none", "104": "pattern"}
_ANCHOR = {("1", "1"): "start", ("4", "1"): "end", ("3", "3"): "both", ("3", "1"): "none"}


def _pqf_operands(pqf: str) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Operators in prefix order and, per operand, its truncation, anchoring and term."""
    operators = re.findall(r"@(and|or|not|prox)\b", re.sub(r'"(?:[^"\\]|\\.)*"', "", pqf))
    operands = []
    for attrs, term in re.findall(r'((?:@attr \d+=\d+ )+)"((?:[^"\\]|\\.)*)"', pqf):
        found = re.findall(r"@attr (\d+)=(\d+)", attrs)
        values = dict(found)  # the last of each type: YAZ writes completeness twice
        anchor = _ANCHOR[(values["3"], values["6"])]
        operands.append((_TRUNCATION[values["5"]], anchor, _digits(_unpqf(term))))
    return operators, operands


def _digits(term: str) -> str:
    # YAZ escapes a digit after a pattern's "?" only when it was not escaped in the CQL
    # term (4.12 and 5.1): the escape is its bookkeeping, not a different reading.
    return re.sub(r"\\(\d)", r"\1", term)


def _unpqf(term: str) -> str:
    return re.sub(r"\\(.)", r"\1", term)


def _z3950_term(pattern) -> tuple[str, str]:
    """Our reading of a term, written as YAZ writes it for Z39.50: the truncation
    class and the term (for inner masking Z39.50's pattern: ``?`` any run, ``#`` one
    character, a literal ``#`` or ``?`` escaped)."""
    parts = list(pattern.parts)
    left = bool(parts) and parts[0] == "*"
    right = len(parts) > 1 and parts[-1] == "*"
    inner = parts[int(left) : len(parts) - int(right)]
    if any(p in ("*", "?") for p in inner) or "?" in (parts[0], parts[-1]):
        text = "".join(
            "?" if p == "*" else "#" if p == "?" else re.sub(r"([#?])", r"\\\1", p) for p in parts
        )
        return "pattern", text
    kind = {(False, False): "none", (False, True): "right", (True, False): "left"}.get(
        (left, right), "both"
    )
    return kind, "".join(inner)


def _clauses(node) -> list[SearchClause]:
    if isinstance(node, Boolean):
        return _clauses(node.left) + _clauses(node.right)
    return [node]


def _operators(node) -> list[str]:
    if isinstance(node, Boolean):
        return [node.operator, *_operators(node.left), *_operators(node.right)]
    return []


READABLE_PQF = [c for c in PQF_CASES if c[0].split(".")[0] in {"1", "2", "3", "4", "5"}]


@pytest.mark.parametrize(
    ("case", "query", "out", "err"), READABLE_PQF, ids=[c[0] for c in READABLE_PQF]
)
def test_terms_read_like_yaz_cql2pqf(case, query, out, err):
    pqf = out.split("\n", 1)[1].strip()
    operators, operands = _pqf_operands(pqf)
    parsed = parse(query)
    clauses = _clauses(parsed.root)
    ours_operators = _operators(parsed.root)
    if len(clauses) == 1 and len(clauses[0].terms) > 1:  # free-form terms: YAZ ANDs them
        ours_operators = ["and"] * (len(clauses[0].terms) - 1)
        patterns = [term_pattern(t) for t in clauses[0].terms]
    else:
        patterns = [term_pattern(c.term) for c in clauses]
    assert ours_operators == operators
    ours = []
    for pattern in patterns:
        kind, text = _z3950_term(pattern)
        anchor = {(True, True): "both", (True, False): "start", (False, True): "end"}.get(
            (pattern.anchor_start, pattern.anchor_end), "none"
        )
        ours.append((kind, anchor, _digits(text)))
    assert ours == operands


@pytest.mark.parametrize(
    ("query", "code", "position"),
    [
        ("", 10, 1),
        ("title =", 10, 8),
        ('title = "open', 14, 9),
        ("(a or b", 13, 8),
        ("a or b)", 13, 7),
        ("dc.title any", 10, 13),
        ("a and", 10, 6),
        ("a sortby", 10, 9),
        ("(" * 70 + "a" + ")" * 70, 13, 65),
    ],
)
def test_errors_name_the_diagnostic_and_the_position(query, code, position):
    with pytest.raises(CQLError) as raised:
        parse(query)
    assert (raised.value.code, raised.value.position) == (code, position)
    assert f"position {position}" in str(raised.value)


def test_overlong_queries_are_refused_before_parsing():
    with pytest.raises(CQLError) as raised:
        parse("a " * 3000)
    assert raised.value.code == 12
