"""map_fn, vectorized_map, scan, foldl, foldr: TensorFlow's values, structures,
errors and gradients (the numbers in comments were given by TensorFlow 2.21)."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

from ._tf import assert_tf, value_and_grads

X = [[1.0, 2.0], [3.0, 4.0]]
V = [1.0, 2.0, 3.0, 4.0]


def _values(t):
    return [np.asarray(a) for a in tf.nest.flatten(t)]


# -- values and structures, each recorded from TensorFlow ----------------------------
@pytest.mark.parametrize("fn,want", [
    (lambda: tf.map_fn(lambda r: r * 2, tf.constant(X)), [[[2, 4], [6, 8]]]),
    (lambda: tf.map_fn(lambda t: (t[0], t[1] * 2), (tf.constant(X), tf.constant(X))),
     [X, [[2, 4], [6, 8]]]),
    (lambda: tf.map_fn(lambda t: t[0] + t[1], (tf.constant(X), tf.constant(X)),
                       fn_output_signature=tf.float32), [[[2, 4], [6, 8]]]),
    (lambda: tf.scan(lambda a, e: a + e, tf.constant(V)), [[1, 3, 6, 10]]),
    (lambda: tf.scan(lambda a, e: a + e, tf.constant(V), initializer=10.0), [[11, 13, 16, 20]]),
    (lambda: tf.scan(lambda a, e: a + e, tf.constant(V), reverse=True), [[10, 9, 7, 4]]),
    (lambda: tf.scan(lambda a, e: (a[0] + e, a[1] * e), tf.constant([1.0, 2.0, 3.0]),
                     initializer=(0.0, 1.0)), [[1, 3, 6], [1, 2, 6]]),
    (lambda: tf.scan(lambda a, e: a + e[0] * e[1],
                     (tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])), initializer=0.0),
     [[3, 11]]),
    (lambda: tf.scan(lambda a, e: (a[0] + e[0], a[1] + e[1]),
                     (tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0]))), [[1, 3], [3, 7]]),
    (lambda: tf.foldl(lambda a, e: a + e, tf.constant(V)), [10]),
    (lambda: tf.foldl(lambda a, e: a * e, tf.constant(V), initializer=2.0), [48]),
    (lambda: tf.foldl(lambda a, e: a - e, tf.constant(V)), [-8]),
    (lambda: tf.foldr(lambda a, e: a - e, tf.constant(V)), [-2]),
    (lambda: tf.foldl(lambda a, e: a + e, tf.zeros((0,)), initializer=1.0), [1]),
    (lambda: tf.vectorized_map(lambda r: tf.reduce_sum(r * r), tf.constant(X)), [[5, 25]]),
    (lambda: tf.vectorized_map(lambda t: t[0] * t[1], (tf.constant(X), tf.constant(X))),
     [[[1, 4], [9, 16]]]),
    (lambda: tf.vectorized_map(lambda r: 1.0, tf.constant(X)), [[1, 1]]),
])
def test_values_are_tensorflows(fn, want):
    got = _values(fn())
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, np.asarray(w, np.float32))
        assert g.dtype == np.float32


def test_structures_are_tensorflows():
    out = tf.scan(lambda a, e: (a[0] + e, a[1] * e), tf.constant([1.0, 2.0]),
                  initializer=(0.0, 1.0))
    assert isinstance(out, tuple) and len(out) == 2
    out = tf.map_fn(lambda t: {"s": t["a"] + t["b"], "d": t["a"] - t["b"]},
                    {"a": tf.constant([1.0, 2.0]), "b": tf.constant([3.0, 5.0])},
                    fn_output_signature={"s": tf.float32, "d": tf.float32})
    assert sorted(out) == ["d", "s"]
    np.testing.assert_array_equal(out["d"].numpy(), [-2.0, -3.0])


def test_map_fn_output_dtype_follows_the_signature():
    got = tf.map_fn(lambda r: tf.cast(r, tf.int32), tf.constant(X), fn_output_signature=tf.int32)
    assert got.dtype == tf.int32
    np.testing.assert_array_equal(got.numpy(), [[1, 2], [3, 4]])


def test_empty_elems():
    # TensorFlow: map_fn over no rows gives shape (0,); scan with an initializer too
    assert tf.map_fn(lambda r: r * 2, tf.zeros((0, 3))).shape == (0,)
    assert tf.scan(lambda a, e: a + e, tf.zeros((0,)), initializer=1.0).shape == (0,)


@pytest.mark.parametrize("call,kind,text", [
    (lambda: tf.map_fn(lambda t: t[0] + t[1], (tf.constant(X), tf.constant(X))), ValueError,
     "don't have the same nested structure"),
    (lambda: tf.map_fn(lambda r: tf.cast(r, tf.int32), tf.constant(X)),
     tf.errors.InvalidArgumentError, "TensorArray dtype is float32 but Op is trying to write "
     "dtype int32"),
    (lambda: tf.map_fn(lambda r: r, tf.constant(3.0)), ValueError,
     "Elements in elems must be 1+ dimensional Tensors, not scalars"),
    (lambda: tf.map_fn(lambda r: r, [1.0, 2.0]), ValueError,
     "Elements in elems must be 1+ dimensional Tensors, not scalars"),
    (lambda: tf.map_fn(lambda t: t[0], (tf.constant(X), tf.ones((3,)))), ValueError,
     "Dimensions 2 and 3 are not compatible"),
    (lambda: tf.foldl(lambda a, e: a + e, tf.zeros((0,))), tf.errors.OutOfRangeError,
     "Tried to read from index 0 but array size is: 0"),
    (lambda: tf.scan(lambda a, e: a + e, tf.zeros((0,))), tf.errors.OutOfRangeError,
     "Tried to read from index 0 but array size is: 0"),
    (lambda: tf.scan(lambda a, e: (a, a), tf.constant(V)), ValueError,
     "don't have the same nested structure"),
])
def test_errors_are_tensorflows(call, kind, text):
    with pytest.raises(kind, match=text.replace("(", r"\(").replace("+", r"\+")):
        call()


# -- gradients: TensorFlow's numbers, then central differences -------------------------
@pytest.fixture
def xw():
    return tf.Variable(X), tf.Variable([0.5, -1.5])


def test_gradients_are_tensorflows(xw):
    x, w = xw
    cases = {
        "map_fn": (lambda: tf.reduce_sum(tf.map_fn(lambda r: tf.sin(r) * w, x) ** 2),
                   (3.3310335, [[0.22732434, -1.7028056], [-0.06985387, 2.2260559]],
                    [0.72798824, -4.198715])),
        "vectorized_map": (
            lambda: tf.reduce_sum(tf.vectorized_map(lambda r: tf.reduce_sum(r * w) ** 2, x)),
            (26.5, [[-2.5, 7.5], [-4.5, 13.5]], [-32.0, -46.0])),
        "scan": (lambda: tf.reduce_sum(tf.scan(lambda a, e: a * e + w, x,
                                               initializer=tf.constant([1.0, 1.0]))),
                 (7.5, [[4.0, 5.0], [1.5, 0.5]], [5.0, 6.0])),
        "scan reverse": (lambda: tf.reduce_sum(tf.scan(lambda a, e: a * e + w, x,
                                                       reverse=True) ** 2),
                         (79.5, [[21.0, 52.0], [13.0, 34.0]], [7.0, 13.0])),
        "foldl": (lambda: tf.reduce_sum(tf.foldl(lambda a, e: a * e + w, x)),
                  (10.0, [[3.0, 4.0], [1.0, 2.0]], [1.0, 1.0])),
        "foldr": (lambda: tf.reduce_sum(tf.foldr(lambda a, e: tf.tanh(a * e) + w, x,
                                                 initializer=tf.constant([0.3, 0.7]))),
                  (-0.9291556, [[0.3610207, -0.20833305], [0.04335794, 0.00844045]],
                   [1.2968193, 1.8212298])),
    }
    for name, (f, want) in cases.items():
        assert_tf(value_and_grads(f, x, w), want), name


@pytest.mark.parametrize("f", [
    lambda x, w: tf.map_fn(lambda r: tf.sin(r) * w, x),
    lambda x, w: tf.map_fn(lambda t: (t[0] * t[1], tf.exp(t[0])), (x, x * w)),
    lambda x, w: tf.vectorized_map(lambda r: tf.reduce_sum(r * w) ** 2, x),
    lambda x, w: tf.scan(lambda a, e: a * e + w, x, initializer=w * w),
    lambda x, w: tf.scan(lambda a, e: (a[0] * e, a[1] + tf.sin(e)), x, reverse=True,
                         initializer=(w, w)),
    lambda x, w: tf.foldl(lambda a, e: a * e + w, x),
    lambda x, w: tf.foldr(lambda a, e: tf.tanh(a * e) + w, x, initializer=w),
], ids=["map_fn", "map_fn_tuple", "vectorized_map", "scan", "scan_reverse_tuple", "foldl",
        "foldr"])
def test_gradients_match_central_differences(f):
    check_gradients(f, [[[1.0, 2.0], [0.3, -0.4]], [0.5, -1.5]], order=2)


def test_back_prop_false_stops_gradients():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.map_fn(lambda e: e * e, x, back_prop=False))
    assert tape.gradient(y, x) is None


def test_compiled_function_replays_the_unrolled_loop():
    f = tf.function(lambda x: tf.scan(lambda a, e: a * e, x))
    np.testing.assert_allclose(f(tf.constant([1.0, 2.0, 3.0])).numpy(), [1.0, 2.0, 6.0])
    np.testing.assert_allclose(f(tf.constant([2.0, 2.0, 2.0])).numpy(), [2.0, 4.0, 8.0])
