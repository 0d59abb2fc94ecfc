"""Conversions and printouts as TensorFlow 2.21 gives them: a scalar's repr shows its
Python value, an object with ``__array__`` (a pandas DataFrame) keeps its NumPy
dtype, and a recorder that fails to enter leaves the engine usable."""
import numpy as np
import pytest

import gradtape as tf
from gradtape._core import trace


class _Frame:
    """A stand-in for a pandas DataFrame: converted through ``__array__`` only."""

    def __init__(self, array):
        self.array = array

    def __array__(self, dtype=None, copy=None):
        return self.array if dtype is None else self.array.astype(dtype)


def test_scalar_reprs_show_the_python_value():
    # TensorFlow 2.21's reprs, typed from its output (there "tf.Tensor")
    assert repr(tf.constant(27.3)) == \
        "<tf.Tensor: shape=(), dtype=float32, numpy=27.299999237060547>"
    assert repr(tf.constant(1 + 2j)).endswith("dtype=complex128, numpy=(1+2j)>")
    assert repr(tf.constant(np.int8(3))).endswith("dtype=int8, numpy=3>")
    assert repr(tf.constant(True)).endswith("dtype=bool, numpy=True>")
    assert repr(tf.constant(0.1, tf.float64)).endswith("numpy=0.1>")
    assert repr(tf.constant(1e20)).endswith("numpy=1.0000000200408773e+20>")
    assert repr(tf.constant(float("-inf"))).endswith("numpy=-inf>")
    assert repr(tf.Variable(27.3)).endswith("shape=() dtype=float32, numpy=27.299999237060547>")
    # str keeps NumPy's short form: tf.Tensor(27.3, shape=(), dtype=float32)
    assert str(tf.constant(27.3)) == "tf.Tensor(27.3, shape=(), dtype=float32)"
    # arrays keep NumPy's repr
    assert repr(tf.constant([27.3])).endswith("numpy=array([27.3], dtype=float32)>")


@pytest.mark.parametrize("convert", [tf.constant, tf.convert_to_tensor])
def test_an_object_with_array_keeps_its_numpy_dtype(convert):
    # TensorFlow 2.21: float64 and int64, as NumPy gives them; a dtype casts
    assert convert(_Frame(np.array([[1.5, 2.0]]))).dtype == tf.float64
    assert convert(_Frame(np.array([1, 2]))).dtype == tf.int64
    cast = convert(_Frame(np.array([1, 2])), dtype=tf.float32)
    assert cast.dtype == tf.float32 and cast.numpy().tolist() == [1.0, 2.0]


def test_a_recorder_that_fails_to_enter_leaves_the_lock_free():
    class Broken:  # no ``traces_ops``: pushing it fails
        pass
    with pytest.raises(AttributeError):
        trace.push(Broken())
    with tf.GradientTape() as tape:  # hung here while the lock stayed held
        x = tf.constant(2.0)
        tape.watch(x)
        y = x * x
    assert tape.gradient(y, x).numpy() == 4.0


@pytest.mark.parametrize("value,dtype,shape", [([], tf.int32, (0,)), ([], tf.bool, (0,)),
                                               ([[], []], tf.int64, (2, 0))])
def test_an_empty_list_takes_any_dtype(value, dtype, shape):
    # TensorFlow 2.21: tf.constant([], tf.int32) is an empty int32 tensor
    t = tf.constant(value, dtype)
    assert t.dtype == dtype and tuple(t.shape) == shape
    assert repr(tf.constant([], tf.int32)) == (
        "<tf.Tensor: shape=(0,), dtype=int32, numpy=array([], dtype=int32)>")
