"""The PDF renderers' HTML: golden files, bidi isolation, missing content, and the CLI's PDF errors (no WeasyPrint needed).

Golden files: tests/render/golden/. The key is rendered from a frozen context
(key_context.json) so that edits to answers/ by other questions do not break
it; `UPDATE_GOLDEN=1 pytest tests/render` rewrites the context from the live
data and all golden HTML.
"""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.render import pdf_engine, pdf_key, pdf_report
from grader.render.pdf_engine import LRI, PDI, isolate_ltr
from tests.render.pdf_samples import sample_report

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} missing: run UPDATE_GOLDEN=1 pytest tests/render"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = next(i for i, (a, b) in enumerate(zip(text, expected, strict=False)) if a != b) if text[:1] else 0
        pytest.fail(
            f"{name} differs from the golden file at character {diff}: {text[diff : diff + 160]!r}\n"
            f"expected: {expected[diff : diff + 160]!r}\n(if the change is intended: UPDATE_GOLDEN=1 pytest tests/render)"
        )


@pytest.fixture(scope="module")
def key_context() -> dict[str, Any]:
    path = GOLDEN / "key_context.json"
    if UPDATE:
        context, _ = pdf_key.build_context(keras=False)
        path.write_text(json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_key_html_matches_golden(key_context: dict[str, Any]) -> None:
    _golden("key_both.html", pdf_key.render_html(key_context, "both"))
    _golden("key_fa.html", pdf_key.render_html(key_context, "fa"))


def test_report_html_matches_golden() -> None:
    context, assets = pdf_report.build_context(sample_report())
    assert set(assets) == {pdf_report.Q07_FIGURE}
    _golden("report_both.html", pdf_report.render_html(context, "both"))


def test_live_key_context_is_complete_and_deterministic() -> None:
    first, assets = pdf_key.build_context(keras=False)
    second, _ = pdf_key.build_context(keras=False)
    assert first == second
    assert [q["id"] for q in first["questions"]] == ["q01", "q02", "q03", "q04", "q05", "q06", "q07"]
    by_id = {q["id"]: q for q in first["questions"]}
    # Every formula passed every check it names (Keras ones are reported as not run here).
    for question in first["questions"]:
        for formula in question["formulas"]:
            assert formula["asset"] in assets and assets[formula["asset"]].startswith(b"<?xml")
            assert all(check["passed"] for check in formula["checks"]), formula
    assert len(by_id["q04"]["formulas"]) == 7 and len(by_id["q05"]["formulas"]) == 6
    assert {"figures/q01-learning_curves.png", "figures/q07-gradcam_overlays.png"} <= set(assets)
    q05_rows = by_id["q05"]["tables"][0]["rows"]
    assert [row[4]["text"] for row in q05_rows][:2] == ["1,792", "51,232"] and q05_rows[7][3]["text"] == "n/a"
    assert by_id["q01"]["code"] and by_id["q06"]["code"] and by_id["q01"]["rubrics"]
    html = pdf_key.render_html(first, "both")
    assert str(Path(pdf_key.__file__).resolve().parents[2]) not in html  # no machine paths


def test_a_question_without_content_says_not_yet_available(key_context: dict[str, Any]) -> None:
    context = copy.deepcopy(key_context)
    empty = context["questions"][2]
    empty.update(parts=[], formulas=[], tables=[], figures=[], code=[], rubrics=[], policies=[], available=False)
    html = pdf_key.render_html(context, "both")
    section = html.split(f'id="{empty["id"]}"', 1)[1].split("</section>", 1)[0]
    assert "Not yet available" in section and "هنوز آماده نیست" in section


def test_languages(key_context: dict[str, Any]) -> None:
    english = pdf_key.render_html(key_context, "en")
    persian = pdf_key.render_html(key_context, "fa")
    assert '<html lang="en" dir="ltr">' in english and 'lang="fa"' not in english.split("</head>", 1)[1]
    assert '<html lang="fa" dir="rtl">' in persian and "KerasTuner is Keras' library" not in persian
    assert "پاسخ نمونه" in persian and "Model answer" in english


def test_report_marks_wrong_q05_cells_overrides_and_reviews() -> None:
    context, _ = pdf_report.build_context(sample_report())
    html = pdf_report.render_html(context, "both")
    q05 = html.split('class="data q05"', 1)[1].split("</table>", 1)[0]
    assert q05.count('class="bad"') == 2 and "✗ 126x126x32" in q05 and "(124, 124, 32)" in q05
    assert q05.count('class="missing"') == 2
    assert "TA: Right idea, different words — TA Sara (automatic score 0)" in html
    assert f"دستیار آموزشی: {LRI}Right idea" in html
    assert 'class="flag">⚑' in html and "(hidden)" in html and "not graded in this run" in html
    q07 = html.split('class="data q07"', 1)[1].split("</table>", 1)[0]
    assert q07.count('class="good"') == 11 and q07.count('class="bad"') == 2


def test_report_draws_the_students_heatmaps_when_a_check_keeps_them() -> None:
    import dataclasses
    import io

    import numpy as np
    from PIL import Image

    report = sample_report()
    q07 = report.question("q07")
    maps = np.random.default_rng(0).random((10, 7, 7)).tolist()
    check = dataclasses.replace(q07.checks[0], details=(*q07.checks[0].details, ("maps", maps)))
    with_maps = dataclasses.replace(q07, checks=(check, *q07.checks[1:]))
    report = dataclasses.replace(report, questions=tuple(with_maps if q is q07 else q for q in report.questions))
    context, assets = pdf_report.build_context(report)
    _, plain = pdf_report.build_context(sample_report())
    tall = Image.open(io.BytesIO(assets[pdf_report.Q07_FIGURE])).height
    assert tall > 1.5 * Image.open(io.BytesIO(plain[pdf_report.Q07_FIGURE])).height
    assert "below it, your heatmaps" in pdf_report.render_html(context, "both")


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("ابعاد ((60000, 28, 28)، (60000,)) را", ["(60000, 28, 28)", "(60000,)"]),
        ("تابع build_model(hp) را", ["build_model(hp)"]),
        ("(hp.Int برای تعداد)؛ نرخ 1/(1-p) ضرب", ["hp.Int", "1/(1-p)"]),
        ("برای n ∈ {7, 28} و", ["n ∈ {7, 28}"]),
        ("عدد 260 است", []),
        ("است: SYMBOLIC (اتحادی که sympy ثابت می‌کند)، NUMERIC (مقایسه", ["SYMBOLIC", "sympy", "NUMERIC"]),
        ("<b>&</b>", ["<b>&</b>"]),
    ],
)
def test_isolate_ltr_wraps_latin_runs(text: str, runs: list[str]) -> None:
    marked = str(isolate_ltr(text))
    found = [pdf_engine.Markup(r).unescape() for r in re.findall(f"{LRI}(.*?){PDI}", marked)]
    assert found == runs
    assert "<b>" not in marked  # escaped
    assert marked.replace(LRI, "").replace(PDI, "") == str(pdf_engine.escape(text))


def test_number_and_points_filters() -> None:
    assert pdf_engine.number(1012266) == "1,012,266" and pdf_engine.number(0.99430001) == "0.9943"
    assert pdf_engine.number(None) == "—" and pdf_engine.number("n/a") == "n/a"
    assert pdf_engine.points(5.0) == "5" and pdf_engine.points(3.889) == "3.889" and pdf_engine.points(0.25) == "0.25"


def _no_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise pdf_engine.PdfUnavailable("PDF output needs WeasyPrint: pip install 'hw4-grader[pdf]'")

    monkeypatch.setattr(pdf_engine, "load_weasyprint", missing)


def test_cli_says_in_one_line_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _no_weasyprint(monkeypatch)
    for args in (["key", "--pdf", str(tmp_path / "k.pdf")], ["check", str(tmp_path), "--pdf", str(tmp_path / "r.pdf")]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
        assert "pip install 'hw4-grader[pdf]'" in result.output
    assert not (tmp_path / "k.pdf").exists()


def test_key_needs_an_output() -> None:
    result = CliRunner().invoke(main, ["key"])
    assert result.exit_code == 2 and "--json" in result.output and "--pdf" in result.output
