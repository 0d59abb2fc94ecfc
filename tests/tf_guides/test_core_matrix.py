"""The Core APIs matrix approximation guide (SVD image compression) under gradtape.

``tf.random.uniform([40, 30])`` is replaced by fixed NumPy values and the
downloaded JPEG by a synthetic uint8 image ``(128, 120, 3)`` made with a fixed
seed; the SVD, low-rank approximation and compression code is the guide's.
Singular vectors are compared through what does not depend on their signs
(LAPACK and TensorFlow's Eigen may flip a pair).  Every expected value is what
TensorFlow 2.21 printed for the same program.
"""
import numpy as np
import pytest

import gradtape as tf


def rank_r_approx(s, U, V, r, verbose=False):
    s_r, U_r, V_r = s[..., :r], U[..., :, :r], V[..., :, :r]
    A_r = tf.einsum('...s,...us,...vs->...uv', s_r, U_r, V_r)
    A_r_size = tf.size(U_r) + tf.size(s_r) + tf.size(V_r)
    return A_r, A_r_size


def compress_image(I, r):
    I_size = tf.size(I)
    I = tf.convert_to_tensor(I) / 255
    I_batched = tf.transpose(I, [2, 0, 1])
    s, U, V = tf.linalg.svd(I_batched)
    I_r, I_r_size = rank_r_approx(s, U, V, r)
    I_r = tf.transpose(I_r, [1, 2, 0])
    I_r_prop = (I_r_size / I_size)
    return I, I_r, I_r_size, I_r_prop


def energy(I):
    I = tf.convert_to_tensor(I) / 255
    s, U, V = tf.linalg.svd(tf.transpose(I, [2, 0, 1]))
    props_rgb = tf.map_fn(lambda x: tf.cumsum(x) / tf.reduce_sum(x), s)
    return tf.reduce_mean(props_rgb, axis=0)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    A = tf.constant(rng.uniform(size=(40, 30)).astype(np.float32))
    yy, xx = np.mgrid[0:128, 0:120]
    base = np.stack([128 + 100 * np.sin(xx / 9.0), 128 + 100 * np.cos(yy / 7.0),
                     128 + 60 * np.sin((xx + yy) / 11.0)], -1)
    image = np.clip(base + rng.normal(0, 20, base.shape), 0, 255).astype(np.uint8)
    return A, image


def test_svd_and_its_reconstructions(data):
    A, _ = data
    s, U, V = tf.linalg.svd(A)
    assert (s.shape, U.shape, V.shape) == ((30,), (40, 30), (30, 30))
    np.testing.assert_allclose(s.numpy()[:4], [17.88645, 3.09153, 2.93817, 2.76298],
                               atol=2e-5)   # TensorFlow's
    A_svd = U @ tf.linalg.diag(s) @ tf.transpose(V)
    assert float(tf.reduce_max(tf.abs(A_svd - A))) < 1e-5
    A_svd = tf.einsum('s,us,vs -> uv', s, U, V)
    assert A_svd.shape == (40, 30) and float(tf.reduce_max(tf.abs(A_svd - A))) < 1e-5


def test_low_rank_approximations(data):
    A, _ = data
    assert f"{tf.size(A)}" == "1200"
    s, U, V = tf.linalg.svd(A)
    for r, size, row in ((15, "1065", [0.70331, 0.35316, 0.0011]),
                         (3, "213", [0.66807, 0.60232, 0.40312])):   # TensorFlow's
        A_r, A_r_size = rank_r_approx(s, U, V, r)
        assert f"{A_r_size}" == size
        np.testing.assert_allclose(A_r.numpy()[0, :3], row, atol=1e-5)
        assert type(abs(A - A_r)) is type(A)


def test_image_compression(data):
    _, image = data
    for r, size, prop, corner in (   # TensorFlow 2.21's
            (100, "74700", 1.62109375, [0.58936, 0.98652, 0.53638]),
            (50, "37350", 0.810546875, [0.54312, 0.94595, 0.53097]),
            (10, "7470", 0.162109375, [0.51742, 0.95047, 0.50594])):
        I, I_r, I_r_size, I_r_prop = compress_image(image, r)
        assert I.dtype == tf.float32                       # uint8 / 255 is float32
        assert f"{tf.size(image)}" == "46080" and f"{I_r_size}" == size
        assert I_r_prop.dtype == tf.float64 and I_r_prop.numpy() == prop
        np.testing.assert_allclose(tf.clip_by_value(I_r, 0., 1.).numpy()[0, 0], corner,
                                   atol=2e-5)
    m, n, o = image.shape
    assert int((0.15 * m * n) / (m + n + 1)) == 9


def test_energy_and_compression_by_energy(data):
    _, image = data
    props = energy(image)
    assert props.dtype == tf.float32 and props.shape == (120,)
    np.testing.assert_allclose(props.numpy()[[0, 1, 10, -1]], [0.40938, 0.44578, 0.55125, 1.0],
                               atol=1e-5)   # TensorFlow's
    r = tf.argmin(tf.abs(props - 0.75)) + 1
    assert r.dtype == tf.int64 and int(r) == 38
    assert f"{props[r]:.3f}" == "0.755"
    _, _, I_r_size, _ = compress_image(image, r)
    assert f"{I_r_size}" == "28386"


def test_frobenius_norm_and_the_singular_values_left_out(data):
    A, _ = data
    s, U, V = tf.linalg.svd(A)
    A_10, _ = rank_r_approx(s, U, V, 10)
    squared_norm = tf.norm(A - A_10) ** 2
    s_squared_sum = tf.reduce_sum(s[10:] ** 2)
    assert f"{squared_norm:.3f}" == "32.186"   # TensorFlow 2.21 printed 32.186
    # TensorFlow printed 32.187 (32.186546): its float32 SVD is less exact than
    # LAPACK's, whose 32.186493 is the float64 value 32.18649 rounded
    np.testing.assert_allclose(s_squared_sum.numpy(), 32.186546, rtol=3e-6)
