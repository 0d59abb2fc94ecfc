"""tf.keras.metrics against TensorFlow 2.21 / Keras 3.15: confusion-matrix counts,
Precision, Recall, AUC, top-k accuracies, R2Score, F-scores. Every expected value
was printed by TensorFlow 2.21."""
import numpy as np
import pytest

import gradtape as tf

M = tf.keras.metrics

Y_TRUE = [0, 1, 1, 0, 1, 0, 1, 1, 0, 0]
Y_PRED = [0.1, 0.4, 0.35, 0.8, 0.5, 0.3, 0.9, 0.0, 1.0, 0.65]
WEIGHT = [1, 2, 0.5, 1, 3, 1, 1, 2, 1, 0.25]
EDGE = [0.3, 0.7, 0.15, 0.005, 0.995, 0.5, 1.5, -0.2, 0.1, 0.6]   # outside [0, 1] and on buckets
MULTI_TRUE = [[1, 0, 1, 0], [0, 1, 1, 0], [1, 1, 0, 1], [0, 0, 0, 1], [1, 0, 0, 0]]
MULTI_PRED = [[0.9, 0.7, 0.7, 0.1], [0.2, 0.6, 0.3, 0.8], [0.4, 0.5, 0.45, 0.55],
              [0.3, 0.3, 0.2, 0.25], [0.05, 0.95, 0.5, 0.5]]   # ties for top_k
ROW_W = [1, 2, 0, 1, 0.5]
_K = np.arange(50)
LONG_PRED = (_K * 37 % 100) / 100
LONG_TRUE = (_K % 3 == 0) | (LONG_PRED > 0.6)
LONG_W = (_K % 7 + 1) / 4


def result_of(metric, *batches):
    for batch in batches:
        metric.update_state(*batch)
    return np.asarray(metric.result())


def assert_same(got, expected):
    """Bit for bit the float32 TensorFlow printed."""
    got = np.asarray(got)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, np.asarray(expected, np.float32))


# TensorFlow 2.21's values
CONFUSION_CASES = [
    (lambda: M.Precision(), (Y_TRUE, Y_PRED), 0.25),
    (lambda: M.Precision(), (Y_TRUE, Y_PRED, WEIGHT), 0.3076923191547394),
    (lambda: M.Recall(), (Y_TRUE, Y_PRED), 0.20000000298023224),
    (lambda: M.Recall(), (Y_TRUE, Y_PRED, WEIGHT), 0.11764705926179886),
    (lambda: M.Precision(thresholds=[0.3, 0.5, 0.7]), (Y_TRUE, EDGE), [0.6000000238418579, 0.75, 1.0]),
    (lambda: M.Recall(thresholds=[0.3, 0.5, 0.7]), (Y_TRUE, EDGE, WEIGHT),
     [0.7058823704719543, 0.7058823704719543, 0.47058823704719543]),
    # evenly spaced thresholds: Keras counts by buckets of the prediction clipped to [0, 1]
    (lambda: M.Precision(thresholds=[0.0, 0.5, 1.0]), (Y_TRUE, EDGE), [0.4444444477558136, 0.75, 0.0]),
    (lambda: M.Recall(thresholds=[0.0, 0.5, 1.0]), (Y_TRUE, EDGE), [0.800000011920929, 0.6000000238418579, 0.0]),
    (lambda: M.Precision(thresholds=[0.0, 0.5, 1.0]), (LONG_TRUE, LONG_PRED, LONG_W),
     [0.5969387888908386, 0.8804348111152649, 0.0]),
    # ... and not when uneven: 1.5 > 1.0 counts
    (lambda: M.Precision(thresholds=[0.3, 0.5, 1.0]), (Y_TRUE, EDGE), [0.6000000238418579, 0.75, 1.0]),
    (lambda: M.Precision(top_k=1), (MULTI_TRUE, MULTI_PRED), 0.4000000059604645),
    (lambda: M.Precision(top_k=2), (MULTI_TRUE, MULTI_PRED), 0.4000000059604645),
    (lambda: M.Recall(top_k=2), (MULTI_TRUE, MULTI_PRED, ROW_W), 0.4000000059604645),
    (lambda: M.Recall(top_k=3), (MULTI_TRUE, MULTI_PRED), 0.7777777910232544),
    (lambda: M.Precision(top_k=2, thresholds=[0.5, 0.65]), (MULTI_TRUE, MULTI_PRED), [0.5, 0.25]),
    (lambda: M.Precision(class_id=1), (MULTI_TRUE, MULTI_PRED), 0.3333333432674408),
    (lambda: M.Recall(class_id=3), (MULTI_TRUE, MULTI_PRED, ROW_W), 0.0),
    (lambda: M.Precision(class_id=2, top_k=1), (MULTI_TRUE, MULTI_PRED), 0.0),
    (lambda: M.Recall(class_id=0, top_k=2), (MULTI_TRUE, MULTI_PRED), 0.3333333432674408),
    (lambda: M.Precision(), (MULTI_TRUE, MULTI_PRED, ROW_W), 0.5333333611488342),
    (lambda: M.TruePositives(), (Y_TRUE, Y_PRED, WEIGHT), 1.0),
    (lambda: M.FalsePositives(thresholds=[0.15, 0.5]), (Y_TRUE, Y_PRED), [4.0, 3.0]),
    (lambda: M.TrueNegatives(thresholds=[0.0, 0.5, 1.0]), (Y_TRUE, EDGE, WEIGHT), [0.0, 4.0, 4.25]),
    (lambda: M.FalseNegatives(thresholds=0.3), (MULTI_TRUE, MULTI_PRED, ROW_W), 3.5),
    (lambda: M.TruePositives(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]), (LONG_TRUE, LONG_PRED),
     [29.0, 25.0, 21.0, 12.0, 0.0]),
]


@pytest.mark.parametrize("make, batch, expected", CONFUSION_CASES)
def test_confusion_metrics_match_tensorflow(make, batch, expected):
    assert_same(result_of(make(), batch), expected)


# TensorFlow 2.21's values
AUC_CASES = [
    (lambda: M.AUC(), (Y_TRUE, Y_PRED), 0.3999999761581421),
    (lambda: M.AUC(), (Y_TRUE, Y_PRED, WEIGHT), 0.3944636583328247),
    (lambda: M.AUC(), (LONG_TRUE, LONG_PRED), 0.8199999928474426),
    (lambda: M.AUC(), (LONG_TRUE, LONG_PRED, LONG_W), 0.8347994089126587),
    (lambda: M.AUC(), (MULTI_TRUE, MULTI_PRED, ROW_W), 0.5777777433395386),
    (lambda: M.AUC(curve="PR"), (Y_TRUE, Y_PRED), 0.42024052143096924),
    (lambda: M.AUC(curve="PR"), (LONG_TRUE, LONG_PRED, LONG_W), 0.9098367094993591),
    (lambda: M.AUC(curve="PR"), (Y_TRUE, EDGE), 0.8075096011161804),
    (lambda: M.AUC(num_thresholds=3), (Y_TRUE, Y_PRED), 0.30000001192092896),
    (lambda: M.AUC(num_thresholds=3, curve="PR"), (Y_TRUE, Y_PRED, WEIGHT), 0.534009575843811),
    (lambda: M.AUC(summation_method="minoring"), (LONG_TRUE, LONG_PRED), 0.8199999928474426),
    (lambda: M.AUC(summation_method="majoring"), (LONG_TRUE, LONG_PRED), 0.8199999928474426),
    (lambda: M.AUC(curve="PR", summation_method="minoring"), (Y_TRUE, Y_PRED), 0.31888890266418457),
    (lambda: M.AUC(curve="PRGAIN"), (LONG_TRUE, LONG_PRED), 0.5705206990242004),
    (lambda: M.AUC(thresholds=[0.2, 0.5, 0.9]), (Y_TRUE, Y_PRED), 0.31999996304512024),
    (lambda: M.AUC(thresholds=[0.5, 0.25, 0.75]), (Y_TRUE, Y_PRED), 0.35999995470046997),
    (lambda: M.AUC(curve="PR", thresholds=[0.25, 0.5, 0.75]), (Y_TRUE, Y_PRED, WEIGHT), 0.5522025227546692),
    (lambda: M.AUC(from_logits=True), (Y_TRUE, [-2., 0.5, 1.0, 3.0, -0.1, 0.0, 2.0, -3.0, 0.2, 1.5]),
     0.4399999976158142),
    (lambda: M.AUC(num_thresholds=50, curve="pr"), (LONG_TRUE, LONG_PRED), 0.9048276543617249),
]


@pytest.mark.parametrize("make, batch, expected", AUC_CASES)
def test_auc_matches_tensorflow_bit_for_bit(make, batch, expected):
    assert_same(result_of(make(), batch), expected)


def test_auc_pr_interpolation_within_a_rounding_of_its_log():
    # TensorFlow 2.21: 0.4534119963645935; TF's float32 log rounds differently in the last bit
    got = result_of(M.AUC(curve="PR"), (MULTI_TRUE, MULTI_PRED))
    np.testing.assert_allclose(got, 0.4534119963645935, rtol=2e-7)


def test_auc_accumulates_batches_and_resets():
    auc = M.AUC()
    # TensorFlow 2.21: 0.7476211786270142 after both batches
    assert_same(result_of(auc, (Y_TRUE, Y_PRED), (LONG_TRUE, LONG_PRED, LONG_W)), 0.7476211786270142)
    auc.reset_state()
    assert_same(auc.result(), 0.0)
    assert_same(result_of(auc, (Y_TRUE, Y_PRED)), 0.3999999761581421)


def test_confusion_metrics_reset_and_scalar_results():
    precision = M.Precision()
    precision.update_state(Y_TRUE, Y_PRED)
    precision.reset_state()
    assert_same(precision.result(), 0.0)     # TensorFlow 2.21: 0.0, shape ()
    assert precision.result().shape == ()
    tp = M.TruePositives(thresholds=[0.2, 0.4])
    assert tp.result().shape == (2,)


def test_configs_and_names_match_keras():
    # TensorFlow 2.21's configs (Keras uniquifies auto names: 'precision_41')
    assert M.Precision(thresholds=[0.2, 0.4], top_k=2, class_id=1).get_config() == {
        "name": "precision", "dtype": "float32", "thresholds": [0.2, 0.4], "top_k": 2,
        "class_id": 1}
    assert M.Recall().get_config() == {"name": "recall", "dtype": "float32", "thresholds": None,
                                       "top_k": None, "class_id": None}
    assert M.TruePositives(thresholds=0.3).get_config() == {
        "name": "true_positives", "dtype": "float32", "thresholds": 0.3}
    assert M.AUC(curve="PR").get_config() == {
        "name": "auc", "dtype": "float32", "num_thresholds": 200, "curve": "PR",
        "summation_method": "interpolation", "multi_label": False, "num_labels": None,
        "label_weights": None, "from_logits": False}
    config = M.AUC(thresholds=[0.2, 0.5]).get_config()
    assert config["num_thresholds"] == 4 and config["thresholds"] == [0.2, 0.5]
    assert M.AUC.from_config(config).num_thresholds == 4
    assert [tuple(v.shape) for v in M.AUC().variables] == [(200,)] * 4
    assert [tuple(v.shape) for v in M.Precision().variables] == [(1,), (1,)]


def test_bad_arguments_raise_as_keras():
    # TensorFlow 2.21 raises ValueError for each
    with pytest.raises(ValueError, match=r"Threshold values must be in \[0, 1\]"):
        M.Precision(thresholds=[1.5])
    with pytest.raises(ValueError, match="Invalid AUC curve"):
        M.AUC(curve="XY")
    with pytest.raises(ValueError, match="num_thresholds"):
        M.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="class_id"):
        M.Precision(class_id=0)(Y_TRUE, Y_PRED)
    with pytest.raises(NotImplementedError, match="multi_label"):
        M.AUC(multi_label=True)


def test_confusion_metrics_inside_a_function_match_eager():
    auc, top2, recall1 = M.AUC(), M.Precision(top_k=2), M.Recall(class_id=1)

    @tf.function
    def step(y_true, y_pred, weight):
        auc.update_state(y_true, y_pred, sample_weight=weight)
        top2.update_state(tf.reshape(y_true, (-1, 5)), tf.reshape(y_pred, (-1, 5)))
        recall1.update_state(tf.reshape(y_true, (-1, 5)), tf.reshape(y_pred, (-1, 5)))
    step(tf.constant(Y_TRUE, tf.float32), tf.constant(Y_PRED), tf.constant(WEIGHT, tf.float32))
    step(tf.constant(LONG_TRUE, tf.float32), tf.constant(LONG_PRED, tf.float32),
         tf.constant(LONG_W, tf.float32))
    eager = [M.AUC(), M.Precision(top_k=2), M.Recall(class_id=1)]
    eager[0].update_state(Y_TRUE, Y_PRED, WEIGHT)
    eager[0].update_state(LONG_TRUE, LONG_PRED, LONG_W)
    for metric in eager[1:]:
        metric.update_state(np.reshape(Y_TRUE, (-1, 5)), np.reshape(Y_PRED, (-1, 5)))
        metric.update_state(np.reshape(LONG_TRUE, (-1, 5)), np.reshape(LONG_PRED, (-1, 5)))
    for compiled, reference in zip((auc, top2, recall1), eager):
        assert_same(compiled.result(), reference.result())


# ---------------------------------------------------------------------------
# Top-k accuracies, R2Score, F-scores, IoU
# ---------------------------------------------------------------------------

ONEHOT = [[0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]
SPARSE = [1, 2, 0, 3, 2]
REG_TRUE = [[1.0, 2.0], [2.0, 0.5], [3.0, 1.5], [4.5, -1.0], [0.2, 0.3]]
REG_PRED = [[1.1, 1.5], [2.5, 0.4], [2.0, 2.0], [4.0, -0.5], [0.0, 0.0]]
SEG_TRUE = [0, 1, 2, 2, 1, 0, 3, 2]
SEG_PRED = [0, 2, 2, 1, 1, 0, 0, 2]
SEG_W = [1., 0.5, 2.7, 1., 1., 3., 1., 2.]

# TensorFlow 2.21's values
MORE_CASES = [
    (lambda: M.TopKCategoricalAccuracy(k=2), (ONEHOT, MULTI_PRED, ROW_W), 0.3333333432674408),
    (lambda: M.TopKCategoricalAccuracy(), (ONEHOT, MULTI_PRED), 1.0),
    (lambda: M.SparseTopKCategoricalAccuracy(k=2), ([[s] for s in SPARSE], MULTI_PRED, ROW_W),
     0.3333333432674408),
    (lambda: M.SparseTopKCategoricalAccuracy(k=3), ([1., 2., 0., 3., 2.], MULTI_PRED), 0.800000011920929),
    (lambda: M.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True),
     (SPARSE, [[1, 2, 0], [0, 1, 2], [3, 0, 1], [2, 3, 1], [0, 1, 2]]), 0.6000000238418579),
    # ties count in (0.5, 0.5 in the last row); a row with nan or inf, or a label out of range, never
    (lambda: M.SparseTopKCategoricalAccuracy(k=1),
     ([[1, 2], [0, 3]], [[[0.1, 0.9, 0, 0], [0, 0, 1, 0]], [[1, 0, 0, 0], [0.5, 0.2, 0.1, 0.2]]]), 0.75),
    (lambda: M.SparseTopKCategoricalAccuracy(k=2), ([0, 1], [[0.5, np.nan, 0.1], [np.inf, 0.5, 0.2]]), 0.0),
    (lambda: M.SparseTopKCategoricalAccuracy(k=2), ([5, -1], [[0.5, 0.2, 0.1], [0.3, 0.5, 0.2]]), 0.0),
    (lambda: M.R2Score(), (REG_TRUE, REG_PRED), 0.8534406423568726),
    (lambda: M.R2Score(), (REG_TRUE, REG_PRED, ROW_W), 0.8931006193161011),
    (lambda: M.R2Score(class_aggregation=None), (REG_TRUE, REG_PRED), [0.863939642906189, 0.8429416418075562]),
    (lambda: M.R2Score(class_aggregation="variance_weighted_average"), (REG_TRUE, REG_PRED, ROW_W),
     0.8989312648773193),
    (lambda: M.R2Score(num_regressors=2), (REG_TRUE, REG_PRED), 0.8115665316581726),
    (lambda: M.R2Score(num_regressors=9), (REG_TRUE, REG_PRED), 0.8534406423568726),   # too few samples
    (lambda: M.R2Score(), ([[1.0], [1.0]], [[1.0], [2.0]]), 0.0),                       # constant labels
    (lambda: M.F1Score(), (MULTI_TRUE, MULTI_PRED), [0.3999999463558197, 0.0, 0.0, 0.4999999403953552]),
    (lambda: M.F1Score(threshold=0.5), (MULTI_TRUE, MULTI_PRED, ROW_W),
     [0.7999998927116394, 0.7272727489471436, 0.4999999701976776, 0.0]),
    (lambda: M.F1Score(average="micro", threshold=0.4), (MULTI_TRUE, MULTI_PRED), 0.4999999403953552),
    (lambda: M.F1Score(average="macro"), (MULTI_TRUE, MULTI_PRED, ROW_W), 0.1428571194410324),
    (lambda: M.F1Score(average="weighted", threshold=0.5), (MULTI_TRUE, MULTI_PRED), 0.5148147940635681),
    (lambda: M.FBetaScore(beta=2.0, average="macro", threshold=0.5), (MULTI_TRUE, MULTI_PRED),
     0.4736790955066681),
    (lambda: M.MeanIoU(num_classes=4), (SEG_TRUE, SEG_PRED), 0.375),
    # int64 confusion matrix by default: the float weights are truncated, as Keras
    (lambda: M.MeanIoU(num_classes=4), (SEG_TRUE, SEG_PRED, SEG_W), 0.5249999761581421),
    (lambda: M.MeanIoU(num_classes=4, dtype="float32"), (SEG_TRUE, SEG_PRED, SEG_W), 0.48951613903045654),
    (lambda: M.MeanIoU(num_classes=4, ignore_class=0), (SEG_TRUE, SEG_PRED), 0.2083333432674408),
    (lambda: M.MeanIoU(num_classes=5), (SEG_TRUE, SEG_PRED), 0.375),          # class 4 never seen
    (lambda: M.MeanIoU(num_classes=3), (SEG_TRUE, SEG_PRED), 0.6111111044883728),   # id 3 skipped
    (lambda: M.MeanIoU(num_classes=4), ([SEG_TRUE[:4], SEG_TRUE[4:]], [SEG_PRED[:4], SEG_PRED[4:]],
                                        [SEG_W[:4], SEG_W[4:]]), 0.5249999761581421),
    (lambda: M.IoU(num_classes=4, target_class_ids=[0, 2]), (SEG_TRUE, SEG_PRED), 0.5833333730697632),
    (lambda: M.BinaryIoU(), ([0, 1, 1, 1, 0], [0.2, 0.5, 0.9, 0.1, 0.7]), 0.4166666865348816),
    (lambda: M.BinaryIoU(target_class_ids=[1], threshold=0.3),
     ([0, 1, 1, 1, 0], [0.2, 0.5, 0.9, 0.1, 0.7], [1, 2, 1, 1, 3]), 0.4285713732242584),
]


@pytest.mark.parametrize("make, batch, expected", MORE_CASES)
def test_more_metrics_match_tensorflow(make, batch, expected):
    assert_same(result_of(make(), batch), expected)


def test_top_k_functions_keep_the_label_shape():
    # TensorFlow 2.21's values
    assert_same(M.top_k_categorical_accuracy(ONEHOT, MULTI_PRED, k=2), [1.0, 0.0, 0.0, 0.0, 1.0])
    assert_same(M.sparse_top_k_categorical_accuracy(
        [[1, 2], [0, 3]], [[[0.1, 0.9, 0, 0], [0, 0, 1, 0]], [[1, 0, 0, 0], [0.5, 0.2, 0.1, 0.2]]], k=1),
        [[1.0, 1.0], [1.0, 0.0]])


def test_more_configs_and_errors_match_keras():
    # TensorFlow 2.21's configs and errors
    assert M.TopKCategoricalAccuracy().get_config() == {
        "name": "top_k_categorical_accuracy", "dtype": "float32", "k": 5}
    assert M.SparseTopKCategoricalAccuracy(k=1).get_config() == {
        "name": "sparse_top_k_categorical_accuracy", "dtype": "float32", "k": 1}
    assert M.R2Score().get_config() == {"name": "r2_score", "dtype": "float32",
                                        "class_aggregation": "uniform_average", "num_regressors": 0}
    assert M.F1Score().get_config() == {"name": "f1_score", "dtype": "float32", "average": None,
                                        "threshold": None}
    assert M.FBetaScore(beta=2.0).get_config()["beta"] == 2.0
    assert M.MeanIoU(num_classes=3).get_config() == {
        "name": "mean_io_u", "dtype": "int64", "num_classes": 3, "ignore_class": None,
        "sparse_y_true": True, "sparse_y_pred": True, "axis": -1}
    assert M.BinaryIoU().get_config() == {"target_class_ids": [0, 1], "threshold": 0.5,
                                          "name": "binary_io_u", "dtype": "int64"}
    assert "sparse_y_true" not in M.OneHotMeanIoU(num_classes=3).get_config()
    assert_same(M.MeanIoU(3).result(), 0.0)
    with pytest.raises(ValueError, match="2D inputs"):
        M.R2Score().update_state([1.0, 2.0], [1.0, 2.5])
    with pytest.raises(ValueError, match="beta"):
        M.FBetaScore(beta=2)
    with pytest.raises(ValueError, match="threshold"):
        M.F1Score(threshold=1)
    with pytest.raises(ValueError, match="out of range"):
        M.IoU(3, [3])


def test_get_gives_metric_objects_as_keras_3():
    # TensorFlow 2.21: a name gives a new metric object, never the function
    assert isinstance(M.get("categorical_accuracy"), M.CategoricalAccuracy)
    assert isinstance(M.get("accuracy"), M.Accuracy)
    assert isinstance(M.get("AUC"), M.AUC) and isinstance(M.get("auc"), M.AUC)
    assert isinstance(M.get("mse"), M.MeanSquaredError)
    assert isinstance(M.get("top_k_categorical_accuracy"), M.TopKCategoricalAccuracy)
    assert_same(M.get("top_k_categorical_accuracy")(ONEHOT, MULTI_PRED), 1.0)
    assert M.get({"class_name": "AUC", "config": {"curve": "PR"}}).curve == "PR"
    assert M.get(None) is None and M.get(M.accuracy) is M.accuracy
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        M.get("kld")


def test_lists_convert_as_tensorflow_before_the_metric_dtype():
    # TensorFlow 2.21: Python floats become float32 first, then float64
    mean64 = result_of(M.Mean(dtype="float64"), ([0.1, 0.2, 0.4],))
    assert mean64.dtype == np.float64 and mean64 == 0.23333333681027094
    # TensorFlow 2.21's values for weights of more than one axis
    assert_same(result_of(M.Mean(), (np.arange(12.).reshape(2, 3, 2), [[1., 0., 2.], [1., 1., 1.]])),
                5.833333492279053)
    assert_same(result_of(M.BinaryAccuracy(), ([[1., 0.], [0., 1.]], [[0.7, 0.6], [0.2, 0.3]],
                                               [[1., 2.], [3., 4.]])), 0.4000000059604645)
    assert_same(result_of(M.RootMeanSquaredError(), (REG_TRUE, REG_PRED, [[1., 2.]] * 5)),
                0.4654746651649475)


def test_new_metrics_inside_a_function_match_eager():
    metrics = [M.SparseTopKCategoricalAccuracy(k=2), M.R2Score(), M.F1Score(average="macro"),
               M.MeanIoU(num_classes=4)]

    @tf.function
    def step(labels, scores, targets, outputs, seg_true, seg_pred):
        metrics[0].update_state(labels, scores)
        metrics[1].update_state(targets, outputs)
        metrics[2].update_state(tf.one_hot(labels, 4), scores)
        metrics[3].update_state(seg_true, seg_pred)
    step(tf.constant(SPARSE), tf.constant(MULTI_PRED), tf.constant(REG_TRUE), tf.constant(REG_PRED),
         tf.constant(SEG_TRUE), tf.constant(SEG_PRED))
    # TensorFlow 2.21's values (eager)
    assert_same(metrics[0].result(), 0.4000000059604645)
    assert_same(metrics[1].result(), 0.8534406423568726)
    assert_same(metrics[2].result(), 0.0)
    assert_same(metrics[3].result(), 0.375)


def test_metric_dtypes_follow_keras():
    # TensorFlow 2.21: confusion metrics, AUC and R2Score keep float32 state whatever `dtype`
    precision = M.Precision(dtype="float64")
    assert_same(result_of(precision, (Y_TRUE, Y_PRED)), 0.25)
    assert [v.dtype for v in precision.variables] == [tf.float32, tf.float32]
    assert_same(result_of(M.AUC(dtype="float64"), (Y_TRUE, Y_PRED)), 0.3999999761581421)
    assert_same(result_of(M.AUC(dtype="float64", label_weights=[1., 2., 0.5, 1.], num_thresholds=7),
                          (MULTI_TRUE[:2], MULTI_PRED[:2], [0.3, 0.7])), 0.5069169998168945)
    # ... R2Score converts the lists straight to float64, sums there, stores float32
    assert_same(result_of(M.R2Score(dtype="float64"), ([[0.1], [0.2], [0.4]], [[0.1], [0.25], [0.3]])),
                0.7321428656578064)
    # TensorFlow 2.21: F-scores and IoU keep their state in `dtype`
    f1 = result_of(M.F1Score(dtype="float64", threshold=0.5), ([[0, 1], [1, 1]], [[0.3, 0.6], [0.7, 0.2]]))
    assert f1.dtype == np.float64 and f1.tolist() == [0.9999998500000123, 0.666666577777783]
    assert_same(result_of(M.MeanIoU(3, dtype="float64"), ([0, 1, 2], [0, 1, 1], [0.5, 1., 1.])), 0.4999999)
    # TensorFlow 2.21: a nan prediction is counted at no threshold (and warns nothing)
    assert_same(result_of(M.AUC(num_thresholds=5), ([1, 0, 1], [np.nan, 0.6, 0.7])), 0.25)


# ---------------------------------------------------------------------------
# Rates at a constraint, loss-based metrics, the loss functions' metric names
# ---------------------------------------------------------------------------

PLUS_MINUS = [[-1, 1], [1, -1], [1, 1], [-1, -1], [1, -1]]

# TensorFlow 2.21's values
CONSTRAINED_AND_LOSS_CASES = [
    (lambda: M.SensitivityAtSpecificity(0.5), (Y_TRUE, Y_PRED), 0.20000000298023224),
    (lambda: M.SensitivityAtSpecificity(0.7), (LONG_TRUE, LONG_PRED, LONG_W), 0.7796609997749329),
    (lambda: M.SpecificityAtSensitivity(0.6), (Y_TRUE, Y_PRED, WEIGHT), 0.47058823704719543),
    (lambda: M.SpecificityAtSensitivity(0.9, num_thresholds=20), (LONG_TRUE, LONG_PRED), 0.30000001192092896),
    (lambda: M.PrecisionAtRecall(0.8), (LONG_TRUE, LONG_PRED), 0.7352941036224365),
    (lambda: M.PrecisionAtRecall(0.5, class_id=2), (MULTI_TRUE, MULTI_PRED, ROW_W), 0.8571428656578064),
    (lambda: M.RecallAtPrecision(0.9), (LONG_TRUE, LONG_PRED, LONG_W), 0.6864407062530518),
    (lambda: M.RecallAtPrecision(1.0), (Y_TRUE, Y_PRED), 0.0),
    (lambda: M.MeanAbsolutePercentageError(), (REG_TRUE, REG_PRED, ROW_W), 31.790122985839844),
    (lambda: M.MeanSquaredLogarithmicError(), (np.abs(REG_TRUE), np.abs(REG_PRED)), 0.03740673139691353),
    (lambda: M.CosineSimilarity(), (REG_TRUE, REG_PRED, ROW_W), 0.8830767869949341),
    (lambda: M.CosineSimilarity(axis=0), (REG_TRUE, REG_PRED), 0.9616386890411377),
    (lambda: M.CosineSimilarity(), ([[0., 0.]], [[1., 2.]]), 0.0),
    (lambda: M.Hinge(), (PLUS_MINUS, REG_PRED), 1.100000023841858),
    (lambda: M.Hinge(), (MULTI_TRUE, MULTI_PRED, ROW_W), 1.0499999523162842),
    (lambda: M.SquaredHinge(), (PLUS_MINUS, REG_PRED), 3.361999988555908),
    (lambda: M.CategoricalHinge(), (MULTI_TRUE, MULTI_PRED), 0.7899999618530273),
    (lambda: M.KLDivergence(), (MULTI_TRUE, MULTI_PRED, ROW_W), 1.5057282447814941),
    (lambda: M.Poisson(), (MULTI_TRUE, MULTI_PRED), 0.9008066058158875),
    (lambda: M.SparseCategoricalCrossentropy(ignore_class=2), (np.array(SPARSE), np.array(MULTI_PRED)),
     0.8450745344161987),
]


@pytest.mark.parametrize("make, batch, expected", CONSTRAINED_AND_LOSS_CASES)
def test_constrained_and_loss_metrics_match_tensorflow(make, batch, expected):
    assert_same(result_of(make(), batch), expected)


def test_log_cosh_metric_within_a_rounding():
    # TensorFlow 2.21: 0.11085456609725952 (the loss function rounds its last bit differently)
    np.testing.assert_allclose(result_of(M.LogCoshError(), (REG_TRUE, REG_PRED)), 0.11085456609725952,
                               rtol=3e-7)


def test_loss_functions_under_their_metric_names():
    # TensorFlow 2.21: tf.keras.metrics.mse is tf.keras.losses.mse, and so on
    assert M.mse is tf.keras.losses.mse and M.mae is tf.keras.losses.mae
    assert M.kullback_leibler_divergence is tf.keras.losses.kld
    assert_same(M.mse(REG_TRUE, REG_PRED), [0.12999999523162842, 0.12999999523162842, 0.625, 0.25,
                                            0.0650000050663948])
    assert_same(M.huber(REG_TRUE, REG_PRED), [0.06499999761581421, 0.06499999761581421, 0.3125, 0.125,
                                              0.0325000025331974])
    assert isinstance(M.get("MSLE"), M.MeanSquaredLogarithmicError)
    assert isinstance(M.get("log_cosh_error"), M.LogCoshError)
    assert isinstance(M.get("kl_divergence"), M.KLDivergence)
    assert M.SensitivityAtSpecificity(0.5, class_id=1).get_config() == {
        "name": "sensitivity_at_specificity", "dtype": "float32", "class_id": 1,
        "num_thresholds": 200, "specificity": 0.5}
    with pytest.raises(ValueError, match="specificity"):
        M.SensitivityAtSpecificity(1.5)
    with pytest.raises(ValueError, match="num_thresholds"):
        M.PrecisionAtRecall(0.5, num_thresholds=0)


def test_constrained_metrics_take_keras_keywords():
    # TensorFlow 2.21: each takes its constraint by name and round-trips its config
    metric = M.RecallAtPrecision(precision=0.9, num_thresholds=20)
    assert M.RecallAtPrecision.from_config(metric.get_config()).precision == 0.9
    assert M.SpecificityAtSensitivity(sensitivity=0.6).sensitivity == 0.6
    assert M.PrecisionAtRecall(recall=0.8).get_config()["recall"] == 0.8


def test_correlation_metrics_match_tensorflow():
    targets = [[1.0, 2.0, 0.5], [2.0, 0.5, 3.], [3.0, 1.5, 1.], [4.5, -1.0, 0.], [0.2, 0.3, 0.1]]
    outputs = [[1.1, 1.5, 0.], [2.5, 0.4, 2.], [2.0, 2.0, 2.], [4.0, -0.5, 1.], [0.0, 0.0, 0.3]]
    # TensorFlow 2.21's values (a constant row has no Pearson correlation: nan)
    assert_same(result_of(M.PearsonCorrelation(axis=0), (targets, outputs)), 0.8500975966453552)
    assert_same(M.concordance_correlation(targets, outputs),
                [0.8070616722106934, 0.7786884903907776, 0.0, 0.9464284777641296, -0.5454530119895935])
    assert_same(result_of(M.ConcordanceCorrelation(), (targets, outputs, [1, 2, 0, 1, 0.5])),
                0.6751423478126526)
    assert_same(result_of(M.ConcordanceCorrelation(axis=0), (targets, outputs)), 0.8317103385925293)
    assert_same(M.concordance_correlation([1., 2., 3.], [1., 2.5, 2.]), 0.6153845191001892)
    with pytest.warns(RuntimeWarning):       # gradtape says where the nan came from
        assert np.isnan(result_of(M.PearsonCorrelation(), (targets, outputs)))
    assert M.MSE is M.mse and M.KLD is M.kld
