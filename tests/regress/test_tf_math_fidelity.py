"""Elementwise math, operators and reductions that differed from TensorFlow 2.21.

Each case holds the numbers (or the error class) TensorFlow 2.21 gave for the
same call.  Before the fixes gradtape returned, among others: bools for
``&``, ``|``, ``^`` and ``~`` of integer tensors, a zero gradient for
``sign`` of a complex tensor, 0 for the exponent's gradient of ``pow`` where
TensorFlow's is NaN, ``clip_value_max`` where the bounds cross, ``False``
for ``==`` of tensors of two dtypes, and values for ops TensorFlow has no
kernel for (``abs`` of unsigned integers, ``floor`` of integers,
``logical_and`` of floats, ``round`` of complex numbers...).
"""
import numpy as np
import pytest

import gradtape as tf
from gradtape.errors import InvalidArgumentError, NotFoundError


def _grad(f, *xs):
    xs = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    return y, tape.gradient(y, xs)


def _second(f, x):
    x = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(x)
        (g,) = _grad(f, x)[1]
    return g, outer.gradient(g, x)


# ---------------------------------------------------------------------------
# Operators
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [tf.int32, tf.int64, tf.uint8])
def test_bitwise_operators_of_integer_tensors(dtype):
    # TensorFlow 2.21: 6 & 3 = 2, 6 | 3 = 7, 6 ^ 3 = 5, in the tensor's dtype
    x = tf.constant([6], dtype)
    for got, want in [(x & 3, 2), (3 & x, 2), (x | tf.constant([3], dtype), 7), (x ^ 3, 5)]:
        assert got.dtype == dtype and got.numpy().tolist() == [want]


def test_invert_of_integer_tensors():
    # TensorFlow 2.21: ~1 is -2 (int32) and 254 (uint8)
    assert (~tf.constant([1])).numpy().tolist() == [-2]
    out = ~tf.constant([1], tf.uint8)
    assert out.dtype == tf.uint8 and out.numpy().tolist() == [254]
    assert (~tf.constant([True, False])).numpy().tolist() == [False, True]


def test_bitwise_operators_refuse_floats_and_mixed_kinds():
    # TensorFlow 2.21: InvalidArgumentError (no float kernel; int32 & bool)
    with pytest.raises(InvalidArgumentError):
        tf.constant([1.0]) & tf.constant([1.0])
    with pytest.raises(InvalidArgumentError):
        ~tf.constant([1.0])


def test_times_a_bool_tensor_multiplies_in_int32_and_gives_bools():
    # TensorFlow 2.21: [True, False] * [True, True] == [True, False]; tf.multiply refuses bools
    out = tf.constant([True, False]) * tf.constant([True, True])
    assert out.dtype == tf.bool and out.numpy().tolist() == [True, False]
    # TensorFlow 2.21: [True] * 2, [1] * [True], True * [True] are [True]; [True] * 0.5 is [False]
    for out in (tf.constant([True]) * 2, tf.constant([1]) * tf.constant([True]),
                True * tf.constant([True])):
        assert out.dtype == tf.bool and out.numpy().tolist() == [True]
    assert (tf.constant([True]) * 0.5).numpy().tolist() == [False]
    with pytest.raises(InvalidArgumentError):
        tf.multiply(tf.constant([True]), tf.constant([True]))


def test_equality_of_tensors_of_two_dtypes_is_an_error():
    # TensorFlow 2.21: InvalidArgumentError "cannot compute Equal as input #1..."
    with pytest.raises(InvalidArgumentError):
        tf.constant([1, 2]) == tf.constant([1.0, 2.0])
    with pytest.raises(InvalidArgumentError):
        tf.constant([1.0]) != tf.constant([1.0], tf.float64)
    # ... while shapes that do not broadcast still compare unequal (a bool tensor)
    out = tf.constant([1, 2]) == tf.constant([1, 2, 3])
    assert out.dtype == tf.bool and out.shape == () and not bool(out)


@pytest.mark.parametrize("call", [
    lambda: tf.constant([True]) + tf.constant([True]),
    lambda: tf.constant([True]) - tf.constant([True]),
    lambda: tf.negative(tf.constant([True])),
    lambda: tf.constant([True]) < tf.constant([False]),
    lambda: tf.math.floordiv(tf.constant([True]), tf.constant([True])),
    lambda: tf.constant([True]) % tf.constant([True]),
    lambda: abs(tf.constant([1], tf.uint8)),
    lambda: -tf.constant([1], tf.uint8),
    lambda: tf.sign(tf.constant([1], tf.uint8)),
    lambda: tf.constant([7], tf.uint8) ** 2,
    lambda: tf.floor(tf.constant([1, 2])),
    lambda: tf.math.ceil(tf.constant([1, 2])),
    lambda: tf.floor(tf.constant([1.5 + 2.5j])),
    lambda: tf.math.is_nan(tf.constant([2])),
    lambda: tf.math.is_finite(tf.constant([2], tf.int64)),
    lambda: tf.math.is_inf(tf.constant([True])),
    lambda: tf.round(tf.constant([True])),
    lambda: tf.logical_and(tf.constant([1.0]), tf.constant([0.0])),
    lambda: tf.logical_not(tf.constant([1])),
    lambda: tf.maximum(tf.constant([1j]), tf.constant([2j])),
    lambda: tf.clip_by_value(tf.constant([1 + 1j]), 0, 3),
], ids=["bool+", "bool-", "neg bool", "bool<", "floordiv bool", "mod bool", "abs uint8",
        "neg uint8", "sign uint8", "pow uint8", "floor int", "ceil int", "floor complex",
        "is_nan int", "is_finite int64", "is_inf bool", "round bool", "logical_and float",
        "logical_not int", "maximum complex", "clip complex"])
def test_dtypes_tensorflow_has_no_kernel_for(call):
    # TensorFlow 2.21: InvalidArgumentError "Value for attr 'T' of ... is not in the list"
    with pytest.raises(InvalidArgumentError):
        call()


def test_round_of_complex_numbers_is_not_found():
    # TensorFlow 2.21: NotFoundError (no Round kernel for complex128)
    with pytest.raises(NotFoundError, match="Round"):
        tf.round(tf.constant([1.5 + 2.5j]))


def test_round_and_rint_round_half_to_even():
    # TensorFlow 2.21
    out = tf.round(tf.constant([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999]))
    np.testing.assert_array_equal(out.numpy(), np.float32([0, 2, 2, -0., -2, 2]))
    out = tf.math.rint(tf.constant([0.5, 1.5, -2.5]))
    np.testing.assert_array_equal(out.numpy(), np.float32([0, 2, -2]))
    assert tf.round(tf.constant([1, 2], tf.int64)).dtype == tf.int64


# ---------------------------------------------------------------------------
# Elementwise math
# ---------------------------------------------------------------------------

def test_sign_of_complex_numbers_is_differentiable():
    # TensorFlow 2.21: sign(z) = z / |z| (0 at 0); gradient at 3+4j is 0.128-0.096j
    z = tf.constant([3 + 4j, 0j], tf.complex64)
    np.testing.assert_allclose(tf.sign(z).numpy(), [0.6 + 0.8j, 0j], atol=1e-7)
    _, (g,) = _grad(tf.sign, np.complex64([3 + 4j]))
    np.testing.assert_allclose(g.numpy(), [0.128 - 0.096j], rtol=1e-5)


def test_pow_exponent_gradient_where_the_power_is_infinite():
    # TensorFlow 2.21: d/dy of where(x > 0, x ** y, 0) at x=0, y=-1 is NaN
    # (x ** y * log(x) with log(x) taken as 0 there: inf * 0), at x=4, y=0.5 is 2 log 4
    _, (gx, gy) = _grad(lambda x, y: tf.where(x > 0, tf.pow(x, y), 0.0),
                        np.float32([0.0, 4.0]), np.float32([-1.0, 0.5]))
    np.testing.assert_allclose(gx.numpy(), [np.nan, 0.25])
    np.testing.assert_allclose(gy.numpy(), [np.nan, 2.7725887], rtol=1e-6)


def test_pow_exponent_gradient_of_a_negative_base():
    # TensorFlow 2.21: (-2) ** 2.5 is NaN and so is d/dy; (-2) ** 2 gives d/dy 0
    _, (_, gy) = _grad(tf.pow, np.float32([-2.0, -2.0]), np.float32([2.5, 2.0]))
    np.testing.assert_array_equal(gy.numpy(), np.float32([np.nan, 0.0]))


def test_second_derivative_of_x_to_the_first_is_a_tensor():
    # TensorFlow 2.21: the second derivative of x ** 1.0 at [0, 2] is [nan, 0] (not None)
    g, gg = _second(lambda x: x ** 1.0, np.float32([0.0, 2.0]))
    np.testing.assert_array_equal(g.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(gg.numpy(), np.float32([np.nan, 0.0]))


def test_clip_by_value_with_crossed_bounds_takes_the_minimum():
    # TensorFlow 2.21: maximum(minimum(t, max), min): with min 1 > max -1, all 1
    out = tf.clip_by_value(tf.constant([-2.0, 0.0, 5.0]), 1.0, -1.0)
    np.testing.assert_array_equal(out.numpy(), [1.0, 1.0, 1.0])


def test_clip_by_value_bounds_that_grow_the_shape_are_refused():
    # TensorFlow 2.21: ValueError "Shapes (2,) and (2, 2) are incompatible"
    with pytest.raises(ValueError, match="incompatible"):
        tf.clip_by_value(tf.constant([1.0, 2.0]), tf.constant([[0.0], [1.5]]), 3.0)
    out = tf.clip_by_value(tf.constant([[1.0, 2.0]]), tf.constant([0.0, 1.5]), 3.0)
    np.testing.assert_array_equal(out.numpy(), [[1.0, 2.0]])


def test_clip_by_value_gradients_at_and_outside_the_bounds():
    # TensorFlow 2.21: the gradient passes at the bounds; a tensor bound gets the rest
    _, (gx, glo, ghi) = _grad(lambda x, lo, hi: tf.clip_by_value(x, lo, hi),
                              np.float32([-2, -1, 0, 1, 2]), np.float32(-1), np.float32(1))
    np.testing.assert_array_equal(gx.numpy(), [0, 1, 1, 1, 0])
    assert glo.numpy() == 1.0 and ghi.numpy() == 1.0


@pytest.mark.parametrize("dtype, want", [(tf.int32, tf.float64), (tf.int64, tf.float64),
                                         (tf.int8, tf.float32), (tf.uint8, tf.float32)])
def test_divide_no_nan_of_integers_divides_in_floating_point(dtype, want):
    # TensorFlow 2.21: [1, 2] / [0, 2] -> [0., 1.] in float64 (float32 for 8-bit)
    out = tf.math.divide_no_nan(tf.constant([1, 2], dtype), tf.constant([0, 2], dtype))
    assert out.dtype == want
    np.testing.assert_array_equal(out.numpy(), [0.0, 1.0])


def test_cast_of_complex_numbers_to_real_dtypes_takes_the_real_part():
    # TensorFlow 2.21: [1+2j, 0j, 1j] -> bool [True, False, False]; -> int32 [1, 0, 0]
    z = tf.constant([1 + 2j, 0j, 1j])
    assert tf.cast(z, tf.bool).numpy().tolist() == [True, False, False]
    assert tf.cast(z, tf.int32).numpy().tolist() == [1, 0, 0]


def test_float_floordiv_is_the_floor_of_the_quotient():
    # TensorFlow 2.21: floor(x / y), so 1.0 // 0.1 is 10 (not 9) and -0.5 // inf is -0.
    x = tf.constant([1.0, 1.0, 0.3, -4.0, 4.0, -0.5])
    y = tf.constant([0.1, 0.2, 0.1, 2.0, -2.0, np.inf])
    out = (x // y).numpy()
    np.testing.assert_array_equal(out, np.float32([10, 5, 3, -2, -2, -0.0]))
    assert np.signbit(out[-1])
    out = tf.constant([1.0, 2.0], tf.float16) // tf.constant([0.1, 0.1], tf.float16)
    np.testing.assert_array_equal(out.numpy(), np.float16([10, 20]))


def test_add_n_does_not_broadcast():
    # TensorFlow 2.21: InvalidArgumentError (AddN inputs must have one shape)
    with pytest.raises(InvalidArgumentError):
        tf.add_n([tf.constant([1.0, 2.0]), tf.constant(1.0)])


def test_pow_gradients_of_complex_numbers():
    # TensorFlow 2.21: gradients of real(z ** w) at z = [1+1j, 0], w = [2, 2]
    z, w = np.complex64([1 + 1j, 0]), np.complex64([2, 2])
    _, (gz, gw) = _grad(lambda z, w: tf.math.real(tf.pow(z, w)), z, w)
    np.testing.assert_allclose(gz.numpy(), [2 - 2j, 0], rtol=1e-6)
    np.testing.assert_allclose(gw.numpy(), [-1.5707964 - 0.69314706j, 0], rtol=1e-6)


# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("values, want_max, want_min", [
    ([1.0, np.nan, 3.0], 2, 0), ([np.nan, 1.0, 3.0], 2, 1), ([np.nan, np.nan], 0, 0),
    ([np.nan, -np.inf], 0, 1), ([3.0, np.nan, 1.0, 5.0], 3, 2)])
def test_argmax_and_argmin_skip_nan(values, want_max, want_min):
    # TensorFlow 2.21's indices
    x = tf.constant(values)
    assert tf.argmax(x).numpy() == want_max and tf.argmin(x).numpy() == want_min


def test_argmax_skips_nan_along_an_axis():
    # TensorFlow 2.21
    out = tf.argmax(tf.constant([[1.0, np.nan, 3.0], [np.nan, 1.0, 0.0]]), axis=1)
    assert out.numpy().tolist() == [2, 1]


def test_argmax_dtypes():
    # TensorFlow 2.21: bools have a kernel, complex numbers and uint8 output_type do not
    assert tf.argmin(tf.constant([True, False])).numpy() == 1
    assert tf.argmax(tf.constant([1.0, 3.0]), output_type=tf.int16).dtype == tf.int16
    with pytest.raises(InvalidArgumentError):
        tf.argmax(tf.constant([1.0, 3.0]), output_type=tf.uint8)
    with pytest.raises(InvalidArgumentError):
        tf.argmax(tf.constant([1j, 2.0]))


@pytest.mark.parametrize("fn", [tf.reduce_max, tf.reduce_min], ids=lambda f: f.__name__)
def test_extrema_of_bools_and_complex_numbers_are_refused(fn):
    # TensorFlow 2.21: InvalidArgumentError (no Max/Min kernel for bool or complex)
    for x in (tf.constant([True, False]), tf.constant([1j, 2.0])):
        with pytest.raises(InvalidArgumentError):
            fn(x)


@pytest.mark.parametrize("fn", [tf.cumsum, tf.math.cumprod], ids=lambda f: f.__name__)
def test_scans_of_bools_are_refused(fn):
    # TensorFlow 2.21: no Cumsum/Cumprod kernel for bool (gradtape: TypeError, as reduce_sum)
    with pytest.raises(TypeError):
        fn(tf.constant([True, True]))


def test_reduce_euclidean_norm_and_its_derivatives():
    # TensorFlow 2.21: values, gradient x / norm (NaN at a zero norm) and second derivative
    x = np.float32([[3.0, 4.0], [0.0, 0.0]])
    y, (g,) = _grad(lambda x: tf.math.reduce_euclidean_norm(x, axis=1), x)
    np.testing.assert_allclose(y.numpy(), [5.0, 0.0])
    np.testing.assert_allclose(g.numpy(), [[0.6, 0.8], [np.nan, np.nan]], rtol=1e-6)
    _, gg = _second(lambda x: tf.math.reduce_euclidean_norm(x, axis=1), x)
    np.testing.assert_allclose(gg.numpy(), [[0.032, -0.024], [np.nan, np.nan]], rtol=1e-3)
    out = tf.math.reduce_euclidean_norm(tf.constant([[3.0, 4.0]]), axis=-1, keepdims=True)
    assert out.shape == (1, 1)


def test_reduce_euclidean_norm_of_integers_and_complex_numbers():
    # TensorFlow 2.21: int32 5 and 1 (sqrt 2 rounded down); complex128 5+0j, gradient z / |z|
    out = tf.math.reduce_euclidean_norm(tf.constant([3, 4]))
    assert out.dtype == tf.int32 and out.numpy() == 5
    assert tf.math.reduce_euclidean_norm(tf.constant([1, 1])).numpy() == 1
    out = tf.math.reduce_euclidean_norm(tf.constant([3j, 4.0]))
    assert out.dtype == tf.complex128 and out.numpy() == 5 + 0j
    _, (g,) = _grad(lambda z: tf.math.reduce_euclidean_norm(z), np.complex64([3j, 4.0]))
    np.testing.assert_allclose(g.numpy(), [0.6j, 0.8], atol=1e-7)


def test_variance_and_std_of_complex_numbers_are_real():
    # TensorFlow 2.21: 1.25 (float32 for complex64) with gradient [-0.5+1j, 0.5-1j]; std 1.118034
    z = np.complex64([1 + 1j, 2 - 1j])
    v, (g,) = _grad(tf.math.reduce_variance, z)
    assert v.dtype == tf.float32 and v.numpy() == 1.25
    np.testing.assert_allclose(g.numpy(), [-0.5 + 1j, 0.5 - 1j], rtol=1e-6)
    np.testing.assert_allclose(tf.math.reduce_std(tf.constant([1 + 1j, 2 - 1j])).numpy(),
                               1.11803399, rtol=1e-8)


def test_xlog1py_and_its_gradients():
    # TensorFlow 2.21: x * log1p(y), 0 where x is 0; gradients log1p(y) and x / (1 + y), 0 where x is 0
    x, y = np.float32([0.0, 1.0, 2.0, 0.0]), np.float32([-1.0, 0.0, 1.0, -2.0])
    out, (gx, gy) = _grad(tf.math.xlog1py, x, y)
    np.testing.assert_allclose(out.numpy(), [0.0, 0.0, 1.3862944, 0.0], rtol=1e-6)
    np.testing.assert_allclose(gx.numpy(), [0.0, 0.0, 0.6931472, 0.0], rtol=1e-6)
    np.testing.assert_array_equal(gy.numpy(), [0.0, 1.0, 1.0, 0.0])
    out = tf.math.xlog1py(tf.constant([0.0, 1.0]), tf.constant([-2.0, -2.0]))
    np.testing.assert_array_equal(out.numpy(), np.float32([0.0, np.nan]))


def test_multiply_no_nan_and_its_gradients():
    # TensorFlow 2.21: 0 where y is 0 even for x inf/nan; d/dx = y (0 there), d/dy = x
    out, (gx, gy) = _grad(tf.math.multiply_no_nan, np.float32([np.inf, np.nan, 2.0]),
                          np.float32([0.0, 0.0, 3.0]))
    np.testing.assert_array_equal(out.numpy(), [0.0, 0.0, 6.0])
    np.testing.assert_array_equal(gx.numpy(), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(gy.numpy(), np.float32([np.inf, np.nan, 2.0]))
    with pytest.raises(InvalidArgumentError):  # TensorFlow 2.21: no integer kernel
        tf.math.multiply_no_nan(tf.constant([1, 2]), tf.constant([0, 2]))


@pytest.mark.parametrize("fn", [tf.maximum, tf.minimum], ids=lambda f: f.__name__)
def test_maximum_and_minimum_send_a_nan_comparison_to_y(fn):
    # TensorFlow 2.21: x's mask is x >= y (x <= y); y gets the gradient wherever x does not
    _, (gx, gy) = _grad(fn, np.float32([np.nan, 1.0, 2.0]), np.float32([1.0, np.nan, 2.0]))
    np.testing.assert_array_equal(gx.numpy(), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(gy.numpy(), [1.0, 1.0, 0.0])


def test_tf_math_has_tensorflows_aliases_of_tf_nn_functions():
    # TensorFlow 2.21: tf.math.l2_normalize([3, 4]) = [0.6, 0.8], tf.math.softmax([0, 0]) = [0.5, 0.5]
    np.testing.assert_allclose(tf.math.l2_normalize(tf.constant([3.0, 4.0])).numpy(), [0.6, 0.8])
    np.testing.assert_allclose(tf.math.softmax(tf.constant([0.0, 0.0])).numpy(), [0.5, 0.5])
    assert tf.math.log_softmax is tf.nn.log_softmax and tf.math.softsign is tf.nn.softsign


def test_argmax_axis_must_be_a_single_int():
    # TensorFlow 2.21: TypeError "axis must be int or Tensor with integer datatype"
    with pytest.raises(TypeError):
        tf.argmax(tf.ones([2, 2]), axis=[1])
    assert tf.argmax(tf.constant([[1.0, 3.0], [4.0, 0.0]]), axis=tf.constant(1)).numpy().tolist() == [1, 0]


@pytest.mark.parametrize("fn", [tf.reduce_sum, tf.reduce_max, tf.reduce_mean])
@pytest.mark.parametrize("axis", [0, -1])
def test_reducing_a_scalar_along_an_axis_is_an_error(fn, axis):
    # TensorFlow 2.21: InvalidArgumentError "Invalid reduction dimension (0 for input with 0 dimension(s))"
    with pytest.raises(InvalidArgumentError):
        fn(tf.constant(2.0), axis=axis)
    assert fn(tf.constant(2.0), axis=[]).numpy() == 2.0 and fn(tf.constant(2.0)).numpy() == 2.0


def test_bitwise_or_logical_follows_the_tensor_operand():
    # TensorFlow 2.21: [1, 2] & True converts True to int32 1: bitwise, [1, 0]
    out = tf.constant([1, 2]) & True
    assert out.dtype == tf.int32 and out.numpy().tolist() == [1, 0]
    assert (True & tf.constant([True, False])).numpy().tolist() == [True, False]


def test_truncatediv_and_truncatemod():
    # TensorFlow 2.21: rounding toward zero; the remainder takes x's sign; no gradient
    out = tf.truncatediv(tf.constant([7, -7, 7, -7, 6, -6]), tf.constant([2, 2, -2, -2, 3, 3]))
    assert out.dtype == tf.int32 and out.numpy().tolist() == [3, -3, -3, 3, 2, -2]
    out = tf.truncatemod(tf.constant([7, -7, 7, -7]), tf.constant([2, 2, -2, -2]))
    assert out.numpy().tolist() == [1, -1, 1, -1]
    with np.errstate(divide="ignore"):
        out = tf.truncatediv(tf.constant([7.0, 7.0, -7.0]), tf.constant([0.0, 2.5, 2.0]))
    np.testing.assert_array_equal(out.numpy(), [np.inf, 2.0, -3.0])
    with pytest.raises(InvalidArgumentError):  # TensorFlow 2.21: an error (InternalError there)
        tf.truncatediv(tf.constant([7]), tf.constant([0]))
    y, (gx, gy) = _grad(tf.truncatediv, np.float32([7.0]), np.float32([2.0]))
    assert y.numpy() == 3.0 and gx is None and gy is None


def test_reciprocal_no_nan():
    # TensorFlow 2.21: [0.5, 0] with gradient [-0.25, 0]; integers refused
    y, (g,) = _grad(tf.math.reciprocal_no_nan, np.float32([2.0, 0.0]))
    np.testing.assert_array_equal(y.numpy(), [0.5, 0.0])
    np.testing.assert_array_equal(g.numpy(), [-0.25, 0.0])
    with pytest.raises(InvalidArgumentError):
        tf.math.reciprocal_no_nan(tf.constant([2]))
