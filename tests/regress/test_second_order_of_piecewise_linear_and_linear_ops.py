"""Second derivatives of relu, relu6, leaky_relu and of linear ops are zeros
where TensorFlow gives zeros (not None), under every nesting of tapes and
forward accumulators.

relu's family differentiates to a function of ``x`` with a zero derivative
(TensorFlow's ReluGrad), so all five nestings give zeros.  A linear op's
tangent is seen by outer recorders as a function of its primal inputs, so a
derivative of a JVP is zeros: TensorFlow gives zeros for every forward-over-
forward case and for some reverse-over-forward ones (``multiply``,
``reduce_sum``, ``matmul``, ``divide``, ``reduce_mean``); gradtape gives zeros
for the others too (``REVERSE_OVER_FORWARD_ZEROS_WHERE_TF_NONE``), which is
the true derivative.  A gradient computed by a tape from a constant seed does
not depend on ``x`` for a linear op: None, in both.
"""
import numpy as np
import pytest

import gradtape as tf

OPS = {
    "relu": tf.nn.relu,
    "relu6": tf.nn.relu6,
    "leaky_relu": lambda x: tf.nn.leaky_relu(x, 0.2),
    "multiply": lambda x: x * 2.0,
    "reduce_sum": lambda x: tf.reduce_sum(x) * tf.ones(3),
    "negative": tf.negative,
    "reshape": lambda x: tf.reshape(x, (3, 1)),
    "add": lambda x: x + 1.0,
    "matmul": lambda x: tf.matmul(tf.reshape(x, (1, 3)), tf.ones((3, 2))),
    "slice": lambda x: x[1:],
    "reduce_mean": lambda x: tf.reduce_mean(x) * tf.ones(2),
    "concat": lambda x: tf.concat([x, x], 0),
    "divide": lambda x: x / 2.0,
    "tile": lambda x: tf.tile(x, [2]),
}


def _reverse_over_reverse(f, x):
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
    return outer.gradient(g, x)


def _forward_over_reverse(f, x):
    with tf.autodiff.ForwardAccumulator(x, tf.ones(3)) as acc:
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
    return acc.jvp(g)


def _reverse_over_forward(f, x):
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.autodiff.ForwardAccumulator(x, tf.ones(3)) as acc:
            y = f(x)
        j = acc.jvp(y)
    return outer.gradient(j, x)


def _forward_over_forward(f, x):
    with tf.autodiff.ForwardAccumulator(x, tf.ones(3)) as outer:
        with tf.autodiff.ForwardAccumulator(x, tf.ones(3)) as inner:
            y = f(x)
        j = inner.jvp(y)
    return outer.jvp(j)


def _jacobian_of_gradient(f, x):
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
    return outer.jacobian(g, x)


NESTINGS = [_reverse_over_reverse, _forward_over_reverse, _reverse_over_forward,
            _forward_over_forward, _jacobian_of_gradient]

# TensorFlow 2.21, at x = [-1.0, 0.5, 7.0]: "0" zeros of the result's shape, None None;
# one entry per nesting, in NESTINGS' order
EXPECTED = {
    "relu": ["0", "0", "0", "0", "0"],
    "relu6": ["0", "0", "0", "0", "0"],
    "leaky_relu": ["0", "0", "0", "0", "0"],
    "multiply": [None, None, "0", "0", None],
    "reduce_sum": [None, None, "0", "0", None],
    "negative": [None, None, None, "0", None],
    "reshape": [None, None, None, "0", None],
    "add": [None, None, None, "0", None],
    "matmul": [None, None, "0", "0", None],
    "slice": [None, None, None, "0", None],
    "reduce_mean": [None, None, "0", "0", None],
    "concat": [None, None, None, "0", None],
    "divide": [None, None, "0", "0", None],
    "tile": [None, None, None, "0", None],
}
REVERSE_OVER_FORWARD_ZEROS_WHERE_TF_NONE = {"negative", "reshape", "add", "slice", "concat",
                                            "tile"}


@pytest.mark.parametrize("nesting", NESTINGS, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("name", sorted(OPS))
def test_second_order_is_zeros_where_tensorflow_gives_zeros(name, nesting):
    x = tf.constant([-1.0, 0.5, 7.0])
    got = nesting(OPS[name], x)
    want = EXPECTED[name][NESTINGS.index(nesting)]
    if nesting is _reverse_over_forward and name in REVERSE_OVER_FORWARD_ZEROS_WHERE_TF_NONE:
        want = "0"
    if want is None:
        assert got is None
    else:
        assert got is not None and not np.any(got.numpy())
