"""Bug: floating-point ops took int and bool tensors and NumPy decided the result.

``sigmoid``/``erf``/``softplus`` of an int32 tensor returned wrong int32 values
(sigmoid(1) == 0), ``sin``/``exp``/``sqrt`` of ints upcast to float64,
``square``/``pow`` of bools gave int8.  TensorFlow has no such kernels: these
now raise TensorFlow's InvalidArgumentError naming the op and the dtype.
"""
import numpy as np
import pytest

import gradtape as tf

FLOAT_ONLY = [tf.sigmoid, tf.math.erf, tf.math.softplus, tf.sin, tf.exp, tf.sqrt, tf.tanh,
              tf.math.log, tf.math.reciprocal, tf.math.rsqrt]


@pytest.mark.parametrize("fn", FLOAT_ONLY, ids=lambda f: f.__name__)
@pytest.mark.parametrize("value", [[1, 2, 3], [True, False]], ids=["int32", "bool"])
def test_float_only_unary_ops_reject_int_and_bool(fn, value):
    x = tf.constant(value)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=rf"Value for attr 'T' of {x.dtype.name} is not in the list of "
                             rf"allowed values.*\[Op:{fn.__name__}\]"):
        fn(x)


@pytest.mark.parametrize("fn", [tf.square, tf.abs, tf.pow, tf.multiply, tf.maximum, tf.math.mod],
                         ids=lambda f: f.__name__)
def test_numeric_ops_keep_int_but_reject_bool(fn):
    i = tf.constant([2, 3])
    args = (i,) if fn in (tf.square, tf.abs) else (i, i)
    assert fn(*args).dtype == tf.int32
    b = tf.constant([True, False])
    with pytest.raises(tf.errors.InvalidArgumentError, match="of bool is not in the list"):
        fn(*((b,) if len(args) == 1 else (b, b)))


def test_atan2_rejects_int():
    with pytest.raises(tf.errors.InvalidArgumentError, match="atan2"):
        tf.atan2(tf.constant([1]), tf.constant([2]))


def test_integer_division_still_gives_float64_as_in_tensorflow():
    out = tf.divide(tf.constant([1, 2]), tf.constant([2, 2]))
    assert out.dtype == tf.float64
    np.testing.assert_array_equal(out.numpy(), [0.5, 1.0])
