"""gradtape.function: a compiled call gives exactly what the eager call gives.

Every op of the op-spec table is traced once (value, first and second order
reverse mode, forward mode) and replayed on other inputs against an eager run;
the rest checks what a trace keeps fixed, what it checks again on each call,
and what it refuses.
"""
import warnings

import numpy as np
import pytest

import gradtape as tf
from gradtape import compiled
from gradtape._core import nest
from gradtape.indexed_slices import densified
from tests.opspec import cases


def _derivatives(spec, params, seed):
    """value, gradients, a Hessian-vector product and a JVP of one op."""
    def f(*xs):
        rng = np.random.default_rng(seed)
        with tf.GradientTape() as outer:
            outer.watch(xs)
            with tf.GradientTape() as inner:
                inner.watch(xs)
                y = nest.flatten(spec.fn(*xs, *params))[0]
                w = tf.constant(rng.standard_normal(y.shape))
                loss = tf.reduce_sum(y * w)
            grads = densified(inner.gradient(loss, xs, unconnected_gradients="zero"))
            vs = [tf.constant(rng.standard_normal(x.shape)) for x in xs]
            gv = tf.add_n([tf.reduce_sum(g * v) for g, v in zip(grads, vs)])
        hvp = densified(outer.gradient(gv, xs)) if spec.order >= 2 else [None] * len(xs)
        with tf.autodiff.ForwardAccumulator(xs, vs) as acc:
            y2 = nest.flatten(spec.fn(*xs, *params))[0]
        return [y] + list(grads) + list(hvp) + [acc.jvp(y2, unconnected_gradients="zero")]
    return f


@pytest.mark.parametrize("spec,sample", cases())
def test_replay_equals_eager_for_every_op(spec, sample):
    arrays, params = sample.arrays, sample.params
    f = _derivatives(spec, params, seed=len(arrays))
    fast = tf.function(f)
    fast(*[tf.constant(a) for a in arrays])  # traced on the sample
    # other inputs of the same shapes, close enough to stay in each op's domain
    moved = [tf.constant(a * (1 + 0.01 * np.cos(np.arange(a.size)).reshape(a.shape)))
             for a in arrays]
    got, want = fast(*moved), f(*moved)
    assert fast.trace_count == 1  # replayed, not traced again
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if w is None:
            assert g is None
        else:
            np.testing.assert_array_equal(g.numpy(), w.numpy())


def _mlp_problem(batch=5, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, 4)).astype(np.float32)
    labels = rng.integers(0, 3, batch).astype(np.int32)
    return x, labels


def _mlp_step(variables):
    w1, b1, w2, b2 = variables

    def step(x, labels):
        with tf.GradientTape() as tape:
            h = tf.nn.relu(tf.matmul(x, w1) + b1)
            logits = tf.matmul(h, w2) + b2
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=labels, logits=logits))
        return loss, tape.gradient(loss, variables)
    return step


def _mlp_variables(seed=1):
    rng = np.random.default_rng(seed)
    return [tf.Variable(rng.standard_normal(s).astype(np.float32)) for s in ((4, 8), (8,), (8, 3), (3,))]


def _assert_same(got, want):
    for g, w in zip(nest.flatten(got), nest.flatten(want)):
        np.testing.assert_array_equal(np.asarray(g), np.asarray(w))


def test_training_loop_replays_with_new_batches_and_updated_variables():
    variables = _mlp_variables()
    step = _mlp_step(variables)
    fast = tf.function(step)
    opt = tf.optimizers.SGD(0.1)
    for i in range(4):
        x, labels = _mlp_problem(seed=i)
        loss, grads = fast(x, labels)
        want_loss, want_grads = step(tf.constant(x), tf.constant(labels))
        _assert_same([loss] + list(grads), [want_loss] + list(want_grads))
        opt.apply_gradients(zip(grads, variables))
    # new labels pass the same range check: no retrace
    assert fast.trace_count == 1


def test_a_label_out_of_range_on_a_replay_is_gradtapes_error():
    variables = _mlp_variables()
    fast = tf.function(_mlp_step(variables))
    x, labels = _mlp_problem()
    fast(x, labels)
    labels[0] = 7
    with pytest.raises(tf.errors.InvalidArgumentError, match="label value of 7"):
        fast(x, labels)


def test_a_new_shape_or_python_value_traces_again():
    fast = tf.function(lambda x, k: tf.reduce_sum(x * k))
    assert float(fast(tf.ones(3), 2.0)) == 6.0
    assert float(fast(tf.ones(3) * 2.0, 2.0)) == 12.0
    assert fast.trace_count == 1
    assert float(fast(tf.ones(4), 2.0)) == 8.0
    assert float(fast(tf.ones(4), 3.0)) == 12.0
    assert fast.trace_count == 3


def test_a_python_condition_on_a_tensor_is_checked_on_every_call():
    @tf.function
    def f(x):
        if tf.reduce_sum(x) > 0:
            return x * 2.0
        return x * -3.0
    assert f(tf.constant([1.0])).numpy().tolist() == [2.0]
    assert f(tf.constant([-1.0])).numpy().tolist() == [3.0]
    assert f(tf.constant([4.0])).numpy().tolist() == [8.0]
    assert f(tf.constant([-2.0])).numpy().tolist() == [6.0]
    assert f.trace_count == 2  # each branch traced once, both kept


def test_a_tensor_used_as_a_python_index_is_checked_on_every_call():
    table = [10.0, 20.0, 30.0]
    fast = tf.function(lambda i, x: x * table[i])
    assert float(fast(tf.constant(1), tf.constant(1.0))) == 20.0
    assert float(fast(tf.constant(2), tf.constant(1.0))) == 30.0
    assert fast.trace_count == 2


def test_a_tensor_index_read_by_a_rule_is_checked_on_every_call():
    fast = tf.function(lambda x, i: tf.gather(x, i) * 1.0)
    x = tf.constant([10.0, 20.0, 30.0])
    assert fast(x, tf.constant([0, 2])).numpy().tolist() == [10.0, 30.0]
    assert fast(x, tf.constant([1, 1])).numpy().tolist() == [20.0, 20.0]
    assert fast(x, tf.constant([1, 1])).numpy().tolist() == [20.0, 20.0]
    assert fast.trace_count == 2


def test_prod_gradient_with_and_without_zeros():
    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_prod(x)
        return tape.gradient(y, x)
    fast = tf.function(grad)
    for values in ([1.0, 2.0, 3.0], [0.0, 2.0, 3.0], [2.0, 2.0, 5.0]):
        x = tf.constant(values)
        np.testing.assert_array_equal(fast(x).numpy(), grad(x).numpy())


def test_variables_are_read_on_every_call_and_structure_is_kept():
    v = tf.Variable([1.0, 2.0])

    @tf.function
    def f(scale):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(v * v) * scale
        return {"y": y, "grads": (tape.gradient(y, v), None), "tag": "step"}
    out = f(tf.constant(2.0))
    v.assign([3.0, 4.0])
    out = f(tf.constant(2.0))
    assert float(out["y"]) == 50.0
    assert out["grads"][0].numpy().tolist() == [12.0, 16.0]
    assert out["grads"][1] is None and out["tag"] == "step"
    assert f.trace_count == 1


def test_jacobian_custom_gradient_and_recompute_inside():
    @tf.custom_gradient
    def clipped(x):
        return tf.identity(x), lambda up: tf.clip_by_value(up, -0.5, 0.5)

    block = tf.recompute_grad(lambda x: tf.tanh(x) * 2.0)

    def f(x):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = block(clipped(x * 3.0))
            s = tf.reduce_sum(y)
        return [tape.jacobian(y, x), tape.gradient(s, x)]
    fast = tf.function(f)
    fast(tf.constant([0.1, 0.2]))
    x = tf.constant([0.3, -0.4])
    _assert_same([t.numpy() for t in fast(x)], [t.numpy() for t in f(x)])
    assert fast.trace_count == 1


@pytest.mark.parametrize("body, what", [
    (lambda x: x.numpy(), r"\.numpy\(\)"),
    (lambda x: float(tf.reduce_sum(x)), r"float\(\)"),
    (lambda x: np.asarray(x), "np.asarray"),
])
def test_what_a_replay_cannot_repeat_is_refused(body, what):
    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError, match=what):
        tf.function(body)(tf.constant([1.0, 2.0]))


def test_random_draws_are_replayed_as_draws():
    @tf.function
    def noisy(x):
        return x + tf.random.normal((3,)), tf.nn.dropout(x, 0.5, seed=7)
    x = tf.ones(3)
    tf.random.set_seed(5)
    first, mask1 = noisy(x)
    second, mask2 = noisy(x)
    assert noisy.trace_count == 1
    assert not np.array_equal(first.numpy(), second.numpy())  # a new draw on each call
    tf.random.set_seed(5)
    eager_first = x + tf.random.normal((3,))
    np.testing.assert_array_equal(first.numpy(), eager_first.numpy())
    # an op seed's sequence of masks, restarted by set_seed, as eagerly
    np.testing.assert_array_equal(mask1.numpy(), tf.nn.dropout(x, 0.5, seed=7).numpy())
    np.testing.assert_array_equal(mask2.numpy(), tf.nn.dropout(x, 0.5, seed=7).numpy())


def test_a_dropout_layer_draws_a_new_mask_on_every_call():
    layer = tf.layers.Dropout(0.5, seed=3)
    eager_layer = tf.layers.Dropout(0.5, seed=3)
    fast = tf.function(lambda x: layer(x, training=True))
    x = tf.ones((4, 6))
    masks = [fast(x).numpy() for _ in range(3)]
    for m in masks:
        np.testing.assert_array_equal(m, eager_layer(x, training=True).numpy())
    assert not np.array_equal(masks[0], masks[1])


def test_reading_a_constant_on_the_host_is_fine():
    c = tf.constant([1.0, 2.0])
    fast = tf.function(lambda x: x * float(c.numpy().sum()))
    fast(tf.constant(1.0))
    assert float(fast(tf.constant(2.0))) == 6.0


def test_under_an_active_tape_the_function_runs_so_gradients_flow():
    fast = tf.function(lambda x: tf.sin(x) * x)
    x = tf.constant(0.5)
    fast(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fast(x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), np.cos(0.5) * 0.5 + np.sin(0.5), rtol=1e-6)


def test_ops_whose_results_are_unused_are_not_replayed():
    fast = tf.function(lambda x: [tf.exp(x), tf.sin(x)][0])
    fast(tf.constant(1.0))
    program = next(iter(fast._programs.values()))
    calls = [n for n in program.run.__code__.co_names if n[0] == "f" and n[1:].isdigit()]
    assert len(calls) == 1


def test_a_method_compiles_per_instance():
    class Scale(tf.Module):
        def __init__(self, k):
            super().__init__()
            self.k = tf.Variable(k)

        @tf.function
        def __call__(self, x):
            return x * self.k
    a, b = Scale(2.0), Scale(3.0)
    assert float(a(tf.constant(1.0))) == 2.0
    assert float(b(tf.constant(1.0))) == 3.0
    assert float(a(tf.constant(2.0))) == 4.0


def test_a_value_read_to_decide_that_keeps_changing_warns_as_tensorflow_does():
    """5 traces within the last 10 calls warn (TensorFlow's rule), at most twice."""
    table = [float(k) for k in range(20)]

    @tf.function
    def f(i, x):
        return x * table[i]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i in range(12):
            f(tf.constant(i), tf.constant(1.0))
    messages = [str(w.message) for w in caught if "retracing" in str(w.message)]
    assert len(messages) == 2
    assert messages[0].startswith("5 out of the last 5 calls to f triggered")


def test_an_unhashable_python_argument_is_a_clear_error():
    with pytest.raises(TypeError, match="hashable"):
        tf.function(lambda x, opts: x)(tf.constant(1.0), {1, 2})


@pytest.mark.other_namespace
def test_arrays_of_another_namespace_run_the_function_itself():
    xp = pytest.importorskip("array_api_strict")
    fast = tf.function(lambda x: tf.reduce_sum(x * x))
    for values in ([1.0, 2.0], [3.0, 4.0]):
        got = fast(tf.constant(xp.asarray(values)))
        assert got.backend is xp
        assert float(got.numpy()) == sum(v * v for v in values)


def test_a_constant_result_is_a_fresh_array_on_every_call():
    fast = tf.function(lambda x: [x * 2.0, tf.zeros(2)])
    fast(tf.constant(1.0))
    first = fast(tf.constant(1.0))[1].numpy()
    first += 5.0
    assert fast(tf.constant(1.0))[1].numpy().tolist() == [0.0, 0.0]


def test_inside_check_numerics_the_function_runs_and_is_checked():
    fast = tf.function(lambda x: tf.math.log(x))
    fast(tf.constant(1.0))
    with tf.debugging.check_numerics():
        with tf.GradientTape() as tape:
            x = tf.constant(0.0)
            tape.watch(x)
            y = fast(x)
        with pytest.raises(tf.errors.InvalidArgumentError):
            tape.gradient(y, x)


def test_the_demo_training_loop_gives_the_same_history_compiled():
    from gradtape import demo
    eager_model, eager = demo.train(epochs=2, hidden=16, compiled=False)
    fast_model, fast = demo.train(epochs=2, hidden=16, compiled=True)
    assert fast == eager  # dropout masks, AdamW, label smoothing: bit for bit
    for a, b in zip(eager_model.trainable_variables, fast_model.trainable_variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_assignments_of_tensors_are_replayed_in_order():
    w = tf.Variable([1.0, 2.0])
    steps = tf.Variable(0.0)

    def eager_step(x, lr):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum((w * x) ** 2)
        w.assign_sub(lr * tape.gradient(loss, w))
        steps.assign_add(1.0)
        before = w * 1.0
        w.assign(w * 0.5)
        return loss, before
    sgd_step = tf.function(eager_step)

    got = [sgd_step(tf.constant([1.0, -1.0]) * k, 0.1) for k in (1.0, 2.0, 3.0)]
    got_w, got_steps = w.numpy().copy(), float(steps.numpy())
    w.assign([1.0, 2.0])
    steps.assign(0.0)
    want = [eager_step(tf.constant([1.0, -1.0]) * k, 0.1) for k in (1.0, 2.0, 3.0)]
    assert sgd_step.trace_count == 1
    _assert_same([[a.numpy() for a in g] for g in got], [[a.numpy() for a in g] for g in want])
    np.testing.assert_array_equal(got_w, w.numpy())
    assert got_steps == float(steps.numpy()) == 3.0


def test_assigning_a_numpy_array_inside_is_refused():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError, match="NumPy array"):
        tf.function(lambda: v.assign(np.ones(2, np.float32)))()


def test_an_mlp_step_replays_just_its_17_array_operations():
    """A regression guard (no timing): the forward pass, the backward sweep's
    rules and nothing else; the mean's constant gradient is folded at trace time."""
    fast = tf.function(_mlp_step(_mlp_variables()))
    fast(*_mlp_problem())
    source = fast.replay_source()
    ops = [line.rsplit("# ", 1)[1] for line in source.splitlines() if "# " in line]
    assert ops.count("matmul") == 5  # two forward, three backward (no gradient for x)
    assert "unreduce" not in ops
    assert len(ops) == 17


def test_keyword_names_and_containers_are_part_of_the_signature():
    fast = tf.function(lambda a=None, b=None: a * 2.0 if a is not None else b * 3.0)
    one = tf.constant(1.0)
    assert float(fast(a=one)) == 2.0
    assert float(fast(b=one)) == 3.0
    pick = tf.function(lambda xs: xs[0] if isinstance(xs, list) else xs[1])
    assert float(pick([one, one * 5.0])) == 1.0
    assert float(pick((one, one * 5.0))) == 5.0


def test_any_callable_compiles_and_tensorflow_options_are_accepted():
    import functools
    scale = tf.function(functools.partial(tf.multiply, 3.0), jit_compile=True)
    assert float(scale(tf.constant(2.0))) == 6.0
    assert float(scale(tf.constant(4.0))) == 12.0

    @tf.function(input_signature=None, reduce_retracing=True, autograph=False)
    def double(x):
        return x * 2.0
    assert float(double(tf.constant(1.5))) == 3.0


def test_jit_of_the_functional_transforms_equals_them():
    f = lambda x: tf.reduce_sum(tf.sin(x) ** 3 * x)  # noqa: E731
    for transform in (tf.grad, tf.hessian, tf.jacfwd, tf.jacrev):
        fast = tf.jit(transform(f))
        fast(tf.constant([0.5, 1.0, -0.3]))
        x = tf.constant([0.2, -0.7, 1.1])
        np.testing.assert_array_equal(fast(x).numpy(), transform(f)(x).numpy())
        assert fast.trace_count == 1
