"""TensorFlow ops real programs use: sequence_mask, segment products,
depthwise convolution, and a few tf.math helpers.  Every expected value is
TensorFlow 2.21's, typed from what it printed."""
import numpy as np
import pytest

import gradtape as tf


def _grad(f, x):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return y, tape.gradient(y, x)


# ---------------------------------------------------------------------------
# tf.sequence_mask
# ---------------------------------------------------------------------------

def test_sequence_mask_values_and_dtypes():
    # TensorFlow 2.21's values
    m = tf.sequence_mask([1, 3, 2], 5)
    assert m.dtype == tf.bool
    np.testing.assert_array_equal(m.numpy(), [[1, 0, 0, 0, 0], [1, 1, 1, 0, 0], [1, 1, 0, 0, 0]])
    np.testing.assert_array_equal(tf.sequence_mask([1, 3, 2]).numpy(),
                                  [[1, 0, 0], [1, 1, 1], [1, 1, 0]])
    np.testing.assert_array_equal(tf.sequence_mask([[1, 3], [2, 0]]).numpy(),
                                  [[[1, 0, 0], [1, 1, 1]], [[1, 1, 0], [0, 0, 0]]])
    np.testing.assert_array_equal(tf.sequence_mask(3, 5).numpy(), [1, 1, 1, 0, 0])
    f = tf.sequence_mask([1, 3, 2], 5, dtype=tf.float32)
    assert f.dtype == tf.float32 and f.numpy()[1].tolist() == [1.0, 1.0, 1.0, 0.0, 0.0]
    assert tf.sequence_mask([1, 2], 3, dtype=tf.float16).dtype == tf.float16
    assert tf.sequence_mask([1, 2], None, dtype=None).dtype == tf.bool


def test_sequence_mask_casts_lengths_to_maxlen_dtype():
    # TensorFlow 2.21's values: lengths are cast (truncated) to maxlen's dtype
    np.testing.assert_array_equal(tf.sequence_mask([1.5, 3.0], 4).numpy(),
                                  [[1, 0, 0, 0], [1, 1, 1, 0]])
    np.testing.assert_array_equal(tf.sequence_mask([1.5, 2.5]).numpy(), [[1, 1, 0], [1, 1, 1]])
    np.testing.assert_array_equal(tf.sequence_mask([1, 3], 4.5).numpy(),
                                  [[1, 0, 0, 0, 0], [1, 1, 1, 0, 0]])
    np.testing.assert_array_equal(tf.sequence_mask([True, False], 4).numpy(),
                                  [[1, 0, 0, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(tf.sequence_mask(np.array([2, 1], np.int16), 3).numpy(),
                                  [[1, 1, 0], [1, 0, 0]])
    np.testing.assert_array_equal(tf.sequence_mask([-1, 3], 2).numpy(), [[0, 0], [1, 1]])


def test_sequence_mask_empty_shapes():
    # TensorFlow 2.21's shapes
    assert tf.sequence_mask([], 3).shape == (0, 3)
    assert tf.sequence_mask([]).shape == (0, 0)
    assert tf.sequence_mask([1, 3], 0).shape == (2, 0)
    assert tf.sequence_mask([-2, -1]).shape == (2, 0)


def test_sequence_mask_errors():
    # TensorFlow 2.21's error types
    with pytest.raises(ValueError, match="`maxlen` must be scalar"):
        tf.sequence_mask([1, 3], [4])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.sequence_mask([1, 3], -1)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.sequence_mask(tf.constant([1, 3], tf.uint8))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.sequence_mask([True, False])


# ---------------------------------------------------------------------------
# tf.math.segment_prod, tf.math.unsorted_segment_prod
# ---------------------------------------------------------------------------

_DATA = [2.0, 3.0, 0.0, 4.0, 5.0, 0.0, 0.0, 7.0]


def _weighted(y):
    return tf.reduce_sum(y * tf.range(1.0, 1.0 + y.shape[0]))


def test_segment_prod_values_and_gradient_with_zeros():
    # TensorFlow 2.21's values: segments [2, 3], [0, 4], (empty), [5, 0, 0], [7]
    y, g = _grad(lambda d: _weighted(tf.math.segment_prod(d, [0, 0, 1, 1, 3, 3, 3, 4])), _DATA)
    np.testing.assert_array_equal(tf.math.segment_prod(_DATA, [0, 0, 1, 1, 3, 3, 3, 4]).numpy(),
                                  [6.0, 0.0, 1.0, 0.0, 7.0])
    np.testing.assert_array_equal(g.numpy(), [3.0, 2.0, 8.0, 0.0, 0.0, 0.0, 0.0, 5.0])


def test_unsorted_segment_prod_values_and_gradient_with_zeros():
    # TensorFlow 2.21's values (a negative id drops its row; segment 3 is empty)
    ids = [1, -1, 0, 0, 2, 1, 2, 1]
    np.testing.assert_array_equal(tf.math.unsorted_segment_prod(_DATA, ids, 4).numpy(),
                                  [0.0, 0.0, 0.0, 1.0])
    _, g = _grad(lambda d: _weighted(tf.math.unsorted_segment_prod(d, ids, 4)), _DATA)
    np.testing.assert_array_equal(g.numpy(), [0.0, 0.0, 4.0, 0.0, 0.0, 28.0, 15.0, 0.0])
    y, g = _grad(lambda x: tf.math.unsorted_segment_prod(x, [0, 0, 0], 2),
                 [[1.0, 2.0], [0.0, 4.0], [5.0, 0.0]])
    np.testing.assert_array_equal(y.numpy(), [[0.0, 0.0], [1.0, 1.0]])
    np.testing.assert_array_equal(g.numpy(), [[0.0, 0.0], [5.0, 0.0], [0.0, 8.0]])


def test_segment_prod_dtypes_and_shapes():
    # TensorFlow 2.21's values
    r = tf.math.unsorted_segment_prod([2, 3, 4], [0, 0, 2], 3)
    assert r.dtype == tf.int32 and r.numpy().tolist() == [6, 1, 4]
    assert tf.math.segment_prod([2, 3, 4], [0, 0, 2]).numpy().tolist() == [6, 1, 4]
    np.testing.assert_array_equal(
        tf.math.segment_prod([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [0, 1, 1]).numpy(),
        [[1.0, 2.0], [15.0, 24.0]])
    np.testing.assert_array_equal(
        tf.math.unsorted_segment_prod([[1.0, 2.0], [3.0, 4.0]], [[0, 1], [1, 1]], 2).numpy(),
        [1.0, 24.0])
    e = tf.math.segment_prod(tf.zeros([0]), tf.zeros([0], tf.int32))
    assert e.shape == (0,) and e.dtype == tf.float32
    c = tf.math.unsorted_segment_prod(tf.constant([1 + 2j, 3j]), [0, 0], 1)
    assert c.dtype == tf.complex128 and c.numpy().tolist() == [-6 + 3j]


def test_segment_prod_errors():
    # TensorFlow 2.21's error types
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.math.segment_prod([1.0, 2.0], [1, 0])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.math.segment_prod([1.0, 2.0], [-1, 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
        tf.math.unsorted_segment_prod([1.0, 2.0], [1, 2], 2)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.math.unsorted_segment_prod([True, False], [0, 0], 1)


def test_segment_prod_complex_gradient_is_not_conjugated():
    # TensorFlow 2.21's values: its UnsortedSegmentProd gradient multiplies by
    # the partial derivative itself, where reduce_prod's conjugates it
    x = tf.constant([1 + 2j, 3j, 0.5 - 1j])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.math.unsorted_segment_prod(x, [0, 0, 1], 2)
        loss = tf.math.real(tf.reduce_sum(y * tf.constant([1 - 1j, 2j])))
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), [-3 + 3j, -1 + 3j, -2j])


# ---------------------------------------------------------------------------
# tf.nn.depthwise_conv2d
# ---------------------------------------------------------------------------

_X = np.arange(18).reshape(1, 3, 3, 2) % 5 - 2.0
_W = np.arange(8).reshape(2, 2, 2, 1) % 3 - 1.0
_W2 = np.array([[[[1.0, -1.0], [0.5, 2.0]]], [[[2.0, 0.0], [-1.0, 1.0]]]])  # [2, 1, 2, 2]


def test_depthwise_conv2d_same_values_and_gradients():
    # TensorFlow 2.21's values
    x, w = tf.constant(_X, tf.float32), tf.constant(_W, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch([x, w])
        y = tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME")
        loss = tf.reduce_sum(y * y)
    assert y.dtype == tf.float32
    np.testing.assert_array_equal(y.numpy(), [[[[1, -1], [4, 4], [-2, -1]],
                                               [[0, -1], [-2, -1], [2, 0]],
                                               [[2, 2], [-3, 0], [1, 0]]]])
    gx, gw = tape.gradient(loss, [x, w])
    np.testing.assert_array_equal(gx.numpy(), [[[[-2, 0], [-6, 2], [12, -8]],
                                                [[0, -2], [2, 10], [-16, 0]],
                                                [[-4, -2], [10, -6], [-4, 0]]]])
    np.testing.assert_array_equal(gw.numpy(), [[[[-38], [14]], [[38], [-28]]],
                                               [[[2], [20]], [[-10], [-8]]]])


def test_depthwise_conv2d_channel_multiplier_strides_and_rate():
    # TensorFlow 2.21's values: output channel c * M + m
    x, w = tf.constant(_X), tf.constant(_W2)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, w])
        strided = tf.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "VALID")
        dilated = tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME", dilations=[2, 1])
    assert strided.dtype == tf.float64
    np.testing.assert_array_equal(strided.numpy(), [[[[-4, 2, -0.5, -2], [-2, -2, 0, -5]]]])
    np.testing.assert_array_equal(tape.gradient(strided, w).numpy(),
                                  [[[[0, 0], [-3, -3]]], [[[-3, -3], [-1, -1]]]])
    np.testing.assert_array_equal(dilated.numpy(), [[
        [[-2, 0, 0, 0], [2, 0, -2, 2], [-4, 0, 1, -1]],
        [[-2, 2, -1.5, -1], [4, 0, 2.5, 0], [0, -2, -1, -4]],
        [[-1, 1, 0, 0], [1, -1, 1, 4], [-2, 2, -0.5, -2]]]])
    np.testing.assert_array_equal(tape.gradient(dilated, x).numpy(), [[
        [[0, 2.5], [0, 2.5], [0, 2.5]], [[2, 2.5], [2, 2.5], [2, 2.5]],
        [[2, 0], [2, 0], [2, 0]]]])


def test_depthwise_conv2d_shapes():
    # TensorFlow 2.21's shapes
    x = tf.ones((2, 5, 6, 3))
    w = tf.ones((3, 2, 3, 2))
    assert tf.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME").shape == (2, 3, 3, 6)
    assert tf.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "VALID", dilations=[2, 1]).shape \
        == (2, 1, 3, 6)
    assert tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], [[0, 0], [1, 1], [0, 1], [0, 0]],
                                  dilations=[2, 2]).shape == (2, 3, 5, 6)
    assert tf.nn.depthwise_conv2d(x[:, :2, :2], w, [1, 1, 1, 1], "VALID").shape == (2, 0, 1, 6)
    assert tf.nn.depthwise_conv2d(x, w[..., :0], [1, 1, 1, 1], "VALID").shape == (2, 3, 5, 0)


def test_depthwise_conv2d_errors():
    # TensorFlow 2.21's error types
    x, w = tf.ones((2, 5, 6, 3)), tf.ones((3, 2, 3, 2))
    dw = tf.nn.depthwise_conv2d
    for strides in ([1, 2, 1, 1], [2, 2], [2, 1, 1, 1], [1, 0, 0, 1]):
        with pytest.raises(tf.errors.InvalidArgumentError):
            dw(x, w, strides, "SAME")
    with pytest.raises(TypeError):
        dw(x, w, 2, "SAME")
    with pytest.raises(ValueError):
        dw(x, w, [1, 1, 1, 1], "SAME", dilations=[1, 2, 2, 1])
    with pytest.raises(ValueError):
        dw(x, w, [1, 1, 1, 1], "SAME", dilations=[0, 1])
    with pytest.raises(TypeError):
        dw(x, w, [1, 1, 1, 1], "SAME", dilations=2)
    bad = [(x, w[:, :, :2]), (x[0], w), (x, w[0]), (x, tf.cast(w, tf.float64)),
           (tf.cast(x, tf.int32), tf.cast(w, tf.int32))]
    for a, b in bad:
        with pytest.raises(tf.errors.InvalidArgumentError):
            dw(a, b, [1, 1, 1, 1], "SAME")
    for padding in ("same", "FOO"):
        with pytest.raises(tf.errors.InvalidArgumentError):
            dw(x, w, [1, 1, 1, 1], padding)
    with pytest.raises(tf.errors.InvalidArgumentError):
        dw(x, w, [1, 1, 1, 1], "SAME", data_format="NCHW")
    with pytest.raises(tf.errors.InvalidArgumentError):
        dw(x, w, [1, 1, 1, 1], "VALID", dilations=[3, 3])


def test_depthwise_conv2d_refuses_what_it_cannot_match():
    # TensorFlow 2.21 gives a [2, 3, 4, 6] result here (its space-to-batch
    # rewrite), not a strided dilated convolution's [2, 3, 3, 6]
    with pytest.raises(tf.errors.UnimplementedError, match="VALID"):
        tf.nn.depthwise_conv2d(tf.ones((2, 5, 6, 3)), tf.ones((3, 2, 3, 2)), [1, 2, 2, 1],
                               "SAME", dilations=[2, 2])


# ---------------------------------------------------------------------------
# tf.math.invert_permutation, tf.math.confusion_matrix
# ---------------------------------------------------------------------------

def test_invert_permutation():
    # TensorFlow 2.21's values and error types
    r = tf.math.invert_permutation([3, 4, 0, 2, 1])
    assert r.dtype == tf.int32 and r.numpy().tolist() == [2, 4, 3, 0, 1]
    r = tf.math.invert_permutation(tf.constant([1, 0], tf.int64))
    assert r.dtype == tf.int64 and r.numpy().tolist() == [1, 0]
    r = tf.math.invert_permutation([])
    assert r.dtype == tf.int32 and r.shape == (0,)
    for bad in ([0, 0], [0, 2], [-1, 0], [[0, 1]], 0, [0.0, 1.0]):
        with pytest.raises(tf.errors.InvalidArgumentError):
            tf.math.invert_permutation(bad)
    assert not hasattr(tf, "invert_permutation")  # TensorFlow 2 has it under tf.math only


def test_confusion_matrix_values_and_dtypes():
    # TensorFlow 2.21's values
    r = tf.math.confusion_matrix([1, 2, 4], [2, 2, 4])
    assert r.dtype == tf.int32 and r.shape == (5, 5)
    assert r.numpy()[1].tolist() == [0, 0, 1, 0, 0] and r.numpy()[4].tolist() == [0, 0, 0, 0, 1]
    assert tf.math.confusion_matrix([1, 2, 4], [2, 2, 4], num_classes=6).shape == (6, 6)
    r = tf.math.confusion_matrix([1, 2, 4], [2, 2, 4], weights=[0.5, 1.0, 2.0])
    assert r.dtype == tf.int32 and r.numpy()[1, 2] == 0 and r.numpy()[4, 4] == 2
    r = tf.math.confusion_matrix([1, 2, 4], [2, 2, 4], weights=[0.5, 1.0, 2.0], dtype=tf.float32)
    assert r.dtype == tf.float32 and r.numpy()[1, 2] == 0.5 and r.numpy()[2, 2] == 1.0
    assert tf.math.confusion_matrix([1.7, 2.0], [2, 1]).numpy().tolist() == [
        [0, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert tf.math.confusion_matrix([0, 0, 1], [0, 0, 1], weights=[1, 2, 3]).numpy().tolist() \
        == [[3, 0], [0, 3]]
    assert tf.math.confusion_matrix([0, 1], [0, 1], num_classes=tf.constant(3, tf.int64)) \
        .numpy().tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 0]]
    r = tf.math.confusion_matrix([0, 1], [0, 1], dtype=tf.bool)
    assert r.dtype == tf.bool and r.numpy().tolist() == [[True, False], [False, True]]
    assert tf.math.confusion_matrix([[1], [0]], [1, 0]).numpy().tolist() == [[1, 0], [0, 1]]


def test_confusion_matrix_gradient_to_weights():
    # TensorFlow 2.21's values
    w = tf.constant([0.5, 1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(w)
        c = tf.math.confusion_matrix([1, 2, 1], [2, 2, 2], weights=w, dtype=tf.float32)
        loss = tf.reduce_sum(c * tf.reshape(tf.range(9.0), (3, 3)))
    np.testing.assert_array_equal(tape.gradient(loss, w).numpy(), [5.0, 8.0, 5.0])


def test_confusion_matrix_errors():
    # TensorFlow 2.21's error types
    cm = tf.math.confusion_matrix
    for args, kwargs in [(([1, 2], [2, 5]), {"num_classes": 3}), (([-1, 2], [2, 1]), {}),
                         (([1, 2], [2]), {}), (([[1], [2]], [[2], [1]]), {}), (([], []), {}),
                         (([0, 1], [0, 1]), {"num_classes": 0})]:
        with pytest.raises(tf.errors.InvalidArgumentError):
            cm(*args, **kwargs)
    with pytest.raises(ValueError):
        cm([0, 1], [0, 1], weights=[1.0])


# ---------------------------------------------------------------------------
# tf.math.cumulative_logsumexp
# ---------------------------------------------------------------------------

_LSE_X = [[1.0, -2.0, 3.0], [-1000.0, 0.0, 5.0]]
_LSE_W = [[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]]


@pytest.mark.parametrize("kwargs,want", [
    # TensorFlow 2.21's values (stable: -1000 does not vanish in a sum of exps)
    ({}, [[1.0, -2.0, 3.0], [1.0, 0.12693, 5.12693]]),
    ({"axis": 1}, [[1.0, 1.04859, 3.13285], [-1000.0, 0.0, 5.00672]]),
    ({"axis": -1, "exclusive": True}, [[-np.inf, 1.0, 1.04859], [-np.inf, -1000.0, 0.0]]),
    ({"axis": 1, "reverse": True}, [[3.13285, 3.00672, 3.0], [5.00672, 5.00672, 5.0]]),
    ({"axis": 1, "exclusive": True, "reverse": True},
     [[3.00672, 3.0, -np.inf], [5.00672, 5.0, -np.inf]]),
])
def test_cumulative_logsumexp_values(kwargs, want):
    y = tf.math.cumulative_logsumexp(tf.constant(_LSE_X), **kwargs)
    assert y.dtype == tf.float32
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-6, atol=1e-5)  # (printed to 5 places)


@pytest.mark.parametrize("x,want", [
    # TensorFlow 2.21's values: its reducer keeps the running value over a NaN
    ([-np.inf, 1.0, np.inf], [-np.inf, 1.0, np.inf]),
    ([np.nan, 1.0], [-np.inf, 1.0]),
    ([1.0, np.nan, 2.0], [1.0, 1.693147, 2.551445]),
    ([np.inf, np.inf], [np.inf, np.nan]),
    ([1.0, -np.inf], [1.0, 1.0]),
    ([-np.inf, -np.inf], [-np.inf, -np.inf]),
])
def test_cumulative_logsumexp_special_values(x, want):
    np.testing.assert_allclose(tf.math.cumulative_logsumexp(tf.constant(x)).numpy(), want,
                               rtol=1e-6)


@pytest.mark.parametrize("kwargs,want", [
    # TensorFlow 2.21's gradients
    ({"axis": 1}, [[-0.8459, -0.0919, 0.4378], [0.0, 2.99331, -0.99331]]),
    ({"axis": 1, "exclusive": True}, [[-1.52371, 0.02371, 0.0], [3.00006, -1.0, 0.0]]),
    ({"axis": 1, "reverse": True}, [[0.1185, -0.00749, -0.61101], [0.0, 0.02008, 1.97992]]),
    ({"axis": 0, "exclusive": True, "reverse": True}, [[0.0, 0.0, 0.0], [1.0, -2.0, 0.5]]),
])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # -inf * 0, as in TensorFlow
def test_cumulative_logsumexp_gradients(kwargs, want):
    x = tf.constant(_LSE_X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(tf.math.cumulative_logsumexp(x, **kwargs) * tf.constant(_LSE_W))
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), want, rtol=1e-4, atol=1e-5)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # -inf * 0, inf - inf, as in TensorFlow
def test_cumulative_logsumexp_second_order_and_nan_gradient():
    # TensorFlow 2.21's values
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            loss = tf.reduce_sum(tf.math.cumulative_logsumexp(x) * tf.constant([1.0, -2.0, 0.5]))
        g = inner.gradient(loss, x)
        g2 = tf.reduce_sum(g * g)
    np.testing.assert_allclose(g.numpy(), [0.50713, -1.33975, 0.33262], rtol=1e-4)
    np.testing.assert_allclose(outer.gradient(g2, x).numpy(), [-1.40133, 1.13952, 0.26182],
                               rtol=1e-4)
    x = tf.constant([-np.inf, 1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(tf.math.cumulative_logsumexp(x))
    g = tape.gradient(loss, x).numpy()
    assert np.isnan(g[0])
    np.testing.assert_allclose(g[1:], [1.26894, 0.73106], rtol=1e-4)


def test_cumulative_logsumexp_dtypes_and_errors():
    # TensorFlow 2.21's dtypes, shapes and error types
    y = tf.math.cumulative_logsumexp(tf.constant([1.0, 2.0], tf.float64))
    assert y.dtype == tf.float64
    np.testing.assert_allclose(y.numpy(), [1.0, 2.3132617])
    assert tf.math.cumulative_logsumexp(tf.constant([1.0, 2.0], tf.float16)).dtype == tf.float16
    assert tf.math.cumulative_logsumexp(tf.zeros((0, 2))).shape == (0, 2)
    assert not hasattr(tf, "cumulative_logsumexp")  # TensorFlow has it under tf.math only
    for bad, kwargs in [(tf.constant([1, 2]), {}), (tf.constant(1.0), {}),
                        (tf.constant(_LSE_X), {"axis": 2}), (tf.constant([1 + 1j]), {})]:
        with pytest.raises(tf.errors.InvalidArgumentError):
            tf.math.cumulative_logsumexp(bad, **kwargs)
