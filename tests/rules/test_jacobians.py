"""Vectorized (one batched backward sweep) and looped Jacobians agree for
every op of the op-spec table, and both agree with the numerical Jacobian."""
import numpy as np
import pytest

import gradtape as tf
from gradtape._core import nest
from tests.opspec import cases


@pytest.mark.parametrize("spec,sample", cases())
def test_vectorized_equals_loop(spec, sample):
    arrays, params = sample.arrays, sample.params
    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(xs)
        y = nest.flatten(spec.fn(*xs, *params))[0]
    fast = tape.jacobian(y, xs, unconnected_gradients="zero")
    slow = tape.jacobian(y, xs, unconnected_gradients="zero", experimental_use_pfor=False)
    for x, f, s in zip(xs, fast, slow):
        assert f.shape == tuple(y.shape) + tuple(x.shape)
        np.testing.assert_allclose(f.numpy(), s.numpy(), rtol=1e-12, atol=1e-12)
    theo, num = tf.test.compute_gradient(lambda *a: nest.flatten(spec.fn(*a, *params))[0], xs,
                                         delta=1e-6)
    for f, n in zip(fast, num):
        np.testing.assert_allclose(f.numpy().reshape(n.shape), n, rtol=1e-5, atol=1e-6)
