"""A small, safe parser from a student's written formula to a sympy expression.

sympy's own `parse_expr` calls `eval`, so it must never see student text. This
recursive-descent parser accepts only numbers, a fixed set of symbol names,
+ - * / // ^ **, parentheses, implicit multiplication ("2p", "(f-1)p"),
floor()/ceil() (also written ⌊ ⌋ and ⌈ ⌉) and one "=" sign, and builds sympy
objects directly. The same parser evaluates a student's unworked arithmetic
("(3×3×3+1)×64") with no symbol allowed, and finds the formula in a sentence
(«پدینگ باید (F-1)/2 باشد»).
"""

from __future__ import annotations

import math
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
# Floor and ceiling brackets, as students type them from a symbol table.
_BRACKETS = str.maketrans({"⌊": "floor(", "⌋": ")", "⌈": "ceil(", "⌉": ")", "−": "-", "–": "-", "·": "*"})
_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_]+)|(\*\*|//|[-+*/^()=×÷]))")
_MAX_LENGTH = 200
_MAX_EXPONENT = 64
_MAX_DIGITS = 400  # a number written with powers may not grow past this many digits: ((10^64)^64)^64 never ends


def _digits(value: sympy.Expr) -> float:
    """About how many decimal digits a rational number has (0 for anything else: a symbol's size is unknown)."""
    if not value.is_Rational or value == 0:
        return 0.0
    return max(math.log10(abs(int(value.p))), math.log10(int(value.q)), 1.0)


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
        body = normalize_digits(text).translate(_BRACKETS)
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
            exponent = self.unary()
            if exponent.is_number and abs(exponent) > _MAX_EXPONENT:  # 2 ** 99999999 would never finish
                raise _problem(self.text, "the exponent is too large", "توان بیش از حد بزرگ است")
            if exponent.is_number and _digits(base) * abs(float(exponent)) > _MAX_DIGITS:
                raise _problem(self.text, "the number is too large", "عدد بیش از حد بزرگ است")
            return sympy.Pow(base, exponent)
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


# -- numbers written as unworked arithmetic -------------------------------------------------------
_TIMES_X = re.compile(r"(?<=[\d)])\s*[xX]\s*(?=[\d(])")
_ARITHMETIC = re.compile(r"^[\d\s()+\-*/^.×÷·−–]+$")
_ANSWER_THEN_WORKING = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(\(.*)$")
_NUMBER_BEFORE_BRACKET = re.compile(r"\d\s*\(")


def _balanced(body: str) -> str:
    """Close what a student left open: «۳×۳×۳+۱)×۶۴» -> "(3×3×3+1)×64", "(3+1" -> "(3+1)"."""
    missing_open = missing_close = depth = 0
    for char in body:
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                missing_open += 1
            else:
                depth -= 1
    missing_close = depth
    return "(" * missing_open + body + ")" * missing_close


def evaluate_arithmetic(text: str) -> sympy.Rational | None:
    """The value of a student's unworked arithmetic ('(3x3x3+1)x64', '3*3*3*64+64'), or None.

    Only numbers, + - × x * / ÷ ^ and parentheses are accepted; anything else (a
    symbol, a word) gives None, never an error: the caller reads the text another way.
    """
    body = _TIMES_X.sub("*", normalize_digits(text).strip().strip("«»\"'`"))
    if not body or len(body) > _MAX_LENGTH or not _ARITHMETIC.match(body) or not re.search(r"\d", body):
        return None
    answer_then_working = _ANSWER_THEN_WORKING.match(body)
    if answer_then_working:
        # "260 (200 + 20 + 40)" is an answer followed by its working, never 260 × 260: the number counts when
        # the working agrees with it; otherwise the text says two things and is not read as one value.
        stated, working = answer_then_working.groups()
        worked = evaluate_arithmetic(working)
        return sympy.Rational(stated) if worked is not None and worked == sympy.Rational(stated) else None
    if _NUMBER_BEFORE_BRACKET.search(body):
        return None  # "2 (3 + 1)": a number beside a bracket is no product a student writes in a count
    if not re.search(r"[-+*/^×÷·−–]", body.strip("()")):
        return None  # a bare number is not arithmetic
    try:
        parser = _Parser(_balanced(body))
        value = parser.expression()
    except (ValueProblem, ZeroDivisionError, RecursionError):
        return None
    if parser.peek() is not None or value.free_symbols or not value.is_Rational:
        return None
    return sympy.Rational(value)


# -- a relation written inside a sentence ----------------------------------------------------------
_FORMULA_CHARS = re.compile(r"[0-9A-Za-z_()+\-*/^=×÷.\s⌊⌋⌈⌉−–·]+")
_KNOWN_NAMES = {n.lower() for n in SYMBOLS} | set(_FUNCTIONS)


def _formula_pieces(text: str) -> list[str]:
    """Runs of formula characters, cut at every word that is no symbol (Persian words cut them too)."""
    pieces = []
    for run in _FORMULA_CHARS.findall(normalize_digits(text)):
        current: list[str] = []
        for word in re.split(r"(\s+)", run):
            names = re.findall(r"[A-Za-z_]+", word)
            if any(name.lower() not in _KNOWN_NAMES for name in names):
                pieces.append("".join(current))
                current = []
            else:
                current.append(word)
        pieces.append("".join(current))
    return [p.strip(" .=") if p.strip().startswith("=") or p.strip().endswith("=") else p.strip(" .")
            for p in pieces if re.search(r"[A-Za-z]", p)]  # fmt: skip


def find_relation(text: str) -> Relation:
    """The padding relation a student states, also inside a sentence or at the end of a derivation.

    The whole text is tried first; then every formula-like piece of it, preferring
    one that gives p alone on the left ("p = (f - 1)/2"), the last such one
    (the conclusion of a derivation), then any relation with f, then a bare
    expression of f («پدینگ باید (F-1)/2 باشد» means p = (F-1)/2).
    """
    try:
        return parse_relation(text)
    except ValueProblem as problem:
        first_problem = problem
    best: tuple[int, int, Relation] | None = None
    f = SYMBOLS["f"]
    for order, piece in enumerate(_formula_pieces(text)):
        try:
            relation = parse_relation(piece)
        except ValueProblem:
            continue
        symbols = (relation.lhs - relation.rhs).free_symbols
        if f not in symbols:
            continue
        explicit = "=" in piece
        rank = 3 if explicit and relation.lhs == SYMBOLS["p"] else 2 if explicit else 1
        if best is None or (rank, order) >= (best[0], best[1]):
            best = (rank, order, relation)
    if best is None:
        raise first_problem
    return best[2]
