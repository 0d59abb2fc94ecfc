"""Op specs: linalg ops (see tests/opspec.py for the format).

Matrices are well conditioned (a random matrix plus ``n * I``); Cholesky
samples are symmetric positive definite and the function symmetrizes its
input, so the (symmetric) gradient is checked against the right derivative.
"""
import numpy as np

import gradtape as tf
from gradtape.rules.linalg import _dense
from tests.opspec import OpSpec, away_from, binary, rand, reduction, unary  # noqa: F401


def well(shape):
    """Random square matrices plus n*I: far from singular."""
    n = shape[-1]
    return rand(shape, -1.0, 1.0) + n * np.eye(n)


def spd(shape):
    m = rand(shape, -1.0, 1.0)
    n = shape[-1]
    return m @ np.swapaxes(m, -1, -2) + n * np.eye(n)


def separated(shape, values):
    """Matrices ``q1 @ diag(values) @ q2^T`` with random orthogonal q1, q2: their
    singular values are ``values`` (distinct, well apart)."""
    m, n = shape[-2:]
    q1 = np.linalg.qr(rand(shape[:-2] + (m, m)))[0][..., :, :len(values)]
    q2 = np.linalg.qr(rand(shape[:-2] + (n, n)))[0][..., :, :len(values)]
    return (q1 * np.asarray(values)) @ np.swapaxes(q2, -1, -2)


def _svd_fixed_signs(a, full_matrices=False):
    """svd with each pair of singular vectors turned so that u's column sums
    are positive: a function of ``a`` (LAPACK's signs are arbitrary)."""
    s, u, v = tf.linalg.svd(a, full_matrices=full_matrices)
    flip = tf.sign(tf.reduce_sum(u, axis=-2, keepdims=True))
    return s, u * flip, v * flip


def _eigh_fixed_signs(a):
    """eigh with each eigenvector turned so that its sum is positive."""
    e, v = tf.linalg.eigh(a)
    return e, v * tf.sign(tf.reduce_sum(v, axis=-2, keepdims=True))


def _sym(a):
    return 0.5 * (a + tf.linalg.matrix_transpose(a))


SPECS = [
    OpSpec("dense", _dense, [(rand((4, 3)), rand((3, 5)), rand((5,))),
                             (rand((1, 2)), rand((2, 1)), rand((1,)))]),
    OpSpec("matmul", tf.matmul, [(rand((2, 3)), rand((3, 4))), (rand((2, 2, 3)), rand((3, 2))),
                                 (rand((2, 1, 2, 3)), rand((3, 3, 2)))], 2),
    OpSpec("matmul_transposed", lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
           [(rand((3, 2)), rand((4, 3)))], 2),
    OpSpec("matmul_adjoint", lambda a, b: tf.matmul(a, b, adjoint_a=True),
           [(rand((2, 3, 2)), rand((2, 3, 4)))], 2),
    OpSpec("matvec", tf.linalg.matvec, [(rand((2, 3)), rand((3,))), (rand((2, 2, 3)), rand((3,)))], 2),
    OpSpec("matvec_transpose", lambda a, b: tf.linalg.matvec(a, b, transpose_a=True),
           [(rand((3, 2)), rand((2, 3)))], 2),
    OpSpec("tensordot_int", lambda a, b: tf.tensordot(a, b, axes=1),
           [(rand((2, 3)), rand((3, 4))), (rand((2, 3, 2)), rand((2, 2)))], 2),
    OpSpec("tensordot_lists", lambda a, b: tf.tensordot(a, b, axes=[[0, 2], [1, 0]]),
           [(rand((2, 3, 4)), rand((4, 2, 2)))], 2),
    OpSpec("tensordot_outer", lambda a, b: tf.tensordot(a, b, axes=0),
           [(rand((2,)), rand((3,)))], 2),
    OpSpec("einsum_matmul", lambda a, b: tf.einsum("ij,jk->ik", a, b),
           [(rand((2, 3)), rand((3, 4)))], 2),
    OpSpec("einsum_diagonal", lambda a: tf.einsum("ii->i", a), [(rand((3, 3)),)], 2),
    OpSpec("einsum_trace_implicit", lambda a: tf.einsum("ii", a), [(rand((3, 3)),)], 2),
    OpSpec("einsum_repeat_and_sum", lambda a, b: tf.einsum("iij,k->jk", a, b),
           [(rand((2, 2, 3)), rand((2,)))], 2),
    OpSpec("einsum_sum_out", lambda a, b: tf.einsum("ij,jk->i", a, b),
           [(rand((2, 3)), rand((3, 4)))], 2),
    OpSpec("einsum_implicit_transpose", lambda a: tf.einsum("ba", a), [(rand((2, 3)),)], 2),
    OpSpec("einsum_outer", lambda a, b: tf.einsum("i,j->ij", a, b), [(rand((2,)), rand((3,)))], 2),
    OpSpec("einsum_three", lambda a, b, c: tf.einsum("ij,ij,jk->ik", a, b, c),
           [(rand((2, 3)), rand((2, 3)), rand((3, 2)))], 2),
    OpSpec("einsum_ellipsis_broadcast", lambda a, b: tf.einsum("...ij,...jk->...ik", a, b),
           [(rand((2, 2, 3)), rand((3, 2))), (rand((2, 1, 2, 3)), rand((3, 3, 2)))], 2),
    OpSpec("einsum_ellipsis_middle", lambda a, b: tf.einsum("i...j,j->...i", a, b),
           [(rand((2, 3, 4)), rand((4,)))], 2),
    OpSpec("expm", tf.linalg.expm, [(rand((3, 3), -1.0, 1.0),), (rand((2, 2, 2), -3.0, 3.0),)], 2,
           array_api=False),
    OpSpec("sqrtm", tf.linalg.sqrtm, [(well((3, 3)),), (spd((2, 2, 2)),)], 2,
           array_api=False),
    OpSpec("inv", tf.linalg.inv, [(well((3, 3)),), (well((2, 3, 3)),)], 2),
    OpSpec("inv_adjoint", lambda a: tf.linalg.inv(a, adjoint=True), [(well((3, 3)),)], 2),
    OpSpec("det", tf.linalg.det, [(well((3, 3)),), (well((2, 2, 2)),)], 2),
    OpSpec("slogdet", tf.linalg.slogdet, [(well((3, 3)),), (-well((2, 3, 3)),)], 2),
    OpSpec("slogdet_logabsdet", lambda a: tf.linalg.slogdet(a)[1], [(-well((2, 3, 3)),)], 2),
    OpSpec("logdet", lambda a: tf.linalg.logdet(_sym(a)), [(spd((3, 3)),)], 2),
    OpSpec("solve", tf.linalg.solve, [(well((3, 3)), rand((3, 2))),
                                      (well((2, 3, 3)), rand((2, 3, 1)))], 2),
    OpSpec("solve_adjoint", lambda a, b: tf.linalg.solve(a, b, adjoint=True),
           [(well((2, 3, 3)), rand((2, 3, 2)))], 2),
    OpSpec("triangular_solve", tf.linalg.triangular_solve,
           [(well((3, 3)), rand((3, 2))), (well((2, 3, 3)), rand((3, 2)))], 2),
    OpSpec("triangular_solve_upper_adjoint",
           lambda a, b: tf.linalg.triangular_solve(a, b, lower=False, adjoint=True),
           [(well((3, 3)), rand((3, 2)))], 2),
    OpSpec("triangular_solve_lower_adjoint",
           lambda a, b: tf.linalg.triangular_solve(a, b, adjoint=True),
           [(well((3, 3)), rand((3, 1)))], 2),
    OpSpec("cholesky", lambda a: tf.linalg.cholesky(_sym(a)), [(spd((3, 3)),), (spd((2, 2, 2)),)], 2),
    OpSpec("trace", tf.linalg.trace, [(rand((3, 3)),), (rand((2, 2, 3)),)], 2),
    OpSpec("diag_part", tf.linalg.diag_part, [(rand((3, 3)),), (rand((2, 3, 2)),)], 2),
    OpSpec("diag_part_k", lambda a: tf.linalg.diag_part(a, k=1), [(rand((3, 4)),)], 2),
    OpSpec("diag", tf.linalg.diag, [(rand((3,)),), (rand((2, 2)),)], 2),
    OpSpec("diag_k", lambda v: tf.linalg.diag(v, k=-1), [(rand((2,)),)], 2),
    OpSpec("tensor_diag", tf.linalg.tensor_diag, [(rand((3,)),), (rand((2, 3)),)], 2),
    OpSpec("tensor_diag_part", tf.linalg.tensor_diag_part,
           [(rand((3, 3)),), (rand((2, 3, 2, 3)),)], 2),
    OpSpec("band_part", lambda a: tf.linalg.band_part(a, 1, 0), [(rand((3, 3)),)], 2),
    OpSpec("norm", tf.norm, [(rand((2, 3)),)], 2),
    OpSpec("norm_axis_keepdims", lambda x: tf.norm(x, axis=1, keepdims=True), [(rand((2, 3)),)], 2),
    OpSpec("norm_ord1", lambda x: tf.norm(x, ord=1, axis=-1), [(away_from((2, 3), -2, 2),)], 2),
    OpSpec("norm_ord_inf", lambda x: tf.norm(x, ord=np.inf, axis=0),
           [(np.array([[1.0, -3.0], [2.0, 0.5], [-0.5, 1.5]]),)], 2),
    OpSpec("norm_ord3", lambda x: tf.norm(x, ord=3), [(away_from((4,), -2, 2),)], 2),
    OpSpec("norm_fro", lambda x: tf.norm(x, ord="fro", axis=[-2, -1]), [(rand((2, 2, 3)),)], 2),
    OpSpec("norm_matrix_1", lambda x: tf.norm(x, ord=1, axis=(0, 1)),
           [(np.array([[1.0, -3.0], [2.0, 0.5], [-0.5, 1.5]]),)], 2),
    OpSpec("norm_matrix_inf", lambda x: tf.norm(x, ord=np.inf, axis=(1, 2), keepdims=True),
           [(np.array([[[1.0, -3.0], [2.0, 0.5]], [[-0.5, 1.5], [0.2, 0.1]]]),)], 2),
    OpSpec("svd", _svd_fixed_signs,
           [(separated((3, 3), [3.0, 2.0, 1.0]),), (separated((4, 2), [2.5, 1.0]),),
            (separated((2, 4), [2.0, 0.8]),), (separated((2, 3, 2), [2.0, 1.2]),)], 2),
    OpSpec("svd_full_square", lambda a: _svd_fixed_signs(a, full_matrices=True),
           [(separated((2, 2), [1.5, 0.5]),)], 2),
    OpSpec("svd_values_only", lambda a: tf.linalg.svd(a, compute_uv=False),
           [(separated((3, 2), [2.0, 1.0]),)], 2),
    OpSpec("eigh", _eigh_fixed_signs, [(rand((3, 3)),), (rand((2, 3, 3)),)], 2),
    OpSpec("eigvalsh", tf.linalg.eigvalsh, [(rand((3, 3)),), (rand((2, 2, 2)),)], 2),
    OpSpec("cholesky_solve", lambda a, b: tf.linalg.cholesky_solve(tf.linalg.cholesky(_sym(a)), b),
           [(spd((3, 3)), rand((3, 2))), (spd((2, 2, 2)), rand((2, 2, 1)))], 2),
    OpSpec("set_diag", tf.linalg.set_diag, [(rand((2, 3, 4)), rand((2, 3)))], 2),
    OpSpec("set_diag_k", lambda a, d: tf.linalg.set_diag(a, d, k=-1), [(rand((3, 3)), rand((2,)))], 2),
    OpSpec("set_diag_band", lambda a, d: tf.linalg.set_diag(a, d, k=(-1, 1), align="LEFT_RIGHT"),
           [(rand((2, 3, 4)), rand((2, 3, 3)))], 2),
    OpSpec("banded_triangular_solve", tf.linalg.banded_triangular_solve,
           [(np.array([[2.0, 3.0, 4.0], [0.5, -1.0, 0.7]]), rand((3, 2)))], 2),
    OpSpec("banded_triangular_solve_upper",
           lambda b, r: tf.linalg.banded_triangular_solve(b, r, lower=False, adjoint=True),
           [(np.array([[0.5, -1.0, 0.3], [2.0, 3.0, -4.0]]), rand((3, 1)))], 2),
    OpSpec("normalize", lambda x: tf.linalg.normalize(x, axis=-1), [(rand((2, 3)),)], 2),
    OpSpec("cross", tf.linalg.cross, [(rand((3,)), rand((3,))), (rand((2, 3)), rand((2, 3)))], 2),
    OpSpec("pinv", tf.linalg.pinv, [(separated((3, 2), [2.0, 0.7]),), (separated((2, 2, 3), [1.5, 0.5]),)], 2),
    OpSpec("lstsq", tf.linalg.lstsq, [(rand((4, 2)), rand((4, 1))), (rand((2, 3)), rand((2, 2)))], 2),
    OpSpec("lstsq_l2", lambda a, b: tf.linalg.lstsq(a, b, l2_regularizer=0.3),
           [(rand((2, 3, 2)), rand((2, 3, 1)))], 2),
    OpSpec("qr", tf.linalg.qr, [(well((3, 3)),), (rand((4, 2)),), (rand((2, 4)),), (rand((2, 3, 2)),)], 2),
    OpSpec("qr_full", lambda a: tf.linalg.qr(a, full_matrices=True), [(rand((2, 3)),)], 2),
    OpSpec("norm_matrix_2", lambda x: tf.norm(x, ord=2, axis=[0, 2]), [(rand((3, 2, 2)),)], 2),
]
