"""What a tape knows, kept for the diagnostics: its history and its graph.

The tape notes here the moments it started, paused, stopped, reset and
computed gradients (``_note_event``), and before a non-persistent
``gradient()`` frees its recording, the graph without values (``Skeleton``).
``_Graph`` indexes a recording (live or kept) for ``explain``.
"""
from __future__ import annotations
from .._core.reverse import Entry, free
from .._core.sites import Site, getframe as _getframe, user_site as _frame_site
from .._core.tensor import _next_uid
from typing import Any, Optional

__all__ = ["Skeleton"]


def _user_site():
    """``(code, lasti)`` of the user's frame that called into gradtape."""
    return _frame_site(1)


def _note_event(tape, kind, depth=0):
    """Note that ``tape`` started, stopped, paused... now, and where: the user's
    frame is ``depth`` frames up (0: the place is not needed)."""
    if depth:
        f = _getframe(depth)
        tape._events.append((kind, _next_uid(), f.f_code, f.f_lasti))
    else:
        tape._events.append((kind, _next_uid(), None, None))


def _graph_of(rec, depth=2):
    """What explain needs of a recording about to be freed, and where the user
    asked for it (``depth`` frames up; 0: unknown).

    Taken on every non-persistent ``gradient()``: C-level copies only.
    """
    graph = rec.graph()
    if depth:
        f = _getframe(depth)
        return graph, rec, f.f_code, f.f_lasti
    return graph, rec, None, None


def _keep_for_explain(tape):
    """Keep a spent tape's graph (a jacobian spent it), and nothing that holds values."""
    tape._skeleton = _graph_of(tape._rec, 0)
    free(tape._rec, persistent=False)


class Skeleton:
    """The part of a spent tape's recording explain reads: the graph without values.

    >>> import gradtape as tf
    >>> x = tf.Variable(1.0)
    >>> with tf.GradientTape() as tape:
    ...     y = x * 2.0
    >>> _ = tape.gradient(y, x)
    >>> [e.op.name for e in Skeleton(*tape._skeleton).views()]
    ['multiply']
    """

    __slots__ = ("entries", "producer", "tracked", "variables", "watch_accessed",
                 "notes", "reads", "stacks", "spent_at")

    def __init__(self, graph: Any, rec: Any, code: Any = None, lasti: Optional[int] = None) -> None:
        self.spent_at = Site.of(code, lasti)  # where gradient() freed the recording
        self.entries = [None if op is None else
                        Entry(op=op, inputs=ins, saved=None, outputs=outs, ans=None,
                              params=None, out_meta=None, code=code, lasti=lasti)
                        for op, ins, outs, code, lasti in zip(*graph)]  # TapeRecorder.graph()'s columns
        self.producer = {u: idx for idx, e in enumerate(self.entries) if e is not None
                         for u in _outs(e)}
        self.tracked = rec.tracked
        self.variables = rec.variables
        self.watch_accessed = rec.watch_accessed
        self.notes = rec.notes
        self.reads = rec.reads
        self.stacks = rec.stacks

    def views(self) -> Any:
        """Every entry as an ``Entry`` without values, by index (None where freed)."""
        return self.entries


def _view(tape):
    if not hasattr(tape, "_rec") or not hasattr(tape, "_skeleton"):
        raise TypeError(f"expected a GradientTape, got {type(tape).__name__}")
    if tape._rec is not None:
        return tape._rec
    return Skeleton(*tape._skeleton) if tape._skeleton is not None else None


class _Graph:
    """Indexes over a tape's entries and notes, built once per explain call."""

    def __init__(self, view):
        self.view = view
        self.entries = view.views()
        self.producer = view.producer
        self.cut_of = {}       # output id -> cut note
        self.cuts_from = {}    # input id -> cut notes
        self.escapes = {}      # id -> escape notes
        self.consumers = {}    # input id -> entry indices
        for note in view.notes:
            kind, _, ins, outs = note[:4]
            if kind == "cut":
                for o in outs:
                    self.cut_of[o] = note
                for u in ins:
                    self.cuts_from.setdefault(u, []).append(note)
            else:
                self.escapes.setdefault(ins[0], []).append(note)
        for idx, e in enumerate(self.entries):
            if e is not None:
                for u in e.inputs:
                    self.consumers.setdefault(u, []).append(idx)

    def entry_site(self, idx):
        e = self.entries[idx]
        return Site.of(e.code, e.lasti, self.view.stacks.get(idx))

    def ancestors(self, uids, through_cuts):
        seen = set(uids)
        todo = list(uids)
        while todo:
            u = todo.pop()
            idx = self.producer.get(u)
            if idx is not None and self.entries[idx] is not None:
                ins = self.entries[idx].inputs
            elif through_cuts and u in self.cut_of:
                ins = self.cut_of[u][2]
            else:
                continue
            for v in ins:
                if v not in seen:
                    seen.add(v)
                    todo.append(v)
        return seen

    def descendants(self, uid, through_cuts):
        seen = {uid}
        todo = [uid]
        while todo:
            u = todo.pop()
            outs = []
            for idx in self.consumers.get(u, ()):
                o = self.entries[idx].outputs
                outs.extend(o if type(o) is tuple else (o,))
            if through_cuts:
                for note in self.cuts_from.get(u, ()):
                    outs.extend(note[3])
            for o in outs:
                if o not in seen:
                    seen.add(o)
                    todo.append(o)
        return seen


def _outs(e):
    return e.outputs if type(e.outputs) is tuple else (e.outputs,)


def _event_site(event):
    return Site.of(event[2], event[3])


def _note_site(note):
    return Site.of(note[4], note[5])
