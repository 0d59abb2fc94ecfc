"""GradientTape.jacobian's structured seed (``gradtape/_core/onehot.py``).

The sweep keeps the identity seed as scaled one-hot rows through elementwise
ops and matmul.  Every case compares three independent computations: the
structured sweep (the default), the same sweep seeded with the dense identity
(structure never used), and the row loop (``experimental_use_pfor=False``);
most also compare with central differences.  Second order (a Jacobian under
an outer tape or accumulator) goes through ``check_gradients``.
"""
import numpy as np
import pytest

import gradtape as tf
from gradtape import debugging
from gradtape._core import backend, rows
from gradtape._core.onehot import OneHotRows
from gradtape.testing import check_gradients

_rng = np.random.default_rng(4)


def rand(*shape, lo=-1.5, hi=1.5):
    return _rng.uniform(lo, hi, size=shape)


def _dense_seed(tape, y, xs):
    """The Jacobian from one batched sweep seeded with the dense identity."""
    n = int(np.prod(y.shape))
    eye = np.eye(n, dtype=y.numpy().dtype).reshape((n,) + tuple(y.shape))
    got = rows.backward_rows(tape._rec, [(y._uid, tf.constant(eye))], [x._uid for x in xs],
                             True, (n,))
    return [got[x._uid].numpy().reshape(tuple(y.shape) + tuple(x.shape)) if x._uid in got
            else np.zeros(tuple(y.shape) + tuple(x.shape)) for x in xs]


def three_ways(f, arrays, rtol=1e-12, **jacobian_kwargs):
    """Structured, dense-seeded and looped Jacobians of ``f`` agree; returns the structured."""
    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(xs)
        y = f(*xs)
    fast = tape.jacobian(y, xs, unconnected_gradients="zero", **jacobian_kwargs)
    loop = tape.jacobian(y, xs, unconnected_gradients="zero", experimental_use_pfor=False)
    dense = _dense_seed(tape, y, xs)
    for x, j, jl, jd in zip(xs, fast, loop, dense):
        assert j.shape == tuple(y.shape) + tuple(x.shape)
        assert j.dtype == x.dtype
        np.testing.assert_allclose(j.numpy(), jl.numpy(), rtol=rtol, atol=rtol)
        np.testing.assert_allclose(j.numpy(), jd, rtol=rtol, atol=rtol)
    return [j.numpy() for j in fast]


def numerically(f, arrays, got):
    """``got`` (Jacobians of ``f``) equals float64 central differences."""
    _, num = tf.test.compute_gradient(f, [tf.constant(a) for a in arrays], delta=1e-6)
    for j, n in zip(got, num):
        np.testing.assert_allclose(j.reshape(n.shape), n, rtol=1e-6, atol=1e-7)


@pytest.fixture(autouse=True)
def numpy_only():
    """Only NumPy arrays here: the sweep's array path, even after tests that
    used another namespace (which makes every later sweep step an op)."""
    saved = backend.foreign[0]
    backend.foreign[0] = False
    yield
    backend.foreign[0] = saved


@pytest.fixture
def structured_ops(monkeypatch):
    """The ops (name, input) whose cotangent the sweep kept structured or gathered."""
    seen = []
    original = rows._onehot_vjp

    def spy(op, i, rows, *args):
        g = original(op, i, rows, *args)
        if g is not NotImplemented and g is not None:
            seen.append((op.name, i, "rows" if type(g) is OneHotRows else "gathered"))
            assert rows.ops == bool(tf._core.trace.stack() or backend.foreign[0])
        return g
    monkeypatch.setattr(rows, "_onehot_vjp", spy)
    return seen


# ---------------------------------------------------------------------------
# elementwise ops
# ---------------------------------------------------------------------------

def _chain(x):
    return tf.exp(tf.sin(x) * 2.0) - tf.sqrt(x * x + 1.0) / (1.5 + tf.tanh(x)) + x ** 3


def test_elementwise_chain(structured_ops):
    x = rand(2, 3)
    got = three_ways(_chain, [x])
    numerically(_chain, [x], got)
    assert {name for name, _, how in structured_ops if how == "rows"} >= {
        "exp", "sin", "multiply", "subtract", "sqrt", "add", "divide", "tanh", "pow_const"}


def test_source_reached_only_through_elementwise_ops():
    x = rand(5)
    (j,) = three_ways(tf.tanh, [x])
    np.testing.assert_allclose(j, np.diag(1.0 - np.tanh(x) ** 2), rtol=1e-14)


BINARY_OPS = {
    "multiply": tf.multiply,
    "divide": lambda a, b: a / (b * b + 0.5),
    "maximum": tf.maximum,
    "pow": lambda a, b: tf.pow(a * a + 0.5, b),
    "atan2": tf.math.atan2,
    "where": lambda a, b: tf.where(a > b, a * b, b - a),
    "squared_difference": tf.math.squared_difference,
}
BINARY_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4)), ((), (3,)),
                 ((4,), (1, 4))]


@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=str)
@pytest.mark.parametrize("name", sorted(BINARY_OPS))
def test_binary_elementwise_with_and_without_broadcasting(name, shapes):
    fn = BINARY_OPS[name]
    arrays = [rand(*shapes[0]), rand(*shapes[1]) + 0.05]
    got = three_ways(fn, arrays)
    if name not in ("maximum", "where"):  # (kinks)
        numerically(fn, arrays, got)


def test_broadcast_input_densifies_and_the_other_stays_structured(structured_ops):
    three_ways(lambda x, b: tf.tanh(x * b), [rand(3, 4), rand(4)])
    assert ("multiply", 0, "rows") in structured_ops
    assert ("multiply", 1, "rows") not in structured_ops


def test_reshape_identity_and_cast_pass_rows_through(structured_ops):
    w = rand(6, 3)

    def f(x):
        h = tf.tanh(tf.cast(w, tf.float32) @ tf.cast(x, tf.float32))
        return tf.cast(tf.reshape(tf.identity(h), (2, 3)), tf.float64)
    three_ways(f, [rand(3, 1)], rtol=1e-6)
    kinds = {(name, how) for name, _, how in structured_ops}
    assert {("reshape", "rows"), ("identity", "rows"), ("cast", "rows"),
            ("matmul", "gathered")} <= kinds


def test_float32_keeps_its_dtype():
    x = rand(4).astype(np.float32)
    (j,) = three_ways(lambda x: tf.tanh(x) * 2.0, [x], rtol=1e-6)
    assert j.dtype == np.float32


# ---------------------------------------------------------------------------
# matmul
# ---------------------------------------------------------------------------

MATMUL_SIZES = [(3, 4, 2), (5, 4, 1), (1, 4, 3), (1, 2, 1)]  # (p, k, q): op(a) is p x k


@pytest.mark.parametrize("size", MATMUL_SIZES, ids=str)
@pytest.mark.parametrize("transpose_b", [False, True])
@pytest.mark.parametrize("transpose_a", [False, True])
@pytest.mark.parametrize("watched", ["left", "right", "both"])
def test_matmul_every_transpose_and_side(watched, transpose_a, transpose_b, size,
                                         structured_ops):
    p, k, q = size
    a = rand(k, p) if transpose_a else rand(p, k)
    b = rand(q, k) if transpose_b else rand(k, q)

    def f(*xs):
        left = xs[0] if watched != "right" else tf.constant(a)
        right = xs[-1] if watched != "left" else tf.constant(b)
        return tf.tanh(tf.matmul(left, right, transpose_a=transpose_a,
                                 transpose_b=transpose_b))
    arrays = {"left": [a], "right": [b], "both": [a, b]}[watched]
    got = three_ways(f, arrays)
    numerically(f, arrays, got)
    gathered = {i for name, i, how in structured_ops if name == "matmul"}
    assert gathered == {"left": {0}, "right": {1}, "both": {0, 1}}[watched]


def test_matmul_of_stacks_densifies(structured_ops):
    a, b = rand(2, 3, 4), rand(2, 4, 2)
    got = three_ways(lambda a, b: tf.sin(a @ b), [a, b])
    numerically(lambda a, b: tf.sin(a @ b), [a, b], got)
    assert not [s for s in structured_ops if s[0] == "matmul"]


def test_two_layers():
    w1, w2 = rand(4, 3), rand(2, 4)
    f = lambda x: tf.tanh(w2 @ tf.tanh(w1 @ x))  # noqa: E731
    x = rand(3, 2)
    got = three_ways(f, [x])
    numerically(f, [x], got)
    assert got[0].shape == (2, 2, 3, 2)


# ---------------------------------------------------------------------------
# sums, chunks, sources
# ---------------------------------------------------------------------------

def test_tensor_reached_by_two_structured_paths():
    f = lambda x: tf.sin(x) * tf.cos(x) + tf.exp(tf.sin(x))  # noqa: E731
    x = rand(2, 3)
    numerically(f, [x], three_ways(f, [x]))


def test_structured_plus_dense_path():
    w = rand(3, 3)
    f = lambda x: tf.sin(x) + tf.reduce_sum(x * x) + tf.transpose(w @ x)  # noqa: E731
    x = rand(3, 3)
    numerically(f, [x], three_ways(f, [x]))


@pytest.mark.parametrize("rows", [1, 3, 7])
def test_chunked_rows(rows):
    w = rand(5, 4)
    f = lambda x, v: tf.tanh(w @ x) * v + tf.sin(v)  # noqa: E731
    x, v = rand(4, 2), rand(5, 2)
    numerically(f, [x, v], three_ways(f, [x, v], parallel_iterations=rows))


def test_target_is_a_source():
    (j,) = three_ways(lambda x: x, [rand(2, 2)])
    np.testing.assert_array_equal(j.reshape(4, 4), np.eye(4))


def test_intermediate_source():
    x = tf.constant(rand(3))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        h = tf.sin(x)
        tape.watch(h)
        y = tf.exp(h) * x
    fast = tape.jacobian(y, [x, h])
    loop = tape.jacobian(y, [x, h], experimental_use_pfor=False)
    for j, jl in zip(fast, loop):
        np.testing.assert_allclose(j.numpy(), jl.numpy(), rtol=1e-14)
    np.testing.assert_allclose(fast[1].numpy(), np.diag(np.exp(np.sin(x.numpy())) * x.numpy()))


def test_steps_are_ops_once_another_namespace_is_in_use(structured_ops):
    backend.foreign[0] = True  # (numpy_only restores it)
    w = rand(4, 3)
    f = lambda x: tf.tanh(w @ x) * tf.sin(x[0])  # noqa: E731
    x = rand(3, 2)
    numerically(f, [x], three_ways(f, [x]))
    assert ("matmul", 1, "gathered") in structured_ops and ("tanh", 0, "rows") in structured_ops


def test_under_check_numerics_the_seed_is_dense():
    w = rand(3, 3)
    f = lambda x: tf.tanh(w @ x)  # noqa: E731
    x = rand(3, 1)
    with debugging.check_numerics():
        got = three_ways(f, [x])
    numerically(f, [x], got)


# ---------------------------------------------------------------------------
# second order: the structured sweep under an outer tape or accumulator
# ---------------------------------------------------------------------------

def _jacobian_of(f, **jacobian_kwargs):
    def jac(*xs):
        with tf.GradientTape() as tape:
            tape.watch(xs)
            y = f(*xs)
        return tape.jacobian(y, list(xs), **jacobian_kwargs)
    return jac


SECOND_ORDER = {
    "tanh(W@x)": (lambda w, x: tf.tanh(w @ x), [(3, 4), (4, 1)]),
    "x@W transposed": (lambda x, w: tf.sin(tf.matmul(x, w, transpose_b=True)),
                       [(2, 3), (4, 3)]),
    "transpose_a": (lambda w, x: tf.exp(0.3 * tf.matmul(w, x, transpose_a=True)) * x[:3],
                    [(4, 3), (4, 2)]),
    "broadcast": (lambda x, b: tf.tanh(x * b) + x, [(2, 3), (3,)]),
}


@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
@pytest.mark.parametrize("rows", [None, 2])
def test_second_order_under_an_outer_tape(name, rows):
    f, shapes = SECOND_ORDER[name]
    check_gradients(_jacobian_of(f, parallel_iterations=rows), [rand(*s) for s in shapes],
                    order=1)


def test_recorded_sweep_equals_the_array_sweep():
    w, x = tf.constant(rand(4, 3)), tf.constant(rand(3, 2))
    f = lambda w, x: tf.tanh(w @ x) * tf.reduce_sum(x) + tf.sin(w @ x)  # noqa: E731
    plain = _jacobian_of(f, parallel_iterations=3)(w, x)
    with tf.GradientTape() as outer:
        outer.watch([w, x])
        recorded = _jacobian_of(f, parallel_iterations=3)(w, x)
        total = tf.add_n([tf.reduce_sum(j) for j in recorded])
    for a, b in zip(plain, recorded):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-13)
    assert all(g is not None for g in outer.gradient(total, [w, x]))


@pytest.mark.parametrize("rows", [None, 2])
def test_jacobian_of_a_jacobian(rows):
    w = tf.constant(rand(3, 4))
    x = tf.constant(rand(4, 1))
    f = lambda x: tf.tanh(w @ x) * tf.sin(x[:3])  # noqa: E731

    def hessians(**kwargs):
        with tf.GradientTape(persistent=True) as outer:
            outer.watch(x)
            with tf.GradientTape(persistent=True) as inner:
                inner.watch(x)
                y = f(x)
            j = inner.jacobian(y, x, **kwargs)
        return j, outer.jacobian(j, x, **kwargs)
    j, h = hessians(parallel_iterations=rows)
    j_loop, h_loop = hessians(experimental_use_pfor=False)
    np.testing.assert_allclose(j.numpy(), j_loop.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(h.numpy(), h_loop.numpy(), rtol=1e-12, atol=1e-12)
    assert h.shape == (3, 1, 4, 1, 4, 1)
    # column k of the Hessian: the central difference of the Jacobian along e_k
    eps = 1e-6
    for k in range(4):
        e = np.zeros((4, 1))
        e[k] = eps
        with tf.GradientTape() as tp:
            xp_ = tf.constant(x.numpy() + e)
            tp.watch(xp_)
            yp = f(xp_)
        with tf.GradientTape() as tm:
            xm = tf.constant(x.numpy() - e)
            tm.watch(xm)
            ym = f(xm)
        num = (tp.jacobian(yp, xp_).numpy() - tm.jacobian(ym, xm).numpy()) / (2 * eps)
        np.testing.assert_allclose(h.numpy()[..., k, 0], num, rtol=1e-6, atol=1e-8)
