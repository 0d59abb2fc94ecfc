"""Undoing broadcasting over leading axes: the sweep on arrays (``reverse.unbroadcast``,
the C sweep) and the sweep made of ops (``basic_ops.sum_to_shape``, the ``sum_leading``
op a gradtape.function replays) give the same bits, and the op's derivatives are right."""
import numpy as np
import pytest

import gradtape as tf
from gradtape._core.basic_ops import sum_to_shape
from gradtape._core.op import OPS
from gradtape._core.reverse import unbroadcast
from gradtape.extend import apply
from gradtape.testing import check_gradients

CASES = [((8, 16), (16,)), ((2, 3, 4), (4,)), ((2, 3, 4), (3, 4)), ((2, 3, 4), (1, 4)),
         ((5, 1), ()), ((3, 4), (3, 4)), ((0, 4), (4,)), ((7, 2), (1, 2))]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "complex64", "int32"])
@pytest.mark.parametrize("big, small", CASES)
def test_arrays_and_ops_agree_bit_for_bit(big, small, dtype):
    rng = np.random.default_rng(0)
    g = (rng.standard_normal(big) * 10).astype(dtype)
    by_arrays = unbroadcast(g, small, 0)
    by_ops = sum_to_shape(tf.constant(g), small).numpy()
    assert by_arrays.shape == by_ops.shape == small
    assert by_arrays.dtype == by_ops.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(by_arrays, by_ops)
    # and both are the sum (float16 sums lose digits in any order)
    lead = len(big) - len(small)
    if lead and all(b == s for b, s in zip(big[lead:], small)):
        wide = "complex128" if dtype == "complex64" else "float64"
        want = g.astype(wide).sum(axis=tuple(range(lead)))
        np.testing.assert_allclose(by_arrays, want, rtol=1e-2 if dtype == "float16" else 1e-5,
                                   atol=5e-2 if dtype == "float16" else 1e-4)


def test_a_bias_gradient_is_the_same_eager_and_compiled():
    w = tf.Variable(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4))
    b = tf.Variable(np.float32([0.1, -0.2, 0.3, 0.05]))
    x = tf.constant(np.random.default_rng(1).standard_normal((9, 3)).astype(np.float32))

    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.tanh(x @ w + b) ** 2)
        return tape.gradient(loss, [w, b])

    eager, compiled = step(x), tf.function(step)(x)
    for e, c in zip(eager, compiled):
        np.testing.assert_array_equal(e.numpy(), c.numpy())


def test_the_sum_over_leading_axes_differentiates():
    for k in (1, 2):
        check_gradients(lambda x: apply(OPS["sum_leading"], (x,), {"k": k, "keep": 3 - k}),
                        [np.random.default_rng(k).standard_normal((2, 3, 4))], order=2)



def test_batched_tangents_keep_their_batch_axis():
    # a forward-mode Jacobian pushes a batch of tangents through the op (it is
    # linear: its JVP is the op itself on tangents with a leading batch axis)
    x = tf.constant(np.random.default_rng(2).standard_normal((3, 2)))
    jac = tf.jacfwd(lambda x: apply(OPS["sum_leading"], (x,), {"k": 1, "keep": 1}))(x)
    np.testing.assert_array_equal(jac.numpy(), np.tile(np.eye(2), (3, 1, 1)).transpose(1, 0, 2))
