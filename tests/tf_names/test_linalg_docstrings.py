"""The ``>>>`` examples of TensorFlow's ``tf.linalg`` docstrings that gradtape did
not run before (missing names), with TensorFlow 2.21's printed values, and the
edge cases around them as TensorFlow 2.21 gives them."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients


def test_tensor_diag_part_docstring():
    # TensorFlow 2.21's values (tf.linalg.tensor_diag_part's docstring)
    x = [[[[1111, 1112], [1121, 1122]],
          [[1211, 1212], [1221, 1222]]],
         [[[2111, 2112], [2121, 2122]],
          [[2211, 2212], [2221, 2222]]]]
    got = tf.linalg.tensor_diag_part(x)
    assert got.dtype == tf.int32
    np.testing.assert_array_equal(got.numpy(), [[1111, 1212], [2121, 2222]])
    assert tf.linalg.diag_part(x).shape == tf.TensorShape([2, 2, 2])


def test_tensor_diag_and_part_values():
    # TensorFlow 2.21's values
    np.testing.assert_array_equal(tf.linalg.tensor_diag_part([[1, 2], [3, 4]]).numpy(), [1, 4])
    assert tf.linalg.tensor_diag_part(3).numpy() == 3
    assert tf.linalg.tensor_diag_part(tf.zeros([2, 3, 2, 3])).shape == (2, 3)
    np.testing.assert_array_equal(tf.linalg.tensor_diag([1, 2]).numpy(), [[1, 0], [0, 2]])
    assert tf.linalg.tensor_diag([[1, 2], [3, 4]]).shape == (2, 2, 2, 2)


@pytest.mark.parametrize("call,match", [
    # TensorFlow 2.21's errors
    (lambda: tf.linalg.tensor_diag_part([1, 2]), r"even and positive, got shape \[2\]"),
    (lambda: tf.linalg.tensor_diag_part([[[1, 2]]]), r"even and positive, got shape \[1,1,2\]"),
    (lambda: tf.linalg.tensor_diag_part([[1, 2, 3], [3, 4, 5]]),
     r"Invalid shape \[2,3\]: dimensions 0 and 1 do not match"),
    (lambda: tf.linalg.tensor_diag_part(tf.zeros([2, 3, 3, 2])),
     r"Invalid shape \[2,3,3,2\]: dimensions 0 and 2 do not match"),
    (lambda: tf.linalg.tensor_diag(3), "Input must be at least rank 1, got 0"),
])
def test_tensor_diag_errors(call, match):
    with pytest.raises(tf.errors.InvalidArgumentError, match=match):
        call()


def test_tensor_diag_gradients():
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        y = tf.linalg.tensor_diag_part(x) * [1.0, 2.0]
    # TensorFlow 2.21's gradient
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [[1.0, 0.0], [0.0, 2.0]])
    check_gradients(tf.linalg.tensor_diag_part, [np.arange(36.0).reshape(2, 3, 2, 3)], order=2)
    check_gradients(tf.linalg.tensor_diag, [np.arange(6.0).reshape(2, 3)], order=2)


def test_banded_triangular_solve_docstring():
    # TensorFlow 2.21's values (tf.linalg.banded_triangular_solve's docstring)
    x = [[2.0, 3.0, 4.0], [1.0, 2.0, 3.0]]
    x2 = [[2.0, 3.0, 4.0], [10000.0, 2.0, 3.0]]
    z = tf.linalg.set_diag(tf.zeros([3, 3]), x, align="LEFT_RIGHT", k=(-1, 0))
    np.testing.assert_array_equal(z.numpy(), [[2, 0, 0], [2, 3, 0], [0, 3, 4]])
    soln = tf.linalg.banded_triangular_solve(x, tf.ones([3, 1]))
    np.testing.assert_array_equal(soln.numpy(), [[0.5], [0.0], [0.25]])
    assert tf.reduce_all(soln == tf.linalg.banded_triangular_solve(x2, tf.ones([3, 1]))).numpy()
    assert tf.reduce_all(soln == tf.linalg.triangular_solve(z, tf.ones([3, 1]))).numpy()
    x = [[2.0, 3.0, 4.0, 5.0], [-1.0, -2.0, -3.0, -4.0]]
    z = tf.linalg.set_diag(tf.zeros([4, 4]), x, align="LEFT_RIGHT", k=(0, 1))
    np.testing.assert_array_equal(z.numpy(), [[-1, 2, 0, 0], [0, -2, 3, 0], [0, 0, -3, 4],
                                              [0, 0, 0, -4]])
    soln = tf.linalg.banded_triangular_solve(x, tf.ones([4, 1]), lower=False)
    np.testing.assert_allclose(soln.numpy(), [[-4.0], [-1.5], [-0.6666667], [-0.25]], rtol=1e-7)
    assert tf.reduce_all(soln == tf.linalg.triangular_solve(z, tf.ones([4, 1]),
                                                            lower=False)).numpy()


BANDS = [[2.0, 3.0, 4.0], [1.0, 2.0, 3.0]]


@pytest.mark.parametrize("call,want", [
    # TensorFlow 2.21's values
    (lambda: tf.linalg.banded_triangular_solve(BANDS, [[1.0], [2.0], [3.0]], adjoint=True),
     [[0.5833333], [-0.08333334], [0.75]]),
    (lambda: tf.linalg.banded_triangular_solve(BANDS, [[1.0], [2.0], [3.0]], lower=False),
     [[2.0], [-0.5], [1.0]]),
    (lambda: tf.linalg.banded_triangular_solve(BANDS, [[1.0], [2.0], [3.0]], lower=False,
                                               adjoint=True), [[1.0], [0.0], [1.0]]),
    (lambda: tf.linalg.banded_triangular_solve([[2.0, 3.0, 4.0]], tf.ones([3, 2])),
     [[0.5, 0.5], [0.33333334, 0.33333334], [0.25, 0.25]]),
    (lambda: tf.linalg.banded_triangular_solve([[2.0, 3.0, 4.0], [1.0, 1.0, 1.0],
                                                [5.0, 6.0, 7.0]], tf.ones([3, 1])),
     [[0.5], [0.16666667], [-0.6666667]]),
    (lambda: tf.linalg.banded_triangular_solve([[2.0, 3.0, 4.0], [1.0, 1.0, 1.0], [5.0, 6.0, 7.0],
                                                [1.0, 1.0, 1.0]], tf.ones([3, 1])),
     [[0.5], [0.16666667], [-0.6666667]]),
    (lambda: tf.linalg.banded_triangular_solve(tf.ones([2, 2, 3]), tf.ones([3, 1])),
     [[[1.0], [0.0], [1.0]]] * 2),
])
def test_banded_triangular_solve_values(call, want):
    np.testing.assert_allclose(call().numpy(), want, rtol=1e-6)


def test_banded_triangular_solve_errors_and_gradient():
    # TensorFlow 2.21's errors and gradients
    with pytest.raises(tf.errors.InvalidArgumentError, match="In\\[0\\] mismatch In\\[1\\] shape"):
        tf.linalg.banded_triangular_solve([[2.0, 3.0, 4.0]], tf.ones([2, 1]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="not invertible"):
        tf.linalg.banded_triangular_solve([[0.0, 3.0, 4.0]], tf.ones([3, 1]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="ndims must be >= 2: 1"):
        tf.linalg.banded_triangular_solve([[2.0, 3.0, 4.0]], tf.ones([3]))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.linalg.banded_triangular_solve([[2, 3, 4]], tf.ones([3, 1], tf.int32))
    x, b = tf.Variable(BANDS), tf.Variable([[1.0], [2.0], [3.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.linalg.banded_triangular_solve(x, b) * [[1.0], [2.0], [3.0]])
    gx, gb = tape.gradient(y, [x, b])
    np.testing.assert_allclose(gx.numpy(), [[-0.29166666, 0.02777778, -0.375],
                                            [0.0, 0.04166667, -0.25]], rtol=1e-6)
    np.testing.assert_allclose(gb.numpy(), [[0.5833333], [-0.08333334], [0.75]], rtol=1e-6)


Y = tf.zeros([3, 4])
D = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 0.0]]


@pytest.mark.parametrize("call,want", [
    # TensorFlow 2.21's values
    (lambda: tf.linalg.set_diag(Y, D, k=(-1, 1)), [[4, 1, 0, 0], [7, 5, 2, 0], [0, 8, 6, 3]]),
    (lambda: tf.linalg.set_diag(Y, D, k=(-1, 1), align="LEFT_RIGHT"),
     [[4, 1, 0, 0], [8, 5, 2, 0], [0, 0, 6, 3]]),
    (lambda: tf.linalg.set_diag(Y, D, k=(-1, 1), align="LEFT_LEFT"),
     [[4, 1, 0, 0], [7, 5, 2, 0], [0, 8, 6, 3]]),
    (lambda: tf.linalg.set_diag(Y, D, k=(-1, 1), align="RIGHT_RIGHT"),
     [[4, 1, 0, 0], [8, 5, 2, 0], [0, 0, 6, 3]]),
    (lambda: tf.linalg.set_diag(tf.zeros([2, 4]), [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], k=(0, 2)),
     [[5, 3, 1, 0], [0, 6, 4, 2]]),
    (lambda: tf.linalg.set_diag(tf.zeros([4, 2]), [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]],
                                k=(-2, 0)), [[1, 0], [3, 2], [5, 4], [0, 6]]),
    (lambda: tf.linalg.set_diag(tf.zeros([2, 2]), [1.0, 2.0], k=(0, 0)), [[1, 0], [0, 2]]),
])
def test_set_diag_band_values(call, want):
    np.testing.assert_array_equal(call().numpy(), want)


@pytest.mark.parametrize("call,match", [
    # TensorFlow 2.21's errors
    (lambda: tf.linalg.set_diag(tf.zeros([2, 2]), [[1.0], [2.0]], k=[-1, 0]),
     "Expected diagonal shape: \\[2,2\\]"),
    (lambda: tf.linalg.set_diag(tf.zeros([3, 3]), [[1.0, 2.0, 3.0], [3.0, 4.0, 5.0]],
                                k=(-1, 0), align="FOO"), "'align' of \"FOO\""),
    (lambda: tf.linalg.set_diag(tf.zeros([3, 3]), [[1.0, 2.0, 3.0], [3.0, 4.0, 5.0]], k=(0, -1)),
     "lower_diag_index must not be larger than upper_diag_index: 0 > -1"),
])
def test_set_diag_band_errors(call, match):
    with pytest.raises(tf.errors.InvalidArgumentError, match=match):
        call()


def test_set_diag_band_gradient():
    x, d = tf.Variable(tf.ones([3, 3])), tf.Variable([[1.0, 2.0, 9.0], [3.0, 4.0, 5.0]])
    with tf.GradientTape() as tape:
        z = tf.reduce_sum(tf.linalg.set_diag(x, d, k=(0, 1), align="LEFT_RIGHT")
                          * tf.reshape(tf.range(9.0), [3, 3]))
    gx, gd = tape.gradient(z, [x, d])
    # TensorFlow 2.21's gradients: the padding entry of d gets 0
    np.testing.assert_array_equal(gx.numpy(), [[0, 0, 2], [3, 0, 0], [6, 7, 0]])
    np.testing.assert_array_equal(gd.numpy(), [[1, 5, 0], [0, 4, 8]])
