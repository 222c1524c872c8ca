"""Word equations (OMML, the m: elements of a .docx) as linear text a student could have typed.

`⌊(W_in + 2P − D(W_k − 1) − 1)/S⌋ + 1` comes out as that string, so the same
value parsers read a typed formula and an equation. This walks the XML that
python-docx already parsed; it does not parse a format of its own.
"""

from __future__ import annotations

from typing import Any

M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_PROPERTIES = {"rPr", "fPr", "dPr", "sSubPr", "sSupPr", "sSubSupPr", "radPr", "naryPr", "funcPr", "limLowPr",
               "limUppPr", "accPr", "barPr", "boxPr", "borderBoxPr", "groupChrPr", "eqArrPr", "mPr", "mrPr",
               "sPrePr", "phantPr", "ctrlPr", "oMathParaPr"}  # fmt: skip


def _local(element: Any) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.split("}", 1)[1] if "}" in tag else tag


def _child(element: Any, name: str) -> Any | None:
    return element.find(f"{M}{name}")


def _property(element: Any, holder: str, name: str, default: str) -> str:
    props = _child(element, holder)
    if props is None:
        return default
    found = props.find(f"{M}{name}")
    if found is None:
        return default
    return str(found.get(f"{M}val", default))


def _group(text: str) -> str:
    """Parenthesise a multi-symbol operand of / ^ _ so the linear form keeps its meaning."""
    text = text.strip()
    if len(text) <= 1 or text.isalnum() or _wrapped(text):
        return text
    return f"({text})"


def _wrapped(text: str) -> bool:
    """Whether the whole text is one bracketed group: "(a+b)", not "(a)+(b)"."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and index < len(text) - 1:
            return False
    return True


def linear(element: Any) -> str:
    """The linear text of an OMML element (m:oMath, m:oMathPara or anything inside them)."""
    name = _local(element)
    if name in _PROPERTIES:
        return ""
    if name == "t":
        return str(element.text or "")
    if name == "r":
        return "".join(str(t.text or "") for t in element.iter(f"{M}t", f"{W}t"))
    if name == "f":
        num, den = _child(element, "num"), _child(element, "den")
        return f"{_group(_inner(num))}/{_group(_inner(den))}"
    if name in ("sSub", "sSup", "sSubSup", "sPre"):
        base = _inner(_child(element, "e"))
        sub, sup = _child(element, "sub"), _child(element, "sup")
        text = base if name != "sPre" else ""
        if sub is not None:
            text += "_" + _group(_inner(sub))
        if sup is not None:
            text += "^" + _group(_inner(sup))
        return text + (base if name == "sPre" else "")
    if name == "d":
        begin = _property(element, "dPr", "begChr", "(")
        end = _property(element, "dPr", "endChr", ")")
        separator = _property(element, "dPr", "sepChr", "|")
        parts = [_inner(e) for e in element.findall(f"{M}e")]
        return f"{begin}{separator.join(parts)}{end}"
    if name == "rad":
        degree = _child(element, "deg")
        inside = _inner(_child(element, "e"))
        root = _inner(degree) if degree is not None else ""
        return f"sqrt({inside})" if not root.strip() else f"root({root}, {inside})"
    if name == "nary":
        symbol = _property(element, "naryPr", "chr", "∫")
        sub, sup = _child(element, "sub"), _child(element, "sup")
        text = symbol
        if sub is not None and _inner(sub).strip():
            text += "_" + _group(_inner(sub))
        if sup is not None and _inner(sup).strip():
            text += "^" + _group(_inner(sup))
        return f"{text} {_inner(_child(element, 'e'))}"
    if name == "func":
        return f"{_inner(_child(element, 'fName'))}({_inner(_child(element, 'e'))})"
    if name in ("limLow", "limUpp"):
        mark = "_" if name == "limLow" else "^"
        return f"{_inner(_child(element, 'e'))}{mark}{_group(_inner(_child(element, 'lim')))}"
    if name == "eqArr":
        return "; ".join(_inner(e) for e in element.findall(f"{M}e"))
    if name == "m":  # a matrix: rows of cells
        rows = [", ".join(_inner(e) for e in row.findall(f"{M}e")) for row in element.findall(f"{M}mr")]
        return "[" + "; ".join(rows) + "]"
    return _inner(element)  # containers (m:e, m:num, ...) and elements we do not know: their contents


def _inner(element: Any | None) -> str:
    if element is None:
        return ""
    return "".join(linear(child) for child in element)


def is_math(element: Any) -> bool:
    return _local(element) in ("oMath", "oMathPara")
