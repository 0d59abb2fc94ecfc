"""Higher-order ops over a leading axis: ``map_fn``, ``vectorized_map``, ``scan``,
``foldl`` and ``foldr``, as TensorFlow has them.

Each runs the Python function once per element (eagerly, as TensorFlow does
outside a ``tf.function``) and stacks the results, so gradients flow through
whatever gradtape ops the function runs; inside a ``gradtape.function`` the
loop is unrolled into the trace.
"""
from __future__ import annotations
from ._core import nest
from ._core.dtypes import DType, as_dtype
from ._core.tensor import TensorLike
from ._core.convert import convert_to_tensor
from .errors import InvalidArgumentError, OutOfRangeError
from .nest import assert_same_structure
from .rules import stack, stop_gradient, unstack, zeros
from typing import Any, Callable, Optional
from ._core.types import DTypeLike, Nested

__all__ = ["foldl", "foldr", "map_fn", "scan", "vectorized_map"]


def _unstacked(elems):
    """``elems`` (a structure of tensors) cut along axis 0: a list of structures."""
    flat = [convert_to_tensor(e) for e in nest.flatten(elems)]
    if not flat:
        raise ValueError("elems must contain at least one tensor")
    for e in flat:
        if e.ndim == 0:
            raise ValueError("Elements in elems must be 1+ dimensional Tensors, not scalars")
    n = flat[0].shape[0]
    for e in flat[1:]:
        if e.shape[0] != n:
            raise ValueError(f"Dimensions {n} and {e.shape[0]} are not compatible")
    columns = [unstack(e) for e in flat]
    return [nest.pack_sequence_as(elems, [c[i] for c in columns]) for i in range(n)], flat


def _stacked(results, structure, empty_leaves):
    """The per-element results (structures like ``structure``) stacked leaf by leaf."""
    if not results:
        return nest.pack_sequence_as(structure, empty_leaves)
    flats = [[convert_to_tensor(x) for x in nest.flatten(r)] for r in results]
    return nest.pack_sequence_as(structure, [stack(list(column)) for column in zip(*flats)])


def _empty(dtype, shape=()):
    return zeros((0,) + tuple(shape), dtype=dtype)


def _signature_dtypes(signature):
    """The dtype of each leaf of ``fn_output_signature`` (DTypes, names or specs)."""
    return [as_dtype(s if isinstance(s, (DType, str)) or not hasattr(s, "dtype") else s.dtype)
            for s in nest.flatten(signature)]


def _check_result(result, structure, dtypes):
    assert_same_structure(structure, result, check_types=False)
    for value, dtype in zip(nest.flatten(result), dtypes):
        got = value.dtype if isinstance(value, TensorLike) else convert_to_tensor(value, dtype).dtype
        if got != dtype:
            raise InvalidArgumentError(f"TensorArray dtype is {dtype.name} but Op is trying to "
                                       f"write dtype {got.name}")


def map_fn(fn: Callable[..., Any], elems: Nested, dtype: Optional[DTypeLike] = None,
           parallel_iterations: Optional[int] = None, back_prop: bool = True, swap_memory: bool = False,
           infer_shape: bool = True, name: Optional[str] = None, fn_output_signature: Any = None) -> Any:
    """``fn`` applied to each slice ``elems[i]`` along axis 0, the results stacked.

    ``elems`` may be a structure of tensors (``fn`` gets the same structure of
    slices); ``fn``'s results must have ``elems``' structure and dtypes unless
    ``fn_output_signature`` says otherwise.

    >>> import gradtape as tf
    >>> tf.map_fn(lambda row: row * 2.0, tf.constant([[1.0, 2.0], [3.0, 4.0]])).numpy()
    array([[2., 4.],
           [6., 8.]], dtype=float32)
    >>> tf.map_fn(lambda t: t[0] * t[1], (tf.constant([1, 2]), tf.constant([3, 4])),
    ...           fn_output_signature=tf.int32).numpy()
    array([3, 8], dtype=int32)
    """
    signature = fn_output_signature if fn_output_signature is not None else dtype
    slices, flat = _unstacked(elems)
    if signature is None:
        structure, dtypes = elems, [e.dtype for e in flat]
    else:
        structure, dtypes = signature, _signature_dtypes(signature)
    results = []
    for piece in slices:
        result = fn(piece)
        _check_result(result, structure, dtypes)
        results.append(result)
    out = _stacked(results, structure, [_empty(d) for d in dtypes])
    return out if back_prop else _stop(out)


def _stop(structure):
    return nest.map_structure(stop_gradient, structure)


def vectorized_map(fn: Callable[..., Any], elems: Nested, fallback_to_while_loop: bool = True,
                   warn: bool = True) -> Any:
    """``fn`` applied to each slice of ``elems`` along axis 0, the results stacked.

    TensorFlow vectorizes ``fn``; gradtape runs it slice by slice, which gives
    the same values and gradients.  ``fn`` may return any structure of
    tensors or Python numbers.

    >>> import gradtape as tf
    >>> x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    >>> tf.vectorized_map(lambda row: tf.reduce_sum(row * row), x).numpy()
    array([ 5., 25.], dtype=float32)
    """
    slices, flat = _unstacked(elems)
    results = [fn(piece) for piece in slices]
    if not results:
        return _empty(flat[0].dtype, flat[0].shape[1:])
    return _stacked(results, results[0], None)


def _start(slices, initializer):
    """The first accumulator and the slices left to fold: the initializer and all
    slices, or (without one) the first slice and the others."""
    if initializer is not None:
        return nest.map_structure(convert_to_tensor, initializer), slices
    if not slices:
        raise OutOfRangeError("Tried to read from index 0 but array size is: 0")
    return slices[0], slices[1:]


def _step(fn, acc, piece):
    new = fn(acc, piece)
    assert_same_structure(acc, new, check_types=False)
    return new


def scan(fn: Callable[..., Any], elems: Nested, initializer: Nested = None,
         parallel_iterations: int = 10, back_prop: bool = True, swap_memory: bool = False,
         infer_shape: bool = True, reverse: bool = False, name: Optional[str] = None) -> Any:
    """Every intermediate accumulator of ``acc = fn(acc, elems[i])``, stacked.

    Without ``initializer`` the first element is the first accumulator (and
    the first output); ``reverse=True`` runs from the last element, the outputs
    staying aligned with their elements.

    >>> import gradtape as tf
    >>> tf.scan(lambda acc, x: acc + x, tf.constant([1.0, 2.0, 3.0, 4.0])).numpy()
    array([ 1.,  3.,  6., 10.], dtype=float32)
    >>> tf.scan(lambda acc, x: acc + x, tf.constant([1.0, 2.0, 3.0, 4.0]), reverse=True).numpy()
    array([10.,  9.,  7.,  4.], dtype=float32)
    """
    slices, _ = _unstacked(elems)
    if reverse:
        slices = slices[::-1]
    acc, rest = _start(slices, initializer)
    outputs = [] if initializer is not None else [acc]
    for piece in rest:
        acc = _step(fn, acc, piece)
        outputs.append(acc)
    if reverse:
        outputs = outputs[::-1]
    empty = [_empty(convert_to_tensor(a).dtype, convert_to_tensor(a).shape)
             for a in nest.flatten(acc)]
    out = _stacked(outputs, acc, empty)
    return out if back_prop else _stop(out)


def foldl(fn: Callable[..., Any], elems: Nested, initializer: Nested = None,
          parallel_iterations: int = 10, back_prop: bool = True, swap_memory: bool = False,
          name: Optional[str] = None) -> Any:
    """The last accumulator of ``acc = fn(acc, elems[i])``, first element first.

    >>> import gradtape as tf
    >>> tf.foldl(lambda acc, x: acc - x, tf.constant([1.0, 2.0, 3.0, 4.0])).numpy()
    -8.0
    """
    return _fold(fn, elems, initializer, back_prop, reverse=False)


def foldr(fn: Callable[..., Any], elems: Nested, initializer: Nested = None,
          parallel_iterations: int = 10, back_prop: bool = True, swap_memory: bool = False,
          name: Optional[str] = None) -> Any:
    """The last accumulator of ``acc = fn(acc, elems[i])``, last element first.

    >>> import gradtape as tf
    >>> tf.foldr(lambda acc, x: acc - x, tf.constant([1.0, 2.0, 3.0, 4.0])).numpy()
    -2.0
    """
    return _fold(fn, elems, initializer, back_prop, reverse=True)


def _fold(fn, elems, initializer, back_prop, reverse):
    slices, _ = _unstacked(elems)
    if reverse:
        slices = slices[::-1]
    acc, rest = _start(slices, initializer)
    for piece in rest:
        acc = _step(fn, acc, piece)
    return acc if back_prop else _stop(acc)
