"""``gradtape.function``: trace a Python function once, then replay its ops as
straight-line NumPy.

The first call with a new input signature runs the function as usual while a
tracer, the outermost recorder, notes every op that runs: the forward pass, the
tape's backward sweep (whose VJP rules are gradtape ops too) and any
forward-mode rules.  For each op input it notes where the value comes from: an
argument, a Variable (read again on every call), a constant, or an earlier op.
Arguments, Variables and constants are always distinct slots of the program,
even when they share an array.  That trace becomes a Python function with one
line per op, calling the op's forward computation on arrays: no Tensors, no
tape and no rules run on later calls with the same signature, and ops whose
results are never used are left out (but ``tf.print``).

What a trace fixes, like ``tf.function``: the structure of the arguments, the
shapes and dtypes of tensor arguments, Python values, and every decision taken
by looking at a value.  Rules that read a value to decide how to compute (an
index, a mask, a range check of class ids) and Python conditions on tensors
(``if x > 0:``, ``tf.cond``, ``tf.while_loop``) are checked again on each
call; when one differs the function is traced again for the new values.

A call has its effects exactly once.  A replay that stops part-way (a check
that fails, an error) puts back the Variables it assigned and the random
generator it drew from before the function is traced again or run as Python;
a trace that raises puts back what it assigned.

What a replay could not repeat raises ``OperatorNotAllowedInGraphError`` while
tracing: ``.numpy()``, ``float()`` or ``np.asarray`` of a value computed from
the inputs, a NumPy array assigned to a Variable.  Tensors computed while
tracing that the function neither returned nor stored in a Variable are out of
scope afterwards, as in TensorFlow: using one raises ``TypeError``.  Under an
active tape or forward accumulator, inside ``debugging.check_numerics``, or
with arrays of another namespace, the function simply runs, so what watches
sees its ops.
"""
import functools
import inspect
import os
import sys
import threading
import warnings
import weakref

import numpy as np

from ._core import nest, state, trace
from ._core.backend import NP
from ._core.op import Op
from ._core.convert import convert_to_tensor
from ._core.tensor import Tensor, TensorLike, TensorShape, wrap
from .errors import OperatorNotAllowedInGraphError
from .rules.elementwise import _ADD, _SUB as _SUBTRACT  # assign_add/assign_sub, replayed
from .rules.reductions import _MEAN, _count
from .diagnostics.debugging import checking_numerics, checks_anywhere
from .variables import Variable
from .concrete import (PENDING, ConcreteFunction, Signature, TensorSpec, _binding_error,
                       _canonical_arguments, _shape_fits)

#: A warning says the function keeps being traced when this many of its last
#: ``RETRACE_WINDOW`` calls traced it (TensorFlow's rule: 5 of the last 10).
RETRACE_WARNING = 5
RETRACE_WINDOW = 10
_MAX_RETRACE_WARNINGS = 2

#: Compiled programs a function keeps; the least recently used goes first.
MAX_PROGRAMS = 64
#: Programs kept for other outcomes of a signature's checks (branches, loop counts).
MAX_BRANCHES = 8

#: Ops run for what they do (``tf.print``): replayed even though no result uses them.
EFFECTS = set()

_ARG, _VAR, _CONST, _OP = range(4)
_CHECKED_ESCAPES = {"a Python condition": bool, "int()": int}
#: [True] while ``tf.config.run_functions_eagerly(True)`` is in force
RUN_EAGERLY = [False]
_EAGER = "eager"  # the program of a signature whose values are not all NumPy arrays
_SINGLETON_VARIABLES = (
    "tf.function only supports singleton tf.Variables created on the first call. Make sure "
    "the tf.Variable is only created once or created outside tf.function ({name} created "
    "{count} Variable(s) on a trace after the first)")


class _Retrace(Exception):
    """A decision checked by a replay came out differently: trace again."""


def tracing():
    """Whether this thread is tracing a ``gradtape.function`` (``tf.executing_eagerly()``
    is False then).

    >>> import gradtape as tf
    >>> tf.compiled.tracing()
    False
    >>> tf.function(lambda: tf.constant(tf.compiled.tracing()))().numpy()
    True
    """
    return bool(trace._active[0]) and trace.tracer() is not None


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_relax_shapes=None, name=None,
             experimental_autograph_options=None):
    """Compile ``func``: trace it on its first call, replay its ops after that.

    A decorator, as ``tf.function``.  Each new signature (tensor shapes and
    dtypes, Python values) traces ``func`` once; later calls run only the
    NumPy computations the trace recorded, tape and backward sweep included,
    so small ops cost far less than eagerly.  Variables are read afresh on
    each call, and their assignments are replayed.

    ``input_signature`` (a list of :class:`TensorSpec`, ``None`` for a
    dimension of any size) fixes the arguments: each is converted to its
    spec's dtype, one that does not fit raises ``TypeError``, and
    ``experimental_get_tracing_count()`` counts one trace for all the sizes.
    ``reduce_retracing=True`` (or ``experimental_relax_shapes``) makes a
    second shape of an argument stand for any size in the dimensions that
    differ.  Such a signature is traced once, with ``None`` for those sizes in
    ``x.shape``, and replayed for every size, unless the program holds a size
    of the call fixed (``relaxed_fallback`` says why): it then serves only
    its own shapes (see ``docs/compiled.md``).
    ``autograph``, ``experimental_autograph_options`` and ``jit_compile`` are
    accepted and change nothing (Python control flow runs as it is).

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
    >>> gradients.experimental_get_tracing_count()
    1
    """
    relax = bool(reduce_retracing or experimental_relax_shapes)
    if input_signature is not None:
        _check_input_signature(input_signature)
    if func is not None and not callable(func):
        raise TypeError(f"tf.function: {func!r} is not a callable object; decorate a function, "
                        "a method or a callable object")
    if func is None:
        return functools.partial(function, input_signature=input_signature,
                                 reduce_retracing=relax)
    return Function(func, input_signature=input_signature, reduce_retracing=relax)


jit = function


def _check_input_signature(signature):
    if not isinstance(signature, (list, tuple)) or \
            not all(isinstance(s, TensorSpec) for s in nest.flatten(list(signature))):
        raise TypeError(
            "input_signature must be a possibly nested sequence of TensorSpec objects, got "
            f"{signature!r}: give a TensorSpec (shape and dtype) for every tensor argument")


class Function:
    """A function compiled by :func:`function`; call it like the original.

    >>> import gradtape as tf
    >>> f = tf.function(lambda x: tf.sin(x) * 2.0)
    >>> float(f(tf.constant(0.0)))
    0.0
    >>> f.experimental_get_tracing_count()
    1
    """

    def __init__(self, func, input_signature=None, reduce_retracing=False):
        self.python_function = func
        self.input_signature = None if input_signature is None else tuple(input_signature)
        self._binder = None if input_signature is None else _Binder(func, self.input_signature)
        self._reduce_retracing = reduce_retracing
        self._programs = {}        # trace key -> program, least recently used first
        self._branches = {}        # trace key -> earlier programs (other branches)
        self._signatures = []      # the signatures TensorFlow would have traced (latest last)
        self._tf_traces = 0
        #: how many programs were traced for calls (``get_concrete_function`` included)
        self.trace_count = 0
        self._calls = 0
        self._trace_calls = []     # the call numbers of the latest traces
        self._warned = 0
        self._lock = threading.RLock()
        self._tracing_threads = set()
        self._latest = None
        self._relaxed = []         # (signature with None sizes, program), latest first
        #: why the latest trace with relaxed sizes holds one fixed (so its program serves
        #: only its own shapes and a new size runs the Python function again), or None
        self.relaxed_fallback = None
        self._relaxing = True  # False once a relaxed trace raised: trace per shape
        self._bound = weakref.WeakKeyDictionary()
        self._described = []       # the Signatures traced, as TensorFlow counts them
        self._concrete = {}        # id(a _described entry) -> (it, its ConcreteFunction)
        self.__name__ = getattr(func, "__name__", type(func).__name__)
        functools.update_wrapper(self, func)

    def __reduce__(self):  # traces are not kept: the copy traces on its own first call
        return (Function, (self.python_function, self.input_signature, self._reduce_retracing))

    def experimental_get_tracing_count(self):
        """How many signatures were traced, as TensorFlow counts them: a new
        shape within a relaxed signature (``None`` dimensions) and another
        branch of a Python condition on a tensor are not new signatures
        (``trace_count`` counts every run of the Python function)."""
        return self._tf_traces

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
        try:
            bound = self._bound.get(instance)
        except TypeError:  # an instance that cannot be weakly referenced
            return functools.partial(self, instance)
        if bound is None:
            bound = self._bound[instance] = Function(
                _method_of(self.python_function, instance), None, self._reduce_retracing)
            if self._binder is not None:
                bound.input_signature = self.input_signature
                bound._binder = _Binder(self.python_function, self.input_signature, method=True)
            bound.__name__ = self.__name__
        return bound

    def __call__(self, *args, **kwargs):
        if (trace._active[0] and trace.stack()) or RUN_EAGERLY[0] or \
                (checks_anywhere[0] and checking_numerics()):
            # recorders or numerics checks watch, or tf.config.run_functions_eagerly(True)
            return self._run_as_python(args, kwargs)
        self._calls += 1
        if self._binder is not None:
            args, kwargs = self._binder.bind(args, kwargs)
        key = None if kwargs else _tensors_signature(args)
        variables = ()
        if key is None:
            leaves = nest.flatten((args, kwargs))
            key, arrays, variables = _signature(leaves)
            key = ("nested", key, _structure((args, kwargs)))
            arrays += variables
        else:
            leaves = args
            arrays = [a._value for a in args]
        programs = self._programs
        program = programs.get(key)
        if program is None:
            program = self._relaxed_program(key, args, kwargs, leaves)
        if variables and program is not None and not _serves(program, variables):
            key = ("own Variables", key, tuple(v._uid for v in variables))
            program = programs.get(key)
        if program is None:
            return self._trace(key, args, kwargs, leaves)
        if len(programs) > 1:  # least recently used last
            programs[key] = programs.pop(key, program)
        if program is _EAGER:
            return _tensors_out(self.python_function(*args, **kwargs))
        try:
            outs = program.run(*arrays)
        except (_Retrace, ValueError, TypeError, IndexError, ArithmeticError):
            return self._another_program(key, args, kwargs, leaves, arrays)
        return program.pack(outs)

    def _relaxed_program(self, key, args, kwargs, leaves):
        """A program traced with relaxed sizes that fits these arguments (kept for
        their shapes from now on), or None."""
        if not self._relaxed:
            return None
        pattern = _pattern(leaves, _structure((args, kwargs)), self._binder)
        with self._lock:
            for known, program in self._relaxed:
                if _fits(pattern, known):
                    self._keep(key, program)
                    return program
        return None

    def _another_program(self, key, args, kwargs, leaves, arrays):
        """A replay stopped (and put back what it assigned): a check came out
        differently, so another program of this signature (another branch) may
        fit; else trace again, which also raises gradtape's own error message."""
        for program in self._branches.get(key, ()):
            try:
                outs = program.run(*arrays)
            except _Retrace:
                continue
            except (ValueError, TypeError, IndexError, ArithmeticError):
                break
            with self._lock:
                others = self._branches.get(key, [])
                current = self._programs.get(key)
                if program in others and current is not None:
                    others[others.index(program)] = current
                    self._programs[key] = program
            return program.pack(outs)
        return self._trace(key, args, kwargs, leaves)

    def get_concrete_function(self, *args, **kwargs):
        """Trace for these arguments (tensors, or :class:`TensorSpec` s; none:
        the ``input_signature``) without running a call: the trace's
        assignments and random draws are undone.  A spec's ``None`` dimension
        is traced with size 2, and relaxed as a call's; a spec of any rank
        (``shape=None``) as a scalar.  Arguments that fit a signature traced
        before get its concrete function, as TensorFlow's.  Returns a
        callable for that signature (:class:`ConcreteFunction`).

        >>> import gradtape as tf
        >>> double = tf.function(lambda x: x * 2.0)
        >>> concrete = double.get_concrete_function(tf.TensorSpec([2], tf.float32))
        >>> concrete(tf.constant([1.0, 2.0])).numpy()
        array([2., 4.], dtype=float32)
        """
        if not args and not kwargs and self.input_signature is not None:
            args = self.input_signature
        args, kwargs = _canonical_arguments(self.python_function, args, kwargs)
        specs = nest.map_structure(_spec_of, (args, kwargs))
        # a Variable argument stays the Variable (the body may assign it), as TF's
        args, kwargs = nest.map_structure(
            lambda a, s: a if isinstance(a, Variable) else _example(s), (args, kwargs), specs)
        if self._binder is not None:
            args, kwargs = self._binder.bind(args, kwargs)
            specs = (self.input_signature, {})
        key = None if kwargs else _tensors_signature(args)
        leaves = args if key is not None else nest.flatten((args, kwargs))
        pattern = _pattern(leaves, _structure((args, kwargs)), None, specs)
        known = _described_for(self._described, pattern, specs)
        if known is not None:
            return self._concrete_of(known)
        if key is None:
            key, _, variables = _signature(leaves)
            key = ("nested", key, _structure((args, kwargs)))
            program = self._programs.get(key)
            if variables and program is not None and not _serves(program, variables):
                key = ("own Variables", key, tuple(v._uid for v in variables))
        relaxing = self._relaxing
        try:
            with np.errstate(all="ignore"):
                described = self._trace(key, args, kwargs, leaves, dry=True, specs=specs)[1]
        except Exception:  # noqa: BLE001 - zeros of size 2 may not fit (a matmul's inner
            if not any(isinstance(s, TensorSpec) and (s._shape is None or None in s._shape)
                       for s in nest.flatten(specs)):  # size): trace on the first call's
                raise                                    # shapes; a real error raises there
            self._relaxing = relaxing
            return ConcreteFunction(self, specs, Signature(self.python_function, *specs,
                                                           PENDING, []))
        return self._concrete_of(described)

    def _concrete_of(self, described):
        """The ConcreteFunction of a traced signature, one object per signature as
        TensorFlow's (a signature not counted as a trace of its own gets a new one)."""
        concrete = self._concrete.get(id(described))
        if concrete is None or concrete[0] is not described:
            live = {id(d) for d in self._described}
            self._concrete = {k: c for k, c in self._concrete.items() if k in live}
            concrete = (described, ConcreteFunction(self, *described[1:]))
            if id(described) in live:
                self._concrete[id(described)] = concrete
        return concrete[1]

    def pretty_printed_concrete_signatures(self) -> str:
        """The signatures traced so far, one paragraph each, as TensorFlow prints them.

        >>> import gradtape as tf
        >>> scale = tf.function(lambda x, n: x * n)
        >>> _ = scale(tf.constant([1.0, 2.0]), 3)
        >>> print(scale.pretty_printed_concrete_signatures())
        Input Parameters:
          x (POSITIONAL_OR_KEYWORD): TensorSpec(shape=(2,), dtype=tf.float32, name=None)
          n (POSITIONAL_OR_KEYWORD): Literal[3]
        Output Type:
          TensorSpec(shape=(2,), dtype=tf.float32, name=None)
        Captures:
          None
        """
        return "\n\n".join(str(d[2]) for d in self._described)

    # -- tracing -----------------------------------------------------------
    def _run_as_python(self, args, kwargs):
        """A call inside a trace, under a tape or under numerics checks."""
        if threading.get_ident() in self._tracing_threads and _any_tensor((args, kwargs)):
            raise RecursionError(
                f"gradtape.function: {self.__name__} calls itself on tensors while it is traced; "
                "a recursion on tensor values cannot be compiled (TensorFlow raises too): "
                "write it as a loop (tf.while_loop), or recurse on Python values")
        return _tensors_out(self.python_function(*args, **kwargs))

    def _trace(self, key, args, kwargs, leaves, dry=False, specs=None):
        """Trace for a call (``dry``: for ``get_concrete_function``, whose
        ``specs`` may have ``None`` sizes); the result and the trace's Signature
        when ``dry``, the result otherwise."""
        if self._binder is None:  # as TensorFlow, arguments that do not bind are a TypeError
            _canonical_arguments(self.python_function, args, kwargs)
        with self._lock:
            first = self.trace_count == 0
            pattern = _pattern(leaves, _structure((args, kwargs)), self._binder, specs)
            relaxed = self._relaxed_signature(pattern)
            relax = _relaxed_dims(relaxed)
            try:
                result, tracer, program = self._trace_once(args, kwargs, leaves, dry, relax=relax)
            except Exception:  # noqa: BLE001 - sizes shown as None may be what failed:
                if relax is None:  # trace as before; a real error raises there again
                    raise
                relax, self._relaxing = None, False
                result, tracer, program = self._trace_once(args, kwargs, leaves, dry)
            if first and tracer.created:
                # as TensorFlow: trace once more, and refuse Variables created again
                self._trace_once(args, kwargs, leaves, dry=True, check_only=True)
                self._tf_traces += 1
            before = self._tf_traces
            self._remember(key, program, pattern)
            described = None
            if dry or self._tf_traces > before:
                described = self._describe(args, kwargs, leaves, relaxed or pattern, tracer, specs)
                if self._tf_traces > before:
                    self._described.append(described)
                    del self._described[:-MAX_PROGRAMS]
            if relax is not None and program is not _EAGER:
                self.relaxed_fallback = tracer.fixed
                if tracer.fixed is None:
                    self._relaxed.insert(0, (relaxed, program))
                    del self._relaxed[MAX_BRANCHES:]
        return (result, described) if dry else result

    def _describe(self, args, kwargs, leaves, pattern, tracer, specs):
        """(pattern, specs, Signature) of a trace: its specs (``None`` sizes kept)
        and Python values, the outputs' specs and the Variables captured."""
        if specs is None:
            flat = [TensorSpec(e[1], leaf.dtype) if e[0] == "t" else leaf
                    for e, leaf in zip(pattern[0], leaves)]
            specs = nest.pack_sequence_as((args, kwargs), flat)
        outputs = tracer.outputs
        if any(isinstance(s, TensorSpec) and s._shape is None for s in nest.flatten(specs)):
            outputs = nest.map_structure(  # traced on a scalar, for any rank
                lambda o: TensorSpec(None, o.dtype) if isinstance(o, TensorSpec) else o, outputs)
        passed = {id(v) for v in leaves if isinstance(v, Variable)}
        captures = [v for v in tracer.variables() if id(v) not in passed]
        return pattern, specs, Signature(self.python_function, *specs, outputs, captures)

    def _relaxed_signature(self, pattern):
        """The signature with ``None`` sizes that a call of ``pattern`` is traced
        for (an ``input_signature``'s, or ``reduce_retracing``'s), or None."""
        if not self._relaxing:
            return None
        if any(e[0] == "t" and e[1] is not None and None in e[1] for e in pattern[0]):
            return pattern
        if self._reduce_retracing:
            for known in self._signatures:
                if _fits(pattern, known):
                    return known
            for known in self._signatures:
                general = _generalized(pattern, known)
                if general is not None:
                    return general
        return None

    def _keep(self, key, program):
        programs = self._programs
        while len(programs) >= MAX_PROGRAMS:
            oldest = next(iter(programs))
            del programs[oldest]
            self._branches.pop(oldest, None)
        programs[key] = program

    def _trace_once(self, args, kwargs, leaves, dry, check_only=False, relax=None):
        if relax is None:
            return self._run_traced(_Tracer(), args, kwargs, leaves, dry, check_only)
        _start_relaxed()
        try:
            return self._run_traced(_Tracer(relax), args, kwargs, leaves, dry, check_only)
        finally:
            _end_relaxed()

    def _run_traced(self, tracer, args, kwargs, leaves, dry, check_only):
        traced_leaves = [tracer.argument(i, leaf) for i, leaf in enumerate(leaves)]
        if leaves:
            args, kwargs = nest.pack_sequence_as((args, kwargs), traced_leaves)
        me = threading.get_ident()
        trace.push(tracer)
        self._tracing_threads.add(me)
        try:
            before = _argument_snapshot(self.python_function, args, kwargs)
            result = _tensors_out(self.python_function(*args, **kwargs))
            _check_unmodified(self.python_function, before, args, kwargs)
            tracer.outputs = _output_specs(result, tracer)
            if tracer.created and self.trace_count:
                raise ValueError(_SINGLETON_VARIABLES.format(
                    name=self.__name__, count=len(tracer.created)))
            program = tracer.compile(result, self.__name__) if tracer.numpy_only else _EAGER
            if program is not _EAGER and tracer.variable_args:
                program.shared = not _reachable(self.python_function,
                                                {id(v) for v in tracer.variable_args})
        except BaseException:
            tracer.undo()
            raise
        finally:
            self._tracing_threads.discard(me)
            trace.pop(tracer)
        if dry:
            tracer.undo()
        result = tracer.close_scope(result)
        if not check_only:
            self.trace_count += 1
        return result, tracer, program

    def _remember(self, key, program, pattern):
        programs = self._programs
        previous = programs.pop(key, None)
        if self._note_signature(pattern) or previous is not None:  # not a new size of a
            self._note_trace()                                      # relaxed signature
        if previous is not None and previous is not _EAGER and program is not _EAGER:
            branches = self._branches.setdefault(key, [])
            branches.insert(0, previous)
            del branches[MAX_BRANCHES:]
        while len(programs) >= MAX_PROGRAMS:
            oldest = next(iter(programs))
            del programs[oldest]
            self._branches.pop(oldest, None)
        programs[key] = program
        if program is not _EAGER:
            self._latest = program

    def _note_signature(self, pattern):
        """Count a trace as TensorFlow would: a call that fits a signature already
        traced is not a new one; with ``reduce_retracing`` a new one is relaxed to
        any size where its sizes differ from a known one's."""
        known = self._signatures
        if any(_fits(pattern, k) for k in known):
            return False
        if self._reduce_retracing:
            for i, k in enumerate(known):
                general = _generalized(pattern, k)
                if general is not None:
                    pattern = general
                    del known[i]
                    break
        known.append(pattern)
        del known[:-MAX_PROGRAMS]
        self._tf_traces += 1
        return True

    def _note_trace(self):
        calls = self._trace_calls
        calls.append(self._calls)
        del calls[:-RETRACE_WARNING]
        if (len(calls) == RETRACE_WARNING and calls[-1] - calls[0] < RETRACE_WINDOW
                and self._warned < _MAX_RETRACE_WARNINGS):
            self._warned += 1
            window = min(RETRACE_WINDOW, max(calls[-1], 1))
            warnings.warn(
                f"{RETRACE_WARNING} out of the last {window} calls to {self.__name__} triggered "
                "gradtape.function retracing. Tracing is expensive; it can come from (1) "
                "creating the function again in a loop, (2) tensors of new shapes (use "
                "input_signature with None dimensions or reduce_retracing=True), (3) new Python "
                "values (pass tensors instead), (4) a value it reads to decide (an index, a "
                "mask, a Python condition on a tensor) that keeps changing",
                RuntimeWarning, stacklevel=4)


def _method_of(func, instance):
    """``func`` bound to ``instance`` without keeping the instance alive."""
    ref = weakref.ref(instance)

    @functools.wraps(func)
    def method(*args, **kwargs):
        return func(ref(), *args, **kwargs)
    try:  # the signature without ``self``, for concrete functions' parameters
        signature = inspect.signature(func)
        method.__signature__ = signature.replace(
            parameters=list(signature.parameters.values())[1:])
    except (TypeError, ValueError):
        pass
    return method


def _argument_snapshot(func, args, kwargs):
    """{parameter: (nesting, identities of its leaves)} of a call's arguments."""
    try:
        bound = inspect.signature(func).bind(*args, **kwargs).arguments
    except (TypeError, ValueError):
        bound = {"args": args, "kwargs": kwargs}
    return {name: (_structure(value), [id(x) for x in nest.flatten(value)])
            for name, value in bound.items()}


def _check_unmodified(func, before, args, kwargs):
    """TensorFlow's rule: a traced function must not change the lists and dicts it is
    given (a replay would not repeat the change)."""
    after = _argument_snapshot(func, args, kwargs)
    changed = [name for name in before if before[name] != after.get(name)]
    if changed:
        name = getattr(func, "__qualname__", getattr(func, "__name__", type(func).__name__))
        raise ValueError(
            f"{name}({', '.join(before)}) should not modify its Python input arguments. "
            "Modifying a copy is allowed. The following parameter(s) were modified: "
            f"{', '.join(changed)}")


def _spec_of(x):
    if isinstance(x, (TensorSpec, Variable)):
        return x
    if isinstance(x, (TensorLike, np.ndarray, np.generic)):
        return TensorSpec.from_tensor(x if isinstance(x, TensorLike) else convert_to_tensor(x))
    return x


def _example(x):
    """A value that fits a spec: zeros, size 2 for a ``None`` dimension (a size
    the relaxed trace can tell from a broadcast), a scalar for any rank."""
    if not isinstance(x, TensorSpec):
        return x
    shape = () if x._shape is None else tuple(2 if d is None else d for d in x._shape)
    return wrap(np.zeros(shape, x._dtype._np))


def _output_specs(result, tracer):
    """The specs of a trace's result, ``None`` where sizes vary."""
    def spec(x):
        if not isinstance(x, TensorLike):
            return x
        shape = x._read()._value.shape
        dims = tracer.varying_dims(x) if tracer.relax is not None else ()
        return TensorSpec([None if d in dims else n for d, n in enumerate(shape)], x.dtype)
    return nest.map_structure(spec, result)


def _any_tensor(structure):
    return any(type(x) is Tensor for x in nest.flatten(structure))


def _tensors_out(result):
    """The function's result, with Python numbers and NumPy values as Tensors,
    and a Variable as its value at the end of the call (TensorFlow returns a
    Tensor there too: a replay must return the value of that call, not of the trace)."""
    if type(result) is Tensor or result is None:
        return result
    return nest.map_structure(_tensor_out, result)


def _tensor_out(x):
    if isinstance(x, (bool, int, float, complex, np.ndarray, np.generic)):
        return convert_to_tensor(x)
    if isinstance(x, Variable):
        return x._read()  # (a read while tracing: the program reads it on each call)
    return x


class _Binder:
    """Arguments bound to an ``input_signature``: converted to its dtypes, checked.
    The specs stand for the first parameters; the others keep their defaults."""

    def __init__(self, func, signature, method=False):
        self.signature = signature
        self.flat_specs = nest.flatten(signature)
        try:
            python = inspect.signature(func)
        except (TypeError, ValueError):
            python = None
        params = [] if python is None else list(python.parameters.values())[int(method):]
        self.python = None if python is None else python.replace(parameters=params)
        positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        self.names = [p.name for p in params if p.kind in positional]
        self.varargs = next((p.name for p in params if p.kind is p.VAR_POSITIONAL), None)
        self.unconstrained = [p.name for p in params[len(signature):]
                              if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL,
                                                                         p.VAR_KEYWORD)]

    def bind(self, args, kwargs):
        if self.unconstrained:
            raise TypeError(
                f"input_signature missing type constraint for {self.unconstrained}: the "
                f"{len(self.signature)} spec(s) of {self.signature} stand for the first "
                "parameters, and the others need default values")
        if self.python is None:
            if kwargs or len(args) != len(self.signature):
                raise _binding_error(f"{len(self.signature)} positional argument(s) expected "
                                     f"for {self.signature}")
            values = list(args)
        else:
            values = self._spec_values(args, kwargs)
        return tuple(self._bound(a, s) for a, s in zip(values, self.signature)), {}

    def _spec_values(self, args, kwargs):
        """The values the specs stand for, defaults filled in."""
        try:
            bound = self.python.bind(*args, **kwargs)
        except TypeError as e:
            raise _binding_error(str(e)) from None
        given = list(bound.arguments)
        bound.apply_defaults()
        n = len(self.signature)
        names = self.names[:n]
        values = [bound.arguments[name] for name in names]
        if len(values) < n and self.varargs is not None:
            values += list(bound.arguments[self.varargs])[:n - len(values)]
            names.append(self.varargs)
        beyond = [name for name in given if name not in names]
        if beyond or len(values) != n:
            raise _binding_error(
                f"the input_signature {self.signature} has {n} spec(s); arguments "
                f"{beyond or values} do not fit it")
        return values

    def _bound(self, value, spec):
        if isinstance(spec, TensorSpec):
            t = value._read() if isinstance(value, TensorLike) else \
                convert_to_tensor(value, spec._dtype)
            if not spec.is_compatible_with(t):
                raise _binding_error(f"Can not cast {TensorSpec.from_tensor(t)} to {spec}")
            return t
        flat_spec = nest.flatten(spec)
        flat = nest.flatten(value)
        if len(flat) != len(flat_spec) or type(value) is not type(spec):
            raise _binding_error(f"{value!r} does not have the structure of {spec}")
        return nest.pack_sequence_as(spec, [self._bound(v, s) for v, s in zip(flat, flat_spec)])


def _pattern(leaves, structure, binder, specs=None):
    """A call's signature as TensorFlow counts traces: ``("t", shape, dtype)`` per
    tensor (an ``input_signature``'s or ``specs``' shapes, ``None`` dimensions
    included), the trace key's entry for anything else, and the nesting of the
    arguments."""
    if specs is not None:
        specs = nest.flatten(specs)
    elif binder is not None:
        specs = binder.flat_specs
    entries = []
    variable_keys = _variable_keys(leaves)
    for i, leaf in enumerate(leaves):
        if type(leaf) is Tensor or isinstance(leaf, (np.ndarray, np.generic)):
            v = leaf._value if type(leaf) is Tensor else leaf
            shape = tuple(v.shape) if specs is None else specs[i]._shape
            entries.append(("t", shape, str(v.dtype)))
        else:
            entries.append(("o", variable_keys[i] if isinstance(leaf, Variable)
                                 else _signature([leaf])[0][0]))
    return tuple(entries), structure


def _relaxed_dims(pattern):
    """{argument position: its dimensions of any size} of a signature, or None."""
    if pattern is None:
        return None
    dims = {i: [d for d, n in enumerate(e[1]) if n is None] for i, e in enumerate(pattern[0])
            if e[0] == "t" and e[1] is not None and None in e[1]}
    return dims or None


def _fits(pattern, known):
    entries, structure = pattern
    if structure != known[1] or len(entries) != len(known[0]):
        return False
    for e, k in zip(entries, known[0]):
        if e[0] != k[0] or (e[0] == "o" and e != k):
            return False
        if e[0] == "t" and (e[2] != k[2] or not _shape_fits(e[1], k[1])):
            return False
    return True


def _described_for(described, pattern, specs):
    """As TensorFlow, the signature traced before that these specs fit, the
    latest first, one of the specs' own names first: a named spec fits only a
    trace of its name, an unnamed one any."""
    names = _spec_names(specs)
    fitting = [d for d in reversed(described) if _fits(pattern, d[0])
               and all(n is None or n == k for n, k in zip(names, _spec_names(d[1])))]
    exact = [d for d in fitting if _spec_names(d[1]) == names]
    return (exact or fitting or [None])[0]


def _spec_names(specs):
    return [s.name if isinstance(s, TensorSpec) else None for s in nest.flatten(specs)]


def _generalized(pattern, known):
    """``known`` with ``None`` wherever ``pattern``'s sizes differ, or None when
    they differ in anything but sizes (``reduce_retracing``)."""
    entries, structure = pattern
    if structure != known[1] or len(entries) != len(known[0]):
        return None
    general = []
    for e, k in zip(entries, known[0]):
        if e[0] != k[0] or (e[0] == "o" and e != k):
            return None
        if e[0] == "t":
            if e[2] != k[2] or e[1] is None or k[1] is None or len(e[1]) != len(k[1]):
                return None
            e = ("t", tuple(a if a == b else None for a, b in zip(e[1], k[1])), e[2])
        general.append(e)
    return tuple(general), structure


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
    if isinstance(s, dict):  # keys sorted, as nest flattens: f(a=x, b=y) is f(b=y, a=x)
        items = s.items()
        try:
            items = sorted(items, key=lambda kv: kv[0])
        except TypeError:
            pass
        return (type(s), tuple((k, _structure(v)) for k, v in items))
    if isinstance(s, (list, tuple)):
        return (type(s), tuple(_structure(v) for v in s))
    return None


def _variable_keys(leaves):
    """{leaf position: trace key} of the Variable leaves: shared by Variables of
    one shape, dtype and trainability, as TensorFlow's ``VariableSpec`` (with the
    position of the first leaf of the same Variable: aliases trace apart)."""
    first, keys = {}, {}
    for i, leaf in enumerate(leaves):
        if isinstance(leaf, Variable):
            v = leaf._value
            alias = first.setdefault(id(leaf), len(first))
            keys[i] = ("Variable", v.shape, v.dtype, type(v), leaf.trainable, alias)
    return keys


def _serves(program, variables):
    """Whether ``program`` may replay a call with these Variable arguments: it reads
    and assigns the Variables it is called with, but only when the trace reached
    them through its arguments alone, and none is a Variable it captured."""
    if program is _EAGER:
        return True
    if not program.shared and any(v is not w for v, w in zip(variables, program.variable_args)):
        return False
    return not any(id(v) in program.captured for v in variables)


def _reachable(func, targets, limit=5000):
    """Whether an object of ``targets`` (ids) may be reached from ``func`` other
    than through its arguments: its closure, defaults, instance and the globals its
    code names, searched through containers, attributes and the functions met
    (True when the search meets more than ``limit`` objects)."""
    stack, seen = [func], set()
    while stack:
        obj = stack.pop()
        if id(obj) in seen or obj is None:
            continue
        seen.add(id(obj))
        if id(obj) in targets or len(seen) > limit:
            return True
        stack.extend(_referents(obj))
    return False


_OPAQUE = (str, bytes, int, float, complex, bool, type, type(os), np.ndarray, np.generic, Tensor)


def _referents(obj):
    """What the search of ``_reachable`` follows from ``obj``."""
    if isinstance(obj, _OPAQUE):
        return ()
    if isinstance(obj, Function):
        return (obj.python_function,)
    if isinstance(obj, weakref.ref):
        return (obj(),)
    if isinstance(obj, functools.partial):
        return (obj.func, *obj.args, *obj.keywords.values())
    if isinstance(obj, dict):
        return list(obj.values())
    if isinstance(obj, (list, tuple, set, frozenset)):
        return list(obj)
    code = getattr(obj, "__code__", None)
    if code is not None:  # a function: what it closes over and the globals it names
        found = [c.cell_contents for c in (obj.__closure__ or ()) if _filled(c)]
        found += list(obj.__defaults__ or ()) + list((obj.__kwdefaults__ or {}).values())
        found += [obj.__globals__[n] for n in _names(code) if n in obj.__globals__]
        return found + [getattr(obj, "__wrapped__", None)]
    if hasattr(obj, "__func__"):  # a bound method
        return (obj.__func__, obj.__self__)
    found = list(getattr(obj, "__dict__", {}).values())
    for name in getattr(type(obj), "__slots__", ()):
        found.append(getattr(obj, name, None))
    return found


def _filled(cell):
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def _names(code):
    """The global names ``code`` and the code nested in it use."""
    names = list(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names += _names(const)
    return names


def _signature(leaves):
    """The trace key of the flattened arguments, the arrays a replay takes and
    the Variable arguments (a replay takes them after the arrays)."""
    key, arrays, variables = [], [], []
    variable_keys = None
    for leaf in leaves:
        if type(leaf) is Tensor or isinstance(leaf, (np.ndarray, np.generic)):
            v = leaf._value if type(leaf) is Tensor else leaf
            if type(v) is _OutOfScope:
                v.fail()
            key.append((v.shape, v.dtype) if isinstance(v, (np.ndarray, np.generic))
                       else (v.shape, v.dtype, type(v)))
            arrays.append(v)
        elif isinstance(leaf, Variable):
            if variable_keys is None:
                variable_keys = _variable_keys(leaves)
            key.append(variable_keys[len(key)])
            variables.append(leaf)
        elif hasattr(type(leaf), "__tf_tracing_type__"):  # equal trace types share a trace
            key.append(("TraceType", leaf.__tf_tracing_type__(None)))
        else:
            if isinstance(leaf, weakref.ref):  # its target may die: TensorFlow refuses it too
                raise TypeError(f"gradtape.function: a weakref argument ({leaf!r}) cannot be "
                                "part of a signature; pass the object itself")
            try:
                hash(leaf)
            except TypeError:
                raise TypeError(f"Could not generate a generic TraceType for {leaf!r}: "
                                f"gradtape.function takes an argument of type "
                                f"{type(leaf).__name__} that is neither a tensor, an array nor "
                                "a hashable Python value; pass it through the function's "
                                "closure instead") from None
            key.append((type(leaf), leaf))
    return tuple(key), arrays, variables


class _OutOfScope:
    """The value of a Tensor computed while tracing that outlived the trace."""

    __slots__ = ("shape", "dtype", "function")
    __array_priority__ = 1000

    def __init__(self, value, function):
        self.shape = value.shape
        self.dtype = value.dtype
        self.function = function

    def fail(self, *args, **kwargs):
        raise TypeError(
            f"a tensor of shape {tuple(self.shape)} and dtype {self.dtype} computed while "
            f"gradtape.function traced {self.function} is out of scope and cannot be used "
            "here: return it from the function (or assign it to a Variable) to use it "
            "after the call")

    def __getattr__(self, name):
        if sys._getframe(1).f_code is Tensor.numpy.__code__:  # as TensorFlow's symbolic
            raise AttributeError(                              # tensor: no numpy
                f"a tensor of shape {tuple(self.shape)} and dtype {self.dtype} computed while "
                f"gradtape.function traced {self.function} is out of scope and has no "
                "attribute 'numpy': return it from the function to use its value")
        self.fail()

    __array__ = __array_ufunc__ = __array_function__ = __bool__ = __float__ = __int__ = fail
    __index__ = __len__ = __iter__ = __getitem__ = __copy__ = __deepcopy__ = fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = fail
    __rtruediv__ = __matmul__ = __rmatmul__ = __pow__ = __rpow__ = __neg__ = __abs__ = fail
    __lt__ = __le__ = __gt__ = __ge__ = fail


# ---------------------------------------------------------------------------
# Relaxed sizes: one trace for every size of a None dimension
# ---------------------------------------------------------------------------

#: Params that name positions (axes, a permutation), never sizes.
_POSITION_PARAMS = frozenset({"axis", "axes", "perm", "batch_dims", "nbatch", "keepdims",
                              "transpose_a", "transpose_b", "adjoint_a", "adjoint_b"})
_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_TENSOR_FILE = sys.modules[Tensor.__module__].__file__
_MEAN_VJP = _MEAN.vjps[0].__code__
_relaxed_traces = [0, threading.Lock()]  # relaxed traces under way (any thread)


class _ShapeOf:
    """A param a replay takes from a value's shape at run time (``shape=x.shape``)."""

    __slots__ = ("slot",)

    def __init__(self, slot):
        self.slot = slot


def _shape_impl(xp, x, dtype):
    return xp.asarray(x.shape, dtype)


def _size_impl(xp, x, dtype):
    return xp.asarray(x.size, dtype)


def _fill_impl(xp, like, value, dtype):
    return xp.full(like.shape, value, dtype)


def _inverse_count_impl(xp, x, axes, dtype):
    return xp.asarray(1.0 / max(_count(x.shape, axes), 1), dtype)


# not in the registry: ops only a relaxed program runs
_SHAPE = Op("shape", _shape_impl, nondiff=True)
_SIZE = Op("size", _size_impl, nondiff=True)
_INVERSE_COUNT = Op("inverse_count", _inverse_count_impl, nondiff=True)  # reduce_mean's 1/n
_FILL = Op("fill_like", _fill_impl, nondiff=True)  # a gradient's seed


def _relaxed_view(x, how=None, out=None):
    """``state.shape_view`` while a relaxed trace runs: ``x.shape`` with ``None``
    for the sizes that vary (as TensorFlow's trace shows) when user code asks;
    ``len()``, iteration, ``tf.shape`` and ``tf.size`` noted by the tracer."""
    tracer = state.tracer()
    relaxed = tracer is not None and getattr(tracer, "relax", None) is not None
    if how is None:
        shape = x._value.shape
        if relaxed and not _asked_by_gradtape():
            dims = tracer.varying_dims(x)
            if dims:
                return TensorShape([None if d in dims else n for d, n in enumerate(shape)])
        return tuple.__new__(TensorShape, shape)
    if relaxed:
        tracer.size_read(x, how, out)
    return None


def _formatted_for_print():
    """Whether the ``.numpy()`` heard is ``format(x, "")`` (``f"{x}"``,
    ``"{}".format(x)``), which TensorFlow gives a traced tensor as its text."""
    frame = sys._getframe(4)  # note_escape <- notify_escape <- numpy <- __format__
    return (frame.f_code.co_name == "__format__" and frame.f_code.co_filename == _TENSOR_FILE
            and frame.f_locals.get("format_spec") == "")


def _asked_by_gradtape():
    """Whether the code asking for a shape is gradtape's own (it needs the sizes;
    a program that keeps one is not replayed at other sizes)."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename == _TENSOR_FILE:
        frame = frame.f_back
    return frame is not None and frame.f_code.co_filename.startswith(_PACKAGE)


def _in_mean_vjp():
    """The frame of reduce_mean's VJP this op runs in, or None."""
    frame = sys._getframe(1)
    for _ in range(12):
        if frame is None:
            return None
        if frame.f_code is _MEAN_VJP:
            return frame
        frame = frame.f_back
    return None


def _derivative_code():
    from ._core import forward, reverse, rows
    from .rules import shape
    return ({reverse.backward.__code__, rows.backward_rows.__code__,
             forward.ForwardRecorder.record.__code__}, shape.reshape.__code__)


def _op_context():
    """``("derivative", None)`` for an op a backward sweep or a forward-mode rule
    runs (its sizes come from the values it differentiates), ``("reshape",
    frame)`` for ``tf.reshape`` called by user code, else ``(None, None)``."""
    derivative, reshape = _derivative_code()
    frame, depth = sys._getframe(2), 0
    while frame is not None and depth < 60:
        code = frame.f_code
        if code in derivative:
            return "derivative", None
        if code is reshape and frame.f_back is not None and \
                not frame.f_back.f_code.co_filename.startswith(_PACKAGE):
            return "reshape", frame
        frame, depth = frame.f_back, depth + 1
    return None, None


#: where an op's own machinery runs: a float user code passes through them stays the user's
_PASS_THROUGH = tuple(os.path.join(_PACKAGE, *part) for part in (
    ("_core", ""), ("rules", ""), ("compiled.py",), ("variables.py",)))


def _written_by_user():
    """Whether the value an op is taking was written in user code (which sees no
    varying size), not computed by gradtape's own (a metric, a derivative)."""
    derivative = _derivative_code()[0]
    frame = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        if code in derivative:
            return False
        if not code.co_filename.startswith(_PACKAGE):
            return True
        if not code.co_filename.startswith(_PASS_THROUGH):
            return False
        frame = frame.f_back
    return False


def _mentions(value, sizes):
    """Whether a param holds one of ``sizes`` (an int, in a tuple, a list, an array)."""
    if type(value) is bool:
        return False
    if isinstance(value, (int, np.integer)):
        return int(value) in sizes
    if isinstance(value, (tuple, list)):
        return any(_mentions(v, sizes) for v in value)
    if isinstance(value, dict):
        return any(_mentions(v, sizes) for v in value.values())
    if isinstance(value, slice):
        return _mentions((value.start, value.stop, value.step), sizes)
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        return any(int(v) in sizes for v in value.ravel()[:64]) or value.size > 64
    return False


def _is_shape(value):
    return isinstance(value, (tuple, list)) and all(
        type(v) is not bool and isinstance(v, (int, np.integer)) for v in value)


def _start_relaxed():
    with _relaxed_traces[1]:
        _relaxed_traces[0] += 1
        state.shape_view[0] = _relaxed_view


def _end_relaxed():
    with _relaxed_traces[1]:
        _relaxed_traces[0] -= 1
        if not _relaxed_traces[0]:
            state.shape_view[0] = None


def _stand_in(value, dims):
    """``value`` with each size in ``dims`` one larger: a relaxed trace runs its
    ops on it too, to learn which sizes follow and which were fixed."""
    for d in dims:
        n = value.shape[d]
        if n == 0:
            shape = list(value.shape)
            shape[d] = 1
            value = np.zeros(shape, value.dtype)
        else:
            value = np.take(value, np.arange(n + 1) % n, axis=d)
    return value


# ---------------------------------------------------------------------------
# Tracing
# ---------------------------------------------------------------------------

class _Tracer(trace.Recorder):
    """The outermost recorder while a function is traced: every op, in order."""

    traces_ops = True  # seen by gradtape._core.trace: never hidden, never offered custom ops

    relax = None  # {argument position: the dimensions whose size may vary}
    outputs = None  # the specs of the function's result
    printing = None  # the array of a tensor being formatted as text (f"{x}")

    def __init__(self, relax=None):
        if relax:
            self.relax = relax
            self.sizes = set()     # the sizes of those dimensions in this trace
            self.shadow = {}       # slot -> its value for the stand-ins, where its shape differs
            self.varying = {}      # shape -> {its stand-in shape: a slot}, for shapes that vary
            #: why the program holds a size fixed (it then serves its own shapes only)
            self.fixed = None
            self.computed_scalars = []  # float constants gradtape's own code made
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
        self.made = []          # the Tensors ops computed: out of scope after the trace
        self.journal = {}       # id(Variable) -> (Variable, its array before the trace)
        self.reads = {}         # id(Tensor) -> (the Tensor, its slot): Variables read while tracing
        self.snapshots = {}     # id(Tensor) -> (it, slot): Variables' values read before the call
        self.created = []       # Variables created while tracing
        self.variable_args = []  # the Variable arguments, in order (a replay takes them)
        self.rng = _random_state()

    # -- where values come from --------------------------------------------
    def _new_slot(self, kind, source, value, by_array=True):
        s = len(self.kinds)
        self.kinds.append(kind)
        self.sources.append(source)
        if by_array:
            self.by_array[id(value)] = s
        self.alive.append(value)
        return s

    def argument(self, position, leaf):
        """A traced stand-in for argument leaf ``position``."""
        if hasattr(type(leaf), "__tf_tracing_type__"):  # traced with its type's placeholder
            return leaf.__tf_tracing_type__(None).placeholder_value(None)
        if type(leaf) is Tensor or isinstance(leaf, (np.ndarray, np.generic)):
            # an array object of its own: an argument is never taken for another
            # argument, a Variable or a constant sharing its array
            t = wrap(_own(leaf._value if type(leaf) is Tensor else convert_to_tensor(leaf)._value))
            s = self.by_uid[t._uid] = self._new_slot(_ARG, position, t._value)
            self.made.append(t)
            dims = self.relax.get(position) if self.relax is not None else None
            if dims:
                sizes = [t._value.shape[d] for d in dims]
                if min(sizes) <= 1:  # like a broadcast, or a constant 1: not told apart
                    self.hold(f"argument {position} has a size {min(sizes)} where sizes vary")
                self.sizes.update(sizes)
                self._vary(s, _stand_in(t._value, dims))
            return t
        if isinstance(leaf, Variable):
            self.variable_args.append(leaf)
        return leaf

    def _variable(self, var):
        if var._uid not in self.first_slot:
            self.by_uid[var._uid] = self.first_slot[var._uid] = self._new_slot(_VAR, var, var._value)

    def variables(self):
        """The Variables the function read or assigned, in the order met."""
        return [self.sources[s] for s in self.first_slot.values()]

    def fresh_read(self, t):
        """A Variable was read while tracing: ``t`` is its value now (the array it
        holds says which: the value on entry, or one it was assigned)."""
        s = self.by_array.get(id(t._value))
        self.reads[id(t)] = (t, self.by_uid[t._uid] if s is None else s)

    def slot_of(self, x):
        if x._uid in self.first_slot:  # a read of a Variable while tracing, or a snapshot
            read = self.reads.get(id(x))  # taken before the call: a constant, as TensorFlow's
            if read is not None:
                return read[1]
            snapshot = self.snapshots.get(id(x))
            if snapshot is None:  # (kept while tracing, so its id stays its own)
                snapshot = self.snapshots[id(x)] = (
                    x, self._new_slot(_CONST, x._value, x._value, False))
            return snapshot[1]
        s = self.by_uid.get(x._uid)
        if s is None:
            s = self.by_array.get(id(x._value))
            if s is None:
                s = self._fill(x._value) if self.relax is not None else None
                if s is None:
                    s = self._new_slot(_CONST, x._value, x._value)
                    if self.relax is not None:
                        self._check_constant(s, x._value)
            self.by_uid[x._uid] = s
        return s

    # -- relaxed sizes -----------------------------------------------------
    def hold(self, why):
        """The program holds a size fixed: it serves only the shapes it was traced for."""
        if self.fixed is None:
            self.fixed = why

    def _vary(self, s, stand_in):
        self.shadow[s] = stand_in
        self.varying.setdefault(tuple(self.alive[s].shape), {}).setdefault(stand_in.shape, s)

    def varying_dims(self, x):
        """The dimensions of traced ``x`` whose size varies."""
        s = self.by_uid.get(x._uid)
        stand_in = None if s is None else self.shadow.get(s)
        if stand_in is None:
            return ()
        return [d for d, (a, b) in enumerate(zip(x._value.shape, stand_in.shape)) if a != b]

    def size_read(self, x, how, out):
        """User code took ``len()`` of ``x``, iterated it, or a rule made ``out``
        = ``tf.shape(x)`` or ``tf.size(x)``: recorded as an op."""
        if self.by_uid.get(x._uid) not in self.shadow:
            return
        if out is None:
            if 0 in self.varying_dims(x):
                self.hold(f"{how} of a tensor whose first dimension varies")
            return
        self.record(_SHAPE if how == "shape" else _SIZE, (x,), out, {"dtype": out._value.dtype})

    def _fill(self, value):
        """A derivative's constant of one value in the shape of a varying value (a
        gradient seed, zeros for an output that got none): filled at run time to
        that value's shape.  Its slot, or None."""
        shape = np.shape(value)
        if shape not in self.varying or not isinstance(value, np.ndarray) or not value.size:
            return None
        first = value.flat[0]
        if not (value == first).all() or _op_context()[0] != "derivative":
            return None
        like = self._slot_of_shape(shape, len(self.alive))
        if like is None:
            return None
        s = self._new_slot(_OP, None, value)
        params = {"value": first, "dtype": value.dtype}
        self.steps.append(("op", _FILL, (like,), params, (s,)))
        self._vary(s, _fill_impl(np, self.shadow[like], **params))
        return s

    def _check_constant(self, s, value):
        shape = np.shape(value)
        if not shape and np.asarray(value).dtype.kind in "fc" and not _written_by_user():
            self.computed_scalars.append(s)
        if any(d in self.sizes for d in shape) or (
                getattr(value, "dtype", None) is not None and value.dtype.kind in "iu"
                and _mentions(np.asarray(value), self.sizes)):
            self.hold(f"a constant of shape {tuple(shape)} holds a size of this call")

    def _relaxed_step(self, op, ins, params, slots):
        """The params and inputs a relaxed program's step takes, and its stand-in results."""
        if params:
            params = self._shape_params(op, ins, params, slots[0])
        if op.name == "multiply" and len(ins) == 2:
            ins = self._mean_scale(ins)
        self._stand_in_step(op, ins, params, slots)
        return ins, params

    def _shape_params(self, op, ins, params, first_out):
        """A derivative's param that holds a size of this call becomes the shape of
        the value it is the shape of, at run time (an unbroadcast's, a VJP's
        reshape's); ``tf.reshape(x, [-1, 3])`` keeps its ``-1``.  Any other param
        that holds one holds the program to this call's shapes."""
        new, context = params, None
        for name, value in params.items():
            reshaped = op.name == "reshape" and name == "shape" and ins[0] in self.shadow
            if name in _POSITION_PARAMS or not reshaped and not _mentions(value, self.sizes) \
                    and not (_is_shape(value) and tuple(value) in self.varying):
                continue
            if context is None:
                context = _op_context()
            if context[0] == "derivative":
                s = self._slot_of_shape(value, first_out)
                value = _ShapeOf(s) if s is not None else \
                    self._as_inferred(ins[0], value) if reshaped else None
            elif context[0] == "reshape":
                value = self._as_written(context[1].f_locals.get("shape"))
            else:
                value = None
            if value is None:
                self.hold(f"{op.name}({name}={params[name]!r}) holds a size of this call")
                continue
            if new is params:
                new = dict(params)
            new[name] = value
        return new

    def _as_written(self, shape):
        """The target of a ``tf.reshape`` as written, when it has a ``-1`` and no size
        of this call (else None)."""
        try:
            target = tuple(int(d) for d in shape)
        except (TypeError, ValueError):  # a tensor, or a None: sizes read from values
            return None
        if target.count(-1) != 1 or _mentions(target, self.sizes):
            return None
        return target

    def _as_inferred(self, s, target):
        """A reshape of a value whose size varies: its target with ``-1`` at the one
        place that makes the stand-in fit (else None, as when several would)."""
        stand_in = self.shadow.get(s)
        target = [int(d) for d in target]
        if stand_in is None or -1 in target:
            return None
        fits = []
        for i in range(len(target)):
            rest = int(np.prod(target[:i] + target[i + 1:]))
            if rest and stand_in.size % rest == 0 and stand_in.size // rest != target[i]:
                fits.append(i)
        if len(fits) != 1:
            return None
        target[fits[0]] = -1
        return tuple(target)

    def _slot_of_shape(self, value, before):
        """The one varying slot whose shape ``value`` is, or None when none or
        several (or a fixed-shape value too) might be meant."""
        if not _is_shape(value):
            return None
        key = tuple(int(v) for v in value)
        found = self.varying.get(key)
        if found is None or len(found) != 1:
            return None
        if any(np.shape(self.alive[s]) == key for s in range(before) if s not in self.shadow):
            return None
        return next(iter(found.values()))

    def _mean_scale(self, ins):
        """reduce_mean's VJP multiplies by ``1/n``: computed at run time from the
        unreduced cotangent's shape when that varies."""
        frame = _in_mean_vjp()
        if frame is None:
            return ins
        axes = frame.f_locals.get("axes")
        for i, k in enumerate(ins):
            g = ins[1 - i]
            value = self.alive[k]
            if self.kinds[k] != _CONST or np.ndim(value) or g not in self.shadow:
                continue
            if value != np.asarray(1.0 / max(_count(self.alive[g].shape, axes), 1), value.dtype):
                continue
            scale = np.array(value, copy=True)
            s = self._new_slot(_OP, None, scale)
            self.steps.append(("op", _INVERSE_COUNT, (g,), {"axes": axes, "dtype": value.dtype},
                               (s,)))
            return (s, g) if i == 0 else (g, s)
        return ins

    def _stand_in_step(self, op, ins, params, slots):
        shadow, alive = self.shadow, self.alive
        shaped = [v.slot for v in params.values() if type(v) is _ShapeOf]
        if op in EFFECTS or (not shaped and all(s not in shadow for s in ins)):
            return  # the stand-ins' results are the traced ones, shapes alike
        args = [shadow.get(s, alive[s]) for s in ins]
        kwargs = {k: np.shape(shadow.get(v.slot, alive[v.slot])) if type(v) is _ShapeOf else v
                  for k, v in params.items()}
        saved = _random_state([params["generator"]] if params.get("generator") else ()) \
            if op.stateful else None
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = op.numpy_impl(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - any failure: the sizes cannot vary
            self.hold(f"{op.name} fails for other sizes ({type(e).__name__}: {e})")
            return
        finally:
            if saved is not None:
                _set_random_state(saved)
        outs = out if op.multi else (out,)
        if len(outs) != len(slots):
            self.hold(f"{op.name} gives {len(slots)} results for this call's sizes only")
            return
        for s, o in zip(slots, outs):
            if np.shape(o) != np.shape(alive[s]):
                self._vary(s, o)

    def _traced(self, value):
        """The slot of a traced value that changes from call to call, or None."""
        s = self.by_array.get(id(value))
        return None if s is None or self.kinds[s] == _CONST else s

    # -- the recorder protocol ---------------------------------------------
    def record(self, op, inputs, out, params):
        ins = tuple([self.slot_of(x) for x in inputs])
        outs = out if op.multi else (out,)
        self.made.extend(outs)
        slots = []
        for o in outs:
            v = o._value
            if type(v) is not np.ndarray and not isinstance(v, np.generic):
                self.numpy_only = False
            s = self.by_uid[o._uid] = self._new_slot(_OP, None, v)
            slots.append(s)
        if self.relax is not None:
            ins, params = self._relaxed_step(op, ins, params, slots)
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
        if check is None and how == ".numpy()" and _formatted_for_print():
            self.printing = x._value  # f"{x}", "{}".format(x): text for a print at trace
            return                    # time, as str(x); its host read is no decision
        if check is None:
            self.refuse(f"{how} of a value computed from the function's inputs",
                        f"return the value and use {how} on the function's result")
        self.steps.append(("check", s, check, check(x._value)))

    def assign(self, var, how, value, arr, old):
        """``var.assign*(value)`` ran (``arr``: the value as an array, ``old``: the
        Variable's array before): replay it."""
        if id(var) not in self.journal:
            self.journal[id(var)] = (var, old)
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
                if self.relax is not None:
                    self._check_constant(s, arr)
        new = self._new_slot(_OP, None, var._value)
        if self.relax is not None and s in self.shadow:
            self.hold(f"{how} to Variable '{var.name}' of a value whose shape varies")
        if how == "assign":
            self.steps.append(("assign", var, s, new, True))
        else:
            op = _ADD if how == "assign_add" else _SUBTRACT
            self.steps.append(("op", op, (self.by_uid[var._uid], s), {}, (new,)))
            self.steps.append(("assign", var, new, None, False))
        self.by_uid[var._uid] = new  # later reads see the new value

    def create(self, var):
        """A Variable was created while tracing."""
        self.created.append(var)

    def will_draw(self, generator):
        """A draw from ``generator`` (not the global one) is about to happen."""
        from . import random
        random._also_save(self.rng, generator)

    def undo(self):
        """Put back the Variables assigned and the random generator drawn from."""
        for var, old in self.journal.values():
            var._value = old
        self.journal.clear()
        _set_random_state(self.rng)

    def close_scope(self, result):
        """The Tensors computed while tracing go out of scope; ``result`` with the
        ones it holds as new Tensors of the same values."""
        made = {id(t): t for t in self.made}
        if type(result) is Tensor:
            result = wrap(result._value) if id(result) in made else result
        elif result is not None:  # an IndexedSlices' tensors too
            flat = nest.flatten(result, expand_composites=True)
            result = nest.pack_sequence_as(
                result, [wrap(x._value) if id(x) in made else x for x in flat],
                expand_composites=True)
        for t in self.made:
            v = t._value
            if isinstance(v, (np.ndarray, np.generic)):
                t._value = _OutOfScope(v, self.name)
        self.made = []
        return result

    def host_read(self, value, predicate, result):
        """A rule read ``value`` on the host: the replay checks the reading again."""
        if value is self.printing:
            self.printing = None
            return
        s = self._traced(value)
        if s is not None:
            expected = np.array(value, copy=True) if predicate is None else result
            if predicate is None and self.relax is not None and s in self.shadow:
                self.hold("a rule reads a value whose shape varies to decide")
            self.steps.append(("check", s, predicate, expected))

    name = "a function"

    def _fold_constants(self):
        """The steps, with each op of constants only replaced by its traced result
        (a cotangent seed, the ``1/n`` of a mean's gradient): nothing to redo."""
        kinds, steps = self.kinds, []
        for step in self.steps:
            if step[0] == "op" and not step[1].stateful and \
                    all(kinds[s] == _CONST for s in _reads(step)):
                for s in step[4]:
                    kinds[s] = _CONST
                    self.sources[s] = self.alive[s]
                continue
            steps.append(step)
        return steps

    def run_python(self):
        """The function holds a step no program can repeat (a ``py_function``'s
        Python body): every call of this signature runs the Python function."""
        self.numpy_only = False

    def refuse(self, what, fix):
        raise OperatorNotAllowedInGraphError(
            f"gradtape.function cannot trace {what}: a compiled call would not repeat it; "
            f"{fix}, or call the Python function without gradtape.function")

    # -- the program -------------------------------------------------------
    def _check_scalars(self):
        """A float constant equal to a size of the call, or to its inverse, is taken
        for one kept by code that read the size (a metric's count)."""
        read = {s for step in self.steps for s in _reads(step)}
        for s in self.computed_scalars:
            value = np.asarray(self.sources[s])
            if s in read and any(value == n or value == np.asarray(1.0 / n, value.dtype)
                                 for n in self.sizes if n):
                self.hold(f"a constant {value!r} equals a size of this call or its inverse")
                return

    def compile(self, result, name):
        self.name = name
        if self.relax is not None and self.fixed is None:
            self._check_scalars()
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
    if kind == "op":
        if step[3] and any(type(v) is _ShapeOf for v in step[3].values()):
            return step[2] + tuple(v.slot for v in step[3].values() if type(v) is _ShapeOf)
        return step[2]
    return (step[1],) if kind == "check" else (step[2],)


def _writes(step):
    kind = step[0]
    return step[4] if kind == "op" else () if kind == "check" or step[3] is None else (step[3],)


def _needed_steps(steps, wanted):
    """The steps an output, a check, an assignment or an effect (``tf.print``)
    depends on, in order."""
    kept = []
    for step in reversed(steps):
        if step[0] == "op" and wanted.isdisjoint(step[4]) and step[1] not in EFFECTS:
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


def _undo_lines(tracer, steps, env, head):
    """What a replay that stops part-way runs to undo its effects: the arrays
    of the Variables it assigns, and the state of the generators it draws from
    before a check (a failed check traces again, which draws again).  Saving
    them is added to ``head``."""
    undo = []
    for step in steps:
        if step[0] == "assign":
            s = tracer.first_slot[step[1]._uid]
            if f"    o{s} = var{s}._value" not in head:
                env[f"var{s}"] = step[1]
                head.append(f"    o{s} = var{s}._value")
                undo.append(f"        var{s}._value = o{s}")
    draws = [i for i, step in enumerate(steps)
             if step[0] == "op" and step[1].stateful and step[1] not in EFFECTS]
    if draws and any(step[0] == "check" for step in steps[draws[0]:]):
        env["_random_state"], env["_set_random_state"] = _random_state, _set_random_state
        generators = [steps[i][3].get("generator") for i in draws]
        env["_generators"] = [g for g in generators if g is not None]
        head.append("    rng = _random_state(_generators)")
        undo.append("        _set_random_state(rng)")
    return undo


def _variable_params(tracer):
    """The replay's parameters for the Variable arguments: ``var{slot}`` for the
    first of each Variable the trace used (it stands for the global of that name)."""
    params, named = [], set()
    for i, var in enumerate(tracer.variable_args):
        s = tracer.first_slot.get(var._uid)
        params.append(f"var{s}" if s is not None and s not in named else f"_unused{i}")
        named.add(s)
    return params


def _random_state(generators=()):
    """What draws change (``gradtape.random``'s state and ``generators``'), to undo
    the draws of a trace."""
    from . import random
    return random._draw_state(generators)


def _set_random_state(states):
    from . import random
    random._set_draw_state(states)


def _own(value):
    """``value`` as an array object no one else holds (same data)."""
    if type(value) is np.ndarray:
        return value.view()
    return value.copy() if isinstance(value, np.generic) else value


# the checks a replay makes, as globals of the generated code
def _same(value, expected):
    return value.shape == expected.shape and bool((value == expected).all())


class _Program:
    """A trace as generated Python: one line per op, on arrays."""

    def __init__(self, tracer, steps, outputs, flat, structure, name):
        self.structure = structure
        self.flat_list = type(structure) is list and len(structure) == len(flat) and \
            not any(nest.is_nested(x) for x in structure)
        self.one_tensor = len(flat) == 1 and type(structure) is int  # the leaf itself
        self.leaf_slots = outputs
        self.variable_args = list(tracer.variable_args)
        passed = {id(v) for v in self.variable_args}
        self.captured = {id(v) for v in tracer.variables() if id(v) not in passed}
        self.shared = False  # may it replay calls with other Variables (Function._run_traced)
        self.constant_leaves = [None if s is not None else x for s, x in zip(outputs, flat)]
        self.run, self.source = self._generate(tracer, steps, outputs, name)

    def pack(self, arrays):
        leaves = [wrap(a) if s is not None else c
                  for a, s, c in zip(arrays, self.leaf_slots, self.constant_leaves)]
        if self.flat_list:  # the common cases, without nest
            return leaves
        if self.one_tensor:
            return leaves[0]
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
        params = [f"v{s}" for _, s in args] + _variable_params(tracer)
        head = [f"def replay({', '.join(params)}):"]
        lines = []
        used = {s for step in steps for s in _reads(step)}
        used.update(s for s in outputs if s is not None)
        for s in sorted(used):
            if kinds[s] == _VAR:
                env[f"var{s}"] = sources[s]
                head.append(f"    v{s} = var{s}._value")
        undo = _undo_lines(tracer, steps, env, head)
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
            if op in EFFECTS:  # run at the end, once every check has passed
                env[f"c{i}"] = params
                args = "".join(a + ", " for a in ["NP"] * bound + [ref(s) for s in ins])
                lines.append(f"    _effects.append((f{i}, ({args}), c{i}))")
                lines.extend(f"    v{s} = None" for s in outs)
                continue
            call = ", ".join(["NP"] * bound + [ref(s) for s in ins] + [
                f"{k}={ref(v.slot)}.shape" if type(v) is _ShapeOf else f"{k}=c{i}_{j}"
                for j, (k, v) in enumerate(params.items())])
            for j, value in enumerate(params.values()):
                env[f"c{i}_{j}"] = value
            target = ", ".join(f"v{s}" for s in outs) + ("," if op.multi and len(outs) == 1 else "")
            lines.append(f"    {target} = f{i}({call})")
        # a constant result is copied: each call's result is the caller's to change
        results = [("None" if s is None else f"{ref(s)}.copy()" if kinds[s] == _CONST else ref(s))
                   for s in outputs]
        if any(step[0] == "op" and step[1] in EFFECTS for step in steps):
            lines.insert(0, "    _effects = []")
            lines.append("    for _f, _a, _k in _effects: _f(*_a, **_k)")
        lines.append(f"    return ({''.join(r + ', ' for r in results)})")
        if undo:  # a replay that stops part-way puts back what it changed
            lines = (["    try:"] + ["    " + line for line in lines]
                     + ["    except BaseException:"] + undo + ["        raise"])
        source = "\n".join(head + lines)
        code = compile(source, f"<gradtape.function {name}>", "exec")
        exec(code, env)  # noqa: S102 - our own generated code
        return env["replay"], _annotated(source, op_names)
