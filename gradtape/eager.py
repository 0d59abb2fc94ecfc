"""TensorFlow's eager-execution utilities: ``executing_eagerly``, ``device``,
``init_scope``, ``get_static_value``, ``is_tensor``, ``py_function`` and
``grad_pass_through``.

gradtape always executes eagerly, except while a ``gradtape.function`` traces
its Python function (then ``executing_eagerly()`` is False, as inside a
``tf.function``).
"""
from __future__ import annotations
import contextlib
import functools
import logging

import numpy as np

from ._core import trace
from ._core.dtypes import DType, as_dtype
from ._core.tensor import TensorLike
from ._core.convert import convert_to_tensor as _convert
from .errors import InvalidArgumentError, OperatorNotAllowedInGraphError
from .variables import Variable
from typing import Any, Callable, Iterator, Optional, Sequence

__all__ = ["control_dependencies", "convert_to_tensor", "device", "executing_eagerly", "get_logger",
           "get_static_value", "grad_pass_through", "gradients", "init_scope",
           "inside_function", "is_tensor", "numpy_function", "py_function"]


def executing_eagerly() -> bool:
    """False while a ``gradtape.function`` is being traced, True otherwise.

    >>> import gradtape as tf
    >>> tf.executing_eagerly()
    True
    >>> tf.function(lambda: tf.constant(tf.executing_eagerly()))().numpy()
    False
    """
    return trace.tracer() is None


def inside_function() -> bool:
    """Whether this code runs while a ``gradtape.function`` is being traced (the
    opposite of ``executing_eagerly``).

    >>> import gradtape as tf
    >>> tf.inside_function()
    False
    """
    return trace.tracer() is not None


def gradients(ys: Any, xs: Any, *args: Any, **kwargs: Any) -> Any:
    """TensorFlow 1's symbolic gradients, which TensorFlow 2 refuses while
    executing eagerly, as gradtape always does: use ``tf.GradientTape``.

    >>> import gradtape as tf
    >>> try:
    ...     tf.gradients(tf.constant(1.0), tf.constant(2.0))
    ... except RuntimeError as e:
    ...     print(e)
    tf.gradients is not supported when eager execution is enabled. Use tf.GradientTape instead.
    """
    raise RuntimeError("tf.gradients is not supported when eager execution is enabled. "
                       "Use tf.GradientTape instead.")


def control_dependencies(control_inputs: Any) -> Any:
    """A context manager that changes nothing: ops run in program order, so the
    ones listed have already run (TensorFlow's eager behaviour).

    >>> import gradtape as tf
    >>> with tf.control_dependencies([tf.constant(1.0)]):
    ...     y = tf.constant(2.0) + 1.0
    >>> y.numpy()
    3.0
    """
    return _nothing()


def get_logger() -> logging.Logger:
    """The ``"tensorflow"`` logger of Python's ``logging``, which TensorFlow
    programs configure with ``tf.get_logger().setLevel(...)``.

    >>> import gradtape as tf
    >>> tf.get_logger().name
    'tensorflow'
    """
    return logging.getLogger("tensorflow")


def convert_to_tensor(value: Any, dtype: Any = None, dtype_hint: Any = None,
                      name: Optional[str] = None) -> Any:
    """Convert a Python number, list, ndarray or tensor to a Tensor.

    Python floats become float32 and ints int32 (TensorFlow's defaults);
    ndarrays keep their dtype.  A tensor of another dtype than ``dtype`` is an
    error, never a silent cast.  A Variable converts to a read of its own, as
    ``read_value()`` (a gradient with respect to it counts only its own uses).

    >>> import gradtape as tf
    >>> tf.convert_to_tensor([1, 2]).dtype, tf.convert_to_tensor(1.5).dtype
    (tf.int32, tf.float32)
    >>> x = tf.Variable(2.0)
    >>> with tf.GradientTape() as tape:
    ...     t = tf.convert_to_tensor(x)
    ...     y = t * x
    >>> [g.numpy() for g in tape.gradient(y, [x, t])]
    [4.0, 2.0]
    """
    if isinstance(value, Variable):
        _convert(value, dtype)  # (the dtype check)
        return value.read_value()
    return _convert(value, dtype, dtype_hint)


def is_tensor(x: Any) -> bool:
    """Whether ``x`` is a gradtape tensor (a ``Tensor`` or a ``Variable``), not an
    array, a number or a list that would convert to one.

    Libraries that find TensorFlow's tensors with ``tf.is_tensor`` (Matplotlib
    does, to plot them) find gradtape's the same way.

    >>> import numpy as np
    >>> import gradtape as tf
    >>> tf.is_tensor(tf.constant(1.0)), tf.is_tensor(tf.Variable(1.0))
    (True, True)
    >>> tf.is_tensor(np.array(1.0)), tf.is_tensor([1.0])
    (False, False)
    """
    return isinstance(x, TensorLike)


@contextlib.contextmanager
def _nothing():
    yield None


def device(device_name: str) -> Any:
    """A context manager naming a device: gradtape computes where its arrays
    live, so this changes nothing (``with tf.device("/GPU:0"):`` runs unchanged).

    >>> import gradtape as tf
    >>> with tf.device("/CPU:0"):
    ...     y = tf.constant(2.0) * 3.0
    >>> y.numpy()
    6.0
    """
    if callable(device_name):
        raise RuntimeError("tf.device does not support functions.")
    return _nothing()


@contextlib.contextmanager
def init_scope() -> Iterator[None]:
    """Run a block outside every tape, accumulator and function trace.

    As TensorFlow's: ops in it are not recorded (gradients do not flow
    through them) and inside a ``gradtape.function`` being traced they run once,
    at trace time, their results becoming constants of the function.

    >>> import gradtape as tf
    >>> x = tf.Variable(2.0)
    >>> with tf.GradientTape() as tape:
    ...     with tf.init_scope():
    ...         y = x * x
    >>> print(tape.gradient(y, x))
    None
    """
    recorders = trace.stack()
    if not recorders:
        yield None
        return
    with trace.outside(recorders[0]):
        yield None


def get_static_value(tensor: Any, partial: bool = False) -> Any:
    """The value of ``tensor`` as NumPy if it is known without running anything.

    An eager Tensor's value (``.numpy()``); ``None`` for a Variable (its value
    may change) and for a value being traced by ``gradtape.function`` from the
    function's inputs; anything that is not a tensor is returned as it is.

    >>> import gradtape as tf
    >>> tf.get_static_value(tf.constant([1, 2]))
    array([1, 2], dtype=int32)
    >>> print(tf.get_static_value(tf.Variable(1.0)))
    None
    """
    if not isinstance(tensor, TensorLike):
        return tensor
    if isinstance(tensor, Variable):
        return None
    try:
        return tensor.numpy()
    except OperatorNotAllowedInGraphError:
        return None


def grad_pass_through(f: Callable[..., Any]) -> Callable[..., Any]:
    """``f`` with the gradient of the identity: its upstream gradient goes
    unchanged to its input (for a non-differentiable ``f``: rounding, an
    assignment).

    >>> import gradtape as tf
    >>> x = tf.Variable(1.3)
    >>> with tf.GradientTape() as tape:
    ...     y = tf.grad_pass_through(tf.round)(x) * 3.0
    >>> y.numpy(), tape.gradient(y, x).numpy()
    (3.0, 3.0)
    """
    from .custom import custom_gradient

    @custom_gradient
    def passed_through(*args, **kwargs):
        def grad(*upstream, **grad_kwargs):
            variables = grad_kwargs.get("variables")
            if variables is not None:
                return upstream, [None] * len(variables)
            return upstream
        return f(*args, **kwargs), grad

    return functools.wraps(f)(passed_through)


def py_function(func: Optional[Callable[..., Any]] = None, inp: Optional[Sequence[Any]] = None, Tout: Any = None,
                name: Optional[str] = None) -> Any:
    """Call the Python function ``func`` on the tensors ``inp``, results converted to ``Tout``.

    Gradients flow through the gradtape ops ``func`` runs, as in eager
    TensorFlow. ``Tout`` a dtype gives one tensor, a list or tuple of dtypes a
    list; without ``func`` it is a decorator (``@tf.py_function(Tout=...)``).

    >>> import gradtape as tf
    >>> x = tf.Variable([1.0, 2.0])
    >>> with tf.GradientTape() as tape:
    ...     y = tf.py_function(lambda a: tf.reduce_sum(a ** 2), [x], tf.float32)
    >>> tape.gradient(y, x).numpy()
    array([2., 4.], dtype=float32)
    """
    if Tout is None:
        raise TypeError("Missing required argument: 'Tout'\n  If using tf.py_function as a "
                        "decorator, set `Tout`\n  **by name** above the function:\n  "
                        "`@tf.py_function(Tout=tout)`")
    if func is None:
        return lambda f: (lambda *args: py_function(f, list(args), Tout, name))
    args = [_convert(a) for a in (inp or [])]
    tracer = trace.tracer()
    if tracer is None:
        result = func(*args)
    else:  # a gradtape.function: the body runs eagerly, on each call
        tracer.run_python()
        with trace.outside(tracer):
            result = func(*args)
    if isinstance(Tout, (DType, str)) or not isinstance(Tout, (list, tuple)):
        return _output(result, as_dtype(Tout))
    outs = list(result) if isinstance(result, (list, tuple)) else (
        [] if result is None else [result])
    if len(outs) != len(Tout):
        raise InvalidArgumentError(f"py_function: {getattr(func, '__name__', 'func')} returned "
                                   f"{len(outs)} values, Tout lists {len(Tout)}")
    return [_output(o, as_dtype(t)) for o, t in zip(outs, Tout)]


def numpy_function(func: Optional[Callable[..., Any]] = None, inp: Optional[Sequence[Any]] = None,
                   Tout: Any = None, stateful: bool = True, name: Optional[str] = None) -> Any:
    """Call ``func`` on the NumPy values of ``inp``; its results become tensors
    of ``Tout``.  NumPy code is not differentiated: gradients through it are
    None, as in TensorFlow.  Inside a ``tf.function`` it runs on every call.
    Without ``func`` it is a decorator (``@tf.numpy_function(Tout=...)``).

    >>> import gradtape as tf
    >>> tf.numpy_function(lambda a: a * 2, [tf.constant([1.0, 2.0])], tf.float32).numpy()
    array([2., 4.], dtype=float32)
    """
    if func is None:
        if Tout is None:
            raise TypeError("Missing required argument: 'Tout' (as a decorator: "
                            "@tf.numpy_function(Tout=...))")
        return lambda f: (lambda *args: numpy_function(f, list(args), Tout, stateful, name))
    # ndarrays, 0-d ones included (``.numpy()`` of a scalar is a NumPy scalar)
    return py_function(lambda *args: func(*[np.asarray(a.numpy()) for a in args]), inp, Tout, name)


def _output(value, dtype):
    try:
        return _convert(value, dtype=dtype)
    except (TypeError, ValueError) as e:
        raise InvalidArgumentError(f"py_function: a result does not convert to the "
                                   f"declared Tout {dtype.name}: {e}") from None

