"""Indexing, shape, creation and nn ops give TensorFlow 2.21's values, dtypes,
gradient types and error classes (each expected value was printed by TensorFlow)."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.errors import InvalidArgumentError


def test_transpose_conjugate_conjugates():
    # TensorFlow 2.21: [[1-2j], [3+1j]]; a real tensor is only transposed
    x = tf.constant([[1 + 2j, 3 - 1j]])
    np.testing.assert_array_equal(tf.transpose(x, conjugate=True).numpy(), [[1 - 2j], [3 + 1j]])
    np.testing.assert_array_equal(tf.transpose(tf.constant([[1.0, 2.0]]), conjugate=True).numpy(),
                                  [[1.0], [2.0]])


def test_transpose_conjugate_gradient():
    x = tf.constant([[1 + 2j, 3 - 1j]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.math.real(tf.reduce_sum(tf.transpose(x, conjugate=True)
                                       * tf.constant([[1j], [2.0]], tf.complex128)))
    # TensorFlow 2.21: [[0+1j, 2-0j]]
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [[1j, 2.0]])


@pytest.mark.parametrize("shape, new, want", [
    ((0, 3), [-1, 0, 2], (1, 0, 2)),   # TensorFlow 2.21's shapes
    ((0, 3), [-1, 0], (3, 0)),
    ((2, 0, 3), [0, -1], (0, 6)),
    ((0, 3), [-1, 2], (0, 2)),
])
def test_reshape_minus_one_beside_a_zero(shape, new, want):
    assert tuple(tf.reshape(tf.zeros(shape), new).shape) == want


def test_reshape_to_zero_elements_of_a_nonempty_tensor_is_an_error():
    with pytest.raises(InvalidArgumentError):  # as TensorFlow 2.21
        tf.reshape(tf.zeros((2, 3)), [0, -1])


def test_pad_constant_values_take_the_tensor_dtype():
    # TensorFlow 2.21: 7.5 on an int32 tensor is a TypeError (never truncated to 7)
    with pytest.raises(TypeError):
        tf.pad(tf.constant([1, 2]), [[1, 1]], constant_values=7.5)
    # a float64 tensor on a float32 tensor: InvalidArgumentError; a vector too
    with pytest.raises(InvalidArgumentError):
        tf.pad(tf.constant([1.0, 2.0]), [[1, 1]], constant_values=tf.constant(3.0, tf.float64))
    with pytest.raises(InvalidArgumentError):
        tf.pad(tf.constant([1.0, 2.0]), [[1, 1]], constant_values=[3.0])
    # TensorFlow 2.21: True -> 1 on int32, 3 -> 3.0 on float32
    np.testing.assert_array_equal(
        tf.pad(tf.constant([1, 2]), [[1, 1]], constant_values=True).numpy(), [1, 1, 2, 1])
    np.testing.assert_array_equal(
        tf.pad(tf.constant([1.0, 2.0]), [[1, 1]], constant_values=3).numpy(), [3.0, 1.0, 2.0, 3.0])


def test_one_hot_value_dtypes_must_agree():
    # TensorFlow 2.21: TypeError for a float on_value with an int off_value or dtype
    with pytest.raises(TypeError, match="off_value"):
        tf.one_hot([0, 1], 2, on_value=1.0, off_value=0)
    with pytest.raises(TypeError, match="dtype parameter"):
        tf.one_hot([0, 1], 2, on_value=1.0, dtype=tf.int32)
    # an int on_value with dtype float32 is read as float32; off_value alone sets the dtype
    got = tf.one_hot([0, 1], 2, on_value=2, dtype=tf.float32)
    assert got.dtype == tf.float32
    np.testing.assert_array_equal(got.numpy(), [[2.0, 0.0], [0.0, 2.0]])
    got = tf.one_hot([0, 1], 2, off_value=2)
    assert got.dtype == tf.int32
    np.testing.assert_array_equal(got.numpy(), [[1, 2], [2, 1]])


def test_one_hot_float_indices_is_invalid_argument():
    with pytest.raises(InvalidArgumentError):  # TensorFlow 2.21's class
        tf.one_hot([0.0, 1.0], 2)


def test_gather_nd_of_rows_gives_indexed_slices():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather_nd(v, [[2], [0], [2]])
                          * tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    g = tape.gradient(y, v)
    # TensorFlow 2.21: IndexedSlices(indices=[2, 0, 2], values=[[1, 2], [3, 4], [5, 6]],
    # dense_shape=[3, 2])
    assert type(g).__name__ == "IndexedSlices"
    np.testing.assert_array_equal(g.indices.numpy(), [2, 0, 2])
    np.testing.assert_array_equal(g.values.numpy(), [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    np.testing.assert_array_equal(g.dense_shape.numpy(), [3, 2])


@pytest.mark.parametrize("indices", [[[[2]], [[0]]], [[2, 1]]])
def test_gather_nd_of_elements_or_3d_indices_gives_a_dense_gradient(indices):
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather_nd(v, indices))
    assert type(tape.gradient(y, v)).__name__ != "IndexedSlices"  # as TensorFlow 2.21


def test_softmax_cross_entropy_broadcasts_labels():
    got = tf.nn.softmax_cross_entropy_with_logits(
        labels=tf.constant([0.0, 1.0]), logits=tf.constant([[0.3, 1.2], [1.0, 2.0]]))
    # TensorFlow 2.21: [0.34115392, 0.31326166]
    np.testing.assert_allclose(got.numpy(), [0.34115392, 0.31326166], rtol=1e-6)


def test_cross_entropies_of_float16_round_once():
    logits = tf.constant([[0.3, 1.2], [2.5, -1.0]], tf.float16)
    soft = tf.nn.softmax_cross_entropy_with_logits(
        labels=tf.constant([[0.25, 0.75], [1.0, 0.0]], tf.float16), logits=logits)
    sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 0], logits=logits)
    # TensorFlow 2.21: [0.566, 0.02975] and [0.341, 0.02975] (float16)
    assert soft.dtype == sparse.dtype == tf.float16
    np.testing.assert_array_equal(soft.numpy(), np.array([0.566, 0.02975], np.float16))
    np.testing.assert_array_equal(sparse.numpy(), np.array([0.341, 0.02975], np.float16))


def test_bias_add_checks_data_format_and_rank():
    # TensorFlow 2.21: ValueError for a format not N...C / NC...; InvalidArgumentError for 1-D
    with pytest.raises(ValueError, match="data_format"):
        tf.nn.bias_add(tf.ones((2, 3)), tf.ones(3), data_format="XYZ")
    with pytest.raises(InvalidArgumentError, match="at least 2D"):
        tf.nn.bias_add(tf.ones((3,)), tf.ones(3))
    # "NWC" is channels-last: TensorFlow 2.21 gives 2.0 everywhere
    np.testing.assert_array_equal(
        tf.nn.bias_add(tf.ones((2, 3)), tf.ones(3), data_format="NWC").numpy(), np.full((2, 3), 2.0))


def _weighted_grads(f, *xs):
    """``f``'s value and the gradients of ``sum(f * [1, 2, 3, ...])`` (row-major weights)."""
    xs = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
        w = tf.cast(tf.reshape(tf.range(tf.size(y)), tf.shape(y)) + 1, y.dtype)
        loss = tf.reduce_sum(y * w)
    return y.numpy(), [None if g is None else g.numpy() for g in tape.gradient(loss, xs)]


_X = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]], np.float32)


def test_batch_normalization():
    y, g = _weighted_grads(
        lambda x, m, v, o, s: tf.nn.batch_normalization(x, m, v, o, s, 1e-3),
        _X, np.array([0.5, 0.0, -1.0], np.float32), np.array([1.0, 2.0, 0.5], np.float32),
        np.array([0.1, 0.2, 0.3], np.float32), np.array([2.0, 1.0, 0.5], np.float32))
    # TensorFlow 2.21's value and gradients (x, mean, variance, offset, scale)
    np.testing.assert_allclose(y, [[1.0995004, -1.2138602, 1.3596013],
                                   [-0.89950037, 2.3207903, 0.30000007]], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(g[0], [[1.9990008, 1.4138602, 2.1192021],
                                      [7.996003, 3.5346506, 4.2384043]], rtol=1e-6)
    np.testing.assert_allclose(g[1], [-9.995004, -4.9485106, -6.357607], rtol=1e-6)
    np.testing.assert_allclose(g[2], [1.4977529, -1.9430864, -3.1724586], rtol=1e-6)
    np.testing.assert_allclose(g[3], [5.0, 7.0, 9.0], rtol=1e-6)
    np.testing.assert_allclose(g[4], [-1.4992507, 7.7762313, 6.357607], rtol=1e-6)


def test_weighted_cross_entropy_with_logits():
    y, g = _weighted_grads(
        lambda z, x: tf.nn.weighted_cross_entropy_with_logits(labels=z, logits=x, pos_weight=2.5),
        np.array([0.0, 0.3, 1.0, 1.0], np.float32), np.array([-100.0, 0.0, 2.0, 100.0], np.float32))
    # TensorFlow 2.21's value and gradients (labels, logits); the logits' gradient at 0 is
    # (1 - z) as relu's and abs's derivatives are 0 there
    np.testing.assert_allclose(y, [0.0, 1.0050634, 0.31732, 0.0], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(g[0], [250.0, 2.0794415, -5.428824, -400.0], rtol=1e-6)
    np.testing.assert_allclose(g[1], [0.0, 1.4, -0.8940218, 0.0], rtol=1e-6, atol=1e-7)


def test_log_poisson_loss_full():
    y, g = _weighted_grads(lambda t, c: tf.nn.log_poisson_loss(t, c, compute_full_loss=True),
                           np.array([0.0, 1.0, 3.0], np.float32),
                           np.array([0.5, 1.0, -1.0], np.float32))
    # TensorFlow 2.21: the unselected Stirling term leaks a nan into the targets' gradient at 0
    np.testing.assert_allclose(y, [1.6487212, 1.7182817, 5.131961], rtol=1e-6)
    np.testing.assert_allclose(g[0], [np.nan, -2.0, 6.795837], rtol=1e-6)
    np.testing.assert_allclose(g[1], [1.6487212, 3.4365635, -7.8963614], rtol=1e-6)


def test_crelu_and_normalize_moments():
    y, g = _weighted_grads(tf.nn.crelu, _X)
    # TensorFlow 2.21
    np.testing.assert_array_equal(y, [[1.0, 0.0, 0.5, 0.0, 2.0, 0.0], [0.0, 3.0, 0.0, 0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(g[0], [[1.0, -5.0, 3.0], [0.0, 8.0, -12.0]])
    mean, var = tf.nn.normalize_moments(tf.constant(4.0), tf.constant([4.0]), tf.constant([10.0]),
                                        None)
    np.testing.assert_array_equal([mean.numpy(), var.numpy()], [[1.0], [1.5]])  # TensorFlow 2.21


def test_scatter_nd_and_its_gradient():
    y, g = _weighted_grads(lambda u: tf.scatter_nd([[1], [3], [1]], u, [5]),
                           np.array([1.0, 2.0, 3.0], np.float32))
    # TensorFlow 2.21: repeats add up; the gradient gathers
    np.testing.assert_array_equal(y, [0.0, 4.0, 0.0, 2.0, 0.0])
    np.testing.assert_array_equal(g[0], [2.0, 4.0, 2.0])
    np.testing.assert_array_equal(tf.scatter_nd([[1], [1]], [1, 2], [3]).numpy(), [0, 3, 0])
    with pytest.raises(InvalidArgumentError):  # TensorFlow 2.21: an index out of range
        tf.scatter_nd([[5]], [1.0], [5])


def test_tensor_scatter_nd_sub():
    y, g = _weighted_grads(lambda x, u: tf.tensor_scatter_nd_sub(x, [[1], [1]], u),
                           np.ones(4, np.float32), np.array([5.0, 6.0], np.float32))
    # TensorFlow 2.21
    np.testing.assert_array_equal(y, [1.0, -10.0, 1.0, 1.0])
    np.testing.assert_array_equal(g[0], [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(g[1], [-2.0, -2.0])


@pytest.mark.parametrize("op, updates, value, grad_x, grad_u", [
    # TensorFlow 2.21's values and gradients
    (tf.tensor_scatter_nd_max, [5.0, 6.0, -1.0], [1.0, 6.0, 1.0, 1.0], [1.0, 0.0, 3.0, 4.0],
     [0.0, 2.0, 0.0]),
    (tf.tensor_scatter_nd_min, [5.0, -6.0, -1.0], [1.0, -6.0, -1.0, 1.0], [1.0, 0.0, 0.0, 4.0],
     [0.0, 2.0, 3.0]),
])
def test_tensor_scatter_nd_max_min(op, updates, value, grad_x, grad_u):
    y, g = _weighted_grads(lambda x, u: op(x, [[1], [1], [2]], u),
                           np.ones(4, np.float32), np.array(updates, np.float32))
    np.testing.assert_array_equal(y, value)
    np.testing.assert_array_equal(g[0], grad_x)
    np.testing.assert_array_equal(g[1], grad_u)


def test_tensor_scatter_nd_max_ties_split_the_gradient():
    x = tf.constant([2.0, 0.0])
    u = tf.constant([2.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch([x, u])
        y = tf.reduce_sum(tf.tensor_scatter_nd_max(x, [[0], [0]], u) * tf.constant([3.0, 1.0]))
    gx, gu = tape.gradient(y, [x, u])
    # TensorFlow 2.21: [1, 1] and [1, 1] (three equal maxima share 3.0)
    np.testing.assert_allclose(gx.numpy(), [1.0, 1.0])
    np.testing.assert_allclose(gu.numpy(), [1.0, 1.0])


_A = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


@pytest.mark.parametrize("shift, axis, value_row, grad_row", [
    # TensorFlow 2.21: the first row of the value and of the gradient
    ([1, -2], [0, 2], [14.0, 15.0, 12.0, 13.0], [15.0, 16.0, 13.0, 14.0]),
    ([1, 2], [1, 1], [0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0]),
    (5, -1, [3.0, 0.0, 1.0, 2.0], [2.0, 3.0, 4.0, 1.0]),
])
def test_roll(shift, axis, value_row, grad_row):
    y, g = _weighted_grads(lambda x: tf.roll(x, shift=shift, axis=axis), _A)
    np.testing.assert_array_equal(y[0, 0], value_row)
    np.testing.assert_array_equal(g[0][0, 0], grad_row)


def test_roll_shift_and_axis_must_match():
    with pytest.raises(InvalidArgumentError):  # TensorFlow 2.21
        tf.roll(tf.constant(_A), shift=1, axis=[0, 1])


_S = np.array([3.0, 1.0, 3.0, 2.0, 1.0], np.float32)


@pytest.mark.parametrize("direction, value, grad", [
    # TensorFlow 2.21: equal values keep their index order, in both directions
    ("ASCENDING", [1.0, 1.0, 2.0, 3.0, 3.0], [4.0, 1.0, 5.0, 3.0, 2.0]),
    ("DESCENDING", [3.0, 3.0, 2.0, 1.0, 1.0], [1.0, 4.0, 2.0, 3.0, 5.0]),
])
def test_sort_ties_and_gradient(direction, value, grad):
    y, g = _weighted_grads(lambda x: tf.sort(x, direction=direction), _S)
    np.testing.assert_array_equal(y, value)
    np.testing.assert_array_equal(g[0], grad)


def test_argsort():
    # TensorFlow 2.21
    got = tf.argsort(tf.constant(_S), stable=True)
    assert got.dtype == tf.int32
    np.testing.assert_array_equal(got.numpy(), [1, 4, 3, 0, 2])
    np.testing.assert_array_equal(tf.argsort(tf.constant(_S), direction="DESCENDING").numpy(),
                                  [0, 2, 3, 1, 4])
    np.testing.assert_array_equal(
        tf.argsort(tf.constant([0.0, -0.0, 1.0, -0.0])).numpy(), [0, 1, 3, 2])
    np.testing.assert_array_equal(
        tf.sort(tf.constant([5, 250, 0], tf.uint8), direction="DESCENDING").numpy(), [250, 5, 0])


def test_top_k_ties_and_gradient():
    y, g = _weighted_grads(lambda x: tf.math.top_k(x, 3).values, _S)
    # TensorFlow 2.21: values [3, 3, 2] from indices [0, 2, 3]
    np.testing.assert_array_equal(y, [3.0, 3.0, 2.0])
    np.testing.assert_array_equal(g[0], [1.0, 0.0, 2.0, 3.0, 0.0])
    out = tf.nn.top_k(tf.constant(_S), k=3)
    assert out.indices.dtype == tf.int32
    np.testing.assert_array_equal(out.indices.numpy(), [0, 2, 3])


@pytest.mark.parametrize("call, error", [
    # TensorFlow 2.21's classes
    (lambda: tf.math.top_k(tf.constant([1.0, 2.0]), 3), InvalidArgumentError),
    (lambda: tf.math.top_k(tf.constant([1.0, 2.0]), -1), InvalidArgumentError),
    (lambda: tf.math.top_k(tf.constant(3.0), 1), InvalidArgumentError),
    (lambda: tf.sort(tf.constant([True, False])), InvalidArgumentError),
    (lambda: tf.sort(tf.constant([3.0, 1.0]), direction="up"), ValueError),
    (lambda: tf.argsort(tf.constant([3.0, 1.0]), axis=2), InvalidArgumentError),
])
def test_sort_and_top_k_errors(call, error):
    with pytest.raises(error):
        call()


def test_sort_of_nan_is_refused():
    # TensorFlow 2.21 sorts [1, nan, 3, -inf] to [-inf, 1, nan, 3]: its kernel's own order
    with pytest.raises(InvalidArgumentError, match="NaN"):
        tf.sort(tf.constant([1.0, np.nan, 3.0, -np.inf]))


_V = np.array([[1.0, 2.0], [3.0, -4.0], [5.0, 6.0], [7.0, 8.0], [9.0, -10.0]], np.float32)
_LOWEST = -3.4028235e+38


@pytest.mark.parametrize("op, ids, n, value, grad", [
    # TensorFlow 2.21's values and gradients
    (tf.math.unsorted_segment_sum, [0, 0, 2, 1, 0], 4,
     [[13.0, -12.0], [7.0, 8.0], [5.0, 6.0], [0.0, 0.0]],
     [[1.0, 2.0], [1.0, 2.0], [5.0, 6.0], [3.0, 4.0], [1.0, 2.0]]),
    (tf.math.unsorted_segment_sum, [0, -1, 2, 1, 0], 3,   # a negative id drops its row
     [[10.0, -8.0], [7.0, 8.0], [5.0, 6.0]],
     [[1.0, 2.0], [0.0, 0.0], [5.0, 6.0], [3.0, 4.0], [1.0, 2.0]]),
    (tf.math.unsorted_segment_mean, [0, 0, 2, 1, 0], 4,
     [[4.3333335, -4.0], [7.0, 8.0], [5.0, 6.0], [0.0, 0.0]],
     [[0.33333334, 0.6666667], [0.33333334, 0.6666667], [5.0, 6.0], [3.0, 4.0],
      [0.33333334, 0.6666667]]),
    (tf.math.unsorted_segment_sqrt_n, [0, 0, 2, 1, 0], 4,
     [[7.5055537, -6.9282036], [7.0, 8.0], [5.0, 6.0], [0.0, 0.0]],
     [[0.57735026, 1.1547005], [0.57735026, 1.1547005], [5.0, 6.0], [3.0, 4.0],
      [0.57735026, 1.1547005]]),
    (tf.math.unsorted_segment_max, [0, 0, 2, 1, 0], 4,
     [[9.0, 2.0], [7.0, 8.0], [5.0, 6.0], [_LOWEST, _LOWEST]],
     [[0.0, 2.0], [0.0, 0.0], [5.0, 6.0], [3.0, 4.0], [1.0, 0.0]]),
    (tf.math.unsorted_segment_min, [0, 0, 2, 1, 0], 4,
     [[1.0, -10.0], [7.0, 8.0], [5.0, 6.0], [-_LOWEST, -_LOWEST]],
     [[1.0, 0.0], [0.0, 0.0], [5.0, 6.0], [3.0, 4.0], [0.0, 2.0]]),
])
def test_unsorted_segment_ops(op, ids, n, value, grad):
    y, g = _weighted_grads(lambda x: op(x, ids, n), _V)
    np.testing.assert_allclose(y, value, rtol=1e-6)
    np.testing.assert_allclose(g[0], grad, rtol=1e-6)


@pytest.mark.parametrize("op, value, grad", [
    # TensorFlow 2.21, segment_ids [0, 0, 1, 3, 3]: segment 2 is empty (0)
    (tf.math.segment_sum, [[4.0, -2.0], [5.0, 6.0], [0.0, 0.0], [16.0, -2.0]],
     [[1.0, 2.0], [1.0, 2.0], [3.0, 4.0], [7.0, 8.0], [7.0, 8.0]]),
    (tf.math.segment_mean, [[2.0, -1.0], [5.0, 6.0], [0.0, 0.0], [8.0, -1.0]],
     [[0.5, 1.0], [0.5, 1.0], [3.0, 4.0], [3.5, 4.0], [3.5, 4.0]]),
    (tf.math.segment_max, [[3.0, 2.0], [5.0, 6.0], [0.0, 0.0], [9.0, 8.0]],
     [[0.0, 2.0], [1.0, 0.0], [3.0, 4.0], [0.0, 8.0], [7.0, 0.0]]),
    (tf.math.segment_min, [[1.0, -4.0], [5.0, 6.0], [0.0, 0.0], [7.0, -10.0]],
     [[1.0, 0.0], [0.0, 2.0], [3.0, 4.0], [7.0, 0.0], [0.0, 8.0]]),
])
def test_segment_ops(op, value, grad):
    y, g = _weighted_grads(lambda x: op(x, [0, 0, 1, 3, 3]), _V)
    np.testing.assert_allclose(y, value, rtol=1e-6)
    np.testing.assert_allclose(g[0], grad, rtol=1e-6)


def test_segment_max_ties_int_and_errors():
    y, g = _weighted_grads(lambda x: tf.math.unsorted_segment_max(x, [0, 0, 1], 2),
                           np.array([2.0, 2.0, 1.0], np.float32))
    # TensorFlow 2.21: equal maxima share the gradient; an int empty segment is int32's lowest
    np.testing.assert_array_equal(g[0], [0.5, 0.5, 2.0])
    np.testing.assert_array_equal(
        tf.math.unsorted_segment_max(tf.constant([1, 2, 3]), [0, 0, 2], 3).numpy(),
        [2, -2147483648, 3])
    with pytest.raises(InvalidArgumentError):   # an id >= num_segments
        tf.math.unsorted_segment_sum(tf.constant(_V), [0, 5, 2, 1, 0], 3)
    with pytest.raises(InvalidArgumentError):   # unsorted ids
        tf.math.segment_sum(tf.constant(_V), [1, 0, 0, 0, 0])


def test_a_list_key_is_a_tuple():
    x = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4))
    # TensorFlow 2.21: x[[0, 2]] is x[0, 2] = 2.0 (not rows 0 and 2); x[[1]] is row 1
    assert float(x[[0, 2]].numpy()) == 2.0
    np.testing.assert_array_equal(x[[1]].numpy(), [4.0, 5.0, 6.0, 7.0])
    np.testing.assert_array_equal(x[[0, slice(1, 3)]].numpy(), [1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x[[2, -1]] * 3.0
    np.testing.assert_array_equal(tape.gradient(y, x).numpy()[2], [0.0, 0.0, 0.0, 3.0])


def test_squeeze_with_an_empty_axis_list_squeezes_all():
    # TensorFlow 2.21: axis=[] squeezes every size-1 axis
    assert tuple(tf.squeeze(tf.zeros((1, 2, 1)), axis=[]).shape) == (2,)


def test_dropout_noise_shape_that_does_not_broadcast():
    with pytest.raises(InvalidArgumentError):  # TensorFlow 2.21's class
        tf.nn.dropout(tf.ones((4, 5)), 0.5, noise_shape=[4, 2])


def test_relu6_of_integers():
    # TensorFlow 2.21: relu6 keeps the integer dtype
    got = tf.nn.relu6(tf.constant([-1, 3, 8], tf.int64))
    assert got.dtype == tf.int64
    np.testing.assert_array_equal(got.numpy(), [0, 3, 6])
