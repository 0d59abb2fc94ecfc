"""Integer arithmetic as TensorFlow's: ``reduce_mean`` truncates toward zero,
floordiv/floormod by zero raise, a Python float never converts to an integer
tensor (``int_tensor * 2.0`` is a TypeError), and ``band_part`` checks its
band against the matrix size."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.errors import InvalidArgumentError


def test_integer_mean_truncates_toward_zero():
    # TensorFlow 2.21: -2, [-2, 2], -1 (int8), 170 (uint8: no overflow in the sum)
    assert tf.reduce_mean(tf.constant([-3, -4, 0])).numpy() == -2
    assert tf.reduce_mean(tf.constant([[-7, 2], [5, 0]]), axis=1).numpy().tolist() == [-2, 2]
    m8 = tf.reduce_mean(tf.constant([-1, -2], tf.int8))
    assert m8.dtype == tf.int8 and m8.numpy() == -1
    assert tf.reduce_mean(tf.constant([255, 255, 1], tf.uint8)).numpy() == 170


@pytest.mark.parametrize("compute, op", [
    (lambda: tf.constant([3, 4]) // tf.constant([0, 1]), "FloorDiv"),
    (lambda: tf.math.floordiv(tf.constant(3), 0), "FloorDiv"),
    (lambda: tf.constant([3, 4]) % tf.constant([1, 0]), "FloorMod"),
    (lambda: tf.math.floormod(tf.constant([3], tf.int64), tf.constant([0], tf.int64)), "FloorMod"),
])
def test_integer_division_by_zero_raises(compute, op):
    with pytest.raises(InvalidArgumentError, match=rf"Integer division by zero \[Op:{op}\]"):
        compute()


def test_float_division_by_zero_is_still_inf():
    with np.errstate(divide="ignore"):
        assert tf.constant(3.0) // 0.0 == np.inf


@pytest.mark.parametrize("compute, text", [
    (lambda: tf.constant([1, 2]) * 2.0, "2.0"),
    (lambda: 2.0 * tf.constant([1, 2]), "2.0"),
    (lambda: tf.constant([1, 2], tf.int64) * 2.0, "2.0"),
    (lambda: tf.constant([1, 2]) - [2.0, 1.0], r"\[2\.0, 1\.0\]"),
    (lambda: tf.constant([1, 2]) == 2.0, "2.0"),
    (lambda: tf.constant(2.0, tf.int32), "2.0"),
    (lambda: tf.convert_to_tensor(2.0, tf.int32), "2.0"),
])
def test_python_float_never_converts_to_an_integer_dtype(compute, text):
    # TensorFlow 2.21: TypeError "Cannot convert 2.0 to EagerTensor of dtype int32"
    with pytest.raises(TypeError, match=rf"Cannot convert {text} to EagerTensor of dtype int"):
        compute()


def test_adding_a_float_to_an_integer_tensor_is_tensorflows_invalid_argument():
    with pytest.raises(InvalidArgumentError, match=r"cannot compute AddV2 as input "
                       r"#1\(zero-based\) was expected to be a int32 tensor but is a float"):
        tf.constant([1, 2]) + 0.5


def test_integral_numpy_values_and_python_ints_still_convert():
    assert (tf.constant([1, 2]) * np.float32(2.0)).numpy().tolist() == [2, 4]
    assert (tf.constant([1, 2]) * 2).numpy().tolist() == [2, 4]
    assert (tf.constant([1.0, 2.0]) * 2).numpy().tolist() == [2.0, 4.0]


@pytest.mark.parametrize("lower, upper, message", [
    (5, 0, r"num_lower must be negative or less or equal to number of rows \(3\) got: 5"),
    (0, 5, r"num_upper must be negative or less or equal to number of columns \(3\) got: 5"),
])
def test_band_part_out_of_range_raises(lower, upper, message):
    with pytest.raises(InvalidArgumentError, match=message):
        tf.linalg.band_part(tf.ones((3, 3)), lower, upper)


def test_band_part_at_the_edges_and_with_infinities():
    # TensorFlow 2.21: (3, 3) on a 3x3 keeps everything; (0, 4) on 2x4 the upper triangle
    assert tf.linalg.band_part(tf.ones((3, 3)), 3, 3).numpy().tolist() == [[1.0] * 3] * 3
    assert tf.linalg.band_part(tf.ones((2, 4)), 0, 4).numpy().tolist() == [
        [1.0, 1.0, 1.0, 1.0], [0.0, 1.0, 1.0, 1.0]]
    # an infinity outside the band is zeroed, not turned into NaN
    got = tf.linalg.band_part(tf.constant([[1.0, np.inf], [2.0, 3.0]]), 0, 0)
    assert got.numpy().tolist() == [[1.0, 0.0], [0.0, 3.0]]
