"""OS-level confinement of the child process that runs student code.

Layers, each applied when the platform allows it (`plan_confinement` says which):
- namespaces: a private network namespace (no network at all) and a private
  mount namespace whose root is a fresh, nearly empty filesystem holding only
  the system folders (/usr, /lib*, /bin, /etc, /dev, /sys), the Python
  installation the grader runs on, and this child's scratch folder, all
  read-only except the scratch folder. Nothing else on the disk (home
  folders, /tmp, other copies of the grader, other sandboxes, the submission
  folder) exists there; the grader's own package, if it lives inside that
  Python installation, is covered by an empty mount;
- a PID namespace: the child cannot see or signal the grader or any other
  process, and every process it starts dies with it;
- no privileges: a root grader drops the child to a uid of its own (no capabilities,
  and RLIMIT_NPROC applies, which it does not for root); otherwise the child
  enters a user namespace last, which locks the mounts above, and drops every
  capability in it;
- rlimits: memory (RLIMIT_DATA: heap and anonymous maps, which large address
  space reservations of TensorFlow do not trip), CPU seconds, file size, open
  files, process count, no core dumps.
The parent also makes itself non-dumpable (`protect_parent`), so a child of
the same uid cannot read its memory through /proc. The child installs audit
hooks as a second fence (child_main).

`apply_in_child` runs inside the child itself, first thing, while it is still
single-threaded (a user namespace needs that) and before any student code
exists; it is sent to the child as source, so this module may import only the
standard library.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import pwd
import re
import resource
import signal
import site
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_SECUREBITS, PR_SET_NO_NEW_PRIVS = 1, 4, 24, 28, 38
# SECBIT_NOROOT, NO_SETUID_FIXUP, KEEP_CAPS, NO_CAP_AMBIENT_RAISE, each with its lock bit.
SECURE_ALL_BITS = 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x20 | 0x40 | 0x80
# What the child's root filesystem holds besides the Python installation and its scratch folder.
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/dev", "/sys")
MNT_DETACH = 2
_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41}  # syscall numbers (glibc has no wrapper)


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 600  # a backstop; the wall-clock limits (per call, cell, notebook) act first
    file_bytes: int = 64 * 1024**2
    open_files: int = 256
    processes: int = 64  # threads count too (Linux)


@dataclass(frozen=True)
class Confinement:
    """What will be applied to the child; `layers` is shown to the user."""

    limits: Limits
    namespaces: str  # "root", "user" or "none"
    hidden: tuple[str, ...]
    scratch: str
    new_root: str  # an empty folder that becomes the child's root filesystem
    drop_to: tuple[int, int] | None = None  # (uid, gid) a root grader drops the child to
    needed: tuple[str, ...] = ()  # folders the interpreter reads, made reachable for that uid
    layers: tuple[str, ...] = ()
    # Absolute folders notebooks write and read (Colab's /content): each is a folder of `mirror_root`,
    # mounted there. Only with namespaces; without them such paths stay missing. `mirror_root` is outside
    # the scratch folder and not writable by the child: a folder the child could rename or replace by a
    # symbolic link would be mounted, by the next child started, wherever the link points.
    mirrors: tuple[str, ...] = ()
    mirror_root: str = ""


_LIBC: ctypes.CDLL | None = None


def _libc() -> ctypes.CDLL:
    global _LIBC
    if _LIBC is None:
        _LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return _LIBC


def _call(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _unshare_user(flags: int) -> None:
    """Enter a new user namespace (with other namespaces), as uid/gid 0 mapped onto our ids outside."""
    uid, gid = os.geteuid(), os.getegid()  # read before: inside they are unmapped until written
    _call(_libc().unshare(CLONE_NEWUSER | flags), "unshare")
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"0 {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"0 {gid} 1")


def _probe(flags: int) -> bool:
    """Can this process make these namespaces? Tried in a throwaway fork."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the fork
        try:
            if flags & CLONE_NEWUSER:
                _unshare_user(flags)
            else:
                _call(_libc().unshare(flags), "unshare")
            _call(_libc().mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount private")
            _unshare_user(CLONE_NEWNS)
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


_PROBED: dict[bool, str] = {}


def available_namespaces() -> str:
    """'root', 'user' or 'none' (cached: probing forks)."""
    as_root = os.geteuid() == 0
    if as_root not in _PROBED:
        if not Path("/proc/self/ns/user").exists():
            _PROBED[as_root] = "none"
        elif as_root and _probe(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID):
            _PROBED[as_root] = "root"
        elif _probe(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID):
            _PROBED[as_root] = "user"
        else:
            _PROBED[as_root] = "none"
    return _PROBED[as_root]


def _tasks_of(uid: int) -> int:
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                count += len(os.listdir(f"/proc/{entry.name}/task")) if entry.stat().st_uid == uid else 0
            except OSError:
                continue
    return count


# Uids no account uses, one per running sandbox. Not `nobody`: RLIMIT_NPROC counts every task of a
# uid, so children sharing one (a class graded with --jobs 2, two graders on one machine) would share
# one budget of threads, and TensorFlow alone starts ~20; a uid of its own also keeps one child from
# signalling another.
_UID_FIRST, _UID_COUNT = 3_000_000, 1_000_000
_UIDS_TAKEN: set[int] = set()  # by this process's sandboxes that may still run


def _unused_uid() -> tuple[int, int]:
    """(uid, gid) for one sandbox child: outside any account's range and with no task running under it."""
    start = (os.getpid() * 1009 + len(_UIDS_TAKEN) * 7) % _UID_COUNT
    for step in range(_UID_COUNT):
        uid = _UID_FIRST + (start + step) % _UID_COUNT
        if uid in _UIDS_TAKEN or _tasks_of(uid):
            continue
        try:
            pwd.getpwuid(uid)
            continue  # an account: not ours to take
        except KeyError:
            pass
        _UIDS_TAKEN.add(uid)
        if len(_UIDS_TAKEN) > 256:  # long gone: their children were killed with their sandboxes
            _UIDS_TAKEN.discard(min(_UIDS_TAKEN - {uid}))
        return uid, uid
    raise OSError("no free uid for the sandbox child")


def protect_parent() -> None:
    """Make the grader's own process non-dumpable: no same-uid process may read its memory."""
    if Path("/proc/self").exists():  # Linux
        _libc().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def plan_confinement(
    limits: Limits,
    hidden: list[Path],
    scratch: Path,
    new_root: Path,
    mirrors: tuple[str, ...] = (),
    mirror_root: Path | None = None,
) -> Confinement:
    namespaces = available_namespaces()
    layers = ["separate process", "rlimits (memory, CPU, file size, open files, processes)", "audit hooks"]
    processes = limits.processes
    drop_to = None
    if namespaces != "none":
        layers += ["no network", "own PID namespace", "minimal read-only root filesystem (grader files absent)",
                   "writable scratch folder only"]  # fmt: skip
    if namespaces == "root":
        # Root's processes are exempt from RLIMIT_NPROC and may read anything: drop to a uid of its own.
        drop_to = _unused_uid()
        os.chown(scratch, *drop_to)
        layers.append("unprivileged uid of its own, no capabilities")
    elif namespaces == "user":
        layers.append("user namespace without capabilities")
    else:
        # RLIMIT_NPROC then counts every task of this user: allow for those already running.
        processes += _tasks_of(os.getuid())
    existing = tuple(sorted({str(p) for p in hidden if p.exists()}))
    needed = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    needed |= {p for p in (*site.getsitepackages(), *sysconfig.get_paths().values()) if os.path.isdir(p)}
    return Confinement(
        limits=Limits(limits.memory_bytes, limits.cpu_seconds, limits.file_bytes, limits.open_files, processes),
        namespaces=namespaces,
        hidden=existing,
        scratch=str(scratch),
        new_root=str(new_root),
        drop_to=drop_to,
        needed=tuple(sorted(os.path.realpath(p) for p in needed)),
        layers=tuple(layers),
        mirrors=mirrors if namespaces != "none" and mirror_root is not None else (),
        mirror_root=str(mirror_root or ""),
    )


def plan_to_json(plan: Confinement) -> dict[str, Any]:
    return {"limits": asdict(plan.limits), "namespaces": plan.namespaces, "hidden": list(plan.hidden),
            "scratch": plan.scratch, "new_root": plan.new_root, "drop_to": plan.drop_to,
            "needed": list(plan.needed), "mirrors": list(plan.mirrors), "mirror_root": plan.mirror_root}  # fmt: skip


def _mount_points() -> list[tuple[str, set[str]]]:
    points = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            path = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])  # \040 is a space
            points.append((path, set(fields[5].split(","))))
    return points


def _remount_read_only(keep: tuple[str, ...]) -> None:
    libc = _libc()
    for path, options in _mount_points():
        if any(path == k or path.startswith(k + "/") for k in keep) or "ro" in options:
            continue
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY
        flags |= (MS_NOSUID if "nosuid" in options else 0) | (MS_NODEV if "nodev" in options else 0)
        flags |= MS_NOEXEC if "noexec" in options else 0
        libc.mount(None, path.encode(), None, flags, None)  # best effort: a mount that refuses stays as it is


def _enter_minimal_root(new_root: str, keep: list[str], mirrors: dict[str, str] | None = None) -> None:
    """Make `new_root` (an empty tmpfs) the root filesystem, holding only bind mounts of `keep`.

    Folders created on the way (e.g. /root above a pyenv Python) are fresh and
    empty but for the kept path, so nothing else of theirs is visible.
    """
    libc = _libc()
    _call(libc.mount(b"tmpfs", new_root.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=1m,mode=755"), "new root")
    present = sorted({os.path.normpath(p) for p in keep if os.path.lexists(p)})
    outermost = [p for p in present if not any(p.startswith(q.rstrip("/") + "/") for q in present if q != p)]
    for path in outermost:
        target = new_root + path
        if os.path.islink(path):  # e.g. /lib -> usr/lib on merged-/usr systems
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.symlink(os.readlink(path), target)
            continue
        if os.path.isdir(path):
            os.makedirs(target, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            open(target, "w").close()
        _call(libc.mount(path.encode(), target.encode(), None, MS_BIND | MS_REC, None), f"bind {path}")
    for target, source in (mirrors or {}).items():  # Colab's /content: a writable folder of the scratch folder
        os.makedirs(new_root + target, exist_ok=True)
        _call(libc.mount(source.encode(), (new_root + target).encode(), None, MS_BIND, None), f"mirror {target}")
    for folder in ("proc", "tmp", "oldroot"):
        os.makedirs(os.path.join(new_root, folder), exist_ok=True)
    # A /proc of this PID namespace: the grader's processes are not in it.
    libc.mount(b"proc", f"{new_root}/proc".encode(), b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    number = _PIVOT_ROOT.get(os.uname().machine)
    if number is not None and libc.syscall(number, new_root.encode(), f"{new_root}/oldroot".encode()) == 0:
        os.chdir("/")
        _call(libc.umount2(b"/oldroot", MNT_DETACH), "detach old root")
        os.rmdir("/oldroot")
    else:  # an architecture we do not know the syscall of: chroot (privileges go right after)
        os.chroot(new_root)
        os.chdir("/")


def _drop_to(uid: int, gid: int) -> None:
    """setuid away from root: every capability goes, and RLIMIT_NPROC now applies."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    _call(_libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def _drop_capabilities() -> None:
    libc = _libc()
    _call(libc.prctl(PR_SET_SECUREBITS, SECURE_ALL_BITS, 0, 0, 0), "securebits")
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # past the last capability this kernel knows
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable x 2: all empty
    _call(libc.capset(header, data), "capset")
    _call(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def _fork_into_pid_namespace(report: Callable[[int], None]) -> None:  # pragma: no cover - runs in the child
    """Fork once: the child becomes pid 1 of the new PID namespace and returns; this
    process stays outside, reports the child's pid (for the grader to kill it) and
    waits to exit with the child's status."""
    pid = os.fork()
    if pid == 0:
        _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        return
    report(pid)
    os.closerange(3, 1024)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    os._exit(128 + -code if code < 0 else code & 0xFF)  # killed by signal N: 128 + N, as a shell says it


def apply_in_child(data: dict[str, Any], report_pid: Callable[[int], None]) -> None:  # pragma: no cover
    """Confine the current (child) process according to a plan from `plan_to_json`.

    With namespaces, the process forks once (see `_fork_into_pid_namespace`): what
    returns from here is pid 1 of a PID namespace of its own, which can neither see
    nor signal the grader, and whose death takes every process it started with it.
    """
    libc = _libc()
    limits = Limits(**data["limits"])
    scratch = str(data["scratch"])
    if data["namespaces"] != "none":
        if data["namespaces"] == "user":
            _unshare_user(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID)
        else:
            _call(libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID), "unshare")
        _fork_into_pid_namespace(report_pid)
        _call(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount private")
        root = str(data.get("mirror_root") or "")
        mirrors = {str(m): os.path.join(root, str(m).strip("/")) for m in data.get("mirrors", []) if root}
        for source in mirrors.values():
            if os.path.islink(source) or not os.path.isdir(source):
                raise OSError(f"mirror {source}: not the folder the grader made")
        _enter_minimal_root(str(data["new_root"]), [*SYSTEM_PATHS, *data["needed"], scratch], mirrors)
        for path in data["hidden"]:  # the grader's own package, where it lives inside site-packages
            if not os.path.exists(path) or path == scratch or scratch.startswith(path + "/"):
                continue
            if os.path.isdir(path):
                _call(libc.mount(b"tmpfs", path.encode(), b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV,
                                 b"size=4k,mode=555"), f"hide {path}")  # fmt: skip
            else:
                _call(libc.mount(b"/dev/null", path.encode(), None, MS_BIND, None), f"hide {path}")
        _remount_read_only(keep=(scratch, "/proc", *mirrors))
        if data["drop_to"] is not None:
            _drop_to(*data["drop_to"])
        else:
            # A new user namespace last: every mount above is now locked for this process.
            _unshare_user(CLONE_NEWNS)
            _drop_capabilities()
    else:
        report_pid(os.getpid())
    for name, value in (
        (resource.RLIMIT_DATA, limits.memory_bytes),
        (resource.RLIMIT_CPU, limits.cpu_seconds),
        (resource.RLIMIT_FSIZE, limits.file_bytes),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_NPROC, limits.processes),
    ):
        resource.setrlimit(name, (value, value))
    os.chdir(scratch)
