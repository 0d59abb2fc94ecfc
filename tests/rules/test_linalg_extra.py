"""linalg ops: values against NumPy, dtype kept, TensorFlow's conventions
(symmetric Cholesky gradient, triangle-only reads)
and clear errors.  Gradient checks run from tests/specs/linalg.py."""
import numpy as np
import pytest

import gradtape as tf

rng = np.random.default_rng(7)


def _well(*shape):
    n = shape[-1]
    return rng.uniform(-1, 1, shape) + n * np.eye(n)


def _grad(f, *xs):
    xs = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    return [g.numpy() for g in tape.gradient(y, xs)]


@pytest.mark.parametrize("fn,ref,args", [
    (tf.linalg.inv, np.linalg.inv, [_well(2, 3, 3)]),
    (tf.linalg.det, np.linalg.det, [_well(2, 3, 3)]),
    (tf.linalg.solve, np.linalg.solve, [_well(2, 3, 3), rng.normal(size=(2, 3, 2))]),
    (tf.linalg.cholesky, np.linalg.cholesky, [_well(3, 3) @ _well(3, 3).T]),
    (tf.linalg.trace, lambda a: np.trace(a, axis1=-2, axis2=-1), [rng.normal(size=(2, 3, 4))]),
    (tf.linalg.diag_part, lambda a: np.diagonal(a, axis1=-2, axis2=-1), [rng.normal(size=(2, 3, 4))]),
    (tf.linalg.matvec, lambda a, b: a @ b, [rng.normal(size=(2, 3)), rng.normal(size=(3,))]),
    (lambda a, b: tf.tensordot(a, b, axes=[[1], [0]]), lambda a, b: np.tensordot(a, b, axes=[[1], [0]]),
     [rng.normal(size=(2, 3)), rng.normal(size=(3, 4))]),
    (lambda a, b: tf.einsum("bij,bjk->bik", a, b), lambda a, b: a @ b,
     [rng.normal(size=(2, 2, 3)), rng.normal(size=(2, 3, 2))]),
    (lambda a: tf.einsum("ijk", a), lambda a: np.einsum("ijk", a), [rng.normal(size=(2, 3, 4))]),
    (lambda a: tf.einsum("kji", a), lambda a: np.einsum("kji", a), [rng.normal(size=(2, 3, 4))]),
    (lambda a, b: tf.einsum("Ab,bA", a, b), lambda a, b: np.einsum("Ab,bA", a, b),
     [rng.normal(size=(2, 3)), rng.normal(size=(3, 2))]),
])
def test_values_match_numpy_and_keep_float32(fn, ref, args):
    np.testing.assert_allclose(fn(*[tf.constant(a) for a in args]).numpy(), ref(*args),
                               rtol=1e-10, atol=1e-12)
    out32 = fn(*[tf.constant(a.astype(np.float32)) for a in args])
    assert out32.dtype == tf.float32
    np.testing.assert_allclose(out32.numpy(), ref(*args), rtol=1e-4, atol=1e-5)


def test_slogdet_sign_and_log():
    a = _well(2, 3, 3)
    a[1] *= -1
    sign, logabs = tf.linalg.slogdet(tf.constant(a))
    ref_sign, ref_log = np.linalg.slogdet(a)
    np.testing.assert_array_equal(sign.numpy(), ref_sign)
    np.testing.assert_allclose(logabs.numpy(), ref_log)
    g, = _grad(lambda x: tf.linalg.slogdet(x)[1], a)
    np.testing.assert_allclose(g, np.swapaxes(np.linalg.inv(a), -1, -2))


def test_cholesky_gradient_is_symmetric():
    a = _well(3, 3) @ _well(3, 3).T
    g, = _grad(lambda x: tf.reduce_sum(tf.linalg.cholesky(x) * np.arange(9.0).reshape(3, 3)), a)
    np.testing.assert_allclose(g, g.T, atol=1e-12)


def test_triangular_solve_reads_one_triangle():
    a = _well(3, 3)
    b = rng.normal(size=(3, 2))
    low = tf.linalg.triangular_solve(tf.constant(a), tf.constant(b)).numpy()
    np.testing.assert_allclose(low, np.linalg.solve(np.tril(a), b))
    up = tf.linalg.triangular_solve(tf.constant(a), tf.constant(b), lower=False, adjoint=True)
    np.testing.assert_allclose(up.numpy(), np.linalg.solve(np.triu(a).T, b))
    ga, _ = _grad(lambda x, y: tf.linalg.triangular_solve(x, y), a, b)
    assert (np.triu(ga, 1) == 0).all() and (ga[np.tril_indices(3)] != 0).all()


def test_triangular_solve_broadcasts_batch_axes():
    a = np.tril(_well(2, 3, 3))
    b = rng.normal(size=(3, 2))
    out = tf.linalg.triangular_solve(tf.constant(a), tf.constant(b))
    np.testing.assert_allclose(out.numpy(), np.linalg.solve(a, np.broadcast_to(b, (2, 3, 2))))
    ga, gb = _grad(tf.linalg.triangular_solve, a, b)
    assert ga.shape == a.shape and gb.shape == b.shape


@pytest.mark.parametrize("ord_,axis,ref", [
    ("euclidean", None, lambda x: np.linalg.norm(x.ravel())),
    (2, 1, lambda x: np.linalg.norm(x, axis=1)),
    (1, 0, lambda x: np.abs(x).sum(0)),
    (np.inf, -1, lambda x: np.abs(x).max(-1)),
    (3, 1, lambda x: (np.abs(x) ** 3).sum(1) ** (1 / 3)),
    ("fro", (0, 1), lambda x: np.linalg.norm(x, "fro")),
    (1, (0, 1), lambda x: np.linalg.norm(x, 1)),
    (np.inf, (0, 1), lambda x: np.linalg.norm(x, np.inf)),
    (2, (0, 1), lambda x: np.linalg.norm(x, 2)),
])
def test_norm_values(ord_, axis, ref):
    x = rng.normal(size=(3, 4))
    np.testing.assert_allclose(tf.norm(x, ord=ord_, axis=axis).numpy(), ref(x), rtol=1e-6)
    kept = tf.norm(x, ord=ord_, axis=axis, keepdims=True)
    assert kept.shape == np.linalg.norm(x, axis=axis, keepdims=True).shape


def test_norm_inf_splits_gradient_between_ties():
    g, = _grad(lambda x: tf.norm(x, ord=np.inf), np.array([2.0, -2.0, 1.0]))
    np.testing.assert_allclose(g, [0.5, -0.5, 0.0])


def test_diag_and_band_part():
    v = np.array([1.0, 2.0])
    np.testing.assert_array_equal(tf.linalg.diag(v, k=1).numpy(), np.diag(v, k=1))
    np.testing.assert_array_equal(tf.linalg.diag(v, k=-1).numpy(), np.diag(v, k=-1))
    np.testing.assert_array_equal(tf.linalg.diag(v, k=1, num_rows=2).numpy(), np.diag(v, k=1)[:2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="does not fit diagonal 1 of a 2x2"):
        tf.linalg.diag(v, k=1, num_rows=2, num_cols=2)
    a = rng.normal(size=(4, 4))
    np.testing.assert_array_equal(tf.linalg.band_part(a, 1, 2).numpy(), np.triu(np.tril(a, 2), -1))
    np.testing.assert_array_equal(tf.linalg.eye(2, 3, batch_shape=[2]).numpy(),
                                  np.broadcast_to(np.eye(2, 3), (2, 2, 3)))


def test_errors_name_the_op_and_the_problem():
    with pytest.raises(tf.errors.InvalidArgumentError, match="inv: Input is not invertible"):
        tf.linalg.inv(tf.zeros((2, 2)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="cholesky.*not successful"):
        tf.linalg.cholesky(tf.constant([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="det: input must be .*square.*\\(2, 3\\)"):
        tf.linalg.det(tf.zeros((2, 3)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="solve: rhs must have shape \\[..., 2, K\\]"):
        tf.linalg.solve(tf.linalg.eye(2), tf.zeros((3, 1)))
    with pytest.raises(ValueError, match="einsum: equation 'ij,jk->ik' names 2 operands, got 1"):
        tf.einsum("ij,jk->ik", tf.zeros((2, 2)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="label 'j' has size 3 .* and 4"):
        tf.einsum("ij,jk->ik", tf.zeros((2, 3)), tf.zeros((4, 2)))
    with pytest.raises(ValueError, match="operand 0 has shape \\(2,\\)"):
        tf.einsum("ij->i", tf.zeros((2,)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="tensordot: axis 1 of a \\(size 3\\)"):
        tf.tensordot(tf.zeros((2, 3)), tf.zeros((2, 3)), axes=1)
    with pytest.raises(ValueError, match="only one of transpose_a and adjoint_a"):
        tf.matmul(tf.ones((2, 2)), tf.ones((2, 2)), transpose_a=True, adjoint_a=True)
    with pytest.raises(ValueError, match="norm: ord must be .*got -1"):
        tf.norm(tf.ones((2,)), ord=-1)
    with pytest.raises(ValueError, match="norm: ord for a matrix norm .*got 3"):
        tf.norm(tf.ones((2, 2)), ord=3, axis=[0, 1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="inv: input must be a floating-point"):
        tf.linalg.inv(tf.constant([[1, 0], [0, 1]]))


_OWN_OPS = {"matmul", "einsum", "inv", "det", "slogdet", "solve", "triangular_solve", "cholesky",
            "diag", "diag_part", "euclidean_norm", "reduce_max", "svd_values", "relu", "relu6",
            "leaky_relu", "elu", "selu", "gelu", "softsign", "silu", "softmax", "log_softmax",
            "sparse_softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits",
            "sigmoid_cross_entropy_with_logits"}


def _batched_jvp_mismatches(spec, sample):
    """Run ``spec`` under a ForwardAccumulator; for each op call its JVP rule
    with tangents ``[t, 2t]`` stacked on a leading axis and compare with
    ``[J t, 2 J t]`` (JVPs are linear).  Returns the ops that disagree."""
    from gradtape._core import forward
    from gradtape._core.tensor import wrap
    from gradtape._core.trace import outside
    bad = []
    original = forward.ForwardRecorder.record

    def record(self, op, inputs, out, params):
        ts = [self.tangents.get(x._uid) for x in inputs]
        if op.name in _OWN_OPS and any(t is not None for t in ts):
            with outside(self):
                single = op.jvp(ts, out, *inputs, **params)
                stacked = [None if t is None else wrap(np.stack([t._value, 2 * t._value]))
                           for t in ts]
                # through the engine's batched dispatch (it pads uneven ranks)
                batched = forward.ForwardRecorder(batch=2)._batched_jvp(
                    op, stacked, out, inputs, params)
            for s, b in (zip(single, batched) if op.multi else [(single, batched)]):
                if s is not None and not (b.shape == (2,) + tuple(s.shape) and np.allclose(
                        b.numpy(), np.stack([s.numpy(), 2 * s.numpy()]))):
                    bad.append(op.name)
        return original(self, op, inputs, out, params)

    arrays = [a for a in sample if hasattr(a, "shape")]
    xs = [tf.constant(a) for a in arrays]
    forward.ForwardRecorder.record = record
    try:
        with tf.autodiff.ForwardAccumulator(xs, [tf.constant(np.ones_like(a) * 0.3) for a in arrays]):
            spec.fn(*xs, *sample[len(arrays):])
    finally:
        forward.ForwardRecorder.record = original
    return bad


def test_linalg_and_nn_jvps_accept_a_leading_batch_axis():
    from tests.specs import linalg, nn
    for spec in linalg.SPECS + nn.SPECS:
        for sample in spec.samples:
            bad = _batched_jvp_mismatches(spec, sample)
            assert not bad, f"{spec.name}: batched JVP of {sorted(bad)} disagrees"
