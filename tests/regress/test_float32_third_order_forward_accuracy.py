"""Float32 third derivatives by forward mode are as accurate as TensorFlow's:
on these polynomials TensorFlow 2.21's relative error is at most 1.6e-7 (three
nested ForwardAccumulators at the points below); gradtape must stay within
4e-7 (an error of 5e-6, 30 times TensorFlow's, fails)."""
import numpy as np
import pytest

import gradtape as gt
import gradtape as tf

POINTS = np.array([0.7, 1.3, 2.1, -1.7, 3.3, 0.05, 7.0], np.float32)

# f, its exact third derivative (float64)
POLYNOMIALS = {
    "x**4": (lambda x: x ** 4, lambda x: 24 * x),
    "x**5": (lambda x: x ** 5, lambda x: 60 * x ** 2),
    "3x**5 - 2x**3 + x": (lambda x: 3.0 * x ** 5 - 2.0 * x ** 3 + x, lambda x: 180 * x ** 2 - 12),
    "x**7 / 7": (lambda x: x ** 7 / 7.0, lambda x: 30 * x ** 4),
    "Horner form": (lambda x: ((3.0 * x * x - 2.0) * x * x + 1.0) * x,
                    lambda x: 180 * x ** 2 - 12),
    "pow with a tensor exponent": (lambda x: tf.pow(x, tf.constant(5.0)), lambda x: 60 * x ** 2),
}


def _nested_accumulators(f, x):
    x = tf.constant(x)
    with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as a3:
        with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as a2:
            with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as a1:
                y = f(x)
            j1 = a1.jvp(y)
        j2 = a2.jvp(j1)
    return a3.jvp(j2).numpy()


def _jacfwd_cubed(f, x):
    third = gt.jacfwd(gt.jacfwd(gt.jacfwd(lambda t: tf.reduce_sum(f(t)))))(tf.constant(x))
    n = len(x)
    return third.numpy()[np.arange(n), np.arange(n), np.arange(n)]


@pytest.mark.parametrize("third", [_nested_accumulators, _jacfwd_cubed],
                         ids=["accumulators", "jacfwd"])
@pytest.mark.parametrize("name", sorted(POLYNOMIALS))
def test_third_derivative_in_float32_is_accurate(name, third):
    f, exact = POLYNOMIALS[name]
    got = third(f, POINTS)
    assert got.dtype == np.float32
    want = exact(POINTS.astype(np.float64))
    assert np.max(np.abs(got - want) / np.abs(want)) < 4e-7
