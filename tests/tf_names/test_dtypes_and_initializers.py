"""tf.dtypes and TensorFlow's own initializers (tf.random_normal_initializer and
friends), as TensorFlow 2.21 has them."""
import numpy as np
import pytest

import gradtape as tf


def test_dtypes_namespace():
    assert tf.dtypes.float32 is tf.float32 and tf.dtypes.double is tf.float64
    assert tf.dtypes.half is tf.float16 and tf.dtypes.DType is tf.DType
    assert tf.dtypes.as_dtype("float64") is tf.float64
    np.testing.assert_array_equal(tf.dtypes.cast([1.7], tf.int32).numpy(), [1])


def test_saturate_cast():
    got = tf.dtypes.saturate_cast(tf.constant([300.0, -5.0, 1e10]), tf.int32)
    np.testing.assert_array_equal(got.numpy(), [300, -5, 2147483520])   # TensorFlow's numbers
    np.testing.assert_array_equal(
        tf.dtypes.saturate_cast(tf.constant([300.0, -5.0]), tf.uint8).numpy(), [255, 0])
    np.testing.assert_array_equal(
        tf.dtypes.saturate_cast(tf.constant([300, -5]), tf.uint8).numpy(), [255, 0])
    np.testing.assert_array_equal(
        tf.dtypes.saturate_cast(tf.constant([3, -5]), tf.float32).numpy(), [3.0, -5.0])
    big = tf.dtypes.saturate_cast(tf.constant(np.array([1e40])), tf.float32)
    np.testing.assert_array_equal(big.numpy(), [np.finfo(np.float32).max])
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.dtypes.saturate_cast(v * 3.0, tf.float64)
    assert tape.gradient(y, v).numpy() == 3.0


def test_initializer_configs_are_tensorflows():
    assert tf.random_normal_initializer(seed=3).get_config() == \
        {"mean": 0.0, "stddev": 0.05, "seed": 3}
    assert tf.random_uniform_initializer().get_config() == \
        {"minval": -0.05, "maxval": 0.05, "seed": None}
    assert tf.constant_initializer(2.0).get_config() == {"value": 2.0}


def test_initializer_values():
    np.testing.assert_array_equal(tf.constant_initializer(2.0)((2,)).numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(tf.constant_initializer([1.0, 2.0, 3.0, 4.0])((2, 2)).numpy(),
                                  [[1.0, 2.0], [3.0, 4.0]])
    zeros = tf.zeros_initializer()((2,), dtype=tf.int32)
    assert zeros.dtype == tf.int32 and zeros.numpy().tolist() == [0, 0]
    ones = tf.ones_initializer()((2,), tf.float64)
    assert ones.dtype == tf.float64 and ones.numpy().tolist() == [1.0, 1.0]
    init = tf.random_normal_initializer(seed=3)
    assert init((2, 2)).shape == (2, 2)
    assert init((2,), dtype=tf.float64).dtype == tf.float64
    np.testing.assert_array_equal(init((5,)).numpy(), init((5,)).numpy())   # seeded
    x = tf.random_uniform_initializer(-1.0, 1.0)((1000,)).numpy()
    assert (abs(x) <= 1.0).all() and x.std() > 0.3
    v = tf.Variable(tf.zeros_initializer()(shape=(2,)))
    assert v.numpy().tolist() == [0.0, 0.0]


def test_initializer_errors():
    with pytest.raises(ValueError, match="Argument `dtype` is expected to be floating point"):
        tf.random_normal_initializer()((2,), dtype=tf.int32)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'shape'"):
        tf.random_normal_initializer()()
    with pytest.raises(TypeError):
        tf.constant_initializer([1.0, 2.0, 3.0])((2, 2))
