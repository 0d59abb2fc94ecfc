"""Op specs: elementwise ops (see tests/opspec.py for the format)."""
import numpy as np

import gradtape as tf
from tests.opspec import (BINARY_SHAPES, OpSpec, away_from, binary, rand, reduction,  # noqa: F401
                          unary)

_rng = np.random.default_rng(2024)


def separated(name, fn, order=2):
    """A binary op with a kink where ``x == y`` (maximum, minimum), on samples
    whose operands differ by at least 0.4 in every broadcast pair."""
    def draw(shape, offset):
        return _rng.integers(-2, 3, size=shape) + offset + _rng.uniform(-0.05, 0.05, size=shape)
    return OpSpec(name, fn, [(draw(a, 0.3), draw(b, 0.8)) for a, b in BINARY_SHAPES], order)


SPECS = [
    binary("add", tf.add),
    binary("subtract", tf.subtract),
    binary("multiply", tf.multiply),
    binary("divide", tf.divide, lo2=0.5, hi2=2.0),
    binary("truediv", tf.truediv, lo2=0.5, hi2=2.0),
    binary("mod", tf.math.mod, lo=0.1, hi=0.9, lo2=1.0, hi2=1.5),
    binary("mod_negative", tf.math.floormod, lo=-3.0, hi=-2.1, lo2=1.0, hi2=1.4),
    binary("squared_difference", tf.math.squared_difference),
    binary("xlogy", tf.math.xlogy, kink=True, lo2=0.5, hi2=2.0),
    binary("xdivy", tf.math.xdivy, kink=True, lo2=0.5, hi2=2.0),
    binary("divide_no_nan", tf.math.divide_no_nan, lo2=0.5, hi2=2.0),
    OpSpec("divide_no_nan_at_zero", lambda x, y: tf.math.divide_no_nan(x, y * 0.0) + x * y,
           [(rand((2, 3)), rand((3,)))], 2),
    binary("pow", tf.pow, lo=0.5, hi=2.0),
    OpSpec("pow_constant_exponents",
           lambda x: x ** 3 + x ** -2 + x ** 0.5 - x ** 1.5 + x ** 1 + x ** 4 + x ** -1,
           [(rand(s, 0.5, 2.0),) for s in [(), (3,), (2, 3)]], 2),
    separated("maximum", tf.maximum),
    separated("minimum", tf.minimum),
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
    unary("erf_wide", tf.math.erf, -4.5, 4.5),
    unary("erfc", tf.math.erfc, -4.5, 4.5),
    unary("log_sigmoid", tf.math.log_sigmoid, -6.0, 6.0),
    unary("abs", tf.abs, kink=True),
    unary("sign", tf.sign, kink=True),
    OpSpec("clip_by_value", lambda x: tf.clip_by_value(x, -1.0, 1.0),
           [(away_from((2, 3), -2, 2),)], 1),
    OpSpec("where", lambda x, y: tf.where(x > 0.0, x * y, y),
           [(rand((2, 3)), rand((3,)))], 2),
    OpSpec("cast_float64_to_float64", lambda x: tf.cast(x, tf.float64) * x, [(rand((3,)),)], 2),
    OpSpec("add_n", lambda x, y: tf.add_n([x, y, x]), [(rand((2, 3)), rand((2, 3)))], 2),]
