"""Word equations come out as the linear text a student would have typed."""

from __future__ import annotations

from lxml import etree

from grader.reports.omml import linear

M = "http://schemas.openxmlformats.org/officeDocument/2006/math"


def _math(body: str) -> etree._Element:
    return etree.fromstring(f'<m:oMath xmlns:m="{M}">{body}</m:oMath>')


def r(text: str) -> str:
    return f"<m:r><m:t>{text}</m:t></m:r>"


def test_the_output_size_formula_with_floor_fraction_and_subscripts() -> None:
    sub = lambda base, s: f"<m:sSub><m:e>{r(base)}</m:e><m:sub>{r(s)}</m:sub></m:sSub>"  # noqa: E731
    numerator = sub("W", "in") + r(" + 2P − D(") + sub("W", "k") + r(" − 1) − 1")
    body = (
        sub("W", "out") + r(" = ")
        + '<m:d><m:dPr><m:begChr m:val="⌊"/><m:endChr m:val="⌋"/></m:dPr><m:e>'
        + f"<m:f><m:num>{numerator}</m:num><m:den>{r('S')}</m:den></m:f></m:e></m:d>"
        + r(" + 1")
    )  # fmt: skip
    assert linear(_math(body)) == "W_out = ⌊(W_in + 2P − D(W_k − 1) − 1)/S⌋ + 1"


def test_padding_relation_fraction() -> None:
    body = r("p = ") + f"<m:f><m:num>{r('f − 1')}</m:num><m:den>{r('2')}</m:den></m:f>"
    assert linear(_math(body)) == "p = (f − 1)/2"


def test_square_root_power_and_default_parentheses() -> None:
    body = (
        "<m:rad><m:radPr><m:degHide m:val='1'/></m:radPr><m:deg/><m:e>"
        + f"<m:sSup><m:e>{r('σ')}</m:e><m:sup>{r('2')}</m:sup></m:sSup>{r(' + ε')}</m:e></m:rad>"
        + f"<m:d><m:e>{r('a')}</m:e><m:e>{r('b')}</m:e></m:d>"
    )
    assert linear(_math(body)) == "sqrt(σ^2 + ε)(a|b)"


def test_nary_sum_and_function() -> None:
    body = (
        '<m:nary><m:naryPr><m:chr m:val="∑"/></m:naryPr><m:sub>' + r("i=1") + "</m:sub><m:sup>" + r("N")
        + "</m:sup><m:e>" + r("x_i") + "</m:e></m:nary>"
        + "<m:func><m:fName>" + r("max") + "</m:fName><m:e>" + r("0, z") + "</m:e></m:func>"
    )  # fmt: skip
    assert linear(_math(body)) == "∑_(i=1)^N x_imax(0, z)"


def test_an_operand_made_of_two_bracketed_groups_is_bracketed_as_a_whole() -> None:
    from grader.reports.omml import _group

    assert _group("(a)+(b)") == "((a)+(b))" and _group("(W - F)") == "(W - F)" and _group("x+1") == "(x+1)"
