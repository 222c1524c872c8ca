"""`grader check PATH --pdf report.pdf`: one student's report, from the GradeReport alone (no re-grading).

Totals, a per-question summary, every check with its status, score and
feedback in both languages, TA overrides (the TA's score wins; the automatic
one is shown beside it) and manual-review flags. Q5 gets the layer table with
the student's wrong cells marked against the expected ones; Q3, when the student's
pipeline ran, its predictions over the coldest test week against the measured
consumption; Q7 the reference
heatmaps of the ten probe digits with the per-image correlation of the
student's heatmaps (the checks keep only the correlations; when a check's
details carry the student's maps as "maps", they are drawn beside).
The HTML holds no time or machine path beyond what the report itself names.
"""

from __future__ import annotations

import io
from typing import Any

from grader.render.pdf_engine import Document, font_assets, render_template
from grader.results import CheckResult, GradeReport, QuestionResult, Status, Visibility

STATUS = {
    Status.PASSED: ("passed", "قبول"),
    Status.PARTIAL: ("partial", "ناقص"),
    Status.FAILED: ("failed", "رد"),
    Status.ERROR: ("error", "خطا"),
}
GRADCAM_CHECKS = ("q07.gradcam_functional", "q07.gradcam_sequential")
Q07_FIGURE = "figures/q07-heatmaps.png"
Q03_FIGURE = "figures/q03-week.png"


def _bi(en: str, fa: str) -> dict[str, str]:
    return {"en": en, "fa": fa}


def _check(question: QuestionResult, check: CheckResult) -> dict[str, Any]:
    override = question.override_for(check)
    en, fa = STATUS[check.status]
    return {
        "id": check.check_id,
        "title": _bi(check.title.en, check.title.fa),
        "status": check.status.value,
        "label": _bi(en, fa),
        "score": question.check_score(check),
        "auto_score": check.score,
        "max_score": check.max_score,
        "bonus": check.bonus,
        "hidden": check.visibility is Visibility.HIDDEN,
        "review": check.manual_review and override is None,
        "feedback": _bi(check.feedback.en, check.feedback.fa),
        "override": None if override is None else {"score": override.score, "reason": override.reason},
    }


def q05_table(question: QuestionResult) -> list[dict[str, Any]] | None:
    check = next((c for c in question.checks if c.check_id == "q05.layer_table"), None)
    cells = check.detail("cells") if check is not None else None
    if not isinstance(cells, list | tuple) or not cells:
        return None
    from reference.q05_conv_arithmetic import layer_table

    names = {row.index: row.name for row in layer_table()}
    rows = []
    for entry in cells:
        if not isinstance(entry, dict):
            continue
        row: dict[str, Any] = {"layer": entry.get("layer"), "name": names.get(entry.get("layer"), "")}  # type: ignore[arg-type]
        for part in ("output", "params"):
            given = entry.get(part)
            ok = entry.get(f"{part}_ok")
            expected = entry.get(f"expected_{part}")
            state = "missing" if given is None else ("good" if ok else "bad")
            row[part] = {"given": "—" if given is None else str(given), "expected": str(expected), "state": state}
        rows.append(row)
    return rows


def q07_data(question: QuestionResult) -> dict[str, Any] | None:
    runs = []
    for check in question.checks:
        correlations = check.detail("correlations")
        if check.check_id in GRADCAM_CHECKS and isinstance(correlations, list | tuple) and correlations:
            values = [float(v) for v in correlations]
            runs.append(
                {
                    "id": check.check_id,
                    "title": _bi(check.title.en, check.title.fa),
                    "correlations": [{"value": v, "state": _agreement(v)} for v in values],
                }
            )
    if not runs:
        return None
    from grader.checks._q07_heatmaps import AGREE, RELATED

    return {"runs": runs, "figure": Q07_FIGURE, "agree": AGREE, "related": RELATED, "student_rows": 0}


def _agreement(value: float) -> str:
    from grader.checks._q07_heatmaps import AGREE, RELATED

    return "good" if value >= AGREE else "partial" if value >= RELATED else "bad"


def student_maps(question: QuestionResult) -> list[tuple[str, Any]]:
    """(check title, maps) for each Grad-CAM check whose details carry the student's heatmaps as "maps"."""
    import numpy as np

    found = []
    for check in question.checks:
        maps = check.detail("maps")
        if check.check_id in GRADCAM_CHECKS and maps is not None:
            from grader.checks.q07_gradcam import decode_maps

            decoded = decode_maps(maps)
            array = decoded if decoded is not None else np.asarray(maps, dtype=np.float64)
            if array.ndim == 3 and len(array) > 0 and np.all(np.isfinite(array)):
                found.append((check.check_id.split("_", 1)[-1], array))
    return found


def heatmaps(student: list[tuple[str, Any]]) -> bytes:
    """The probe digits with the reference Grad-CAM over them, and below it each set of the student's maps."""
    import matplotlib
    from matplotlib.figure import Figure

    from grader.checks._q07_heatmaps import normalise, reference_maps, resize_bilinear
    from reference.q07_gradcam import LAST_CONV, load_probe_set

    images, labels, cams = load_probe_set()
    rows = [("reference", reference_maps(cams[f"linear:{LAST_CONV}"]))]
    rows += [(f"yours ({name})", normalise(resize_bilinear(maps))) for name, maps in student]
    with matplotlib.rc_context({"font.size": 8}):
        figure = Figure(figsize=(10, 0.2 + 1.25 * len(rows)), dpi=150)
        axes = figure.subplots(len(rows), len(images), squeeze=False)
        for row, (name, maps) in enumerate(rows):
            for column in range(len(images)):
                axis = axes[row][column]
                axis.imshow(images[column, ..., 0], cmap="gray")
                if column < len(maps):
                    axis.imshow(maps[column], cmap="jet", alpha=0.45)
                title = f"{column + 1}: digit {int(labels[column])}" if row == 0 else ""
                axis.set_title(title, fontsize=8)
                axis.set_xticks([])
                axis.set_yticks([])
                if column == 0:
                    axis.set_ylabel(name, fontsize=7)
        figure.subplots_adjust(
            left=0.03, right=0.995, top=1 - 0.25 / figure.get_figheight(), bottom=0.01, wspace=0.06, hspace=0.08
        )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _q03_week(question: QuestionResult) -> bytes | None:
    """The student's pipeline over the coldest test week of the synthetic sheet, against the measured values."""
    check = next((c for c in question.checks if c.check_id == "q03.fix"), None)
    predictions = check.detail("week_predictions") if check is not None else None
    if check is None or not isinstance(predictions, list | tuple) or not predictions:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from grader.checks._q03_pipeline import sheet

    data, first = sheet(), check.detail("week_first_row")
    if not isinstance(first, int):
        return None
    week = np.arange(first, first + len(predictions))
    hours = data.stamps()[week].astype("datetime64[s]").astype(object)
    predicted = np.array([np.nan if v is None else v for v in predictions], dtype=float)
    figure, axis = plt.subplots(figsize=(7.2, 2.6))
    axis.plot(hours, data.cons[week], color="black", linewidth=1.4, label="measured")
    label = f"your pipeline (test R² {check.detail('pipeline_r2')})"
    axis.plot(hours, predicted, color="tab:blue", linewidth=1.2, label=label)
    axis.set_ylabel("m³ per unit and hour")
    axis.grid(alpha=0.3)
    axis.legend(loc="upper left", fontsize=8)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def build_context(report: GradeReport) -> tuple[dict[str, Any], dict[str, bytes]]:
    assets: dict[str, bytes] = {}
    questions = []
    for question in report.questions:
        entry: dict[str, Any] = {
            "id": question.question_id,
            "title": _bi(question.title.en, question.title.fa),
            "graded": question.graded,
            "score": question.score,
            "max_score": question.max_score,
            "points": question.points,
            "bonus_points": question.bonus_points,
            "review": question.manual_review,
            "overrides": len(question.overrides),
            "checks": [_check(question, c) for c in question.checks],
            "q05": q05_table(question) if question.question_id == "q05" else None,
            "q07": q07_data(question) if question.question_id == "q07" else None,
            "q03_week": None,
        }
        if question.question_id == "q03":
            try:
                week = _q03_week(question)
            except ImportError:  # no matplotlib: the table says it all
                week = None
            if week is not None:
                assets[Q03_FIGURE] = week
                entry["q03_week"] = Q03_FIGURE
        if entry["q07"] is not None:
            try:
                student = student_maps(question)
                assets[Q07_FIGURE] = heatmaps(student)
                entry["q07"]["student_rows"] = len(student)
            except (ImportError, OSError, KeyError):  # no matplotlib, or no committed probe set
                entry["q07"]["figure"] = None
        questions.append(entry)
    context = {
        "submission": report.submission,
        "version": report.grader_version,
        "total": report.total,
        "max_total": report.max_total,
        "bonus_total": report.bonus_total,
        "notes": [{"kind": n.kind, "en": n.message.en, "fa": n.message.fa} for n in report.notes],
        "questions": questions,
        "review": [q["id"] for q in questions if q["review"]],
        "sandbox": list(report.sandbox),
    }
    return context, assets


def render_html(context: dict[str, Any], lang: str) -> str:
    return render_template("report/report.html.j2", lang=lang, r=context)


def build(report: GradeReport, lang: str = "both") -> Document:
    context, assets = build_context(report)
    return Document(render_html(context, lang), {**font_assets(), **assets})
