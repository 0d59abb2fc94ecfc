"""Helpers shared by the tests of TensorFlow's names."""
import numpy as np

import gradtape as tf


def value_and_grads(f, x, w):
    """``f()``'s value and its gradients with respect to the Variables ``x`` and ``w``."""
    with tf.GradientTape() as tape:
        y = f()
    gx, gw = tape.gradient(y, [x, w])
    return (y.numpy(), None if gx is None else gx.numpy(), None if gw is None else gw.numpy())


def assert_tf(got, want, rtol=1e-5, atol=1e-6):
    """``got`` (value, grad x, grad w) equals TensorFlow's numbers ``want``."""
    for g, t in zip(got, want):
        if t is None:
            assert g is None
        else:
            np.testing.assert_allclose(g, np.asarray(t, np.float32), rtol=rtol, atol=atol)
