"""``tf.keras.utils.to_categorical`` and ``set_random_seed`` against Keras 3.15 (TF 2.21)."""
import numpy as np
import pytest

import gradtape as tf


def test_to_categorical_as_keras():
    u = tf.keras.utils
    # Keras: float64 ndarrays for lists and arrays, classes max + 1 by default
    got = u.to_categorical([0, 2, 1])
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    np.testing.assert_array_equal(u.to_categorical([[1], [0]], num_classes=3),
                                  [[0, 1, 0], [1, 0, 0]])
    np.testing.assert_array_equal(u.to_categorical(np.array([[0, 1], [2, 0]])),
                                  [[[1, 0, 0], [0, 1, 0]], [[0, 0, 1], [1, 0, 0]]])
    np.testing.assert_array_equal(u.to_categorical([-1, 1]), [[0, 1], [0, 1]])
    with pytest.raises(IndexError):
        u.to_categorical([0, 5], num_classes=3)
    # a tensor gives a float32 tensor
    t = u.to_categorical(tf.constant([0, 1]), num_classes=2)
    assert t.dtype == tf.float32
    np.testing.assert_array_equal(t.numpy(), [[1, 0], [0, 1]])


def test_set_random_seed_seeds_numpy_and_gradtape():
    u = tf.keras.utils
    try:
        u.set_random_seed(3)
        a, b = np.random.rand(), tf.random.uniform([2]).numpy()
        u.set_random_seed(3)
        assert a == np.random.rand()
        np.testing.assert_array_equal(b, tf.random.uniform([2]).numpy())
    finally:
        tf.random.set_seed(None)
    with pytest.raises(ValueError):
        u.set_random_seed(1.5)
