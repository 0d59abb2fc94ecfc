"""Elementwise ops beyond the op-spec table: erf accuracy, derivatives of
abs and sign at every order and mode, ``None`` gradients, TensorFlow's dtype
rules, special values, and tangents of broadcast operands."""
import math

import numpy as np
import pytest

import gradtape as tf


def grad(f, *xs):
    xs = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    return tape.gradient(y, xs)


# ---------------------------------------------------------------------------
# erf and erfc against the C library's (math.erf, math.erfc)
# ---------------------------------------------------------------------------

GRID = np.concatenate([np.linspace(-27.0, 27.0, 54001), np.geomspace(1e-300, 1.0, 601),
                       -np.geomspace(1e-300, 1.0, 601), [0.46875, -0.46875, 4.0, -4.0]])


@pytest.mark.parametrize("fn,ref", [(tf.math.erf, math.erf), (tf.math.erfc, math.erfc)],
                         ids=["erf", "erfc"])
def test_erf_family_is_accurate_to_rounding(fn, ref):
    want = np.array([ref(v) for v in GRID])
    got = fn(tf.constant(GRID)).numpy()
    normal = np.abs(want) > np.finfo(np.float64).tiny
    rel = np.abs(got - want)[normal] / np.abs(want[normal])
    assert rel.max() < 2e-15
    assert np.all(np.abs(got - want)[~normal] < 1e-300)


def test_erf_special_values_and_dtype():
    x = tf.constant([np.nan, np.inf, -np.inf, -0.0, 30.0])
    np.testing.assert_array_equal(tf.math.erf(x).numpy(), [np.nan, 1, -1, -0.0, 1])
    assert np.signbit(tf.math.erf(x).numpy()[3])
    np.testing.assert_array_equal(tf.math.erfc(x).numpy(), [np.nan, 0, 2, 1, 0])
    y = tf.math.erf(tf.constant(0.5))
    assert y.dtype == tf.float32 and y.shape == ()
    assert y.numpy() == np.float32(math.erf(0.5))


# ---------------------------------------------------------------------------
# abs and sign: correct derivatives of every order, in both modes
# ---------------------------------------------------------------------------

def test_abs_second_derivative_under_nested_tapes():
    x = tf.constant([-1.5, 0.7, 2.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * tf.abs(x)          # d/dx = 2|x|, d2/dx2 = 2 sign(x)
        g = inner.gradient(y, x)
    np.testing.assert_allclose(g.numpy(), 2 * np.abs(x.numpy()))
    np.testing.assert_allclose(outer.gradient(g, x).numpy(), [-2.0, 2.0, 2.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.abs(x)
        g = inner.gradient(y, x)
    np.testing.assert_allclose(outer.gradient(g, x).numpy(), [0.0, 0.0, 0.0])


def test_sign_has_a_zero_tangent_in_forward_mode():
    x = tf.constant([-1.5, 0.7, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
        s = tf.sign(x)
        y = tf.abs(x) * x
    assert acc.jvp(s) is not None
    np.testing.assert_array_equal(acc.jvp(s).numpy(), [0.0, 0.0, 0.0])
    np.testing.assert_allclose(acc.jvp(y).numpy(), 2 * np.abs(x.numpy()))
    # forward over reverse: the Hessian-vector product of sum(x |x|)
    with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(x * tf.abs(x))
        g = tape.gradient(y, x)
    np.testing.assert_allclose(acc.jvp(g).numpy(), [-2.0, 2.0, 2.0])


# ---------------------------------------------------------------------------
# None gradients and TensorFlow's gradient conventions
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [tf.round, tf.floor, tf.math.ceil,
                                lambda x: tf.math.floordiv(x, 2.0)],
                         ids=["round", "floor", "ceil", "floordiv"])
def test_rounding_ops_have_no_gradient(fn):
    (g,) = grad(fn, np.array([0.4, 1.6]))
    assert g is None


def test_round_is_half_to_even():
    assert tf.round(tf.constant([0.5, 1.5, 2.5, -0.5])).numpy().tolist() == [0, 2, 2, -0]


def test_mod_treats_the_quotient_as_constant():
    gx, gy = grad(tf.math.floormod, np.array([7.0, -7.0]), np.array([3.0, 3.0]))
    np.testing.assert_array_equal(gx.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(gy.numpy(), [-2.0, 3.0])   # -floor(x / y)


def test_ties_send_the_gradient_to_x():
    x, y = np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 4.0])
    gx, gy = grad(tf.maximum, x, y)
    assert gx.numpy().tolist() == [1, 1, 0] and gy.numpy().tolist() == [0, 0, 1]
    gx, gy = grad(tf.minimum, x, y)
    assert gx.numpy().tolist() == [1, 0, 1] and gy.numpy().tolist() == [0, 1, 0]
    (g,) = grad(lambda t: tf.clip_by_value(t, -1.0, 1.0), np.array([-2.0, -1.0, 0.5, 1.0, 3.0]))
    assert g.numpy().tolist() == [0, 1, 1, 1, 0]


def test_xlogy_xdivy_and_divide_no_nan_at_zero():
    gx, gy = grad(tf.math.xlogy, np.array([0.0, 0.0, 2.0]), np.array([0.0, 3.0, 4.0]))
    np.testing.assert_array_equal(tf.math.xlogy(tf.constant([0.0, 2.0]), 0.0).numpy(), [0.0, -np.inf])
    np.testing.assert_allclose(gx.numpy(), [0.0, 0.0, np.log(4.0)])
    np.testing.assert_allclose(gy.numpy(), [0.0, 0.0, 0.5])
    gx, gy = grad(tf.math.xdivy, np.array([0.0, 0.0, 2.0]), np.array([0.0, 3.0, 4.0]))
    np.testing.assert_array_equal(tf.math.xdivy(tf.constant([0.0, 2.0]), 0.0).numpy(), [0.0, np.inf])
    np.testing.assert_allclose(gx.numpy(), [0.0, 0.0, 0.25])
    np.testing.assert_allclose(gy.numpy(), [0.0, 0.0, -0.125])
    gx, gy = grad(tf.math.divide_no_nan, np.array([1.0, 6.0]), np.array([0.0, 2.0]))
    np.testing.assert_allclose(gx.numpy(), [0.0, 0.5])
    np.testing.assert_allclose(gy.numpy(), [0.0, -1.5])


def test_stable_sigmoid_family_at_extremes():
    x = tf.constant([-1000.0, 0.0, 1000.0])
    np.testing.assert_allclose(tf.math.log_sigmoid(x).numpy(), [-1000.0, -np.log(2.0), 0.0])
    np.testing.assert_allclose(tf.math.softplus(x).numpy(), [0.0, np.log(2.0), 1000.0])
    (g,) = grad(tf.math.log_sigmoid, np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(g.numpy(), [1.0, 0.5, 0.0])


# ---------------------------------------------------------------------------
# Dtypes
# ---------------------------------------------------------------------------

UNARY = [tf.square, tf.sqrt, tf.math.rsqrt, tf.exp, tf.math.expm1, tf.math.log, tf.math.log1p,
         tf.sin, tf.cos, tf.tan, tf.asin, tf.acos, tf.atan, tf.sinh, tf.cosh, tf.tanh,
         tf.asinh, tf.atanh, tf.sigmoid, tf.math.softplus, tf.math.erf, tf.math.erfc,
         tf.math.log_sigmoid, tf.abs, tf.sign, tf.negative, tf.math.reciprocal]
BINARY = [tf.add, tf.subtract, tf.multiply, tf.divide, tf.pow, tf.maximum, tf.minimum,
          tf.atan2, tf.math.floormod, tf.math.squared_difference, tf.math.xlogy,
          tf.math.xdivy, tf.math.divide_no_nan]


@pytest.mark.parametrize("fn", UNARY + BINARY, ids=lambda f: f.__name__)
def test_float32_in_float32_out(fn):
    x = tf.constant([0.3, 0.6], tf.float32)
    args = (x,) if fn in UNARY else (x, 0.5)   # a Python scalar takes x's dtype
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(*args)
    assert y.dtype == tf.float32
    assert tape.gradient(y, x).dtype == tf.float32
    with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
        y = fn(*args)
    assert acc.jvp(y).dtype == tf.float32


@pytest.mark.parametrize("dtype,result", [(tf.int8, tf.float32), (tf.int16, tf.float32),
                                          (tf.int32, tf.float64), (tf.int64, tf.float64)])
def test_truediv_of_integers(dtype, result):
    y = tf.truediv(tf.constant([1, 3], dtype), tf.constant([2, 2], dtype))
    assert y.dtype == result and y.numpy().tolist() == [0.5, 1.5]


def test_mixed_dtypes_are_an_error_naming_the_op():
    with pytest.raises(tf.errors.InvalidArgumentError, match="squared_difference"):
        tf.math.squared_difference(tf.constant([1.0]), tf.constant([1.0], tf.float64))


# ---------------------------------------------------------------------------
# Tangents of broadcast operands
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [tf.add, tf.subtract, tf.math.floormod,
                                lambda a, b: tf.where(b > 0.0, a, b)],
                         ids=["add", "subtract", "floormod", "where"])
def test_tangent_of_a_broadcast_operand_has_the_output_shape(fn):
    x, y = tf.constant([1.0, 2.0, 3.0]), tf.constant(np.full((2, 3), 2.5))
    x = tf.cast(x, tf.float64)
    with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
        out = fn(x, y)
    assert acc.jvp(out).shape == (2, 3)
