"""Every public name of gradtape has a docstring with a runnable example.

The examples themselves run as doctests (``--doctest-modules``); this test
makes sure none is missing.
"""
import importlib
import inspect
import pkgutil

import pytest

import gradtape

_PRIVATE_PARTS = ("_core", "rules", "jacobians", "__main__")


def _public_modules():
    mods = [gradtape]
    for info in pkgutil.walk_packages(gradtape.__path__, "gradtape."):
        if any(part.startswith("_") or part in _PRIVATE_PARTS for part in info.name.split(".")[1:]):
            continue
        try:
            mods.append(importlib.import_module(info.name))
        except ImportError as e:  # an optional extra (e.g. a cluster engine) is absent
            if "gradtape" in str(e):
                raise
    return mods


def _public_names(mod):
    """A module's ``__all__``; else what it defines itself; the package: its whole face."""
    if hasattr(mod, "__all__"):
        return list(mod.__all__)
    names = [n for n in dir(mod) if not n.startswith("_")]
    if mod is gradtape:
        return names
    return [n for n in names if getattr(getattr(mod, n), "__module__", None) == mod.__name__]


def _public_objects():
    seen = set()
    for mod in _public_modules():
        for name in _public_names(mod):
            obj = getattr(mod, name)
            # (an op function with its common case in C wraps the Python one)
            if not (inspect.isfunction(inspect.unwrap(obj)) or inspect.isclass(obj)):
                continue
            if not getattr(obj, "__module__", "").startswith("gradtape") or id(obj) in seen:
                continue
            seen.add(id(obj))
            yield f"{mod.__name__}.{name}", obj


@pytest.mark.parametrize("qualname,obj", list(_public_objects()), ids=lambda v: v if isinstance(v, str) else "")
def test_has_docstring_with_example(qualname, obj):
    doc = inspect.getdoc(obj) or ""
    assert doc.strip(), f"{qualname} has no docstring"
    assert ">>>" in doc, f"{qualname}'s docstring has no runnable example (>>> ...)"
