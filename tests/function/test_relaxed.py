"""Relaxed sizes (``input_signature`` with ``None``, ``reduce_retracing``): one
trace replayed for every size, and never a program that holds a size fixed
replayed at another.  TensorFlow 2.21's numbers and printouts are quoted."""
import numpy as np
import pytest

import gradtape as tf

RNG = np.random.default_rng(7)


def _batch(n, width=3):
    return tf.constant(RNG.standard_normal((n, width)).astype(np.float32))


def _same(a, b):
    fa, fb = tf.nest.flatten(a), tf.nest.flatten(b)
    assert len(fa) == len(fb)
    for p, q in zip(fa, fb):
        assert (p is None) == (q is None)
        if p is None:
            continue
        assert np.shape(p) == np.shape(q)
        np.testing.assert_allclose(np.asarray(p), np.asarray(q), rtol=1e-5, atol=1e-6)


def test_a_signature_with_none_prints_once_and_shows_none(capsys):
    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def f(x):
        print("tracing", x.shape)
        return tf.reduce_sum(x * 2., axis=1)

    for n in (2, 5, 1, 2, 7):
        np.testing.assert_array_equal(f(tf.ones([n, 3])).numpy(), np.full(n, 6.0, np.float32))
    # TensorFlow prints "tracing (None, 3)" once and counts 1
    assert capsys.readouterr().out == "tracing (None, 3)\n"
    assert f.experimental_get_tracing_count() == 1
    assert f.trace_count == 1


def test_a_first_call_of_size_one_is_traced_for_its_shape_only(capsys):
    # a size of 1 cannot be told from a broadcast or a constant 1: the next size
    # traces again (TensorFlow prints once; its count, 1, is kept)
    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def f(x):
        print("tracing", x.shape)
        return tf.reduce_sum(x * 2., axis=1)

    f(tf.ones([1, 3]))
    assert "size 1" in f.relaxed_fallback
    for n in (2, 5, 2):
        f(tf.ones([n, 3]))
    assert capsys.readouterr().out == "tracing (None, 3)\n" * 2
    assert f.experimental_get_tracing_count() == 1
    assert f.relaxed_fallback is None


def test_reduce_retracing_traces_a_second_time_and_never_again(capsys):
    @tf.function(reduce_retracing=True)
    def g(x):
        print("g", x.shape)
        return x * 2

    for n in (1, 2, 5, 7):
        np.testing.assert_array_equal(g(tf.ones([n])).numpy(), np.full(n, 2.0, np.float32))
    # TensorFlow: "g (1,)", "g (None,)", a count of 2
    assert capsys.readouterr().out == "g (1,)\ng (None,)\n"
    assert g.experimental_get_tracing_count() == 2
    assert g.trace_count == 2


def test_shapes_of_computed_values_show_none_where_the_size_varies():
    w = tf.Variable(tf.ones((3, 2)))
    seen = []

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def f(x):
        h = x @ w
        seen.append((x.shape.as_list(), h.shape.as_list(), tf.reduce_sum(h, 0).shape.as_list(),
                     x.shape[0], x.get_shape()[1]))
        return h

    f(_batch(4))
    f(_batch(6))
    assert seen == [([None, 3], [None, 2], [2], None, 3)]


def test_tf_shape_is_the_size_of_each_call():
    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def mean_row_sum(x):
        return tf.reduce_sum(x) / tf.cast(tf.shape(x)[0], tf.float32)

    # TensorFlow: 3.0 for ones of 4 rows and of 2 rows
    assert float(mean_row_sum(tf.ones([4, 3]))) == 3.0
    assert float(mean_row_sum(tf.ones([2, 3]))) == 3.0
    for n in (5, 9):
        x = _batch(n)
        np.testing.assert_allclose(float(mean_row_sum(x)), float(tf.reduce_sum(x)) / n, rtol=1e-6)
    assert mean_row_sum.trace_count == 1
    assert "shape" in mean_row_sum.replay_source()


W = tf.Variable(RNG.standard_normal((3, 2)).astype(np.float32))
BIAS = tf.constant([1.0, 2.0, 3.0])


def _with_gradients(loss):
    def step(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = loss(x)
        return y, tape.gradient(y, [x, W])
    return step


GENERIC = {  # replayed for every size
    "mean over the batch": lambda x: tf.reduce_mean(tf.reduce_sum(x @ W, axis=1)),
    "mean of everything": lambda x: tf.reduce_mean(x * BIAS),
    "centred": lambda x: tf.reduce_sum((x - tf.reduce_mean(x, axis=0)) ** 2 @ W),
    "broadcast against the batch": lambda x: tf.reduce_sum((x[:, :1] + BIAS) * x @ W),
    "concat along features": lambda x: tf.reduce_sum(tf.concat([x, 2 * x], axis=1)),
    "last row": lambda x: tf.reduce_sum(x[-1] * BIAS),
    "shifted rows": lambda x: tf.reduce_sum(x[1:] * x[:-1]),
    "flattened": lambda x: tf.reduce_sum(tf.reshape(x, [-1]) ** 2),
    "softmax over the batch": lambda x: tf.reduce_sum(tf.nn.softmax(x @ W, axis=0)[0]),
    "gram": lambda x: tf.reduce_sum(tf.transpose(x) @ x),
    "moments": lambda x: tf.reduce_sum(tf.nn.moments(x, axes=[0])[1]),
    "cumsum": lambda x: tf.reduce_sum(tf.cumsum(x, axis=0) * x),
    "padded": lambda x: tf.reduce_sum(tf.pad(x, [[1, 0], [0, 0]]) @ W),
    "tiled": lambda x: tf.reduce_sum(tf.tile(x, [2, 1]) @ W),
    "per-row target times a weight": lambda x: tf.reduce_sum(x @ W, axis=1) * W[0, 0],
    "per-row target": lambda x: tf.reduce_sum(x ** 2, axis=1),
}

SIZE_SPECIFIC = {  # correct at every size, whether replayed or traced again
    "concat along the batch": lambda x: tf.reduce_sum(tf.concat([x, 2 * x], axis=0) @ W),
    "len() loop": lambda x: sum(x[i] for i in range(len(x))),
    "rows iterated": lambda x: sum(r * r for r in x),
    "unstacked": lambda x: tf.reduce_sum(tf.stack(tf.unstack(x)[:2])),
    "ones_like": lambda x: tf.reduce_sum(x * tf.ones_like(x)),
    "zeros of tf.shape": lambda x: tf.reduce_sum(x + tf.zeros(tf.shape(x))),
    "range of tf.shape": lambda x: tf.reduce_sum(
        tf.cast(tf.range(tf.shape(x)[0]), tf.float32) * x[:, 0]),
    "boolean mask": lambda x: tf.reduce_sum(tf.boolean_mask(x, x[:, 0] > 0)),
    "gather of fixed rows": lambda x: tf.reduce_sum(tf.gather(x, [0, 0, 1]) * 1.0),
}


@pytest.mark.parametrize("name", sorted(GENERIC))
def test_one_trace_gives_the_eager_values_and_gradients_at_every_size(name):
    step = _with_gradients(GENERIC[name])
    compiled = tf.function(step, input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    for n in (4, 7, 2, 5, 4, 9):
        x = _batch(n)
        got, want = compiled(x), step(x)
        _same([got[0], tf.convert_to_tensor(got[1][0]), got[1][1]],
              [want[0], tf.convert_to_tensor(want[1][0]), want[1][1]])
    assert compiled.trace_count == 1, compiled.relaxed_fallback
    assert compiled.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("name", sorted(SIZE_SPECIFIC))
def test_a_program_that_holds_a_size_is_never_replayed_at_another(name):
    step = _with_gradients(SIZE_SPECIFIC[name])
    compiled = tf.function(step, input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    for n in (4, 7, 2, 5, 4, 9):
        x = _batch(n)
        got, want = compiled(x), step(x)
        _same([got[0], tf.convert_to_tensor(got[1][0]), got[1][1]],
              [want[0], tf.convert_to_tensor(want[1][0]), want[1][1]])
    assert compiled.experimental_get_tracing_count() == 1


def test_sizes_chosen_from_the_trace_are_not_kept():
    # x.shape[0] is None while tracing, as in TensorFlow: code that needs an int
    # raises there and the function is traced per shape, never replayed wrongly
    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    def rows(x):
        return tf.stack([x[i] for i in range(x.shape[0] or len(x))])

    for n in (3, 5, 2):
        x = _batch(n, 2)
        np.testing.assert_array_equal(rows(x).numpy(), x.numpy())
    assert rows.relaxed_fallback is not None


def test_a_reshape_chosen_for_one_size_is_traced_again_for_another():
    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def halves(x):
        return tf.reduce_sum(tf.reshape(x, [2, -1]), axis=1)

    for n in (4, 6, 2):
        x = _batch(n)
        _same(halves(x), tf.reduce_sum(tf.reshape(x, [2, -1]), axis=1))
    with pytest.raises(tf.errors.InvalidArgumentError):
        halves(_batch(5))  # 15 values do not split in 2 rows, eagerly either


def test_a_train_step_with_a_last_partial_batch_matches_the_eager_loop():
    def make():
        rng = np.random.default_rng(3)
        w1 = tf.Variable(rng.standard_normal((4, 8)).astype(np.float32) * 0.3)
        b1 = tf.Variable(tf.zeros(8))
        w2 = tf.Variable(rng.standard_normal((8, 3)).astype(np.float32) * 0.3)
        opt = tf.optimizers.Adam(0.01)
        params = [w1, b1, w2]

        def step(x, labels):
            with tf.GradientTape() as tape:
                h = tf.nn.relu(x @ w1 + b1)
                loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                    labels=labels, logits=h @ w2))
            opt.apply_gradients(zip(tape.gradient(loss, params), params))
            return loss
        return step, params, opt

    data = np.random.default_rng(4)
    x_all = data.standard_normal((29, 4)).astype(np.float32)
    y_all = data.integers(0, 3, 29).astype(np.int32)
    batches = [(x_all[i:i + 8], y_all[i:i + 8]) for i in range(0, 29, 8)] * 2  # 8, 8, 8, 5

    eager, eager_params, _ = make()
    step, params, opt = make()
    compiled = tf.function(step, input_signature=[tf.TensorSpec([None, 4], tf.float32),
                                                  tf.TensorSpec([None], tf.int32)])
    for x, y in batches:
        np.testing.assert_allclose(float(compiled(x, y)), float(eager(x, y)), rtol=1e-5)
    for p, q in zip(params, eager_params):
        np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=1e-5, atol=1e-6)
    assert int(opt.iterations) == len(batches)
    assert compiled.experimental_get_tracing_count() == 2  # the first call creates slots
    assert compiled.relaxed_fallback is None


def test_captured_tensors_stay_constants_and_variables_stay_live():
    v = tf.Variable([1.0, 2.0])
    snap, ident = v.read_value(), tf.identity(v)

    @tf.function
    def k():
        return snap + ident * 10 + v * 100

    # TensorFlow: [111. 222.], then [311. 422.] after v.assign([3., 4.])
    np.testing.assert_array_equal(k().numpy(), [111.0, 222.0])
    v.assign([3.0, 4.0])
    np.testing.assert_array_equal(k().numpy(), [311.0, 422.0])
    assert k.trace_count == 1


def test_a_snapshot_used_after_the_variable_is_read_stays_a_constant():
    v = tf.Variable(1.0)
    snap = v.read_value()

    @tf.function
    def k():
        live = v * 100.0
        v.assign_add(1.0)
        return live + v + snap * 10.0

    assert float(k()) == 100.0 + 2.0 + 10.0
    v.assign(5.0)
    assert float(k()) == 500.0 + 6.0 + 10.0
    assert float(v) == 6.0


def test_a_relaxed_program_reads_captured_values_as_they_were():
    v = tf.Variable([[1.0, 2.0, 3.0]])
    snap = tf.identity(v)

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def f(x):
        return x * snap + v

    f(tf.ones([2, 3]))
    v.assign([[10.0, 20.0, 30.0]])
    np.testing.assert_array_equal(f(tf.ones([4, 3])).numpy(), np.tile([[11.0, 22.0, 33.0]], (4, 1)))
    assert f.trace_count == 1


def test_a_variable_assigned_a_value_of_the_batch_size_is_traced_per_shape():
    v = tf.Variable(tf.zeros([0, 3]), shape=tf.TensorShape([None, 3]))

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def keep(x):
        v.assign(x * 2.0)
        return tf.reduce_sum(v)

    for n in (2, 5):
        x = _batch(n)
        np.testing.assert_allclose(float(keep(x)), 2 * float(tf.reduce_sum(x)), rtol=1e-5)
        np.testing.assert_allclose(v.numpy(), 2 * x.numpy())
    assert "Variable" in keep.relaxed_fallback


def test_a_count_kept_by_code_that_read_the_size_is_not_replayed():
    # Mean.update_state adds float(values.shape[0]): gradtape's own code sees the size
    mean = tf.keras.metrics.Mean()

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def update(values):
        mean.update_state(values)
        return mean.result()

    for n in (4, 6, 3):
        update(tf.fill([n], float(n)))
    np.testing.assert_allclose(float(mean.result()), (16 + 36 + 9) / 13, rtol=1e-6)
    assert "equals a size" in update.relaxed_fallback
