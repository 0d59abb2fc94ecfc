"""Linear algebra matches TensorFlow 2.21: values, gradients (first and second
order), NaN/inf where TensorFlow gives them, and error classes.  Every
expected number below is TensorFlow 2.21's, recorded from the same program."""
import warnings

import numpy as np
import pytest

import gradtape as tf


def _grads(f, *values, order=1):
    """``f``'s value, its gradient, and (``order=2``) the gradient of
    ``sum(gradient**2)`` with respect to the first input."""
    xs = [tf.constant(v) for v in values]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NaN and inf are the point here
        with tf.GradientTape(persistent=True) as outer:
            outer.watch(xs)
            with tf.GradientTape() as inner:
                inner.watch(xs)
                y = f(*xs)
            grads = inner.gradient(y, xs)
            square = tf.reduce_sum(grads[0] * grads[0])
        second = outer.gradient(square, xs)[0] if order == 2 else None
    return y.numpy(), [g.numpy() for g in grads], None if second is None else second.numpy()


# --- tf.norm: TensorFlow's sqrt(reduce_sum(x * x)) -------------------------

def test_euclidean_norm_gradient_at_zero_is_nan():
    # TensorFlow 2.21: [[nan, nan], [0.6, 0.8]]; second order nan on the zero row
    x = np.array([[0.0, 0.0], [3.0, 4.0]], np.float32)
    y, (g,), g2 = _grads(lambda x: tf.norm(x, axis=1), x, order=2)
    np.testing.assert_allclose(y, [0.0, 5.0])
    np.testing.assert_allclose(g, [[np.nan, np.nan], [0.6, 0.8]], rtol=1e-6)
    assert np.isnan(g2[0]).all() and np.isfinite(g2[1]).all()


def test_euclidean_norm_gradient_where_squares_underflow_is_inf():
    # TensorFlow 2.21: norm 0.0, gradient [inf, inf] (x * x underflows in float32)
    y, (g,), _ = _grads(tf.norm, np.array([1e-30, 1e-30], np.float32))
    assert y == 0.0
    np.testing.assert_array_equal(g, [np.inf, np.inf])


def test_frobenius_norm_gradient_at_zero_is_nan():
    # TensorFlow 2.21: all nan
    _, (g,), _ = _grads(lambda x: tf.norm(x, ord="fro", axis=[0, 1]), np.zeros((2, 2)))
    assert np.isnan(g).all()


# --- the spectral norm: TensorFlow's reduce_max(abs(svd values)) ----------

def test_spectral_norm_splits_the_gradient_between_equal_singular_values():
    # TensorFlow 2.21: value 1.0, gradient [[0.5, 0], [0, 0.5]], second order zeros
    y, (g,), g2 = _grads(lambda x: tf.norm(x, ord=2, axis=[0, 1]), np.eye(2), order=2)
    assert y == 1.0
    np.testing.assert_allclose(g, [[0.5, 0.0], [0.0, 0.5]], atol=1e-12)
    np.testing.assert_allclose(g2, np.zeros((2, 2)), atol=1e-12)


def test_spectral_norm_gradient_at_zero_is_zero():
    # TensorFlow 2.21: [[0, 0], [0, 0]] (abs has gradient 0 at 0)
    _, (g,), _ = _grads(lambda x: tf.norm(x, ord=2, axis=[0, 1]), np.zeros((2, 2)))
    np.testing.assert_array_equal(g, np.zeros((2, 2)))


def test_spectral_norm_has_a_second_derivative():
    # TensorFlow 2.21: 4.319596107466321, gradient below, second order ~1e-17 (zero)
    x = np.array([[3.0, -3.0], [1.0, 2.0]])
    y, (g,), g2 = _grads(lambda x: tf.norm(x, ord=2, axis=[0, 1]), x, order=2)
    np.testing.assert_allclose(y, 4.319596107466321, rtol=1e-12)
    np.testing.assert_allclose(g, [[0.6140412024714944, -0.7595611192771703],
                                   [-0.1348660717227458, 0.16682760697153617]], rtol=1e-9)
    np.testing.assert_allclose(g2, np.zeros((2, 2)), atol=1e-12)


# --- svd: TensorFlow's rules, finite at repeated and zero singular values --

def test_singular_values_gradient_at_repeated_values():
    # TensorFlow 2.21: u @ diag(ct) @ v^T = diag(1, 2, 3); second order zeros
    def f(x):
        return tf.reduce_sum(tf.linalg.svd(x, compute_uv=False) * tf.constant([1.0, 2.0, 3.0], tf.float64))
    y, (g,), g2 = _grads(f, np.eye(3), order=2)
    assert y == 6.0
    np.testing.assert_allclose(g, np.diag([1.0, 2.0, 3.0]), atol=1e-12)
    np.testing.assert_allclose(g2, np.zeros((3, 3)), atol=1e-12)


def test_singular_values_gradient_of_the_zero_matrix():
    # TensorFlow 2.21: [[1, 0, 0], [0, 2, 0]]
    def f(x):
        return tf.reduce_sum(tf.linalg.svd(x, compute_uv=False) * tf.constant([1.0, 2.0], tf.float64))
    _, (g,), _ = _grads(f, np.zeros((2, 3)))
    np.testing.assert_allclose(g, [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]], atol=1e-12)


def test_svd_gradient_with_a_zero_and_repeated_singular_values_is_finite():
    # TensorFlow 2.21: the identity, for both (its safe reciprocals give 0 for 1/0)
    _, (g,), _ = _grads(lambda x: tf.reduce_sum(tf.linalg.svd(x)[0]), np.diag([2.0, 2.0, 1.0]))
    np.testing.assert_allclose(g, np.eye(3), atol=1e-12)

    def f(x):
        s, u, _ = tf.linalg.svd(x)
        return tf.reduce_sum(u[:, 0] ** 2 + s)
    _, (g,), _ = _grads(f, np.diag([3.0, 2.0, 0.0]))
    np.testing.assert_allclose(g, np.eye(3), atol=1e-12)


# --- complex matrices: TensorFlow's values and gradients -------------------
# (gradient of sum(real(w * f(...))) for w = 0.3 + 0.7j; of f itself for a real f)

A = np.array([[1 + 1j, 0.5 - 0.2j], [0.3j, 2 - 0.5j]])
B = np.array([[1 - 1j], [0.5 + 2j]])
HERMITIAN = np.array([[4, 1 - 1j], [1 + 1j, 3]])


def _complex_grads(f, *values):
    xs = [tf.constant(v) for v in values]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
        loss = (tf.reduce_sum(tf.math.real(tf.constant(0.3 + 0.7j, tf.complex128) * y))
                if y.dtype.is_complex else tf.reduce_sum(y))
    return y, [g.numpy() for g in tape.gradient(loss, xs)]


def test_matmul_adjoint_of_complex_matrices():
    # TensorFlow 2.21 (formerly refused)
    y, (ga, gb) = _complex_grads(lambda a, b: tf.matmul(a, b, adjoint_a=True), A, B)
    np.testing.assert_allclose(y.numpy(), [[0.6 - 2.15j], [0.7 + 3.95j]], rtol=1e-12)
    np.testing.assert_allclose(ga, [[1 + 0.4j, 1 + 0.4j], [-1.25 + 0.95j, -1.25 + 0.95j]], rtol=1e-12)
    np.testing.assert_allclose(gb, [[1.01 - 0.81j], [0.46 - 1.46j]], rtol=1e-12)
    y, _ = _complex_grads(tf.linalg.matvec, A, B[:, 0])
    np.testing.assert_allclose(tf.linalg.matvec(A, B[:, 0], adjoint_a=True).numpy(),
                               [0.6 - 2.15j, 0.7 + 3.95j], rtol=1e-12)


def test_complex_inverse():
    # TensorFlow 2.21
    y, (g,) = _complex_grads(tf.linalg.inv, A)
    np.testing.assert_allclose(y.numpy(), [[0.5407595067 - 0.5041087435j, -0.1221692108 + 0.1495608338j],
                                           [-0.0520826635 - 0.0941345919j, 0.4873908515 + 0.1401730945j]],
                               rtol=1e-9)
    np.testing.assert_allclose(g, [[-0.2943095837 - 0.1323888401j, -0.238625768 + 0.0968103992j],
                                   [-0.0824269689 + 0.1764593278j, 0.0563629498 + 0.1448328807j]],
                               rtol=1e-8)
    y, (g,) = _complex_grads(lambda a: tf.linalg.inv(a, adjoint=True), A)
    np.testing.assert_allclose(y.numpy()[0], [0.5407595067 + 0.5041087435j, -0.0520826635 + 0.0941345919j],
                               rtol=1e-9)
    np.testing.assert_allclose(g, [[0.2988399075 - 0.1218180847j, 0.094465413 - 0.2395637625j],
                                   [-0.0709347071 - 0.1813845828j, -0.1437499824 - 0.0590701954j]],
                               rtol=1e-8)


def test_complex_solves():
    # TensorFlow 2.21
    y, (ga, gb) = _complex_grads(lambda a, b: tf.linalg.solve(a, b, adjoint=True), A, B)
    np.testing.assert_allclose(y.numpy(), [[0.8305577346 - 0.0937487944j], [0.2523115701 + 0.8773035326j]],
                               rtol=1e-9)
    np.testing.assert_allclose(ga, [[0.064390567 - 0.3432003448j, -0.162502835 - 0.2263485941j],
                                    [0.3813103872 + 0.0067954857j, 0.2141300449 - 0.2162405326j]], rtol=1e-8)
    np.testing.assert_allclose(gb, [[-0.122606448 - 0.39937758j], [0.1628194082 - 0.2909041808j]], rtol=1e-8)
    y, (ga, gb) = _complex_grads(
        lambda a, b: tf.linalg.triangular_solve(a, b, lower=False, adjoint=True), A, B)
    np.testing.assert_allclose(y.numpy(), [[1.0], [0.2117647059 + 0.8470588235j]], rtol=1e-9)
    np.testing.assert_allclose(ga, [[0.1305882353 - 0.3776470588j, -0.2235294118 - 0.2941176471j],
                                    [0.0, 0.201799308 - 0.2516262976j]], rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(gb, [[-0.1305882353 - 0.3776470588j], [0.2235294118 - 0.2941176471j]],
                               rtol=1e-8)


def test_complex_cholesky_and_logdet():
    # TensorFlow 2.21: logdet of a complex matrix is real (float64 here)
    y, (g,) = _complex_grads(tf.linalg.cholesky, HERMITIAN)
    np.testing.assert_allclose(y.numpy(), [[2.0, 0.0], [0.5 + 0.5j, 1.5811388301]], rtol=1e-9)
    np.testing.assert_allclose(g, [[0.1118585412, 0.0512829175 + 0.1987170825j],
                                   [0.0512829175 - 0.1987170825j, 0.0948683298]], rtol=1e-8)
    y, (g,) = _complex_grads(tf.linalg.logdet, HERMITIAN)
    assert y.dtype == tf.float64
    np.testing.assert_allclose(y.numpy(), 2.302585092994046, rtol=1e-12)
    np.testing.assert_allclose(g, [[0.3, -0.1 + 0.1j], [-0.1 - 0.1j, 0.4]], rtol=1e-12)


def test_complex_norm_and_adjoint():
    # TensorFlow 2.21: sqrt(sum(x * conj(x))), complex; formerly refused
    y, (g,) = _complex_grads(tf.norm, A)
    assert y.dtype == tf.complex128
    np.testing.assert_allclose(y.numpy(), 2.5748786379167465, rtol=1e-12)
    np.testing.assert_allclose(g, [[0.1165103456 + 0.1165103456j, 0.0582551728 - 0.0233020691j],
                                   [0.0349531037j, 0.2330206912 - 0.0582551728j]], rtol=1e-8)
    y, (g,) = _complex_grads(tf.linalg.adjoint, A)
    np.testing.assert_allclose(y.numpy(), [[1 - 1j, -0.3j], [0.5 + 0.2j, 2 + 0.5j]])
    np.testing.assert_allclose(g, np.full((2, 2), 0.3 + 0.7j))


def test_complex_det_and_slogdet_give_the_true_derivative():
    # det = ad - bc, so the gradient of real(w * det) is conj(w) * conj([[d, -c], [-b, a]])
    # (TensorFlow 2.21 multiplies by det where the derivative has conj(det):
    # docs/tensorflow.md); slogdet checked by central differences
    y, (g,) = _complex_grads(tf.linalg.det, A)
    np.testing.assert_allclose(g, [[0.95 - 1.25j, 0.21 + 0.09j], [-0.29 + 0.29j, -0.4 - 1j]], rtol=1e-12)

    def loss(x):
        sign, log = np.linalg.slogdet(x)
        return np.real((0.3 + 0.7j) * log) + np.real(0.4 * sign) + np.imag(0.2 * sign)

    want = np.zeros_like(A)
    for i in range(2):
        for j in range(2):
            e = np.zeros_like(A)
            e[i, j] = 1e-6
            want[i, j] = ((loss(A + e) - loss(A - e)) + 1j * (loss(A + 1j * e) - loss(A - 1j * e))) / 2e-6
    x = tf.constant(A)
    with tf.GradientTape() as tape:
        tape.watch(x)
        sign, log = tf.linalg.slogdet(x)
        y = (tf.math.real(tf.constant(0.3 + 0.7j, tf.complex128) * log) + tf.math.real(0.4 * sign)
             + tf.math.imag(0.2 * sign))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), want, rtol=1e-6)


# --- dtypes and errors ----------------------------------------------------

def test_float16_inverse():
    # TensorFlow 2.21: inverted (its other matrix kernels have no float16)
    y, (g,) = _complex_grads(tf.linalg.inv, np.array([[2.0, 1.0], [0.5, 3.0]], np.float16))
    assert y.dtype == tf.float16
    np.testing.assert_allclose(y.numpy(), [[0.5454, -0.1818], [-0.0909, 0.3635]], rtol=2e-3)
    np.testing.assert_allclose(g, [[-0.1653, -0.12396], [-0.0661, -0.04956]], rtol=2e-3)


def test_solve_does_not_broadcast_batch_dimensions():
    # TensorFlow 2.21: InvalidArgumentError "All input tensors must have the same rank"
    # / "... the same outer dimensions" (triangular_solve does broadcast)
    a = tf.constant(np.eye(2) * 2.0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="same batch dimensions"):
        tf.linalg.solve(a, tf.ones((3, 2, 1), tf.float64))
    with pytest.raises(tf.errors.InvalidArgumentError, match="same batch dimensions"):
        tf.linalg.solve(a[None], tf.ones((3, 2, 1), tf.float64))


@pytest.mark.parametrize("fn", [tf.linalg.det, tf.linalg.inv, tf.linalg.cholesky, tf.norm,
                                lambda x: tf.linalg.solve(x, x)], ids=["det", "inv", "cholesky",
                                                                       "norm", "solve"])
def test_integer_matrices_raise_invalid_argument(fn):
    # TensorFlow 2.21: InvalidArgumentError "Value for attr 'T' of int32 is not in the list..."
    with pytest.raises(tf.errors.InvalidArgumentError, match="floating-point or complex"):
        fn(tf.constant([[1, 0], [0, 1]]))


def test_a_nan_matrix_is_not_invertible():
    # TensorFlow 2.21: InvalidArgumentError "Input is not invertible." (inv, and the
    # gradient of det) / "Input matrix is not invertible." (solve); gradtape gave NaN
    a = tf.constant([[np.nan, 0.0], [0.0, 1.0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not invertible"):
        tf.linalg.inv(a)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not invertible"):
        tf.linalg.solve(a, tf.ones((2, 1)))


def test_svd_of_a_nan_matrix_is_nan():
    # TensorFlow 2.21: [nan, nan] (gradtape raised "SVD did not converge")
    s = tf.linalg.svd(tf.constant([[np.nan, 0.0], [0.0, 1.0]]), compute_uv=False)
    assert np.isnan(s.numpy()).all() and s.shape == (2,)
    s, u, v = tf.linalg.svd(tf.constant([[np.nan, 0.0], [0.0, 1.0]]))
    assert np.isnan(s.numpy()).all() and u.shape == (2, 2) and v.shape == (2, 2)


def test_complex_svd_is_refused_clearly():
    with pytest.raises(tf.errors.UnimplementedError, match="svd: complex128 matrices"):
        tf.linalg.svd(tf.constant(A))


def test_einsum_implicit_output_counts_the_ellipsis_like_a_label():
    # TensorFlow 2.21: '...ij,...jk' (no '->') raises InvalidArgumentError "Output contains 1
    # broadcasting dimension(s) but no ellipsis (...) was found in the output subscripts";
    # '...ii' (one '...') keeps it: the traces [1.0, 2.0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="must contain '...'"):
        tf.einsum("...ij,...jk", tf.ones((2, 2, 3)), tf.ones((2, 3, 2)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="must contain '...'"):
        tf.einsum("...i->i", tf.ones((2, 3, 4)))
    out = tf.einsum("...ii", tf.constant([[[1.0, 5.0], [5.0, 0.0]], [[1.0, 0.0], [7.0, 1.0]]]))
    np.testing.assert_array_equal(out.numpy(), [1.0, 2.0])


def test_tensordot_refuses_an_axis_named_twice():
    # TensorFlow 2.21: ValueError (gradtape summed a diagonal)
    with pytest.raises(ValueError, match="tensordot"):
        tf.tensordot(tf.ones((2, 2)), tf.ones((2, 2)), [[0, 0], [0, 1]])


def test_diag_part_refuses_a_diagonal_out_of_the_matrix():
    # TensorFlow 2.21: InvalidArgumentError "lower_diag_index is out of bound: 5. It must be
    # between -3 and 3" (gradtape gave an empty diagonal)
    with pytest.raises(tf.errors.InvalidArgumentError, match="between -3 and 3"):
        tf.linalg.diag_part(tf.ones((3, 3)), k=5)
    assert tf.linalg.diag_part(tf.ones((3, 3)), k=3).shape == (0,)


# --- eigh, eigvalsh (new) --------------------------------------------------

def test_eigh_reads_the_lower_triangle_with_tensorflows_gradient():
    # TensorFlow 2.21: the upper triangle is ignored; the gradient is lower-triangular
    a = np.array([[2.0, 7.0, 9.0], [1.0, 3.0, 8.0], [0.5, -1.0, 4.0]])

    def f(x):
        e, v = tf.linalg.eigh(x)
        return (tf.reduce_sum(e * tf.constant([1.0, 2.0, 3.0], tf.float64))
                + tf.reduce_sum(v[:, 0] ** 2 * tf.constant([1.0, 0.5, 0.25], tf.float64)))
    _, (g,), g2 = _grads(f, a, order=2)
    e, _ = tf.linalg.eigh(tf.constant(a))
    np.testing.assert_allclose(e.numpy(), [1.0595504398, 3.3175444386, 4.6229051216], rtol=1e-9)
    np.testing.assert_allclose(g, [[1.2960993306, 0.0, 0.0], [0.8891798705, 2.0635546317, 0.0],
                                   [0.3574632402, -1.1511964842, 2.6403460377]], rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(g2, [[0.3704729865, 0.0, 0.0], [0.3538943787, 0.0512569411, 0.0],
                                    [-0.0783757849, -0.5875128153, -0.4217299276]],
                               rtol=1e-7, atol=1e-12)


def test_eigvalsh_gradient_at_repeated_eigenvalues():
    # TensorFlow 2.21: v @ diag(ct) @ v^T, here diag(1, 2, 3)
    def f(x):
        return tf.reduce_sum(tf.linalg.eigvalsh(x) * tf.constant([1.0, 2.0, 3.0], tf.float64))
    _, (g,), _ = _grads(f, np.eye(3))
    np.testing.assert_allclose(g, np.diag([1.0, 2.0, 3.0]), atol=1e-12)


def test_eigh_of_a_nan_matrix_raises():
    # TensorFlow 2.21: InvalidArgumentError "Self-adjoint eigen decomposition was not successful"
    with pytest.raises(tf.errors.InvalidArgumentError, match="was not successful"):
        tf.linalg.eigvalsh(tf.constant([[np.nan, 0.0], [0.0, 1.0]]))


# --- cholesky_solve, set_diag, normalize, cross (new) ----------------------
# (gradient of sum(output * [1, 2, ...]) over each output)

def _ramp_grads(f, *values):
    xs = [tf.constant(v) for v in values]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        ys = f(*xs)
        ys = ys if isinstance(ys, tuple) else (ys,)
        loss = sum(tf.reduce_sum(y * tf.reshape(tf.range(1.0, y.shape.num_elements() + 1.0,
                                                         dtype=tf.float64), y.shape)) for y in ys)
    return [y.numpy() for y in ys], [g.numpy() for g in tape.gradient(loss, xs)]


def test_cholesky_solve():
    # TensorFlow 2.21
    (y,), (gc, gb) = _ramp_grads(tf.linalg.cholesky_solve, np.array([[2.0, 0.0], [1.0, 3.0]]),
                                 np.array([[1.0], [2.0]]))
    np.testing.assert_allclose(y, [[1 / 6], [1 / 6]], rtol=1e-12)
    np.testing.assert_allclose(gc, [[-1 / 6, 0.0], [-1 / 6, -1 / 6]], rtol=1e-12)
    np.testing.assert_allclose(gb, [[1 / 6], [1 / 6]], rtol=1e-12)


def test_set_diag():
    # TensorFlow 2.21
    (y,), (ga, gd) = _ramp_grads(lambda a, d: tf.linalg.set_diag(a, d, k=1),
                                 np.arange(6.0).reshape(2, 3), np.array([10.0, 20.0]))
    np.testing.assert_array_equal(y, [[0.0, 10.0, 2.0], [3.0, 4.0, 20.0]])
    np.testing.assert_array_equal(ga, [[1.0, 0.0, 3.0], [4.0, 5.0, 0.0]])
    np.testing.assert_array_equal(gd, [2.0, 6.0])


def test_normalize():
    # TensorFlow 2.21
    (unit, size), (g,) = _ramp_grads(lambda x: tf.linalg.normalize(x, axis=-1),
                                     np.array([[3.0, 4.0], [1.0, 0.0]]))
    np.testing.assert_allclose(unit, [[0.6, 0.8], [1.0, 0.0]], rtol=1e-12)
    np.testing.assert_allclose(size, [[5.0], [1.0]], rtol=1e-12)
    np.testing.assert_allclose(g, [[0.536, 0.848], [2.0, 4.0]], rtol=1e-12)


def test_cross():
    # TensorFlow 2.21
    (y,), (ga, gb) = _ramp_grads(tf.linalg.cross, np.array([1.0, 2.0, 3.0]), np.array([-1.0, 0.5, 2.0]))
    np.testing.assert_array_equal(y, [2.5, -5.0, 2.5])
    np.testing.assert_array_equal(ga, [-2.5, 5.0, -2.5])
    np.testing.assert_array_equal(gb, [0.0, 0.0, 0.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="cross"):
        tf.linalg.cross(tf.ones((2,)), tf.ones((2,)))


def test_pinv_of_full_rank_and_rank_deficient_matrices():
    # TensorFlow 2.21 (small singular values cut at 10 * max(M, N) * eps)
    (y,), (g,) = _ramp_grads(tf.linalg.pinv, np.array([[1.0, 2.0], [2.0, 4.0], [0.0, 1.0]]))
    np.testing.assert_allclose(y, [[0.2, 0.4, -2.0], [0.0, 0.0, 1.0]], atol=1e-12)
    np.testing.assert_allclose(g, [[-1.4, 0.6], [3.2, -1.8], [-0.8, 0.0]], atol=1e-12)
    (y,), (g,) = _ramp_grads(tf.linalg.pinv, np.array([[1.0, 2.0], [2.0, 4.0]]))
    np.testing.assert_allclose(y, [[0.04, 0.08], [0.08, 0.16]], rtol=1e-12)
    np.testing.assert_allclose(g, [[-0.0336, -0.0592], [-0.0992, -0.1824]], rtol=1e-9)


def test_lstsq_over_and_underdetermined():
    # TensorFlow 2.21
    (y,), (ga, gb) = _ramp_grads(lambda a, b: tf.linalg.lstsq(a, b, l2_regularizer=0.5),
                                 np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
                                 np.array([[1.0], [2.0], [2.0]]))
    np.testing.assert_allclose(y, [[2 / 3], [4 / 3]], rtol=1e-12)
    np.testing.assert_allclose(ga, [[-2 / 63, 0.126984127], [-0.4444444444, -0.5079365079],
                                    [-0.5714285714, -1.1428571429]], rtol=1e-9)
    np.testing.assert_allclose(gb, [[0.0952380952], [0.7619047619], [0.8571428571]], rtol=1e-9)
    (y,), (ga, gb) = _ramp_grads(tf.linalg.lstsq, np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]]),
                                 np.array([[1.0], [2.0]]))
    np.testing.assert_allclose(y, [[-1 / 3], [4 / 3], [2 / 3]], rtol=1e-12)
    np.testing.assert_allclose(ga, [[0.1111111111, -0.9444444444, -0.3888888889],
                                    [1.0555555556, -2.2222222222, -1.4444444444]], rtol=1e-9)
    np.testing.assert_allclose(gb, [[2 / 3], [1.8333333333]], rtol=1e-9)


def test_qr_of_tall_and_wide_matrices():
    # TensorFlow 2.21 (same signs: both are Householder QR)
    (q, r), (g,) = _ramp_grads(tf.linalg.qr, np.array([[1.0, 2.0], [3.0, 4.0], [0.0, 1.0]]))
    np.testing.assert_allclose(q, [[-0.316227766, 0.5070925528], [-0.9486832981, -0.1690308509],
                                   [0.0, 0.8451542547]], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(r, [[-3.1622776602, -4.4271887242], [0.0, 1.1832159566]], rtol=1e-9)
    np.testing.assert_allclose(g, [[-1.7098861909, -0.4151301522], [-0.4841304898, -1.9698083894],
                                   [-9.8199826547, 4.58798024]], rtol=1e-9)
    (q, r), (g,) = _ramp_grads(tf.linalg.qr, np.array([[1.0, 2.0, 0.5], [3.0, 4.0, -1.0]]))
    np.testing.assert_allclose(r, [[-3.1622776602, -4.4271887242, 0.790569415],
                                   [0.0, -0.632455532, -0.790569415]], rtol=1e-9)
    np.testing.assert_allclose(g, [[5.1387011978, -5.3758720223, -6.6407830864],
                                   [-2.7669929526, -0.316227766, -0.9486832981]], rtol=1e-9)
    x = tf.constant(np.ones((3, 2)))
    with tf.GradientTape() as tape:  # TensorFlow 2.21: NotImplementedError
        tape.watch(x)
        q, r = tf.linalg.qr(x, full_matrices=True)
    with pytest.raises(NotImplementedError, match="full_matrices=True"):
        tape.gradient(r, x)


def test_slogdet_and_qr_results_have_tensorflows_field_names():
    # TensorFlow 2.21: LogMatrixDeterminant(sign, log_abs_determinant) and Qr(q, r)
    out = tf.linalg.slogdet(tf.constant([[-2.0, 0.0], [0.0, 1.0]]))
    assert out.sign.numpy() == -1.0 and np.isclose(out.log_abs_determinant.numpy(), np.log(2.0))
    out = tf.linalg.qr(tf.constant([[3.0, 1.0], [4.0, 2.0]]))
    assert out.q.shape == (2, 2) and out.r.shape == (2, 2)
