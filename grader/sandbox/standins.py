"""Imports a notebook makes that the sandbox cannot honour: display-only packages and the submission's own modules.

- Display-only packages that are not installed where the grader runs (Colab's
  `google.colab`, `visualkeras`, `prettytable`, `IPython.display`, downloads
  by `wget`/`gdown`) get a stand-in that accepts any call and returns another
  stand-in, from a fixed list, and the substitution is noted: the cells that
  import them still run their real work. Anything else that is missing stays
  an honest ModuleNotFoundError.
- A submission's own modules (`import hypermodels`, `from mnist import load`)
  are importable by their file's name: the grader hands their source over and
  they are executed on first import, once, into the module the grader loads.
Sent to the child as source; standard library only.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import types
from collections.abc import Callable, Sequence
from typing import Any

# Packages whose absence changes what a notebook shows, not what it computes.
DISPLAY_ONLY = ("google.colab", "visualkeras", "prettytable", "IPython", "IPython.display", "wget",
                "gdown", "pydot", "graphviz", "plotly", "ann_visualizer", "keras_visualizer", "tabulate")  # fmt: skip
NOTES: list[dict[str, Any]] = []  # {"kind": "standin", "package": ...}, reported with the cell that imported it


class StandIn:
    """Accepts any call, attribute, item or iteration, and shows as nothing."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._name.endswith(".download"):  # wget.download(url, out) / gdown.download(url, output): the path
            return kwargs.get("output") or kwargs.get("out") or (args[1] if len(args) > 1 else None)
        return StandIn(f"{self._name}()")

    def __getattr__(self, name: str) -> StandIn:
        if name.startswith("__"):
            raise AttributeError(name)
        return StandIn(f"{self._name}.{name}")

    def __getitem__(self, key: Any) -> StandIn:
        return StandIn(f"{self._name}[]")

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    def __setitem__(self, key: Any, value: Any) -> None:
        pass

    def __iter__(self) -> Any:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __bool__(self) -> bool:
        return False

    def __enter__(self) -> StandIn:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __str__(self) -> str:
        return ""

    __repr__ = __str__


class _StandInModule(types.ModuleType):
    # Libraries probe these (matplotlib compares IPython.version_info): answer as a version nothing needs.
    __version__ = "0"
    version_info = (0, 0, 0)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name == "get_ipython":  # "not inside IPython", which is true
            return lambda: None
        return StandIn(f"{self.__name__}.{name}")


class _StandInLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _StandInModule(spec.name)
        module.__path__ = []  # a package, so that "from google.colab import drive" finds its parts
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        event = {"kind": "standin", "package": module.__name__}
        if not any(module.__name__.startswith(str(n["package"]) + ".") for n in NOTES) and event not in NOTES:
            NOTES.append(event)


class _EmptyPackage(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = types.ModuleType(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


class _Finder(importlib.abc.MetaPathFinder):
    """Last on sys.meta_path: answers only what no real finder could."""

    def __init__(self, siblings: dict[str, Callable[[str], types.ModuleType]]) -> None:
        self.siblings = siblings
        self._busy: set[str] = set()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname in self.siblings and fullname not in self._busy:
            return importlib.machinery.ModuleSpec(fullname, _SiblingLoader(self, fullname))
        if fullname == "google":  # only as the parent of google.colab, when no real google package exists
            return importlib.machinery.ModuleSpec(fullname, _EmptyPackage(), is_package=True)
        if any(fullname == name or fullname.startswith(name + ".") for name in DISPLAY_ONLY) and _asked_by_student():
            return importlib.machinery.ModuleSpec(fullname, _StandInLoader(), is_package=True)
        return None


_LIBRARY_ROOTS = tuple({os.path.realpath(p) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})


def _asked_by_student() -> bool:
    """Whether the import being resolved was written by the student, not tried by a library.

    Keras tries `import pydot` and TensorFlow `import IPython` to see whether they are installed: they
    must get the ModuleNotFoundError that tells them so, not a stand-in (nor a note in the report)."""
    frame = sys._getframe(2)  # past find_spec
    while frame is not None:
        filename = frame.f_code.co_filename
        machinery = filename.startswith(("<frozen", "grader.")) or "importlib" in filename  # grader.*: ours, as sent
        if not machinery:
            return not os.path.realpath(filename).startswith(_LIBRARY_ROOTS)
        frame = frame.f_back  # type: ignore[assignment]
    return True


class _SiblingLoader(importlib.abc.Loader):
    def __init__(self, finder: _Finder, name: str) -> None:
        self.finder, self.name = finder, name

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        self.finder._busy.add(self.name)
        try:
            return self.finder.siblings[self.name](self.name)
        finally:
            self.finder._busy.discard(self.name)

    def exec_module(self, module: types.ModuleType) -> None:
        return None  # the module was run when it was created


def install(siblings: dict[str, Callable[[str], types.ModuleType]]) -> None:
    """siblings: an importable name -> a function that loads that file of the submission and returns its module."""
    finder = next((f for f in sys.meta_path if isinstance(f, _Finder)), None)
    if finder is None:
        sys.meta_path.append(_Finder(siblings))
    else:
        finder.siblings.update(siblings)
