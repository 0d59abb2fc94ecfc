"""``gradtape.random``: seeded random tensors, as ``tf.random``.

``tf.random.Generator``, the stateless ops (``stateless_normal``,
``stateless_uniform``, ``stateless_truncated_normal``,
``stateless_categorical``, ``split``, ``fold_in``) and the seeded stateful ops
(``tf.random.normal``, ``uniform``, ``truncated_normal``, ``shuffle``,
``categorical``, ``tf.nn.dropout``) draw TensorFlow's numbers: its Philox streams, turned into
numbers as its CPU kernels do (a float32 normal can differ from TensorFlow's
in its last bit, about 1 number in 70).  A stateful op with a seed (its own,
``set_seed``'s or both) reads the stream of TensorFlow's kernel of those seeds,
which goes on from call to call until ``set_seed`` starts it again; with no
seed at all it draws from NumPy's generator.  The gamma, Poisson and
binomial draws take NumPy's numbers.  Seeded initializers
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
import enum
import itertools
import os
import random as pyrandom
import threading

import numpy as np

from ._core import trace
from ._core.convert import convert_to_tensor
from ._core.dtypes import as_dtype
from ._core.tensor import TensorLike, TensorShape
from .rules._util import apply, defop
from .variables import Variable
from typing import Optional
from ._core.types import DTypeLike, ShapeLike, Tensor, TensorInput

_global = {"seed": None, "rng": np.random.default_rng(), "kernels": {},
           "op_seeds": pyrandom.Random()}
_MAXINT32 = 2**31 - 1
_DEFAULT_GRAPH_SEED = 87654321
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
    _global["kernels"].clear()
    _global["op_seeds"] = pyrandom.Random(seed)


def _draw_state(generators=()):
    """What draws change: the kernels' counters, the op-seed sequence, and the
    NumPy generators (the global one and ``generators``); ``gradtape.function``
    puts it back after a trace."""
    return (dict(_global["kernels"]), _global["op_seeds"].getstate(),
            [(g, g.bit_generator.state) for g in (_global["rng"], *generators)])


def _also_save(state, generator):
    """Add ``generator``'s state to ``state`` (from ``_draw_state``) unless it is there."""
    saved = state[2]
    if all(g is not generator for g, _ in saved):
        saved.append((generator, generator.bit_generator.state))


def _set_draw_state(state):
    kernels, op_seeds, generators = state
    _global["kernels"].clear()
    _global["kernels"].update(kernels)
    _global["op_seeds"].setstate(op_seeds)
    for g, saved in generators:
        g.bit_generator.state = saved


@contextlib.contextmanager
def _same_each_call():
    """Within the block, a draw given ``seed=`` gives the same values on every
    call (what seeded initializers promise, TensorFlow's and Keras' drawing
    with the stateless ops from the seed ``[seed, 0]``), not the next ones of
    its sequence.

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


def _source(seed, repeat):
    """Where a draw given the op seed ``seed`` takes its numbers, as TensorFlow's
    ``get_seed``: None (no seed anywhere: NumPy's generator), ``("stateless",
    seed)`` in a seeded initializer, or ``("kernel", seed1, seed2)``: the Philox
    stream of the kernel of those seeds, which goes on from call to call.
    With a global seed and no op seed, each call takes a new op seed from the
    sequence ``set_seed`` started (Python's ``random.Random(seed)``, as
    TensorFlow's eager context)."""
    if seed is not None and repeat:
        return ("stateless", int(seed))
    glob = _global["seed"]
    if glob is None:
        return None if seed is None else ("kernel", _DEFAULT_GRAPH_SEED, int(seed) % _MAXINT32)
    op = _global["op_seeds"].randint(0, _MAXINT32) if seed is None else int(seed)
    seeds = (int(glob) % _MAXINT32, op % _MAXINT32)
    return ("kernel",) + ((0, _MAXINT32) if seeds == (0, 0) else seeds)


def _numpy_draw(rng, kind, shape, dtype, a, b):
    if kind == "normal":
        out = rng.standard_normal(shape) * b + a
    elif kind == "uniform":
        out = rng.uniform(a, b, shape)
    elif kind == "integers":
        out = rng.integers(a, b, shape)
    elif kind == "permutation":
        out = rng.permutation(shape[0])
    elif kind == "categorical":  # a: the logits
        out = _inverse_cdf(_cdf(a), rng.random(shape))
    else:  # "truncated"
        out = _truncated(rng, shape) * b + a
    return out.astype(dtype)


def _draw_impl(xp, *logits, kind, shape, dtype, seed, a, b, generator, repeat, kernel=None,
               op=None):
    """One draw, on the host whatever the namespace ``xp``: the numbers are
    read when the op runs, so a compiled function replaying this op draws
    anew, as an eager call would.  A categorical draw has the logits as input."""
    if logits:
        a = np.asarray(logits[0])
    source = None if generator is not None else _source(seed, repeat)
    if source is None:
        return _numpy_draw(generator if generator is not None else _global["rng"], kind, shape,
                           dtype, a, b)
    dtype = np.dtype(dtype)
    if source[0] == "stateless":
        counter, key = _key_counter_of(np.array([source[1], 0], np.int64))
    else:  # the kernel's stream goes on, as TensorFlow's (one kernel per op, dtype and seeds)
        kernels = _global["kernels"]
        name = (op or kind, _kernel_dtypes(kind, dtype, a), kernel) + source[1:]
        offset = kernels.get(name, 0)
        kernels[name] = offset + _counters_used(kind, shape)
        counter, key = (source[2] << 64) + offset, source[1]
    if kind == "permutation":
        return _philox_permutation(counter, key, shape[0]).astype(dtype)
    if kind == "categorical":
        return _philox_categorical(counter, key, shape, dtype, a)
    if kind == "integers":
        return _philox_integers(counter, key, shape, dtype, np.asarray(a), np.asarray(b))
    out = _PHILOX_KINDS[kind](counter, key, shape, dtype)
    if kind == "uniform":  # in the dtype, as TensorFlow's ``rnd * (maxval - minval) + minval``
        a, b = dtype.type(a), dtype.type(b)
        return out * (b - a) + a
    return out * dtype.type(b) + dtype.type(a)


def _kernel_dtypes(kind, dtype, a):
    """The dtypes that, with the seeds, tell TensorFlow's kernels apart: a
    shuffle's values' (``a``), a categorical draw's and its logits' (``a``)."""
    if kind == "permutation":
        return a
    return (dtype.name, a.dtype.name) if kind == "categorical" else dtype.name


def _counters_used(kind, shape):
    """How far a draw moves its kernel's Philox counter: 256 a number, as
    TensorFlow's random kernels; its shuffle of ``n`` rows reads ``n - 1`` words,
    four a counter."""
    if kind == "permutation":
        return (shape[0] + 2) // 4
    if kind == "categorical":  # two words (a double) a sample, samples rounded up to 4
        batch, samples = shape
        return batch * ((samples + 3) // 4 * 8) * _SKIP_PER_OUTPUT
    return _size(shape) * _SKIP_PER_OUTPUT


def _philox_permutation(counter, key, n):
    """The order TensorFlow's ``RandomShuffle`` kernel puts ``n`` rows in: a
    Fisher-Yates shuffle swapping row ``i`` with row ``i + word % (n - i)``,
    one Philox word a step.

    >>> _philox_permutation(0, 0, 1).tolist()
    [0]
    """
    order = list(range(n))
    for i, word in enumerate(_philox_words(counter, key, max(n - 1, 0)).tolist()):
        j = i + word % (n - i)
        order[i], order[j] = order[j], order[i]
    return np.array(order, np.int64)


# a draw is an op (with no inputs) so that gradtape.function replays it
_DRAW = defop("random_draw", _draw_impl, nondiff=True, stateful=True)


def _draw(kind, shape, dtype, seed, a, b, generator=None, op=None, logits=None):
    """The draw ``kind``; ``op`` names the TensorFlow op whose kernel stream it
    moves when it is not ``kind``'s (a draw whose numbers are not TensorFlow's
    leaves the streams of the ops that are alone)."""
    tracer = trace.tracer() if trace._active[0] else None
    if generator is not None and tracer is not None:  # the function may have to undo the draw
        tracer.will_draw(generator)
    return apply(_DRAW, () if logits is None else (logits,), {"kind": kind, "shape": shape, "dtype": dtype, "seed": seed,
                             "a": a, "b": b, "generator": generator,
                             "repeat": getattr(_local, "repeat", False),
                             "kernel": None if tracer is None else next(_traced_kernels),
                             "op": op})


# a draw traced into a gradtape.function has a kernel (a Philox stream) of its
# own, as an op of TensorFlow's function graph: the eager draws do not move it
_traced_kernels = itertools.count(1)


def _drawn(kind, shape, dtype, seed, a, b, scale, shift, tensors):
    """The draw ``kind`` with parameters ``a, b``; when the user gave ``tensors``
    for them, TensorFlow's standard draw times ``scale`` plus ``shift`` in
    gradtape ops instead (a gradient reaches a tensor mean or bound, as in TensorFlow)."""
    if not any(isinstance(t, TensorLike) for t in tensors):
        return _draw(kind, shape, dtype, seed, a, b)
    return _scaled(_draw(kind, shape, dtype, seed, 0.0, 1.0), scale, shift)


def _shape(shape, opname):
    """``shape`` as a tuple: a vector of non-negative ints, as TensorFlow's
    random ops want (a bare number is refused)."""
    from .errors import InvalidArgumentError
    from .rules.shape import _new_shape  # checks the dims are non-negative ints
    if np.ndim(shape._value if isinstance(shape, TensorLike) else shape) == 0 and \
            not isinstance(shape, TensorShape):
        raise InvalidArgumentError(f"{opname}: shape must be a vector of {{int32,int64}}, got "
                                   f"shape [] (write [{shape}] for a vector of {shape} numbers)")
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
    if value.ndim == 0 or value.shape[0] <= 1 or np.size(value._value) <= 1:
        return value  # as TensorFlow's kernel: no draw, its stream does not move
    order = _draw("permutation", (value.shape[0],), np.int64, seed, value.dtype.name, 0)
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
    return _categorical(logits, num_samples, "int64" if dtype is None else dtype,
                        lambda logits, samples, out: _draw(
                            "categorical", samples.shape, out._np, seed, None, None,
                            logits=logits))


def _categorical(logits, num_samples, dtype, draw):
    """``categorical``'s checks, then ``draw(logits, samples, dtype)``, where
    ``samples`` is an empty array of the result's shape."""
    from .errors import InvalidArgumentError
    out = as_dtype(dtype)
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
    if logits.shape[1] == 0:
        raise InvalidArgumentError("num_classes should be positive, got 0")
    return draw(logits, np.empty((logits.shape[0], int(num_samples)), np.int8), out)


# -- stateless draws: the numbers are a function of a key tensor ---------------
# The key (a seed pair, or a Generator's state) is an input of the op, so a
# compiled function reads it on each call; the op itself holds no state.

def _keyed_impl(xp, key, *params, kind, shape, dtype):
    """``kind`` drawn from the int64 ``key`` alone: a stateless seed (2 numbers)
    or a Generator's state (3).  Normal, uniform, truncated-normal and integer
    draws are TensorFlow's Philox streams; the others come from a NumPy
    generator made from the key."""
    key = np.asarray(key, np.int64)
    if kind in _PHILOX_KINDS:
        counter, philox_key = _key_counter_of(key)
        return _PHILOX_KINDS[kind](counter, philox_key, shape, np.dtype(dtype),
                                   *[np.asarray(p) for p in params])
    rng = np.random.default_rng(key.view(np.uint64))
    params = [np.asarray(p) for p in params]
    if kind == "gamma":  # alpha < 0 (or nan) gives nan, as TensorFlow
        alpha = np.broadcast_to(params[0].astype(np.float64), shape)
        ok = alpha >= 0
        out = np.where(ok, rng.standard_gamma(np.where(ok, alpha, 1.0)), np.nan)
    elif kind == "poisson":  # lam <= 0 gives 0, as TensorFlow
        lam = np.broadcast_to(params[0].astype(np.float64), shape)
        out = rng.poisson(np.where(lam > 0, lam, 0.0))
    else:  # "binomial": counts < 0 and nan probs give 0, probs clipped to [0, 1], as TensorFlow
        counts, probs = (np.broadcast_to(p.astype(np.float64), shape) for p in params)
        probs = np.clip(np.nan_to_num(probs, nan=0.0), 0, 1)
        out = rng.binomial(np.maximum(counts, 0).astype(np.int64), probs)
    return np.asarray(out).astype(dtype)


# -- Philox4x32-10, the counter-based generator of TensorFlow's CPU kernels ----
# A 128-bit counter (four 32-bit words, lowest first) and a 64-bit key give
# four 32-bit words per counter value; a draw reads the words of consecutive
# counters in order and turns them into numbers as TensorFlow's kernels do.

_U32 = np.uint64(0xFFFFFFFF)
_PHILOX_M = (np.uint64(0xD2511F53), np.uint64(0xCD9E8D57))
_PHILOX_W = (0x9E3779B9, 0xBB67AE85)
_SKIP_PER_OUTPUT = 256  # TensorFlow moves a Generator's counter this far per number drawn


def _philox_rounds(c0, c1, c2, c3, k0, k1):
    """Ten Philox rounds on the counter words (uint32 arrays) under the key ``k0, k1``."""
    for _ in range(10):
        p0 = _PHILOX_M[0] * c0.astype(np.uint64)
        p1 = _PHILOX_M[1] * c2.astype(np.uint64)
        c0, c1, c2, c3 = ((p1 >> np.uint64(32)).astype(np.uint32) ^ c1 ^ np.uint32(k0),
                          (p1 & _U32).astype(np.uint32),
                          (p0 >> np.uint64(32)).astype(np.uint32) ^ c3 ^ np.uint32(k1),
                          (p0 & _U32).astype(np.uint32))
        k0, k1 = (k0 + _PHILOX_W[0]) & 0xFFFFFFFF, (k1 + _PHILOX_W[1]) & 0xFFFFFFFF
    return c0, c1, c2, c3


def _philox_blocks(counter, key, offsets):
    """The four words of each counter ``counter + offsets`` (``counter`` a
    128-bit Python int, ``offsets`` a uint64 array) under the 64-bit ``key``:
    a uint32 array of shape ``offsets.shape + (4,)``."""
    base_lo, base_hi = np.uint64(counter & 0xFFFFFFFFFFFFFFFF), np.uint64(counter >> 64)
    lo = base_lo + offsets
    hi = base_hi + (lo < offsets).astype(np.uint64)  # the carry
    words = _philox_rounds((lo & _U32).astype(np.uint32), (lo >> np.uint64(32)).astype(np.uint32),
                           (hi & _U32).astype(np.uint32), (hi >> np.uint64(32)).astype(np.uint32),
                           key & 0xFFFFFFFF, key >> 32)
    return np.stack(words, -1)


def _philox_words(counter, key, n):
    """The first ``n`` words of the stream from ``counter``, as a uint32 array."""
    if _c_blocks is not None:  # the same words, from _philox.c
        words = _c_blocks(counter & 0xFFFFFFFFFFFFFFFF, (counter >> 64) & 0xFFFFFFFFFFFFFFFF,
                          key & 0xFFFFFFFFFFFFFFFF, -(-n // 4))
        return np.frombuffer(words, np.uint32)[:n]
    offsets = np.arange(-(-n // 4), dtype=np.uint64)
    return _philox_blocks(counter, key, offsets).reshape(-1)[:n]


def _c_philox():
    """``_philox.c``'s ``blocks`` when it was built (``GRADTAPE_PURE_PYTHON=1``
    keeps ``_philox_blocks``)."""
    if os.environ.get("GRADTAPE_PURE_PYTHON"):
        return None
    try:
        from ._philox import blocks
    except ImportError:  # built without a C compiler
        return None
    return blocks


_c_blocks = _c_philox()


def _key_counter_of(key):
    """The Philox counter (128-bit int) and key (64-bit int) of an int64 key
    tensor's value: a Generator's state ``[counter low, counter high, key]``,
    or a stateless seed pair, scrambled as TensorFlow's
    ``StatelessRandomGetKeyCounter`` does."""
    words = [int(w) for w in key.view(np.uint64)]
    if len(words) == 3:
        return words[0] | words[1] << 64, words[2]
    s0, s1 = words
    mix = _philox_words(s0 | s1 << 64, 0x02461E29_3EC8F720, 4)
    return int(mix[2]) << 64 | int(mix[3]) << 96, int(mix[0]) | int(mix[1]) << 32


def _size(shape):
    return int(np.prod(shape, dtype=np.int64))


def _unit_float(words, dtype):
    """Uniform numbers on [0, 1) from 32-bit words, as TensorFlow's: the
    mantissa's bits of a number in [1, 2), minus 1 (float64 takes two words)."""
    if dtype == np.float64:
        bits = (words[0::2].astype(np.uint64) & np.uint64(0xFFFFF)) << np.uint64(32) \
            | words[1::2].astype(np.uint64)
        return (bits | np.uint64(1023 << 52)).view(np.float64) - 1.0
    if dtype == np.float16:
        bits = (words & np.uint32(0x3FF)).astype(np.uint16) | np.uint16(15 << 10)
        return bits.view(np.float16) - np.float16(1)
    return ((words & np.uint32(0x7FFFFF)) | np.uint32(0x3F800000)).view(np.float32) \
        - np.float32(1)


def _box_muller(words, dtype):
    """Pairs of normal numbers from the words, as TensorFlow's Box-Muller (two
    words a pair in float32, whose result float16 rounds; four in float64).
    The sine, cosine and log are rounded once from float64 values: glibc's
    float32 ones, which TensorFlow calls, round about 1 in 100 differently."""
    wide = dtype == np.float64
    u = _unit_float(words, np.float64 if wide else np.float32)
    u1, u2 = u[0::2], u[1::2]
    u1 = np.maximum(u1, u1.dtype.type(1e-7))
    if wide:
        angle, radius = 2 * np.pi * u2, np.sqrt(-2.0 * np.log(u1))
        out = np.empty(2 * len(u1))
        out[0::2], out[1::2] = np.sin(angle) * radius, np.cos(angle) * radius
        return out
    angle = (2 * np.pi * u2.astype(np.float64)).astype(np.float32).astype(np.float64)
    radius = np.sqrt(np.float32(-2) * np.log(u1.astype(np.float64)).astype(np.float32))
    out = np.empty(2 * len(u1), np.float32)
    out[0::2] = np.sin(angle).astype(np.float32) * radius
    out[1::2] = np.cos(angle).astype(np.float32) * radius
    return out


def _words_per(dtype):
    return 2 if dtype.itemsize == 8 else 1


def _philox_uniform(counter, key, shape, dtype):
    n = _size(shape)
    return _unit_float(_philox_words(counter, key, n * _words_per(dtype)), dtype).reshape(shape)


def _philox_normal(counter, key, shape, dtype):
    n = _size(shape)
    pairs = -(-n // 2)
    words = _philox_words(counter, key, pairs * (4 if dtype == np.float64 else 2))
    return _box_muller(words, dtype)[:n].astype(dtype).reshape(shape)


def _philox_truncated(counter, key, shape, dtype):
    """Normal numbers within 2 of 0, as TensorFlow's kernel: outputs in groups
    (4 numbers, 2 in float64), each group reading the words from its own
    stretch of counters (256 a number), keeping its candidates in order."""
    n, group = _size(shape), 2 if dtype == np.float64 else 4
    stride = _SKIP_PER_OUTPUT * group // 4
    out = np.empty((-(-n // group), group), np.float64 if dtype == np.float64 else np.float32)
    todo, blocks = np.arange(len(out), dtype=np.uint64), 2
    while len(todo):  # rarely a group needs more words than the first blocks give
        offsets = todo[:, None] * np.uint64(stride) + np.arange(blocks, dtype=np.uint64)
        words = _philox_blocks(counter, key, offsets).reshape(len(todo), -1)
        cand = _box_muller(words.reshape(-1), dtype).reshape(len(todo), -1)
        ok = np.abs(cand) < 2
        done = ok.sum(axis=1) >= group
        rows = np.nonzero(done)[0]
        if len(rows):
            first = np.argsort(~ok[rows], axis=1, kind="stable")[:, :group]
            out[todo[rows].astype(np.intp)] = np.take_along_axis(cand[rows], first, axis=1)
        todo, blocks = todo[~done], blocks * 4
    return out.reshape(-1)[:n].astype(dtype).reshape(shape)


def _philox_integers(counter, key, shape, dtype, lo, hi):
    from .errors import InvalidArgumentError
    for name, v in (("minval", lo), ("maxval", hi)):
        if v.ndim:
            raise InvalidArgumentError(f"{name} must be 0-D, got shape {list(v.shape)}")
    if not lo < hi:
        raise InvalidArgumentError(f"Need minval < maxval, got {lo} >= {hi}")
    bits = _philox_bits(counter, key, shape, np.dtype(np.uint64 if dtype.itemsize == 8
                                                      else np.uint32))
    span = (int(hi) - int(lo)) % (1 << (8 * dtype.itemsize))
    return (bits % bits.dtype.type(span) + bits.dtype.type(int(lo) % (1 << (8 * dtype.itemsize))
                                                            )).view(dtype)


def _philox_bits(counter, key, shape, dtype):
    """Every value of the integer ``dtype``: a word each, two for 64 bits (low first)."""
    words = _philox_words(counter, key, _size(shape) * _words_per(dtype))
    if dtype.itemsize == 8:
        words = words[0::2].astype(np.uint64) | words[1::2].astype(np.uint64) << np.uint64(32)
    return words.view(dtype).reshape(shape)


def _cdf(logits):
    """The unnormalized cumulative distribution of each row of ``logits``, as
    TensorFlow's categorical kernel sums it: ``exp(logit - max)`` in float64,
    non-finite logits adding nothing."""
    logits = logits.astype(np.float64)
    finite = np.isfinite(logits)
    top = np.max(np.where(finite, logits, np.finfo(np.float64).min), axis=1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.cumsum(np.where(finite, np.exp(logits - top), 0.0), axis=1)


def _inverse_cdf(cdf, u):
    """For each row of ``cdf`` and of the uniform ``u``, the first class whose
    sum exceeds ``u`` times the row's total."""
    out = np.empty(u.shape, np.int64)
    for row, (c, r) in enumerate(zip(cdf, u)):
        out[row] = np.searchsorted(c, r * c[-1], side="right")
    return out


def _philox_categorical(counter, key, shape, dtype, logits):
    """Class indices of the rows of ``logits`` as TensorFlow's CPU kernel draws
    them: per row the cumulative sums of ``exp(logit - max)`` (non-finite
    logits adding nothing), and per sample the first class whose sum exceeds a
    Philox double times the total.  Its thread pool splits the batch in blocks;
    each block starts ``(samples + 3) / 4`` counters a row in, and its rows
    read on from there."""
    batch, samples = shape
    cdf = _cdf(logits)
    out = np.empty(shape, dtype)
    for first, last in _pool_blocks(batch, samples, logits.shape[1]):
        words = _philox_words(counter + first * (samples + 3) // 4, key,
                              2 * (last - first) * samples)
        u = _unit_float(words, np.float64).reshape(last - first, samples)
        out[first:last] = _inverse_cdf(cdf[first:last], u)
    return out


def _pool_blocks(batch, samples, classes):
    """How TensorFlow's CPU thread pool (Eigen's ``parallelFor``) splits a
    categorical draw's ``batch`` rows: ``(first, last)`` blocks."""
    import math
    import os
    import sys
    # tf.config.threading's count, read without an import (gradtape.config imports
    # gradtape.compiled, which imports this module)
    config = sys.modules.get("gradtape.config")
    threads = (config._settings["intra_op_threads"] if config is not None else 0) or (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    cost = int(50 * (samples * math.log(classes) / math.log(2) + classes)) if classes else 0
    if batch <= 1 or threads <= 1 or max(1, int((batch * cost - 100000) / 100000 + 0.9)) == 1:
        return [(0, batch)]
    block = min(batch, max(-(-batch // (4 * threads)), int(40000 / cost)))
    largest, count = min(batch, 2 * block), -(-batch // block)
    efficiency = count / (-(-count // threads) * threads)
    previous = count
    while efficiency < 1.0 and previous > 1:
        coarser = -(-batch // (previous - 1))
        if coarser > largest:
            break
        previous = -(-batch // coarser)
        coarser_efficiency = previous / (-(-previous // threads) * threads)
        if coarser_efficiency + 0.01 >= efficiency:
            block, efficiency = coarser, max(efficiency, coarser_efficiency)
    return [(first, min(first + block, batch)) for first in range(0, batch, block)]


_PHILOX_KINDS = {"categorical": _philox_categorical, "normal": _philox_normal, "uniform": _philox_uniform,
                 "truncated": _philox_truncated, "integers": _philox_integers,
                 "bits": _philox_bits}


def _truncated(rng, shape):
    """Standard normal samples redrawn until within two standard deviations."""
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2
    return out


_KEYED = defop("random_keyed_draw", _keyed_impl, nondiff=True)


def _keyed(kind, key, shape, dtype, *params):
    return apply(_KEYED, (key, *params), {"kind": kind, "shape": shape, "dtype": dtype})


def _seed_key(seed, alg="auto_select") -> Tensor:
    """A stateless op's ``seed`` (shape [2], int32 or int64) as an int64 tensor."""
    from .errors import InvalidArgumentError
    from .rules import cast
    if _algorithm(alg) == Algorithm.THREEFRY.value:
        raise InvalidArgumentError("the ThreeFry algorithm runs on XLA devices only, as in "
                                   "TensorFlow: use alg='philox' or 'auto_select'")
    seed = convert_to_tensor(seed)
    if seed.dtype.name not in ("int32", "int64"):
        raise InvalidArgumentError(f"seed must be an int32 or int64 tensor, got "
                                   f"{seed.dtype.name}")
    if tuple(seed.shape) != (2,):
        raise InvalidArgumentError(f"seed must have shape [2], not {list(seed.shape)}")
    return cast(seed, "int64")


def _scaled(out, scale, shift):
    """``out * scale + shift`` in gradtape ops, so that tensor parameters get a
    gradient as TensorFlow's."""
    from .rules import add, multiply
    dt = out.dtype
    return add(multiply(out, convert_to_tensor(scale, dtype=dt)), convert_to_tensor(shift, dtype=dt))


def _normal_from(key, shape, mean, stddev, dtype, opname, kind="normal"):
    shape, dt = _shape(shape, opname), _floating(dtype, opname)
    return _scaled(_keyed(kind, key, shape, dt), stddev, mean)


def _uniform_from(key, shape, minval, maxval, dtype, opname, unsigned=True):
    dt = as_dtype(dtype)
    accepted = _UNIFORM_DTYPES + (("uint32", "uint64") if unsigned else ())
    if dt.name not in accepted:
        raise ValueError(f"Argument `dtype` got invalid value {dt!r}. Accepted dtypes are "
                         f"({', '.join('tf.' + n for n in accepted)}).")
    shape = _shape(shape, opname)
    if dt.is_integer:
        if (minval is None) != (maxval is None):
            raise ValueError(f"For integer `dtype` argument {dt!r}, argument `minval` and "
                             f"`maxval` must be both None or not None. Got `minval`={minval} "
                             f"and `maxval`={maxval}.")
        if minval is None:
            return _keyed("bits", key, shape, dt._np)
        if dt.name.startswith("uint"):
            raise ValueError(f"Argument `dtype` got invalid value {dt!r} when argument "
                             "`minval` is not None. Please don't use unsigned integers in "
                             "this case.")
        lo, hi = (convert_to_tensor(v, dtype=dt) for v in (minval, maxval))
        return _keyed("integers", key, shape, dt._np, lo, hi)
    if minval is None:
        raise ValueError(f"{opname}: minval is None for a {dt.name} draw: give a number "
                         "(None, with maxval None, is for integer dtypes)")
    lo = convert_to_tensor(minval, dtype=dt)
    hi = convert_to_tensor(1 if maxval is None else maxval, dtype=dt)
    return _scaled(_keyed("uniform", key, shape, dt._np), hi - lo, lo)


def stateless_normal(shape: ShapeLike, seed: TensorInput, mean: TensorInput = 0.0,
                     stddev: TensorInput = 1.0, dtype: DTypeLike = "float32",
                     name: Optional[str] = None, alg: str = "auto_select") -> Tensor:
    """Normal samples that depend only on ``seed`` (two int32 or int64 numbers):
    the same seed gives the same values on every call and in every run.

    >>> import gradtape as tf
    >>> tf.random.stateless_normal([2, 3], seed=[1, 2]).numpy()
    array([[ 0.5441101 ,  0.20738031,  0.07356432],
           [ 0.04643455, -1.3015898 , -0.9538565 ]], dtype=float32)
    """
    return _normal_from(_seed_key(seed, alg), shape, mean, stddev, dtype,
                        "stateless_normal")


def stateless_truncated_normal(shape: ShapeLike, seed: TensorInput, mean: TensorInput = 0.0,
                               stddev: TensorInput = 1.0, dtype: DTypeLike = "float32",
                               name: Optional[str] = None,
                               alg: str = "auto_select") -> Tensor:
    """Normal samples within two standard deviations of ``mean``, that depend
    only on ``seed``.

    >>> import gradtape as tf
    >>> x = tf.random.stateless_truncated_normal([1000], seed=[3, 4])
    >>> bool((abs(x.numpy()) <= 2.0).all())
    True
    """
    return _normal_from(_seed_key(seed, alg), shape, mean, stddev, dtype,
                        "stateless_truncated_normal", "truncated")


def stateless_uniform(shape: ShapeLike, seed: TensorInput, minval: Optional[TensorInput] = 0,
                      maxval: Optional[TensorInput] = None, dtype: DTypeLike = "float32",
                      name: Optional[str] = None, alg: str = "auto_select") -> Tensor:
    """Uniform samples on ``[minval, maxval)`` that depend only on ``seed``.

    Floats default to ``[0, 1)``; integers need both bounds, or neither (then
    every value of the dtype can come).

    >>> import gradtape as tf
    >>> x = tf.random.stateless_uniform([5], seed=[1, 2], minval=0, maxval=10, dtype=tf.int32)
    >>> x.dtype, bool(((x.numpy() >= 0) & (x.numpy() < 10)).all())
    (tf.int32, True)
    """
    return _uniform_from(_seed_key(seed, alg), shape, minval, maxval, dtype,
                         "stateless_uniform")


def stateless_categorical(logits: TensorInput, num_samples: int, seed: TensorInput,
                          dtype: DTypeLike = "int64", name: Optional[str] = None) -> Tensor:
    """``tf.random.categorical`` whose draws depend only on ``seed``: TensorFlow's
    numbers (its CPU kernel's inverse-CDF search on Philox doubles, the batch
    split in blocks as its thread pool splits it).

    >>> import gradtape as tf
    >>> tf.random.stateless_categorical(tf.math.log([[0.5, 0.5, 0.0]]), 5, seed=[1, 2]).numpy()
    array([[1, 1, 0, 1, 1]])
    """
    key = _seed_key(seed)
    return _categorical(logits, num_samples, dtype, lambda logits, samples, out: _keyed(
        "categorical", key, samples.shape, out._np, logits))


def _suffix_shape(shape, params, opname):
    """``shape``, checked to end with the broadcast shape of ``params``."""
    from .errors import InvalidArgumentError
    shape = _shape(shape, opname)
    try:
        joint = np.broadcast_shapes(shape, *(tuple(p.shape) for p in params))
    except ValueError:
        joint = None
    if joint != shape:
        raise InvalidArgumentError("Shape passed in must end with broadcasted shape.")
    return shape


def _broadcast_shape(params) -> tuple:
    """The broadcast shape of the tensors ``params``."""
    from .errors import InvalidArgumentError
    shapes = [tuple(p.shape) for p in params]
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise InvalidArgumentError(f"Incompatible shapes: {' vs. '.join(map(str, shapes))}") \
            from None


def _of_dtypes(dtype, accepted, what="dtype"):
    from .errors import InvalidArgumentError
    dt = as_dtype(dtype)
    if dt.name not in accepted:
        raise InvalidArgumentError(f"Value for attr '{what}' of {dt.name} is not in the list "
                                   f"of allowed values: {', '.join(accepted)}")
    return dt


_COUNT_DTYPES = ("float16", "float32", "float64", "int32", "int64")


def stateless_binomial(shape: ShapeLike, seed: TensorInput, counts: TensorInput,
                       probs: TensorInput, output_dtype: DTypeLike = "int32",
                       name: Optional[str] = None) -> Tensor:
    """Binomial samples (``counts`` trials of success probability ``probs``,
    broadcast to end ``shape``) that depend only on ``seed``.  No gradient.

    >>> import gradtape as tf
    >>> x = tf.random.stateless_binomial([2, 3], [1, 2], counts=[10.0, 20.0, 30.0], probs=0.5)
    >>> x.dtype, bool((x.numpy() <= [10, 20, 30]).all())
    (tf.int32, True)
    """
    return _binomial_from(_seed_key(seed), shape, counts, probs, output_dtype,
                          "stateless_binomial")


def _binomial_from(key, shape, counts, probs, dtype, opname):
    from .errors import InvalidArgumentError
    dt = _of_dtypes(dtype, _COUNT_DTYPES)
    probs = convert_to_tensor(probs, dtype_hint="float32")
    counts = convert_to_tensor(counts, dtype_hint=probs.dtype)
    if counts.dtype != probs.dtype:
        raise InvalidArgumentError(f"{opname}: counts and probs must have the same dtype, got "
                                   f"{counts.dtype.name} and {probs.dtype.name}")
    shape = _suffix_shape(shape, (counts, probs), opname)
    return _keyed("binomial", key, shape, dt._np, counts, probs)


def _gamma_from(key, shape, alpha, beta, dtype):
    """Samples at least the dtype's smallest normal number, as TensorFlow's
    (``alpha`` 0 gives it; ``alpha`` < 0 or nan gives nan)."""
    from .errors import UnimplementedError
    from .rules import add, divide, maximum
    out = _keyed("gamma", key, shape, dtype._np, convert_to_tensor(alpha, dtype=dtype))
    if isinstance(alpha, TensorLike):  # a tape may watch it
        out = add(out, _gradient_raises(alpha, out, UnimplementedError(
            "the gradient of tf.random.gamma / stateless_gamma with respect to alpha is not "
            "implemented in gradtape; wrap alpha in tf.stop_gradient to differentiate with "
            "respect to beta only")))
    if beta is not None:
        out = divide(out, convert_to_tensor(beta, dtype=dtype))
    return maximum(convert_to_tensor(np.finfo(dtype._np).tiny, dtype=dtype), out)


def _gradient_raises(x, out, error):
    """Zeros like ``out`` whose gradient to ``x`` raises ``error``: for a
    gradient gradtape lacks, or one TensorFlow refuses, where a ``None`` would
    be a wrong answer."""
    from .custom import custom_gradient
    from .rules import zeros_like

    @custom_gradient
    def no_gradient(a):
        def grad(upstream):
            raise error
        return zeros_like(out), grad

    return no_gradient(x)


def stateless_gamma(shape: ShapeLike, seed: TensorInput, alpha: TensorInput,
                    beta: Optional[TensorInput] = None, dtype: DTypeLike = "float32",
                    name: Optional[str] = None) -> Tensor:
    """Gamma samples of concentration ``alpha`` and rate ``beta`` (broadcast to
    end ``shape``) that depend only on ``seed``.

    ``beta`` gets a gradient; a gradient to ``alpha`` (TensorFlow's implicit
    one) is not implemented: asking for it raises ``UnimplementedError``.

    >>> import gradtape as tf
    >>> x = tf.random.stateless_gamma([3, 2], [1, 2], alpha=[1.0, 2.0])
    >>> x.shape, bool((x.numpy() > 0).all())
    (TensorShape([3, 2]), True)
    """
    dt = _of_dtypes(dtype, ("float16", "float32", "float64"))
    params = [convert_to_tensor(alpha, dtype=dt)]
    if beta is not None:
        params.append(convert_to_tensor(beta, dtype=dt))
    shape = _suffix_shape(shape, params, "stateless_gamma")
    return _gamma_from(_seed_key(seed), shape, alpha, beta, dt)


def stateless_poisson(shape: ShapeLike, seed: TensorInput, lam: TensorInput,
                      dtype: DTypeLike = "int32", name: Optional[str] = None) -> Tensor:
    """Poisson samples of rate ``lam`` (broadcast to end ``shape``) that depend
    only on ``seed``.  No gradient.

    >>> import gradtape as tf
    >>> x = tf.random.stateless_poisson([3, 2], [1, 2], lam=[1.0, 2.0])
    >>> x.dtype, x.shape
    (tf.int32, TensorShape([3, 2]))
    """
    dt = _of_dtypes(dtype, _COUNT_DTYPES)
    lam = convert_to_tensor(lam)
    shape = _suffix_shape(shape, (lam,), "stateless_poisson")
    return _keyed("poisson", _seed_key(seed), shape, dt._np, lam)


def fold_in(seed: TensorInput, data: TensorInput, alg: str = "auto_select") -> Tensor:
    """A new stateless seed made from ``seed`` and the integer ``data``:
    ``[a draw of seed, data]``, of ``data``'s dtype.

    >>> import gradtape as tf
    >>> s = tf.random.fold_in([1, 2], 3)
    >>> s.dtype, int(s[1])
    (tf.int32, 3)
    """
    from .rules import stack
    data = convert_to_tensor(data)
    first = stateless_uniform([], seed, minval=None, maxval=None, dtype=data.dtype,
                              alg=alg)
    return stack([first, data])


def split(seed: TensorInput, num: int = 2, alg: str = "auto_select") -> Tensor:
    """``num`` new stateless seeds made from ``seed``: ``[num, 2]`` of its dtype.

    >>> import gradtape as tf
    >>> tf.random.split([1, 2], 3).numpy()
    array([[1105988140, 1738052849],
           [-335576002,  370444179],
           [  10670227, -246211131]], dtype=int32)
    """
    seed = convert_to_tensor(seed)
    return stateless_uniform([num, 2], seed, minval=None, maxval=None, dtype=seed.dtype, alg=alg)


def _global_key(seed, op) -> Tensor:
    """A key for a stateless op, drawn as the ops given ``seed=`` draw, from a
    stream of the TensorFlow op ``op``."""
    info = np.iinfo(np.int64)
    return _draw("integers", (2,), np.int64, seed, info.min, info.max, op=op)


def gamma(shape: ShapeLike, alpha: TensorInput, beta: Optional[TensorInput] = None,
          dtype: DTypeLike = "float32", seed: Optional[int] = None,
          name: Optional[str] = None) -> Tensor:
    """Gamma samples of concentration ``alpha`` and rate ``beta``: of shape
    ``shape`` followed by the broadcast shape of ``alpha`` and ``beta``.

    ``beta`` gets a gradient; a gradient to ``alpha`` (TensorFlow's implicit
    one) is not implemented: asking for it raises ``UnimplementedError``.

    >>> import gradtape as tf
    >>> tf.random.gamma([3], alpha=[1.0, 2.0], seed=1).shape
    TensorShape([3, 2])
    """
    dt = _of_dtypes(dtype, ("float16", "float32", "float64"))
    params = [convert_to_tensor(alpha, dtype=dt)]
    if beta is not None:
        params.append(convert_to_tensor(beta, dtype=dt))
    shape = _shape(shape, "gamma") + _broadcast_shape(params)
    return _gamma_from(_global_key(seed, "gamma"), shape, alpha, beta, dt)


def poisson(shape: ShapeLike, lam: TensorInput, dtype: DTypeLike = "float32",
            seed: Optional[int] = None, name: Optional[str] = None) -> Tensor:
    """Poisson samples of rate ``lam``: of shape ``shape`` followed by ``lam``'s.
    As TensorFlow's, asking for a gradient to ``lam`` raises ``LookupError``.

    >>> import gradtape as tf
    >>> x = tf.random.poisson([3], lam=[1.0, 2.0], seed=1)
    >>> x.dtype, x.shape
    (tf.float32, TensorShape([3, 2]))
    """
    dt = _of_dtypes(dtype, _COUNT_DTYPES)
    tensor = convert_to_tensor(lam)
    shape = _shape(shape, "poisson") + tuple(tensor.shape)
    out = _keyed("poisson", _global_key(seed, "poisson"), shape, dt._np, tensor)
    if isinstance(lam, TensorLike) and dt.is_floating:  # a tape may watch it
        from .rules import add
        out = add(out, _gradient_raises(lam, out, LookupError(
            "gradient registry has no entry for: RandomPoissonV2 (tf.random.poisson has no "
            "gradient; tf.random.stateless_poisson's is None)")))
    return out


# -- tf.random.Generator: a state Variable the draws read and advance ----------

_MASK = (1 << 64) - 1


def _state_from_seed(seed, size=3) -> np.ndarray:
    """TensorFlow's state for ``seed``: a Python int as ``size`` 64-bit words
    (two's complement, lowest first); a list or tensor right-aligned in them."""
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        words = [(int(seed) >> (64 * i)) & _MASK for i in range(size)]
        return np.array(words, np.uint64).view(np.int64)
    flat = np.asarray(convert_to_tensor(seed)._value).astype(np.int64).reshape(-1)
    if flat.size > size:
        raise ValueError(f"a Generator's seed has at most {size} numbers, got {flat.size}")
    return np.concatenate([np.zeros(size - flat.size, np.int64), flat])


def _state_size(alg) -> int:
    """The number of int64 words of a Generator's state: 2 for ThreeFry, else 3."""
    return 2 if _algorithm(alg) == Algorithm.THREEFRY.value else 3


class Generator:
    """A random generator whose state is an int64 Variable of shape ``[3]``
    (``[counter, counter, key]``, TensorFlow's Philox state).  Each draw is
    TensorFlow's Philox stream from the state, and moves the counter 256 a
    number drawn, as TensorFlow's; so two generators of one seed give the same
    sequence, and a ``gradtape.function`` advances it on every call.  Its
    binomial draws are NumPy's numbers; ``alg='threefry'`` (XLA only in
    TensorFlow) raises ``UnimplementedError`` on a draw.

    >>> import gradtape as tf
    >>> g = tf.random.Generator.from_seed(1)
    >>> g.normal([3]).numpy()
    array([ 0.43842274, -0.53439844, -0.07710262], dtype=float32)
    >>> g.state.numpy()
    array([769,   0,   0])
    """

    def __init__(self, copy_from: Optional["Generator"] = None, state: Optional[TensorInput] = None,
                 alg: Optional[object] = None) -> None:
        if copy_from is not None:
            state, alg = copy_from.state.numpy(), copy_from.algorithm
        if state is None:
            raise ValueError("Generator needs `copy_from` or `state`: use "
                             "Generator.from_seed or Generator.from_non_deterministic_state")
        state = np.asarray(convert_to_tensor(state, dtype="int64")._value)
        size = _state_size(alg)
        if state.shape != (size,):
            raise ValueError(f"Shapes {state.shape} and [{size}] are incompatible")
        self._alg = _algorithm(alg)
        self._state_var = Variable(state, trainable=False, name="StateVar", dtype="int64")

    @classmethod
    def from_seed(cls, seed: TensorInput, alg: Optional[object] = None) -> "Generator":
        """A generator whose state is made from ``seed``.

        >>> import gradtape as tf
        >>> tf.random.Generator.from_seed([1, 2]).state.numpy()
        array([0, 1, 2])
        """
        return cls(state=_state_from_seed(seed, _state_size(alg)), alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg: Optional[object] = None) -> "Generator":
        """A generator seeded from the operating system's entropy.

        >>> import gradtape as tf
        >>> tf.random.Generator.from_non_deterministic_state().state.shape
        TensorShape([3])
        """
        return cls(state=np.random.SeedSequence().generate_state(_state_size(alg), np.uint64)
                   .view(np.int64),
                   alg=alg)

    @classmethod
    def from_key_counter(cls, key: TensorInput, counter: TensorInput,
                         alg: Optional[object] = None) -> "Generator":
        """A generator of state ``counter + [key]``.

        >>> import gradtape as tf
        >>> tf.random.Generator.from_key_counter(5, [1, 2], "philox").state.numpy()
        array([1, 2, 5])
        """
        return cls(state=_key_counter(key, counter), alg=alg)

    @classmethod
    def from_state(cls, state: TensorInput, alg: Optional[object] = None) -> "Generator":
        """A generator of state ``state`` (three int64 numbers).

        >>> import gradtape as tf
        >>> tf.random.Generator.from_state([1, 2, 3], "philox").state.numpy()
        array([1, 2, 3])
        """
        return cls(state=state, alg=alg)

    @property
    def state(self) -> Variable:
        """The state Variable (int64, shape ``[3]``): assigning it moves the generator.

        >>> import gradtape as tf
        >>> tf.random.Generator.from_seed(2).state.dtype
        tf.int64
        """
        return self._state_var

    @property
    def algorithm(self) -> int:
        """The algorithm's number (1, Philox, unless chosen otherwise).

        >>> import gradtape as tf
        >>> tf.random.Generator.from_seed(2).algorithm
        1
        """
        return self._alg

    @property
    def key(self) -> Tensor:
        """The key part of the state (its last number).

        >>> import gradtape as tf
        >>> int(tf.random.Generator.from_key_counter(5, [0, 0], "philox").key)
        5
        """
        return self._state_var.read_value()[2]

    def reset(self, state: TensorInput) -> None:
        """Set the state to ``state``.

        >>> import gradtape as tf
        >>> g = tf.random.Generator.from_seed(1); g.reset([4, 0, 0]); g.state.numpy()
        array([4, 0, 0])
        """
        self._state_var.assign(convert_to_tensor(state, dtype="int64"))

    def reset_from_seed(self, seed: TensorInput) -> None:
        """Set the state to ``from_seed(seed)``'s: the same draws follow again.

        >>> import gradtape as tf
        >>> g = tf.random.Generator.from_seed(1); a = g.normal([2])
        >>> g.reset_from_seed(1); bool((g.normal([2]).numpy() == a.numpy()).all())
        True
        """
        self.reset(_state_from_seed(seed, _state_size(self._alg)))

    def reset_from_key_counter(self, key: TensorInput, counter: TensorInput) -> None:
        """Set the state to ``counter + [key]``.

        >>> import gradtape as tf
        >>> g = tf.random.Generator.from_seed(1); g.reset_from_key_counter(3, [1, 0])
        >>> g.state.numpy()
        array([1, 0, 3])
        """
        self.reset(_key_counter(key, counter))

    def skip(self, delta: int) -> None:
        """Advance the state as ``delta`` numbers drawn would (TensorFlow's
        ``rng_skip``: the counter moves 256 a number).

        >>> import gradtape as tf
        >>> g = tf.random.Generator.from_seed(1); g.skip(10); g.state.numpy()
        array([2561,    0,    0])
        """
        self._next_key(int(delta))

    def _next_key(self, numbers: int) -> Tensor:
        """The state to draw ``numbers`` numbers from, then the counter advanced
        past them as TensorFlow's (both replayed by a compiled function: the
        Variable is read and assigned on each call)."""
        if self._alg == Algorithm.THREEFRY.value:
            from .errors import UnimplementedError
            raise UnimplementedError("Non-XLA devices don't support the ThreeFry algorithm "
                                     "(gradtape draws with Philox: alg='philox')")
        key = self._state_var.read_value()
        self._state_var.assign(apply(_SKIP, (key,), {"delta": numbers * _SKIP_PER_OUTPUT}))
        return key

    def _key_for(self, shape, opname) -> Tensor:
        return self._next_key(_size(_shape(shape, opname)))

    def normal(self, shape: ShapeLike, mean: TensorInput = 0.0, stddev: TensorInput = 1.0,
               dtype: DTypeLike = "float32", name: Optional[str] = None) -> Tensor:
        """Normal samples.

        >>> import gradtape as tf
        >>> tf.random.Generator.from_seed(1).normal([2, 3]).shape
        TensorShape([2, 3])
        """
        return _normal_from(self._key_for(shape, "normal"), shape, mean, stddev, dtype,
                            "normal")

    def truncated_normal(self, shape: ShapeLike, mean: TensorInput = 0.0,
                         stddev: TensorInput = 1.0, dtype: DTypeLike = "float32",
                         name: Optional[str] = None) -> Tensor:
        """Normal samples within two standard deviations of ``mean``.

        >>> import gradtape as tf
        >>> x = tf.random.Generator.from_seed(1).truncated_normal([1000])
        >>> bool((abs(x.numpy()) <= 2.0).all())
        True
        """
        return _normal_from(self._key_for(shape, "truncated_normal"), shape, mean, stddev,
                            dtype, "truncated_normal", "truncated")

    def uniform(self, shape: ShapeLike, minval: Optional[TensorInput] = 0,
                maxval: Optional[TensorInput] = None, dtype: DTypeLike = "float32",
                name: Optional[str] = None) -> Tensor:
        """Uniform samples on ``[minval, maxval)`` (floats: ``[0, 1)`` by default;
        integers need both bounds, or neither for every value of the dtype).

        >>> import gradtape as tf
        >>> x = tf.random.Generator.from_seed(1).uniform([4], 0, 5, dtype=tf.int32)
        >>> x.dtype, bool(((x.numpy() >= 0) & (x.numpy() < 5)).all())
        (tf.int32, True)
        """
        dt = as_dtype(dtype)
        if dt.is_integer and (minval is None) != (maxval is None):
            raise ValueError(f"For integer dtype {dt!r}, minval and maxval must be both "
                             f"`None` or both non-`None`; got minval={minval} and "
                             f"maxval={maxval}")
        return _uniform_from(self._key_for(shape, "uniform"), shape, minval, maxval, dt,
                             "uniform")

    def uniform_full_int(self, shape: ShapeLike, dtype: DTypeLike = "uint64",
                         name: Optional[str] = None) -> Tensor:
        """Integers over the whole range of ``dtype``.

        >>> import gradtape as tf
        >>> tf.random.Generator.from_seed(1).uniform_full_int([3], tf.int64).dtype
        tf.int64
        """
        return self.uniform(shape, None, None, dtype)

    def binomial(self, shape: ShapeLike, counts: TensorInput, probs: TensorInput,
                 dtype: DTypeLike = "int32", name: Optional[str] = None) -> Tensor:
        """Binomial samples, as ``tf.random.stateless_binomial``.

        >>> import gradtape as tf
        >>> tf.random.Generator.from_seed(1).binomial([2], 10.0, 0.5).dtype
        tf.int32
        """
        return _binomial_from(self._key_for(shape, "binomial"), shape, counts, probs, dtype,
                              "binomial")

    def make_seeds(self, count: int = 1) -> Tensor:
        """``count`` seeds for the stateless ops: int64 ``[2, count]`` (their
        columns), the second row zeros as TensorFlow's.

        >>> import gradtape as tf
        >>> s = tf.random.Generator.from_seed(1).make_seeds(3)
        >>> s.dtype, s.shape, s.numpy()[1].tolist()
        (tf.int64, TensorShape([2, 3]), [0, 0, 0])
        """
        from .rules import stack, zeros_like
        keys = self.uniform([count], None, None, "int64")
        return stack([keys, zeros_like(keys)])

    def split(self, count: int = 1) -> "list[Generator]":
        """``count`` new generators, whose states are drawn from this one.

        >>> import gradtape as tf
        >>> a, b = tf.random.Generator.from_seed(1).split(2)
        >>> a.state.numpy()[:2].tolist(), bool(a.key.numpy() != b.key.numpy())
        ([0, 0], True)
        """
        keys = self.uniform([count], None, None, "int64").numpy()
        return [Generator(state=np.array([0, 0, k], np.int64), alg=self._alg) for k in keys]


def _skip_impl(xp, state, delta):
    """A Generator's state with its 128-bit counter advanced by ``delta``."""
    out = np.array(state, np.int64).view(np.uint64)
    step = np.array([delta], np.uint64)
    low = out[:1] + step  # arrays wrap around silently
    out[1:2] += (low < step).astype(np.uint64)  # the carry
    out[:1] = low
    return out.view(np.int64)


_SKIP = defop("random_philox_skip", _skip_impl, nondiff=True)


class Algorithm(enum.Enum):
    """The random-number algorithms a Generator or a stateless op can name
    (``alg=``): gradtape draws with Philox, as TensorFlow on CPU.

    >>> import gradtape as tf
    >>> tf.random.Algorithm.PHILOX, tf.random.Algorithm.PHILOX.value
    (<Algorithm.PHILOX: 1>, 1)
    """
    PHILOX = 1
    THREEFRY = 2
    AUTO_SELECT = 3


_ALGORITHMS = {"philox": 1, "threefry": 2, "auto_select": 3}


def _algorithm(alg) -> int:
    if alg is None:
        return 1
    if isinstance(alg, str):
        if alg.lower() not in _ALGORITHMS:
            raise ValueError(f"Unsupported random algorithm {alg!r}: use 'philox', "
                             "'threefry' or 'auto_select'")
        return _ALGORITHMS[alg.lower()]
    return int(getattr(alg, "value", alg))


def _key_counter(key, counter) -> np.ndarray:
    counter = np.asarray(convert_to_tensor(counter, dtype="int64")._value).reshape(-1)
    return np.concatenate([counter, [np.int64(int(key))]])


_global_generator: list = [None]


def get_global_generator() -> Generator:
    """The global Generator (made from the operating system's entropy when
    first asked for).

    >>> import gradtape as tf
    >>> tf.random.get_global_generator().normal([2]).shape
    TensorShape([2])
    """
    if _global_generator[0] is None:
        _global_generator[0] = Generator.from_non_deterministic_state()
    return _global_generator[0]


def set_global_generator(generator: Generator) -> None:
    """Make ``generator`` the global Generator.

    >>> import gradtape as tf
    >>> g = tf.random.Generator.from_seed(3)
    >>> tf.random.set_global_generator(g); tf.random.get_global_generator() is g
    True
    """
    _global_generator[0] = generator

from ._missing import missing_names as _missing_names

__getattr__ = _missing_names("gradtape.random", "tf.random")
