"""Op specs: elementwise ops (see tests/opspec.py for the format)."""
import numpy as np

import gradtape as tf
from tests.opspec import (BINARY_SHAPES, NumpyRef, OpSpec, away_from, binary, erf64,  # noqa: F401
                          rand, reduction, unary, via64)

_rng = np.random.default_rng(2024)


def _w(x, y):
    return tf.complex(x, y)


def separated(name, fn, order=2, **capabilities):
    """A binary op with a kink where ``x == y`` (maximum, minimum), on samples
    whose operands differ by at least 0.4 in every broadcast pair."""
    def draw(shape, offset):
        return _rng.integers(-2, 3, size=shape) + offset + _rng.uniform(-0.05, 0.05, size=shape)
    return OpSpec(name, fn, [(draw(a, 0.3), draw(b, 0.8)) for a, b in BINARY_SHAPES], order,
                  **capabilities)


SPECS = [
    binary("add", tf.add, numpy_ref=NumpyRef(np.add, True, ("AddV2",))),
    binary("subtract", tf.subtract, numpy_ref=NumpyRef(np.subtract, True, ("Sub",))),
    binary("multiply", tf.multiply, numpy_ref=NumpyRef(np.multiply, True, ("Mul",))),
    binary("divide", tf.divide, lo2=0.5, hi2=2.0,
           numpy_ref=NumpyRef(np.true_divide, True, ("RealDiv",))),
    binary("truediv", tf.truediv, lo2=0.5, hi2=2.0,
           numpy_ref=NumpyRef(np.true_divide, True, ("RealDiv", "divide"))),
    binary("mod", tf.math.mod, lo=0.1, hi=0.9, lo2=1.0, hi2=1.5,
           numpy_ref=NumpyRef(np.mod, True, ("FloorMod",))),
    binary("mod_negative", tf.math.floormod, lo=-3.0, hi=-2.1, lo2=1.0, hi2=1.4),
    binary("squared_difference", tf.math.squared_difference),
    binary("xlogy", tf.math.xlogy, kink=True, lo2=0.5, hi2=2.0),
    binary("xdivy", tf.math.xdivy, kink=True, lo2=0.5, hi2=2.0),
    binary("xlog1py", tf.math.xlog1py, kink=True, lo2=-0.5, hi2=2.0),
    binary("multiply_no_nan", tf.math.multiply_no_nan, kink=True),
    binary("divide_no_nan", tf.math.divide_no_nan, lo2=0.5, hi2=2.0),
    OpSpec("divide_no_nan_at_zero", lambda x, y: tf.math.divide_no_nan(x, y * 0.0) + x * y,
           [(rand((2, 3)), rand((3,)))], 2),
    binary("pow", tf.pow, lo=0.5, hi=2.0, numpy_ref=NumpyRef(np.power, True, ("Pow",))),
    OpSpec("pow_constant_exponents",
           lambda x: x ** 3 + x ** -2 + x ** 0.5 - x ** 1.5 + x ** 1 + x ** 4 + x ** -1,
           [(rand(s, 0.5, 2.0),) for s in [(), (3,), (2, 3)]], 2),
    separated("maximum", tf.maximum, numpy_ref=NumpyRef(np.maximum, True)),
    separated("minimum", tf.minimum, numpy_ref=NumpyRef(np.minimum, True)),
    binary("atan2", tf.atan2, lo=0.5, hi=2.0, numpy_ref=NumpyRef(np.arctan2, False)),
    OpSpec("operators", lambda x, y: (x + 2.0) * y - x / (y * y + 1.0) + 3.0 ** x,
           [(rand((2, 3)), rand((3,)))], 2),
    unary("negative", tf.negative, numpy_ref=NumpyRef(np.negative, True, ("Neg",))),
    unary("square", tf.square, numpy_ref=NumpyRef(np.square, True)),
    unary("sqrt", tf.sqrt, 0.5, 2.0, numpy_ref=NumpyRef(np.sqrt, False)),
    unary("rsqrt", tf.math.rsqrt, 0.5, 2.0,
          numpy_ref=NumpyRef(via64(lambda x: 1.0 / np.sqrt(x)), False)),
    unary("reciprocal", tf.math.reciprocal, 0.5, 2.0, numpy_ref=NumpyRef(np.reciprocal, False)),
    unary("reciprocal_no_nan", tf.math.reciprocal_no_nan, 0.5, 2.0),
    binary("sign_complex", lambda x, y: tf.math.real(tf.sign(tf.complex(x, y)))
           + 2.0 * tf.math.imag(tf.sign(tf.complex(x, y))), kink=True),
    unary("exp", tf.exp, numpy_ref=NumpyRef(np.exp, False)),
    unary("expm1", tf.math.expm1, numpy_ref=NumpyRef(np.expm1, False)),
    unary("log", tf.math.log, 0.5, 3.0, numpy_ref=NumpyRef(np.log, False)),
    unary("log1p", tf.math.log1p, -0.5, 2.0, numpy_ref=NumpyRef(np.log1p, False)),
    unary("sin", tf.sin, numpy_ref=NumpyRef(np.sin, False)),
    unary("cos", tf.cos, numpy_ref=NumpyRef(np.cos, False)),
    unary("tan", tf.tan, -1.0, 1.0, numpy_ref=NumpyRef(np.tan, False)),
    unary("asin", tf.asin, -0.8, 0.8, numpy_ref=NumpyRef(np.arcsin, False)),
    unary("acos", tf.acos, -0.8, 0.8, numpy_ref=NumpyRef(np.arccos, False)),
    unary("atan", tf.atan, numpy_ref=NumpyRef(np.arctan, False)),
    unary("sinh", tf.sinh, numpy_ref=NumpyRef(np.sinh, False)),
    unary("cosh", tf.cosh, numpy_ref=NumpyRef(np.cosh, False)),
    unary("tanh", tf.tanh, numpy_ref=NumpyRef(np.tanh, False)),
    unary("asinh", tf.asinh, numpy_ref=NumpyRef(np.arcsinh, False)),
    unary("acosh", tf.acosh, 1.2, 3.0, numpy_ref=NumpyRef(np.arccosh, False)),
    unary("atanh", tf.atanh, -0.8, 0.8, numpy_ref=NumpyRef(np.arctanh, False)),
    unary("sigmoid", tf.sigmoid,
          numpy_ref=NumpyRef(via64(lambda x: 0.5 * (1.0 + np.tanh(0.5 * x))), False)),
    unary("softplus", tf.math.softplus,
          numpy_ref=NumpyRef(via64(lambda x: np.logaddexp(0.0, x)), False)),
    unary("erf", tf.math.erf, numpy_ref=NumpyRef(via64(erf64), False)),
    unary("erf_wide", tf.math.erf, -4.5, 4.5),
    unary("erfc", tf.math.erfc, -4.5, 4.5),
    unary("ndtri", tf.math.ndtri, 0.05, 0.9),
    unary("lgamma", tf.math.lgamma, 0.3, 4.0, array_api=False),
    unary("lgamma_negative", tf.math.lgamma, -0.9, -0.1, array_api=False),
    unary("digamma", tf.math.digamma, 0.3, 25.0, array_api=False),
    OpSpec("polygamma",
           lambda x: tf.math.polygamma(x * 0.0 + 1.0, x) + tf.math.polygamma(x * 0.0 + 2.0, x),
           [(rand((2, 3), 0.5, 3.0),), (rand((3,), -0.9, -0.1),)], 2, array_api=False),
    OpSpec("igamma", tf.math.igamma, [(rand((2, 3), 0.5, 4.0), rand((2, 3), 0.2, 7.0))], 1,
           array_api=False),
    OpSpec("igammac", tf.math.igammac, [(rand((3,), 0.5, 4.0), rand((3,), 0.2, 7.0))], 1,
           array_api=False),
    OpSpec("igamma_in_x", lambda x: tf.math.igamma(1.5, x) + tf.math.igammac(3.0, x),
           [(rand((2, 3), 0.2, 7.0),)], 2, array_api=False),
    OpSpec("zeta", lambda q: tf.math.zeta(q * 0.0 + 2.5, q), [(rand((2, 3), 0.5, 4.0),)], 2,
           array_api=False),
    OpSpec("betainc", lambda x: tf.math.betainc(x * 0.0 + 1.5, x * 0.0 + 2.5, x),
           [(rand((2, 3), 0.1, 0.9),)], 2, array_api=False),
    unary("bessel_i0", tf.math.bessel_i0, -3.0, 3.0),
    unary("bessel_i0e", tf.math.bessel_i0e, -3.0, 3.0, kink=True),
    unary("bessel_i1", tf.math.bessel_i1, -3.0, 3.0),
    unary("bessel_i1e", tf.math.bessel_i1e, -3.0, 3.0, kink=True),
    unary("bessel_large", lambda x: tf.math.bessel_i0e(x * 20.0) + tf.math.bessel_i1e(x * 20.0),
          1.0, 2.5),
    unary("erfinv", tf.math.erfinv, -0.9, 0.9),
    unary("erfcinv", tf.math.erfcinv, 0.1, 1.9),
    OpSpec("polyval", lambda c0, c1, x: tf.math.polyval([c0, c1, 2.0 * c0, x], x),
           [(rand(()), rand((3,)), rand((2, 3)))], 2),
    OpSpec("accumulate_n", lambda a, b: tf.math.accumulate_n([a, b * b, a]),
           [(rand((2, 3)), rand((2, 3)))], 2),
    unary("log_sigmoid", tf.math.log_sigmoid, -6.0, 6.0),
    unary("abs", tf.abs, kink=True, numpy_ref=NumpyRef(np.abs, True)),
    unary("sign", tf.sign, kink=True, numpy_ref=NumpyRef(np.sign, True)),
    OpSpec("clip_by_value", lambda x: tf.clip_by_value(x, -1.0, 1.0),
           [(away_from((2, 3), -2, 2),)], 1),
    OpSpec("where", lambda x, y: tf.where(x > 0.0, x * y, y),
           [(rand((2, 3)), rand((3,)))], 2),
    OpSpec("cast_float64_to_float64", lambda x: tf.cast(x, tf.float64) * x, [(rand((3,)),)], 2),
    OpSpec("add_n", lambda x, y: tf.add_n([x, y, x]), [(rand((2, 3)), rand((2, 3)))], 2),
    # complex ops on w = x + iy, real in and out: the real-linear maps of
    # TensorFlow's convention must compose with the holomorphic ops' rules
    binary("complex_real_imag", lambda x, y: tf.math.real(_w(x, y) * _w(x, y))
           + tf.math.imag(tf.exp(_w(x, y)) / (_w(x, y) + 3.0))),
    binary("complex_conj", lambda x, y: tf.math.real(_w(x, y) * tf.math.conj(_w(x, y)))
           + tf.math.imag(tf.math.conj(_w(x, y)) * tf.sin(_w(x, y)) ** 2)),
    binary("complex_angle", lambda x, y: tf.math.angle(_w(x, y) * _w(x, y)), lo=0.5, hi=2.0,
           lo2=0.2, hi2=1.0),
    binary("complex_abs", lambda x, y: tf.abs(_w(x, y) * _w(x, y) + 0.5), lo=0.5, hi=2.0,
           lo2=0.2, hi2=1.0),
]
