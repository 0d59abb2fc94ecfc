"""``gradtape.random``: seeded random tensors, as ``tf.random``.

The numbers come from NumPy's generator, not TensorFlow's; the seeds behave
as TensorFlow's.  ``set_seed`` makes runs repeatable.  An op given ``seed=``
draws anew on each call, from a sequence of its own (one per kind of draw and
seed) that ``set_seed`` starts again: ``tf.nn.dropout(x, 0.5, seed=1)`` drops
other elements at each step, the same ones in each run.  Seeded initializers
(``tf.keras.initializers``, ``tf.random_normal_initializer``) give the same
values on every call, as TensorFlow's.

>>> import gradtape as tf
>>> tf.random.set_seed(0); a = tf.random.normal((2,))
>>> tf.random.set_seed(0); b = tf.random.normal((2,))
>>> bool((a.numpy() == b.numpy()).all())
True
"""
from __future__ import annotations
import contextlib
import threading

import numpy as np

from ._core import trace
from ._core.convert import convert_to_tensor
from ._core.dtypes import as_dtype
from ._core.tensor import TensorLike
from .rules._util import apply, defop
from typing import Optional
from ._core.types import DTypeLike, ShapeLike, Tensor, TensorInput

_global = {"seed": None, "rng": np.random.default_rng(), "sequences": {}}
_KINDS = {"normal": 0, "uniform": 1, "integers": 2, "permutation": 3, "truncated": 4}
_local = threading.local()  # .repeat: seeded draws give the same values each call


def set_seed(seed: Optional[int]) -> None:
    """Make the following random ops reproducible, and start every op seed's
    sequence again.

    >>> import gradtape as tf
    >>> tf.random.set_seed(1); a = tf.random.normal((2,), seed=7)
    >>> b = tf.random.normal((2,), seed=7)    # the next numbers of seed 7's sequence
    >>> tf.random.set_seed(1); c = tf.random.normal((2,), seed=7)
    >>> bool((a.numpy() == b.numpy()).all()), bool((a.numpy() == c.numpy()).all())
    (False, True)
    """
    _global["seed"] = seed
    _global["rng"] = np.random.default_rng(seed)
    _global["sequences"].clear()


@contextlib.contextmanager
def _same_each_call():
    """Within the block, a draw given ``seed=`` gives the same values on every
    call (what seeded initializers promise), not the next ones of its sequence.

    >>> import gradtape as tf
    >>> with tf.random._same_each_call():
    ...     a, b = tf.random.normal((2,), seed=3), tf.random.normal((2,), seed=3)
    >>> bool((a.numpy() == b.numpy()).all())
    True
    """
    before = getattr(_local, "repeat", False)
    _local.repeat = True
    try:
        yield
    finally:
        _local.repeat = before


def _rng(seed, kind, repeat):
    if seed is None:
        return _global["rng"]
    base = int(_global["seed"] or 0)
    if repeat:
        return np.random.default_rng([base, int(seed)])
    key = (base, int(seed), _KINDS[kind])
    sequences = _global["sequences"]
    rng = sequences.get(key)
    if rng is None:
        rng = sequences[key] = np.random.default_rng(list(key))
    return rng


def _draw_impl(xp, kind, shape, dtype, seed, a, b, generator, repeat):
    """One draw, by NumPy on the host whatever the namespace ``xp``: the
    generator is chosen when the op runs, so a compiled function replaying
    this op draws anew, as an eager call would."""
    rng = generator if generator is not None else _rng(seed, kind, repeat)
    if kind == "normal":
        out = rng.standard_normal(shape) * b + a
    elif kind == "uniform":
        out = rng.uniform(a, b, shape)
    elif kind == "integers":
        out = rng.integers(a, b, shape)
    elif kind == "permutation":
        out = rng.permutation(shape[0])
    else:  # "truncated": normal samples redrawn until within two standard deviations
        out = rng.standard_normal(shape)
        bad = np.abs(out) > 2
        while bad.any():
            out[bad] = rng.standard_normal(int(bad.sum()))
            bad = np.abs(out) > 2
        out = out * b + a
    return out.astype(dtype)


# a draw is an op (with no inputs) so that gradtape.function replays it
_DRAW = defop("random_draw", _draw_impl, nondiff=True, stateful=True)


def _draw(kind, shape, dtype, seed, a, b, generator=None):
    if generator is not None and trace._active[0]:
        tracer = trace.tracer()
        if tracer is not None:  # a gradtape.function may have to undo the draw
            tracer.will_draw(generator)
    return apply(_DRAW, (), {"kind": kind, "shape": shape, "dtype": dtype, "seed": seed,
                             "a": a, "b": b, "generator": generator,
                             "repeat": getattr(_local, "repeat", False)})


def _drawn(kind, shape, dtype, seed, a, b, scale, shift, tensors):
    """The draw ``kind`` with parameters ``a, b``; when the user gave ``tensors``
    for them, TensorFlow's standard draw times ``scale`` plus ``shift`` in
    gradtape ops instead (a gradient reaches a tensor mean or bound, as in TensorFlow)."""
    if not any(isinstance(t, TensorLike) for t in tensors):
        return _draw(kind, shape, dtype, seed, a, b)
    from .rules import add, multiply
    out = _draw(kind, shape, dtype, seed, 0.0, 1.0)
    dt = out.dtype
    return add(multiply(out, convert_to_tensor(scale, dtype=dt)), convert_to_tensor(shift, dtype=dt))


def _shape(shape, opname):
    from .rules.shape import _new_shape  # checks the dims are non-negative ints
    return _new_shape(shape, opname)


def _floating(dtype, opname):
    dt = as_dtype(dtype)
    if not dt.is_floating:
        raise TypeError(f"{opname}: dtype must be a floating type (float16, float32 or "
                        f"float64), got {dt.name}")
    return dt._np


def normal(shape: ShapeLike, mean: TensorInput = 0.0, stddev: TensorInput = 1.0, dtype: DTypeLike = "float32",
           seed: Optional[int] = None, name: Optional[str] = None) -> Tensor:
    """Samples from a normal distribution.

    >>> import gradtape as tf
    >>> tf.random.normal((2, 3), seed=1).shape
    TensorShape([2, 3])
    """
    return _drawn("normal", _shape(shape, "normal"), _floating(dtype, "normal"), seed, mean,
                  stddev, stddev, mean, (mean, stddev))


def uniform(shape: ShapeLike, minval: TensorInput = 0, maxval: Optional[TensorInput] = None,
            dtype: DTypeLike = "float32", seed: Optional[int] = None,
            name: Optional[str] = None) -> Tensor:
    """Samples from a uniform distribution on ``[minval, maxval)`` (maxval 1 for floats).

    >>> import gradtape as tf
    >>> x = tf.random.uniform((100,), seed=1)
    >>> bool((x.numpy() >= 0).all() and (x.numpy() < 1).all())
    True
    """
    dt = as_dtype(dtype)
    if dt.name not in _UNIFORM_DTYPES:
        raise ValueError(f"Argument `dtype` got invalid value {dt!r}. Accepted dtypes are "
                         "(tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int32, "
                         "tf.int64).")
    shape = _shape(shape, "uniform")
    if dt.is_integer:
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dt!r}")
        lo, hi = (convert_to_tensor(v, dtype=dt)._value for v in (minval, maxval))
        return _draw("integers", shape, dt._np, seed, lo, hi)
    maxval = 1.0 if maxval is None else maxval
    lo, hi = convert_to_tensor(minval, dtype=dt), convert_to_tensor(maxval, dtype=dt)
    return _drawn("uniform", shape, dt._np, seed, lo._value, hi._value, hi - lo, lo,
                  (minval, maxval))


_UNIFORM_DTYPES = ("float16", "bfloat16", "float32", "float64", "int32", "int64")


def truncated_normal(shape: ShapeLike, mean: TensorInput = 0.0, stddev: TensorInput = 1.0,
                     dtype: DTypeLike = "float32", seed: Optional[int] = None,
                     name: Optional[str] = None) -> Tensor:
    """Normal samples redrawn until within two standard deviations of the mean.

    >>> import gradtape as tf
    >>> x = tf.random.truncated_normal((1000,), seed=1)
    >>> bool((abs(x.numpy()) <= 2.0).all())
    True
    """
    return _drawn("truncated", _shape(shape, "truncated_normal"),
                  _floating(dtype, "truncated_normal"), seed, mean, stddev, stddev, mean,
                  (mean, stddev))


def shuffle(value: TensorInput, seed: Optional[int] = None, name: Optional[str] = None) -> Tensor:
    """``value`` with its rows (along axis 0) in a random order.

    As TensorFlow's, it has no gradient.

    >>> import gradtape as tf
    >>> x = tf.random.shuffle(tf.range(5), seed=3)
    >>> sorted(x.numpy().tolist())
    [0, 1, 2, 3, 4]
    """
    from .rules import gather, stop_gradient
    value = convert_to_tensor(value)
    if value.ndim == 0:
        return value
    order = _draw("permutation", (value.shape[0],), np.int64, seed, 0, 0)
    return stop_gradient(gather(value, order))

def categorical(logits: TensorInput, num_samples: int, dtype: Optional[DTypeLike] = None,
                seed: Optional[int] = None, name: Optional[str] = None) -> Tensor:
    """For each row of ``logits`` (``[batch, classes]``, unnormalized log
    probabilities), ``num_samples`` class indices drawn from its softmax:
    ``[batch, num_samples]`` of ``dtype`` (int64 by default, or int32).

    The argmax of the logits plus Gumbel noise: a class with logit ``-inf``
    is never drawn.  No gradient, as TensorFlow's.

    >>> import gradtape as tf
    >>> x = tf.random.categorical(tf.math.log([[0.5, 0.5, 0.0]]), 5, seed=1)
    >>> x.dtype, x.shape, bool((x.numpy() < 2).all())
    (tf.int64, TensorShape([1, 5]), True)
    """
    from .errors import InvalidArgumentError
    from .rules import add, argmax, cast, expand_dims, log, negative, stop_gradient
    out = as_dtype("int64" if dtype is None else dtype)
    if out.name not in ("int32", "int64"):
        raise ValueError(f"Argument `dtype` got invalid value {out!r}. Accepted dtypes are "
                         "(tf.int32, tf.int64).")
    logits = convert_to_tensor(logits)
    if not logits.dtype.is_floating:
        raise TypeError(f"categorical: logits must be floating (float16, float32 or float64), "
                        f"got {logits.dtype.name}")
    if logits.ndim != 2:
        raise InvalidArgumentError(f"logits should be a matrix, got shape "
                                   f"{tuple(logits.shape)}")
    if int(num_samples) < 0:
        raise InvalidArgumentError(f"num_samples should be non-negative, got {num_samples}")
    batch, classes = logits.shape
    u = _draw("uniform", (batch, int(num_samples), classes), np.float64, seed, 0.0, 1.0)
    gumbel = negative(log(negative(log(u))))
    scores = add(expand_dims(cast(stop_gradient(logits), "float64"), 1), gumbel)
    return argmax(scores, axis=-1, output_type=out)


from ._missing import missing_names as _missing_names

__getattr__ = _missing_names("gradtape.random", "tf.random")
