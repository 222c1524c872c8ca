"""A similarity signal between students' code, for a TA to review (never a verdict).

Each function and class is normalised through its AST: identifiers become
placeholders, docstrings and comments vanish, literals keep only their type,
so renaming variables or reformatting changes nothing. The normalised token
stream is cut into overlapping k-grams (hashed) and two students are compared
by containment: the share of the smaller submission's k-grams that the other
one also has (so a student who copied one file of a larger submission shows).

Shared code must not make students look alike: every k-gram that occurs in
the handed-out templates (`templates/student/` and any extra files the course
hands out) is removed first, and so is any k-gram present in more than half of
the class (boilerplate such as the same Keras imports and layer stacks the
sheet prescribes).
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from itertools import combinations
from pathlib import Path

K = 12  # tokens per k-gram: long enough that one prescribed line does not match by itself
COMMON = 0.5  # k-grams in more than this fraction of students are boilerplate


class _Normaliser(ast.NodeVisitor):
    def __init__(self) -> None:
        self.tokens: list[str] = []

    def generic_visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return  # a docstring or a bare string
        token = type(node).__name__
        if isinstance(node, ast.Constant):
            token += f":{type(node.value).__name__}"
        elif isinstance(node, ast.Attribute):
            token += f":{node.attr}"  # library calls (layers.Conv2D) say what the code does
        elif isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp)):
            token += ":" + ",".join(type(op).__name__ for op in getattr(node, "ops", [getattr(node, "op", None)]))
        self.tokens.append(token)
        super().generic_visit(node)


def _sources(folder: Path) -> list[str]:
    texts = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".py":
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
        elif path.suffix == ".ipynb":
            try:
                cells = json.loads(path.read_text(encoding="utf-8", errors="replace")).get("cells", [])
            except ValueError:
                continue
            for cell in cells:
                if cell.get("cell_type") == "code":
                    source = cell.get("source", "")
                    texts.append("".join(source) if isinstance(source, list) else str(source))
    return texts


def fingerprints(texts: list[str]) -> set[str]:
    """Hashed k-grams of the normalised token stream of every top-level definition and statement."""
    grams: set[str] = set()
    for text in texts:
        lines = [line for line in text.splitlines() if not line.lstrip().startswith(("!", "%"))]  # notebook magics
        try:
            tree = ast.parse("\n".join(lines))
        except (SyntaxError, ValueError, RecursionError):
            continue
        for node in tree.body:
            normaliser = _Normaliser()
            normaliser.visit(node)
            tokens = normaliser.tokens
            for i in range(max(len(tokens) - K + 1, 0)):
                grams.add(hashlib.blake2b(" ".join(tokens[i : i + K]).encode(), digest_size=8).hexdigest())
    return grams


def template_fingerprints(extra: list[Path] | None = None) -> set[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(_template_files())]
    for path in extra or []:
        texts += _sources(path) if path.is_dir() else [path.read_text(encoding="utf-8", errors="replace")]
    return fingerprints(texts)


def _template_files() -> list[Path]:
    folder = resources.files("hw4_templates") / "student"
    return [Path(str(folder / name)) for name in sorted(p.name for p in folder.iterdir() if p.name.endswith(".py"))]


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    similarity: float
    shared: int  # k-grams in common after the exclusions


def compare(folders: dict[str, Path], handed_out: list[Path] | None = None, top: int = 10) -> list[Pair]:
    """The `top` most similar pairs of students (by containment), most similar first."""
    excluded = template_fingerprints(handed_out)
    prints = {sid: fingerprints(_sources(folder)) - excluded for sid, folder in folders.items()}
    counts = Counter(g for grams in prints.values() for g in grams)
    if len(prints) >= 4:  # with fewer students "more than half" is meaningless
        common = {g for g, n in counts.items() if n > COMMON * len(prints)}
        prints = {sid: grams - common for sid, grams in prints.items()}
    pairs = []
    for a, b in combinations(sorted(prints), 2):
        smaller = min(len(prints[a]), len(prints[b]))
        if not smaller:
            continue
        shared = len(prints[a] & prints[b])
        pairs.append(Pair(a, b, round(shared / smaller, 3), shared))
    pairs.sort(key=lambda p: (-p.similarity, p.first, p.second))
    return pairs[:top]
