"""Bug: misusing ``custom_gradient`` gave silent wrong answers or confusing errors.

* A decorated function returning only its output (no ``grad_fn``) returned
  the output's first element outside a tape (``f(x)[0]`` on the tensor) and
  failed with "'Tensor' object is not callable" inside one.
* A ``grad_fn`` returning a gradient of the wrong shape surfaced as a
  ``reshape`` error from the engine's broadcasting code.
Both now raise errors naming the function and what was expected.
"""
import numpy as np
import pytest

import gradtape as tf


@tf.custom_gradient
def forgot_grad_fn(x):
    return x * 2.0


@tf.custom_gradient
def wrong_shape(x):
    def grad(upstream):
        return tf.ones(3)
    return x * 2.0, grad


@tf.custom_gradient
def right(x):
    def grad(upstream):
        return upstream * 5.0
    return x * 2.0, grad


X = tf.constant([1.0, 2.0])


def test_missing_grad_fn_outside_a_tape():
    with pytest.raises(TypeError, match=r"forgot_grad_fn must return a pair \(outputs, grad_fn\), got Tensor"):
        forgot_grad_fn(X)


def test_missing_grad_fn_inside_a_tape():
    with tf.GradientTape() as tape:
        tape.watch(X)
        with pytest.raises(TypeError, match="forgot_grad_fn must return a pair"):
            forgot_grad_fn(X)


def test_wrong_gradient_shape_is_named():
    with tf.GradientTape() as tape:
        tape.watch(X)
        y = wrong_shape(X)
    with pytest.raises(ValueError, match=r"grad_fn of wrong_shape returned a gradient of shape "
                                         r"\(3,\) for input 0 of shape \(2,\)"):
        tape.gradient(y, X)


def test_correct_use_and_jacobians_still_work():
    np.testing.assert_array_equal(right(X).numpy(), [2.0, 4.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(X)
        y = right(X)
    np.testing.assert_array_equal(tape.gradient(y, X).numpy(), [5.0, 5.0])
    np.testing.assert_array_equal(tape.jacobian(y, X).numpy(), 5.0 * np.eye(2))
