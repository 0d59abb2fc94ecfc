"""Thread isolation: tapes and accumulators belong to the thread that opened them.

Eight threads train their own MLPs at once, switching as often as the
interpreter allows, and every gradient of every step equals the one a
single-threaded run computes.  A Variable read by one thread is watched only
by that thread's tapes, as in TensorFlow.
"""
import sys
import threading

import numpy as np
import pytest

import gradtape as tf
from gradtape._core import trace
from tests.hardening._common import MLP, batch

N_THREADS = 8
STEPS = 300


def _train(seed, steps, out):
    model = MLP(seed)
    x, y = batch(seed)
    history = []
    for _ in range(steps):
        grads = model.step(x, y)
        history.append(np.concatenate([g.numpy().ravel() for g in grads]))
    out[seed] = np.stack(history)


def _run_threads(targets):
    errors = []

    def guarded(fn):
        def run():
            try:
                fn()
            except BaseException as e:  # noqa: BLE001 - reported by the main thread
                errors.append(e)
        return run
    threads = [threading.Thread(target=guarded(fn)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0]


@pytest.fixture
def frequent_switching():
    """Let threads interleave between (almost) every few bytecodes."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def test_eight_threads_train_like_one(frequent_switching):
    active_before = trace._active[0]
    expected = {}
    for seed in range(N_THREADS):
        _train(seed, STEPS, expected)
    got = {}
    start = threading.Barrier(N_THREADS)

    def worker(seed):
        def run():
            start.wait()
            _train(seed, STEPS, got)
        return run
    _run_threads([worker(s) for s in range(N_THREADS)])
    for seed in range(N_THREADS):
        np.testing.assert_array_equal(got[seed], expected[seed], err_msg=f"thread {seed}")
    # the models differ from each other, so a cross-thread mix-up would show
    assert not np.array_equal(expected[0], expected[1])
    assert trace.stack() == ()
    assert trace._active[0] == active_before  # every thread's tapes were popped


def test_shared_variable_read_is_watched_by_the_reading_thread_only():
    shared = tf.Variable([1.0, 2.0])
    opened, read_done = threading.Event(), threading.Event()
    result = {}

    def owner():  # opens a tape, then lets the other thread read the Variable
        with tf.GradientTape(persistent=True) as tape:
            opened.set()
            read_done.wait(10)
        result["owner_watched"] = tape.watched_variables()
        result["owner_grad"] = tape.gradient(result["reader_out"], shared)

    def reader():
        opened.wait(10)
        with tf.GradientTape() as tape:
            out = shared * 3.0
        result["reader_out"] = out
        result["reader_watched"] = tape.watched_variables()
        result["reader_grad"] = tape.gradient(out, shared)
        read_done.set()

    _run_threads([owner, reader])
    assert result["owner_watched"] == ()
    assert result["owner_grad"] is None
    assert result["reader_watched"] == (shared,)
    np.testing.assert_array_equal(result["reader_grad"].numpy(), [3.0, 3.0])


def test_accumulator_does_not_see_another_threads_ops():
    x = tf.constant([1.0, 2.0])
    opened, computed = threading.Event(), threading.Event()
    result = {}

    def owner():
        with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 1.0])) as acc:
            mine = x * x
            opened.set()
            computed.wait(10)
        result["mine"] = acc.jvp(mine)
        result["theirs"] = acc.jvp(result["other"])

    def other():
        opened.wait(10)
        result["other"] = tf.sin(x)
        computed.set()

    _run_threads([owner, other])
    np.testing.assert_array_equal(result["mine"].numpy(), [2.0, 4.0])
    assert result["theirs"] is None


def test_a_tape_in_one_thread_does_not_record_another_threads_work():
    w = tf.Variable(2.0)
    opened, done = threading.Event(), threading.Event()
    sizes = {}

    def owner():
        with tf.GradientTape() as tape:
            opened.set()
            done.wait(10)
        sizes["entries"] = len(tape._rec.entries)

    def busy():
        opened.wait(10)
        for _ in range(50):
            w * w + 1.0
        done.set()

    _run_threads([owner, busy])
    assert sizes["entries"] == 0
