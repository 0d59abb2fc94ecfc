"""The ``>>>`` examples of TensorFlow's ``tf.math`` docstrings that gradtape did
not run before (missing names), with TensorFlow 2.21's printed values, and the
edge cases around them (dtypes, errors, gradients) as TensorFlow 2.21 gives them."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients


# -- accumulate_n ---------------------------------------------------------------

def test_accumulate_n_docstring():
    # TensorFlow 2.21's values (tf.math.accumulate_n's docstring)
    a = tf.constant([[1, 2], [3, 4]])
    b = tf.constant([[5, 0], [0, 6]])
    np.testing.assert_array_equal(tf.math.accumulate_n([a, b, a]).numpy(), [[7, 4], [6, 14]])
    got = tf.math.accumulate_n([a, b, a], shape=[2, 2], tensor_dtype=tf.int32)
    assert got.dtype == tf.int32
    np.testing.assert_array_equal(got.numpy(), [[7, 4], [6, 14]])


def test_accumulate_n_checks_and_gradient():
    # TensorFlow 2.21's values and errors
    np.testing.assert_array_equal(tf.math.accumulate_n([[1.0, 2.0], [3.0, 4.0]]).numpy(),
                                  [4.0, 6.0])
    msg = "inputs must be a list of at least one Tensor with the same dtype and shape"
    with pytest.raises(ValueError, match=msg):
        tf.math.accumulate_n([])
    with pytest.raises(ValueError, match=msg):
        tf.math.accumulate_n([tf.constant([1.0, 2.0]), tf.constant([1, 2])])
    with pytest.raises(TypeError, match="The `tensor_dtype` argument is"):
        tf.math.accumulate_n([tf.constant([1.0, 2.0])], tensor_dtype=tf.float64)
    with pytest.raises(ValueError, match=r"Shapes \(3,\) and \(2,\) are not compatible"):
        tf.math.accumulate_n([tf.constant([1.0, 2.0])], shape=[3])
    with pytest.raises(ValueError, match=r"Shapes \(2,\) and \(3,\) are not compatible"):
        tf.math.accumulate_n([tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0, 3.0])])
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = tf.math.accumulate_n([x, 2.0 * x, x])
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [4.0, 4.0])  # TF 2.21: [4, 4]


# -- polyval --------------------------------------------------------------------

def test_polyval_docstring():
    # TensorFlow 2.21's values (tf.math.polyval's docstring)
    y = tf.math.polyval([1.0, 2.5, -4.2], 5.0)
    assert y.dtype == tf.float32 and y.numpy() == np.float32(33.29999923706055)
    got = tf.math.polyval([2, 1, 0], 3)
    assert got.dtype == tf.int32 and got.numpy() == 21
    x = tf.constant(3)
    thetas = [tf.Variable(2), tf.Variable(1), tf.Variable(0)]
    assert tf.math.polyval(thetas, x).numpy() == 21


def test_polyval_edges_errors_and_gradient():
    # TensorFlow 2.21's values and errors
    got = tf.math.polyval([], tf.constant([1.0, 2.0]))
    assert got.dtype == tf.float32
    np.testing.assert_array_equal(got.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(
        tf.math.polyval([tf.constant([1.0, 2.0]), 3.0], tf.constant([[1.0], [2.0]])).numpy(),
        [[4.0, 5.0], [5.0, 7.0]])
    with pytest.raises(ValueError, match="Argument coeffs must be list type"):
        tf.math.polyval(tf.constant([1.0, 2.0]), 2.0)
    with pytest.raises(tf.errors.InvalidArgumentError):  # an int32 coefficient, float32 x
        tf.math.polyval([tf.constant(1.0), 2], tf.constant([1.0, 2.0]))
    x, c = tf.Variable(2.0), tf.Variable([1.0, 3.0])
    with tf.GradientTape() as tape:
        y = tf.math.polyval([c, 2.0, 1.0], x)
    gx, gc = tape.gradient(y, [x, c])
    assert gx.numpy() == 20.0  # TF 2.21: 20.0
    np.testing.assert_array_equal(gc.numpy(), [4.0, 4.0])  # TF 2.21: [4, 4]
    check_gradients(lambda c0, t: tf.math.polyval([c0, 2.0 * c0, t], t),
                    [np.array([0.5, -1.5]), np.array([1.25, 0.75])], order=2)


# -- is_non_decreasing / is_strictly_increasing ---------------------------------

@pytest.mark.parametrize("fn,x,want", [
    # TensorFlow 2.21's values (the two docstrings, then edge cases)
    (tf.math.is_non_decreasing, [1.0, 1.0, 3.0], True),
    (tf.math.is_non_decreasing, [3.0, 1.0, 2.0], False),
    (tf.math.is_strictly_increasing, [1.0, 2.0, 3.0], True),
    (tf.math.is_strictly_increasing, [3.0, 1.0, 2.0], False),
    (tf.math.is_non_decreasing, 3.0, True),
    (tf.math.is_non_decreasing, np.zeros(0, np.float32), True),
    (tf.math.is_non_decreasing, [[1, 2], [0, 5]], False),
    (tf.math.is_non_decreasing, [1.0, float("nan"), 2.0], False),
    (tf.math.is_non_decreasing, [float("inf")] * 2, True),
    (tf.math.is_strictly_increasing, [1, 2, 2], False),
    (tf.math.is_strictly_increasing, [[1, 2], [3, 5]], True),
])
def test_monotonic_checks(fn, x, want):
    got = fn(x)
    assert got.dtype == tf.bool and got.shape == () and bool(got.numpy()) is want


def test_monotonic_checks_refuse_non_numbers():
    # TensorFlow 2.21's errors
    with pytest.raises(TypeError, match="Expected x to be numeric"):
        tf.math.is_non_decreasing([True, False])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.math.is_non_decreasing(tf.constant([1 + 1j, 2 + 0j]))


# -- bincount -------------------------------------------------------------------

VALUES = [1, 1, 2, 3, 2, 4, 4, 5]


def test_bincount_docstring():
    # TensorFlow 2.21's values (tf.math.bincount's docstring)
    got = tf.math.bincount(tf.constant(VALUES))
    assert got.dtype == tf.int32
    np.testing.assert_array_equal(got.numpy(), [0, 2, 2, 1, 2, 1])
    got = tf.math.bincount(tf.constant(VALUES), weights=tf.constant([1, 5, 0, 1, 0, 5, 4, 5]))
    assert got.dtype == tf.int32
    np.testing.assert_array_equal(got.numpy(), [0, 6, 0, 1, 9, 5])
    data = np.array([[1, 2, 3, 0], [0, 0, 1, 2]], dtype=np.int32)
    np.testing.assert_array_equal(tf.math.bincount(data, axis=-1).numpy(),
                                  [[1, 1, 1, 1], [2, 1, 1, 0]])
    np.testing.assert_array_equal(tf.math.bincount(data, axis=-1, binary_output=True).numpy(),
                                  [[1, 1, 1, 1], [1, 1, 1, 0]])


@pytest.mark.parametrize("kwargs,dtype,want", [
    # TensorFlow 2.21's values
    ({"minlength": 8}, "int32", [0, 2, 2, 1, 2, 1, 0, 0]),
    ({"maxlength": 3}, "int32", [0, 2, 2]),
    ({"minlength": 3, "maxlength": 2}, "int32", [0, 2]),
    ({"minlength": -1}, "int32", [0, 2, 2, 1, 2, 1]),
    ({"dtype": tf.float32}, "float32", [0.0, 2.0, 2.0, 1.0, 2.0, 1.0]),
    ({"dtype": tf.int64}, "int64", [0, 2, 2, 1, 2, 1]),
    ({"weights": [0.5] * 8}, "float32", [0.0, 1.0, 1.0, 0.5, 1.0, 0.5]),
    ({"weights": [0.5] * 8, "dtype": tf.int32}, "float32", [0.0, 1.0, 1.0, 0.5, 1.0, 0.5]),
    ({"binary_output": True}, "int32", [0, 1, 1, 1, 1, 1]),
])
def test_bincount_arguments(kwargs, dtype, want):
    got = tf.math.bincount(VALUES, **kwargs)
    assert got.dtype.name == dtype
    np.testing.assert_array_equal(got.numpy(), want)


@pytest.mark.parametrize("arr,kwargs,want", [
    # TensorFlow 2.21's values: other inputs are cast to int32; 2-D without axis is flattened
    ([1.0, 2.0], {}, [0, 1, 1]),
    ([True, False], {}, [1, 1]),
    (np.array([1, 2], np.int64), {}, [0, 1, 1]),
    ([[1, 2], [0, 0]], {}, [2, 1, 1]),
    (3, {}, [0, 0, 0, 1]),
    ([[1, 2], [0, 0]], {"axis": -1, "minlength": 5}, [[0, 1, 1, 0, 0], [2, 0, 0, 0, 0]]),
    ([[1, 2], [0, 0]], {"axis": -1, "maxlength": 2}, [[0, 1], [2, 0]]),
    ([[1, 2], [0, 0]], {"axis": -1, "weights": [[1.0, 2.0], [3.0, 4.0]]},
     [[0.0, 1.0, 2.0], [7.0, 0.0, 0.0]]),
])
def test_bincount_inputs(arr, kwargs, want):
    np.testing.assert_array_equal(tf.math.bincount(arr, **kwargs).numpy(), want)


def test_bincount_errors_and_no_gradient():
    # TensorFlow 2.21's errors
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input arr must be non-negative"):
        tf.math.bincount([1, -1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be the same shape as `arr`"):
        tf.math.bincount(VALUES, weights=[0.5] * 7)
    with pytest.raises(tf.errors.InvalidArgumentError, match="at most rank 2 but is rank 3"):
        tf.math.bincount([[[1, 2], [0, 0]]], axis=-1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="'Tidx' of uint8"):
        tf.math.bincount(tf.constant([1, 2], tf.uint8))
    with pytest.raises(ValueError, match="Only 0 and -1 are currently supported"):
        tf.math.bincount([[1, 2], [0, 0]], axis=1)
    with pytest.raises(ValueError, match="mutually exclusive"):
        tf.math.bincount(VALUES, weights=[0.5] * 8, binary_output=True)
    w = tf.Variable([0.5] * 8)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.math.bincount(VALUES, weights=w))
    with pytest.raises(LookupError, match="no entry for: DenseBincount"):
        tape.gradient(y, w)


# -- erfinv, erfcinv, ndtri -----------------------------------------------------

def test_erfcinv_docstring():
    # TensorFlow 2.21's values (tf.math.erfcinv's docstring; -0.4769363 at 1.5 is
    # TensorFlow's float32 ndtri, a unit in the last place from the correctly rounded one)
    got = tf.math.erfcinv([0.0, 0.2, 1.0, 1.5, 2.0])
    assert got.dtype == tf.float32
    np.testing.assert_allclose(got.numpy(), [np.inf, 0.9061938, -0.0, -0.4769363, -np.inf],
                               rtol=2e-7)
    assert np.signbit(got.numpy()[2])  # -0.0, as TensorFlow's -ndtri(0.5) * sqrt(0.5)


X = [-1.0, -0.5, 0.0, 0.1, 0.5, 0.999, 1.0, 1.5, 2.0, np.nan]


@pytest.mark.parametrize("fn,want", [
    # TensorFlow 2.21's values
    (tf.math.ndtri, [np.nan, np.nan, -np.inf, -1.2815516, 0.0, 3.0902362, np.inf, np.nan,
                     np.nan, np.nan]),
    (tf.math.erfinv, [-np.inf, -0.4769363, 0.0, 0.088856004, 0.4769363, 2.3267682, np.inf,
                      np.nan, np.nan, np.nan]),
    (tf.math.erfcinv, [np.nan, np.nan, np.inf, 1.1630871, 0.4769363, 0.00088621565, -0.0,
                       -0.4769363, -np.inf, np.nan]),
])
def test_inverse_normal_values(fn, want):
    got = fn(X)
    assert got.dtype == tf.float32
    np.testing.assert_allclose(got.numpy(), want, rtol=3e-7)


@pytest.mark.parametrize("fn,want", [
    # TensorFlow 2.21's values
    (tf.math.ndtri, [-37.0470962993612, -0.5244005127080409, 0.5244005127080407,
                     8.209536151601387, np.nan]),
    (tf.math.erfinv, [0.0, 0.27246271472675443, 0.7328690779592171, np.inf, np.nan]),
    (tf.math.erfcinv, [26.209469960516124, 0.7328690779592171, 0.27246271472675443,
                       9.839095376804143e-17, -2.75106390571208]),
])
def test_inverse_normal_float64(fn, want):
    got = fn(tf.constant([1e-300, 0.3, 0.7, 1 - 1e-16, 1.9999], tf.float64))
    assert got.dtype == tf.float64
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-14)


@pytest.mark.parametrize("fn,want", [
    # TensorFlow 2.21's gradients at [0.3, 0.7, 0.0]
    (tf.math.erfinv, [0.9545203, 1.5163633, 0.88622695]),
    (tf.math.erfcinv, [-1.5163633, -0.9545203, -np.inf]),
    (tf.math.ndtri, [2.8761036, 2.8761036, np.inf]),
])
def test_inverse_normal_gradients(fn, want):
    x = tf.Variable([0.3, 0.7, 0.0])
    with tf.GradientTape() as tape:
        y = fn(x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), want, rtol=1e-6)


@pytest.mark.parametrize("fn", [tf.math.erfinv, tf.math.erfcinv, tf.math.ndtri])
def test_inverse_normal_dtypes(fn):
    # TensorFlow 2.21: no float16 CPU kernel (NotFoundError); integers refused
    with pytest.raises(tf.errors.NotFoundError, match="DT_HALF"):
        fn(tf.constant([0.3], tf.float16))
    with pytest.raises((tf.errors.InvalidArgumentError, TypeError)):
        fn(tf.constant([0, 1]))
