"""Reference code for the answer key: chosen functions, cut from the source with ast, highlighted by Pygments."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path
from typing import Any

import reference

#: The functions the key shows, per question (the rest of a module is plumbing: I/O, plots, CLI).
KEY_FUNCTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "q01": ("q01_keras_tuner.py", ("build_model",)),
    "q02": ("q02_transfer_learning.py", ("define_model",)),
    "q03": ("q03_gas_consumption.py", ("windows", "fixed_pipeline")),
    "q04": ("q04_cnn_vs_rnn.py", ("_block", "_factored")),
    "q05": ("q05_conv_arithmetic.py", ("padding_relation", "_spatial")),
    "q06": ("q06_batchnorm.py", ("forward_batchnorm", "batchnorm_backward", "dense_batchnorm_trainable")),
    "q07": ("q07_gradcam.py", ("gradcam_tape", "upsample_and_normalise")),
}
# Module-level definitions a function needs to be read (Q5's formulas).
KEY_PREAMBLE = {"q05": ("EFFECTIVE_KERNEL", "OUTPUT_PADDED", "OUTPUT_VALID", "OUTPUT_SAME", "CONV_PARAMETERS")}


def _segments(source: str, names: tuple[str, ...], preamble: tuple[str, ...]) -> list[tuple[str, str]]:
    tree = ast.parse(source)
    lines = source.splitlines()
    found: dict[str, str] = {}
    constants: list[str] = []
    for node in tree.body:
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
        text = "\n".join(lines[start : node.end_lineno])
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in names:
            found[node.name] = text
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in preamble for t in node.targets):
            comment = lines[start - 1] if start > 0 and lines[start - 1].startswith("#") else ""
            constants.append("\n".join(filter(None, [comment, text])))
    segments = [("constants", "\n".join(constants))] if constants else []
    return segments + [(name, found[name]) for name in names if name in found]


@functools.cache
def highlighted(question_id: str) -> list[dict[str, Any]]:
    """[{name, path, html}] for the question's key functions; [] when its module or functions do not exist yet."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    if question_id not in KEY_FUNCTIONS:
        return []
    filename, names = KEY_FUNCTIONS[question_id]
    path = Path(reference.__file__).parent / filename
    if not path.is_file():
        return []
    try:
        segments = _segments(path.read_text(encoding="utf-8"), names, KEY_PREAMBLE.get(question_id, ()))
    except SyntaxError:
        return []
    formatter = HtmlFormatter(nowrap=True, style=STYLE)
    return [
        {
            "name": name,
            "path": f"reference/{filename}",
            "html": _unstyled.sub(r"\1", highlight(text, PythonLexer(), formatter)),
        }
        for name, text in segments
    ]


# Tokens the style leaves black (names, punctuation, whitespace): their spans only cost layout time.
_unstyled = re.compile(r'<span class="(?:n|p|w)">([^<]*)</span>')
STYLE = "friendly"


def stylesheet() -> str:
    """Pygments' colours for the `.code` blocks (the 'friendly' style reads well in print)."""
    from pygments.formatters import HtmlFormatter

    return str(HtmlFormatter(style=STYLE).get_style_defs(".code"))
