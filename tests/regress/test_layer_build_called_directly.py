"""A layer built by calling ``build()`` keeps its weights on its first call.

Before, ``built`` stayed False, so the first call built the layer again: new
weights replaced the ones a program had assigned (or was differentiating with
respect to), silently.  Values are TensorFlow 2.21's (Keras 3.15) unless noted.
"""
import numpy as np

import gradtape as tf


def test_dense_built_by_hand_keeps_the_assigned_kernel():
    dense = tf.keras.layers.Dense(1)
    dense.build([None, 2])
    kernel = dense.kernel
    assert dense.built  # TF: True
    dense.kernel.assign([[1.0], [2.0]])
    np.testing.assert_array_equal(dense(tf.constant([[1.0, 1.0]])).numpy(), [[3.0]])  # TF: [[3.]]
    assert dense.kernel is kernel


def test_a_custom_layer_built_by_hand_keeps_its_weight():
    class Scale(tf.keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight((input_shape[-1],), initializer="ones", name="w")

        def call(self, x):
            return x * self.w

    layer = Scale()
    layer.build((None, 3))
    layer.w.assign([1.0, 2.0, 3.0])
    assert layer.built  # TF: True, [[1. 2. 3.]]
    np.testing.assert_array_equal(layer(tf.ones((1, 3))).numpy(), [[1.0, 2.0, 3.0]])


def test_forward_mode_through_a_layer_built_by_hand():
    # TensorFlow's ForwardAccumulator docstring example; the kernel is set so the
    # value can be worked out by hand: out = x @ k = [[8], [9]], d out = x @ [[1], [0]]
    # = [[2], [1]], d loss = 2 * 7 * 2 + 2 * 10 * 1 = 48
    x = tf.constant([[2.0, 3.0], [1.0, 4.0]])
    targets = tf.constant([[1.0], [-1.0]])
    dense = tf.keras.layers.Dense(1)
    dense.build([None, 2])
    dense.kernel.assign([[1.0], [2.0]])
    with tf.autodiff.ForwardAccumulator(primals=dense.kernel,
                                        tangents=tf.constant([[1.0], [0.0]])) as acc:
        loss = tf.reduce_sum((dense(x) - targets) ** 2.0)
    assert acc.jvp(loss).numpy() == 48.0
