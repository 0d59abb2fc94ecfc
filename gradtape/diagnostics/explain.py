"""Why a gradient is None: the reasons, most specific first.

Everything here is a query over what the tape recorded anyway: its entries
(each with the user code location noted at record time), the notes it keeps
of cut points (an op with no gradient met a tracked value) and escapes (a
tracked value left for NumPy, ``float()``, an ``if`` or a Variable's state),
and the moments the tape started, paused, stopped, reset and computed
gradients.  Nothing is traced a second time.

>>> import gradtape as tf
>>> x = tf.constant(3.0)
>>> with tf.GradientTape() as tape:
...     y = x * x
>>> print(tape.gradient(y, x))
None
>>> tape.explain(y, x).reasons[0].category
'not_watched'
"""
from __future__ import annotations
import numpy as np

from .._core import nest, trace
from .._core.dtypes import kind
from .._core.reverse import backward
from .._core.sites import Site
from .._core.tensor import TensorLike, wrap
from .history import _event_site, _Graph, _note_site, _outs, _view
from typing import Any, Optional
from .._core.types import Nested

__all__ = ["explain", "Explanation", "Reason", "CATEGORIES"]

#: Every reason ``explain`` can give, with what it means.
CATEGORIES = {
    "connected": "the gradient flows: the target depends on the source through recorded ops",
    "zero_gradient": "the gradient flows but is zero: an op on the path passes none here",
    "not_watched": "a Tensor the tape never watched",
    "not_trainable": "a Variable created with trainable=False",
    "variable_not_watched": "a Variable read by a tape with watch_accessed_variables=False",
    "integer_dtype": "an integer or bool source: only floating types have gradients",
    "python_condition": "the source was only used in a Python condition",
    "left_tape": "the value left the tape for NumPy or Python",
    "non_differentiable_op": "the path crosses an op with no gradient",
    "outside_tape": "the target was computed while the tape was not recording",
    "stop_recording": "the computation ran inside tape.stop_recording()",
    "rebound": "the source is a tensor computed after the target (a rebound name)",
    "variable_state": "the value went into a Variable by assign (state, not an op)",
    "tape_used": "the non-persistent tape was already used by gradient()",
    "tape_reset": "tape.reset() dropped what the target was computed from",
    "unconnected": "the target does not depend on the source",
}


# ---------------------------------------------------------------------------
# Reasons
# ---------------------------------------------------------------------------

class Reason:
    """Why one source gets (or does not get) a gradient.

    ``category`` is a key of ``CATEGORIES``; ``message`` says what happened
    and where; ``fix`` says what to change; ``site`` is the place in user code
    (a ``Site``, or None) and ``op`` the op's name when one is to blame.

    >>> import gradtape as tf
    >>> x = tf.Variable(1.0, trainable=False)
    >>> with tf.GradientTape() as tape:
    ...     y = x * 2.0
    >>> r = tape.explain(y, x).reasons[0]
    >>> r.category, r.op
    ('not_trainable', None)
    """

    __slots__ = ("source", "category", "message", "fix", "site", "op")

    def __init__(self, source: Any, category: str, message: str, fix: Optional[str] = None,
                 site: Any = None, op: Any = None) -> None:
        self.source = source
        self.category = category
        self.message = message
        self.fix = fix
        self.site = site
        self.op = op

    @property
    def ok(self) -> bool:
        """True when the gradient flows."""
        return self.category == "connected"

    def __str__(self):
        text = f"{_name(self.source)}: {self.message}"
        if self.site is not None:
            text += f"\n    at {self.site.describe()}"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text

    def __repr__(self):
        return f"<Reason {self.category}: {self.message}>"


class Explanation:
    """The reasons for each source, in the structure of the sources.

    ``reasons`` is a flat list, one per source; ``structured`` packs them like
    the ``sources`` argument; ``str()`` is the report to print.

    >>> import gradtape as tf
    >>> a, b = tf.Variable(1.0), tf.Variable(2.0)
    >>> with tf.GradientTape() as tape:
    ...     y = a * 3.0
    >>> e = tf.explain(tape, y, {"a": a, "b": b})
    >>> {k: r.category for k, r in e.structured.items()}
    {'a': 'connected', 'b': 'unconnected'}
    """

    def __init__(self, reasons: Any, structured: Any) -> None:
        self.reasons = reasons
        self.structured = structured

    def __iter__(self):
        return iter(self.reasons)

    def __len__(self):
        return len(self.reasons)

    def __str__(self):
        return "\n".join(str(r) for r in self.reasons)

    __repr__ = __str__


def _name(x):
    if hasattr(x, "_name") and hasattr(x, "_trainable"):
        return x._label()
    v = x._value
    return f"Tensor(shape={tuple(v.shape)}, dtype={v.dtype.name}, id={x._uid})"


def _nonzero(g):
    return g is not None and bool(np.any(g._value != 0))


def _state_when(events, uid):
    """The tape's last event before the tensor with id ``uid`` was made."""
    last = None
    for ev in events:
        if ev[1] > uid:
            break
        last = ev
    return last


class _Explainer:
    def __init__(self, tape, targets, foreign=False):
        self.tape = tape
        self.foreign = foreign  # a target is a NumPy or Python value: it left the tape
        self.view = _view(tape)
        self.graph = _Graph(self.view)
        self.targets = targets
        self.target_uids = [t._uid for t in targets]
        self.a_diff = self.graph.ancestors(self.target_uids, through_cuts=False)
        self.a_full = self.graph.ancestors(self.target_uids, through_cuts=True)
        self.events = tape._events

    def first_event(self, kind, after=0):
        for ev in self.events:
            if ev[0] == kind and ev[1] > after:
                return ev
        return None

    def with_site(self):
        ev = self.first_event("enter")
        return _event_site(ev) if ev else None

    # -- the checks, most specific first ---------------------------------
    def explain(self, s):
        if self.foreign:
            reason = self._escaped(s)
            if reason is not None:
                return reason
        for check in (self._dtype, self._variable, self._targets_off_tape,
                      self._connected, self._unwatched_tensor, self._crosses_cut,
                      self._condition, self._escaped, self._rebound,
                      self._paused_somewhere):
            reason = check(s)
            if reason is not None:
                return reason
        return self._unconnected(s)

    def _dtype(self, s):
        if kind(s._value.dtype) in "fc":
            return None
        where = self.tape._watch_sites.get(s._uid)
        site = Site.of(*where) if where else self.with_site()
        return Reason(s, "integer_dtype",
                      f"its dtype is {s.dtype.name}; gradients exist only for floating "
                      "and complex tensors, so the tape does not track it",
                      "make it a float: tf.cast(x, tf.float32) before tape.watch, or create "
                      "it from floats (10.0, not 10)", site)

    def _variable(self, s):
        if not (hasattr(s, "_trainable") and s._uid not in self.view.tracked):
            return None
        read = self.view.reads.get(s._uid)
        site = Site.of(*read) if read else self.with_site()
        if not s._trainable:
            return Reason(s, "not_trainable",
                          "the Variable was created with trainable=False, so tapes do not "
                          "watch it when it is read",
                          "create it with trainable=True, or call tape.watch(variable) inside "
                          "the with block", site)
        if not self.view.watch_accessed and read is not None:
            return Reason(s, "variable_not_watched",
                          "the tape was created with watch_accessed_variables=False and "
                          "the Variable was read without tape.watch(variable)",
                          "call tape.watch(variable) before using it, or drop "
                          "watch_accessed_variables=False", site)
        return None

    def _targets_off_tape(self, s):
        for t in self.targets:
            u = t._uid
            if (u in self.graph.producer or u in self.graph.cut_of or u in self.view.tracked
                    or hasattr(t, "_trainable")):  # a Variable target is not computed
                continue
            reset = self.first_event("reset", after=u)
            state = _state_when(self.events, u)
            if reset is not None and state is not None and state[0] in ("enter", "resume"):
                return Reason(s, "tape_reset",
                              "the target was computed before tape.reset(), which dropped "
                              "everything recorded until then",
                              "compute the target after reset(), or call gradient() before "
                              "resetting", _event_site(reset))
            if state is not None and state[0] == "pause":
                return Reason(s, "stop_recording",
                              "the target was computed inside tape.stop_recording(), so "
                              "its ops were not recorded",
                              "move the computation out of the stop_recording() block",
                              _event_site(state))
            if state is None or state[0] == "exit":
                when = "before the with block began" if state is None else \
                    "after the with block ended"
                return Reason(s, "outside_tape",
                              f"the target was computed {when}; only ops run inside "
                              "`with tf.GradientTape() as tape:` are recorded",
                              "indent the computation into the with block", self.with_site())
        return None

    def _connected(self, s):
        if s._uid not in self.a_diff:
            return None
        if self.tape._rec is None:
            return Reason(s, "tape_used",
                          "the target depends on it and the first gradient() call computed "
                          "its gradient; this non-persistent tape then freed its recording, "
                          "so another gradient() call raises",
                          "create the tape with persistent=True to compute several "
                          "gradients", self.view.spent_at)
        return self._zero(s) or Reason(s, "connected", "the gradient flows: the target "
                                       "depends on it through the recorded ops")

    def _zero(self, s):
        """A connected source whose gradient is all zeros: name the op that zeroes it."""
        if not all(kind(t._value.dtype) in "fc" for t in self.targets):
            return None
        path = sorted(self.a_diff & self.graph.descendants(s._uid, through_cuts=False))
        # the tape must not record its own inspection; NaNs are check_numerics' business
        with trace.replaced(()), np.errstate(all="ignore"):
            cts = backward(self.tape._rec, [(t._uid, wrap(np.ones_like(t._value)))
                                            for t in self.targets], path, True)
        if _nonzero(cts.get(s._uid)):
            return None
        on_path = set(path)
        for idx in sorted({self.graph.producer[u] for u in path if u in self.graph.producer},
                          reverse=True):
            e = self.graph.entries[idx]
            if any(_nonzero(cts.get(o)) for o in _outs(e)) and not any(
                    _nonzero(cts.get(u)) for u in e.inputs if u in on_path):
                op = e.op.name
                return Reason(s, "zero_gradient",
                              f"the gradient reaches it but is zero: op '{op}' passes no "
                              "gradient for these input values (its derivative is 0 there)",
                              "check that op's inputs: e.g. dead ReLU units, tf.where or "
                              "maximum selecting the other branch, values clipped at a "
                              "bound", self.graph.entry_site(idx), op)
        return Reason(s, "zero_gradient", "the gradient reaches it but is zero for these "
                      "values", "check the ops on the path and their inputs")

    def _crosses_cut(self, s):
        if s._uid not in self.a_full:
            return None
        reach = self.graph.descendants(s._uid, through_cuts=False)
        for note in self.view.notes:
            if note[0] == "cut" and set(note[2]) & reach and set(note[3]) & self.a_full:
                op = note[1].name
                if op == "stop_gradient":
                    fix = "remove tf.stop_gradient if a gradient should flow here"
                    what = "tf.stop_gradient blocks the gradient on purpose"
                else:
                    fix = ("use a differentiable alternative (e.g. softmax instead of "
                           "argmax, a smooth approximation instead of round/comparison, "
                           "keep float dtypes instead of casting to int)")
                    what = f"'{op}' has no gradient, so the path is cut there"
                return Reason(s, "non_differentiable_op",
                              f"the target depends on it only through op '{op}': {what}",
                              fix, _note_site(note), op)
        return None

    def _condition(self, s):
        reach = self.graph.descendants(s._uid, through_cuts=False)
        for u in reach:
            for note in self.graph.cuts_from.get(u, ()):
                for o in note[3]:
                    for esc in self.graph.escapes.get(o, ()):
                        if esc[1] == "a Python condition":
                            return Reason(
                                s, "python_condition",
                                f"it was only used in a Python condition (op '{note[1].name}' "
                                f"at {_note_site(note)}, then `if`/`while`): control flow picks "
                                "which ops run but is not itself differentiable",
                                "the gradient flows only through the ops the chosen branch "
                                "runs; to differentiate through the choice use tf.where or a "
                                "smooth function of the source", _note_site(esc), note[1].name)
            for esc in self.graph.escapes.get(u, ()):
                if esc[1] == "a Python condition":
                    return Reason(s, "python_condition",
                                  "it was only used as a Python truth value (`if x:`), which "
                                  "is not differentiable",
                                  "use tf.where or a smooth function of the source",
                                  _note_site(esc))
        return None

    def _escaped(self, s):
        reach = self.graph.descendants(s._uid, through_cuts=True)
        found = [n for u in reach for n in self.graph.escapes.get(u, ())]
        if not found:
            return None
        found.sort(key=lambda n: n[2][0])
        state = [n for n in found if "into Variable" in n[1]]
        if state:
            n = state[0]
            return Reason(s, "variable_state",
                          f"its value went by {n[1]}; an assignment is state, not an op, so "
                          "reading the Variable afterwards starts a new path",
                          "compute with ops (v = v + x as a tensor) instead of assign inside "
                          "the tape, or differentiate with respect to the Variable itself",
                          _note_site(n))
        n = found[0]
        return Reason(s, "left_tape",
                      f"the path leaves the tape through {n[1]}: the result is a NumPy or "
                      "Python value, which the tape cannot follow",
                      "stay with gradtape ops (tf.reduce_mean, tf.math...) inside the tape; "
                      "call .numpy() only on results", _note_site(n))

    def _unwatched_tensor(self, s):
        if s._uid in self.view.tracked or hasattr(s, "_trainable"):
            return None
        return Reason(s, "not_watched",
                      "this Tensor was never watched, so no op on it was recorded",
                      "call tape.watch(x) inside the with block before using x, or make x a "
                      "tf.Variable (read Variables are watched automatically)",
                      self.with_site())

    def _rebound(self, s):
        idx = self.graph.producer.get(s._uid)
        if idx is None or s._uid < min(self.target_uids, default=0):
            return None
        return Reason(s, "rebound",
                      f"this tensor was computed on the tape (op '{self.entries_op(idx)}') after "
                      "the target, so the target cannot depend on it; usually a Python name "
                      "was rebound (x = x + 1) and the new value was passed as the source",
                      "pass the original tensor or Variable the target was computed from, or "
                      "use a new name for the updated value", self.graph.entry_site(idx),
                      self.entries_op(idx))

    def entries_op(self, idx):
        return self.graph.entries[idx].op.name

    def _paused_somewhere(self, s):
        # a target made from values computed while paused is itself not on the tape
        off = [t._uid for t in self.targets if t._uid not in self.graph.producer]
        pause = self.first_event("pause")
        if pause is None or not off or pause[1] > max(off):
            return None
        return Reason(s, "stop_recording",
                      "part of the computation probably ran inside tape.stop_recording(), "
                      "whose ops are not recorded",
                      "move the computation out of the stop_recording() block",
                      _event_site(pause))

    def _unconnected(self, s):
        site = None
        for t in self.targets:
            idx = self.graph.producer.get(t._uid)
            if idx is not None:
                site = self.graph.entry_site(idx)
        used = "was never used on the tape" if not self.graph.consumers.get(s._uid) else \
            "was used on the tape, but not on the path to the target"
        if hasattr(s, "_trainable") and s._uid not in self.view.tracked:
            used = "was never read while the tape recorded"
        return Reason(s, "unconnected",
                      f"the target does not depend on it: it {used}",
                      "check that the target is computed from this source (or pass "
                      "unconnected_gradients=tf.UnconnectedGradients.ZERO to get zeros)",
                      site or self.with_site())


def explain(tape: Any, target: Nested, sources: Nested) -> Any:
    """Explain, for each source, whether and why its gradient is None.

    ``target`` and ``sources`` are what ``tape.gradient`` takes (nested
    structures allowed).  Works on a persistent tape and on a non-persistent
    one after its ``gradient()`` call.  Returns an ``Explanation``.

    >>> import gradtape as tf
    >>> x = tf.Variable(2.0)
    >>> with tf.GradientTape() as tape:
    ...     y = tf.cast(tf.round(x), tf.float32) * 3.0
    >>> r = tf.explain(tape, y, [x]).reasons[0]
    >>> r.category, r.op
    ('non_differentiable_op', 'round')
    """
    flat_targets = [t for t in nest.flatten(target) if isinstance(t, TensorLike)]
    foreign = len(flat_targets) < len(nest.flatten(target))
    flat_sources = nest.flatten(sources)
    for s in flat_sources:
        if not isinstance(s, TensorLike):
            raise TypeError(f"explain: sources must be Tensors or Variables, got "
                            f"{type(s).__name__}")
    if _view(tape) is None:
        raise RuntimeError("explain: this tape holds no recording")
    ex = _Explainer(tape, flat_targets, foreign)
    reasons = [ex.explain(s) for s in flat_sources]
    return Explanation(reasons, nest.pack_sequence_as(sources, reasons))
