"""The sandbox against the basic ways student code misbehaves (the full hostile suite is issue 6's)."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import numpy as np
import pytest

import grader
from grader.engine import protected_paths
from grader.sandbox.client import Definition, Sandbox
from grader.sandbox.failures import StudentCodeFailure
from grader.submission import Cell, Unit


def unit(source: str, name: str = "student.py", mode: str = "full") -> Unit:
    return Unit(name, "student_" + name.replace(".", "_"), (Cell(None, source),), mode)


@pytest.fixture
def sandbox_for(tmp_path: Path):
    made: list[Sandbox] = []

    def make(*units: Unit, **options: float) -> Sandbox:
        box = Sandbox(list(units), hidden=protected_paths(tmp_path), **options)  # type: ignore[arg-type]
        made.append(box)
        box.start()
        return box

    yield make
    for box in made:
        box.close()


def function(box: Sandbox, name: str) -> Definition:
    return next(d for d in box.inventory() if d.name == name)


def test_calls_return_plain_values_and_mutated_arguments(sandbox_for) -> None:  # type: ignore[no-untyped-def]
    box = sandbox_for(unit("def f(x, d):\n    d['k'] = x.sum()\n    return x * 2, 'ok'\n"))
    result = box.call(function(box, "f"), np.arange(3.0), {"k": 0}, return_args=True)
    assert isinstance(result.value, tuple)
    assert np.array_equal(result.value[0], [0.0, 2.0, 4.0]) and result.value[1] == "ok"
    assert result.args_after[1] == {"k": 3.0}


def test_a_call_that_raises_still_returns_what_it_left_in_its_arguments(sandbox_for) -> None:  # type: ignore[no-untyped-def]
    box = sandbox_for(unit("def f(x, d):\n    d['k'] = x.sum()\n    x[0] = -1.0\n    raise ValueError('late')\n"))
    with pytest.raises(StudentCodeFailure, match="late") as failure:
        box.call(function(box, "f"), np.arange(3.0), {"k": 0}, return_args=True)
    assert failure.value.args_after is not None
    assert np.array_equal(failure.value.args_after[0], [-1.0, 1.0, 2.0]) and failure.value.args_after[1] == {"k": 3.0}
    with pytest.raises(StudentCodeFailure) as without:
        box.call(function(box, "f"), np.arange(3.0), {"k": 0})
    assert without.value.args_after is None  # only asked for with return_args


def test_np_is_provided_like_the_handed_out_file_expects(sandbox_for) -> None:  # type: ignore[no-untyped-def]
    box = sandbox_for(unit("def f():\n    return np.ones(2)\n"))
    assert np.array_equal(box.call(function(box, "f")).value, [1.0, 1.0])


def test_an_endless_loop_times_out_and_the_next_call_works(sandbox_for) -> None:  # type: ignore[no-untyped-def]
    box = sandbox_for(unit("def spin():\n    while True:\n        pass\n\ndef ok():\n    return 1\n"), call_timeout=1.0)
    with pytest.raises(StudentCodeFailure) as failure:
        box.call(function(box, "spin"))
    assert failure.value.kind == "timeout"
    assert box.call(function(box, "ok")).value == 1
    assert box.restarts == 1


def test_a_request_to_a_child_that_stops_reading_ends_at_its_deadline() -> None:
    # A child whose student code holds the interpreter (a thread in the regex engine) reads no more requests; a
    # request larger than a pipe holds must not block the grader past the call's time limit.
    from grader.sandbox.child_process import ChildProcess

    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    child = ChildProcess.__new__(ChildProcess)
    child._to_child = write_end
    try:
        with pytest.raises(TimeoutError):
            child._write(b"x" * 4_000_000, time.monotonic() + 0.5)
    finally:
        os.close(read_end)
        os.close(write_end)


def test_a_hard_exit_is_reported_not_fatal(sandbox_for) -> None:  # type: ignore[no-untyped-def]
    box = sandbox_for(unit("import os\ndef die():\n    os._exit(0)\n\ndef ok():\n    return 2\n"))
    with pytest.raises(StudentCodeFailure) as failure:
        box.call(function(box, "die"))
    assert failure.value.kind == "crashed"
    assert box.call(function(box, "ok")).value == 2


def test_exceptions_and_system_exit_are_student_errors(sandbox_for) -> None:  # type: ignore[no-untyped-def]
    box = sandbox_for(unit("import sys\ndef bad():\n    raise KeyError('mu')\n\ndef leave():\n    sys.exit(0)\n"))
    with pytest.raises(StudentCodeFailure, match="KeyError"):
        box.call(function(box, "bad"))
    with pytest.raises(StudentCodeFailure, match="SystemExit"):
        box.call(function(box, "leave"))


def test_a_file_that_hangs_at_import_loads_its_definitions_only(sandbox_for) -> None:  # type: ignore[no-untyped-def]
    box = sandbox_for(unit("def f():\n    return 3\n\nwhile True:\n    pass\n"), load_timeout=1.0)
    assert box.reports[0].hung
    assert box.call(function(box, "f")).value == 3


def test_output_is_captured_and_truncated(sandbox_for) -> None:  # type: ignore[no-untyped-def]
    box = sandbox_for(unit("def loud():\n    print('x' * 10**6)\n    return 1\n"))
    result = box.call(function(box, "loud"))
    assert result.value == 1 and len(result.output) < 21_000 and "more characters" in result.output


def test_the_grader_cannot_be_imported_or_read(sandbox_for) -> None:  # type: ignore[no-untyped-def]
    source = Path(grader.__file__)
    box = sandbox_for(unit(
        "def imp():\n    import grader\n\n"
        "def read(path):\n    return open(path).read()\n\n"
        "def listing(path):\n    return sorted(__import__('os').listdir(path))\n"
    ))  # fmt: skip
    with pytest.raises(StudentCodeFailure):
        box.call(function(box, "imp"))
    with pytest.raises(StudentCodeFailure):
        box.call(function(box, "read"), str(source))
    with contextlib.suppress(StudentCodeFailure):  # refused outright by the audit hook: also fine
        assert box.call(function(box, "listing"), str(source.parent)).value == []


def test_isolation_layers_are_in_force_here(sandbox_for) -> None:  # type: ignore[no-untyped-def]
    box = sandbox_for(unit("import os, socket\n"
                           "def connect():\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\n\n"
                           "def write(path):\n    open(path, 'w').write('x')\n\n"
                           "def where():\n    return os.getcwd()\n"))  # fmt: skip
    if os.geteuid() == 0 or box.plan.namespaces != "none":
        assert "no network" in box.plan.layers
    with pytest.raises(StudentCodeFailure):
        box.call(function(box, "connect"))
    outside = Path(grader.__file__).parent.parent / "pwned.txt"
    with pytest.raises(StudentCodeFailure):
        box.call(function(box, "write"), str(outside))
    assert not outside.exists()
    assert box.call(function(box, "where")).value == str(box.scratch)
    box.call(function(box, "write"), "inside.txt")


def test_two_children_running_at_once_do_not_share_a_thread_budget(sandbox_for) -> None:  # type: ignore[no-untyped-def]
    # RLIMIT_NPROC counts every task of a uid: under one shared uid (nobody), two children at the limit
    # together would starve each other, and TensorFlow aborts when it cannot start its threads.
    if os.geteuid() != 0:
        pytest.skip("only a root grader changes the child's uid (otherwise a user namespace is used)")
    source = ("import os, threading\n"
              "def uid():\n    return os.getuid()\n\n"
              "def hold_threads(n):\n    forever = threading.Event()\n"
              "    for _ in range(n):\n        threading.Thread(target=forever.wait, daemon=True).start()\n"
              "    return threading.active_count()\n")  # fmt: skip
    first, second = sandbox_for(unit(source)), sandbox_for(unit(source))
    assert box_uid(first) != box_uid(second) and 0 not in (box_uid(first), box_uid(second))
    near_limit = first.plan.limits.processes - 8  # both together would be far past the limit
    assert first.call(function(first, "hold_threads"), near_limit).value > near_limit
    assert second.call(function(second, "hold_threads"), near_limit).value > near_limit


def box_uid(box: Sandbox) -> int:
    return int(box.call(function(box, "uid")).value)


def test_colab_content_cannot_be_pointed_elsewhere_for_the_next_child(sandbox_for) -> None:  # type: ignore[no-untyped-def]
    # The attack: replace the folder mounted at /content by a link to the grader's files, then die, so that
    # the child started next mounts the link's target. /content's source lives outside the child's reach.
    from grader.sandbox.run_setup import RunSetup

    target = str(Path(grader.__file__).parent)
    source = ("import os\n"
              f"TARGET = {target!r}\n"
              "def attack():\n"
              "    here = os.getcwd()\n"
              "    for name in ('content', 'mirrors'):\n"
              "        try:\n"
              "            os.rename(os.path.join(here, name), os.path.join(here, 'moved_' + name))\n"
              "        except OSError:\n"
              "            pass\n"
              "        try:\n"
              "            os.symlink(TARGET, os.path.join(here, name))\n"
              "        except OSError:\n"
              "            pass\n"
              "    os._exit(0)\n\n"
              "def seen():\n    return sorted(os.listdir('/content'))\n")  # fmt: skip
    box = sandbox_for(unit(source), run=RunSetup(mirrors=("/content",)))
    if "/content" not in box.plan.mirrors:
        pytest.skip("no mount namespace here: /content is not provided at all")
    with pytest.raises(StudentCodeFailure):
        box.call(function(box, "attack"))
    listing = box.call(function(box, "seen")).value  # a fresh child
    assert "engine.py" not in listing and "checks" not in listing
