"""A float where an op needs an integer (an axis, a dimension) raises, never truncates."""
import numpy as np
import pytest

import gradtape as tf

X = tf.constant([[1.0, 2.0], [3.0, 4.0]])

FLOAT_ARGUMENTS = {
    "concat": lambda: tf.concat([X, X], axis=0.5),
    "expand_dims": lambda: tf.expand_dims(X, axis=1.5),
    "gather": lambda: tf.gather(X, [0], axis=1.5),
    "gather batch_dims": lambda: tf.gather(X, [[0], [1]], batch_dims=0.5),
    "unstack": lambda: tf.unstack(X, axis=0.5),
    "one_hot": lambda: tf.one_hot([0], 3, axis=0.5),
    "one_hot depth": lambda: tf.one_hot([0], 2.5),
    "stack": lambda: tf.stack([X, X], axis=0.5),
    "split": lambda: tf.split(X, 2, axis=0.5),
    "boolean_mask": lambda: tf.boolean_mask(X, [True, False], axis=0.5),
    "linspace": lambda: tf.linspace(0.0, 1.0, 3, axis=0.5),
    "reshape": lambda: tf.reshape(X, [4.0]),
    "transpose": lambda: tf.transpose(X, [1.0, 0.0]),
    "broadcast_to": lambda: tf.broadcast_to(X, [2.5, 2]),
    "eye": lambda: tf.eye(2.0),
}


@pytest.mark.parametrize("call", FLOAT_ARGUMENTS.values(), ids=FLOAT_ARGUMENTS.keys())
def test_a_float_integer_argument_is_a_type_error(call):
    with pytest.raises(TypeError, match="must be an int"):
        call()


def test_a_bool_axis_is_a_type_error():
    with pytest.raises(TypeError, match="axis must be an int"):
        tf.concat([X, X], axis=True)


def test_integer_scalars_of_numpy_and_tensors_are_accepted():
    assert tf.concat([X, X], axis=np.int64(1)).shape == (2, 4)
    assert tf.expand_dims(X, tf.constant(0)).shape == (1, 2, 2)
    assert tf.reshape(X, tf.constant([4])).shape == (4,)
    assert tf.gather(X, [1], axis=np.int32(1)).shape == (2, 1)
