"""GradientTape: records ops while active and computes gradients in reverse mode.

It mirrors TensorFlow's eager ``tf.GradientTape``: Variables are watched on
read, Tensors only when asked; several or non-scalar targets are summed;
a non-persistent tape gives one set of gradients and frees what it held.
"""
from __future__ import annotations
import contextlib
from itertools import repeat
import warnings
from types import MappingProxyType

import numpy as np

from ._core.dtypes import NUMPY_INEXACT_KINDS as _INEXACT_KINDS, kind
from ._core.backend import ones_for, zeros_for
from .diagnostics import explain as _explain, history as _history, render as _render
from ._core import nest, trace
from ._core.reverse import TapeRecorder, backward
from ._core.rows import backward_rows
from ._core.tensor import TensorLike, wrap
from ._core.convert import convert_to_tensor
from .diagnostics.debugging import numerics_checker
from .unconnected import JACOBIAN_CHUNK_BYTES as _DEFAULT_CHUNK_BYTES
from .unconnected import UnconnectedGradients  # noqa: F401  (gradtape.tape's name too)
from .unconnected import as_unconnected as _as_unconnected, check_source as _check_source
from .errors import InvalidArgumentError
from .indexed_slices import IndexedSlices, backward_with_slices
from .variables import Variable
from typing import Any, Iterator, Optional, Tuple, Union
from ._core.types import Nested, Tensor, TensorInput

_NONE, _ZERO = UnconnectedGradients.NONE, UnconnectedGradients.ZERO
_USED_MESSAGE = ("A non-persistent GradientTape can only be used to compute one set of "
                 "gradients (or jacobians)")

#: Bytes the stacked cotangents of one vectorized Jacobian chunk may take.
JACOBIAN_CHUNK_BYTES = _DEFAULT_CHUNK_BYTES


def _all_tensors(items):
    """Whether every item of a list or tuple is a tensor or Variable (at C speed:
    a step passes its hundred sources here twice)."""
    return all(map(isinstance, items, repeat(TensorLike)))


def _flatten(structure):
    """The leaves of ``structure``; a tensor or a flat list or tuple of them is quick."""
    if isinstance(structure, TensorLike):
        return [structure]
    if type(structure) in (list, tuple) and _all_tensors(structure):
        return list(structure)
    return nest.flatten(structure)


def _pack_as(structure, flat):
    """``flat`` in the structure of ``structure`` (the inverse of ``_flatten``)."""
    if isinstance(structure, TensorLike):
        return flat[0]
    if type(structure) is list and _all_tensors(structure):
        return flat
    return nest.pack_sequence_as(structure, flat)


def _flat_sources(sources):
    """The leaves of ``sources``, each checked to be a tensor or Variable."""
    if type(sources) in (list, tuple) and _all_tensors(sources):
        return list(sources)
    flat = nest.flatten(sources)
    for s in flat:
        _check_source(s)
    return flat


def _flat_targets(target):
    """The leaves of ``target``, each a tensor or Variable: as TensorFlow, a
    Python number, NumPy value or None is refused (it depends on no source)."""
    flat = [convert_to_tensor(t) if isinstance(t, IndexedSlices) else t
            for t in _flatten(target)]
    for t in flat:
        if not isinstance(t, TensorLike):
            raise TypeError(f"Argument `target` should be a list or nested structure of "
                            f"Tensors, Variables or CompositeTensors to be differentiated, "
                            f"but received {t!r} of type {type(t).__name__}; compute the "
                            "target with tensor ops inside the tape")
    return flat


def _floating_source(s):
    """Whether a source's dtype has gradients; warns as TensorFlow does if not."""
    if kind(s._value.dtype) in "fc":
        return True
    warnings.warn(f"The dtype of the source tensor must be floating (e.g. "
                  f"tf.float32) when calling GradientTape.gradient, got "
                  f"{s.dtype!r}; its gradient is None", stacklevel=4)  # (above the listcomp)
    return False


# A scalar target's first cotangent: a NumPy scalar cannot be written to, so
# one per type serves every gradient() (an array's ones are made each time).
_SCALAR_ONES = {t: t(1) for t in (np.float16, np.float32, np.float64, np.longdouble,
                                  np.complex64, np.complex128, np.clongdouble)}


def _ones_of(value):
    """Ones of ``value``'s dtype and shape: the cotangent a target starts with."""
    one = _SCALAR_ONES.get(type(value))
    return ones_for(value) if one is None else one


def _zeros_of(x):
    v = x._value
    return wrap(zeros_for(v))


class GradientTape:
    """Record operations for automatic differentiation in reverse mode.

    >>> import gradtape as tf
    >>> x = tf.Variable(3.0)
    >>> with tf.GradientTape() as tape:
    ...     y = x ** 2
    >>> tape.gradient(y, x)
    <tf.Tensor: shape=(), dtype=float32, numpy=6.0>
    """

    # (read before __init__ sets them, as __del__ may be; the rest replaced, never mutated)
    _rec = None
    _recording = False
    _entered = False
    _spent_variables = MappingProxyType({})
    _skeleton = None   # what explain needs once a non-persistent tape is spent

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self._persistent = bool(persistent)
        self._watch_accessed_variables = bool(watch_accessed_variables)
        self._rec = TapeRecorder(self._watch_accessed_variables)
        self._events = []       # (kind, uid mark, code, lasti): when it recorded, for explain
        self._watch_sites = {}  # tensor id -> where tape.watch skipped it

    # -- context --------------------------------------------------------
    def __enter__(self):
        if self._rec is None:
            raise RuntimeError(_USED_MESSAGE)
        if self._recording:
            raise ValueError("This GradientTape is already recording; a tape can be "
                             "entered only once at a time")
        trace.push(self._rec)
        self._recording = True
        self._entered = True
        _history._note_event(self, "enter", 2)
        return self

    def __exit__(self, *exc):
        if self._recording:
            trace.pop(self._rec)
            self._recording = False
            _history._note_event(self, "exit")

    def __del__(self):
        if self._recording:
            trace.pop(self._rec)

    @contextlib.contextmanager
    def stop_recording(self) -> Iterator[None]:
        """Temporarily stop recording ops on this tape.

        >>> import gradtape as tf
        >>> x = tf.Variable(2.0)
        >>> with tf.GradientTape() as tape:
        ...     with tape.stop_recording():
        ...         y = x * x
        >>> print(tape.gradient(y, x))
        None
        """
        if not self._entered:  # TensorFlow's two errors, in its words
            raise RuntimeError("Trying to stop recording a tape which is not recording.")
        if not self._recording:
            raise ValueError("Tape is not recording.")
        trace.pop(self._rec)
        self._recording = False
        _history._note_event(self, "pause", 3)
        try:
            yield
        finally:
            if self._rec is None:  # a gradient spent it meanwhile: as TensorFlow, a new tape
                self._rec, self._skeleton = TapeRecorder(self._watch_accessed_variables), None
            trace.push(self._rec)
            self._recording = True
            _history._note_event(self, "resume")

    def reset(self) -> None:
        """Clear everything recorded so far; the tape keeps recording (it must be).

        >>> import gradtape as tf
        >>> x = tf.Variable(2.0)
        >>> with tf.GradientTape() as tape:
        ...     y = x * x
        ...     tape.reset()
        ...     y = x * 3.0
        >>> tape.gradient(y, x).numpy()
        3.0
        """
        if not self._recording:  # TensorFlow's error, in its words
            raise ValueError("Tape is not recording.")
        _history._note_event(self, "reset", 2)
        trace.pop(self._rec)
        self._rec = TapeRecorder(self._watch_accessed_variables)
        self._recording = False
        self.__enter__()

    # -- watching -------------------------------------------------------
    def watch(self, tensor: Nested) -> None:
        """Track a tensor (or a nested structure of them) so gradients reach it.

        >>> import gradtape as tf
        >>> x = tf.constant(3.0)
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        >>> tape.gradient(y, x).numpy()
        6.0
        """
        self._live()
        for t in nest.flatten(tensor):
            _check_source(t, "tape.watch")
            if not t.dtype.differentiable:
                warnings.warn(f"The dtype of the watched tensor must be floating (e.g. "
                              f"tf.float32), got {t.dtype!r}", stacklevel=2)
                self._watch_sites[t._uid] = _history._user_site()
                continue
            if isinstance(t, Variable):
                self._rec.add_variable(t)
            else:
                self._rec.watch(t)

    def watched_variables(self) -> Tuple[Any, ...]:
        """The Variables this tape watches, in the order they were created.

        >>> import gradtape as tf
        >>> a, b = tf.Variable(1.0, name="a"), tf.Variable(2.0, name="b")
        >>> with tf.GradientTape() as tape:
        ...     y = b * a
        >>> [v.name for v in tape.watched_variables()]
        ['a:0', 'b:0']
        """
        variables = self._rec.variables if self._rec is not None else self._spent_variables
        return tuple(v for _, v in sorted(variables.items()))

    def _spend(self):
        """Free the recording of a non-persistent tape (it remembers its Variables)."""
        self._spent_variables = self._rec.variables
        if self._skeleton is None:
            _history._keep_for_explain(self)
        self._rec = None

    def _live(self):
        if self._rec is None:
            raise RuntimeError(_USED_MESSAGE)

    def _sweep(self, target_cts, source_uids, persistent, batch_shape=(), slices=False):
        """One backward sweep over the recording (``reverse.backward``, or
        ``rows.backward_rows`` for cotangents with leading ``batch_shape``
        axes), each VJP checked while ``check_numerics`` is active."""
        check = numerics_checker(self._rec)
        if batch_shape:
            return backward_rows(self._rec, target_cts, source_uids, persistent, batch_shape,
                                 check)
        if slices:  # gradient(): a source read only by gathers gets IndexedSlices
            return backward_with_slices(self._rec, target_cts, source_uids, persistent, check)
        return backward(self._rec, target_cts, source_uids, persistent, check)

    # -- gradients ------------------------------------------------------
    def gradient(self, target: Nested, sources: Nested, output_gradients: Nested = None,
                 unconnected_gradients: Union[UnconnectedGradients, str] = UnconnectedGradients.NONE
                 ) -> Nested:
        """The gradient of ``target`` (summed over its elements and over nested
        targets) with respect to each of ``sources``, in ``sources``' structure.

        >>> import gradtape as tf
        >>> w, b = tf.Variable([[1.0], [2.0]]), tf.Variable([0.5])
        >>> with tf.GradientTape() as tape:
        ...     loss = tf.reduce_sum(tf.constant([[1.0, 1.0]]) @ w + b)
        >>> grads = tape.gradient(loss, {"w": w, "b": b})
        >>> grads["w"].numpy().ravel(), grads["b"].numpy()
        (array([1., 1.], dtype=float32), array([1.], dtype=float32))
        """
        if self._rec is None:
            raise RuntimeError(_USED_MESSAGE)
        unconnected = (unconnected_gradients if unconnected_gradients is _NONE
                       else _as_unconnected(unconnected_gradients))
        persistent = self._persistent
        if self._recording and not persistent:
            self.__exit__()
        flat_sources = [sources] if isinstance(sources, TensorLike) else _flat_sources(sources)
        flat_targets = [target] if isinstance(target, TensorLike) else _flat_targets(target)
        target_cts = self._initial_cotangents(flat_targets, output_gradients)
        wanted = [s._uid for s in flat_sources
                  if s._value.dtype in _INEXACT_KINDS or _floating_source(s)]
        if not persistent:  # backward frees the entries explain reads later
            self._skeleton = _history._graph_of(self._rec)
        found = self._sweep(target_cts, wanted, persistent, slices=True)
        if not persistent:
            self._spend()
        if unconnected is _ZERO:
            grads = [self._finish(found.get(s._uid), s, unconnected) for s in flat_sources]
        else:
            grads = [found.get(s._uid) for s in flat_sources]
        return _pack_as(sources, grads)

    @staticmethod
    def _finish(g, source, unconnected):
        if g is None:
            if unconnected is UnconnectedGradients.ZERO:
                return _zeros_of(source)
            return None
        return g

    @staticmethod
    def _initial_cotangents(flat_targets, output_gradients):
        """``(uid, cotangent)`` of each target with a floating dtype: ones, or
        its ``output_gradients`` (checked against every target)."""
        if output_gradients is None:
            if len(flat_targets) == 1 and flat_targets[0]._value.dtype in _INEXACT_KINDS:
                t = flat_targets[0]  # (the usual case: one loss)
                return [(t._uid, wrap(_ones_of(t._value)))]
            return [(t._uid, wrap(_ones_of(t._value))) for t in flat_targets
                    if kind(t._value.dtype) in "fc"]
        flat_og = nest.flatten(output_gradients)
        if len(flat_og) != len(flat_targets):
            raise ValueError(f"output_gradients must have the structure of target: got "
                             f"{len(flat_og)} output gradients for {len(flat_targets)} targets")
        out = []
        for t, og in zip(flat_targets, flat_og):
            if og is None:
                out.append(wrap(_ones_of(t._value)))
                continue
            og = convert_to_tensor(og, dtype_hint=t.dtype)
            if og._value.shape != t._value.shape:
                raise ValueError(f"output_gradients: shape {tuple(og.shape)} does not match "
                                 f"its target's shape {tuple(t.shape)}")
            if og.dtype != t.dtype:
                raise InvalidArgumentError(f"output_gradients: dtype {og.dtype.name} does not "
                                           f"match its target's dtype {t.dtype.name}")
            out.append(og)
        return [(t._uid, ct) for t, ct in zip(flat_targets, out) if kind(t._value.dtype) in "fc"]

    # -- Jacobians ------------------------------------------------------
    def jacobian(self, target: TensorInput, sources: Nested,
                 unconnected_gradients: Union[UnconnectedGradients, str] = UnconnectedGradients.NONE,
                 parallel_iterations: Optional[int] = None,
                 experimental_use_pfor: bool = True) -> Nested:
        """The Jacobian of ``target`` with respect to each source: shape
        ``target.shape + source.shape``, computed in vectorized backward sweeps.

        ``parallel_iterations`` caps the number of Jacobian rows per sweep; by
        default a sweep's stacked cotangents stay under ``JACOBIAN_CHUNK_BYTES``.

        >>> import gradtape as tf
        >>> x = tf.constant([1.0, 2.0])
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        >>> tape.jacobian(y, x).numpy()
        array([[2., 0.],
               [0., 4.]], dtype=float32)
        """
        from .jacobians import jacobian
        return jacobian(self, target, sources, _as_unconnected(unconnected_gradients),
                        parallel_iterations, experimental_use_pfor, JACOBIAN_CHUNK_BYTES)

    def batch_jacobian(self, target: TensorInput, source: TensorInput,
                       unconnected_gradients: Union[UnconnectedGradients, str] = UnconnectedGradients.NONE,
                       parallel_iterations: Optional[int] = None,
                       experimental_use_pfor: bool = True) -> Optional[Tensor]:
        """Per-example Jacobians: shape ``(batch,) + target.shape[1:] + source.shape[1:]``,
        assuming example ``i`` of ``target`` depends only on example ``i`` of ``source``.

        >>> import gradtape as tf
        >>> x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        >>> tape.batch_jacobian(y, x).shape
        TensorShape([2, 2, 2])
        """
        from .jacobians import batch_jacobian
        return batch_jacobian(self, target, source, _as_unconnected(unconnected_gradients),
                              parallel_iterations, experimental_use_pfor, JACOBIAN_CHUNK_BYTES)

    # -- explaining and inspecting ---------------------------------------
    def explain(self, target: Nested, sources: Nested) -> Any:
        """Why each source's gradient is (or is not) None: one reason per source,
        with the place in user code and the fix (see ``gradtape.explain``).

        >>> import gradtape as tf
        >>> x = tf.Variable(2.0)
        >>> with tf.GradientTape() as tape:
        ...     y = float(x * x) * 3.0
        >>> tape.explain(y, x).reasons[0].category
        'left_tape'
        """
        return _explain.explain(self, target, sources)

    def summary(self, targets: Nested = ()) -> str:
        """The recorded ops, one per line (see ``gradtape.explain.summary``).

        >>> import gradtape as tf
        >>> x = tf.Variable(2.0, name="x")
        >>> with tf.GradientTape() as tape:
        ...     y = x * x
        >>> print(tape.summary(y).splitlines()[1])  # doctest: +ELLIPSIS
          %0:f32[] = multiply('x:0':f32[], 'x:0':f32[])  # <doctest ...>:2
        """
        return _render.summary(self, targets)

    def __str__(self):
        return self.summary()

    def to_dot(self, targets: Nested = ()) -> str:
        """The recorded graph as Graphviz DOT text (see ``gradtape.explain.to_dot``).

        >>> import gradtape as tf
        >>> x = tf.Variable(2.0)
        >>> with tf.GradientTape() as tape:
        ...     y = x * x
        >>> tape.to_dot(y).startswith("digraph")
        True
        """
        return _render.to_dot(self, targets)

    def memory(self) -> Any:
        """Bytes of array data the tape holds, per op, per user line and in total.

        >>> import gradtape as tf
        >>> x = tf.Variable([1.0, 2.0])
        >>> with tf.GradientTape() as tape:
        ...     y = tf.exp(x)
        >>> tape.memory().total >= 0
        True
        """
        return _render.memory(self)
