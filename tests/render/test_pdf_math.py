"""Formulas: sympy's LaTeX typeset by mathtext into deterministic vector SVG, and the reference code listings."""

from __future__ import annotations

import sympy

from grader.render import pdf_code, pdf_formulas, pdf_math


def test_svg_is_vector_and_deterministic() -> None:
    tex = pdf_math.latex(sympy.floor((sympy.Symbol("n") - 3) / sympy.Symbol("s")) + 1)
    pdf_math.tex_to_svg.cache_clear()
    first = pdf_math.tex_to_svg(tex)
    pdf_math.tex_to_svg.cache_clear()
    assert pdf_math.tex_to_svg(tex) == first
    svg = first.decode()
    assert "<path" in svg and "<text" not in svg and "<dc:date>" not in svg and "<metadata>" not in svg


def test_latex_names_multi_letter_subscripts_upright() -> None:
    c_in, k_h = sympy.symbols("c_in k_h")
    assert pdf_math.latex(c_in * k_h) == "c_{\\mathrm{in}} k_{h}"
    assert pdf_math.latex(sympy.Symbol("mu_B")) == "\\mu_{B}"


def test_q05_formulas_verify_without_keras() -> None:
    formulas = pdf_formulas.q05(keras=False)
    assert [f.key for f in formulas][-2:] == ["q05-padding", "q05-padding-dilated"]
    padding = formulas[-2]
    assert padding.plain == "(f - 1)/2"
    kinds = {c.kind: c.passed for c in padding.checks}
    assert kinds == {"symbolic": True, "numeric": True}
    for formula in formulas:
        pdf_math.tex_to_svg(formula.tex)  # mathtext parses every one


def test_q06_and_q07_formulas_pass() -> None:
    from grader.key import key_values

    values = key_values()["questions"]["q07"]["reference"]
    for formula in pdf_formulas.q06(keras=False) + pdf_formulas.q07(values):
        assert all(c.passed for c in formula.checks), formula
    count = pdf_formulas.q06(keras=False)[-1]
    assert count.plain.endswith("= 260")


def test_code_listings_are_cut_from_the_reference() -> None:
    listings = pdf_code.highlighted("q06")
    assert listings[0]["name"] == "forward_batchnorm"
    assert 'def</span> <span class="nf">forward_batchnorm' in listings[0]["html"]
    assert pdf_code.highlighted("q02") == [] or all(item["html"] for item in pdf_code.highlighted("q02"))
