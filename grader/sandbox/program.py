"""The child's whole program, as source: the child must not be able to import the grader."""

from __future__ import annotations

import inspect

from grader.sandbox import budget, child_main, compat, confine, harvest, standins, wire


def child_program() -> str:
    """The child's whole program: our child-side modules, loaded without importing the grader."""
    sources = {
        "grader.sandbox.compat": inspect.getsource(compat),
        "grader.sandbox.budget": inspect.getsource(budget),
        "grader.sandbox.standins": inspect.getsource(standins),
        "grader.sandbox.harvest": inspect.getsource(harvest),
        "grader.sandbox.confine": inspect.getsource(confine),
        "grader.sandbox.wire": inspect.getsource(wire),
        "__hw4_child__": inspect.getsource(child_main),
    }
    return (
        "import sys, types\n"
        f"_SOURCES = {sources!r}\n"
        "for _name in ('grader', 'grader.sandbox'):\n"
        "    sys.modules[_name] = types.ModuleType(_name)\n"
        "for _name, _source in _SOURCES.items():\n"
        "    _module = types.ModuleType(_name)\n"
        "    sys.modules[_name] = _module\n"
        "    exec(compile(_source, _name, 'exec'), _module.__dict__)\n"
        "_main = sys.modules['__hw4_child__'].main\n"
        "for _name in [n for n in sys.modules if n == 'grader' or n.startswith('grader.') or n == '__hw4_child__']:\n"
        "    del sys.modules[_name]\n"
        "del _SOURCES, _module, _source, _name\n"
        "_main()\n"
    )
