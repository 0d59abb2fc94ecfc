"""Reductions beyond the op-spec table: forward values against NumPy, ties,
zeros, stability, dtypes and errors."""
import itertools
import warnings

import numpy as np
import pytest

import gradtape as tf
from gradtape.errors import InvalidArgumentError

RNG = np.random.default_rng(7)
X3 = RNG.uniform(-2.0, 2.0, (2, 3, 4))
AXES = [None, 0, 1, -1, (0, 2), (-1, -3), (0, 1, 2)]


def grad(f, x):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


# ---------------------------------------------------------------------------
# Forward values against NumPy, over axis x keepdims
# ---------------------------------------------------------------------------

def _numpy_logsumexp(x, axis, keepdims):
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))


NUMPY_REFERENCE = {
    tf.reduce_sum: np.sum, tf.reduce_mean: np.mean, tf.reduce_max: np.max,
    tf.reduce_min: np.min, tf.reduce_prod: np.prod, tf.reduce_logsumexp: _numpy_logsumexp,
    tf.math.reduce_variance: np.var, tf.math.reduce_std: np.std,
}


@pytest.mark.parametrize("fn", list(NUMPY_REFERENCE), ids=lambda f: f.__name__)
@pytest.mark.parametrize("axis,keepdims", list(itertools.product(AXES, [False, True])))
def test_forward_matches_numpy(fn, axis, keepdims):
    got = fn(tf.constant(X3), axis=axis, keepdims=keepdims)
    want = NUMPY_REFERENCE[fn](X3, axis=axis, keepdims=keepdims)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-13)


@pytest.mark.parametrize("axis,keepdims", list(itertools.product(AXES, [False, True])))
def test_logical_reductions_and_counts(axis, keepdims):
    b = X3 > 0.5
    assert np.array_equal(tf.reduce_any(b, axis, keepdims).numpy(), np.any(b, axis, keepdims=keepdims))
    assert np.array_equal(tf.reduce_all(b, axis, keepdims).numpy(), np.all(b, axis, keepdims=keepdims))
    n = tf.math.count_nonzero(np.where(b, X3, 0.0), axis, keepdims)
    assert n.dtype == tf.int64
    assert np.array_equal(n.numpy(), np.sum(b, axis, keepdims=keepdims))


def _scan_reference(x, axis, exclusive, reverse, combine, identity):
    """A cumulative op by an explicit loop along ``axis``."""
    x = np.moveaxis(x, axis, -1)
    n = x.shape[-1]
    out = np.empty_like(x)
    for k in range(n):
        window = [j for j in range(n)
                  if (j >= k if reverse else j <= k) and not (exclusive and j == k)]
        acc = np.full(x.shape[:-1], identity, x.dtype)
        for j in window:
            acc = combine(acc, x[..., j])
        out[..., k] = acc
    return np.moveaxis(out, -1, axis)


@pytest.mark.parametrize("fn,combine,identity", [(tf.cumsum, np.add, 0.0),
                                                 (tf.math.cumprod, np.multiply, 1.0)],
                         ids=["cumsum", "cumprod"])
@pytest.mark.parametrize("axis,exclusive,reverse",
                         list(itertools.product([0, 1, -1], [False, True], [False, True])))
def test_scans_match_loops(fn, combine, identity, axis, exclusive, reverse):
    got = fn(tf.constant(X3), axis=axis, exclusive=exclusive, reverse=reverse)
    want = _scan_reference(X3, axis, exclusive, reverse, combine, identity)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-13)


def test_argmax_argmin_follow_tensorflow():
    x = tf.constant([[1.0, 7.0, 7.0], [9.0, 0.0, 9.0]])
    assert tf.argmax(x).numpy().tolist() == [1, 0, 1]          # axis None means 0
    assert tf.argmax(x).dtype == tf.int64
    assert tf.argmax(x, axis=-1).numpy().tolist() == [1, 0]    # first of the ties
    assert tf.math.argmin(x, axis=1, output_type=tf.int32).numpy().tolist() == [0, 1]
    assert tf.math.argmin(x, axis=1, output_type=tf.int32).dtype == tf.int32


# ---------------------------------------------------------------------------
# Gradients with ties, zeros, extreme values
# ---------------------------------------------------------------------------

def test_max_and_min_split_the_gradient_evenly_among_ties():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    np.testing.assert_allclose(grad(lambda t: tf.reduce_max(t, axis=1), x).numpy(),
                               [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_allclose(grad(tf.reduce_min, np.array([[2.0, 5.0, 2.0], [2.0, 9.0, 9.0]])).numpy(),
                               [[1 / 3, 0, 1 / 3], [1 / 3, 0, 0]])
    xt = tf.constant(x)
    with tf.autodiff.ForwardAccumulator(xt, np.array([[0.0, 1.0, 3.0], [1.0, 1.0, 4.0]])) as acc:
        y = tf.reduce_max(xt, axis=1)
    np.testing.assert_allclose(acc.jvp(y).numpy(), [2.0, 2.0])


def test_prod_gradient_is_exact_at_zeros():
    x = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 4.0]])
    np.testing.assert_allclose(grad(lambda t: tf.reduce_prod(t, axis=1), x).numpy(),
                               [[0, 6, 0], [0, 0, 0], [8, 4, 2]])
    # second derivatives with a pair of zeros: d2/dx0 dx1 of x0 * x1 * 5 is 5
    pair = tf.constant([0.0, 0.0, 5.0])
    with tf.GradientTape() as outer:
        outer.watch(pair)
        with tf.GradientTape() as inner:
            inner.watch(pair)
            y = tf.reduce_prod(pair)
        g = inner.gradient(y, pair)
    hessian = outer.jacobian(g, pair)
    np.testing.assert_allclose(hessian.numpy(), [[0, 5, 0], [5, 0, 0], [0, 0, 0]])


def test_cumprod_gradient_is_exact_at_zeros():
    x = np.array([2.0, 0.0, 3.0, 4.0])
    # d/dx_j of sum_k cumprod_k: only the windows holding x_j, through the zero
    np.testing.assert_allclose(grad(lambda t: tf.reduce_sum(tf.math.cumprod(t)), x).numpy(),
                               [1.0, 2 + 6 + 24, 0.0, 0.0])


def test_logsumexp_is_stable():
    x = np.array([1000.0, 1000.0, -np.inf])
    y = tf.reduce_logsumexp(tf.constant(x))
    np.testing.assert_allclose(y.numpy(), 1000.0 + np.log(2.0))
    np.testing.assert_allclose(grad(tf.reduce_logsumexp, x).numpy(), [0.5, 0.5, 0.0])
    assert tf.reduce_logsumexp(tf.constant([-np.inf, -np.inf])).numpy() == -np.inf
    assert tf.reduce_logsumexp(tf.constant(-1000.0, tf.float32)).numpy() == np.float32(-1000.0)


def test_non_differentiable_reductions_cut_the_path():
    x = tf.constant(X3)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        index = tf.cast(tf.argmax(x, axis=0), tf.float64)
        flag = tf.cast(tf.reduce_any(x > 0.0), tf.float64)
        count = tf.cast(tf.math.count_nonzero(x), tf.float64)
    for y in (index, flag, count):
        assert tape.gradient(y, x) is None


# ---------------------------------------------------------------------------
# Edge shapes and dtypes
# ---------------------------------------------------------------------------

def test_empty_and_scalar_inputs():
    empty = tf.zeros((0, 3))
    assert tf.reduce_sum(empty, axis=0).numpy().tolist() == [0.0, 0.0, 0.0]
    assert tf.reduce_prod(empty, axis=0).numpy().tolist() == [1.0, 1.0, 1.0]
    assert tf.reduce_max(empty, axis=0).numpy().tolist() == [-np.inf] * 3
    assert tf.reduce_min(empty, axis=1).shape == (0,)
    assert tf.cumsum(empty, axis=0).shape == (0, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(tf.reduce_mean(empty, axis=0).numpy()).all()
        assert tf.reduce_mean(empty, keepdims=True).shape == (1, 1)
    np.testing.assert_array_equal(grad(lambda t: tf.reduce_sum(t, axis=0), np.zeros((0, 3))).numpy(),
                                  np.zeros((0, 3)))
    scalar = tf.constant(2.5)
    for fn in (tf.reduce_sum, tf.reduce_max, tf.reduce_prod, tf.reduce_logsumexp):
        assert fn(scalar).numpy() == np.float32(2.5)
        with pytest.raises(tf.errors.InvalidArgumentError):  # as TensorFlow: no axis 0
            fn(scalar, axis=0)


REDUCTIONS = [tf.reduce_sum, tf.reduce_mean, tf.reduce_max, tf.reduce_min, tf.reduce_prod,
              tf.reduce_logsumexp, tf.math.reduce_variance, tf.math.reduce_std]


@pytest.mark.parametrize("fn", REDUCTIONS + [tf.cumsum, tf.math.cumprod],
                         ids=lambda f: f.__name__)
def test_float32_in_float32_out(fn):
    x = tf.constant(X3.astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    g = tape.gradient(y, x)
    assert y.dtype == tf.float32 and g.dtype == tf.float32
    with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
        y = fn(x, axis=1)
    assert acc.jvp(y).dtype == tf.float32


@pytest.mark.parametrize("fn,ref", [(tf.reduce_max, np.max), (tf.reduce_min, np.min),
                                    (tf.reduce_prod, np.prod), (tf.reduce_sum, np.sum)],
                         ids=["max", "min", "prod", "sum"])
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_integer_inputs_work_forward(fn, ref, dtype):
    x = np.array([[3, -1, 4], [1, 5, -9]], dtype)
    y = fn(tf.constant(x), axis=1)
    assert y.dtype == tf.as_dtype(dtype)
    assert y.numpy().tolist() == ref(x, axis=1).tolist()
    xt = tf.constant(x)
    with pytest.warns(UserWarning, match="floating"):
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = fn(xt)
        assert tape.gradient(y, xt) is None


def test_integer_scans_keep_their_dtype():
    x = tf.constant([1, 2, 3], tf.int32)
    assert tf.cumsum(x).dtype == tf.int32
    assert tf.math.cumprod(x, reverse=True).numpy().tolist() == [6, 6, 3]


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("call,error,words", [
    (lambda: tf.reduce_max(tf.zeros((2, 3)), axis=2), InvalidArgumentError, "reduce_max"),
    (lambda: tf.reduce_prod(tf.zeros((2, 3)), axis=(0, -2)), InvalidArgumentError, "repeats"),
    (lambda: tf.reduce_any(tf.zeros(3)), TypeError, "bool"),
    (lambda: tf.reduce_logsumexp(tf.constant([1, 2])), TypeError, "int32"),
    (lambda: tf.math.reduce_std(tf.constant([1, 2])), TypeError, "reduce_std"),
    (lambda: tf.argmax(tf.constant(1.0)), InvalidArgumentError, "rank"),
    (lambda: tf.argmax(tf.zeros((0, 2))), InvalidArgumentError, "empty"),
    (lambda: tf.argmax(tf.zeros(2), output_type=tf.float32), TypeError, "output_type"),
    (lambda: tf.cumsum(tf.zeros((2, 2)), axis=(0, 1)), TypeError, "single int"),
    (lambda: tf.math.cumprod(tf.constant(1.0)), InvalidArgumentError, "rank"),
])
def test_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()
