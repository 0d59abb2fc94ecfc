"""tf.clip_by_global_norm and tf.linalg.global_norm: TensorFlow 2.21's values,
structures (None entries, IndexedSlices), errors and gradients."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # 1 / 0 in a zero norm, as TF


def _numpy(ts):
    return [None if t is None else t.numpy() for t in ts]


def test_clips_every_tensor_by_one_factor_and_keeps_none():
    clipped, norm = tf.clip_by_global_norm([tf.constant([3., 0.]), None, tf.constant([4.])], 1.)
    assert clipped[1] is None and norm.dtype == tf.float32 and norm.numpy() == 5.0
    np.testing.assert_allclose(clipped[0].numpy(), [0.6, 0.], rtol=1e-6)
    np.testing.assert_allclose(clipped[2].numpy(), [0.8], rtol=1e-6)


def test_tensors_within_the_norm_are_unchanged_and_use_norm_replaces_the_norm():
    clipped, norm = tf.clip_by_global_norm((tf.constant([3., 0.]),), 1., use_norm=tf.constant(2.))
    np.testing.assert_allclose(clipped[0].numpy(), [1.5, 0.])
    assert norm.numpy() == 2.0
    clipped, norm = tf.clip_by_global_norm([tf.constant([1.])], -1.)  # TF's formula: scale 1
    np.testing.assert_array_equal(clipped[0].numpy(), [1.])


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_an_infinite_or_nan_norm_gives_nan_lists(bad):
    clipped, norm = tf.clip_by_global_norm([tf.constant([3., 0.]), tf.constant([bad])], 1.)
    assert np.isnan(clipped[0].numpy()).all() and np.isnan(clipped[1].numpy()).all()
    np.testing.assert_array_equal(norm.numpy(), bad)


def test_indexed_slices_stay_slices_and_count_their_values():
    s = tf.IndexedSlices(tf.constant([[3., 4.]]), tf.constant([1]), tf.constant([3, 2]))
    (cs, cx), norm = tf.clip_by_global_norm([s, tf.constant([3., 0.])], 1.)
    assert isinstance(cs, tf.IndexedSlices)
    np.testing.assert_allclose(cs.values.numpy(), [[0.5144958, 0.6859944]], rtol=1e-6)
    np.testing.assert_array_equal(cs.indices.numpy(), [1])
    np.testing.assert_array_equal(cs.dense_shape.numpy(), [3, 2])
    np.testing.assert_allclose(cx.numpy(), [0.5144958, 0.], rtol=1e-6)
    np.testing.assert_allclose(norm.numpy(), 5.830951690673828, rtol=1e-6)


def test_dtypes_and_empty_lists():
    clipped, norm = tf.clip_by_global_norm([np.array([3., 4.])], 1.)
    assert clipped[0].dtype == tf.float64 and norm.dtype == tf.float64
    clipped, norm = tf.clip_by_global_norm([tf.constant([3., 4.], tf.float16)], 1.)
    np.testing.assert_array_equal(clipped[0].numpy(), np.array([0.5996, 0.8], np.float16))
    assert norm.dtype == tf.float16
    assert tf.clip_by_global_norm([], 1.)[0] == [] and tf.clip_by_global_norm([None], 1.)[0] == [None]
    assert tf.linalg.global_norm([]).numpy() == 0.0 and tf.linalg.global_norm([]).dtype == tf.float32
    clipped, _ = tf.clip_by_global_norm([tf.zeros(2)], 1.)
    np.testing.assert_array_equal(clipped[0].numpy(), [0., 0.])
    clipped, norm = tf.clip_by_global_norm([tf.constant([1., 2.])], 0.)
    np.testing.assert_array_equal(clipped[0].numpy(), [0., 0.])
    np.testing.assert_allclose(norm.numpy(), 2.2360680103302, rtol=1e-6)
    clipped, norm = tf.clip_by_global_norm([tf.constant([3., 0.])], [1., 2.])  # broadcasts
    np.testing.assert_allclose(clipped[0].numpy(), [1., 0.], rtol=1e-6)


def test_errors_as_tensorflow():
    with pytest.raises(TypeError, match="`t_list` should be a sequence of tensors"):
        tf.clip_by_global_norm(tf.constant([1.]), 1.)
    with pytest.raises(TypeError, match="`t_list` should be a sequence of tensors"):
        tf.linalg.global_norm(tf.constant([1.]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Pack"):
        tf.clip_by_global_norm([tf.constant([1.]), tf.constant([1.], tf.float64)], 1.)
    with pytest.raises(tf.errors.InvalidArgumentError, match="int32 is not in the list of allowed"):
        tf.clip_by_global_norm([tf.constant([1, 2])], 1.)
    with pytest.raises(TypeError, match="must have the same dtype, got tf.float32 != tf.float64"):
        tf.clip_by_global_norm([tf.constant([1.])], tf.constant(1., tf.float64))


def test_global_norm_skips_none_and_counts_slices():
    x, y = tf.constant([3., 0.]), tf.constant([4.])
    assert tf.linalg.global_norm([x, None, y]).numpy() == 5.0
    s = tf.IndexedSlices(tf.constant([[12.]]), tf.constant([0]))
    assert tf.linalg.global_norm([tf.constant([3., 4.]), s]).numpy() == 13.0


def test_gradients_as_tensorflow():
    v = tf.Variable([3., 4.])
    with tf.GradientTape() as tape:
        n = tf.linalg.global_norm([v, 2 * v])
    np.testing.assert_allclose(tape.gradient(n, v).numpy(), [1.3416408, 1.7888545], rtol=1e-6)
    x = tf.constant([3., 0.])
    with tf.GradientTape() as tape:  # the norm of zeros: sqrt'(0) * 0 is NaN in TF too
        tape.watch(x)
        clipped, _ = tf.clip_by_global_norm([tf.zeros(2) * x], 1.)
    assert np.isnan(tape.gradient(clipped, x).numpy()).all()


def test_gradients_against_central_differences():
    check_gradients(lambda x, y: tf.clip_by_global_norm([x, y], 1.)[0][0],
                    [np.array([3., 0.5]), np.array([4., -1.])], order=2)
    check_gradients(lambda x, y: tf.clip_by_global_norm([x, None, y], 10.)[0][2],
                    [np.array([3., 0.5]), np.array([4., -1.])], order=2)
    check_gradients(lambda x, y: tf.linalg.global_norm([x, y]),
                    [np.array([3., 0.5]), np.array([[4., -1.]])], order=2)


def test_all_zero_gradients_clip_silently():
    # a training step clipping gradients that are all zero: TensorFlow's 1 / 0 is inf
    # without a warning, and the list comes back unchanged
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clipped, norm = tf.clip_by_global_norm([tf.zeros(3), tf.zeros((2, 2))], 1.0)
    assert float(norm) == 0.0
    np.testing.assert_array_equal(clipped[1].numpy(), np.zeros((2, 2), np.float32))
