"""Losses against NumPy formulas in float64, their gradients, and their stability."""
import numpy as np
import pytest

import gradtape as tf
from gradtape import losses
from gradtape.testing import check_gradients

RNG = np.random.default_rng(0)
Y_REG = RNG.standard_normal((4, 3))
P_REG = RNG.standard_normal((4, 3))
LOGITS = RNG.standard_normal((4, 5)) * 3
LABELS = np.array([0, 3, 4, 1])
ONE_HOT = np.eye(5)[LABELS]
BIN_LABELS = (RNG.uniform(size=(4, 3)) > 0.5).astype(np.float64)


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def huber_ref(t, p, delta):
    e = np.abs(p - t)
    return np.where(e <= delta, 0.5 * e ** 2, delta * e - 0.5 * delta ** 2).mean(-1)


CASES = {
    "mse": (lambda t, p: losses.mean_squared_error(t, p), Y_REG, P_REG,
            lambda t, p: ((p - t) ** 2).mean(-1)),
    "mae": (lambda t, p: losses.mean_absolute_error(t, p), Y_REG, P_REG,
            lambda t, p: np.abs(p - t).mean(-1)),
    "huber": (lambda t, p: losses.huber(t, p, delta=0.7), Y_REG, P_REG,
              lambda t, p: huber_ref(t, p, 0.7)),
    "bce_probs": (lambda t, p: losses.binary_crossentropy(t, p), BIN_LABELS, sigmoid(P_REG),
                  lambda t, p: -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean(-1)),
    "bce_logits": (lambda t, p: losses.binary_crossentropy(t, p, from_logits=True), BIN_LABELS,
                   P_REG, lambda t, z: -(t * np.log(sigmoid(z)) + (1 - t) * np.log(1 - sigmoid(z))).mean(-1)),
    "cce_probs": (lambda t, p: losses.categorical_crossentropy(t, p), ONE_HOT, softmax(LOGITS),
                  lambda t, p: -(t * np.log(p)).sum(-1)),
    "cce_logits": (lambda t, p: losses.categorical_crossentropy(t, p, from_logits=True), ONE_HOT,
                   LOGITS, lambda t, z: -(t * np.log(softmax(z))).sum(-1)),
    "scce_probs": (lambda t, p: losses.sparse_categorical_crossentropy(t, p), LABELS,
                   softmax(LOGITS), lambda t, p: -np.log(p[np.arange(len(t)), t])),
    "scce_logits": (lambda t, p: losses.sparse_categorical_crossentropy(t, p, from_logits=True),
                    LABELS, LOGITS, lambda t, z: -np.log(softmax(z)[np.arange(len(t)), t])),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_values_match_numpy(case):
    fn, y_true, y_pred, ref = CASES[case]
    got = fn(y_true, tf.constant(y_pred))
    assert got.dtype == tf.float64 and got.shape == (4,)
    np.testing.assert_allclose(got.numpy(), ref(y_true, y_pred), rtol=1e-6)
    got32 = fn(y_true, tf.constant(y_pred.astype(np.float32)))
    assert got32.dtype == tf.float32
    np.testing.assert_allclose(got32.numpy(), ref(y_true, y_pred), rtol=2e-4, atol=1e-5)


@pytest.mark.parametrize("case", sorted(CASES))
def test_gradients_match_finite_differences(case):
    fn, y_true, y_pred, _ = CASES[case]
    order = 1 if case in ("mae", "huber") else 2   # kinks: first order only
    check_gradients(lambda p: fn(y_true, p), [y_pred], order=order, atol=1e-5, rtol=1e-4)


def test_class_reductions_and_sample_weight():
    # as Keras, a loss object computes in float32 (its dtype) whatever the inputs' dtype
    per_sample = ((P_REG - Y_REG) ** 2).mean(-1)
    mse = losses.MeanSquaredError()
    close = dict(rtol=1e-6)
    np.testing.assert_allclose(mse(Y_REG, tf.constant(P_REG)).numpy(), per_sample.mean(), **close)
    np.testing.assert_allclose(losses.MeanSquaredError(reduction="sum")(Y_REG, tf.constant(P_REG)).numpy(),
                               per_sample.sum(), **close)
    np.testing.assert_allclose(losses.MeanSquaredError(reduction="none")(Y_REG, tf.constant(P_REG)).numpy(),
                               per_sample, **close)
    w = np.array([1.0, 0.0, 2.0, 0.5])
    np.testing.assert_allclose(mse(Y_REG, tf.constant(P_REG), sample_weight=w).numpy(),
                               (per_sample * w).sum() / 4, **close)
    np.testing.assert_allclose(mse(Y_REG, tf.constant(P_REG), sample_weight=w[:, None]).numpy(),
                               (per_sample * w).sum() / 4, **close)
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="mean_of_means")


def test_class_forms_match_functions():
    pairs = [
        (losses.MeanAbsoluteError(), CASES["mae"]),
        (losses.Huber(delta=0.7), CASES["huber"]),
        (losses.BinaryCrossentropy(from_logits=True), CASES["bce_logits"]),
        (losses.CategoricalCrossentropy(), CASES["cce_probs"]),
        (losses.SparseCategoricalCrossentropy(from_logits=True), CASES["scce_logits"]),
    ]
    for loss, (fn, y_true, y_pred, ref) in pairs:
        np.testing.assert_allclose(float(loss(y_true, tf.constant(y_pred))),
                                   ref(y_true, y_pred).mean(), rtol=1e-6)


def test_logits_forms_are_stable_for_huge_logits():
    big = tf.constant([[1000.0, -1000.0, 0.0]])
    scce = losses.sparse_categorical_crossentropy([1], big, from_logits=True)
    np.testing.assert_allclose(scce.numpy(), [2000.0])
    cce = losses.categorical_crossentropy([[0.0, 0.0, 1.0]], big, from_logits=True)
    np.testing.assert_allclose(cce.numpy(), [1000.0])
    bce = losses.binary_crossentropy([[1.0, 0.0, 1.0]], big, from_logits=True)
    np.testing.assert_allclose(bce.numpy(), [np.log(2) / 3], rtol=1e-6)
    logits = tf.Variable([[1000.0, -1000.0, 0.0]])
    with tf.GradientTape() as tape:
        loss = losses.SparseCategoricalCrossentropy(from_logits=True)([0], logits)
    grad = tape.gradient(loss, logits).numpy()
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad, [[0.0, 0.0, 0.0]], atol=1e-6)


def test_probabilities_are_clipped_like_keras():
    bce = losses.binary_crossentropy([[1.0]], tf.constant([[0.0]]))
    np.testing.assert_allclose(bce.numpy(), [-np.log(1e-7)], rtol=1e-3)
    scce = losses.sparse_categorical_crossentropy([0], tf.constant([[0.0, 1.0]]))
    assert np.isfinite(scce.numpy()).all()


def test_label_smoothing():
    t, z = BIN_LABELS, P_REG
    smooth = t * 0.8 + 0.5 * 0.2
    want = -(smooth * np.log(sigmoid(z)) + (1 - smooth) * np.log(1 - sigmoid(z))).mean(-1)
    got = losses.binary_crossentropy(t, tf.constant(z), from_logits=True, label_smoothing=0.2)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    smooth = ONE_HOT * 0.9 + 0.1 / 5
    got = losses.categorical_crossentropy(ONE_HOT, tf.constant(LOGITS), from_logits=True,
                                          label_smoothing=0.1)
    np.testing.assert_allclose(got.numpy(), -(smooth * np.log(softmax(LOGITS))).sum(-1), rtol=1e-6)


def test_sparse_labels_forms_and_errors():
    logits = tf.constant(LOGITS)
    ref = losses.sparse_categorical_crossentropy(LABELS, logits, from_logits=True).numpy()
    column = losses.sparse_categorical_crossentropy(LABELS[:, None], logits, from_logits=True)
    np.testing.assert_allclose(column.numpy(), ref)
    as_float = losses.sparse_categorical_crossentropy(LABELS.astype(np.float32), logits, from_logits=True)
    np.testing.assert_allclose(as_float.numpy(), ref)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"label value of 5 .*\[0, 5\)"):
        losses.sparse_categorical_crossentropy([0, 1, 2, 5], logits, from_logits=True)
    with pytest.raises(ValueError, match="one class index per sample"):
        losses.sparse_categorical_crossentropy([0, 1], logits, from_logits=True)
    with pytest.raises(ValueError, match="integer class indices"):
        losses.sparse_categorical_crossentropy([0.5, 1, 2, 3], logits, from_logits=True)


def test_shape_and_dtype_errors():
    # TensorFlow 2.21: shapes that do not broadcast fail in the subtraction
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\(2,\) \(3,\)"):
        losses.mean_squared_error([1.0, 2.0], tf.constant([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="floating"):
        losses.mean_squared_error([1, 2], tf.constant([1, 2]))


def test_get():
    assert losses.get("mse") is losses.mean_squared_error
    with pytest.raises(ValueError, match="unknown loss"):
        losses.get("hinge_squared")
