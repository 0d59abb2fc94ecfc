"""Cheaper paths inside rules give the same values and derivatives as the
general formulas: constant exponents of ``pow``, the fused derivative ops of
tanh, sigmoid and square, and cotangents with extra leading axes through them."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

EXPONENTS = [2, 3, 4, 1, 0.5, -0.5, -1, -2, -3, -4, 1.5, 2.5, 5, -1.5]


def _positive(shape, seed=0):
    return np.random.default_rng(seed).uniform(0.5, 2.0, size=shape)


@pytest.mark.parametrize("e", EXPONENTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_constant_exponent_values_match_numpy_power(e, dtype):
    x = np.concatenate([_positive(7), -_positive(5, 1)]).astype(dtype)
    if e != int(e):
        x = np.abs(x)
    got = (tf.constant(x) ** e).numpy()
    want = np.power(x, dtype(e))
    assert got.dtype == dtype
    np.testing.assert_allclose(got, want, rtol=4 * np.finfo(dtype).eps, atol=0)


@pytest.mark.parametrize("e", EXPONENTS + [0])
def test_constant_exponent_first_and_second_derivatives(e):
    shape = (2, 3)
    check_gradients(lambda x: x ** e, [_positive(shape)], order=2)
    check_gradients(lambda x: tf.pow(x, e) * x, [_positive(shape, 2)], order=2)


@pytest.mark.parametrize("e", [2, 3, -1, 0.5])
def test_constant_exponent_matches_tensor_exponent_path(e):
    x = tf.constant(_positive((4,)))
    for y in (tf.constant(float(e), tf.float64), e):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                z = tf.reduce_sum(x ** y)
            g = inner.gradient(z, x)
        h = outer.gradient(g, x)
        if isinstance(y, tf.Tensor):
            want = z.numpy(), g.numpy(), h.numpy()
        else:
            np.testing.assert_allclose(z.numpy(), want[0], rtol=1e-14)
            np.testing.assert_allclose(g.numpy(), want[1], rtol=1e-14)
            np.testing.assert_allclose(h.numpy(), want[2], rtol=1e-14)


def test_a_watched_exponent_still_gets_its_gradient():
    x = tf.constant([1.5, 2.0])
    y = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(y)
        z = tf.reduce_sum(x ** y)
    np.testing.assert_allclose(tape.gradient(z, y).numpy(),
                               np.sum(np.array([1.5, 2.0]) ** 2 * np.log([1.5, 2.0])), rtol=1e-6)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_constant_exponent_special_values_and_dtypes():
    edges = np.array([0.0, -0.0, np.inf, -np.inf, np.nan], np.float32)
    for e in (0.5, -0.5, -1, -2, 3, 4, 1.5):
        got = (tf.constant(edges) ** e).numpy()
        want = np.power(edges, np.float32(e))
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(np.signbit(got), np.signbit(want))
    x = tf.constant([0.0, np.inf, np.nan, -2.0])
    np.testing.assert_array_equal((x ** 2).numpy(), [0.0, np.inf, np.nan, 4.0])
    np.testing.assert_array_equal((x ** -1).numpy(), [np.inf, 0.0, np.nan, -0.5])
    np.testing.assert_array_equal((x ** 3).numpy(), [0.0, np.inf, np.nan, -8.0])
    assert (x ** np.float64(2.0)).dtype == tf.float32
    ints = tf.constant([2, 3])
    np.testing.assert_array_equal((ints ** 2).numpy(), [4, 9])
    assert (ints ** 2).dtype == tf.int32


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_pow_gradient_at_zero_base_is_unchanged():
    # d/dx x**0 at 0 is 0 * 0**-1 = nan in TensorFlow; d/dx x**1 is 1 everywhere
    x = tf.constant([0.0, 2.0])
    for e, want in ((0, [np.nan, 0.0]), (1, [1.0, 1.0]), (2, [0.0, 4.0]), (3, [0.0, 12.0])):
        with tf.GradientTape() as tape:
            tape.watch(x)
            z = tf.reduce_sum(x ** e)
        np.testing.assert_array_equal(tape.gradient(z, x).numpy(), want)


@pytest.mark.parametrize("fn", [tf.tanh, tf.sigmoid, tf.square, lambda x: x ** 3],
                         ids=["tanh", "sigmoid", "square", "cube"])
def test_fused_rules_third_order(fn):
    x = tf.constant([0.3, -1.1], tf.float64)
    with tf.GradientTape() as t3:
        t3.watch(x)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = tf.reduce_sum(fn(x))
            g1 = t1.gradient(y, x)
        g2 = t2.gradient(g1, x)
    g3 = t3.gradient(g2, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    eps = 1e-4

    def second(v):
        v = tf.constant(v)
        with tf.GradientTape() as a:
            a.watch(v)
            with tf.GradientTape() as b:
                b.watch(v)
                y = tf.reduce_sum(fn(v))
            g = b.gradient(y, v)
        return a.gradient(g, v).numpy()
    xv = x.numpy()
    numeric = (second(xv + eps) - second(xv - eps)) / (2 * eps)
    np.testing.assert_allclose(g3.numpy(), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("fn", [tf.tanh, tf.sigmoid, tf.square, lambda x: x ** 3],
                         ids=["tanh", "sigmoid", "square", "cube"])
def test_fused_rules_vectorized_hessian_matches_looped(fn):
    x = tf.constant([0.3, -1.1, 0.7], tf.float64)

    def hessian(vectorize):
        with tf.GradientTape(persistent=True) as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.reduce_sum(fn(x) * x)
            g = inner.gradient(y, x)
        return outer.jacobian(g, x, experimental_use_pfor=vectorize).numpy()
    np.testing.assert_allclose(hessian(True), hessian(False), rtol=1e-12)
    with tf.autodiff.ForwardAccumulator(x, tf.eye(3, dtype=tf.float64)[0]) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(fn(x) * x)
        g = tape.gradient(y, x)
    np.testing.assert_allclose(acc.jvp(g).numpy(), hessian(True)[0], rtol=1e-12)


# ---------------------------------------------------------------------------
# erf and erfc: small arrays go element by element through the C library,
# large ones through the vectorized approximation; both agree to rounding
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [tf.math.erf, tf.math.erfc], ids=["erf", "erfc"])
def test_erf_small_and_large_arrays_agree(fn):
    values = np.concatenate([np.linspace(-6.0, 6.0, 190), [0.46875, -0.46875, 4.0, -4.0],
                             [np.nan, np.inf, -np.inf, 0.0, -0.0, 30.0, -30.0]])
    small = fn(tf.constant(values)).numpy()
    large = fn(tf.constant(np.tile(values, 8))).numpy()[:values.size]
    np.testing.assert_allclose(small, large, rtol=2e-15, atol=1e-300)
    np.testing.assert_array_equal(np.signbit(small), np.signbit(large))
    for dtype in (tf.float16, tf.float32):
        narrow = fn(tf.constant(values, dtype)).numpy()
        rounded = values.astype(narrow.dtype).astype(np.float64)
        np.testing.assert_array_equal(narrow, fn(tf.constant(rounded)).numpy().astype(narrow.dtype))


@pytest.mark.parametrize("fn", [tf.tanh, tf.sigmoid, tf.square, lambda x: x ** 3],
                         ids=["tanh", "sigmoid", "square", "cube"])
def test_forward_over_reverse_hvp_has_correct_derivatives(fn):
    # differentiating an HVP reaches the JVPs of the fused gradient ops and
    # their own derivatives (third and fourth order of fn)
    direction = tf.constant([0.4, -1.3, 0.8], tf.float64)

    def hvp(x):
        with tf.autodiff.ForwardAccumulator(x, direction) as acc:
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = tf.reduce_sum(fn(x) * x)
            g = tape.gradient(y, x)
        return acc.jvp(g)
    check_gradients(hvp, [np.array([0.3, -1.1, 0.7])], order=2)


@pytest.mark.parametrize("shape,axis", [((300, 300), None), ((300, 300), 0), ((4,), None)])
def test_reduction_gradients_small_and_large(shape, axis):
    # large reduced cotangents come back as broadcast views, small ones filled
    x = tf.constant(np.random.default_rng(3).standard_normal(shape))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        total = tf.reduce_sum(x * 3.0, axis=axis)
        mean = tf.reduce_mean(x, axis=axis)
    n = x.shape[0] if axis == 0 else int(np.prod(shape))
    np.testing.assert_array_equal(tape.gradient(total, x).numpy(), np.full(shape, 3.0))
    np.testing.assert_allclose(tape.gradient(mean, x).numpy(), np.full(shape, 1.0 / n), rtol=1e-15)


def test_sparse_xent_fast_path_gives_plus_zero_and_matches_the_portable_formula():
    # the label's logit is the max and the others underflow: the loss is exactly 0,
    # and +0.0 (the NumPy path drops the portable formula's "+ 0")
    logits = np.array([[0.0, -200.0], [-0.0, -200.0], [-200.0, -0.0], [3.0, 3.0]], np.float32)
    labels = np.array([0, 0, 1, 1], np.int32)
    got = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits).numpy()
    np.testing.assert_array_equal(got[:3], [0.0, 0.0, 0.0])
    assert not np.signbit(got).any()
    shifted = logits - logits.max(axis=-1, keepdims=True)
    want = np.log(np.exp(shifted).sum(-1)) - shifted[np.arange(4), labels]
    np.testing.assert_allclose(got, want, rtol=1e-6)


@pytest.mark.parametrize("shape", [(5,), (3, 5), (2, 3, 5)])
def test_sparse_xent_fast_path_any_rank(shape):
    rng = np.random.default_rng(3)
    logits = rng.standard_normal(shape)
    labels = rng.integers(0, shape[-1], shape[:-1]).astype(np.int64)
    check_gradients(lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=x), [logits])
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    picked = np.take_along_axis(probs, labels[..., None], -1)[..., 0]
    got = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits).numpy()
    np.testing.assert_allclose(got, -np.log(picked), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int8, np.int32,
                                   np.uint8])
def test_relu_keeps_the_dtype(dtype):
    x = np.array([-3, 0, 2], dtype) if np.dtype(dtype).kind != "u" else np.array([0, 2], dtype)
    got = tf.nn.relu(tf.constant(x))
    assert got.dtype == tf.as_dtype(dtype)
    np.testing.assert_array_equal(got.numpy(), np.maximum(x, 0))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_reduce_mean_values_dtypes_and_gradient_scale(dtype, axis):
    x = np.arange(12, dtype=dtype).reshape(3, 4) / 7
    got = tf.reduce_mean(tf.constant(x), axis=axis)
    assert got.dtype == tf.as_dtype(dtype)
    np.testing.assert_allclose(got.numpy(), x.astype(np.float64).mean(axis=axis),
                               rtol=1e-3 if dtype == np.float16 else 1e-6)
    v = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = tf.reduce_mean(v, axis=axis)
    n = x.size if axis is None else x.shape[axis]
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), np.full(x.shape, dtype(1 / n)))


# ---------------------------------------------------------------------------
# NumPy VJPs of the training ops against their Tensor VJPs, bit for bit
# (NaN, inf and the sign of zero included)
# ---------------------------------------------------------------------------

def _same_bits(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got.real), np.signbit(want.real))


def _both_vjps(name, i, ct, ans, *inputs, **params):
    from gradtape._core.tensor import wrap
    from gradtape.extend import OPS
    op = OPS[name]
    fast = op.numpy_vjps[i](ct, ans, *inputs, **params)
    slow = op.vjps[i](wrap(np.asarray(ct)), None if ans is None else wrap(ans),
                      *[wrap(x) for x in inputs], **params)
    return fast, slow.numpy()


_SPECIAL = [0.0, -0.0, 1.5, -2.0, np.inf, -np.inf, np.nan, 3e-39]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # inf * 0 in both rules
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_relu_numpy_vjp_matches_the_tensor_rule(dtype):
    rng = np.random.default_rng(5)
    x = rng.choice(np.array(_SPECIAL, dtype), (8, 8))
    ct = rng.choice(np.array(_SPECIAL, dtype), (8, 8))
    ans = np.maximum(x, dtype(0))
    _same_bits(*_both_vjps("relu", 0, ct, ans, x))
    # a cotangent of another dtype (kept as the product's dtype) and a 0-d output
    _same_bits(*_both_vjps("relu", 0, ct.astype(np.float64), ans, x))
    _same_bits(*_both_vjps("relu", 0, dtype(-2.0), np.maximum(dtype(-1.0), dtype(0)), dtype(-1.0)))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64])
def test_tanh_numpy_vjp_matches_the_tensor_rule(dtype):
    rng = np.random.default_rng(6)
    x = rng.choice(np.array(_SPECIAL, np.float64), (4, 6)).astype(dtype)
    ct = rng.choice(np.array(_SPECIAL, np.float64), (4, 6)).astype(dtype)
    with np.errstate(invalid="ignore"):
        ans = np.tanh(x)
        _same_bits(*_both_vjps("tanh", 0, ct, ans, x))
        _same_bits(*_both_vjps("tanh", 0, ct[0], ans, x))  # a cotangent that broadcasts
        _same_bits(*_both_vjps("tanh", 0, ct[0, 0], ans[0, 0], x[0, 0]))  # 0-d values


@pytest.mark.parametrize("shape,axes,keepdims", [
    ((32,), (-1,), False), ((3, 4), (-2, -1), False), ((3, 4), (-2,), False),
    ((3, 4), (-1,), True), ((2, 3, 4), (-3, -1), False), ((2, 3, 4), (-2,), True),
    ((), (), False), ((300, 300), (-2, -1), False), ((300, 300), (-1,), False)])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_sum_and_mean_numpy_vjps_match_the_tensor_rules(shape, axes, keepdims, dtype):
    from gradtape._core.reverse import Meta
    rng = np.random.default_rng(7)
    x = Meta(shape, np.dtype(dtype))
    nd = len(shape)
    out_shape = tuple(1 if i - nd in axes else d for i, d in enumerate(shape))
    if not keepdims:
        out_shape = tuple(d for i, d in enumerate(shape) if i - nd not in axes)
    for lead in ((), (2,)):  # a cotangent with a leading batch axis too
        ct = (rng.standard_normal(lead + out_shape) * 3).astype(dtype)
        if ct.size:
            ct.flat[0] = -0.0
        params = {"axes": axes, "keepdims": keepdims}
        for name in ("reduce_sum", "reduce_mean"):
            fast, slow = _both_vjps(name, 0, ct, None, x, **params)
            _same_bits(fast, slow)
    if not out_shape:  # the seed of a scalar loss: a 0-d array, and a NumPy scalar
        for ct in (np.ones((), dtype), dtype(-0.5)):
            for name in ("reduce_sum", "reduce_mean"):
                _same_bits(*_both_vjps(name, 0, ct, None, x, axes=axes, keepdims=keepdims))


@pytest.mark.parametrize("shape", [(5,), (32, 10), (2, 3, 5)])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_sparse_xent_numpy_vjp_matches_the_tensor_rule(shape, dtype):
    rng = np.random.default_rng(8)
    logits = (rng.standard_normal(shape) * 4).astype(dtype)
    labels = rng.integers(0, shape[-1], shape[:-1]).astype(np.int32)
    ct = rng.standard_normal(shape[:-1]).astype(dtype)
    fast, slow = _both_vjps("sparse_softmax_cross_entropy_with_logits", 0, ct, None,
                            logits, labels)
    np.testing.assert_allclose(fast, slow, rtol=2e-3 if dtype == np.float16 else 1e-6)
    assert fast.dtype == slow.dtype


def test_sparse_xent_numpy_vjp_subtracts_one_per_row():
    # softmax(x) - one_hot(labels), exactly: every row sums to (about) 0, the
    # label's entry is p - 1, the others p; a repeated label in another row is
    # its own row's entry
    from gradtape.extend import OPS
    logits = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    labels = np.array([2, 2, 0])
    got = OPS["sparse_softmax_cross_entropy_with_logits"].numpy_vjps[0](
        np.ones(3), None, logits, labels)
    p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    p[[0, 1, 2], labels] -= 1
    np.testing.assert_allclose(got, p, rtol=1e-15, atol=1e-16)


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint16",
                                   "uint32", "uint64"])
@pytest.mark.parametrize("n", [1, 10, 127, 128, 129, 255, 256, 300, 40000])
def test_label_range_check_with_one_reduction_matches_two(dtype, n):
    from gradtape.rules.nn import _ClassIds
    info = np.iinfo(dtype)
    edges = {v for v in (info.min, -1, 0, 1, n - 1, n, n + 1, info.max, 127, 128, 255, 256)
             if info.min <= v <= info.max}
    check = _ClassIds(n)
    for v in sorted(edges):
        for labels in (np.array([0, v], dtype), np.array([[v]], dtype)[:, ::-1],
                       np.array(v, dtype), np.array([v, 0], dtype).astype(
                           np.dtype(dtype).newbyteorder(">"))):
            want = bool(((labels >= 0) & (labels < n)).all())
            assert check(labels) is want, (labels, labels.dtype, n)
            if not labels.dtype.isnative or labels.dtype.name in ("uint16", "uint32", "uint64"):
                continue  # no gradtape dtype
            # the op itself: the NumPy forward's index checks ids of <= 32 bits
            logits = np.zeros(labels.shape + (n,), np.float32)
            if labels.dtype.name not in ("int32", "int64"):  # TensorFlow 2.21 has no kernel
                with pytest.raises(tf.errors.InvalidArgumentError, match="attr 'Tlabels'"):
                    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
            elif want:
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
            else:
                first = labels[(labels < 0) | (labels >= n)].flat[0]
                with pytest.raises(tf.errors.InvalidArgumentError,
                                   match=rf"label value of {first} which is outside"):
                    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    assert check(np.zeros(0, dtype)) is True


@pytest.mark.parametrize("dtype", [np.int32, np.int64])  # TensorFlow's only label dtypes
def test_negative_label_is_still_refused_with_tensorflows_message(dtype):
    logits = tf.zeros((2, 300))
    for bad, n in ((-1, 300), (-128, 300), (-1, 10)):
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=rf"received a label value of {bad} which is outside the "
                                 rf"valid range of \[0, {n}\)"):
            tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=np.array([0, bad], dtype), logits=logits[:, :n])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_tanh_numpy_vjp_on_numpy_scalars_matches_the_tensor_rule(dtype):
    # a chain of scalar ops hands the sweep NumPy scalars, not arrays
    for x in _SPECIAL:
        for ct in _SPECIAL:
            x_, ct_ = dtype(x), dtype(ct)
            fast, slow = _both_vjps("tanh", 0, ct_, np.tanh(x_), x_)
            assert type(fast) is dtype
            _same_bits(fast, slow)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])  # TensorFlow's only label dtypes
def test_a_label_out_of_range_on_a_replay_is_refused_for_every_id_dtype(dtype):
    logits = tf.Variable(np.zeros((3, 4), np.float32))

    @tf.function
    def loss(labels):
        with tf.GradientTape() as tape:
            out = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=labels, logits=logits))
        return out, tape.gradient(out, logits)
    loss(np.array([0, 1, 3], dtype))
    for bad in (4, 255) + ((-1, -7) if np.dtype(dtype).kind == "i" else ()):
        with pytest.raises(tf.errors.InvalidArgumentError, match=f"label value of {bad} "):
            loss(np.array([0, bad, 1], dtype))
    np.testing.assert_allclose(loss(np.array([3, 2, 1], dtype))[0].numpy(), np.log(4.0),
                               rtol=1e-6)


@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
@pytest.mark.parametrize("shapes", [((3, 4), (4, 5)), ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)),
                                    ((2, 3, 4), (2, 4, 5)), ((1, 3, 4), (2, 4, 5))])
def test_matmul_numpy_impl_is_the_impl_with_numpy(ta, tb, shapes):
    from gradtape.rules.linalg import _MATMUL, _matmul_impl
    rng = np.random.default_rng(9)
    sa, sb = shapes
    a = rng.standard_normal(sa[:-2] + (sa[-1], sa[-2]) if ta else sa).astype(np.float32)
    b = rng.standard_normal(sb[:-2] + (sb[-1], sb[-2]) if tb else sb).astype(np.float32)
    want = _matmul_impl(np, a, b, ta, tb)
    _same_bits(_MATMUL.numpy_impl(a, b, transpose_a=ta, transpose_b=tb), want)
    got = tf.matmul(a, b, transpose_a=ta, transpose_b=tb).numpy()
    _same_bits(got, want)


def test_matmul_of_two_matrices_keeps_every_check_and_error():
    a, b = tf.ones((2, 3)), tf.ones((3, 4))
    _same_bits(tf.matmul(a, b).numpy(), np.full((2, 4), 3.0, np.float32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Matrix size-incompatible"):
        tf.matmul(a, tf.ones((4, 3)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="rank >= 2"):
        tf.matmul(a, tf.ones(3))
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a float"):
        tf.matmul(a, tf.ones((3, 4), tf.float64))
    with pytest.raises(ValueError, match="only one of transpose_a and adjoint_a"):
        tf.matmul(a, b, transpose_a=True, adjoint_a=True)
    # a Python list takes the other operand's dtype
    _same_bits(tf.matmul([[1.0, 2.0, 3.0]], b).numpy(), np.full((1, 4), 6.0, np.float32))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_relu_of_floats_is_numpys_maximum_with_0_bit_for_bit(dtype):
    x = np.array(_SPECIAL + [-3e-39, -1.0], dtype)
    _same_bits(tf.nn.relu(x).numpy(), np.maximum(x, 0))
    for v in x:  # 0-d values too
        _same_bits(tf.nn.relu(tf.constant(v)).numpy(), np.maximum(v, 0))


@pytest.mark.parametrize("make", [np.int32, np.array, lambda v: np.array(v, np.int64),
                                  lambda v: tf.constant(v)])
def test_one_label_of_a_single_row_is_range_checked_eagerly_and_on_a_replay(make):
    logits = tf.constant([0.0, 1.0, 2.0])
    xent = tf.nn.sparse_softmax_cross_entropy_with_logits
    fast = tf.function(lambda labels: xent(labels=labels, logits=logits))
    np.testing.assert_allclose(fast(make(2)).numpy(), xent(labels=make(2), logits=logits).numpy())
    for bad in (-1, 3):
        with pytest.raises(tf.errors.InvalidArgumentError, match=f"label value of {bad} "):
            xent(labels=make(bad), logits=logits)
        with pytest.raises(tf.errors.InvalidArgumentError, match=f"label value of {bad} "):
            fast(make(bad))
