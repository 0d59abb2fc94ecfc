"""The package's layering, read from the source: the engine (``gradtape/_core``)
imports nothing above it, and no gradtape modules import each other in a circle.

Every import counts, at module level or inside a function: a lazy import is
still a dependency, only a later one.
"""
import ast
import os

import gradtape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(gradtape.__file__)))


def _modules():
    """``{dotted name: path}`` of every module of the gradtape package."""
    out = {}
    for dirpath, _, files in os.walk(os.path.join(ROOT, "gradtape")):
        for f in files:
            if f.endswith(".py"):
                path = os.path.join(dirpath, f)
                parts = os.path.relpath(path, ROOT)[:-3].split(os.sep)
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                out[".".join(parts)] = path
    return out


def _imports(name, path, known):
    """The gradtape modules ``name`` imports (a package's submodule by its own name)."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    package = name.split(".") if path.endswith("__init__.py") else name.split(".")[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for a in node.names:
                sub = f"{module}.{a.name}"
                found.add(sub if sub in known else module)
    return {m for m in found if m in known and m != name}


def import_graph():
    """``{module: modules it imports}`` over gradtape's own modules."""
    known = _modules()
    return {name: _imports(name, path, known) for name, path in known.items()}


def circles(graph):
    """The groups of modules that import one another in a circle (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_engine_imports_nothing_above_it():
    upward = {m: sorted(d for d in deps if not d.startswith("gradtape._core"))
              for m, deps in import_graph().items() if m.startswith("gradtape._core")}
    upward = {m: deps for m, deps in upward.items() if deps}
    assert not upward, f"modules of gradtape/_core import from outside it: {upward}"


def test_no_import_circles():
    found = circles(import_graph())
    assert not found, f"gradtape modules that import one another in a circle: {found}"


def test_the_checks_see_lazy_imports_and_circles():
    graph = import_graph()
    # a function-level import is an edge (tape.jacobian imports jacobians lazily)
    assert "gradtape.jacobians" in graph["gradtape.tape"]
    assert "gradtape._core.trace" in graph["gradtape._core.reverse"]
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []
