"""Shape, indexing and creation ops: values against NumPy, TensorFlow's dtype
rules and error messages, and the batch axes of their JVP and second-order
VJP rules (the op-spec table checks first and second order gradients)."""
import numpy as np
import pytest

import gradtape as tf
from gradtape._core import nest, trace
from tests.opspec import cases
from tests.specs import indexing as indexing_specs, shape as shape_specs

ARRAY_SPECS = shape_specs.SPECS + indexing_specs.SPECS
rng = np.random.default_rng(7)


def _split(sample):
    return sample.arrays, sample.params


# ---------------------------------------------------------------------------
# Batch axes in JVP rules and in VJPs of VJPs
# ---------------------------------------------------------------------------

def _ops_of(*modules):
    ops = set()
    for m in modules:
        for v in vars(m).values():
            if isinstance(v, trace.Op):
                ops.add(v)
            elif isinstance(v, dict):
                ops.update(o for o in v.values() if isinstance(o, trace.Op))
            elif isinstance(getattr(v, "cache", None), dict):  # one Op per arity
                ops.update(o for o in v.cache.values() if isinstance(o, trace.Op))
    return ops


def _array_ops():
    from gradtape.rules import indexing, rearrange, shape
    return _ops_of(shape, indexing, rearrange)


class _BatchedJvpProbe(trace.Recorder):
    """A recorder that checks, for every array op it sees, that the op's JVP on
    a tangent with two leading batch rows equals the JVP of each row alone.
    (Elementwise ops are left out: a batched tangent of a lower-rank operand
    of a broadcasting op is not defined.)"""

    def __init__(self):
        self.checked = []

    def record(self, op, inputs, out, params):
        if op not in _array_ops() or not op.batch_jvp:
            return
        if not all(x._value.dtype.kind == "f" for x in inputs):
            return
        rows = [[tf.constant(rng.standard_normal(x._value.shape).astype(x._value.dtype))
                 for x in inputs] for _ in range(2)]
        with trace.outside(self):
            batched = op.jvp([tf.stack([r[i] for r in rows]) for i in range(len(inputs))],
                             out, *inputs, **params)
            single = [op.jvp(r, out, *inputs, **params) for r in rows]
        for k, row in enumerate(single):
            for b, s in zip(nest.flatten(batched), nest.flatten(row)):
                np.testing.assert_allclose(b.numpy()[k], s.numpy(), rtol=1e-12, atol=1e-12,
                                           err_msg=f"op {op.name}")
        self.checked.append(op.name)

    def watch_variable(self, var):
        pass


@pytest.mark.parametrize("spec,sample", cases(ARRAY_SPECS))
def test_jvp_rules_take_batch_axes(spec, sample):
    arrays, params = _split(sample)
    probe = _BatchedJvpProbe()
    trace.push(probe)
    try:
        spec.fn(*[tf.constant(a) for a in arrays], *params)
    finally:
        trace.pop(probe)
    # every sample runs an array op, except a fill to shape () (the value itself)
    assert probe.checked or (spec.name == "fill" and params[0] == [])


@pytest.mark.parametrize("spec,sample", cases(ARRAY_SPECS))
def test_jacobian_of_gradient_vectorized_equals_loop(spec, sample):
    arrays, params = _split(sample)
    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(xs)
        with tf.GradientTape() as inner:
            inner.watch(xs)
            y = nest.flatten(spec.fn(*xs, *params))[0]
            w = tf.constant(rng.standard_normal(y.shape))
            loss = tf.reduce_sum(y * w * y)
        grads = inner.gradient(loss, xs, unconnected_gradients="zero")
    g = tf.concat([tf.reshape(gi, (-1,)) for gi in grads], axis=0)
    fast = outer.jacobian(g, xs, unconnected_gradients="zero")
    slow = outer.jacobian(g, xs, unconnected_gradients="zero", experimental_use_pfor=False)
    for f, s in zip(fast, slow):
        np.testing.assert_allclose(f.numpy(), s.numpy(), rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------
# Values against NumPy
# ---------------------------------------------------------------------------

X = np.arange(24.0).reshape(2, 3, 4).astype(np.float32)


def test_unstack_and_split_values():
    parts = tf.unstack(tf.constant(X), axis=-2)
    assert len(parts) == 3 and all(p.shape == (2, 4) for p in parts)
    np.testing.assert_array_equal(parts[1].numpy(), X[:, 1])
    assert tf.unstack(tf.zeros((0, 2))) == []
    pieces = tf.split(tf.constant(X), [1, -1], axis=2)
    np.testing.assert_array_equal(pieces[1].numpy(), X[..., 1:])
    assert [p.shape for p in tf.split(tf.constant(X), 2, axis=0)] == [(1, 3, 4)] * 2


def test_tile_pad_values():
    np.testing.assert_array_equal(tf.tile(tf.constant(X), [1, 2, 3]).numpy(),
                                  np.tile(X, (1, 2, 3)))
    for mode in ("reflect", "symmetric"):
        np.testing.assert_array_equal(
            tf.pad(tf.constant(X), [[1, 1], [2, 0], [0, 3]], mode=mode.upper()).numpy(),
            np.pad(X, [(1, 1), (2, 0), (0, 3)], mode=mode))
    got = tf.pad(tf.constant([1, 2]), [[1, 1]], constant_values=7)
    assert got.dtype == tf.int32 and got.numpy().tolist() == [7, 1, 2, 7]


def test_gather_values_and_repeated_index_gradient():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(x, [2, 0, 2, 2]))
    assert tf.convert_to_tensor(tape.gradient(y, x)).numpy().tolist() == [1.0, 0.0, 3.0]
    p = rng.standard_normal((2, 3, 4))
    idx = np.array([[0, 2], [1, 1]])
    want = np.stack([p[b][:, idx[b]] for b in range(2)])
    np.testing.assert_array_equal(tf.gather(p, idx, axis=2, batch_dims=1).numpy(), want)
    np.testing.assert_array_equal(tf.gather(p, idx, axis=1).numpy(), np.take(p, idx, axis=1))


def test_gather_nd_boolean_mask_slice_reverse_values():
    p = tf.constant(X)
    np.testing.assert_array_equal(tf.gather_nd(p, [[1, 2], [0, 0]]).numpy(), X[[1, 0], [2, 0]])
    np.testing.assert_array_equal(tf.gather_nd(p, [[[2]], [[0]]], batch_dims=1).numpy(),
                                  np.stack([X[0][[2]], X[1][[0]]]))
    mask = np.array([True, False, True])
    np.testing.assert_array_equal(tf.boolean_mask(p, mask, axis=1).numpy(), X[:, mask])
    np.testing.assert_array_equal(tf.slice(p, [0, 1, 2], [-1, 2, 1]).numpy(), X[:, 1:3, 2:3])
    np.testing.assert_array_equal(tf.reverse(p, [-1, 0]).numpy(), X[::-1, :, ::-1])


def test_getitem_matches_numpy():
    p = tf.constant(X)
    for key in [(Ellipsis, None, 1), (slice(None, None, -2), [0, 2]), ([1, 0], slice(1, 3), [3, 0]),
                (X[..., 0] > 5,), (0, None, slice(None), [1, 1]), (-1, -2, slice(None, -5, -1))]:
        np.testing.assert_array_equal(p[key].numpy(), X[key], err_msg=str(key))


def test_scatter_nd_values():
    got = tf.tensor_scatter_nd_update(tf.zeros((2, 3)), [[1], [0], [1]],
                                      tf.constant(np.arange(9.0, dtype=np.float32).reshape(3, 3)))
    np.testing.assert_array_equal(got.numpy(), [[3, 4, 5], [6, 7, 8]])
    x = tf.Variable(tf.ones((3,)))
    u = tf.Variable([5.0, 6.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.tensor_scatter_nd_update(x, [[1], [1]], u) * [1.0, 2.0, 3.0])
    gx, gu = tape.gradient(y, [x, u])
    assert gx.numpy().tolist() == [1.0, 0.0, 3.0] and gu.numpy().tolist() == [0.0, 2.0]


def test_searchsorted():
    seq = np.array([[1.0, 2.0, 4.0], [0.0, 5.0, 9.0]])
    vals = np.array([[2.0, 5.0], [5.0, -1.0]])
    got = tf.searchsorted(seq, vals, side="right")
    assert got.dtype == tf.int32
    assert got.numpy().tolist() == [[2, 3], [2, 0]]


# ---------------------------------------------------------------------------
# Creation ops: values and TensorFlow's dtype rules
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("args,kwargs,dtype,values", [
    ((5,), {}, tf.int32, [0, 1, 2, 3, 4]),
    ((2, 8, 3), {}, tf.int32, [2, 5]),
    ((5, 0, -2), {}, tf.int32, [5, 3, 1]),
    ((1.0, 2.0, 0.5), {}, tf.float32, [1.0, 1.5]),
    ((0, 1.5, 0.5), {}, tf.float32, [0.0, 0.5, 1.0]),
    ((3,), {"dtype": tf.float64}, tf.float64, [0.0, 1.0, 2.0]),
    ((np.int64(3),), {}, tf.int64, [0, 1, 2]),
    ((3, 3), {}, tf.int32, []),
])
def test_range_dtypes(args, kwargs, dtype, values):
    got = tf.range(*args, **kwargs)
    assert got.dtype == dtype and got.numpy().tolist() == values


def test_creation_values():
    assert tf.fill([2], 3).dtype == tf.int32
    assert tf.eye(2, batch_shape=[3]).shape == (3, 2, 2)
    np.testing.assert_array_equal(tf.eye(3, 2, dtype=tf.int32).numpy(), np.eye(3, 2))
    lin = tf.linspace(0.0, 1.0, 5)
    assert lin.dtype == tf.float32 and lin.numpy()[-1] == 1.0
    assert tf.linspace(0, 4, 3).dtype == tf.float64
    np.testing.assert_allclose(tf.linspace([0.0, 1.0], 2.0, 3).numpy(),
                               np.linspace([0.0, 1.0], 2.0, 3))
    hot = tf.one_hot([[1, 5]], 3, on_value=2, off_value=-1, axis=0)
    assert hot.dtype == tf.int32 and hot.shape == (3, 1, 2)
    np.testing.assert_array_equal(hot.numpy()[:, 0, :], [[-1, -1], [2, -1], [-1, -1]])
    assert tf.one_hot([0], 2, dtype=tf.float64).dtype == tf.float64
    s = tf.shape(tf.zeros((2, 0, 3)))
    assert s.dtype == tf.int32 and s.numpy().tolist() == [2, 0, 3]
    assert tf.shape(X, out_type=tf.int64).dtype == tf.int64
    assert int(tf.size(X)) == 24 and int(tf.rank(X)) == 3 and tf.rank(1.0).numpy() == 0


def test_fill_is_differentiable_in_value():
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.fill([2, 3], v))
    assert tape.gradient(y, v).numpy() == 6.0


# ---------------------------------------------------------------------------
# Errors: the op, the argument, what was expected, what came
# ---------------------------------------------------------------------------

Err = tf.errors.InvalidArgumentError


@pytest.mark.parametrize("call,error,match", [
    (lambda: tf.gather([1.0, 2.0], [0, 2]), Err, r"indices\[1\] = 2 is not in \[0, 2\)"),
    (lambda: tf.gather([1.0, 2.0], [[0], [-1]]), Err, r"indices\[1,0\] = -1 is not in \[0, 2\)"),
    (lambda: tf.gather(X, [[0]], batch_dims=1), Err, r"params.shape\[:1\]"),
    (lambda: tf.gather(X, [0], axis=3), Err, "gather: axis 3"),
    (lambda: tf.gather(X, [0.5]), tf.errors.InvalidArgumentError,
     "gather: indices must be an int32 or int64"),
    (lambda: tf.gather_nd(X, [[0, 3]]), Err, r"indices\[0\] = \[0, 3\] does not index"),
    (lambda: tf.gather_nd(X, [[0, 0, 0, 0]]), Err, r"indices.shape\[-1\] must be in \[1, 3\]"),
    (lambda: tf.boolean_mask(X, [True, False, True]), ValueError, "does not match"),
    (lambda: tf.boolean_mask(X, True), ValueError, "cannot be a scalar"),
    (lambda: tf.slice(X, [0, 0, 0], [1, 4, 1]), Err, r"size\[1\] in \[0, 3\], but got 4"),
    (lambda: tf.slice(X, [0, 0], [1, 1]), Err, "one entry per axis"),
    (lambda: tf.reverse(X, [0, -3]), Err, "axis 0 specified more than once"),
    (lambda: tf.reverse(X, [3]), Err, "reverse: axis 3 is out of range"),
    (lambda: tf.split(X, 3, axis=2), Err, "must evenly divide"),
    (lambda: tf.split(X, [1, 2], axis=0), Err, "must add up"),
    (lambda: tf.split(X, [-1, -1], axis=0), Err, "at most one -1"),
    (lambda: tf.unstack(X, num=3), Err, "num=3 does not match"),
    (lambda: tf.unstack(1.0), ValueError, "scalar"),
    (lambda: tf.tile(X, [1, 2]), Err, "vector of length 3"),
    (lambda: tf.pad(X, [[1, 1]]), Err, r"paddings must have shape \[3, 2\]"),
    (lambda: tf.pad(X, [[0, 0], [3, 0], [0, 0]], mode="REFLECT"), Err, "less than the dimension"),
    (lambda: tf.pad(X, [[0, 0], [4, 0], [0, 0]], mode="SYMMETRIC"), Err, "no greater than"),
    (lambda: tf.pad(X, [[0, 0], [-1, 0], [0, 0]]), Err, "non-negative"),
    (lambda: tf.pad(X, [[0, 0]] * 3, mode="WRAP"), ValueError, "mode must be one of"),
    (lambda: tf.squeeze(X, axis=0), Err, "squeeze: cannot squeeze axis 0"),
    (lambda: tf.squeeze(X, axis=3), Err, "squeeze: axis 3 is out of range"),
    (lambda: tf.range(1, 5, 0), Err, "delta != 0"),
    (lambda: tf.range(5, 1), Err, "start <= limit when delta > 0"),
    (lambda: tf.range(1, 5, -1), Err, "start >= limit when delta < 0"),
    (lambda: tf.linspace(0.0, 1.0, -1), Err, "num >= 0"),
    (lambda: tf.fill([2], [1.0, 2.0]), Err, "fill: value must be a scalar"),
    (lambda: tf.one_hot([0.5], 3), Err, "one_hot: indices must be integers"),
    (lambda: tf.tensor_scatter_nd_add(tf.zeros((3,)), [[3]], [1.0]), Err, "does not index"),
    (lambda: tf.tensor_scatter_nd_add(tf.zeros((3,)), [[1]], [1.0, 2.0]), Err,
     "updates must have shape"),
    (lambda: tf.constant(X)[2], Err, "out of range"),
    (lambda: tf.constant(X)[0.5], TypeError, "valid indices"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
