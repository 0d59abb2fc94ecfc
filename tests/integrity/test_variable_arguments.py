"""Variable(constraint=...) is applied by optimizers; unknown keywords are refused."""
import numpy as np
import pytest

import gradtape as tf


def non_negative(v):
    return tf.maximum(v, 0.0)


def test_an_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="traniable"):
        tf.Variable(1.0, traniable=False)


def test_tensorflow_keywords_are_accepted():
    v = tf.Variable(1.0, validate_shape=True, caching_device=None, synchronization=None,
                    aggregation=None, import_scope=None, shape=None)
    assert v.trainable


def test_a_constraint_that_is_not_callable_is_a_value_error():
    with pytest.raises(ValueError, match="constraint"):
        tf.Variable(1.0, constraint=3)


def test_assign_does_not_apply_the_constraint():
    v = tf.Variable([1.0, -2.0], constraint=non_negative)
    v.assign([-1.0, 3.0])            # TensorFlow: [-1., 3.]
    np.testing.assert_array_equal(v.numpy(), [-1.0, 3.0])
    assert v.constraint is non_negative


def test_the_optimizer_applies_the_constraint_after_the_update():
    v = tf.Variable([1.0, -2.0], constraint=non_negative)
    tf.optimizers.SGD(1.0).apply_gradients([(tf.constant([1.0, 1.0]), v)])
    np.testing.assert_array_equal(v.numpy(), [0.0, 0.0])  # TensorFlow/Keras: [0., 0.]


def test_the_compiled_update_applies_the_constraint_on_every_call():
    v = tf.Variable([1.0, 1.0], constraint=non_negative)
    opt = tf.optimizers.SGD(0.75)
    step = tf.function(lambda g: opt.apply([g], [v]))
    for _ in range(2):
        step(tf.constant([1.0, -1.0]))
    np.testing.assert_array_equal(v.numpy(), [0.0, 2.5])  # 1 - .75 -> .25 -> 0 (clipped)


def test_a_layer_weight_takes_a_constraint():
    layer = tf.layers.Layer(name="clipped")
    w = layer.add_weight((2,), initializer="ones", constraint=non_negative)
    assert w.constraint is non_negative


def test_a_copy_keeps_the_constraint():
    import copy
    v = tf.Variable(1.0, constraint=non_negative)
    assert copy.deepcopy(v).constraint is non_negative
