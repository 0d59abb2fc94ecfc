"""What a tape holds, rendered: ``summary`` (text), ``to_dot`` (Graphviz) and
``memory`` (the bytes each op keeps alive).
"""
from __future__ import annotations
import functools

from .._core import nest
from .._core.tensor import TensorLike
from .._core.reverse import Meta
from .._core.sites import Site
from .history import _note_site, _outs, _view
from typing import Any
from .._core.types import Nested

__all__ = ["summary", "to_dot", "memory", "MemoryReport"]


_SHORT_DTYPES = {"float16": "f16", "float32": "f32", "float64": "f64", "int8": "i8",
                 "int16": "i16", "int32": "i32", "int64": "i64", "uint8": "u8",
                 "bool": "bool", "complex64": "c64", "complex128": "c128"}


@functools.lru_cache(maxsize=1024)
def _type_text(shape, dtype):
    name = getattr(dtype, "name", str(dtype))
    return f"{_SHORT_DTYPES.get(name, name)}[{','.join(str(d) for d in shape)}]"


class _Names:
    """Short names for the tensors of a tape: a Variable's name, else %0, %1..."""

    def __init__(self, view, targets=()):
        self.view = view
        self.names = {u: f"'{v._name}'" for u, v in view.variables.items()}
        self.numbered = 0
        self.types = {}
        for u, v in view.variables.items():
            self.types[u] = _type_text(v._value.shape, v._value.dtype)
        for t in targets:
            self.types[t._uid] = _type_text(t._value.shape, t._value.dtype)
        for e in view.views():
            if e is None:
                continue
            for u, x in zip(e.inputs, e.saved or ()):  # a spent tape kept no values
                v = x if type(x) is Meta else x._value
                self.types.setdefault(u, _type_text(v.shape, v.dtype))
            if e.out_meta is not None:
                for u, (shape, dtype) in zip(e.outputs, e.out_meta):
                    self.types.setdefault(u, _type_text(shape, dtype))
            elif e.ans is not None:
                self.types.setdefault(e.outputs, _type_text(e.ans._value.shape, e.ans._value.dtype))

    def __call__(self, uid):
        name = self.names.get(uid)
        if name is None:
            name = self.names[uid] = f"%{self.numbered}"
            self.numbered += 1
        return name

    def typed(self, uid):
        return f"{self(uid)}:{self.types.get(uid, '?')}"


def _target_tensors(targets, how):
    """The tensors of a (nested) ``targets`` argument; anything else is a TypeError."""
    flat = nest.flatten(targets)
    for t in flat:
        if not isinstance(t, TensorLike):
            raise TypeError(f"tape.{how}: targets must be tensors or nested lists/dicts "
                            f"of tensors (the values to mark), got {type(t).__name__} "
                            f"{t!r:.60}")
    return flat


def summary(tape: Any, targets: Nested = ()) -> str:
    """The recorded ops as text, one per line: outputs = op(inputs)  # file:line.

    >>> import gradtape as tf
    >>> w = tf.Variable([[1.0, 2.0]], name="w")
    >>> with tf.GradientTape() as tape:
    ...     y = tf.reduce_sum(w * w)
    >>> print(tape.summary(y))  # doctest: +ELLIPSIS
    GradientTape(persistent=False, recording=False): 2 ops, watching 'w:0'
      %0:f32[1,2] = multiply('w:0':f32[1,2], 'w:0':f32[1,2])  # <doctest ...>:2
      %1:f32[] = reduce_sum(%0:f32[1,2])  # <doctest ...>:2
    """
    view = _view(tape)
    flat_targets = _target_tensors(targets, "summary")
    head = (f"GradientTape(persistent={tape._persistent}, recording={tape._recording}")
    if view is None:
        return head + "): nothing recorded"
    names = _Names(view, flat_targets)
    entries = [(i, e) for i, e in enumerate(view.views()) if e is not None]
    watched = sorted(u for u in view.tracked if u not in view.producer
                     and u in view.variables)
    lines = [head + f"{', spent' if tape._rec is None else ''}): {len(entries)} ops"
             + (", watching " + ", ".join(names(u) for u in watched) if watched else "")]
    # entries and notes in the order they happened (ids grow with time)
    events = [(min(_outs(e)), 0, e) for _, e in entries]
    events += [(min(n[3]) if n[0] == "cut" else n[2][0] + 0.5, 1, n) for n in view.notes]
    for _, is_note, item in sorted(events, key=lambda ev: ev[:2]):
        ins = ", ".join(names.typed(u) for u in (item[2] if is_note else item.inputs))
        if not is_note:
            outs = ", ".join(names.typed(u) for u in _outs(item))
            site = Site.of(item.code, item.lasti)
            lines.append(f"  {outs} = {item.op.name}({ins})" + (f"  # {site}" if site else ""))
        elif item[0] == "cut":
            outs = ", ".join(names.typed(u) for u in item[3])
            lines.append(f"  {outs} = {item[1].name}({ins})  # no gradient  {_note_site(item)}")
        else:
            lines.append(f"  {ins} leaves the tape by {item[1]}  # {_note_site(item)}")
    return "\n".join(lines)


def _dot_text(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(tape: Any, targets: Nested = ()) -> str:
    """The tape's graph as Graphviz DOT text: tensors are boxes (watched sources
    blue, targets green), ops are ellipses with their user file:line, cut
    points (ops with no gradient) red octagons, escapes to NumPy/Python red notes.

    >>> import gradtape as tf
    >>> x = tf.Variable(2.0, name="x")
    >>> with tf.GradientTape() as tape:
    ...     y = x * x
    >>> print(tape.to_dot(y).splitlines()[0])
    digraph tape {
    """
    view = _view(tape)
    flat_targets = _target_tensors(targets, "to_dot")
    target_uids = {t._uid for t in flat_targets}
    names = _Names(view, flat_targets) if view is not None else None
    cut_outs = _cut_outs(view) if view is not None else set()
    lines = ["digraph tape {", "  rankdir=TB;", '  node [fontname="monospace"];']
    tensors = set()

    def tensor_node(u):
        if u in tensors:
            return
        tensors.add(u)
        attrs = ["shape=box", f"label={_dot_text(names.typed(u))}"]
        if u in target_uids:
            attrs += ["style=filled", 'fillcolor="palegreen"', "peripheries=2"]
        elif u in view.tracked and u not in view.producer and u not in cut_outs:
            attrs += ["style=filled", 'fillcolor="lightblue"']
        lines.append(f"  t{u} [{', '.join(attrs)}];")

    if view is not None:
        for idx, e in enumerate(view.views()):
            if e is None:
                continue
            site = Site.of(e.code, e.lasti)
            label = e.op.name + (f"\n{site}" if site else "")
            lines.append(f"  op{idx} [shape=ellipse, label={_dot_text(label)}];")
            for u in e.inputs:
                tensor_node(u)
                lines.append(f"  t{u} -> op{idx};")
            for u in _outs(e):
                tensor_node(u)
                lines.append(f"  op{idx} -> t{u};")
        for k, note in enumerate(view.notes):
            site = _note_site(note)
            if note[0] == "cut":
                label = f"{note[1].name} (no gradient)\n{site}"
                lines.append(f"  cut{k} [shape=octagon, color=red, fontcolor=red, "
                             f"label={_dot_text(label)}];")
                for u in note[2]:
                    tensor_node(u)
                    lines.append(f"  t{u} -> cut{k} [color=red];")
                for u in note[3]:
                    tensor_node(u)
                    lines.append(f"  cut{k} -> t{u} [color=red, style=dashed];")
            else:
                label = f"left the tape: {note[1]}\n{site}"
                lines.append(f"  esc{k} [shape=note, color=red, fontcolor=red, "
                             f"label={_dot_text(label)}];")
                tensor_node(note[2][0])
                lines.append(f"  t{note[2][0]} -> esc{k} [color=red, style=dashed];")
    for u in target_uids - tensors:
        if view is not None:
            tensor_node(u)
    lines.append("}")
    return "\n".join(lines)


def _cut_outs(view):
    return {u for note in view.notes if note[0] == "cut" for u in note[3]}


class MemoryReport:
    """Bytes of array data a tape holds: ``total``, ``per_op`` (a list of
    ``(index, op name, bytes, site)``) and ``per_line`` (``{"file:line": bytes}``).

    An array shared by several entries counts once in ``total``.

    >>> import gradtape as tf
    >>> x = tf.Variable(tf.ones((4,)))
    >>> with tf.GradientTape() as tape:
    ...     y = x * x
    >>> report = tape.memory()
    >>> report.total, [(name, n) for _, name, n, _ in report.per_op]
    (16, [('multiply', 32)])
    """

    def __init__(self, total: int, per_op: Any, per_line: Any) -> None:
        self.total = total
        self.per_op = per_op
        self.per_line = per_line

    def __str__(self):
        lines = [f"tape holds {self.total} bytes in {len(self.per_op)} ops"]
        for line, n in sorted(self.per_line.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {n:>12} B  {line}")
        return "\n".join(lines)

    __repr__ = __str__


def memory(tape: Any) -> Any:
    """What the tape's entries hold, per op, per user source line, and in total.

    >>> import gradtape as tf
    >>> x = tf.Variable(tf.zeros((256,)))
    >>> with tf.GradientTape() as tape:
    ...     y = tf.reduce_sum(tf.sin(x))
    >>> tape.memory().total   # sin keeps its input: 256 float32
    1024
    """
    rec = tape._rec
    per_op, per_line, seen = [], {}, set()
    total = 0
    for idx, e in enumerate(rec.views() if rec is not None else ()):
        if e is None:
            continue
        held = [x._value for x in e.saved if type(x) is not Meta]
        ans = e.ans
        if ans is not None:
            held.extend(a._value for a in (ans if type(ans) is tuple else (ans,)))
        n = sum(a.nbytes for a in held)
        for a in held:
            if id(a) not in seen:
                seen.add(id(a))
                total += a.nbytes
        site = Site.of(e.code, e.lasti)
        per_op.append((idx, e.op.name, n, site))
        key = str(site) if site else "?"
        per_line[key] = per_line.get(key, 0) + n
    return MemoryReport(total, per_op, per_line)
