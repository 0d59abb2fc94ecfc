"""Why a gradient is None, and what a tape holds.

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
import bisect
import dis
import functools
import linecache
import operator
import os

import numpy as np

from ._core import nest, trace
from ._core import tensor as _tensor
from ._core.dtypes import kind
from ._core.reverse import ANS, CODE, IN, LASTI, OP, OUT, OUT_META, SAVED, Meta
from ._core.reverse import _getframe, backward, user_site as _frame_site
from ._core.tensor import TensorLike, _next_uid, wrap

_GRAPH_FIELDS = operator.itemgetter(OP, IN, OUT, CODE, LASTI)

__all__ = ["explain", "Explanation", "Reason", "Site", "CATEGORIES", "summary", "to_dot",
           "memory", "MemoryReport", "Skeleton"]

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
# Where in user code
# ---------------------------------------------------------------------------

def _user_site():
    """``(code, lasti)`` of the user's frame that called into gradtape."""
    return _frame_site(1)


@functools.lru_cache(maxsize=512)
def _line_starts(code):
    """The offsets where ``code``'s lines start, and their line numbers."""
    pairs = [(start, number) for start, number in dis.findlinestarts(code)
             if number is not None]
    return [start for start, _ in pairs], [number for _, number in pairs]


def _line_of(code, lasti):
    starts, numbers = _line_starts(code)
    i = bisect.bisect_right(starts, lasti)
    return numbers[i - 1] if i else None


def _short_path(path):
    return _relative_path(path, os.getcwd())


@functools.lru_cache(maxsize=512)
def _relative_path(path, cwd):
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


class Site:
    """A place in user code: file, line and function, and its source text.

    >>> import gradtape as tf
    >>> x = tf.Variable(1.0)
    >>> with tf.GradientTape() as tape:
    ...     y = x * 2.0
    >>> site = tape.memory().per_op[0][3]
    >>> site.line, site.function, site.filename.startswith("<doctest")
    (2, '<module>', True)
    """

    __slots__ = ("filename", "line", "function", "stack")

    def __init__(self, filename, line, function, stack=None):
        self.filename = filename
        self.line = line
        self.function = function
        self.stack = stack

    @classmethod
    def of(cls, code, lasti, stack=None):
        if code is None:
            return None
        return cls(code.co_filename, _line_of(code, lasti), code.co_name, stack)

    @property
    def source(self):
        """The line of code, stripped ('' if the file cannot be read)."""
        return linecache.getline(self.filename, self.line or 0).strip()

    def __str__(self):
        return f"{_short_path(self.filename)}:{self.line}"

    def describe(self):
        text = str(self)
        if self.source:
            text += f"  `{self.source}`"
        if self.stack:
            text += "\n      full stack (debug mode):\n" + "".join(
                "        " + line for line in _format_stack(self.stack))
        return text


def _format_stack(stack):
    import traceback
    return "".join(traceback.format_list(stack)).splitlines(keepends=True)


# ---------------------------------------------------------------------------
# What the tape knows: live, or kept once a non-persistent tape is spent
# ---------------------------------------------------------------------------

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
    try:
        graph = list(map(_GRAPH_FIELDS, rec.entries))
    except TypeError:  # entries a sweep already freed
        graph = [None if e is None else _GRAPH_FIELDS(e) for e in rec.entries]
    if depth:
        f = _getframe(depth)
        return graph, rec, f.f_code, f.f_lasti
    return graph, rec, None, None


def _keep_for_explain(tape):
    """Keep a spent tape's graph (a jacobian spent it), and nothing that holds values."""
    tape._skeleton = _graph_of(tape._rec, 0)
    tape._rec.entries, tape._rec.producer = [], {}


class Skeleton:
    """The part of a spent tape's recording explain reads: the graph without values.

    >>> import gradtape as tf
    >>> x = tf.Variable(1.0)
    >>> with tf.GradientTape() as tape:
    ...     y = x * 2.0
    >>> _ = tape.gradient(y, x)
    >>> [e[0].name for e in Skeleton(*tape._skeleton).entries]
    ['multiply']
    """

    __slots__ = ("entries", "producer", "tracked", "variables", "watch_accessed",
                 "notes", "reads", "stacks", "spent_at")

    def __init__(self, graph, rec, code=None, lasti=None):
        self.spent_at = Site.of(code, lasti)  # where gradient() freed the recording
        self.entries = [None if g is None else
                        (g[0], g[1], None, g[2], None, None, None, g[3], g[4])
                        for g in graph]
        self.producer = {u: idx for idx, e in enumerate(self.entries) if e is not None
                         for u in _outs(e)}
        self.tracked = rec.tracked
        self.variables = rec.variables
        self.watch_accessed = rec.watch_accessed
        self.notes = rec.notes
        self.reads = rec.reads
        self.stacks = rec.stacks


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
        self.entries = view.entries
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
                for u in e[IN]:
                    self.consumers.setdefault(u, []).append(idx)

    def entry_site(self, idx):
        e = self.entries[idx]
        return Site.of(e[CODE], e[LASTI], self.view.stacks.get(idx))

    def ancestors(self, uids, through_cuts):
        seen = set(uids)
        todo = list(uids)
        while todo:
            u = todo.pop()
            idx = self.producer.get(u)
            if idx is not None and self.entries[idx] is not None:
                ins = self.entries[idx][IN]
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
                o = self.entries[idx][OUT]
                outs.extend(o if type(o) is tuple else (o,))
            if through_cuts:
                for note in self.cuts_from.get(u, ()):
                    outs.extend(note[3])
            for o in outs:
                if o not in seen:
                    seen.add(o)
                    todo.append(o)
        return seen


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

    def __init__(self, source, category, message, fix=None, site=None, op=None):
        self.source = source
        self.category = category
        self.message = message
        self.fix = fix
        self.site = site
        self.op = op

    @property
    def ok(self):
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

    def __init__(self, reasons, structured):
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
        return f"Variable '{x._name}'"
    v = x._value
    return f"Tensor(shape={tuple(v.shape)}, dtype={v.dtype.name}, id={x._uid})"


def _nonzero(g):
    return g is not None and bool(np.any(g._value != 0))


def _event_site(event):
    return Site.of(event[2], event[3])


def _note_site(note):
    return Site.of(note[4], note[5])


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
                    _nonzero(cts.get(u)) for u in e[IN] if u in on_path):
                op = e[OP].name
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
        return self.graph.entries[idx][OP].name

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


def explain(tape, target, sources):
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


# ---------------------------------------------------------------------------
# Escapes: a tracked value leaving for NumPy or Python
# ---------------------------------------------------------------------------

def _tell_tapes(x, how):
    if trace._active[0]:
        for rec in trace.stack():
            note = getattr(rec, "note_escape", None)
            if note is not None:
                note(x, how)


_tensor.escape_hook = _tell_tapes


# ---------------------------------------------------------------------------
# What a tape holds: summary, DOT graph, memory
# ---------------------------------------------------------------------------

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
        for e in view.entries:
            if e is None:
                continue
            for u, x in zip(e[IN], e[SAVED] or ()):  # a spent tape kept no values
                v = x if type(x) is Meta else x._value
                self.types.setdefault(u, _type_text(v.shape, v.dtype))
            if e[OUT_META] is not None:
                for u, (shape, dtype) in zip(e[OUT], e[OUT_META]):
                    self.types.setdefault(u, _type_text(shape, dtype))
            elif e[ANS] is not None:
                self.types.setdefault(e[OUT], _type_text(e[ANS]._value.shape, e[ANS]._value.dtype))

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


def _outs(e):
    return e[OUT] if type(e[OUT]) is tuple else (e[OUT],)


def summary(tape, targets=()):
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
    entries = [(i, e) for i, e in enumerate(view.entries) if e is not None]
    watched = sorted(u for u in view.tracked if u not in view.producer
                     and u in view.variables)
    lines = [head + f"{', spent' if tape._rec is None else ''}): {len(entries)} ops"
             + (", watching " + ", ".join(names(u) for u in watched) if watched else "")]
    # entries and notes in the order they happened (ids grow with time)
    events = [(min(_outs(e)), 0, e) for _, e in entries]
    events += [(min(n[3]) if n[0] == "cut" else n[2][0] + 0.5, 1, n) for n in view.notes]
    for _, is_note, item in sorted(events, key=lambda ev: ev[:2]):
        ins = ", ".join(names.typed(u) for u in item[2 if is_note else IN])
        if not is_note:
            outs = ", ".join(names.typed(u) for u in _outs(item))
            site = Site.of(item[CODE], item[LASTI])
            lines.append(f"  {outs} = {item[OP].name}({ins})" + (f"  # {site}" if site else ""))
        elif item[0] == "cut":
            outs = ", ".join(names.typed(u) for u in item[3])
            lines.append(f"  {outs} = {item[1].name}({ins})  # no gradient  {_note_site(item)}")
        else:
            lines.append(f"  {ins} leaves the tape by {item[1]}  # {_note_site(item)}")
    return "\n".join(lines)


def _dot_text(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(tape, targets=()):
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
        for idx, e in enumerate(view.entries):
            if e is None:
                continue
            site = Site.of(e[CODE], e[LASTI])
            label = e[OP].name + (f"\n{site}" if site else "")
            lines.append(f"  op{idx} [shape=ellipse, label={_dot_text(label)}];")
            for u in e[IN]:
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

    def __init__(self, total, per_op, per_line):
        self.total = total
        self.per_op = per_op
        self.per_line = per_line

    def __str__(self):
        lines = [f"tape holds {self.total} bytes in {len(self.per_op)} ops"]
        for line, n in sorted(self.per_line.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {n:>12} B  {line}")
        return "\n".join(lines)

    __repr__ = __str__


def memory(tape):
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
    for idx, e in enumerate(rec.entries if rec is not None else ()):
        if e is None:
            continue
        held = [x._value for x in e[SAVED] if type(x) is not Meta]
        ans = e[ANS]
        if ans is not None:
            held.extend(a._value for a in (ans if type(ans) is tuple else (ans,)))
        n = sum(a.nbytes for a in held)
        for a in held:
            if id(a) not in seen:
                seen.add(id(a))
                total += a.nbytes
        site = Site.of(e[CODE], e[LASTI])
        per_op.append((idx, e[OP].name, n, site))
        key = str(site) if site else "?"
        per_line[key] = per_line.get(key, 0) + n
    return MemoryReport(total, per_op, per_line)
