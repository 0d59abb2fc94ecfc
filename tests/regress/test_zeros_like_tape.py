"""zeros_like, ones_like, fill and zeros(shape(x)) on a tape, as TensorFlow 2.21.

TensorFlow records ZerosLike and OnesLike with no gradient: a Variable passed
in is read (so watched), the gradient through them is None (zeros with
'zero'), and their result, computed from a watched tensor, is on the tape, so
a gradient *with respect to it* exists.  ``fill`` and ``zeros`` take a shape
(an integer tensor): their result is not on the tape.  Every expected value
below is what TensorFlow 2.21 gives.
"""
import numpy as np
import pytest

import gradtape as tf

ZERO = tf.UnconnectedGradients.ZERO

FILLS = {
    "zeros_like": lambda x: tf.zeros_like(x),
    "ones_like": lambda x: tf.ones_like(x),
    "zeros_like_float64": lambda x: tf.zeros_like(x, dtype=tf.float64),
    "zeros_like_int32": lambda x: tf.zeros_like(x, dtype=tf.int32),
    "zeros_like_of_product": lambda x: tf.zeros_like(x * x),
    "ones_like_of_product": lambda x: tf.ones_like(x * x),
    "fill": lambda x: tf.fill(tf.shape(x), 3.0),
    "zeros_of_shape": lambda x: tf.zeros(tf.shape(x)),
    "ones_of_shape": lambda x: tf.ones(tf.shape(x)),
}
SOURCES = {
    "constant": lambda: tf.constant([1.0, 2.0]),
    "variable": lambda: tf.Variable([1.0, 2.0]),
}
CASES = [(f, s) for f in FILLS for s in SOURCES]


def _taped(fill, source, persistent=False):
    x = SOURCES[source]()
    with tf.GradientTape(persistent=persistent) as tape:
        tape.watch(x)
        y = FILLS[fill](x)
    return tape, x, y


@pytest.mark.parametrize("fill,source", CASES)
def test_gradient_is_none(fill, source):
    tape, x, y = _taped(fill, source)
    assert tape.gradient(y, x) is None


@pytest.mark.parametrize("fill,source", CASES)
def test_gradient_with_zero_is_zeros_of_the_source_dtype(fill, source):
    tape, x, y = _taped(fill, source)
    g = tape.gradient(y, x, unconnected_gradients=ZERO)
    assert g.dtype == tf.float32
    np.testing.assert_array_equal(g.numpy(), [0.0, 0.0])


@pytest.mark.parametrize("fill,source", CASES)
def test_persistent_tape_gives_none_each_time(fill, source):
    tape, x, y = _taped(fill, source, persistent=True)
    assert tape.gradient(y, x) is None and tape.gradient(y, x) is None


@pytest.mark.parametrize("fill,source", CASES)
def test_jacobian(fill, source):
    tape, x, y = _taped(fill, source, persistent=True)
    assert tape.jacobian(y, x) is None
    j = tape.jacobian(y, x, unconnected_gradients=ZERO)
    assert j.dtype == tf.float32
    np.testing.assert_array_equal(j.numpy(), np.zeros((2, 2)))


@pytest.mark.parametrize("fill,source", CASES)
def test_jvp_is_none_and_zeros_of_the_target_dtype_with_zero(fill, source):
    x = SOURCES[source]()
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 1.0])) as acc:
        y = FILLS[fill](x)
    assert acc.jvp(y) is None
    t = acc.jvp(y, unconnected_gradients=ZERO)
    assert t.dtype == y.dtype   # TensorFlow: float32, float64 or int32, as the target
    np.testing.assert_array_equal(t.numpy(), [0, 0])


@pytest.mark.parametrize("fill,expected", [("zeros_like", [0.0, 0.0]), ("ones_like", [1.0, 1.0])])
@pytest.mark.parametrize("source", SOURCES)
def test_products_and_sums_with_x(fill, expected, source):
    x = SOURCES[source]()
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        product = FILLS[fill](x) * x
        total = tf.zeros_like(x) + x
    np.testing.assert_array_equal(tape.gradient(product, x).numpy(), expected)
    np.testing.assert_array_equal(tape.jacobian(product, x).numpy(), np.diag(expected))
    np.testing.assert_array_equal(tape.gradient(total, x).numpy(), [1.0, 1.0])


@pytest.mark.parametrize("fill", list(FILLS))
def test_a_variable_passed_in_is_read_so_watched(fill):
    # TensorFlow: the Variable is in watched_variables() (zeros_like, ones_like,
    # and shape() all read it); the gradient is still None
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = FILLS[fill](v)
    assert [w is v for w in tape.watched_variables()] == [True]
    assert tape.gradient(y, v) is None


@pytest.mark.parametrize("op", [tf.shape, tf.size, tf.rank])
def test_shape_size_rank_read_a_variable(op):
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        op(v)
    assert len(tape.watched_variables()) == 1


@pytest.mark.parametrize("fill,expected", [("zeros_like", [1.0, 2.0]), ("ones_like", [1.0, 2.0]),
                                           ("fill", None), ("zeros_of_shape", None)])
def test_gradient_with_respect_to_the_result(fill, expected):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        z = FILLS[fill](x)
        y = z * x
    g = tape.gradient(y, z)
    if expected is None:
        assert g is None
    else:
        np.testing.assert_array_equal(g.numpy(), expected)


def test_gradient_with_respect_to_the_result_of_a_variable():
    v, x = tf.Variable([1.0, 2.0]), tf.constant([5.0, 7.0])
    with tf.GradientTape() as tape:
        z = tf.ones_like(v)
        y = z * x
    np.testing.assert_array_equal(tape.gradient(y, z).numpy(), [5.0, 7.0])


def test_an_integer_result_starts_no_gradient():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = tf.zeros_like(x, dtype=tf.int32)
        y = tf.cast(z, tf.float32) * x
    with pytest.warns(UserWarning, match="must be floating"):
        assert tape.gradient(y, z) is None


def test_second_order_is_none():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.ones_like(x)
        g = inner.gradient(y, x, unconnected_gradients=ZERO)
    assert outer.gradient(g, x) is None


@pytest.mark.parametrize("fill", list(FILLS))
def test_batch_jacobian_is_zeros_of_the_target_dtype(fill):
    x = tf.constant([[1.0, 2.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = FILLS[fill](x)
    j = tape.batch_jacobian(y, x)
    # TensorFlow: zeros of shape (1, 2, 2) of the target's dtype (int32 included)
    assert j.dtype == y.dtype and j.shape == (1, 2, 2)
    assert not np.any(j.numpy())
    jz = tape.batch_jacobian(y, x, unconnected_gradients=ZERO)
    assert jz.dtype == tf.float32 and not np.any(jz.numpy())


def test_batch_jacobian_of_an_integer_target_is_integer_zeros():
    x = tf.constant([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cast(x, tf.int32)
    j = tape.batch_jacobian(y, x)
    assert j.dtype == tf.int32 and j.shape == (1, 2, 2)


def test_compiled_zeros_like_follows_its_argument():
    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.ones_like(x) * x
        return tf.zeros_like(x) + y, tape.gradient(y, x)

    for value in ([1.0, 2.0], [3.0, -4.0]):
        out, g = f(tf.constant(value))
        np.testing.assert_array_equal(out.numpy(), value)
        np.testing.assert_array_equal(g.numpy(), [1.0, 1.0])
