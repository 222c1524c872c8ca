"""The parent's side of the sandbox: start the child, send it calls, survive it.

One `Sandbox` per submission. A call that hangs past its timeout, crashes the
interpreter or breaks the protocol kills the child; the next call starts a
fresh one and reloads the student's code (skipping the unit that hung while
loading). All the parent ever receives is framed JSON (see wire.py).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.results import Bilingual
from grader.sandbox import confine, wire
from grader.sandbox.child_process import ChildProcess
from grader.sandbox.confine import Confinement, Limits
from grader.sandbox.failures import StudentCodeFailure, failure_from_reply
from grader.sandbox.run_setup import RunSetup, hand_over
from grader.submission import Unit


@dataclass(frozen=True)
class CallResult:
    value: Any
    args_after: tuple[Any, ...]
    output: str
    seconds: float


@dataclass(frozen=True)
class Definition:
    module: str
    name: str
    kind: str  # function | class
    params: tuple[str, ...] | None
    required: tuple[str, ...] | None
    file: str
    line: int | None
    generator: bool
    bases: tuple[str, ...]


@dataclass
class UnitReport:
    unit: Unit
    cells: list[dict[str, Any]] = field(default_factory=list)
    hung: bool = False  # hung or crashed while loading: loaded definitions-only
    skipped: bool = False  # failed even definitions-only: left out


class SandboxError(RuntimeError):
    """The sandbox itself could not run (our environment, not the student's code)."""


class Sandbox:
    def __init__(
        self,
        units: list[Unit],
        *,
        hidden: list[Path],
        limits: Limits | None = None,
        call_timeout: float = 10.0,
        load_timeout: float = 30.0,
        run: RunSetup | None = None,
    ) -> None:
        self.units = units
        self.hidden = hidden
        self.limits = limits or Limits()
        self.call_timeout = call_timeout
        self.load_timeout = load_timeout
        self.run = run or RunSetup()
        self._workdir = Path(tempfile.mkdtemp(prefix="hw4-grader-"))
        os.chmod(self._workdir, 0o711)
        self.scratch = self._workdir / "scratch"
        self.scratch.mkdir()
        new_root = self._workdir / "root"  # becomes the child's whole filesystem (see confine)
        new_root.mkdir()
        mirror_root = self._workdir / "mirrors"  # Colab's /content: not writable by the child (see confine)
        mirror_root.mkdir(mode=0o711)
        try:
            self.plan: Confinement = confine.plan_confinement(self.limits, hidden, self.scratch, new_root,
                                                              self.run.mirrors, mirror_root)  # fmt: skip
            hand_over(self.scratch, mirror_root, self.plan, self.run)
        except BaseException:
            shutil.rmtree(self._workdir, ignore_errors=True)
            raise
        confine.protect_parent()
        self._child = ChildProcess(self.plan, self.scratch)
        self.reports: list[UnitReport] = []
        self._timed_out: set[tuple[str, str]] = set()
        self._probes: set[str] = set()  # probes loaded into the running child
        self.restarts = 0
        # Seconds the child spent running student code and probes (as it reports them): what
        # grading costs beyond the grader's own overhead (benchmarks/bench_overhead.py).
        self.busy_seconds = 0.0

    # -- lifecycle -----------------------------------------------------------------
    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._kill()
        shutil.rmtree(self._workdir, ignore_errors=True)

    def _kill(self) -> None:
        self._child.kill()

    def _spawn(self) -> None:
        self._probes = set()
        self._child.spawn()

    @property
    def raw_output(self) -> str:
        return self._child.raw_output

    def _request(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        return self._child.request(message, timeout)

    # -- loading -------------------------------------------------------------------
    def start(self) -> list[UnitReport]:
        """Start a child and load every unit, in order; returns what happened to each.

        A unit that hangs or crashes the child while loading is loaded again
        definitions-only, and left out if even that fails; every such change
        restarts the child, so the loop ends after at most two per unit.
        """
        modes: dict[str, str] = {}
        while (reports := self._load_all(modes)) is None:
            self.restarts += 1
        self.reports = reports
        return reports

    def _load_all(self, modes: dict[str, str]) -> list[UnitReport] | None:
        self._spawn_checked()
        self._configure(modes)
        reports = []
        for unit in self.units:
            mode = modes.get(unit.file, unit.mode)
            report = UnitReport(unit, hung=unit.file in modes, skipped=mode == "skip")
            reports.append(report)
            if report.skipped:
                continue
            timeout = self.run.notebook_seconds if mode == "execute" else self.load_timeout
            try:
                reply = self._request({"op": "exec_unit", **dataclasses.replace(unit, mode=mode).to_json()},
                                      timeout)  # fmt: skip
            except StudentCodeFailure:
                modes[unit.file] = "skip" if mode == "definitions" else "definitions"
                self._kill()
                return None
            report.cells = list(reply.get("cells", []))
            self.busy_seconds += float(reply.get("seconds", 0.0))
        return reports

    def _configure(self, modes: dict[str, str]) -> None:
        """The budget, the offline data and the submission's importable modules, before any unit runs."""
        siblings: dict[str, dict[str, Any]] = {}
        for unit in self.units:
            name = Path(unit.file).stem
            if unit.file.endswith(".py") and name.isidentifier() and modes.get(unit.file) != "skip":
                siblings.setdefault(name, dataclasses.replace(unit, mode=modes.get(unit.file, unit.mode)).to_json())
        data = {name: str(self.scratch / path) for name, path in self.run.keras.items()}
        self._request({"op": "configure", "budget": self.run.budget, "data": data, "siblings": siblings,
                       "cell_seconds": self.run.cell_seconds}, 60.0)  # fmt: skip

    def harvest(self) -> list[dict[str, Any]]:
        """What the run left in the student's modules: models, tuners, hypermodels, plain values."""
        self._ensure_running()
        reply = self._request({"op": "harvest"}, self.call_timeout)
        return [dict(item) for item in reply.get("items", []) if isinstance(item, dict)]

    def _spawn_checked(self) -> None:
        """Start a child and make sure it answers; if it cannot, the grader's environment is broken."""
        self._spawn()
        try:
            self._request({"op": "ping"}, 60.0)
        except StudentCodeFailure as failure:
            time.sleep(0.2)  # let the drain thread collect the child's last words
            tail = self.raw_output.strip().splitlines()[-3:]
            self._kill()
            raise SandboxError(f"the sandbox for student code did not start ({failure.message.en}): "
                               + " | ".join(tail)) from None  # fmt: skip

    def _ensure_running(self) -> None:
        if not self._child.running:
            self.restarts += 1
            self.start()

    def inventory(self) -> list[Definition]:
        self._ensure_running()
        reply = self._request({"op": "inventory"}, self.call_timeout)
        found = []
        for item in reply.get("items", []):
            params = item.get("params")
            found.append(Definition(
                module=str(item["module"]), name=str(item["name"]), kind=str(item["kind"]),
                params=tuple(str(p["name"]) for p in params) if params is not None else None,
                required=tuple(str(p["name"]) for p in params if not p["default"]
                               and p["kind"] in ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD"))
                if params is not None else None,
                file=str(item.get("where") or ""), line=item.get("line"),
                generator=bool(item.get("generator")), bases=tuple(str(b) for b in item.get("bases", [])),
            ))  # fmt: skip
        return found

    def call(
        self,
        definition: Definition,
        *args: Any,
        keep: str | None = None,
        return_args: bool = False,
        consume_generator: bool = False,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> CallResult:
        """Call a student function with plain arguments; refs are {"__ref__": handle}.

        A function that exceeded its time limit once is not called again: every later
        check that needs it fails at once, which keeps a submission's grading time
        bounded by one timeout per function.
        """
        target = {"module": definition.module, "name": definition.name}
        return self._call(target, definition.name, args, kwargs, keep=keep, return_args=return_args,
                          consume_generator=consume_generator, timeout=timeout)  # fmt: skip

    def probe(
        self,
        probe: str,
        source: str | tuple[str, ...],
        function: str,
        *args: Any,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> CallResult:
        """Call `function` of one of the grader's helper modules, loaded into the child once.

        A probe is our code that runs beside the student's (building a model from the
        student's builder, calling it on grader data); it receives student objects as
        `student(definition)` and holds no expected values. What it returns is judged here.
        """
        self._ensure_running()
        if probe not in self._probes:
            sources = [source] if isinstance(source, str) else list(source)
            self._request({"op": "install_probe", "name": probe, "source": sources}, 60.0)
            self._probes.add(probe)
        return self._call({"module": probe, "name": function, "probe": True}, function, args, kwargs,
                          timeout=timeout)  # fmt: skip

    def _call(
        self,
        target: dict[str, Any],
        label: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        keep: str | None = None,
        return_args: bool = False,
        consume_generator: bool = False,
        timeout: float | None = None,
    ) -> CallResult:
        key = (str(target["module"]), str(target["name"]))
        if key in self._timed_out:
            raise StudentCodeFailure("timeout", Bilingual(
                f"not run: {label} already exceeded the time limit in an earlier check",
                f"اجرا نشد: {label} در یک بررسی قبلی از سقف زمان گذشته بود"))  # fmt: skip
        self._ensure_running()
        message = {
            "op": "call", **target,
            "args": [_encode_arg(a) for a in args], "kwargs": {k: _encode_arg(v) for k, v in kwargs.items()},
            "keep": keep, "return_args": return_args, "consume": consume_generator,
        }  # fmt: skip
        try:
            reply = self._request(message, timeout or self.call_timeout)
        except StudentCodeFailure as failure:
            if failure.kind == "timeout":
                self._timed_out.add(key)
            raise
        if not reply.get("ok"):
            raised = failure_from_reply(reply)
            if return_args:
                raised.args_after = _decode_args_after(reply)
            raise raised
        try:
            value = wire.decode_value(reply.get("result"))
            after = tuple(wire.decode_value(a) for a in reply.get("args_after", []))
        except (wire.WireError, ValueError, TypeError) as error:
            raise StudentCodeFailure("protocol", Bilingual(
                f"the returned value could not be read ({error})",
                f"مقدار برگردانده‌شده خوانده نشد ({error})")) from None  # fmt: skip
        self.busy_seconds += float(reply.get("seconds", 0.0))
        return CallResult(value, after, str(reply.get("output", ""))[:20_200], float(reply.get("seconds", 0.0)))


def _decode_args_after(reply: dict[str, Any]) -> tuple[Any, ...] | None:
    """The arguments a failed call left behind; None when absent or unreadable (the error stands alone)."""
    encoded = reply.get("args_after")
    if type(encoded) is not list:
        return None
    try:
        return tuple(wire.decode_value(a) for a in encoded)
    except (wire.WireError, ValueError, TypeError, RecursionError):
        return None


def student(definition: Definition) -> dict[str, Any]:
    """A student's function or class as an argument of a probe call."""
    return {"__def__": [definition.module, definition.name]}


def _encode_arg(value: Any) -> Any:
    if isinstance(value, dict) and set(value) <= {"__ref__", "index"} and "__ref__" in value:
        return value
    if isinstance(value, dict) and set(value) == {"__def__"}:
        return value
    return wire.encode_value(value)
