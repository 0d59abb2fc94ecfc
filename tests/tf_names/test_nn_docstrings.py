"""The ``>>>`` examples of TensorFlow's ``tf.nn`` docstrings that gradtape did not
run before (missing names), with TensorFlow 2.21's printed values, and the edge
cases around them as TensorFlow 2.21 gives them."""
import numpy as np
import pytest

import gradtape as tf

PRED = [[1.2, -0.3, 2.8, 5.2], [0.1, 0.0, 0.0, 0.0], [0.0, 0.5, 0.3, 0.3]]


def test_in_top_k_docstring():
    # TensorFlow 2.21's values (tf.math.in_top_k's docstring)
    got = tf.math.in_top_k(tf.constant([0, 1, 3]), tf.constant(PRED, tf.float32), 2)
    assert got.dtype == tf.bool
    np.testing.assert_array_equal(got.numpy(), [False, True, True])
    assert str(got) == "tf.Tensor([False  True  True], shape=(3,), dtype=bool)"
    assert tf.nn.in_top_k is tf.math.in_top_k


@pytest.mark.parametrize("targets,predictions,k,want", [
    # TensorFlow 2.21's values
    ([0, 1], [[1.0, 2.0], [3.0, 1.0]], 0, [False, False]),
    ([0, 1], [[1.0, 2.0], [3.0, 1.0]], 5, [True, True]),
    ([0, 1], [[1.0, 2.0], [3.0, 1.0]], -1, [False, False]),
    ([0, 1, 2], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [2.0, 1.0, 1.0]], 1, [True, True, False]),
    ([0, 1], [[np.nan, 2.0], [np.inf, 1.0]], 2, [False, False]),
    ([5, -1], [[1.0, 2.0], [3.0, 1.0]], 1, [False, False]),
    (np.array([0, 1], np.int64), [[1.0, 2.0], [3.0, 1.0]], 1, [False, False]),
])
def test_in_top_k_values(targets, predictions, k, want):
    np.testing.assert_array_equal(tf.math.in_top_k(targets, predictions, k).numpy(), want)


def test_in_top_k_errors():
    # TensorFlow 2.21's errors
    with pytest.raises(ValueError, match="requested dtype float32 for Tensor with dtype float64"):
        tf.math.in_top_k([0, 1], tf.constant([[1.0, 2.0], [3.0, 1.0]], tf.float64), 1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="predictions must be 2-dimensional"):
        tf.math.in_top_k([0], [1.0, 2.0], 1)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="First dimension of predictions 2 must match length of target"):
        tf.math.in_top_k([0, 1, 1], [[1.0, 2.0], [3.0, 1.0]], 1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in the list of allowed values"):
        tf.math.in_top_k([0.0, 1.0], [[1.0, 2.0], [3.0, 1.0]], 1)


def test_approx_max_k_docstring():
    # TensorFlow 2.21 runs tf.math.approx_max_k's docstring example (jit-compiled
    # maximum inner-product search) and prints nothing; on the CPU the result is top_k's
    @tf.function(jit_compile=True)
    def mips(qy, db, k=10, recall_target=0.95):
        dists = tf.einsum("ik,jk->ij", qy, db)
        return tf.nn.approx_max_k(dists, k=k, recall_target=recall_target)

    qy, db = tf.random.uniform((8, 16)), tf.random.uniform((64, 16))
    values, neighbors = mips(qy, db, k=5)
    want_values, want_neighbors = tf.math.top_k(tf.einsum("ik,jk->ij", qy, db), 5)
    assert values.shape == (8, 5) and neighbors.dtype == tf.int32
    np.testing.assert_array_equal(values.numpy(), want_values.numpy())
    np.testing.assert_array_equal(neighbors.numpy(), want_neighbors.numpy())
    assert tf.math.approx_max_k is tf.nn.approx_max_k


@pytest.mark.parametrize("call,want_values,want_indices", [
    # TensorFlow 2.21's values (approx_min_k's under jit_compile: eagerly its CPU
    # kernel is missing)
    (lambda: tf.math.approx_max_k(tf.constant([[1.0, 3.0, 3.0, 2.0]]), 2), [[3.0, 3.0]], [[1, 2]]),
    (lambda: tf.math.approx_max_k(tf.constant([1.0, 3.0, 3.0, 2.0]), 2), [3.0, 3.0], [1, 2]),
    (lambda: tf.math.approx_max_k(tf.constant([[1.0, 3.0, 3.0, 2.0]], tf.float16), 2),
     [[3.0, 3.0]], [[1, 2]]),
    (lambda: tf.math.approx_min_k(tf.constant([[1.0, 3.0, 0.5, 2.0]]), 2),
     [[0.5, 1.0]], [[2, 0]]),
    (lambda: tf.math.approx_max_k(tf.constant([[1.0, 3.0], [3.0, 2.0]]), 1,
                                  reduction_dimension=0), [[3.0, 3.0]], [[1, 0]]),
])
def test_approx_k_values(call, want_values, want_indices):
    values, indices = call()
    assert indices.dtype == tf.int32
    np.testing.assert_array_equal(values.numpy(), want_values)
    np.testing.assert_array_equal(indices.numpy(), want_indices)


def test_approx_k_errors_and_gradient():
    # TensorFlow 2.21's errors and gradient
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in the list of allowed values"):
        tf.math.approx_max_k(tf.constant([[1, 3, 3, 2]]), 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least k columns. Had 4, needed 5"):
        tf.math.approx_max_k(tf.constant([[1.0, 3.0, 3.0, 2.0]]), 5)
    x = tf.Variable([[1.0, 3.0, 2.0]])
    with tf.GradientTape() as tape:
        values, _ = tf.math.approx_max_k(x, 2)
    np.testing.assert_array_equal(tape.gradient(values, x).numpy(), [[0.0, 1.0, 1.0]])
    x = tf.Variable([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]])
    with tf.GradientTape() as tape:
        values, _ = tf.math.approx_min_k(x, 2, reduction_dimension=0)
    # the two smallest of each column get the gradient
    np.testing.assert_array_equal(tape.gradient(values, x).numpy(), [[1, 1], [0, 1], [1, 0]])


def test_isotonic_regression_docstring():
    # TensorFlow 2.21's values (tf.nn.isotonic_regression's docstring)
    x = tf.constant([[3, 1, 2], [1, 3, 4]], dtype=tf.float32)
    y, segments = tf.nn.isotonic_regression(x, axis=1)
    assert y.dtype == tf.float32 and segments.dtype == tf.int32
    np.testing.assert_allclose(y.numpy(), [[3.0, 1.5, 1.5], [2.6666667, 2.6666667, 2.6666667]],
                               rtol=1e-7)
    np.testing.assert_array_equal(segments.numpy(), [[0, 1, 1], [0, 0, 0]])


X_ISO = [[3.0, 1.0, 2.0], [1.0, 3.0, 4.0]]


@pytest.mark.parametrize("call,dtype,want,want_segments", [
    # TensorFlow 2.21's values
    (lambda: tf.nn.isotonic_regression(X_ISO, decreasing=False), "float32",
     [[2.0, 2.0, 2.0], [1.0, 3.0, 4.0]], [[0, 0, 1], [0, 1, 2]]),
    (lambda: tf.nn.isotonic_regression(X_ISO, axis=0), "float32",
     [[3.0, 2.0, 3.0], [1.0, 2.0, 3.0]], [[0, 0, 0], [1, 0, 0]]),
    (lambda: tf.nn.isotonic_regression([1.0, 3.0, 2.0, 4.0, 0.0]), "float32",
     [2.5, 2.5, 2.5, 2.5, 0.0], [0, 0, 0, 0, 1]),
    (lambda: tf.nn.isotonic_regression([1, 3, 2]), "float64", [2.0, 2.0, 2.0], [0, 0, 1]),
    (lambda: tf.nn.isotonic_regression(tf.constant([1.0, 3.0, 2.0], tf.float16)), "float16",
     [2.0, 2.0, 2.0], [0, 0, 1]),
    (lambda: tf.nn.isotonic_regression([2.0, 2.0, 2.0, 5.0]), "float32",
     [2.75, 2.75, 2.75, 2.75], [0, 0, 0, 0]),
    (lambda: tf.nn.isotonic_regression([2.0, np.nan, 1.0]), "float32",
     [2.0, np.nan, 1.0], [0, 1, 2]),
    (lambda: tf.nn.isotonic_regression(tf.reshape(tf.range(12.0), [2, 3, 2]) % 5, axis=1),
     "float32", [[[2.0, 2.0], [2.0, 2.0], [2.0, 0.0]], [[2.0, 3.0], [2.0, 3.0], [0.0, 1.0]]],
     [[[0, 0], [0, 0], [0, 1]], [[0, 0], [0, 0], [1, 1]]]),
    (lambda: tf.nn.isotonic_regression(3.0), "float32", 3.0, 0),
    (lambda: tf.nn.isotonic_regression(tf.zeros([2, 0])), "float32", np.zeros((2, 0)),
     np.zeros((2, 0))),
])
def test_isotonic_regression_values(call, dtype, want, want_segments):
    y, segments = call()
    assert y.dtype.name == dtype and segments.dtype == tf.int32
    np.testing.assert_array_equal(y.numpy(), want)
    np.testing.assert_array_equal(segments.numpy(), want_segments)


def test_isotonic_regression_gradient_and_compiled():
    v = tf.Variable([[3.0, 1.0, 2.0, 5.0], [1.0, 3.0, 4.0, 0.0]])
    with tf.GradientTape() as tape:
        y, _ = tf.nn.isotonic_regression(v)
        loss = tf.reduce_sum(y * [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
    # TensorFlow 2.21's gradient: the mean of the upstream gradient over each segment
    np.testing.assert_array_equal(tape.gradient(loss, v).numpy(),
                                  [[1.0, 3.0, 3.0, 3.0], [6.0, 6.0, 6.0, 8.0]])

    @tf.function
    def fit(x):
        return tf.nn.isotonic_regression(x)[0]

    # the segments are read again when the values change them
    np.testing.assert_array_equal(fit(tf.constant([3.0, 1.0, 2.0])).numpy(), [3.0, 1.5, 1.5])
    np.testing.assert_array_equal(fit(tf.constant([1.0, 3.0, 2.0])).numpy(), [2.0, 2.0, 2.0])
