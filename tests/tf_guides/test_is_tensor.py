"""tf.is_tensor: the MLP guide plots tensors on axes that seaborn left categorical,
where Matplotlib converts a value only if the ``tensorflow`` module's
``is_tensor`` says it is a tensor.  Expected answers are TensorFlow 2.21's."""
import sys

import numpy as np
import pytest

import gradtape as tf


@pytest.mark.parametrize("value", [tf.constant(1.0), tf.constant([1, 2]), tf.Variable(1.0),
                                   tf.Variable(1.0) + 1])
def test_tensors_and_variables_are_tensors(value):
    assert tf.is_tensor(value) is True


@pytest.mark.parametrize("value", [np.array(1.0), 1.0, [1.0], None, "a", tf.TensorShape([2])])
def test_what_would_only_convert_to_a_tensor_is_not(value):
    assert tf.is_tensor(value) is False


def test_a_traced_argument_is_a_tensor():
    assert bool(tf.function(lambda x: tf.constant(tf.is_tensor(x)))(tf.constant(1.0)))


def _plotting_library_unpacks(x):
    # Matplotlib's rule for array-likes it does not know: ask the module
    # imported as ``tensorflow``, and convert with np.asarray if it says yes
    is_tensor = sys.modules["tensorflow"].is_tensor
    return np.asarray(x) if is_tensor(x) else x


def test_code_that_asks_the_tensorflow_module_finds_gradtape_tensors(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", tf)
    x = tf.cast(tf.linspace(-2, 2, 5), tf.float32)
    unpacked = _plotting_library_unpacks(tf.nn.relu(x))
    assert isinstance(unpacked, np.ndarray)
    np.testing.assert_array_equal(unpacked, [0.0, 0.0, 0.0, 1.0, 2.0])
