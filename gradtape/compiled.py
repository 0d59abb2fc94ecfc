"""``gradtape.function``: trace a Python function once, then replay its ops as
straight-line NumPy.

The first call with a new input signature runs the function as usual while a
tracer, the outermost recorder, notes every op that runs: the forward pass, the
tape's backward sweep (whose VJP rules are gradtape ops too) and any
forward-mode rules.  For each op input it notes where the value comes from: an
argument, a Variable (read again on every call), a constant, or an earlier op.
That trace becomes a Python function with one line per op, calling the op's
forward computation on arrays: no Tensors, no tape and no rules run on later
calls with the same signature, and ops whose results are never used are left
out.

What a trace fixes, like ``tf.function``: the structure of the arguments, the
shapes and dtypes of tensor arguments, Python values, and every decision taken
by looking at a value.  Rules that read a value to decide how to compute (an
index, a mask, a range check of class ids) and Python conditions on tensors
(``if x > 0:``) are checked again on each call; when one differs the function
is traced again for the new values.

What a replay could not repeat raises ``OperatorNotAllowedInGraphError`` while
tracing: ``.numpy()``, ``float()`` or ``np.asarray`` of a value computed from
the inputs, a NumPy array assigned to a Variable.  Variable assignments of
tensors are replayed in order; random draws are ops, so a replay draws anew.
Optimizers compute their updates with ops while traced, so a whole train step
(``apply_gradients`` included: slots, step count, learning-rate schedule)
compiles and replays.  Under an active tape or
forward accumulator, inside ``debugging.check_numerics``, or with arrays of
another namespace, the function simply runs, so what watches sees its ops.
"""
import functools
import warnings

import numpy as np

from ._core import nest, reverse, trace
from ._core.backend import NP
from ._core import tensor as _tensor
from ._core.tensor import Tensor, TensorLike, convert_to_tensor, wrap
from .errors import OperatorNotAllowedInGraphError
from .rules.elementwise import _ADD, _SUB as _SUBTRACT  # assign_add/assign_sub, replayed
from .variables import Variable

#: Retraces of one signature after which a warning says what keeps changing.
RETRACE_WARNING = 5

_ARG, _VAR, _CONST, _OP = range(4)
_CHECKED_ESCAPES = {"a Python condition": bool, "int()": int}


_EAGER = "eager"  # the program of a signature whose values are not all NumPy arrays


class _Retrace(Exception):
    """A decision checked by a replay came out differently: trace again."""


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_relax_shapes=None, name=None):
    """Compile ``func``: trace it on its first call, replay its ops after that.

    A decorator, as ``tf.function``.  Each new signature (tensor shapes and
    dtypes, Python values) traces ``func`` once; later calls run only the
    NumPy computations the trace recorded, tape and backward sweep included,
    so small ops cost far less than eagerly.  Variables are read afresh on
    each call, and their assignments of tensors are replayed.
    ``input_signature``, ``autograph``, ``jit_compile`` and
    ``reduce_retracing`` are accepted for TensorFlow code and change nothing:
    each concrete signature is traced once.

    >>> import gradtape as tf
    >>> w = tf.Variable(2.0)
    >>> @tf.function
    ... def gradients(x):
    ...     with tf.GradientTape() as tape:
    ...         tape.watch(x)
    ...         y = w * x * x
    ...     return tape.gradient(y, [w, x])
    >>> [float(g) for g in gradients(tf.constant(3.0))]  # traced
    [9.0, 12.0]
    >>> [float(g) for g in gradients(tf.constant(1.0))]  # replayed
    [1.0, 4.0]
    >>> gradients.trace_count
    1
    """
    if func is None:
        return functools.partial(function, input_signature=input_signature)
    return Function(func)


jit = function


class Function:
    """A function compiled by :func:`function`; call it like the original.

    >>> import gradtape as tf
    >>> f = tf.function(lambda x: tf.sin(x) * 2.0)
    >>> float(f(tf.constant(0.0)))
    0.0
    >>> f.trace_count
    1
    """

    def __init__(self, func):
        self.python_function = func
        self._programs = {}
        self._retraces = {}
        self.trace_count = 0
        self._latest = None
        self.__name__ = getattr(func, "__name__", type(func).__name__)
        functools.update_wrapper(self, func)

    def experimental_get_tracing_count(self):
        """How many times the function was traced (TensorFlow's name for ``trace_count``)."""
        return self.trace_count

    def replay_source(self):
        """The Python a call of the latest traced signature runs: one line per op,
        forward pass and backward sweep alike (``None`` before the first trace).

        >>> import gradtape as tf
        >>> f = tf.function(lambda x: tf.exp(x) * 2.0)
        >>> _ = f(tf.constant(1.0))
        >>> print(f.replay_source())
        def replay(v0):
            v1 = f0(v0)  # exp
            v3 = f1(v1, k2)  # multiply
            return (v3, )
        """
        return self._latest.source if self._latest is not None else None

    def __get__(self, instance, owner):
        if instance is None:
            return self
        return functools.partial(self, instance)

    def __call__(self, *args, **kwargs):
        if (trace._active[0] and trace.stack()) or reverse.hooks.checked_vjp is not None:
            return self.python_function(*args, **kwargs)  # recorders or numerics checks watch
        key = None if kwargs else _tensors_signature(args)
        if key is None:
            leaves = nest.flatten((args, kwargs))
            key, arrays = _signature(leaves)
            key = ("nested", key, _structure((args, kwargs)))
        else:
            leaves = args
            arrays = [a._value for a in args]
        program = self._programs.get(key)
        if program is None:
            return self._trace(key, args, kwargs, leaves)
        if program is _EAGER:
            return self.python_function(*args, **kwargs)
        try:
            outs = program.run(*arrays)
        except _Retrace:
            return self._trace(key, args, kwargs, leaves)
        except (ValueError, TypeError, IndexError, ArithmeticError):
            return self.python_function(*args, **kwargs)  # gradtape's own error message
        return program.pack(outs)

    def _trace(self, key, args, kwargs, leaves):
        if key in self._programs:
            n = self._retraces[key] = self._retraces.get(key, 0) + 1
            if n == RETRACE_WARNING:
                warnings.warn(
                    f"gradtape.function: {self.__name__} was traced {n + 1} times for the same "
                    "argument shapes because a value it reads to decide (an index, a mask, "
                    "a Python condition on a tensor) keeps changing; pass such values as "
                    "Python values or compute them outside", RuntimeWarning, stacklevel=3)
        tracer = _Tracer()
        traced_leaves = [tracer.argument(i, leaf) for i, leaf in enumerate(leaves)]
        if leaves:
            args, kwargs = nest.pack_sequence_as((args, kwargs), traced_leaves)
        trace.push(tracer)
        _start_watching_host_reads()
        try:
            result = self.python_function(*args, **kwargs)
        finally:
            _stop_watching_host_reads()
            trace.pop(tracer)
        program = tracer.compile(result, self.__name__) if tracer.numpy_only else _EAGER
        self._programs[key] = program
        if program is not _EAGER:
            self._latest = program
        self.trace_count += 1
        return result


def _tensors_signature(args):
    """The trace key of arguments that are all NumPy-backed Tensors (else None)."""
    key = []
    for a in args:
        if type(a) is not Tensor:
            return None
        v = a._value
        if type(v) is not np.ndarray and not isinstance(v, np.generic):
            return None
        key.append((v.shape, v.dtype))
    return tuple(key)


def _structure(s):
    """The nesting of the arguments, with container types and dict keys."""
    if isinstance(s, dict):
        return (type(s), tuple((k, _structure(v)) for k, v in s.items()))
    if isinstance(s, (list, tuple)):
        return (type(s), tuple(_structure(v) for v in s))
    return None


def _signature(leaves):
    """The trace key of the flattened arguments, and the arrays a replay takes."""
    key, arrays = [], []
    for leaf in leaves:
        if type(leaf) is Tensor or isinstance(leaf, (np.ndarray, np.generic)):
            v = leaf._value if type(leaf) is Tensor else leaf
            key.append((v.shape, v.dtype) if isinstance(v, (np.ndarray, np.generic))
                       else (v.shape, v.dtype, type(v)))
            arrays.append(v)
        elif isinstance(leaf, Variable):
            key.append(("Variable", leaf._uid))
        else:
            try:
                hash(leaf)
            except TypeError:
                raise TypeError(f"gradtape.function: an argument of type {type(leaf).__name__} "
                                "is neither a tensor, an array nor a hashable Python value; "
                                "pass it through the function's closure instead") from None
            key.append((type(leaf), leaf))
    return tuple(key), arrays


# ---------------------------------------------------------------------------
# Tracing
# ---------------------------------------------------------------------------

class _Tracer:
    """The outermost recorder while a function is traced: every op, in order."""

    traces_ops = True  # seen by gradtape._core.trace: never hidden, never offered custom ops

    def __init__(self):
        self.kinds = []        # slot -> _ARG, _VAR, _CONST or _OP
        self.sources = []      # slot -> argument position, Variable, constant array, or None
        self.by_uid = {}
        self.first_slot = {}   # Variable id -> the slot of its value on entry
        self.by_array = {}     # id(array) -> slot: a value wrapped again is the same value
        self.alive = []        # the traced arrays, so their ids stay unique while tracing
        # ("op", op, in_slots, params, out_slots), ("check", slot, predicate, expected)
        # or ("assign", variable, slot, copy_slot or None, copy?)
        self.steps = []
        self.numpy_only = True  # a replay calls the NumPy forward computations

    # -- where values come from --------------------------------------------
    def _new_slot(self, kind, source, value):
        s = len(self.kinds)
        self.kinds.append(kind)
        self.sources.append(source)
        self.by_array[id(value)] = s
        self.alive.append(value)
        return s

    def argument(self, position, leaf):
        """A traced stand-in for argument leaf ``position``."""
        if type(leaf) is Tensor or isinstance(leaf, (np.ndarray, np.generic)):
            t = wrap(leaf._value) if type(leaf) is Tensor else convert_to_tensor(leaf)
            self.by_uid[t._uid] = self._new_slot(_ARG, position, t._value)
            return t
        return leaf

    def _variable(self, var):
        if var._uid not in self.by_uid:
            self.by_uid[var._uid] = self.first_slot[var._uid] = self._new_slot(_VAR, var, var._value)

    def slot_of(self, x):
        if x._uid in self.first_slot:  # a Variable's read: the array it holds says which value
            s = self.by_array.get(id(x._value))
            if s is not None:
                return s
        s = self.by_uid.get(x._uid)
        if s is None:
            s = self.by_array.get(id(x._value))
            if s is None:
                s = self._new_slot(_CONST, x._value, x._value)
            self.by_uid[x._uid] = s
        return s

    def _traced(self, value):
        """The slot of a traced value that changes from call to call, or None."""
        s = self.by_array.get(id(value))
        return None if s is None or self.kinds[s] == _CONST else s

    # -- the recorder protocol ---------------------------------------------
    def record(self, op, inputs, out, params):
        ins = tuple([self.slot_of(x) for x in inputs])
        outs = out if op.multi else (out,)
        slots = []
        for o in outs:
            v = o._value
            if type(v) is not np.ndarray and not isinstance(v, np.generic):
                self.numpy_only = False
            s = self.by_uid[o._uid] = self._new_slot(_OP, None, v)
            slots.append(s)
        self.steps.append(("op", op, ins, params, tuple(slots)))

    def watch_variable(self, var):
        self._variable(var)

    def note_read(self, var):
        self._variable(var)

    def note_escape(self, x, how):
        if how.startswith("assign"):
            return  # replayed: see assign()
        if isinstance(x, Variable):
            self._variable(x)
        s = self._traced(x._value)
        if s is None:
            return
        check = _CHECKED_ESCAPES.get(how)
        if check is None:
            self.refuse(f"{how} of a value computed from the function's inputs",
                        f"return the value and use {how} on the function's result")
        self.steps.append(("check", s, check, check(x._value)))

    def assign(self, var, how, value, arr):
        """``var.assign*(value)`` ran (``arr``: the value as an array): replay it."""
        self._variable(var)
        if isinstance(value, TensorLike):
            s = self.slot_of(value._read() if isinstance(value, Variable) else value)
        elif isinstance(value, (np.ndarray, np.generic)) and self._traced(value) is None:
            self.refuse(f"{how} of a NumPy array to Variable '{var.name}'",
                        "assign a tensor (gradtape ops are replayed, NumPy code is not)")
        else:  # a Python value (a constant), or a traced array
            s = self._traced(value)
            if s is None:
                s = self._new_slot(_CONST, arr, arr)
        new = self._new_slot(_OP, None, var._value)
        if how == "assign":
            self.steps.append(("assign", var, s, new, True))
        else:
            op = _ADD if how == "assign_add" else _SUBTRACT
            self.steps.append(("op", op, (self.by_uid[var._uid], s), {}, (new,)))
            self.steps.append(("assign", var, new, None, False))
        self.by_uid[var._uid] = new  # later reads see the new value

    def check(self, value, predicate, result):
        """A rule read ``value`` on the host: the replay checks the reading again."""
        s = self._traced(value)
        if s is not None:
            expected = np.array(value, copy=True) if predicate is None else result
            self.steps.append(("check", s, predicate, expected))

    def _fold_constants(self):
        """The steps, with each op of constants only replaced by its traced result
        (a cotangent seed, the ``1/n`` of a mean's gradient): nothing to redo."""
        kinds, steps = self.kinds, []
        for step in self.steps:
            if step[0] == "op" and not step[1].stateful and \
                    all(kinds[s] == _CONST for s in step[2]):
                for s in step[4]:
                    kinds[s] = _CONST
                    self.sources[s] = self.alive[s]
                continue
            steps.append(step)
        return steps

    def refuse(self, what, fix):
        raise OperatorNotAllowedInGraphError(
            f"gradtape.function cannot trace {what}: a compiled call would not repeat it; "
            f"{fix}, or call the Python function without gradtape.function")

    # -- the program -------------------------------------------------------
    def compile(self, result, name):
        flat = nest.flatten(result, expand_composites=True)  # an IndexedSlices: its tensors
        for x in flat:
            if isinstance(x, Variable):  # returned as it will be on each call
                self._variable(x)
        outputs = [self.slot_of(x) if isinstance(x, TensorLike) else None for x in flat]
        steps = _needed_steps(self._fold_constants(), {s for s in outputs if s is not None})
        structure = nest.pack_sequence_as(result, [0] * len(flat), expand_composites=True)
        return _Program(self, steps, outputs, flat, structure, name)


def _reads(step):
    kind = step[0]
    return step[2] if kind == "op" else (step[1],) if kind == "check" else (step[2],)


def _writes(step):
    kind = step[0]
    return step[4] if kind == "op" else () if kind == "check" or step[3] is None else (step[3],)


def _needed_steps(steps, wanted):
    """The steps an output, a check or an assignment depends on, in order."""
    kept = []
    for step in reversed(steps):
        if step[0] == "op" and wanted.isdisjoint(step[4]):
            continue
        wanted.update(_reads(step))
        kept.append(step)
    kept.reverse()
    return kept


def _last_uses(steps, kinds, outputs):
    """{step index: slots to free before it}: values no later step or output reads."""
    keep = {s for s in outputs if s is not None}
    seen, frees = set(), {}
    for i in range(len(steps) - 1, -1, -1):
        step = steps[i]
        reads = _reads(step)
        dead = [s for s in _writes(step) if s not in seen and s not in keep]
        if dead and i + 1 < len(steps):
            frees.setdefault(i + 1, []).extend(dead)
        done = [s for s in set(reads) if s not in seen and s not in keep and kinds[s] == _OP]
        seen.update(reads)
        if done and i + 1 < len(steps):
            frees.setdefault(i + 1, []).extend(done)
    return frees


def _annotated(source, op_names):
    """The generated source with each call's op named, for reading."""
    out = []
    for line in source.splitlines():
        call = line.split(" = f", 1)
        if len(call) == 2:
            name = op_names.get("f" + call[1].split("(", 1)[0])
            line += f"  # {name}" if name is not None else ""
        out.append(line)
    return "\n".join(out)


# the checks a replay makes, as globals of the generated code
def _same(value, expected):
    return value.shape == expected.shape and bool((value == expected).all())


class _Program:
    """A trace as generated Python: one line per op, on arrays."""

    def __init__(self, tracer, steps, outputs, flat, structure, name):
        self.structure = structure
        self.flat_list = type(structure) is list and len(structure) == len(flat) and \
            not any(nest.is_nested(x) for x in structure)
        self.leaf_slots = outputs
        self.constant_leaves = [None if s is not None else x for s, x in zip(outputs, flat)]
        self.run, self.source = self._generate(tracer, steps, outputs, name)

    def pack(self, arrays):
        leaves = [wrap(a) if s is not None else c
                  for a, s, c in zip(arrays, self.leaf_slots, self.constant_leaves)]
        if self.flat_list:  # the common case, without nest
            return leaves
        return nest.pack_sequence_as(self.structure, leaves, expand_composites=True)

    @staticmethod
    def _generate(tracer, steps, outputs, name):
        env = {"_Retrace": _Retrace, "_same": _same, "_asarray": np.asarray, "NP": NP,
               "_copy": functools.partial(np.array, copy=True)}
        op_names = {}
        kinds, sources = tracer.kinds, tracer.sources

        def ref(s):
            if kinds[s] == _CONST:
                env[f"k{s}"] = sources[s]
                return f"k{s}"
            return f"v{s}"

        args = sorted((sources[s], s) for s in range(len(kinds)) if kinds[s] == _ARG)
        lines = [f"def replay({', '.join(f'v{s}' for _, s in args)}):"]
        used = {s for step in steps for s in _reads(step)}
        used.update(s for s in outputs if s is not None)
        for s in sorted(used):
            if kinds[s] == _VAR:
                env[f"var{s}"] = sources[s]
                lines.append(f"    v{s} = var{s}._value")
        last_use = _last_uses(steps, kinds, outputs)
        for i, step in enumerate(steps):
            if i in last_use:  # free what the rest no longer reads, as the tape's sweep does
                lines.append(f"    del {', '.join(f'v{s}' for s in last_use[i])}")
            if step[0] == "assign":
                _, var, src, dst, copy = step
                name = f"var{tracer.first_slot[var._uid]}"
                env[name] = var
                if copy:  # as Variable.assign stores a copy
                    lines.append(f"    v{dst} = _copy({ref(src)})")
                    lines.append(f"    {name}._value = v{dst}")
                else:
                    lines.append(f"    {name}._value = _asarray({ref(src)})")
                continue
            if step[0] == "check":
                _, s, predicate, expected = step
                env[f"e{i}"] = expected
                if predicate is None:
                    lines.append(f"    if not _same({ref(s)}, e{i}): raise _Retrace")
                else:
                    env[f"p{i}"] = predicate
                    lines.append(f"    if p{i}({ref(s)}) != e{i}: raise _Retrace")
                continue
            _, op, ins, params, outs = step
            fast = op.numpy_impl
            # an impl(xp, ...) is given NumPy in the line: cheaper than calling its partial
            bound = type(fast) is functools.partial
            env[f"f{i}"] = fast.func if bound else fast
            op_names[f"f{i}"] = op.name
            call = ", ".join(["NP"] * bound + [ref(s) for s in ins] + [
                f"{k}=c{i}_{j}" for j, k in enumerate(params)])
            for j, value in enumerate(params.values()):
                env[f"c{i}_{j}"] = value
            target = ", ".join(f"v{s}" for s in outs) + ("," if op.multi and len(outs) == 1 else "")
            lines.append(f"    {target} = f{i}({call})")
        # a constant result is copied: each call's result is the caller's to change
        results = [("None" if s is None else f"{ref(s)}.copy()" if kinds[s] == _CONST else ref(s))
                   for s in outputs]
        lines.append(f"    return ({''.join(r + ', ' for r in results)})")
        source = "\n".join(lines)
        code = compile(source, f"<gradtape.function {name}>", "exec")
        exec(code, env)  # noqa: S102 - our own generated code
        return env["replay"], _annotated(source, op_names)


# ---------------------------------------------------------------------------
# Values read on the host while tracing (gradtape._core.tensor.host_hook)
# ---------------------------------------------------------------------------

_watching = [0]


def _host_read(value, predicate, result):
    t = trace.tracer()
    if t is not None:
        t.check(value, predicate, result)


def _start_watching_host_reads():
    _watching[0] += 1
    _tensor.host_hook = _host_read


def _stop_watching_host_reads():
    _watching[0] -= 1
    if not _watching[0]:
        _tensor.host_hook = None
