"""The engine's declared interfaces: the recorder protocol, the sweep's VJP
caller, list packing in ``convert_to_tensor``, and the debug mode's stacks."""
import numpy as np
import pytest

import gradtape as tf
from gradtape._core import reverse, trace


class _Names(trace.Recorder):
    """A recorder that implements ``record`` only: the rest is the base's."""

    def __init__(self):
        self.names = []

    def record(self, op, inputs, out, params):
        self.names.append(op.name)


def test_a_recorder_needs_only_record():
    names = _Names()
    trace.push(names)
    try:
        y = tf.exp(tf.constant([1.0, 2.0])) * 2.0
        y.numpy()  # an escape: the base class hears it and does nothing
        float(tf.reduce_sum(y))
        v = tf.Variable(1.0, trainable=False)
        v * 2.0  # a read of an untrainable Variable: note_read
    finally:
        trace.pop(names)
    assert names.names == ["exp", "multiply", "reduce_sum", "multiply"]


def test_the_sweep_calls_vjps_through_the_given_caller():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.sin(x) * x)
    calls = []

    def caller(op, i, ct, ans, saved, params, call):
        calls.append((op.name, i))
        return call(op, i, ct, ans, saved, params)
    got = reverse.backward(tape._rec, [(y._uid, tf.constant(1.0))], [x._uid], True, caller)
    want = np.cos([1.0, 2.0]) * [1.0, 2.0] + np.sin([1.0, 2.0])
    np.testing.assert_allclose(got[x._uid].numpy(), want, rtol=1e-6)
    assert calls == [("reduce_sum", 0), ("multiply", 0), ("multiply", 1), ("sin", 0)]


def test_a_list_of_tensors_packs_differentiably():
    a, b = tf.constant(1.0), tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        y = tf.reduce_sum(tf.convert_to_tensor([a, b]) * [3.0, 4.0])
    assert [g.numpy() for g in tape.gradient(y, [a, b])] == [3.0, 4.0]


def test_packing_refuses_mixed_shapes_and_dtypes():
    with pytest.raises(tf.errors.InvalidArgumentError, match="same shape"):
        tf.convert_to_tensor([tf.constant(1.0), tf.constant([1.0, 2.0])])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Pack .*float32.*float64"):
        tf.convert_to_tensor([tf.constant(1.0), tf.constant(1.0, dtype=tf.float64)])


def test_debug_mode_keeps_a_stack_for_every_op_of_a_line():
    x = tf.Variable(1.0)
    tf.debugging.set_debug_mode(True)
    try:
        with tf.GradientTape() as tape:
            for _ in range(3):
                x = x * 2.0  # one line, three ops
    finally:
        tf.debugging.set_debug_mode(False)
    assert sorted(tape._rec.stacks) == [0, 1, 2]
    with tf.GradientTape() as tape:
        tf.Variable(1.0) * 2.0
    assert tape._rec.stacks == {}


def test_unconnected_gradients_has_one_home():
    from gradtape import forwardprop, jacobians, tape, unconnected
    assert tape.UnconnectedGradients is unconnected.UnconnectedGradients
    assert forwardprop.UnconnectedGradients is unconnected.UnconnectedGradients
    assert jacobians.UnconnectedGradients is tf.UnconnectedGradients
