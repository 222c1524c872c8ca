"""A small, safe parser from a student's written formula to a sympy expression.

sympy's own `parse_expr` calls `eval`, so it must never see student text. This
recursive-descent parser accepts only numbers, a fixed set of symbol names,
+ - * / // ^ **, parentheses, implicit multiplication ("2p", "(f-1)p"),
floor()/ceil() and one "=" sign, and builds sympy objects directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from grader.persian import normalize_digits
from grader.results import Bilingual
from grader.values import ValueProblem

SYMBOLS: dict[str, sympy.Symbol] = {}
_ALIASES = {
    "p": ("p", "pad", "padding", "P"),
    "f": ("f", "F", "k", "K", "filter", "kernel"),
    "d": ("d", "D", "dilation"),
    "s": ("s", "S", "stride"),
    "n": ("n", "N", "w", "W", "input"),
}
for canonical, names in _ALIASES.items():
    symbol = sympy.Symbol(canonical, positive=True)
    for name in names:
        SYMBOLS[name] = symbol

_FUNCTIONS = {"floor": sympy.floor, "ceil": sympy.ceiling}
_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_]+)|(\*\*|//|[-+*/^()=×÷]))")
_MAX_LENGTH = 200


@dataclass(frozen=True)
class Relation:
    """A parsed answer: `lhs = rhs` (an expression alone means `p = expression`)."""

    lhs: sympy.Expr
    rhs: sympy.Expr


def _problem(text: str, why_en: str, why_fa: str) -> ValueProblem:
    return ValueProblem(
        Bilingual(
            f"cannot read the formula {text!r}: {why_en}. Write it like p = (f - 1) / 2",
            f"فرمول «{text}» خوانده نشد: {why_fa}. آن را مانند p = (f - 1) / 2 بنویسید",
        )
    )


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str]] = []
        position = 0
        body = normalize_digits(text).replace("−", "-").replace("·", "*")
        while position < len(body):
            match = _TOKEN.match(body, position)
            if not match or match.end() == position:
                if body[position:].strip() == "":
                    break
                raise _problem(text, f"unexpected {body[position]!r}", f"نویسهٔ نامنتظر «{body[position]}»")
            number, name, op = match.groups()
            if number is not None:
                self.tokens.append(("num", number))
            elif name is not None:
                self.tokens.append(("name", name))
            else:
                self.tokens.append(("op", {"×": "*", "÷": "/", "^": "**"}.get(op, op)))
            position = match.end()
        self.index = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise _problem(self.text, "it ends too early", "زودتر از انتظار تمام شد")
        self.index += 1
        return token

    def expect(self, op: str) -> None:
        token = self.take()
        if token != ("op", op):
            raise _problem(self.text, f"expected {op!r}", f"«{op}» انتظار می‌رفت")

    def expression(self) -> sympy.Expr:
        value = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            right = self.term()
            value = value + right if op == "+" else value - right
        return value

    def term(self) -> sympy.Expr:
        value = self.unary()
        while True:
            token = self.peek()
            if token in (("op", "*"), ("op", "/"), ("op", "//")):
                op = self.take()[1]
                right = self.unary()
                if op == "*":
                    value = value * right
                elif op == "/":
                    value = value / right
                else:
                    value = sympy.floor(value / right)
            elif token is not None and (token[0] in ("num", "name") or token == ("op", "(")):
                value = value * self.unary()  # implicit multiplication: 2p, (f-1)p
            else:
                return value

    def unary(self) -> sympy.Expr:
        if self.peek() == ("op", "-"):
            self.take()
            return -self.unary()
        if self.peek() == ("op", "+"):
            self.take()
            return self.unary()
        return self.power()

    def power(self) -> sympy.Expr:
        base = self.atom()
        if self.peek() == ("op", "**"):
            self.take()
            return sympy.Pow(base, self.unary())
        return base

    def atom(self) -> sympy.Expr:
        kind, value = self.take()
        if kind == "num":
            return sympy.Rational(value)
        if kind == "name":
            if value.lower() in _FUNCTIONS:
                self.expect("(")
                inner = self.expression()
                self.expect(")")
                return _FUNCTIONS[value.lower()](inner)
            if value in SYMBOLS:
                return SYMBOLS[value]
            known = ", ".join(sorted({n for n in SYMBOLS if len(n) == 1}))
            raise _problem(self.text, f"unknown name {value!r} (use {known})", f"نام ناشناختهٔ «{value}»")
        if value == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        raise _problem(self.text, f"unexpected {value!r}", f"«{value}» نامنتظر است")


def parse_relation(text: str) -> Relation:
    """Parse 'p = (f-1)/2', '2p = f - 1', 'f = 2p + 1' or '(f-1)/2' (meaning p = ...)."""
    if len(text) > _MAX_LENGTH:
        raise _problem(text[:40] + "…", "it is too long", "بیش از حد طولانی است")
    if text.count("=") > 1:
        raise _problem(text, "it has more than one '='", "بیش از یک «=» دارد")
    parser = _Parser(text)
    if not parser.tokens:
        raise _problem(text, "it is empty", "خالی است")
    left = parser.expression()
    if parser.peek() == ("op", "="):
        parser.take()
        right = parser.expression()
    else:
        left, right = SYMBOLS["p"], left
    if parser.peek() is not None:
        raise _problem(text, f"unexpected {parser.peek()[1]!r}", f"«{parser.peek()[1]}» نامنتظر است")  # type: ignore[index]
    return Relation(lhs=left, rhs=right)


def solve_for(relation: Relation, symbol: sympy.Symbol) -> list[sympy.Expr]:
    """The relation solved for one symbol (empty when the symbol does not occur)."""
    equation = relation.lhs - relation.rhs
    if symbol not in equation.free_symbols:
        return []
    try:
        return list(sympy.solve(sympy.Eq(equation, 0), symbol))
    except (NotImplementedError, ValueError, TypeError):
        return []
