"""The program that runs inside the confined child process.

It is sent as source (`python -I -c ...`, see program.child_program) with
wire.py and confine.py, because the child must not be able to import the
grader. It first confines itself (confine.apply_in_child), then loads the
student's code and answers the parent's requests: execute a unit, list what
is defined, call a function. It never sees expected values.
"""

from __future__ import annotations

import ast
import functools
import inspect
import io
import json
import os
import signal
import sys
import time
import traceback
import types
from collections.abc import Callable
from typing import Any

import grader.sandbox.budget as budget
import grader.sandbox.standins as standins
from grader.sandbox.compat import install as install_keras_compat
from grader.sandbox.confine import apply_in_child
from grader.sandbox.harvest import harvest as harvest_globals
from grader.sandbox.wire import (
    HEADER_SIZE,
    decode_value,
    encode_value,
    frame_length,
    parse_frame_body,
    write_frame,
)

OUTPUT_LIMIT = 20_000
BLOCKED_MODULES = ("grader", "reference", "answers", "templates", "tests")
_PURE_CALLS = {"tuple", "list", "dict", "set", "frozenset", "range", "int", "float", "str", "bool",
               "float32", "float64", "int32", "int64", "array"}  # fmt: skip


class CappedWriter(io.TextIOBase):
    """Collects what student code prints, keeping the first OUTPUT_LIMIT characters."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def write(self, text: str) -> int:
        text = str(text)
        room = OUTPUT_LIMIT - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def value(self) -> str:
        tail = f"\n[... {self.dropped} more characters not shown]" if self.dropped else ""
        return "".join(self.parts) + tail


def install_fence(protected: list[str], scratch: str) -> None:
    """Audit hooks: a second fence behind the mount namespace (ctypes can bypass them)."""
    scratch = os.path.realpath(scratch)
    # A protected folder that holds the scratch folder cannot be fenced off as a whole.
    roots = tuple(r for r in (os.path.realpath(p) for p in protected) if not (scratch + os.sep).startswith(r + os.sep))

    def is_protected(path: Any) -> bool:
        if isinstance(path, int):
            return False
        try:
            real = os.path.realpath(os.fsdecode(path))
        except Exception:
            return True
        return any(real == root or real.startswith(root + os.sep) for root in roots)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open" and args and is_protected(args[0]):
            raise PermissionError(f"the grader's files are off limits to student code: {args[0]}")
        if event in ("os.listdir", "os.scandir") and args and is_protected(args[0]):
            raise PermissionError(f"the grader's files are off limits to student code: {args[0]}")
        if event == "import" and args and str(args[0]).split(".")[0] in BLOCKED_MODULES:
            raise ImportError(f"student code may not import the grader's module {args[0]!r}")
        if event.startswith("socket.") and event not in ("socket.__new__", "socket.gethostname"):
            raise PermissionError("network access is disabled while grading")
        if event in ("subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork",
                     "os.forkpty", "pty.spawn", "os.kill", "os.killpg"):  # fmt: skip
            raise PermissionError(f"{event} is not allowed while grading")

    sys.addaudithook(hook)


def _is_pure_value(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in _PURE_CALLS:
                return False
        if isinstance(sub, (ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)):
            return False
    return True


def is_definition(node: ast.stmt) -> bool:
    """Definitions-only mode: imports, functions, classes and constant assignments."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return all(isinstance(t, (ast.Name, ast.Tuple)) for t in targets) and _is_pure_value(node.value)
    if isinstance(node, ast.Try):  # try: import x / except ImportError: ...
        return all(is_definition(n) for n in node.body)
    return False


class CellTimeout(BaseException):
    """A notebook cell ran past the per-cell limit; the next cell still runs."""


def _alarm(signum: int, frame: Any) -> None:
    raise CellTimeout()


class Runner:
    def __init__(self) -> None:
        self.modules: dict[str, types.ModuleType] = {}
        self.order: list[str] = []
        self.store: dict[str, Any] = {}
        self.probes: dict[str, types.ModuleType] = {}  # the grader's helpers (see client.Sandbox.probe)
        self.reports: dict[str, dict[str, Any]] = {}  # units already run (a sibling imported early)
        self.cell_seconds = 0.0

    def configure(self, request: dict[str, Any]) -> dict[str, Any]:
        """Before the units: the budget, the offline data, and the submission's own importable modules."""
        budget.configure(dict(request.get("budget", {})), dict(request.get("data", {})))
        self.cell_seconds = float(request.get("cell_seconds", 0.0))
        siblings: dict[str, Callable[[str], types.ModuleType]] = {
            str(name): functools.partial(self._sibling, unit)
            for name, unit in dict(request.get("siblings", {})).items()
        }
        standins.install(siblings)
        signal.signal(signal.SIGALRM, _alarm)
        return {"ok": True}

    def _sibling(self, unit: dict[str, Any], name_imported: str) -> types.ModuleType:
        name = str(unit["module"])
        if name not in self.modules:
            self.reports[name] = self._run_unit(unit, timed=False)
        return self.modules[name]

    def exec_unit(self, request: dict[str, Any]) -> dict[str, Any]:
        name = str(request["module"])
        if name in self.reports:  # already run when another file imported it
            return {"ok": True, "cells": self.reports[name]["cells"], "seconds": 0.0}
        return self._run_unit(request, timed=True)

    def _run_unit(self, request: dict[str, Any], timed: bool) -> dict[str, Any]:
        import numpy

        module_name = str(request["module"])
        module = types.ModuleType(module_name)
        module.__file__ = str(request["file"])
        module.__dict__["np"] = numpy  # the handed-out Q6 file uses np without importing it
        self.modules[module_name] = module
        self.order.append(module_name)
        sys.modules.setdefault(module_name, module)
        cells = []
        started = time.perf_counter()
        outer = budget.ACTIVE
        budget.ACTIVE = request["mode"] != "definitions"  # the student's own training runs under the budget
        try:
            if request["mode"] == "execute" and "keras" in sys.modules and timed:
                # A fresh kernel per notebook, as in Colab: layer names start again at conv2d, not where the
                # notebook run before left them (the names a student hard-codes, like "conv2d_2").
                sys.modules["keras"].backend.clear_session(free_memory=False)
            for cell in request["cells"]:
                limit = self.cell_seconds if timed and request["mode"] == "execute" else 0.0
                cells.append(self._exec_cell(module, str(request["file"]), cell, request["mode"], limit))
        finally:
            budget.ACTIVE = outer
        report = {"ok": True, "cells": cells, "seconds": time.perf_counter() - started}
        self.reports[module_name] = report
        return report

    def _exec_cell(
        self, module: types.ModuleType, file: str, cell: dict[str, Any], mode: str, limit: float = 0.0
    ) -> dict[str, Any]:
        label = f"{file} (cell {cell['index'] + 1})" if cell["index"] is not None else file
        STUDENT_FILES.add(label)
        report: dict[str, Any] = {"index": cell["index"], "errors": [], "skipped": 0, "output": ""}
        events, notes = len(budget.EVENTS), len(standins.NOTES)
        started = time.perf_counter()
        try:
            tree = ast.parse(cell["source"], filename=label)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            report["syntax_error"] = {
                "line": getattr(error, "lineno", None),
                "message": getattr(error, "msg", str(error))[:300],
                "text": (getattr(error, "text", "") or "")[:200],
            }
            return report
        writer = CappedWriter()
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = writer
        if limit:  # again every second until cleared: a bare `except:` around a fit cannot swallow the limit
            signal.setitimer(signal.ITIMER_REAL, limit, 1.0)
        try:
            for node in tree.body:
                if (mode == "definitions" or report.get("timed_out")) and not is_definition(node):
                    report["skipped"] += 1
                    continue  # after a timeout, the rest of the cell still defines its functions
                try:
                    code = compile(ast.Module(body=[node], type_ignores=[]), label, "exec")
                    exec(code, module.__dict__)
                except CellTimeout:
                    if not limit:
                        raise  # the limit of the cell that imported this module: that cell stops
                    report["timed_out"] = limit
                except BaseException as error:
                    report["errors"].append(_describe_error(error, node.lineno))
        except CellTimeout:  # the alarm rang between two statements
            if not limit:
                raise
            report["timed_out"] = limit
        finally:
            if limit:
                signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = saved
        report["output"] = writer.value()
        report["events"] = budget.EVENTS[events:] + standins.NOTES[notes:]
        report["seconds"] = round(time.perf_counter() - started, 3)
        return report

    def inventory(self) -> dict[str, Any]:
        items = []
        for module_name in self.order:
            module = self.modules[module_name]
            for name, obj in list(vars(module).items()):
                if name.startswith("__") or getattr(obj, "__module__", None) != module_name:
                    continue
                if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                    continue
                try:
                    params = [
                        {"name": p.name, "kind": p.kind.name, "default": p.default is not inspect.Parameter.empty}
                        for p in inspect.signature(obj).parameters.values()
                    ]
                except (TypeError, ValueError):
                    params = None
                code = getattr(obj, "__code__", None)
                items.append({
                    "module": module_name,
                    "name": name,
                    "kind": "class" if inspect.isclass(obj) else "function",
                    "params": params,
                    "line": code.co_firstlineno if code else None,
                    "where": code.co_filename if code else None,
                    "generator": bool(code and inspect.isgeneratorfunction(obj)),
                    "bases": [b.__name__ for b in obj.__mro__[1:]] if inspect.isclass(obj) else [],
                })  # fmt: skip
        return {"ok": True, "items": items}

    def harvest(self) -> dict[str, Any]:
        """The models, tuners and plain values the student's runs left in their modules' globals."""
        return {"ok": True, "items": harvest_globals(self.modules, self.order)}

    def install_probe(self, request: dict[str, Any]) -> dict[str, Any]:
        """Load one of the grader's helper modules (no grading data in it) under a private name."""
        name = str(request["name"])
        module = types.ModuleType(f"__hw4_probe_{name}__")
        sources = request["source"] if isinstance(request["source"], list) else [request["source"]]
        for source in sources:  # a probe may build on another's helpers: one namespace, in order
            exec(compile(str(source), module.__name__, "exec"), module.__dict__)
        self.probes[name] = module
        return {"ok": True}

    def _resolve(self, data: Any) -> Any:
        if type(data) is dict and set(data) == {"__def__"}:  # a student's function or class
            module_name, name = data["__def__"]
            return vars(self.modules[str(module_name)])[str(name)]
        if type(data) is dict and set(data) == {"__ref__"}:
            return self.store[str(data["__ref__"])]
        if type(data) is dict and set(data) == {"__ref__", "index"}:
            return self.store[str(data["__ref__"])][int(data["index"])]
        if type(data) is list:
            return [self._resolve(v) for v in data]
        return decode_value(data)

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        modules = self.probes if request.get("probe") else self.modules
        module = modules[str(request["module"])]
        function = vars(module)[str(request["name"])]
        args = [self._resolve(a) for a in request.get("args", [])]
        kwargs = {str(k): self._resolve(v) for k, v in request.get("kwargs", {}).items()}
        writer = CappedWriter()
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = writer
        started = time.perf_counter()
        try:
            result = function(*args, **kwargs)
            if request.get("consume") and inspect.isgenerator(result):
                result = list(result)
        except BaseException as error:
            sys.stdout, sys.stderr = saved
            failed = {"ok": False, **_describe_error(error, None), "output": writer.value()}
            if request.get("return_args"):  # what the call left in its arguments before it raised
                try:
                    failed["args_after"] = [encode_value(a) for a in args]
                except BaseException:  # an argument that cannot even be encoded: the error goes back alone
                    failed.pop("args_after", None)
            return failed
        finally:
            sys.stdout, sys.stderr = saved
        if request.get("keep"):
            self.store[str(request["keep"])] = result
        reply: dict[str, Any] = {"ok": True, "result": encode_value(result), "output": writer.value(),
                                 "seconds": time.perf_counter() - started}  # fmt: skip
        if request.get("return_args"):
            reply["args_after"] = [encode_value(a) for a in args]
        return reply


STUDENT_FILES: set[str] = set()  # the labels student code is compiled under
# Bound before any student code runs: patching the traceback module cannot hide an error.
_extract_tb = traceback.extract_tb
_type_name = type


def _safe_text(error: BaseException) -> str:
    try:
        text = str(error)
    except BaseException:  # a __str__ that raises
        text = "<unprintable>"
    return f"{_type_name(error).__name__}: {text}" if text else _type_name(error).__name__


def _describe_error(error: BaseException, line: int | None) -> dict[str, Any]:
    try:
        frames = list(_extract_tb(error.__traceback__))
    except BaseException:
        frames = []
    student_frames = [f for f in frames if f.filename in STUDENT_FILES]
    last = student_frames[-1] if student_frames else None
    text = _safe_text(error)
    return {
        "error_type": _type_name(error).__name__[:100],
        "message": text[:500],
        "line": last.lineno if last else line,
        "where": last.filename if last else None,
    }


def _read_exact(fd: int, size: int) -> bytes:
    chunks = []
    while size:
        chunk = os.read(fd, size)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def main() -> None:
    request_fd, reply_fd = int(sys.argv[1]), int(sys.argv[2])
    plan = json.loads(sys.argv[3])
    # While still single-threaded (before numpy starts its threads). The first frame
    # tells the parent which pid to kill: with a PID namespace, not its own child's.
    apply_in_child(plan, lambda pid: write_frame(reply_fd, {"id": 0, "pid": pid}))
    install_fence(plan["hidden"], plan["scratch"])
    install_keras_compat({"keras": [budget.patch_keras], "keras_tuner": [budget.patch_keras_tuner]})
    # Libraries' warnings (Keras' "do not pass input_shape", joblib on a read-only /dev/shm)
    # are not the student's output; left on, they would show up as "printed N characters".
    import warnings

    warnings.simplefilter("ignore")
    import numpy  # noqa: F401 - loaded once, before any student code

    runner = Runner()
    handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "exec_unit": runner.exec_unit,
        "inventory": lambda r: runner.inventory(),
        "harvest": lambda r: runner.harvest(),
        "configure": runner.configure,
        "call": runner.call,
        "install_probe": runner.install_probe,
        "ping": lambda r: {"ok": True},
    }
    while True:
        try:
            header = _read_exact(request_fd, HEADER_SIZE)
            request = parse_frame_body(_read_exact(request_fd, frame_length(header)))
        except EOFError:
            return
        try:
            reply = handlers[request["op"]](request)
        except BaseException as error:
            reply = {"ok": False, **_describe_error(error, None)}
        reply["id"] = request.get("id")
        try:
            write_frame(reply_fd, reply)
        except (TypeError, ValueError) as error:
            write_frame(reply_fd, {"id": request.get("id"), "ok": False, "error_type": "EncodingError",
                                   "message": str(error)[:300]})  # fmt: skip


if __name__ == "__main__":
    main()
