"""The sandbox child as a process: started confined, spoken to in frames, killed with everything it started.

`ChildProcess` knows nothing of units or checks (client.py does): it spawns the
child program with the confinement plan, keeps the first 20 kB of what the child
writes to its stdout/stderr (C-level output included), sends one framed request
and reads its reply before a deadline, and turns a hang, a crash or a broken
protocol into a StudentCodeFailure after killing the child's whole PID namespace.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from grader.results import Bilingual
from grader.sandbox import confine, wire
from grader.sandbox.confine import Confinement
from grader.sandbox.failures import StudentCodeFailure
from grader.sandbox.program import child_program


class ChildProcess:
    def __init__(self, plan: Confinement, scratch: Path) -> None:
        self._plan = plan
        self._scratch = scratch
        self._process: subprocess.Popen[bytes] | None = None
        self._drainer: threading.Thread | None = None
        self._runner_pid: int | None = None  # pid 1 of the child's PID namespace, as seen from here
        self._to_child = self._from_child = -1
        self._ids = itertools.count(1)
        self._output = bytearray()

    @property
    def running(self) -> bool:
        return self._process is not None

    def kill(self) -> None:
        process, self._process = self._process, None
        for fd in (self._to_child, self._from_child):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._to_child = self._from_child = -1
        if process is not None:
            # Killing pid 1 of the child's PID namespace kills everything in it, even a
            # process that left the process group with setsid().
            if self._runner_pid is not None and self._runner_pid != process.pid:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(self._runner_pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            if self._drainer is not None:
                self._drainer.join(timeout=5)  # the pipe reaches EOF once every holder is gone
            if process.stdout is not None:
                process.stdout.close()

    def spawn(self) -> None:
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self._scratch), "TMPDIR": str(self._scratch),
               "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
               "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
               "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2",
               # Two TensorFlow threads whatever the machine: the CPU-seconds limit stays a backstop on a
               # 64-core grader too, and results do not depend on its core count.
               "TF_NUM_INTRAOP_THREADS": "2", "TF_NUM_INTEROP_THREADS": "2"}  # fmt: skip
        for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # needed on some CPUs (see docs)
            if name in os.environ:
                env[name] = os.environ[name]
        plan = json.dumps(confine.plan_to_json(self._plan))
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-c", child_program(), str(request_read), str(reply_write), plan],
            pass_fds=(request_read, reply_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        os.close(request_read)
        os.close(reply_write)
        self._to_child, self._from_child = request_write, reply_read
        os.set_blocking(request_write, False)  # written under a deadline (_write)
        assert self._process.stdout is not None
        self._drainer = threading.Thread(target=self._drain, args=(self._process.stdout,), daemon=True)
        self._drainer.start()
        self._runner_pid = None
        try:
            header = self._read(wire.HEADER_SIZE, time.monotonic() + 60)
            hello = wire.parse_frame_body(self._read(wire.frame_length(header), time.monotonic() + 60))
            if hello.get("id") == 0 and type(hello.get("pid")) is int:
                self._runner_pid = int(hello["pid"])
        except (TimeoutError, EOFError, OSError, wire.WireError):
            pass  # _spawn_checked's ping reports a child that did not start

    def _drain(self, stream: Any) -> None:
        """Keep the first 20 kB of raw (C-level) output; read and drop the rest."""
        with contextlib.suppress(ValueError, OSError):
            self._drain_until_eof(stream)

    def _drain_until_eof(self, stream: Any) -> None:
        while chunk := stream.read1(65536):
            room = 20_000 - len(self._output)
            self._output += chunk[: max(room, 0)]

    @property
    def raw_output(self) -> str:
        return self._output.decode("utf-8", "replace")

    def request(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        if self._process is None:
            raise RuntimeError("the child is not running")
        message = {**message, "id": next(self._ids)}
        try:
            self._write(wire.encode_frame(message), time.monotonic() + timeout)
            header = self._read(wire.HEADER_SIZE, time.monotonic() + timeout)
            body = self._read(wire.frame_length(header), time.monotonic() + timeout)
            reply = wire.parse_frame_body(body)
        except TimeoutError:
            self.kill()
            raise StudentCodeFailure("timeout", Bilingual(
                f"did not finish within {timeout:g} s (an endless loop, or far too slow); it was stopped",
                f"در {timeout:g} ثانیه تمام نشد (حلقهٔ بی‌پایان یا بسیار کند)؛ متوقف شد")) from None  # fmt: skip
        except (EOFError, BrokenPipeError, OSError, wire.WireError) as error:
            code = None
            if self._process is not None and not isinstance(error, wire.WireError):
                with contextlib.suppress(subprocess.TimeoutExpired):  # its channel closes just before it exits
                    code = self._process.wait(timeout=2)
            self.kill()
            if code is None:
                how = "its channel to the grader was closed"
            elif code > 128 or code < 0:  # the namespace's outer process exits with 128 + N for signal N
                number = code - 128 if code > 128 else -code
                name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
                how = f"killed by signal {number} ({name})" + (", e.g. out of memory" if number == 9 else "")
            else:
                how = f"exit status {code}"
            detail = str(error) if isinstance(error, wire.WireError) else how
            raise StudentCodeFailure("crashed", Bilingual(
                f"the process running your code ended abruptly ({detail}); e.g. os._exit, a crash "
                "in native code, or closing the grader's channel",
                f"فرایندی که کد شما را اجرا می‌کرد ناگهان پایان یافت ({detail})؛ مثلاً os._exit، "
                "خرابی در کد بومی یا بستن کانال تصحیح‌گر")) from None  # fmt: skip
        if reply.get("id") != message["id"]:
            self.kill()
            raise StudentCodeFailure("protocol", Bilingual(
                "the reply did not match the request (something wrote into the grader's channel)",
                "پاسخ با درخواست جور نبود (چیزی در کانال تصحیح‌گر نوشته شده است)"))  # fmt: skip
        return reply

    def _write(self, data: bytes, deadline: float) -> None:
        """The request, within the call's time: a child that stops reading (a thread of the student's code holding
        the interpreter) must not hang the grader on a request larger than the pipe holds."""
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            _, ready, _ = select.select([], [self._to_child], [], left)
            if not ready:
                raise TimeoutError
            try:
                view = view[os.write(self._to_child, view[: 1 << 16]) :]
            except BlockingIOError:
                continue

    def _read(self, size: int, deadline: float) -> bytes:
        chunks: list[bytes] = []
        while size:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self._from_child], [], [], left)
            if not ready:
                raise TimeoutError
            chunk = os.read(self._from_child, min(size, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)
