"""Formulas as real mathematics: sympy's LaTeX typeset by matplotlib's mathtext into SVG paths.

WeasyPrint has no MathML; mathtext (part of matplotlib, no TeX installation
needed) draws the LaTeX that `sympy.latex` writes with Computer Modern glyphs,
which the SVG keeps as vector paths: the PDF needs no extra font and the
formula stays sharp at any zoom. The SVG is deterministic (no date, fixed ids),
so the same formula gives the same bytes on every run.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from typing import Any

import sympy

from grader.results import Bilingual


@dataclass(frozen=True)
class Check:
    """One verification a formula passed (or failed): 'symbolic', 'numeric' or 'keras'."""

    kind: str
    passed: bool
    text: Bilingual


@dataclass(frozen=True)
class Formula:
    """A typeset formula, its plain sympy text (extractable from the PDF) and its checks."""

    key: str  # unique file stem, e.g. "q05-output-valid"
    tex: str
    plain: str
    caption: Bilingual
    checks: tuple[Check, ...] = ()

    @property
    def asset(self) -> str:
        return f"math/{self.key}.svg"

    def as_context(self) -> dict[str, Any]:
        return {
            "asset": self.asset,
            "plain": self.plain,
            "caption": {"en": self.caption.en, "fa": self.caption.fa},
            "checks": [{"kind": c.kind, "passed": c.passed, "en": c.text.en, "fa": c.text.fa} for c in self.checks],
        }


def _symbol_name(symbol: sympy.Symbol) -> str:
    """c_in -> c_{\\mathrm{in}}; k_h -> k_{h}; beta_avg -> \\beta_{\\mathrm{avg}}."""
    head, _, tail = symbol.name.partition("_")
    greek = {"beta", "gamma", "mu", "sigma", "epsilon", "alpha"}
    head_tex = f"\\{head}" if head in greek else head
    if not tail:
        return head_tex
    tail_tex = f"\\mathrm{{{tail}}}" if len(tail) > 1 else tail
    return f"{head_tex}_{{{tail_tex}}}"


def latex(expr: Any, order: str | None = None) -> str:
    """sympy.latex with multi-letter subscripts upright, as a textbook writes them; order="none" keeps z - mu."""
    expr = sympy.sympify(expr)
    names = {s: _symbol_name(s) for s in expr.free_symbols if isinstance(s, sympy.Symbol)}
    return str(sympy.latex(expr, symbol_names=names, order=order))


def plain(expr: Any) -> str:
    """The text form of a formula: sympy's, with ** written as ^."""
    return str(sympy.sstr(expr)).replace("**", "^")


@functools.lru_cache(maxsize=256)
def tex_to_svg(tex: str, size: float = 13.0) -> bytes:
    """Typeset `tex` (the inside of $...$) with mathtext; raises ValueError when mathtext cannot parse it."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"mathtext.fontset": "cm", "svg.fonttype": "path", "svg.hashsalt": "hw4-grader"}):
        figure = Figure()
        # Display-style fractions: mathtext sets \\frac in text style, too small beside the body text.
        display = tex.replace("\\frac", "\\dfrac")
        figure.text(0, 0, f"${display}$", fontsize=size)
        buffer = io.BytesIO()
        figure.savefig(
            buffer,
            format="svg",
            bbox_inches="tight",
            pad_inches=0.02,
            transparent=True,
            metadata={"Date": None, "Creator": None},
        )
    svg = buffer.getvalue().decode("utf-8")
    # The SVG's width/height are in pt; keep them so that every formula has the same type size.
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    return svg.encode("utf-8")


def assets(formulas: list[Formula]) -> dict[str, bytes]:
    return {f.asset: tex_to_svg(f.tex) for f in formulas}
