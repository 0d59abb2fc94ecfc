"""Complex gradients of the products follow TensorFlow's convention
(``grad_a = ct @ conj(b)^T``), as the elementwise ops do: the numbers below
are TensorFlow 2.21's for the same programs."""
import numpy as np
import pytest

import gradtape as tf

A = np.array([[1 + 2j, 0.5 - 1j], [2j, 1.0]], np.complex64)
B = np.array([[1 - 1j, 2 + 0j], [0.5j, -1 + 1j]], np.complex64)
V = np.array([1j, 2 - 1j], np.complex64)


def _grads(f, *values):
    xs = [tf.constant(v) for v in values]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    return [g.numpy() for g in tape.gradient(y, xs)]


@pytest.mark.parametrize("product", [tf.matmul, lambda a, b: tf.einsum("ij,jk->ik", a, b),
                                     lambda a, b: tf.tensordot(a, b, axes=1), lambda a, b: a @ b],
                         ids=["matmul", "einsum", "tensordot", "operator"])
def test_matrix_product(product):
    ga, gb = _grads(product, A, B)
    np.testing.assert_allclose(ga, [[3 + 1j, -1 - 1.5j], [3 + 1j, -1 - 1.5j]], rtol=1e-6)
    np.testing.assert_allclose(gb, [[1 - 4j, 1 - 4j], [1.5 + 1j, 1.5 + 1j]], rtol=1e-6)


def test_transposed_product_and_a_real_factor():
    _, gb = _grads(lambda a, b: tf.reduce_sum(tf.matmul(a, b, transpose_b=True) * 2.0), A, B)
    np.testing.assert_allclose(gb, [[2 - 8j, 3 + 2j], [2 - 8j, 3 + 2j]], rtol=1e-6)


def test_matvec():
    ga, gv = _grads(tf.linalg.matvec, A, V)
    np.testing.assert_allclose(gv, [1 - 4j, 1.5 + 1j], rtol=1e-6)
    np.testing.assert_allclose(ga, [[-1j, 2 + 1j], [-1j, 2 + 1j]], rtol=1e-6)


def test_vectorized_jacobian_of_a_complex_product():
    a, b = tf.constant(A), tf.constant(B)
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = tf.matmul(a, b)
    jac = tape.jacobian(y, a).numpy().ravel()
    want = [1 + 1j, -0.5j, 0, 0, 2, -1 - 1j, 0, 0, 0, 0, 1 + 1j, -0.5j, 0, 0, 2, -1 - 1j]
    np.testing.assert_allclose(jac, want, rtol=1e-6, atol=1e-7)


def test_real_products_are_unchanged():
    a, b = A.real.copy(), B.imag.copy()
    ga, gb = _grads(tf.matmul, a, b)
    np.testing.assert_allclose(ga, np.ones((2, 2), np.float32) @ b.T, rtol=1e-6)
    np.testing.assert_allclose(gb, a.T @ np.ones((2, 2), np.float32), rtol=1e-6)
