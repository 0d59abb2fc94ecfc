"""Optimizer steps inside ``gradtape.function``: a compiled train step gives the
eager loop's numbers, bit for bit.

Each case trains a small two-layer network for a few steps twice, with fresh
variables and a fresh optimizer: eagerly (updates in NumPy), and as one
``@tf.function`` around the forward pass, the tape and ``apply_gradients``
(traced on the first call, replayed after, updates as gradtape ops).  Losses,
variables and every optimizer variable (step count, learning rate, slots)
must be equal in value and dtype.
"""
import warnings

import numpy as np
import pytest

import gradtape as tf
from gradtape.keras._update_math import ARRAYS, TENSORS

O = tf.optimizers
S = tf.optimizers.schedules
STEPS = 5


def _excluding_biases(opt):
    opt.exclude_from_weight_decay(var_names=["bias"])
    return opt


OPTIMIZERS = {
    "sgd": lambda: O.SGD(0.1),
    "sgd_momentum": lambda: O.SGD(0.1, momentum=0.9),
    "sgd_nesterov": lambda: O.SGD(0.1, momentum=0.9, nesterov=True),
    "sgd_weight_decay": lambda: O.SGD(0.1, weight_decay=0.05),
    "adam": lambda: O.Adam(0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-3),
    "adam_amsgrad": lambda: O.Adam(0.05, amsgrad=True),
    "adam_weight_decay": lambda: O.Adam(0.05, weight_decay=0.01),
    "adamw": lambda: O.AdamW(0.01, weight_decay=0.1),
    "adamw_excluding_biases": lambda: _excluding_biases(O.AdamW(0.01, weight_decay=0.1)),
    "rmsprop": lambda: O.RMSprop(0.01),
    "rmsprop_centered": lambda: O.RMSprop(0.01, centered=True),
    "rmsprop_momentum": lambda: O.RMSprop(0.01, momentum=0.5),
    "rmsprop_centered_momentum": lambda: O.RMSprop(0.01, momentum=0.5, centered=True),
    "adagrad": lambda: O.Adagrad(0.1),
    "clipnorm": lambda: O.Adam(0.05, clipnorm=0.2),
    "clipvalue": lambda: O.SGD(0.1, clipvalue=0.05),
    "global_clipnorm": lambda: O.SGD(0.1, momentum=0.5, global_clipnorm=0.3),
    "exponential_decay": lambda: O.SGD(S.ExponentialDecay(0.1, 3, 0.7)),
    "exponential_staircase": lambda: O.Adam(S.ExponentialDecay(0.1, 2, 0.5, staircase=True)),
    "inverse_time_decay": lambda: O.RMSprop(S.InverseTimeDecay(0.1, 2, 0.5)),
    "inverse_time_staircase": lambda: O.SGD(S.InverseTimeDecay(0.1, 2, 0.5, staircase=True)),
    "cosine_decay": lambda: O.Adam(S.CosineDecay(0.1, 3, alpha=0.1)),
    "cosine_warmup": lambda: O.AdamW(S.CosineDecay(0.01, 3, warmup_target=0.1, warmup_steps=2)),
}


def _batches(dtype, sizes=(8,) * STEPS):
    rng = np.random.default_rng(7)
    return [(rng.normal(size=(n, 3)).astype(dtype), rng.normal(size=(n, 2)).astype(dtype))
            for n in sizes]


def _network(dtype):
    rng = np.random.default_rng(3)
    return [tf.Variable(rng.normal(size=(3, 4)).astype(dtype), name="kernel"),
            tf.Variable(rng.normal(size=(4,)).astype(dtype) * 0.1, name="bias"),
            tf.Variable(rng.normal(size=(4, 2)).astype(dtype), name="out_kernel")]


def train(make_optimizer, compiled, dtype=np.float32, batches=None, between=None):
    """Losses, variables and optimizer state after training; and the trace count."""
    variables = _network(dtype)
    opt = make_optimizer()

    def step(x, y):
        w, b, v = variables
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((tf.tanh(x @ w + b) @ v - y) ** 2)
        grads = tape.gradient(loss, variables)
        opt.apply_gradients(zip(grads, variables))
        return loss

    run = tf.function(step) if compiled else step
    losses = []
    for k, (x, y) in enumerate(batches or _batches(dtype)):
        if between is not None:
            between(k, opt)
        losses.append(run(tf.constant(x), tf.constant(y)).numpy())
    state = [v.numpy() for v in variables] + [v.numpy() for v in opt.variables]
    return losses, state, run.trace_count if compiled else None


def assert_identical(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_a_compiled_step_gives_the_eager_numbers_bit_for_bit(name):
    want_losses, want_state, _ = train(OPTIMIZERS[name], compiled=False)
    losses, state, traces = train(OPTIMIZERS[name], compiled=True)
    assert traces == 1
    assert_identical(losses, want_losses)
    assert_identical(state, want_state)
    assert int(state[3]) == STEPS  # the step count, replayed too


@pytest.mark.parametrize("name", ["sgd_momentum", "adam_amsgrad", "rmsprop_centered_momentum",
                                  "adagrad", "global_clipnorm", "cosine_warmup"])
@pytest.mark.parametrize("dtype", [np.float64, np.float16])
def test_other_float_dtypes_too(name, dtype):
    want_losses, want_state, _ = train(OPTIMIZERS[name], compiled=False, dtype=dtype)
    losses, state, traces = train(OPTIMIZERS[name], compiled=True, dtype=dtype)
    assert traces == 1
    assert_identical(losses, want_losses)
    assert_identical(state, want_state)


def test_a_schedule_gives_each_replay_its_own_learning_rate():
    schedule = S.ExponentialDecay(0.5, decay_steps=1, decay_rate=0.5)
    opt = O.SGD(schedule)
    w = tf.Variable(0.0)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = 2.0 * w  # the gradient is 2 on every step
        opt.apply_gradients([(tape.gradient(loss, w), w)])

    moves = []
    for _ in range(4):
        before = w.numpy()
        step()
        moves.append(before - w.numpy())
    assert step.trace_count == 1
    np.testing.assert_array_equal(moves, [np.float32(2) * schedule(k).numpy() for k in range(4)])
    assert len(set(moves)) == 4


def test_a_learning_rate_set_between_calls_is_read_by_the_replay():
    def set_rate(k, opt):
        if k == 2:
            opt.learning_rate = 0.01

    want_losses, want_state, _ = train(OPTIMIZERS["adam"], False, between=set_rate)
    losses, state, traces = train(OPTIMIZERS["adam"], True, between=set_rate)
    assert traces == 1
    assert_identical(losses, want_losses)
    assert_identical(state, want_state)
    assert state[4] == np.float32(0.01)  # the learning-rate Variable


def test_a_new_input_shape_traces_again_and_continues_the_same_state():
    batches = _batches(np.float32, sizes=(8, 8, 5, 5, 8))
    want_losses, want_state, _ = train(OPTIMIZERS["adamw"], False, batches=batches)
    losses, state, traces = train(OPTIMIZERS["adamw"], True, batches=batches)
    assert traces == 2
    assert_identical(losses, want_losses)
    assert_identical(state, want_state)


def test_minimize_compiles_too():
    def run(compiled):
        w = tf.Variable([1.0, -2.0])
        opt = O.RMSprop(0.1, centered=True)
        step = (lambda: opt.minimize(lambda: tf.reduce_sum(w ** 4), [w]))
        step = tf.function(step) if compiled else step
        for _ in range(4):
            step()
        return [w.numpy()] + [v.numpy() for v in opt.variables], step

    want, _ = run(False)
    got, step = run(True)
    assert step.trace_count == 1
    assert_identical(got, want)


def test_a_missing_gradient_warns_once_while_tracing_and_the_others_train():
    w, unused = tf.Variable([1.0, 2.0]), tf.Variable(5.0, name="unused")
    opt = O.SGD(0.5)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(w * w)
        opt.apply_gradients(zip(tape.gradient(loss, [w, unused]), [w, unused]))

    with pytest.warns(UserWarning, match="unused"):
        step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step()
    np.testing.assert_array_equal(w.numpy(), [0.0, 0.0])
    assert unused.numpy() == 5.0 and int(opt.iterations) == 2


def test_a_wrong_gradient_shape_names_the_variable_while_tracing():
    w = tf.Variable([1.0, 2.0], name="weights")
    opt = O.Adam()
    step = tf.function(lambda g: opt.apply_gradients([(g, w)]))
    with pytest.raises(ValueError, match=r"'weights:0' has shape \(3,\)"):
        step(tf.constant([1.0, 2.0, 3.0]))


def test_the_replay_power_rounds_as_numpy_scalars():
    # NumPy's power ufunc and its scalar power can differ by an ulp; the bias
    # corrections beta ** t of both paths must be the scalar one
    for beta in (np.float32(0.9), np.float32(0.999)):
        for t in range(1, 400):
            t = np.float32(t)
            assert TENSORS.power(beta, tf.constant(t)).numpy() == beta ** t == ARRAYS.power(beta, t)


def test_a_gradient_read_from_a_variable_keeps_the_value_it_was_read_with():
    # the gradient of ``a`` is a read of ``b``, which weight decay changes first
    def run(compiled):
        a, b = tf.Variable([1.0, 2.0], name="a"), tf.Variable([3.0, -1.0], name="b")
        opt = O.SGD(0.1, weight_decay=0.5)

        def step():
            opt.apply_gradients([(tf.constant([1.0, 1.0]), b), (b.read_value(), a)])
            return a.read_value()
        step = tf.function(step) if compiled else step
        return [step().numpy() for _ in range(3)] + [a.numpy(), b.numpy()]

    assert_identical(run(True), run(False))


def test_a_value_read_before_an_assignment_stays_the_old_value_in_replays():
    def run(compiled):
        v, w = tf.Variable(1.0), tf.Variable(0.0)

        def step():
            old = v.read_value()
            v.assign(v * 2.0)
            w.assign(old)
            return old
        step = tf.function(step) if compiled else step
        return [step().numpy() for _ in range(3)] + [v.numpy(), w.numpy()]

    assert_identical(run(True), run(False))
