"""The first-order sweep on arrays (``Op.numpy_vjps``) gives what the sweep
made of gradtape ops gives, for every row of the op-spec table.

A tape that watches the sweep makes every step an op (so it can be
differentiated again); with none, the sweep works on NumPy arrays and runs an
op's ``numpy_vjps`` where it has them.  Both must agree to rounding.
"""
import numpy as np
import pytest

import gradtape as tf
from gradtape.extend import OPS
from tests.opspec import cases

pytestmark = pytest.mark.usefixtures("numpy_alone")


def _gradients(fn, arrays, weights, swept_by_ops):
    xs = [tf.constant(a) for a in arrays]
    outer = tf.GradientTape() if swept_by_ops else None
    if outer is not None:
        outer.__enter__()  # watches nothing: it only makes the sweep record ops
    try:
        with tf.GradientTape() as tape:
            tape.watch(xs)
            y = fn(*xs)
        return tape.gradient(y, xs, output_gradients=weights(y))
    finally:
        if outer is not None:
            outer.__exit__(None, None, None)


@pytest.mark.parametrize("spec,sample", cases())
def test_array_sweep_matches_op_sweep(spec, sample):
    arrays, params = sample.arrays, sample.params
    rng = np.random.default_rng(0)

    def weights(y):
        if isinstance(y, (tuple, list)):
            return [weights(part) for part in y]
        return tf.constant(rng.standard_normal(tuple(y.shape)).astype(y.dtype.as_numpy_dtype))

    def fn(*xs):
        return spec.fn(*xs, *params)
    by_ops = _gradients(fn, arrays, weights, swept_by_ops=True)
    rng = np.random.default_rng(0)
    by_arrays = _gradients(fn, arrays, weights, swept_by_ops=False)
    for a, b in zip(by_arrays, by_ops):
        assert (a is None) == (b is None)
        if a is not None:
            a, b = tf.convert_to_tensor(a), tf.convert_to_tensor(b)
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-14)


def test_the_ops_of_small_networks_have_array_vjps():
    # the first-order sweep of an MLP or a scalar chain never builds a Tensor per step
    for name in ["add", "subtract", "negative", "multiply", "divide", "matmul", "tanh",
                 "sigmoid", "relu", "exp", "log", "sin", "cos", "square", "reduce_sum",
                 "reduce_mean", "softmax", "log_softmax",
                 "sparse_softmax_cross_entropy_with_logits"]:
        assert OPS[name].numpy_vjps is not None, name
