"""Variable: a named, mutable, trainable holder of a tensor value.

Reading a Variable while a tape is active watches it (if trainable and the
tape auto-watches) and hands ops a snapshot: a later ``assign`` replaces the
Variable's array and never changes what a tape already recorded.
"""
from __future__ import annotations

import weakref

import numpy as np

from ._core.backend import NUMPY, backend_of
from ._core import state as _state, trace
from ._core.dtypes import NUMPY_INEXACT_KINDS, as_dtype
from ._core.errors import InvalidArgumentError
from ._core.reverse import TapeRecorder
from ._core.tensor import TensorLike, TensorShape, _new_shape, _next_uid, _text, to_array, wrap
from .name_scope import current_scope
from .rules.indexing import _is_strided_slice, getitem as _getitem
from typing import Any, Callable, Optional
from ._core.types import DTypeLike, ShapeLike, Tensor, TensorInput


def _stored(arr, copy):
    """What a Variable holds: a NumPy array (a private copy if asked), or the
    array of another namespace as it is (never moved; those are not mutated)."""
    if isinstance(arr, (np.ndarray, np.generic)):
        return np.array(arr, copy=True) if copy else np.asarray(arr)
    return arr


class Variable(TensorLike):
    """A mutable tensor value that tapes watch automatically when trainable.

    >>> import gradtape as tf
    >>> v = tf.Variable([1.0, 2.0], name="weight")
    >>> v
    <tf.Variable 'weight:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>
    >>> _ = v.assign_add([1.0, 1.0])
    >>> v.numpy()
    array([2., 3.], dtype=float32)
    """

    __slots__ = ("_value", "_uid", "_name", "_trainable", "_constraint", "_shape",
                 "__weakref__")

    def __init__(self, initial_value: Any = None, trainable: Optional[bool] = None,
                 validate_shape: bool = True, caching_device: Any = None, name: Optional[str] = None,
                 variable_def: Any = None, dtype: Optional[DTypeLike] = None, import_scope: Any = None,
                 constraint: Any = None, synchronization: Any = None, aggregation: Any = None,
                 shape: Optional[ShapeLike] = None,
                 experimental_enable_variable_lifting: bool = True) -> None:
        if initial_value is None:
            raise ValueError("Variable: initial_value must be given")
        if constraint is not None and not callable(constraint):
            raise ValueError(f"Variable: constraint must be None or a callable, got "
                             f"{constraint!r}")
        if callable(initial_value):
            initial_value = initial_value()
        arr = to_array(initial_value, None if dtype is None else as_dtype(dtype))
        self._value = _stored(arr, isinstance(initial_value, TensorLike))
        self._uid = _next_uid()
        self._name = current_scope() + (name or "Variable") + ":0"
        self._trainable = True if trainable is None else bool(trainable)
        self._constraint = constraint
        self._shape = None if shape is None else _declared_shape(shape, arr.shape)
        _tell_tracer(self, "create", None, None, None)

    def __reduce__(self):
        # a copy (pickle, deepcopy, another process) is a new Variable with its own id
        return _rebuild, (self._value, self._trainable, self._name, self._shape,
                          self._constraint)

    @property
    def shape(self) -> TensorShape:
        """The shape given at construction (it may leave dimensions, or the rank,
        unknown: ``shape=tf.TensorShape(None)``), else the value's shape.

        >>> import gradtape as tf
        >>> v = tf.Variable([1.0, 2.0], shape=tf.TensorShape(None))
        >>> v.shape, v.assign([1.0, 2.0, 3.0]).numpy()
        (TensorShape(None), array([1., 2., 3.], dtype=float32))
        """
        return _new_shape(TensorShape, self._value.shape) if self._shape is None else self._shape

    # -- reading ---------------------------------------------------------
    def _read(self, _new=Tensor.__new__, _T=Tensor):
        """A Tensor snapshot of the current value that tapes know as this Variable."""
        stack = getattr(_state.local, "stack", ())
        if stack:
            return self._read_under(stack)
        t = _new(_T)
        t._value = self._value
        t._uid = self._uid
        return t

    def _read_under(self, stack, _new=Tensor.__new__, _T=Tensor):
        """``_read`` while the recorders ``stack`` (this thread's, not empty) are active."""
        t = _new(_T)
        t._value = self._value
        t._uid = self._uid
        if self._trainable:
            for rec in stack:
                rec.watch_variable(self)
        else:  # gradtape.explain says where an untrainable source was read
            for rec in stack:
                rec.note_read(self)
        if stack[0].traces_ops:  # a gradtape.function: a read, not a snapshot from before
            stack[0].fresh_read(t)
        return t

    def read_value(self) -> Tensor:
        """The current value as a Tensor of its own (recorded as a read by active tapes).

        As in TensorFlow, each read is a new tensor: a gradient with respect
        to it counts only the uses of that read, while the Variable's
        gradient counts every read.

        >>> import gradtape as tf
        >>> x = tf.Variable(2.0)
        >>> with tf.GradientTape() as tape:
        ...     a, b = x.read_value(), x.read_value()
        ...     y = a * b * b
        >>> [g.numpy() for g in tape.gradient(y, [x, a, b])]
        [12.0, 4.0, 8.0]
        """
        # a view: an array of its own (so a gradtape.function takes the read for a
        # snapshot, not for the Variable), without a copy
        stack = getattr(_state.local, "stack", ())
        if not stack:
            return wrap(self._value[...])
        read = self._read_under(stack)
        read._value = read._value[...]
        from .rules.shape import identity  # it links the new tensor to the Variable
        return identity(read)

    value = read_value

    @property
    def name(self) -> str:
        """The name, TensorFlow-style: ``'weight:0'``; as in eager TensorFlow,
        names are not made unique, so every unnamed Variable is ``'Variable:0'``.

        >>> import gradtape as tf
        >>> a, b = tf.Variable(1.0), tf.Variable(2.0, name="w")
        >>> a.name, b.name, tf.Variable(3.0).name
        ('Variable:0', 'w:0', 'Variable:0')
        """
        return self._name

    @property
    def trainable(self) -> bool:
        """Whether tapes watch this Variable automatically."""
        return self._trainable

    @property
    def constraint(self) -> Optional[Callable[..., Any]]:
        """The projection optimizers apply after each update (None: none).

        ``assign`` does not apply it; as in Keras, an optimizer assigns
        ``constraint(variable)`` after updating the variable.

        >>> import gradtape as tf
        >>> w = tf.Variable([1.0, -2.0], constraint=lambda v: tf.maximum(v, 0.0))
        >>> _ = tf.optimizers.SGD(1.0).apply_gradients([(tf.constant([1.0, 1.0]), w)])
        >>> w.numpy()
        array([0., 0.], dtype=float32)
        """
        return self._constraint

    def _label(self):
        """How explanations name this Variable: ``Variable 'w:0'``; every unnamed
        Variable is ``'Variable:0'`` (as in TensorFlow), so its id tells them apart."""
        unnamed = self._name.rpartition("/")[2] == "Variable:0"
        return f"Variable '{self._name}'" + (f" (id={self._uid})" if unnamed else "")

    # -- writing ---------------------------------------------------------
    def _new_value(self, value, what):
        arr = to_array(value._read() if isinstance(value, TensorLike) else value)
        if trace._active[0] and isinstance(value, TensorLike):
            trace.notify_escape(value, f"{what} into {self._label()}")
        target = self._value
        if arr.dtype != target.dtype:
            if isinstance(value, TensorLike):
                raise ValueError(
                    f"Tensor conversion requested dtype {self.dtype.name} for Tensor with "
                    f"dtype {value.dtype.name}: {value!r} ({what} to Variable "
                    f"'{self._name}': cast the value with gradtape.cast)")
            arr = to_array(value, self.dtype)
        if type(arr) is not type(target) and not isinstance(value, TensorLike) \
                and backend_of(target) is not NUMPY:
            arr = backend_of(target).asarray(arr)  # a host value assigned to another namespace
        if self._shape is not None:
            if not self._shape.is_compatible_with(arr.shape):
                raise ValueError(
                    f"{what}: cannot assign a value of shape {tuple(arr.shape)} to Variable "
                    f"'{self._name}', declared with shape {self._shape}; shapes must be "
                    "compatible")
        elif arr.shape != target.shape:
            if what in ("assign_add", "assign_sub"):  # TensorFlow's update kernels refuse it
                raise InvalidArgumentError(
                    f"Cannot update variable with shape {list(target.shape)} using a Tensor "
                    f"with shape {list(arr.shape)}, shapes must be equal ({what} to Variable "
                    f"'{self._name}')")
            raise ValueError(
                f"{what}: cannot assign a value of shape {tuple(arr.shape)} to Variable "
                f"'{self._name}' of shape {tuple(target.shape)}; shapes must match")
        return arr

    def assign(self, value: TensorInput, use_locking: bool = False, name: Optional[str] = None,
               read_value: bool = True) -> Any:
        """Replace the value (same shape and dtype); returns the Variable
        (None with ``read_value=False``, as TensorFlow).

        An assignment is state, not an op: no gradient flows through it.

        >>> import gradtape as tf
        >>> tf.Variable(1.0).assign(4.0).numpy()
        4.0
        """
        arr = self._new_value(value, "assign")
        old, self._value = self._value, _stored(arr, True)
        _tell_tracer(self, "assign", value, arr, old)
        _accessed(self)
        return self if read_value else None

    def assign_add(self, delta: TensorInput, use_locking: bool = False, name: Optional[str] = None,
                   read_value: bool = True) -> Any:
        """Add ``delta`` to the value; returns the Variable (None with ``read_value=False``).

        >>> import gradtape as tf
        >>> tf.Variable(1.0).assign_add(2.0).numpy()
        3.0
        """
        arr = self._new_value(delta, "assign_add")
        old, self._value = self._value, _stored(self._value + arr, False)
        _tell_tracer(self, "assign_add", delta, arr, old)
        _accessed(self)
        return self if read_value else None

    def assign_sub(self, delta: TensorInput, use_locking: bool = False, name: Optional[str] = None,
                   read_value: bool = True) -> Any:
        """Subtract ``delta`` from the value; returns the Variable (None with ``read_value=False``).

        >>> import gradtape as tf
        >>> tf.Variable(1.0).assign_sub(2.0).numpy()
        -1.0
        """
        arr = self._new_value(delta, "assign_sub")
        old, self._value = self._value, _stored(self._value - arr, False)
        _tell_tracer(self, "assign_sub", delta, arr, old)
        _accessed(self)
        return self if read_value else None

    # -- scattered updates (computed by gradtape ops, then assigned) ------------
    def scatter_nd_update(self, indices: TensorInput, updates: TensorInput,
                          name: Optional[str] = None) -> Any:
        """Set the elements (or slices) at ``indices`` to ``updates``; returns the Variable.

        >>> import gradtape as tf
        >>> v = tf.Variable([1.0, 2.0, 3.0, 4.0])
        >>> v.scatter_nd_update([[1], [3]], [9.0, 8.0]).numpy()
        array([1., 9., 3., 8.], dtype=float32)
        """
        from .rules.indexing import tensor_scatter_nd_update
        return self.assign(tensor_scatter_nd_update(self._read(), indices,
                                                    self._of_my_dtype(updates)))

    def scatter_nd_add(self, indices: TensorInput, updates: TensorInput,
                       name: Optional[str] = None) -> Any:
        """Add ``updates`` at ``indices`` (repeated indices add up); returns the Variable.

        >>> import gradtape as tf
        >>> tf.Variable([1.0, 2.0]).scatter_nd_add([[1], [1]], [9.0, 8.0]).numpy()
        array([ 1., 19.], dtype=float32)
        """
        from .rules.indexing import tensor_scatter_nd_add
        return self.assign(tensor_scatter_nd_add(self._read(), indices,
                                                 self._of_my_dtype(updates)))

    def scatter_nd_sub(self, indices: TensorInput, updates: TensorInput,
                       name: Optional[str] = None) -> Any:
        """Subtract ``updates`` at ``indices``; returns the Variable.

        >>> import gradtape as tf
        >>> tf.Variable([1.0, 2.0]).scatter_nd_sub([[0]], [5.0]).numpy()
        array([-4.,  2.], dtype=float32)
        """
        from .rules import negative
        return self.scatter_nd_add(indices, negative(self._of_my_dtype(updates)))

    def _of_my_dtype(self, updates):
        """``updates`` as a tensor of this Variable's dtype (a tensor of another
        dtype is TensorFlow's ValueError)."""
        from ._core.convert import convert_to_tensor
        return convert_to_tensor(updates, dtype=self.dtype)

    def scatter_update(self, sparse_delta: Any, use_locking: bool = False,
                       name: Optional[str] = None) -> Any:
        """Set the rows ``sparse_delta.indices`` to ``sparse_delta.values`` (an
        ``IndexedSlices``); returns the Variable.

        >>> import gradtape as tf
        >>> v = tf.Variable([1.0, 2.0, 3.0])
        >>> v.scatter_update(tf.IndexedSlices(tf.constant([9.0]), tf.constant([2]))).numpy()
        array([1., 2., 9.], dtype=float32)
        """
        return self.scatter_nd_update(*_rows_of(sparse_delta, "scatter_update"))

    def scatter_add(self, sparse_delta: Any, use_locking: bool = False,
                    name: Optional[str] = None) -> Any:
        """Add ``sparse_delta.values`` to the rows ``sparse_delta.indices``; returns the Variable.

        >>> import gradtape as tf
        >>> v = tf.Variable([1.0, 2.0])
        >>> v.scatter_add(tf.IndexedSlices(tf.constant([5.0, 5.0]), tf.constant([0, 0]))).numpy()
        array([11.,  2.], dtype=float32)
        """
        return self.scatter_nd_add(*_rows_of(sparse_delta, "scatter_add"))

    def scatter_sub(self, sparse_delta: Any, use_locking: bool = False,
                    name: Optional[str] = None) -> Any:
        """Subtract ``sparse_delta.values`` from the rows ``sparse_delta.indices``;
        returns the Variable.

        >>> import gradtape as tf
        >>> v = tf.Variable([1.0, 2.0])
        >>> v.scatter_sub(tf.IndexedSlices(tf.constant([5.0]), tf.constant([1]))).numpy()
        array([ 1., -3.], dtype=float32)
        """
        return self.scatter_nd_sub(*_rows_of(sparse_delta, "scatter_sub"))

    def _restore(self, value):
        """Set the value loaded from a checkpoint: like ``assign``, but never
        recorded by a ``gradtape.function`` being traced (it is not a step)."""
        self._value = _stored(self._new_value(value, "restore"), False)

    def __getitem__(self, key: Any) -> Tensor:
        """``v[key]``: a Tensor of the selected elements, as any tensor's; when
        ``key`` is a strided slice (ints, slices, ``...``, ``tf.newaxis``,
        scalar integer tensors) the result's ``assign(value)`` writes ``value``
        (broadcast to the slice) back into the Variable and returns the Variable.

        As in TensorFlow, an assignment is not differentiable, and only a slice
        read directly from the Variable has ``assign`` (``v[0][1]`` has not).

        >>> import gradtape as tf
        >>> v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
        >>> v[:, 0].assign([9.0, 8.0]).numpy()
        array([[9., 2.],
               [8., 4.]], dtype=float32)
        """
        out = _getitem(self, key)
        if _is_strided_slice(key):
            _SliceAssign.remember(out, self, key)
        return out

    def numpy(self) -> Any:
        """A copy of the current value as a NumPy array (a NumPy scalar if 0-d).

        Like any read, it makes the active tapes watch the Variable (as in
        TensorFlow), though no gradient flows through the NumPy result.
        """
        self._read()
        if trace._active[0]:
            trace.notify_escape(self, ".numpy()")
        v = self._value
        return v.copy() if v.ndim else v[()]

    def __array__(self, dtype=None, copy=None):
        self._read()  # a read, as numpy() is
        return TensorLike.__array__(self, dtype, True)  # writable, as TensorFlow's

    def __len__(self):
        raise TypeError("object of type 'Variable' has no len(); use len(v.shape) or "
                        "v.shape[0]")  # as TensorFlow's (iterating one works)

    # ``v += 1`` would silently rebind ``v`` to a Tensor: TensorFlow refuses it
    def __iadd__(self, other):
        _in_place("variable += value", "variable.assign_add(value)", "variable + value")

    def __isub__(self, other):
        _in_place("variable -= value", "variable.assign_sub(value)", "variable - value")

    def __imul__(self, other):
        _in_place("var *= value", "var.assign(var * value)", "var * value")

    def __itruediv__(self, other):
        _in_place("var /= value", "var.assign(var / value)", "var / value")

    def __ipow__(self, other):
        _in_place("var **= value", "var.assign(var ** value)", "var ** value")

    def __repr__(self):
        text = _text(self._value, True)
        if "\n" in text:
            text = "\n" + text
        shape = tuple(self._value.shape) if self._shape is None else self._shape
        return (f"<tf.Variable '{self._name}' shape={shape} "
                f"dtype={self.dtype.name}, numpy={text}>")

    def __str__(self):
        return repr(self)


class _SliceAssign:
    """``Tensor.assign``: present only on a slice read from a Variable
    (``v[0].assign(x)``, as TensorFlow's); on any other tensor reading it is
    the usual ``AttributeError`` (``hasattr`` is False).  The slices are known
    by id while alive, so plain tensors carry nothing and pay nothing."""

    # id(tensor) -> (weak reference to it, its Variable, key); the entries of
    # slices gone stay (with their Variable) until the next sweep
    _slices: dict = {}
    _limit = 256  # entries before the next sweep

    @classmethod
    def remember(cls, tensor, var, key, _ref=weakref.ref):
        slices = cls._slices
        if len(slices) >= cls._limit:  # sweep out the slices gone (cheaper than callbacks)
            cls._slices = slices = {uid: e for uid, e in slices.items() if e[0]() is not None}
            cls._limit = max(256, 2 * len(slices))
        slices[id(tensor)] = (_ref(tensor), var, key)

    def __get__(self, tensor, owner=None):
        if tensor is None:
            return self
        entry = self._slices.get(id(tensor))
        if entry is None or entry[0]() is not tensor:
            raise AttributeError(f"'{type(tensor).__name__}' object has no attribute 'assign' "
                                 "(only a slice read from a tf.Variable, v[...], or a "
                                 "Variable itself can be assigned)")
        var, key = entry[1], entry[2]

        def assign(value: TensorInput, name: Optional[str] = None) -> Variable:
            return _assign_slice(var, key, value)
        return assign


def _assign_slice(var, key, value):
    """Write ``value`` (broadcast) into ``var[key]``, computed by gradtape ops
    (so a ``gradtape.function`` replays it) and assigned; returns ``var``."""
    from .rules import broadcast_to, reshape
    from .rules.indexing import _slice_positions, tensor_scatter_nd_update
    value = var._of_my_dtype(value)
    positions = _slice_positions(var._value.shape, key)
    target = tuple(positions.shape)
    try:
        fits = np.broadcast_shapes(tuple(value.shape), target) == target
    except ValueError:
        fits = False
    if not fits:
        raise InvalidArgumentError(
            f"Cannot broadcast input shape {list(value.shape)} into final shape "
            f"{list(target)} (assigning to a slice of Variable '{var._name}')")
    flat = reshape(var._read(), [-1])
    updates = reshape(broadcast_to(value, target), [-1])
    new = tensor_scatter_nd_update(flat, positions.reshape(-1, 1), updates)
    return var.assign(reshape(new, var._value.shape))


Tensor.assign = _SliceAssign()  # type: ignore[attr-defined]


def _in_place(what, update, out):
    raise RuntimeError(f"`{what}` with `tf.Variable`s is not supported. Use `{update}` to "
                       f"modify the variable, or `out = {out}` if you need to get a new "
                       "output Tensor.")


def _rows_of(sparse_delta, what):
    """An ``IndexedSlices``' ``(indices, updates)`` for a ``scatter_nd_*`` update of rows."""
    from .indexed_slices import IndexedSlices
    from .rules import expand_dims
    if not isinstance(sparse_delta, IndexedSlices):
        raise TypeError(f"sparse_delta is not IndexedSlices: {sparse_delta!r} ({what} "
                        "takes tf.IndexedSlices(values, indices))")
    return expand_dims(sparse_delta.indices, -1), sparse_delta.values


def _accessed(var):
    """An assignment is an access: active tapes watch a trainable Variable
    assigned inside them, as TensorFlow's (``watched_variables`` lists it)."""
    if var._trainable and trace._active[0]:
        for rec in trace.stack():
            if type(rec) is TapeRecorder:
                rec.watch_variable(var)


def _tell_tracer(var, how, value, arr, old):
    """A ``gradtape.function`` being traced replays the assignment (and can undo
    it: ``old`` is the array before), or notes the Variable was created."""
    if trace._active[0]:
        tracer = trace.tracer()
        if tracer is not None:
            if how == "create":
                tracer.create(var)
            else:
                tracer.assign(var, how, value, arr, old)


def _declared_shape(shape, value_shape):
    """The ``shape=`` of a Variable, checked against its initial value's."""
    declared = shape if isinstance(shape, TensorShape) else TensorShape(shape)
    if not declared.is_compatible_with(value_shape):
        raise ValueError(f"In this `tf.Variable` creation, the initial value's shape "
                         f"({tuple(value_shape)}) is not compatible with the explicitly "
                         f"supplied `shape` argument ({shape}).")
    return declared


def _rebuild(value, trainable, name, shape=None, constraint=None):
    var = Variable(value, trainable=trainable, constraint=constraint,
                   name=name[:-2] if name.endswith(":0") else name)
    var._name, var._shape = name, shape
    return var


def _use_c_reads():
    """Let the C ``apply`` read a Variable under plain tapes itself (``_read_under``'s
    common case: no Python call per Variable an op reads)."""
    if trace.C_APPLY:
        from ._core import _apply
        _apply.install_reads(Variable, TapeRecorder, NUMPY_INEXACT_KINDS)


_use_c_reads()
