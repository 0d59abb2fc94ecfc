"""Helpers shared by the ported TensorFlow autodiff tests."""
import numpy as np

import gradtape as tf


def close(got, want, rtol=1e-6, atol=1e-6):
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=rtol, atol=atol)


def grad_of(f, argnums=0):
    """The function computing ``f``'s gradient with respect to argument
    ``argnums`` (zeros where unconnected), as TensorFlow's tests write it."""
    def gradient(*params):
        with tf.GradientTape() as tape:
            tape.watch(params)
            outputs = f(*params)
        return tape.gradient(outputs, params[argnums],
                             unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return gradient


def custom_variable_gradient(f, variable_gradient):
    """``f(x)`` (which reads one Variable) under ``custom_gradient``: the input's
    gradient is ``f``'s own, the Variable's is ``variable_gradient``."""
    @tf.custom_gradient
    def wrapped(x):
        with tf.GradientTape(persistent=True) as inner:
            inner.watch(x)
            out = f(x)

        def grad(out_grad, variables=None):
            assert len(variables) == 1
            grads = inner.gradient(out, [x, variables[0]], output_gradients=out_grad)
            return grads[0], [variable_gradient]

        return out, grad
    return wrapped
