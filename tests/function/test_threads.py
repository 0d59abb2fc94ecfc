"""Threads calling and tracing one gradtape.function at once, and
check_numerics blocks that belong to the thread that opened them."""
import threading

import numpy as np
import pytest

import gradtape as tf


def _in_threads(n, work):
    errors, barrier = [], threading.Barrier(n)

    def run(k):
        try:
            barrier.wait()
            work(k)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@pytest.mark.filterwarnings("ignore:5 out of the last")
def test_threads_tracing_the_same_function_at_once_get_their_own_answers():
    w = tf.Variable(2.0)

    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(w * x * x)
        if y > 50.0:
            return y, tape.gradient(y, w)
        return -y, tape.gradient(y, w)
    results = {}

    def work(k):
        for size in (1, 2, 3, 4, 5, 6):
            x = tf.constant(np.full(size, float(k)), tf.float32)
            y, g = f(x)
            want = 2.0 * k * k * size
            results[k, size] = (float(y), float(g)) == ((want if want > 50 else -want), k * k * size)
    _in_threads(6, work)
    assert all(results.values()) and len(results) == 36


def test_threads_running_a_train_step_step_once_per_call_each():
    w = tf.Variable(np.zeros(3, np.float32))
    counter = tf.Variable(0, dtype=tf.int64)
    lock = threading.Lock()

    @tf.function
    def step(x):
        counter.assign_add(1)
        return tf.reduce_sum(x * w)

    def work(k):
        for size in range(1, 4):
            with lock:  # the assignments of one Variable are not atomic across threads
                step(tf.ones((size, 3)) * k)
    _in_threads(4, work)
    assert int(counter.numpy()) == 12


def test_check_numerics_belongs_to_the_thread_that_opened_it():
    inside, outside, done = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def checking():
        with tf.debugging.check_numerics():
            inside.set()
            outside.wait()
        done.set()

    def other():
        inside.wait()
        x = tf.constant(0.0)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.sqrt(x)
        with np.errstate(all="ignore"):
            seen["gradient"] = float(tape.gradient(y, x))  # not checked in this thread
        fast = tf.function(lambda v: v * 2.0)
        fast(tf.constant(1.0))
        fast(tf.constant(2.0))
        seen["compiled"] = fast.trace_count == 1  # and functions still compile here
        outside.set()
    threads = [threading.Thread(target=checking), threading.Thread(target=other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert done.is_set() and seen == {"gradient": np.inf, "compiled": True}
    assert tf.function(lambda v: v + 1.0)(tf.constant(1.0)) is not None


def test_interleaved_check_numerics_blocks_do_not_stay_on():
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a():
        with tf.debugging.check_numerics():
            a_in.set()
            b_in.wait()
        a_out.set()

    def b():
        a_in.wait()
        with tf.debugging.check_numerics():
            b_in.set()
            a_out.wait()
    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seen = []
    later = threading.Thread(target=lambda: seen.append(tf.debugging.checking_numerics()))
    later.start()
    later.join()
    assert seen == [False] and not tf.debugging.checking_numerics()


def test_check_numerics_still_checks_in_its_own_thread():
    x = tf.constant(0.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with np.errstate(all="ignore"):
            y = tf.sqrt(x)
    with tf.debugging.check_numerics(), pytest.raises(tf.debugging.NonFiniteGradientError):
        tape.gradient(y, x)
