"""Indicator formulas: a small, safe arithmetic language over statistics data elements.

A formula is ``SD04 / VT01``, ``KP01 * 1000000 / SD02`` or ``VT05.2 / VT01.5 * 100``: numbers,
element codes (which contain dots, so they are picked out before Python's parser sees the
text), ``+ - * /``, parentheses and the functions ``min`` and ``max``. Codes that are not
plain (a hyphen, a leading digit) are written in braces: ``{VT-01} / 2``.

Nothing else is accepted: no attribute access, no other calls, no ``**`` (a huge power is
a way to stop a server), no comparisons, strings or subscripts. The text is rewritten
with placeholders, parsed with ``ast`` and every node is checked against a short list.

Evaluation uses ``Decimal``. A missing input or a division by zero makes the result "not
computable" with the reason; a number is never made up. The inputs used come back with
the result, so that pages can show how a figure was reached.

No Django here: the module is tested on its own.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext

MAX_LENGTH = 500
MAX_NUMBER_DIGITS = 30
FUNCTIONS = {"min": min, "max": max}

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<braced>\{[^{}\s]{1,32}\})
  | (?P<name>[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9][A-Za-z0-9_]*)*)
  | (?P<power>\*\*)
  | (?P<op>[-+*/(),])
    """,
    re.VERBOSE,
)
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class FormulaError(ValueError):
    """The formula cannot be accepted; the message is "vi / en"."""


@dataclass(frozen=True)
class Outcome:
    """A computed value, or None with the reason; the inputs (code -> number or None)."""

    value: Decimal | None
    inputs: dict[str, Decimal | None]
    problem: str = ""

    @property
    def computable(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Formula:
    source: str
    codes: tuple[str, ...]
    text: str = field(repr=False, compare=False)  # as parsed: codes replaced by placeholders
    tree: ast.Expression = field(repr=False, compare=False)
    names: dict[str, str] = field(repr=False, compare=False)  # placeholder -> code

    def evaluate(
        self, values: Mapping[str, Decimal | int | None], reasons: Mapping[str, str] | None = None
    ) -> Outcome:
        """The value from ``values`` (code -> number); ``reasons`` says why a code has no
        number (not applicable, unknown...), for the message."""
        inputs = {code: _number(values.get(code)) for code in self.codes}
        missing = [code for code, value in inputs.items() if value is None]
        if missing:
            return Outcome(None, inputs, _missing_message(missing, reasons or {}))
        try:
            with localcontext() as context:
                context.prec = 28
                context.traps[DivisionByZero] = True
                context.traps[InvalidOperation] = True
                context.traps[Overflow] = True
                value = _Evaluator(self, inputs).visit(self.tree.body)
        except _ZeroDivisor as exc:
            return Outcome(
                None, inputs, f"chia cho 0: {exc.divisor} = 0 / division by zero: {exc.divisor} = 0"
            )
        except (InvalidOperation, Overflow, DivisionByZero):
            return Outcome(None, inputs, "không tính được / cannot be computed")
        return Outcome(value, inputs)


def _missing_message(missing: list[str], reasons: Mapping[str, str]) -> str:
    """ "thiếu số liệu: VT01.5 (không áp dụng) / missing figures: VT01.5 (not applicable)";
    a reason is given as "vi / en"."""
    vi, en = [], []
    for code in missing:
        reason_vi, _, reason_en = reasons.get(code, "").partition(" / ")
        vi.append(f"{code} ({reason_vi})" if reason_vi else code)
        en.append(f"{code} ({reason_en or reason_vi})" if reason_vi else code)
    return f"thiếu số liệu: {', '.join(vi)} / missing figures: {', '.join(en)}"


def _number(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None if value is None else Decimal(int(value))
    return value if isinstance(value, Decimal) else Decimal(str(value))


def parse(source: str) -> Formula:
    """The checked formula; FormulaError says what is wrong and where."""
    if not isinstance(source, str) or not source.strip():
        raise FormulaError("công thức trống / the formula is empty")
    if len(source) > MAX_LENGTH:
        raise FormulaError(
            f"công thức dài quá {MAX_LENGTH} ký tự / the formula is longer than {MAX_LENGTH}"
            " characters"
        )
    text, names = _rewrite(source)
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, RecursionError, MemoryError, ValueError) as exc:
        raise FormulaError(f"công thức sai cú pháp / invalid formula syntax: {source!r}") from exc
    _check(tree.body, names)
    codes = tuple(names.values())  # in the order written
    return Formula(source=source, codes=codes, text=text, tree=tree, names=names)


def _rewrite(source: str) -> tuple[str, dict[str, str]]:
    """Codes to placeholders (``c0``, ``c1``...), so the dots in them do not become
    attribute access; anything the language does not have is refused here, with where."""
    parts: list[str] = []
    names: dict[str, str] = {}
    by_code: dict[str, str] = {}
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise FormulaError(
                f"ký tự không hợp lệ {source[position]!r} ở vị trí {position + 1} / "
                f"character {source[position]!r} not allowed at position {position + 1}"
            )
        kind, token = match.lastgroup, match.group()
        position = match.end()
        if kind == "power":
            raise FormulaError("không dùng lũy thừa (**) / powers (**) are not allowed")
        if kind == "number" and len(token) > MAX_NUMBER_DIGITS:
            raise FormulaError(f"số quá dài: {token[:12]}… / number too long: {token[:12]}…")
        if kind in ("name", "braced"):
            code = token.strip("{}") if kind == "braced" else token
            if kind == "name" and code in FUNCTIONS and source[position:].lstrip()[:1] == "(":
                parts.append(code)
                continue
            placeholder = by_code.setdefault(code, f"c{len(by_code)}")
            names[placeholder] = code
            token = placeholder
        parts.append(" " if kind == "space" else token)
    return "".join(parts), names


def _check(node: ast.AST, names: dict[str, str]) -> None:
    """Every node must be one the language has; the refusal names the construct."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError("chỉ dùng số / only numbers are allowed")
        return
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise FormulaError(f"tên không hợp lệ: {node.id} / name not allowed: {node.id}")
        return
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _OPERATORS:
            raise FormulaError(
                "chỉ dùng phép cộng, trừ, nhân, chia / only + - * and division are allowed,"
                f" not {type(node.op).__name__}"
            )
        _check(node.left, names)
        _check(node.right, names)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
        _check(node.operand, names)
        return
    if isinstance(node, ast.Call):
        _check_call(node, names)
        return
    raise FormulaError(
        f"không dùng được {type(node).__name__} / construct not allowed: {type(node).__name__}"
    )


def _check_call(node: ast.Call, names: dict[str, str]) -> None:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        called = names.get(getattr(node.func, "id", ""), ast.unparse(node.func))
        raise FormulaError(
            f"chỉ được gọi min, max, không gọi {called} / "
            f"only min and max may be called, not {called}"
        )
    if node.keywords or not node.args:
        raise FormulaError(
            f"{node.func.id} cần ít nhất một đối số, không đặt tên / "
            f"{node.func.id} needs at least one positional argument"
        )
    for argument in node.args:
        if isinstance(argument, ast.Starred):
            raise FormulaError("không dùng * trong đối số / no * in arguments")
        _check(argument, names)


class _ZeroDivisor(ArithmeticError):
    def __init__(self, divisor: str):
        super().__init__(divisor)
        self.divisor = divisor


class _Evaluator:
    def __init__(self, formula: Formula, inputs: dict[str, Decimal | None]):
        self.formula = formula
        self.inputs = inputs

    def visit(self, node: ast.AST) -> Decimal:
        if isinstance(node, ast.Constant):  # from the digits written, not a float
            return Decimal(ast.get_source_segment(self.formula.text, node) or str(node.value))
        if isinstance(node, ast.Name):
            return self.inputs[self.formula.names[node.id]]  # type: ignore[return-value]
        if isinstance(node, ast.UnaryOp):
            operand = self.visit(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call):
            return FUNCTIONS[node.func.id](self.visit(a) for a in node.args)  # type: ignore[attr-defined]
        return self._binary(node)  # type: ignore[arg-type]

    def _binary(self, node: ast.BinOp) -> Decimal:
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            raise _ZeroDivisor(self._shown(node.right))
        return left / right

    def _shown(self, node: ast.AST) -> str:
        """A sub-expression as the user wrote it (codes back in place of placeholders)."""
        text = ast.unparse(node)
        return re.sub(r"\bc\d+\b", lambda m: self.formula.names.get(m.group(), m.group()), text)
