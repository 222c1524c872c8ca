from __future__ import annotations

import subprocess
import sys

import pytest

from grader.tf_quiet import _CHATTER


def test_start_up_lines_are_recognised_and_errors_are_not() -> None:
    assert _CHATTER.match("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR")
    assert _CHATTER.match("I0000 00:00:1796332026.308108   25391 port.cc:153] oneDNN custom operations are on.")
    assert _CHATTER.match("W0000 00:00:1796332026.308108   25391 cuda_executor.cc:1001] could not find cuda drivers")
    assert not _CHATTER.match("E0000 00:00:1796332026.308108   25391 cuda_dnn.cc:8310] Unable to register cuDNN")
    assert not _CHATTER.match("Traceback (most recent call last):")


@pytest.mark.tf
def test_importing_tensorflow_prints_nothing() -> None:
    pytest.importorskip("tensorflow")
    code = "from grader.tf_quiet import import_tensorflow_quietly as q; assert q(); import sys; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "ok" and done.stderr == ""
