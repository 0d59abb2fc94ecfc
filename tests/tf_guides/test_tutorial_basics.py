"""TensorFlow's tutorial "Customization basics: tensors and operations"
(customization/basics), run with ``import gradtape as tf``. Expected values and
printouts are TensorFlow 2.21's, typed from its output."""
import numpy as np
import pytest

import gradtape as tf


def test_ops_on_python_values():
    # TensorFlow 2.21's printouts
    assert str(tf.add(1, 2)) == "tf.Tensor(3, shape=(), dtype=int32)"
    assert str(tf.add([1, 2], [3, 4])) == "tf.Tensor([4 6], shape=(2,), dtype=int32)"
    assert str(tf.square(5)) == "tf.Tensor(25, shape=(), dtype=int32)"
    assert str(tf.reduce_sum([1, 2, 3])) == "tf.Tensor(6, shape=(), dtype=int32)"
    assert str(tf.square(2) + tf.square(3)) == "tf.Tensor(13, shape=(), dtype=int32)"
    x = tf.matmul([[1]], [[2, 3]])
    assert str(x) == "tf.Tensor([[2 3]], shape=(1, 2), dtype=int32)"
    assert str(x.shape) == "(1, 2)" and str(x.dtype) == "<dtype: 'int32'>"


def test_numpy_compatibility():
    tensor = tf.multiply(np.ones([3, 3]), 42)
    # TensorFlow 2.21: float64 (the NumPy array's dtype)
    assert str(tensor) == ("tf.Tensor(\n[[42. 42. 42.]\n [42. 42. 42.]\n [42. 42. 42.]], "
                           "shape=(3, 3), dtype=float64)")
    assert np.add(tensor, 1).tolist() == [[43.0] * 3] * 3
    assert tensor.numpy().dtype == np.float64


def test_devices():
    x = tf.random.uniform([3, 3])
    # TensorFlow 2.21 on a CPU-only machine
    assert tf.config.experimental.list_physical_devices("GPU") == []
    assert x.device == "/job:localhost/replica:0/task:0/device:CPU:0"
    assert not x.device.endswith("GPU:0")
    with tf.device("CPU:0"):
        x = tf.random.uniform([10, 10])
        assert x.device.endswith("CPU:0")
        assert tf.matmul(x, x).shape == (10, 10)


def test_datasets():
    # the tutorial's pipeline, its shuffle given a seed so that the order can be compared
    ds_tensors = tf.data.Dataset.from_tensor_slices([1, 2, 3, 4, 5, 6])
    ds_tensors = ds_tensors.map(tf.square).shuffle(2, seed=1).batch(2)
    # TensorFlow 2.21's printouts: each pass shuffles anew
    assert [str(x) for x in ds_tensors] == [
        "tf.Tensor([1 9], shape=(2,), dtype=int32)", "tf.Tensor([16 25], shape=(2,), dtype=int32)",
        "tf.Tensor([36  4], shape=(2,), dtype=int32)"]
    assert [str(x) for x in ds_tensors] == [
        "tf.Tensor([1 4], shape=(2,), dtype=int32)", "tf.Tensor([16 25], shape=(2,), dtype=int32)",
        "tf.Tensor([ 9 36], shape=(2,), dtype=int32)"]
