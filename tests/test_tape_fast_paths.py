"""The quick paths of a GradientTape step give what the general paths give.

A scalar target starts from one shared NumPy scalar one per dtype, targets
and sources given as a tensor or a flat list skip the structure walk, and
``trace.pop`` of the innermost recorder skips the stack rebuild; each is
checked here against the path it shortcuts.
"""
import numpy as np
import pytest

import gradtape as tf
from gradtape._core import trace


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64,
                                   np.complex128])
def test_scalar_target_ones_equal_explicit_output_gradients(dtype):
    x = tf.Variable(np.asarray(1.5, dtype))
    got = []
    for og in (None, tf.constant(np.asarray(1, dtype))):
        with tf.GradientTape(persistent=True) as tape:
            y = x * x
            z = tf.identity(y)  # its gradient with respect to y is the first cotangent itself
        got.append([tape.gradient(z, [x, y, z], output_gradients=og),
                    tape.gradient([z, z], [x, z],
                                  output_gradients=None if og is None else [og, None]),
                    tape.gradient(z, z, output_gradients=og)])
    (g1, g2, g3), (h1, h2, h3) = got
    for g, h in zip(g1 + g2 + [g3], h1 + h2 + [h3]):
        assert g.dtype == h.dtype == tf.as_dtype(dtype)
        np.testing.assert_array_equal(g.numpy(), h.numpy())
    assert g1[0].numpy() == 3.0 and g1[2].numpy() == 1.0 and g2[1].numpy() == 2.0


def test_shared_scalar_one_is_not_changed_by_summed_cotangents():
    x = tf.Variable(2.0)
    for _ in range(3):  # were the shared one added into in place, the second step would differ
        with tf.GradientTape() as tape:
            y = x * 3.0
        grads = tape.gradient([y, y, y], [x, y])
        assert grads[0].numpy() == 9.0 and grads[1].numpy() == 3.0
    with tf.GradientTape() as tape:
        y = x * 3.0
    assert tape.gradient(y, y).numpy() == 1.0


def test_array_target_gets_fresh_ones_each_gradient():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        y = tf.identity(x)
    first = tape.gradient(y, x)
    second = tape.gradient(y, x)
    assert first._value is not second._value
    np.testing.assert_array_equal(second.numpy(), [1.0, 1.0])


def test_sources_as_tensor_list_tuple_and_nest_agree():
    a, b = tf.Variable(2.0), tf.Variable([1.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        y = a * tf.reduce_sum(b * b)
    as_list = tape.gradient(y, [a, b])
    as_tuple = tape.gradient(y, (a, b))
    as_dict = tape.gradient(y, {"a": a, "b": [b]})
    assert isinstance(as_tuple, tuple) and isinstance(as_list, list)
    assert tape.gradient(y, a).numpy() == 10.0
    for g in (as_tuple, [as_dict["a"], as_dict["b"][0]]):
        for u, v in zip(as_list, g):
            np.testing.assert_array_equal(u.numpy(), v.numpy())


def test_a_source_that_is_not_a_tensor_is_refused_in_any_structure():
    a = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = a * a
    for sources in ([a, 1.0], (1.0,), {"a": a, "b": np.ones(2)}, 1.0):
        with pytest.raises(ValueError, match="not tf.Tensor or tf.Variable"):
            tape.gradient(y, sources)


def test_popping_an_outer_tape_first_keeps_the_inner_one_recording():
    x = tf.Variable(2.0)
    before = trace._active[0]
    outer, inner = tf.GradientTape(), tf.GradientTape()
    outer.__enter__()
    inner.__enter__()
    outer.__exit__(None, None, None)  # not the innermost: the stack is rebuilt without it
    assert trace.stack() == (inner._rec,)
    y = x * x
    inner.__exit__(None, None, None)
    assert trace.stack() == () and trace._active[0] == before
    assert inner.gradient(y, x).numpy() == 4.0
    assert outer.gradient(y, x) is None


def test_a_tape_dropped_while_recording_leaves_no_recorder():
    before = trace._active[0]
    tape = tf.GradientTape()
    tape.__enter__()
    del tape
    assert trace.stack() == () and trace._active[0] == before
