"""The op-spec table: one entry per differentiable op, with sample inputs.

Every generic test (gradient checks in both modes, second order, vectorized
vs looped Jacobians) is driven by this table.  An entry is
``OpSpec(name, fn, samples, order)``: ``fn`` takes Tensors, ``samples`` is a
list of argument tuples (float64 ndarrays), ``order`` the highest derivative
order checked.
"""
from collections import namedtuple

import numpy as np

import gradtape as tf

OpSpec = namedtuple("OpSpec", "name fn samples order")

_rng = np.random.default_rng(1234)

UNARY_SHAPES = [(), (3,), (2, 3)]
BINARY_SHAPES = [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3))]
AXES = [(None, False), (0, False), (1, True), (-1, False), ((0, 1), True)]


def rand(shape, lo=-2.0, hi=2.0):
    """Uniform float64 samples in [lo, hi)."""
    return _rng.uniform(lo, hi, size=shape)


def away_from(shape, lo, hi, gap=0.2):
    """Samples in [lo, hi) whose |value| is at least ``gap`` (for kinks at 0)."""
    x = rand(shape, lo, hi)
    return np.where(np.abs(x) < gap, np.copysign(gap, x) + np.sign(x) * 0.1 + (x == 0) * gap, x)


def unary(name, fn, lo=-2.0, hi=2.0, order=2, kink=False):
    gen = (lambda s: away_from(s, lo, hi)) if kink else (lambda s: rand(s, lo, hi))
    return OpSpec(name, fn, [(gen(s),) for s in UNARY_SHAPES], order)


def binary(name, fn, lo=-2.0, hi=2.0, order=2, lo2=None, hi2=None, kink=False):
    lo2 = lo if lo2 is None else lo2
    hi2 = hi if hi2 is None else hi2
    gen = away_from if kink else rand
    return OpSpec(name, fn, [(gen(a, lo, hi), gen(b, lo2, hi2)) for a, b in BINARY_SHAPES], order)


def reduction(name, fn, order=2, lo=-2.0, hi=2.0):
    samples = [(rand((2, 3), lo, hi), ax, kd) for ax, kd in AXES] + [(rand((4,), lo, hi), None, False)]
    return OpSpec(name, lambda x, axis, keepdims: fn(x, axis=axis, keepdims=keepdims),
                  samples, order)


SPECS = [
    # -- elementwise arithmetic
    binary("add", tf.add),
    binary("subtract", tf.subtract),
    binary("multiply", tf.multiply),
    binary("divide", tf.divide, lo2=0.5, hi2=2.0),
    binary("truediv", tf.truediv, lo2=0.5, hi2=2.0),
    binary("mod", tf.math.mod, lo=0.1, hi=0.9, lo2=1.0, hi2=1.5, order=1),
    binary("pow", tf.pow, lo=0.5, hi=2.0),
    binary("maximum", tf.maximum, kink=True, order=1),
    binary("minimum", tf.minimum, kink=True, order=1),
    binary("atan2", tf.atan2, lo=0.5, hi=2.0),
    OpSpec("operators", lambda x, y: (x + 2.0) * y - x / (y * y + 1.0) + 3.0 ** x,
           [(rand((2, 3)), rand((3,)))], 2),
    unary("negative", tf.negative),
    unary("square", tf.square),
    unary("sqrt", tf.sqrt, 0.5, 2.0),
    unary("rsqrt", tf.math.rsqrt, 0.5, 2.0),
    unary("reciprocal", tf.math.reciprocal, 0.5, 2.0),
    unary("exp", tf.exp),
    unary("expm1", tf.math.expm1),
    unary("log", tf.math.log, 0.5, 3.0),
    unary("log1p", tf.math.log1p, -0.5, 2.0),
    unary("sin", tf.sin),
    unary("cos", tf.cos),
    unary("tan", tf.tan, -1.0, 1.0),
    unary("asin", tf.asin, -0.8, 0.8),
    unary("acos", tf.acos, -0.8, 0.8),
    unary("atan", tf.atan),
    unary("sinh", tf.sinh),
    unary("cosh", tf.cosh),
    unary("tanh", tf.tanh),
    unary("asinh", tf.asinh),
    unary("acosh", tf.acosh, 1.2, 3.0),
    unary("atanh", tf.atanh, -0.8, 0.8),
    unary("sigmoid", tf.sigmoid),
    unary("softplus", tf.math.softplus),
    unary("erf", tf.math.erf),
    unary("abs", tf.abs, kink=True),
    unary("sign", tf.sign, kink=True),
    OpSpec("clip_by_value", lambda x: tf.clip_by_value(x, -1.0, 1.0),
           [(away_from((2, 3), -2, 2),)], 1),
    OpSpec("where", lambda x, y: tf.where(x > 0.0, x * y, y),
           [(rand((2, 3)), rand((3,)))], 2),
    OpSpec("cast_float64_to_float64", lambda x: tf.cast(x, tf.float64) * x, [(rand((3,)),)], 2),
    OpSpec("add_n", lambda x, y: tf.add_n([x, y, x]), [(rand((2, 3)), rand((2, 3)))], 2),
    # -- reductions
    reduction("reduce_sum", tf.reduce_sum),
    reduction("reduce_mean", tf.reduce_mean),
    # -- shape
    OpSpec("reshape", lambda x: tf.reshape(x, (3, -1)) * 2.0, [(rand((2, 3)),)], 2),
    OpSpec("transpose", lambda x: tf.transpose(x, perm=[2, 0, 1]), [(rand((2, 3, 4)),)], 2),
    OpSpec("expand_dims", lambda x: tf.expand_dims(x, 1), [(rand((2, 3)),)], 2),
    OpSpec("squeeze", lambda x: tf.squeeze(x), [(rand((1, 3, 1)),)], 2),
    OpSpec("broadcast_to", lambda x: tf.broadcast_to(x, (2, 3)), [(rand((3,)),)], 2),
    OpSpec("stack", lambda x, y: tf.stack([x, y], axis=1), [(rand((2, 3)), rand((2, 3)))], 2),
    OpSpec("identity", tf.identity, [(rand((3,)),)], 2),
    # -- indexing
    OpSpec("getitem_basic", lambda x: x[1:, ::-1, None], [(rand((3, 4)),)], 2),
    OpSpec("getitem_int_ellipsis", lambda x: x[..., 1] * x[0], [(rand((3, 3)),)], 2),
    OpSpec("getitem_int_array", lambda x: x[[0, 2, 0]], [(rand((3, 2)),)], 2),
    OpSpec("getitem_split_advanced", lambda x: x[[0, 1], :, [1, 0]], [(rand((2, 3, 2)),)], 2),
    # -- linalg
    OpSpec("matmul", tf.matmul, [(rand((2, 3)), rand((3, 4))), (rand((2, 2, 3)), rand((3, 2)))], 2),
    OpSpec("matmul_transposed", lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
           [(rand((3, 2)), rand((4, 3)))], 2),
    # -- nn
    unary("relu", tf.nn.relu, kink=True),
]
