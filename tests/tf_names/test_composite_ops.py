"""clip_by_norm, repeat, scalar_mul, random.shuffle, nn.compute_average_loss and
nn.scale_regularization_loss: TensorFlow 2.21's values, errors and gradients."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

from ._tf import assert_tf, value_and_grads

X = [[3.0, 4.0], [6.0, 8.0]]


def test_clip_by_norm_values():
    np.testing.assert_allclose(tf.clip_by_norm(tf.constant(X), 5.0).numpy(),
                               [[1.3416408, 1.7888544], [2.6832817, 3.5777087]], rtol=1e-6)
    np.testing.assert_allclose(tf.clip_by_norm(tf.constant(X), 5.0, axes=[1]).numpy(),
                               [[3.0, 4.0], [3.0, 4.0]], rtol=1e-6)
    np.testing.assert_allclose(tf.clip_by_norm(tf.constant(X), [5.0, 1.0]).numpy(),
                               [[1.3416408, 0.3577709], [2.6832817, 0.7155418]], rtol=1e-6)
    np.testing.assert_array_equal(tf.clip_by_norm(tf.zeros(2), 1.0).numpy(), [0.0, 0.0])


def test_repeat_values_and_errors():
    np.testing.assert_array_equal(tf.repeat([[1, 2], [3, 4]], 2).numpy(),
                                  [1, 1, 2, 2, 3, 3, 4, 4])
    np.testing.assert_array_equal(tf.repeat([[1, 2], [3, 4]], [1, 2], axis=0).numpy(),
                                  [[1, 2], [3, 4], [3, 4]])
    np.testing.assert_array_equal(tf.repeat(tf.constant([[1.0, 2.0], [3.0, 4.0]]), 3,
                                            axis=1).numpy(),
                                  [[1, 1, 1, 2, 2, 2], [3, 3, 3, 4, 4, 4]])
    np.testing.assert_array_equal(tf.repeat(3.0, 2).numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(tf.repeat([1.0, 2.0], tf.constant([2, 0])).numpy(), [1.0, 1.0])
    with pytest.raises(ValueError, match="Dimensions 2 and 3 are not compatible"):
        tf.repeat([[1, 2], [3, 4]], [1, 2, 3], axis=0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
        tf.repeat([1, 2], -1)


def test_scalar_mul():
    x = tf.constant(X)
    np.testing.assert_array_equal(tf.math.scalar_mul(2, x).numpy(), [[6, 8], [12, 16]])
    np.testing.assert_array_equal(tf.scalar_mul(tf.constant(3.0), x).numpy(),
                                  [[9, 12], [18, 24]])
    with pytest.raises(ValueError, match=r"The input scalar must be a 0-D value. Received "
                                         r"shape \(2,\)."):
        tf.math.scalar_mul([1.0, 2.0], x)
    with pytest.raises(ValueError, match="Tensor conversion requested dtype float32 for "
                                         "Tensor with dtype float64"):
        tf.math.scalar_mul(tf.constant(3.0, tf.float64), x)


@pytest.mark.parametrize("call,want,dtype", [
    (lambda: tf.nn.compute_average_loss([1.0, 2.0, 3.0, 4.0]), 2.5, tf.float32),
    (lambda: tf.nn.compute_average_loss([1.0, 2.0, 3.0, 4.0], global_batch_size=8), 1.25,
     tf.float32),
    (lambda: tf.nn.compute_average_loss([1.0, 2.0, 3.0, 4.0], sample_weight=[1.0, 0.0, 1.0, 0.0]),
     1.0, tf.float32),
    (lambda: tf.nn.compute_average_loss([1.0, 2.0, 3.0, 4.0], sample_weight=2.0), 5.0,
     tf.float32),
    (lambda: tf.nn.compute_average_loss([[1.0, 2.0], [3.0, 4.0]]), 5.0, tf.float32),
    (lambda: tf.nn.compute_average_loss([1, 2]), 1.5, tf.float64),
    (lambda: tf.nn.compute_average_loss(tf.constant([1.0, 2.0], tf.float64)), 1.5, tf.float64),
    (lambda: tf.nn.compute_average_loss([1.0, 2.0], global_batch_size=0), 0.0, tf.float32),
    (lambda: tf.nn.scale_regularization_loss(3.0), 3.0, tf.float32),
    (lambda: tf.nn.scale_regularization_loss([1.0, 2.0]), 3.0, tf.float32),
    (lambda: tf.nn.scale_regularization_loss(tf.constant(2)), 2.0, tf.float64),
])
def test_loss_scaling_values(call, want, dtype):
    got = call()
    assert got.numpy() == want and got.dtype == dtype


def test_loss_scaling_errors():
    with pytest.raises(ValueError, match="Expected a tensor with at least rank 1"):
        tf.nn.compute_average_loss(tf.constant(3.0))
    with pytest.raises(TypeError, match="global_batch_size must be an integer"):
        tf.nn.compute_average_loss([1.0, 2.0], global_batch_size=2.5)


def test_gradients_are_tensorflows():
    x, w = tf.Variable([[1.0, 2.0], [3.0, 4.0]]), tf.Variable([0.5, -1.5])
    weights = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    cases = [
        (lambda: tf.reduce_sum(tf.clip_by_norm(x * w, 2.0, axes=[1]) * weights),
         (-9.922704, [[0.4265487, -0.21327442], [0.60871685, -0.45653772]],
          [4.5053983, 1.5017998])),
        (lambda: tf.reduce_sum(tf.clip_by_norm(x * 0.0, 2.0)),
         (0.0, [[0.0, 0.0], [0.0, 0.0]], None)),
        (lambda: tf.reduce_sum(tf.repeat(x * w, [2, 1], axis=0) ** 2),
         (56.75, [[1.0, 18.0], [1.5, 18.0]], [11.0, -72.0])),
        (lambda: tf.reduce_sum(tf.repeat(x, 2) * tf.range(8, dtype=tf.float32)),
         (90.0, [[1.0, 5.0], [9.0, 13.0]], None)),
        (lambda: tf.reduce_sum(tf.math.scalar_mul(w[0], x) ** 2),
         (7.5, [[0.5, 1.0], [1.5, 2.0]], [30.0, 0.0])),
        (lambda: tf.nn.compute_average_loss(tf.reduce_sum(x * w, axis=1) ** 2,
                                            sample_weight=[0.5, 2.0], global_batch_size=4),
         (10.90625, [[-0.3125, 0.9375], [-2.25, 6.75]], [-14.125, -19.25])),
        (lambda: tf.nn.scale_regularization_loss(tf.reduce_sum(w ** 2)),
         (2.5, None, [1.0, -3.0])),
    ]
    for f, want in cases:
        assert_tf(value_and_grads(f, x, w), want, rtol=2e-5)


@pytest.mark.parametrize("f", [
    lambda x, w: tf.clip_by_norm(x * w, 2.0),
    lambda x, w: tf.clip_by_norm(x * w, 0.5, axes=[1]),
    lambda x, w: tf.repeat(x * w, [2, 1], axis=0),
    lambda x, w: tf.repeat(x, 2, axis=1) * tf.reduce_sum(w),
    lambda x, w: tf.math.scalar_mul(w[1], x),
    lambda x, w: tf.nn.compute_average_loss(tf.reduce_sum(x * w, axis=1) ** 2,
                                            sample_weight=tf.constant([0.5, 2.0], tf.float64)),
    lambda x, w: tf.nn.scale_regularization_loss(x * w),
], ids=["clip_by_norm", "clip_by_norm_axes", "repeat_counts", "repeat_axis1", "scalar_mul",
        "compute_average_loss", "scale_regularization_loss"])
def test_gradients_match_central_differences(f):
    check_gradients(f, [[[1.0, 2.0], [0.3, -0.4]], [0.5, -1.5]], order=2)


def test_random_shuffle():
    tf.random.set_seed(0)
    x = tf.random.shuffle(tf.constant([[1, 2], [3, 4], [5, 6]]))
    assert x.shape == (3, 2)
    assert sorted(map(tuple, x.numpy().tolist())) == [(1, 2), (3, 4), (5, 6)]
    assert tf.random.shuffle(tf.constant(1.0)).numpy() == 1.0
    a = tf.random.shuffle(tf.range(20), seed=3).numpy()
    assert sorted(a.tolist()) == list(range(20))
    v = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:      # TensorFlow: RandomShuffle has no gradient
        y = tf.reduce_sum(tf.random.shuffle(v) * tf.constant([1.0, 2.0, 3.0]))
    assert tape.gradient(y, v) is None


def test_random_shuffle_is_seeded_and_redrawn_by_a_compiled_function():
    tf.random.set_seed(7)
    first = tf.random.shuffle(tf.range(50), seed=1).numpy()
    tf.random.set_seed(7)
    np.testing.assert_array_equal(tf.random.shuffle(tf.range(50), seed=1).numpy(), first)
    f = tf.function(lambda x: tf.random.shuffle(x))
    draws = {tuple(f(tf.range(50)).numpy().tolist()) for _ in range(3)}
    assert len(draws) == 3
