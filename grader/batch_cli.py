"""`grader check CLASS_DIR --gradebook grades.csv`: the class run's progress, summary and exit status."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from grader import batch, class_summary
from grader.corrections import CorrectionError
from grader.engine import Options
from grader.overrides import OverrideError

EXIT_INPUT, EXIT_INTERRUPTED = 2, 130


def run_class(
    root: Path,
    gradebook: Path,
    options: Options,
    *,
    jobs: int,
    force: bool,
    ids: Path | None,
    results_dir: Path | None,
    overrides: Path | None,
    handed_out: tuple[Path, ...],
    quiet: bool,
    pdf_lang: str | None = None,
    corrections: Path | None = None,
) -> None:
    if jobs < 1 or jobs > (os.cpu_count() or 1) * 4:
        _fail(f"--jobs {jobs}: give 1 to {(os.cpu_count() or 1) * 4} (this machine has {os.cpu_count()} cores)")
    try:
        students = batch.find_students(root, ids)
    except batch.BatchError as error:
        _fail(str(error))
    target = results_dir or batch.default_results_dir(gradebook)
    console = Console(highlight=False)
    with Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=console, disable=quiet, transient=True) as bar:  # fmt: skip
        task = bar.add_task("", total=len(students))
        try:
            outcome = batch.run(students, options, target, gradebook, jobs=jobs, force=force, overrides=overrides,
                                pdf_lang=pdf_lang, corrections=corrections,
                                progress=lambda sid, what: bar.update(task, advance=1, description=f"{sid}: {what}"))  # fmt: skip
        except (OverrideError, CorrectionError) as error:
            _fail(str(error))
        except KeyboardInterrupt:
            click.echo(f"grader: interrupted; every student graded so far is saved in {target} and {gradebook}; "
                       "run the same command again to continue", err=True)  # fmt: skip
            sys.exit(EXIT_INTERRUPTED)
    summary = class_summary.write(target, students, outcome, list(handed_out))
    if not quiet:
        console.print(f"{len(outcome.graded)} graded, {len(outcome.reused)} unchanged since the last run, "
                      f"{len(outcome.failed)} could not be graded; gradebook: {gradebook}; results and summary: "
                      f"{summary.parent}")  # fmt: skip
    for sid, message in sorted(outcome.failed.items()):
        click.echo(f"grader: {sid}: could not be graded: {message}", err=True)


def _fail(message: str) -> None:
    click.echo(f"grader: error: {message}", err=True)
    sys.exit(EXIT_INPUT)
