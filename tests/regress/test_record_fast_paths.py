"""The recorder's shortcuts record what the general path records.

``apply`` reads the Variables among a two-input op's inputs without a list,
the recorder decides from one lookup of NumPy dtypes whether an array output can
carry a gradient (``kind`` decides any other dtype), and an op saving no
inputs keeps two stand-ins without a list.  Each test asks what a user sees:
the snapshot a Variable gives, the watch it triggers, a gradient or a None.
"""
import numpy as np
import pytest

import gradtape as tf
from gradtape._core import reverse
from gradtape.extend import OPS


@pytest.mark.parametrize("variable_first", [True, False])
def test_two_input_op_reads_a_variable_as_a_snapshot_at_read_time(variable_first):
    v, c = tf.Variable([1.0, 2.0]), tf.constant([3.0, 5.0])
    with tf.GradientTape() as tape:
        y = v * v if variable_first is None else (v * c if variable_first else c * v)
        v.assign([10.0, 20.0])  # after the read: the tape keeps the value read
        z = y * y
    g = tape.gradient(z, v)
    # d(c v)^2/dv = 2 c^2 v at the value read, not the value assigned later
    np.testing.assert_allclose(g.numpy(), 2 * np.array([9.0, 25.0]) * np.array([1.0, 2.0]))
    assert [w.name for w in tape.watched_variables()] == [v.name]


def test_two_variables_in_one_op_are_both_watched_in_read_order():
    a, b = tf.Variable(2.0, name="a"), tf.Variable(3.0, name="b")
    with tf.GradientTape() as tape:
        y = b * a
    ga, gb = tape.gradient(y, [a, b])
    assert (ga.numpy(), gb.numpy()) == (3.0, 2.0)
    assert {w.name for w in tape.watched_variables()} == {"a:0", "b:0"}


def test_untrainable_variable_in_a_two_input_op_gets_none_and_is_not_watched():
    frozen, w = tf.Variable(2.0, trainable=False), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = frozen * w
    g_frozen, g_w = tape.gradient(y, [frozen, w])
    assert g_frozen is None and g_w.numpy() == 2.0
    assert tape.watched_variables() == (w,)


def test_variables_in_a_three_input_op_are_snapshots_too():
    vs = [tf.Variable(float(i + 1)) for i in range(3)]
    with tf.GradientTape() as tape:
        y = tf.add_n(vs)
        y = y * y
    grads = tape.gradient(y, vs)
    assert [g.numpy() for g in grads] == [12.0, 12.0, 12.0]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "complex64", "complex128"])
def test_floating_array_outputs_are_recorded(dtype):
    x = tf.constant(np.array([1.0, 2.0], dtype))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert len(tape._rec.entries) == 1
    assert tape.gradient(y, x) is not None


def test_a_non_native_byte_order_float_output_is_still_recorded():
    # not among the NumPy dtypes the recorder knows: ``kind`` decides
    swapped = np.dtype(">f8") if np.little_endian else np.dtype("<f8")
    assert swapped not in reverse._INEXACT_KINDS
    rec = reverse.TapeRecorder()
    x = tf.constant([1.0, 2.0], tf.float64)
    rec.watch(x)
    out = tf.constant([1.0, 4.0], tf.float64)
    out._value = out._value.astype(swapped)
    rec.record(OPS["square"], (x,), out, {})
    assert len(rec.entries) == 1 and out._uid in rec.tracked and out._uid not in rec.cut_only


def test_integer_and_bool_outputs_are_cuts_not_entries():
    x = tf.constant([1.5, -2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        i = tf.cast(x, tf.int32)
        b = x > 0.0
    assert tape._rec.entries == []
    assert {i._uid, b._uid} <= tape._rec.cut_only


def test_an_op_saving_no_inputs_keeps_two_stand_ins_of_their_shapes():
    x, b = tf.constant(np.ones((2, 3), np.float32)), tf.constant(np.ones(3, np.float64))
    with tf.GradientTape() as tape:
        tape.watch([x, b])
        y = x + tf.cast(b, tf.float32)
    entry = tape._rec.entry(len(tape._rec.entries) - 1)
    assert entry.op.name == "add"
    assert [(s.shape, s.dtype) for s in entry.saved] == [((2, 3), np.float32), ((3,), np.float32)]
    gx, gb = tape.gradient(y, [x, b])
    np.testing.assert_array_equal(gb.numpy(), [2.0, 2.0, 2.0])
    assert gb.dtype == tf.float64 and gx.shape == (2, 3)


def test_the_sweep_conjugates_only_on_a_tape_that_recorded_a_complex_value():
    # TensorFlow's convention: d(z*z)/dz = 2 conj(z); a real tape runs the real rules
    z = tf.constant([1 + 2j, -0.5 + 0.25j], tf.complex64)
    with tf.GradientTape() as tape:
        tape.watch(z)
        y = z * z
    assert tape._rec.complex_seen
    np.testing.assert_allclose(tape.gradient(y, z).numpy(), 2 * np.conj(z.numpy()), rtol=1e-6)
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.sin(x) * x
    assert not tape._rec.complex_seen
    np.testing.assert_allclose(tape.gradient(y, x).numpy(),
                               np.cos([1.0, 2.0]) * [1.0, 2.0] + np.sin([1.0, 2.0]), rtol=1e-6)


def test_a_complex_value_between_real_ends_takes_the_complex_rules():
    # f(x) = real((x + i)^2) = x^2 - 1: df/dx = 2x, through complex intermediates
    x = tf.constant([1.5, -2.0], tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        w = tf.complex(x, tf.ones_like(x))
        y = tf.math.real(w * w)
    assert tape._rec.complex_seen
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [3.0, -4.0], rtol=1e-6)


@pytest.mark.parametrize("name", ["multiply", "divide", "sin", "tanh", "exp"])
def test_real_numpy_rules_are_the_conjugating_rules_on_real_cotangents(name):
    op = OPS[name]
    assert op.real_numpy_vjps is not op.numpy_vjps  # (conjugating rules of their own)
    rng = np.random.default_rng(0)
    xs = [rng.uniform(0.5, 2.0, 3).astype(np.float32) for _ in op.real_numpy_vjps]
    ans = op.numpy_impl(*xs)
    ct = rng.standard_normal(3).astype(np.float32)
    for real, general in zip(op.real_numpy_vjps, op.numpy_vjps):
        np.testing.assert_array_equal(real(ct, ans, *xs), general(ct, ans, *xs))
