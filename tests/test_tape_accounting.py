"""What the tape records, keeps and frees: a regression guard for speed and memory.

No timings here (those live in ``benchmarks/``): these tests count tape
entries, saved arrays and VJP calls for known computations, and use weak
references to check that activations are freed when they should be.
"""
import gc
import weakref

import numpy as np
import pytest

import gradtape as tf
from gradtape._core.reverse import Meta
from gradtape.rules._util import apply, defop


def _mlp_step(persistent=False):
    """A 2-layer MLP and a squared-error loss, recorded on a tape."""
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((4, 3)).astype(np.float32))
    target = tf.constant(rng.standard_normal((4, 2)).astype(np.float32))
    w1 = tf.Variable(rng.standard_normal((3, 5)).astype(np.float32))
    b1 = tf.Variable(np.zeros(5, np.float32))
    w2 = tf.Variable(rng.standard_normal((5, 2)).astype(np.float32))
    b2 = tf.Variable(np.zeros(2, np.float32))
    tape = tf.GradientTape(persistent=persistent)
    with tape:
        h = tf.nn.relu(tf.matmul(x, w1) + b1)
        out = tf.matmul(h, w2) + b2
        loss = tf.reduce_mean(tf.square(out - target))
    return tape, loss, [w1, b1, w2, b2], (x, target)


def _saved_arrays(entries):
    """The distinct arrays the entries keep alive (inputs kept and outputs kept)."""
    arrays = {}
    for e in entries:
        for s in e.saved:
            if type(s) is not Meta:
                arrays[id(s._value)] = s._value
        if e.ans is not None:
            arrays[id(e.ans._value)] = e.ans._value
    return list(arrays.values())


def test_an_mlp_step_records_exactly_its_ops():
    tape, _, _, _ = _mlp_step()
    names = [e.op.name for e in tape._rec.views()]
    assert names == ["matmul", "add", "relu", "matmul", "add", "subtract", "square",
                     "reduce_mean"]


def test_an_mlp_step_keeps_only_what_its_vjps_read():
    tape, _, params, (x, _) = _mlp_step()
    kept = _saved_arrays(tape._rec.views())
    # matmul keeps both operands (x, w1, then h, w2), relu its output h, square
    # its input; add, subtract and reduce_mean keep only shapes
    assert len(kept) == 5
    ids = {id(a) for a in kept}
    assert id(x._value) in ids
    assert id(params[0]._value) in ids and id(params[2]._value) in ids
    assert all(a.dtype == np.float32 for a in kept)


def test_a_non_persistent_tape_holds_nothing_after_gradient():
    tape, loss, params, _ = _mlp_step()
    rec = tape._rec
    grads = tape.gradient(loss, params)
    assert all(g is not None and g.dtype == tf.float32 for g in grads)
    assert rec.entries == [] and rec.producer == {}
    assert tape._rec is None


def test_a_persistent_tape_keeps_its_entries_for_another_gradient():
    tape, loss, params, _ = _mlp_step(persistent=True)
    n = len(tape._rec.entries)
    first = tape.gradient(loss, params)
    assert len(tape._rec.entries) == n
    second = tape.gradient(loss, params)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def _tanh_chain(steps, persistent):
    x = tf.constant(np.ones((10, 4), np.float32))
    tape = tf.GradientTape(persistent=persistent)
    refs = []
    with tape:
        tape.watch(x)
        y = x
        for _ in range(steps):
            y = tf.tanh(y * 1.01)
            refs.append(weakref.ref(y._value))
    return tape, x, y, refs


def test_activations_are_freed_by_gradient():
    tape, x, y, refs = _tanh_chain(20, persistent=False)
    gc.collect()
    assert all(r() is not None for r in refs)  # the tape keeps them until gradient()
    tape.gradient(y, x)
    alive = [r for r in refs if r() is not None]
    assert alive == [refs[-1]]  # only y itself, which the caller holds


def test_a_persistent_tape_frees_its_activations_when_deleted():
    tape, x, y, refs = _tanh_chain(20, persistent=True)
    tape.gradient(y, x)
    assert all(r() is not None for r in refs)
    del tape
    assert [r for r in refs if r() is not None] == [refs[-1]]


def test_python_scalars_do_not_upcast_float32_work():
    tape, x, y, _ = _tanh_chain(3, persistent=False)
    assert all(e.op.name in ("multiply", "tanh") for e in tape._rec.views())
    assert all(s._value.dtype == np.float32 for e in tape._rec.views()
               for s in e.saved if type(s) is not Meta)
    assert tape.gradient(y, x).dtype == tf.float32


def _counting_double():
    """An op ``2 * a`` that counts how often its VJP runs."""
    calls = []

    def vjp(ct, ans, a):
        calls.append(1)
        return ct * 2.0
    op = defop("counting_double", lambda xp, a: a * 2, vjp=vjp, save="none", register_as=False)
    return (lambda t: apply(op, (t,), {})), calls


def test_backward_skips_entries_off_the_path_to_the_sources():
    double, calls = _counting_double()
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        on_path = double(a)
        unrelated = double(b)  # recorded, but the target does not use it
        loss = on_path * 3.0
    assert tape.gradient(loss, a).numpy() == 6.0
    assert len(calls) == 1
    # the target depends on a only: asking for b visits nothing of a's path
    assert tape.gradient(loss, b) is None
    assert len(calls) == 1
    del unrelated


def test_backward_skips_entries_that_lead_to_no_requested_source():
    double, calls = _counting_double()
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        loss = double(a) * b  # a is watched too, but only b is asked for
    assert tape.gradient(loss, b).numpy() == 2.0
    assert calls == []


def test_backward_does_not_compute_cotangents_for_untracked_inputs():
    double, calls = _counting_double()
    w = tf.Variable(3.0)
    data = tf.constant(5.0)
    with tf.GradientTape() as tape:
        loss = w * double(data)  # data is neither watched nor computed from w
    assert tape.gradient(loss, w).numpy() == 10.0
    assert calls == []


def test_summing_cotangents_never_writes_into_a_callers_array():
    x = tf.constant([1.0, 2.0])
    seed = tf.constant([1.0, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.identity(x)
        z = y + y + y + y  # y's cotangent is a sum of four, the first one the seed
    g = tape.gradient(z, x, output_gradients=seed)
    np.testing.assert_array_equal(g.numpy(), [4.0, 4.0])
    np.testing.assert_array_equal(seed.numpy(), [1.0, 1.0])


def test_summing_cotangents_leaves_the_gradient_of_a_reused_variable_right():
    w = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        loss = tf.reduce_sum(w * w + w * 3.0 + tf.sin(w))
    expected = 2 * w.numpy() + 3.0 + np.cos(w.numpy())
    for _ in range(2):  # a second sweep sees the same saved values
        np.testing.assert_allclose(tape.gradient(loss, w).numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("persistent", [False, True])
def test_higher_order_still_records_the_backward_sweep(persistent):
    x = tf.Variable(0.5)
    with tf.GradientTape() as outer:
        with tf.GradientTape(persistent=persistent) as inner:
            y = x * x * x + x * x
        dy = inner.gradient(y, x)
    np.testing.assert_allclose(dy.numpy(), 3 * 0.25 + 1.0, rtol=1e-6)
    np.testing.assert_allclose(outer.gradient(dy, x).numpy(), 6 * 0.5 + 2.0, rtol=1e-6)
