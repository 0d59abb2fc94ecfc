"""A call of a gradtape.function has its effects exactly once, whatever
happens while it is traced or replayed: a retrace after an assignment, a
replay that stops on an error, a trace that raises, a trace for a signature
only (get_concrete_function)."""
import numpy as np
import pytest

import gradtape as tf


def test_an_assignment_before_a_flipped_branch_is_applied_once():
    # the repro: TensorFlow gives c == 3 after three calls
    c = tf.Variable(0.0)

    @tf.function
    def f(x):
        c.assign_add(1.0)
        if tf.reduce_sum(x) > 0:
            return x * 2.0
        return x * 3.0
    for value in (1.0, 1.0, -1.0):
        f(tf.constant([value]))
    assert float(c.numpy()) == 3.0
    assert f.trace_count == 2


def test_a_call_that_fails_has_no_effect():
    """A replay that meets an error puts its assignments back and traces again,
    which raises gradtape's own message and undoes its own assignments."""
    c = tf.Variable(0.0)
    table = tf.constant([1.0, 2.0, 3.0])

    @tf.function
    def f(i):
        c.assign_add(1.0)
        return tf.gather(table, i)
    f(tf.constant([0]))
    with pytest.raises(tf.errors.InvalidArgumentError):
        f(tf.constant([7]))
    assert float(c.numpy()) == 1.0  # the failing call assigned nothing


def test_a_trace_that_raises_assigns_nothing():
    c = tf.Variable(0.0)

    @tf.function
    def f(x):
        c.assign_add(1.0)
        return x.numpy()
    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError):
        f(tf.constant(1.0))
    assert float(c.numpy()) == 0.0  # as TensorFlow: the graph never ran


def test_a_random_draw_before_a_flipped_branch_is_drawn_once():
    @tf.function
    def f(x):
        noise = tf.random.normal((2,))
        if tf.reduce_sum(x) > 0:
            return noise * 1.0
        return noise * -1.0

    def eager(x):
        noise = tf.random.normal((2,))
        return noise * (1.0 if float(tf.reduce_sum(x)) > 0 else -1.0)
    inputs = [tf.constant(v) for v in (1.0, 2.0, -1.0, 3.0)]
    tf.random.set_seed(3)
    got = [f(x).numpy() for x in inputs]
    tf.random.set_seed(3)
    want = [eager(x).numpy() for x in inputs]
    np.testing.assert_array_equal(got, want)


def _problem(batch, seed):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((batch, 3)).astype(np.float32),
            rng.integers(0, 2, batch).astype(np.int32))


def _train_step(compile_it):
    w = tf.Variable(np.full((3, 2), 0.1, np.float32))
    opt = tf.optimizers.Adam(0.01)

    def step(x, labels):
        with tf.GradientTape() as tape:
            logits = x @ w
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=labels, logits=logits))
        opt.apply_gradients([(tape.gradient(loss, w), w)])
        if loss > 0.69:  # a Python condition on a tensor: flips between calls
            return loss * 1.0
        return loss * 1.0 + 0.0
    return (tf.function(step) if compile_it else step), w, opt


@pytest.mark.filterwarnings("ignore:5 out of the last")
@pytest.mark.parametrize("scenario", ["same shapes", "new shapes", "labels out of range"])
def test_the_optimizer_steps_once_per_call(scenario):
    batches = [_problem(4 if scenario != "new shapes" else 2 + i % 3, i) for i in range(8)]
    if scenario == "labels out of range":
        batches[5] = (batches[5][0], np.array([0, 1, 9, 0], np.int32))
    runs = {}
    for compile_it in (False, True):
        step, w, opt = _train_step(compile_it)
        losses = []
        for x, labels in batches:
            try:
                losses.append(float(step(x, labels)))
            except tf.errors.InvalidArgumentError:
                losses.append(None)
        runs[compile_it] = losses, w.numpy(), int(opt.iterations)
        if compile_it:
            assert step.trace_count > 1  # the scenario did retrace
    eager, compiled = runs[False], runs[True]
    assert compiled[2] == eager[2] == len(batches) - (scenario == "labels out of range")
    assert compiled[0] == eager[0]
    np.testing.assert_array_equal(compiled[1], eager[1])


def test_get_concrete_function_traces_without_running_the_call():
    c = tf.Variable(0.0)
    seen = []

    @tf.function
    def f(x):
        seen.append("traced")
        c.assign_add(1.0)
        return x + c
    concrete = f.get_concrete_function(tf.TensorSpec([2], tf.float32))
    assert seen == ["traced"] and float(c.numpy()) == 0.0
    assert concrete(tf.constant([1.0, 2.0])).numpy().tolist() == [2.0, 3.0]
    assert float(c.numpy()) == 1.0 and seen == ["traced"]  # replayed, not traced again
