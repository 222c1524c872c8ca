"""What the PDF answer key and the student report share: templates, bidi text, assets and WeasyPrint.

A renderer builds a `Document`: deterministic HTML (no dates, sorted data, so it
can be compared with golden files) plus the bytes of every file the HTML names
(fonts, figures, formula SVGs) under relative paths. `write_pdf` puts those
files in a temporary folder and lets WeasyPrint read them from there, so the
HTML never holds a machine's absolute paths and nothing is fetched from the
network.

Persian text is set right to left (`dir="rtl"` blocks); the Latin, digit and
code runs inside it are wrapped in Unicode isolates (LRI ... PDI). Measured with
WeasyPrint 70: `<bdi>` and `<span dir="ltr">` keep a run's order too, but split
the line into boxes that add stray spaces next to brackets; the isolates are
resolved by Pango itself and leave nothing in the extracted text.
"""

from __future__ import annotations

import functools
import math
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

FONT_FILES = ("Vazirmatn-Regular.ttf", "Vazirmatn-Bold.ttf", "DejaVuSansMono.ttf")
LRI, PDI = "\u2066", "\u2069"

# A candidate left-to-right run inside Persian text: printable ASCII (and a few signs used in
# formulas) starting with a Latin letter, a digit or an opening bracket.
_RUN = re.compile(r"[A-Za-z0-9_(\[{<α-ωΑ-Ω][\x20-\x7e×·−²³√≤≥±≈…∈∉≠→←α-ωΑ-Ω]*")
_OPENERS, _CLOSERS = "([{", ")]}"
_TRAILING = " .,;:،؛"


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries are missing: the message says what to install."""


@dataclass
class Document:
    """HTML and the files it names (relative path -> bytes)."""

    html: str
    assets: dict[str, bytes] = field(default_factory=dict)


def _balanced(run: str) -> str:
    """Trim a run to what belongs to it: no trailing spaces or punctuation, no bracket it does not close or open."""
    while True:
        run = run.strip(_TRAILING)
        opened = sum(run.count(c) for c in _OPENERS)
        closed = sum(run.count(c) for c in _CLOSERS)
        if run and run[-1] in _OPENERS:
            run = run[:-1]
        elif run and run[0] in _CLOSERS:
            run = run[1:]
        elif closed > opened and run[-1] in _CLOSERS:
            run = run[:-1]
        elif opened > closed and run[0] in _OPENERS:
            run = run[1:]
        else:
            return run


def isolate_ltr(text: str) -> Markup:
    """Escape `text` and wrap each Latin/number/code run in LRI ... PDI, so that RTL layout cannot scramble it."""
    pieces: list[str] = []
    position = 0
    for match in _RUN.finditer(text):
        raw = match.group()
        run = _balanced(raw)
        if not run or not re.search(r"[A-Za-z0-9]", run) or run.isdigit():
            continue  # a lone number is laid out correctly by the bidi algorithm itself
        start = match.start() + raw.find(run)
        pieces.append(str(escape(text[position:start])))
        pieces.append(f"{LRI}{escape(run)}{PDI}")
        position = start + len(run)
    pieces.append(str(escape(text[position:])))
    return Markup("".join(pieces))


def number(value: Any, digits: int = 4) -> str:
    """A number as a table shows it: integers with thousands separators, floats to `digits` significant digits."""
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return f"{int(value):,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return f"{value:.{digits}g}"
    return str(value)


def points(value: Any) -> str:
    """Points as the sheet writes them: 5, 2.5, 0.556."""
    return f"{float(value):.3f}".rstrip("0").rstrip(".")


def pick(message: Any, lang: str) -> str:
    """One half of an {en, fa} mapping (or a plain string)."""
    if isinstance(message, dict):
        return str(message["fa" if lang == "fa" else "en"])
    return str(message)


@functools.cache
def templates_root() -> Path:
    return Path(str(resources.files("hw4_templates")))


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_root())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(isolate=isolate_ltr, number=number, points=points, pick=pick)
    return env


def render_template(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)


def font_assets() -> dict[str, bytes]:
    folder = templates_root() / "fonts"
    return {f"fonts/{name}": (folder / name).read_bytes() for name in FONT_FILES}


def load_weasyprint() -> Any:
    """Import WeasyPrint, or say in one line what to install."""
    try:
        with warnings.catch_warnings():
            # WeasyPrint 70 warns (DeprecationWarning) when libharfbuzz-subset is missing; it still works.
            warnings.simplefilter("ignore", DeprecationWarning)
            import weasyprint
    except ImportError:
        raise PdfUnavailable("PDF output needs WeasyPrint: pip install 'hw4-grader[pdf]'") from None
    except OSError as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise PdfUnavailable(
            f"WeasyPrint cannot load its system libraries ({first}); install Pango, e.g. "
            "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
        ) from None
    return weasyprint


def write_pdf(document: Document, target: Path) -> int:
    """Render `document` to `target` (atomically); returns the number of pages."""
    weasyprint = load_weasyprint()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hw4-pdf-") as folder:
        base = Path(folder)
        for name, data in document.assets.items():
            path = base / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            rendered = weasyprint.HTML(string=document.html, base_url=str(base) + "/").render()
            temporary = target.with_name(f".{target.name}.tmp")
            rendered.write_pdf(temporary)
    temporary.replace(target)
    return len(rendered.pages)
