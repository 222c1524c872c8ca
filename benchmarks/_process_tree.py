"""Run a command and measure its wall time and the peak memory of its whole process tree.

`getrusage(RUSAGE_CHILDREN)` does not see the sandbox child: it runs in its own PID
namespace, and the grader kills that namespace's first process when grading ends, so the
memory of the processes inside it is never reported to us. Instead this samples, every
SAMPLE seconds, the resident memory (VmRSS) of every process descended from the command
(Linux /proc), and keeps the largest total: the memory a machine must have to run it.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

SAMPLE = 0.25  # a walk of /proc costs a few ms: ~1% of one core at this rate


def _parents() -> dict[int, int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            parents[int(entry.name)] = int(fields[1])
    return parents


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mib(root: int) -> float:
    parents = _parents()
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    return sum(_rss_kib(pid) for pid in tree) / 1024


def run_measured(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak MiB of the process tree); raises CalledProcessError like subprocess.run(check=True)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while True:
        peak = max(peak, tree_rss_mib(process.pid))
        try:
            process.wait(timeout=SAMPLE)  # returns as soon as it ends: the wall time stays exact
            break
        except subprocess.TimeoutExpired:
            continue
    wall = time.perf_counter() - started
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return wall, peak


if os.name != "posix" or not Path("/proc/self/status").exists():  # pragma: no cover - the benchmarks need Linux
    raise ImportError("the benchmarks measure memory through Linux's /proc")
