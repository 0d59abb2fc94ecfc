"""IndexedSlices: the gradient of a source read only by gathers along axis 0,
as TensorFlow 2.21 returns it, densified where used, and applied by the
optimizers with Keras 3's numbers (recorded from TensorFlow 2.21)."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.indexed_slices import IndexedSlices, densified

INIT = np.arange(10, dtype=np.float32).reshape(5, 2) / 10 - 0.3
IDS = [[0, 2, 0], [1, 2], [4, 0, 4, 4]]


def _table():
    return tf.Variable(np.arange(6.0, dtype=np.float32).reshape(3, 2))


def test_gather_of_a_variable_gives_tensorflows_indexed_slices():
    v = _table()
    with tf.GradientTape() as tape:
        e = tf.gather(v, [2, 0, 2])
        loss = tf.reduce_sum(e * e)
    g = tape.gradient(loss, v)
    assert type(g) is IndexedSlices
    assert g.indices.dtype == tf.int32 and g.dense_shape.dtype == tf.int32
    np.testing.assert_array_equal(g.indices.numpy(), [2, 0, 2])
    np.testing.assert_array_equal(g.values.numpy(), [[8, 10], [0, 2], [8, 10]])
    np.testing.assert_array_equal(g.dense_shape.numpy(), [3, 2])
    assert g.dtype == tf.float32 and g.shape == (3, 2)
    np.testing.assert_array_equal(tf.convert_to_tensor(g).numpy(), [[0, 2], [0, 0], [16, 20]])
    assert repr(g).startswith("IndexedSlices(indices=tf.Tensor([2 0 2], shape=(3,), dtype=int32)")


def test_embedding_lookup_of_a_watched_tensor_gives_indexed_slices():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(tf.nn.embedding_lookup(x, [[1], [1]]))
    g = tape.gradient(loss, x)
    assert type(g) is IndexedSlices
    np.testing.assert_array_equal(g.indices.numpy(), [1, 1])
    assert g.values.shape == (2, 2)
    np.testing.assert_array_equal(g.dense_shape.numpy(), [2, 2])


def test_several_gathers_concatenate_in_recording_order():
    v = _table()
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.gather(v, [1])) + tf.reduce_sum(tf.gather(v, [0, 0]))
    g = tape.gradient(loss, v)
    np.testing.assert_array_equal(g.indices.numpy(), [1, 0, 0])
    np.testing.assert_array_equal(g.values.numpy(), np.ones((3, 2)))


def test_a_dense_use_on_the_path_gives_a_dense_sum():
    v = _table()
    with tf.GradientTape(persistent=True) as tape:
        lookup = tf.reduce_sum(tf.gather(v, [2, 2]))
        mixed = lookup + tf.reduce_sum(v)
        other_axis = tf.reduce_sum(tf.gather(v, [1], axis=1))
    dense = tape.gradient(mixed, v)
    assert type(dense) is tf.Tensor
    np.testing.assert_array_equal(dense.numpy(), [[1, 1], [1, 1], [3, 3]])
    assert type(tape.gradient(other_axis, v)) is tf.Tensor
    # a dense use that does not reach the target does not matter (as in TensorFlow)
    assert type(tape.gradient(lookup, v)) is IndexedSlices


def test_ops_densify_it_and_operators_refuse_it_as_in_tensorflow():
    v = _table()
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.gather(v, [2, 0, 2]))
    g = tape.gradient(loss, v)
    np.testing.assert_array_equal(tf.multiply(g, 2.0).numpy(), [[2, 2], [0, 0], [4, 4]])
    np.testing.assert_array_equal(tf.add(tf.ones((3, 2)), g).numpy(), [[2, 2], [1, 1], [3, 3]])
    assert float(tf.reduce_sum(g)) == 6.0
    np.testing.assert_array_equal((-g).values.numpy(), -np.ones((3, 2)))
    with pytest.raises(TypeError):
        g * 2.0
    with pytest.raises(ValueError, match="dense_shape"):
        tf.convert_to_tensor(tf.IndexedSlices(tf.ones((1, 2)), [0]))


def test_second_order_through_the_densified_gradient():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(tf.gather(x, [1, 1]) ** 3)
        total = tf.reduce_sum(tf.convert_to_tensor(inner.gradient(y, x)))
    h = tf.convert_to_tensor(outer.gradient(total, x))
    np.testing.assert_array_equal(h.numpy(), [[0, 0], [36, 48]])  # d/dx of 2 * 3 x**2


def test_functional_transforms_and_check_gradients_stay_dense():
    f = lambda p: tf.reduce_sum(tf.gather(p, [0, 0]) ** 2)
    g = tf.grad(f)(tf.constant([1.0, 3.0]))
    assert type(g) is tf.Tensor
    np.testing.assert_array_equal(g.numpy(), [4.0, 0.0])
    assert densified([None]) == [None]


def test_a_compiled_function_returns_the_replayed_slices():
    v = _table()

    @tf.function
    def grad(ids):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.nn.embedding_lookup(v, ids) ** 2)
        return tape.gradient(loss, v)
    grad(tf.constant([2, 0, 2]))
    v.assign(v * 10.0)
    g = grad(tf.constant([2, 0, 2]))
    assert grad.trace_count == 1 and type(g) is IndexedSlices
    np.testing.assert_array_equal(g.values.numpy(), [[80, 100], [0, 20], [80, 100]])
    np.testing.assert_array_equal(g.indices.numpy(), [2, 0, 2])


def test_a_compiled_function_returns_slices_inside_a_list():
    v = _table()

    @tf.function
    def step(ids):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.gather(v, ids) ** 2)
        return [tape.gradient(loss, v), loss]
    step(tf.constant([1]))
    v.assign(v + 1.0)
    g, loss = step(tf.constant([1]))
    assert type(g) is IndexedSlices and float(loss) == 9.0 + 16.0
    np.testing.assert_array_equal(g.values.numpy(), [[6, 8]])
    assert tf.nest.flatten([g]) == [g]  # a leaf of tf.nest, as in TensorFlow


# -- optimizers: Keras 3 applies a row at a time, so a repeated index adds its
# rows' squares (not the square of their sum) to Adam's, RMSprop's and
# Adagrad's second moments, and clipping acts on the rows

KERAS = [
    ("sgd", lambda: tf.optimizers.SGD(0.1),
     [-0.144, 0.016, -0.08, 0.0, 0.064, 0.032, 0.3, 0.4, 0.2, -0.48]),
    ("sgd_momentum", lambda: tf.optimizers.SGD(0.1, momentum=0.9),
     [0.0396, 0.2968, -0.062, 0.0, 0.0154, -0.2164, 0.3, 0.4, 0.2, -0.48]),
    ("sgd_nesterov", lambda: tf.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
     [0.103104, 0.111904, -0.0458, 0.0, -0.002384, -0.167152, 0.3, 0.4, -0.0700001, -1.4519999]),
    ("adam", lambda: tf.optimizers.Adam(0.1),
     [0.018124, 0.1007229, 0.0319326, 0.0, -0.1187995, -0.0652735, 0.3, 0.4, 0.3893548, 0.4893547]),
    ("adamw", lambda: tf.optimizers.AdamW(0.1, weight_decay=0.1),
     [0.0227178, 0.1022503, 0.0341586, 0.0, -0.1177912, -0.0677682, 0.2910897, 0.3881195, 0.3745044, 0.4715341]),
    ("rmsprop", lambda: tf.optimizers.RMSprop(0.1),
     [0.0334569, 0.0269035, 0.2162238, 0.0, 0.0733567, 0.0489563, 0.3, 0.4, -0.0477225, 0.0522774]),
    ("rmsprop_momentum", lambda: tf.optimizers.RMSprop(0.1, momentum=0.5),
     [0.2623135, 0.3044511, 0.3743357, 0.0, -0.0190208, -0.1056224, 0.3, 0.4, -0.0477225, 0.0522774]),
    ("adagrad", lambda: tf.optimizers.Adagrad(0.1),
     [-0.132789, -0.0402402, -0.0465478, 0.0, 0.0224031, 0.0586189, 0.3, 0.4, 0.3296114, 0.4270172]),
    ("sgd_weight_decay", lambda: tf.optimizers.SGD(0.1, weight_decay=0.5),
     [-0.1175625, 0.016625, -0.0676875, 0.0, 0.0534375, 0.023275, 0.2572125, 0.34295, 0.1579375, -0.460275]),
    ("sgd_clipnorm", lambda: tf.optimizers.SGD(0.1, clipnorm=0.5),
     [-0.2692081, -0.1400409, -0.09071, 0.0, 0.0866854, 0.1250587, 0.3, 0.4, 0.4771131, 0.517607]),
    ("sgd_clipvalue", lambda: tf.optimizers.SGD(0.1, clipvalue=0.3),
     [-0.21, -0.11, -0.08, 0.0, 0.064, 0.14, 0.3, 0.4, 0.41, 0.51]),
    ("sgd_global_clipnorm", lambda: tf.optimizers.SGD(0.1, global_clipnorm=0.5),
     [-0.2692081, -0.1400409, -0.09071, 0.0, 0.0866854, 0.1250587, 0.3, 0.4, 0.4771131, 0.517607]),
    ("adam_clipnorm", lambda: tf.optimizers.Adam(0.1, clipnorm=0.5),
     [0.0126675, 0.1065111, 0.0319321, 0.0, -0.118821, -0.0731851, 0.3, 0.4, 0.3893573, 0.4893553]),
]


def _train(make, compiled=False):
    v = tf.Variable(INIT)
    opt = make()

    def step(ids):
        with tf.GradientTape() as tape:
            e = tf.gather(v, ids)
            loss = tf.reduce_sum(e * e * tf.constant([1.0, 3.0]))
        g = tape.gradient(loss, v)
        assert type(g) is IndexedSlices
        opt.apply_gradients([(g, v)])
    if compiled:
        step = tf.function(step)
    for ids in IDS:
        step(tf.constant(ids))
    return v.numpy()


@pytest.mark.parametrize("name,make,want", KERAS, ids=[k[0] for k in KERAS])
def test_optimizers_apply_indexed_slices_with_keras_numbers(name, make, want):
    got = _train(make)
    np.testing.assert_allclose(got.ravel(), want, rtol=1e-5, atol=3e-6)
    np.testing.assert_array_equal(_train(make, compiled=True), got)


def test_sgd_leaves_untouched_rows_exactly_as_they_were():
    got = _train(lambda: tf.optimizers.SGD(0.1))
    np.testing.assert_array_equal(got[3], INIT[3])
