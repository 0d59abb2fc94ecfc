"""Optimizers against Keras 3's update formulas, written out here in NumPy.

Each rule runs 3 steps on a 2-variable problem with fixed gradients; the
reference recomputes every step in float64 from the formulas.
"""
import warnings

import numpy as np
import pytest

import gradtape as tf

W0 = np.array([[0.5, -1.0], [2.0, 0.25]], np.float32)
B0 = np.array([0.1, -0.3], np.float32)
GRADS = [
    (np.array([[0.2, -0.4], [1.0, 0.05]], np.float32), np.array([0.3, -0.1], np.float32)),
    (np.array([[-0.5, 0.1], [0.3, 0.6]], np.float32), np.array([-0.2, 0.4], np.float32)),
    (np.array([[0.05, 0.9], [-0.7, -0.2]], np.float32), np.array([0.0, 0.25], np.float32)),
]


def run(opt, steps=3):
    w, b = tf.Variable(W0, name="w"), tf.Variable(B0, name="b")
    for gw, gb in GRADS[:steps]:
        opt.apply_gradients(zip([tf.constant(gw), tf.constant(gb)], [w, b]))
    return w.numpy(), b.numpy()


def reference(step_fn, lr_at=lambda k: None, decay=None, clip=None):
    """Apply ``step_fn(k, g, w, state, lr)`` to both variables for 3 steps in float64."""
    params = [W0.astype(np.float64), B0.astype(np.float64)]
    states = [{}, {}]
    for k, grads in enumerate(GRADS):
        grads = [g.astype(np.float64) for g in grads]
        if clip is not None:
            grads = clip(grads)
        lr = lr_at(k)
        for i, g in enumerate(grads):
            if decay is not None:
                params[i] = params[i] - params[i] * decay * lr
            params[i] = step_fn(k, g, params[i], states[i], lr)
    return params


def check(opt, expected):
    got = run(opt)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=2e-5, atol=1e-6)
    assert int(opt.iterations) == 3


def test_sgd_plain():
    def step(k, g, w, s, lr):
        return w - lr * g
    check(tf.optimizers.SGD(0.1), reference(step, lambda k: 0.1))


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum(nesterov):
    def step(k, g, w, s, lr):
        m = 0.9 * s.get("m", 0.0) - lr * g
        s["m"] = m
        return w + (0.9 * m - lr * g if nesterov else m)
    check(tf.optimizers.SGD(0.1, momentum=0.9, nesterov=nesterov), reference(step, lambda k: 0.1))


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam(amsgrad):
    b1, b2, eps, lr = 0.8, 0.95, 1e-3, 0.05

    def step(k, g, w, s, lr):
        t = k + 1
        s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - b1)
        s["v"] = s.get("v", 0.0) + (g * g - s.get("v", 0.0)) * (1 - b2)
        v = s["v"]
        if amsgrad:
            s["vhat"] = np.maximum(s.get("vhat", 0.0), s["v"])
            v = s["vhat"]
        alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        return w - s["m"] * alpha / (np.sqrt(v) + eps)
    opt = tf.optimizers.Adam(lr, beta_1=b1, beta_2=b2, epsilon=eps, amsgrad=amsgrad)
    check(opt, reference(step, lambda k: lr))


def test_adamw_decays_before_the_adam_step():
    b1, b2, eps, lr, wd = 0.9, 0.999, 1e-7, 0.01, 0.1

    def step(k, g, w, s, lr):
        t = k + 1
        s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - b1)
        s["v"] = s.get("v", 0.0) + (g * g - s.get("v", 0.0)) * (1 - b2)
        return w - s["m"] * lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) / (np.sqrt(s["v"]) + eps)
    check(tf.optimizers.AdamW(lr, weight_decay=wd), reference(step, lambda k: lr, decay=wd))


@pytest.mark.parametrize("momentum,centered", [(0.0, False), (0.5, True)])
def test_rmsprop(momentum, centered):
    rho, eps, lr = 0.8, 1e-3, 0.01

    def step(k, g, w, s, lr):
        s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g * g
        denom = s["v"] + eps
        if centered:
            s["a"] = rho * s.get("a", 0.0) + (1 - rho) * g
            denom = s["v"] - s["a"] ** 2 + eps
        inc = lr * g / np.sqrt(denom)
        if momentum:
            s["m"] = momentum * s.get("m", 0.0) + inc
            return w - s["m"]
        return w - inc
    opt = tf.optimizers.RMSprop(lr, rho=rho, momentum=momentum, epsilon=eps, centered=centered)
    check(opt, reference(step, lambda k: lr))


def test_adagrad():
    lr, init, eps = 0.1, 0.2, 1e-4

    def step(k, g, w, s, lr):
        s["acc"] = s.get("acc", init) + g * g
        return w - lr * g / np.sqrt(s["acc"] + eps)
    opt = tf.optimizers.Adagrad(lr, initial_accumulator_value=init, epsilon=eps)
    check(opt, reference(step, lambda k: lr))


def _sgd(k, g, w, s, lr):
    return w - lr * g


def test_clipnorm_clips_each_gradient():
    def clip(grads):
        return [g * 0.5 / max(np.linalg.norm(g), 0.5) for g in grads]
    check(tf.optimizers.SGD(0.1, clipnorm=0.5), reference(_sgd, lambda k: 0.1, clip=clip))


def test_global_clipnorm_scales_all_gradients_together():
    def clip(grads):
        norm = np.sqrt(sum(np.sum(g * g) for g in grads))
        return [g * 0.5 / max(norm, 0.5) for g in grads]
    check(tf.optimizers.SGD(0.1, global_clipnorm=0.5), reference(_sgd, lambda k: 0.1, clip=clip))


def test_clipvalue():
    check(tf.optimizers.SGD(0.1, clipvalue=0.3),
          reference(_sgd, lambda k: 0.1, clip=lambda gs: [np.clip(g, -0.3, 0.3) for g in gs]))


def test_exponential_decay_schedule_is_read_before_each_step():
    sched = tf.optimizers.schedules.ExponentialDecay(0.2, decay_steps=2, decay_rate=0.5)
    check(tf.optimizers.SGD(sched), reference(_sgd, lambda k: 0.2 * 0.5 ** (k / 2)))


def test_staircase_and_cosine_schedules():
    stair = tf.optimizers.schedules.ExponentialDecay(0.2, 2, 0.5, staircase=True)
    assert [round(float(stair(k)), 6) for k in range(5)] == [0.2, 0.2, 0.1, 0.1, 0.05]
    cos = tf.optimizers.schedules.CosineDecay(0.1, decay_steps=4, alpha=0.2)
    want = [0.1 * ((1 - 0.2) * 0.5 * (1 + np.cos(np.pi * min(k, 4) / 4)) + 0.2) for k in range(6)]
    np.testing.assert_allclose([float(cos(k)) for k in range(6)], want, rtol=1e-6)
    warm = tf.optimizers.schedules.CosineDecay(0.0, decay_steps=4, warmup_target=0.1, warmup_steps=2)
    got = [float(warm(k)) for k in range(8)]
    want = [0.0, 0.05] + [0.1 * 0.5 * (1 + np.cos(np.pi * min(k - 2, 4) / 4)) for k in range(2, 8)]
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    check(tf.optimizers.SGD(cos), reference(_sgd, lambda k: float(cos(k))))


def test_none_gradient_skips_its_variable_with_a_warning_naming_it():
    w, b = tf.Variable(1.0, name="used"), tf.Variable(2.0, name="unused")
    opt = tf.optimizers.SGD(0.5)
    with pytest.warns(UserWarning, match="unused:0"):
        opt.apply_gradients([(tf.constant(1.0), w), (None, b)])
    assert w.numpy() == 0.5 and b.numpy() == 2.0


def test_all_none_gradients_is_an_error():
    with pytest.raises(ValueError, match="No gradients provided"):
        tf.optimizers.Adam().apply_gradients([(None, tf.Variable(1.0))])


def test_shape_mismatch_names_both_shapes():
    v = tf.Variable(np.zeros((2, 3), np.float32), name="kernel")
    with pytest.raises(ValueError, match=r"'kernel:0'.*\(3, 2\).*\(2, 3\)"):
        tf.optimizers.SGD().apply_gradients([(tf.zeros((3, 2)), v)])
    assert v.numpy().sum() == 0


def test_mismatch_leaves_every_variable_unchanged():
    a, b = tf.Variable([1.0]), tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError):
        tf.optimizers.SGD(1.0).apply_gradients([(tf.constant([1.0]), a), (tf.constant([1.0]), b)])
    assert a.numpy().tolist() == [1.0]


def test_only_variables_can_be_updated():
    with pytest.raises(TypeError, match="not a Variable"):
        tf.optimizers.SGD().apply_gradients([(tf.constant(1.0), tf.constant(2.0))])


def test_unknown_variable_after_build_is_an_error():
    opt = tf.optimizers.Adam()
    opt.apply_gradients([(tf.constant(1.0), tf.Variable(1.0))])
    with pytest.raises(ValueError, match="unknown variable 'stranger:0'"):
        opt.apply_gradients([(tf.constant(1.0), tf.Variable(1.0, name="stranger"))])


def test_variables_hold_the_whole_state():
    opt = tf.optimizers.Adam(0.1)
    w = tf.Variable([1.0, 2.0], name="w")
    opt.apply_gradients([(tf.constant([1.0, 1.0]), w)])
    names = [v.name.split("/", 1)[1] for v in opt.variables]
    assert names == ["iteration:0", "learning_rate:0", "w_momentum:0", "w_velocity:0"]
    np.testing.assert_allclose(opt.variables[2].numpy(), [0.1, 0.1], rtol=1e-6)
    assert all(not v.trainable for v in opt.variables)


def test_learning_rate_setter_and_schedule_guard():
    opt = tf.optimizers.SGD(0.1)
    opt.learning_rate = 0.5
    assert float(opt.learning_rate) == 0.5
    sched = tf.optimizers.SGD(tf.optimizers.schedules.ExponentialDecay(0.1, 1, 0.5))
    with pytest.raises(TypeError, match="schedule"):
        sched.learning_rate = 0.3


def test_updates_are_not_recorded_on_an_active_tape():
    w = tf.Variable(2.0)
    opt = tf.optimizers.SGD(0.5)
    with tf.GradientTape(persistent=True) as tape:
        y = w * w
        opt.apply_gradients([(tf.constant(1.0), w)])
        z = w * 3.0
    assert float(tape.gradient(y, w)) == 4.0      # the value read before the update
    assert float(tape.gradient(z, w)) == 3.0
    assert float(w.numpy()) == 1.5


def test_minimize_with_callable_loss():
    w = tf.Variable([1.0, -2.0])
    opt = tf.optimizers.SGD(0.25)
    opt.minimize(lambda: tf.reduce_sum(w * w), [w])
    np.testing.assert_allclose(w.numpy(), [0.5, -1.0])


def test_bad_hyperparameters_are_clear_errors():
    with pytest.raises(ValueError, match="momentum"):
        tf.optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="only one of"):
        tf.optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(TypeError, match="learning_rate"):
        tf.optimizers.Adam(learning_rate="fast")
    with pytest.raises(ValueError, match="weight_decay"):
        tf.optimizers.AdamW(weight_decay=None)


def test_exclude_from_weight_decay():
    opt = tf.optimizers.AdamW(0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    kernel, bias = tf.Variable(1.0, name="kernel"), tf.Variable(1.0, name="bias")
    opt.apply_gradients([(tf.constant(0.0), kernel), (tf.constant(0.0), bias)])
    assert bias.numpy() == 1.0
    np.testing.assert_allclose(kernel.numpy(), 1.0 - 1.0 * 0.5 * 0.1, rtol=1e-6)


def test_float64_variables_stay_float64():
    w = tf.Variable(np.array([1.0, 2.0]))
    tf.optimizers.Adam(0.1).apply_gradients([(tf.constant(np.array([1.0, 1.0])), w)])
    assert w.dtype == tf.float64
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tf.optimizers.RMSprop(0.1).apply_gradients([(tf.constant(np.array([1.0, 1.0])), w)])
