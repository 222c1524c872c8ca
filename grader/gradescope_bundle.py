"""`grader gradescope build OUT.zip`: a Gradescope autograder bundle that runs this grader.

The zip holds `setup.sh` (run once when Gradescope builds the image: installs
Python 3.11 and this package from the wheel in the bundle, with TensorFlow),
`run_autograder` (run per submission: grades /autograder/submission and
writes /autograder/results/results.json), the wheel and a README. If the
grader itself fails, run_autograder still writes a results.json that says so
(score 0, visible to the TAs), so that Gradescope never shows a blank.

Scaling beyond one machine uses the same bundle: Gradescope runs one
container per submission; a CI matrix or Kubernetes Jobs can run
`run_autograder` per submission with AUTOGRADER_ROOT pointing at a folder
laid out like /autograder.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import grader

SETUP = """#!/usr/bin/env bash
# Gradescope image build: Python 3.11 and the HW4 grader (with TensorFlow) in /autograder/venv.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v python3.11 >/dev/null; then
  apt-get update
  apt-get install -y software-properties-common
  add-apt-repository -y ppa:deadsnakes/ppa || true
  apt-get update
  apt-get install -y python3.11 python3.11-venv
fi
python3.11 -m venv /autograder/venv
/autograder/venv/bin/pip install --upgrade pip
/autograder/venv/bin/pip install "/autograder/source/{wheel}[tf]"
"""

RUN = """#!/usr/bin/env bash
# Gradescope, per submission: grade /autograder/submission into /autograder/results/results.json.
# AUTOGRADER_ROOT and GRADER let the same script run outside Gradescope (CI, Kubernetes Jobs, tests).
set -uo pipefail
root="${{AUTOGRADER_ROOT:-/autograder}}"
grader="${{GRADER:-$root/venv/bin/grader}}"
mkdir -p "$root/results"
results="$root/results/results.json"
rm -f "$results"
"$grader" check "$root/submission" --gradescope "$results" --quiet {options} 2> "$root/results/grader_stderr.txt"
status=$?
if [ ! -s "$results" ]; then
  reason=$(tail -c 1500 "$root/results/grader_stderr.txt" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')
  cat > "$results" <<EOF
{{"score": 0, "output": "The grader could not grade this submission (exit status $status); the TAs will grade it by hand.",
  "tests": [{{"name": "grader", "score": 0, "max_score": 0, "visibility": "after_published", "output": $reason}}]}}
EOF
fi
exit 0
"""

README = """HW4 grader {version} — Gradescope autograder bundle.
Upload this zip as the autograder (Ubuntu base image). setup.sh installs Python 3.11
and the grader; run_autograder grades each submission (student files and
answer_sheet.yaml at the top level of the submission) and writes results.json.
Options baked in: {options}
"""


def project_root() -> Path | None:
    """The source checkout this grader runs from, if any (a wheel is built from it)."""
    root = Path(grader.__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() and (root / "grader").is_dir() else None


def build_wheel(into: Path, source: Path | None = None) -> Path:
    root = source or project_root()
    if root is None or not (root / "pyproject.toml").is_file():
        raise RuntimeError("the Gradescope bundle is built from a source checkout of the grader: give "
                           "--source path/to/checkout, or run it from an editable install (pip install -e .)")  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                           "-w", str(into), str(root)], capture_output=True, text=True)  # fmt: skip
    wheels = sorted(into.glob("hw4_grader-*.whl"))
    if done.returncode != 0 or not wheels:
        raise RuntimeError(f"building the wheel failed: {done.stderr.strip()[-500:]}")
    return wheels[-1]


def build(out: Path, options: str = "", source: Path | None = None) -> Path:
    """Write the bundle zip; `options` are extra `grader check` options (e.g. "--timeout 20").

    source: the checkout to build the wheel from (default: the one this grader runs from).
    """
    with tempfile.TemporaryDirectory(prefix="hw4-gradescope-") as scratch:
        wheel = build_wheel(Path(scratch), source)
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for name, text in (("setup.sh", SETUP.format(wheel=wheel.name)), ("run_autograder", RUN.format(options=options)),
                               ("README.txt", README.format(version=grader.__version__, options=options or "none"))):  # fmt: skip
                info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
                info.external_attr = 0o755 << 16 if name != "README.txt" else 0o644 << 16
                bundle.writestr(info, text)
            bundle.write(wheel, wheel.name)
    return out
