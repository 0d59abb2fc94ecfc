"""tf.keras.layers.MultiHeadAttention, Attention and AdditiveAttention against TensorFlow 2.21
(Keras 3.15): the same weights (a ramp, given with set_weights) give TensorFlow's outputs,
attention scores and gradients; masks follow Keras' rules; float64 gradient checks."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

L = tf.keras.layers

# TensorFlow 2.21's values (rounded to 5 decimals): name -> (shape, flat values)
TF = {
    'plain': ((2, 3, 4), [
        -0.44452, -0.18379, -0.25292, -0.32206, -0.4404, -0.17978, -0.25051, -0.32124, -0.44148,
        -0.18034, -0.251, -0.32166, -0.48331, -0.17812, -0.27518, -0.37224, -0.48515, -0.18249,
        -0.27849, -0.3745, -0.48578, -0.18248, -0.27842, -0.37437
    ]),
    'withscores': ((2, 3, 4), [
        -0.44452, -0.18379, -0.25292, -0.32206, -0.4404, -0.17978, -0.25051, -0.32124, -0.44148,
        -0.18034, -0.251, -0.32166, -0.48331, -0.17812, -0.27518, -0.37224, -0.48515, -0.18249,
        -0.27849, -0.3745, -0.48578, -0.18248, -0.27842, -0.37437
    ]),
    'scores': ((2, 2, 3, 5), [
        0.19116, 0.19761, 0.19269, 0.22431, 0.19423, 0.18641, 0.1972, 0.18895, 0.23592, 0.19152,
        0.18825, 0.19376, 0.18956, 0.23756, 0.19087, 0.19676, 0.20601, 0.19785, 0.20043,
        0.19895, 0.19807, 0.19983, 0.19931, 0.20223, 0.20056, 0.19823, 0.19829, 0.19961,
        0.20286, 0.201, 0.19195, 0.19199, 0.1919, 0.19205, 0.23211, 0.19461, 0.19519, 0.19366,
        0.19634, 0.22021, 0.19467, 0.19544, 0.19338, 0.19701, 0.21951, 0.2006, 0.20136, 0.19706,
        0.20291, 0.19807, 0.19878, 0.19961, 0.20429, 0.20127, 0.19604, 0.19919, 0.19974,
        0.20286, 0.20085, 0.19736
    ]),
    'amask': ((2, 3, 4), [
        -0.32517, -0.20878, -0.26108, -0.31339, -0.32351, -0.20786, -0.26115, -0.31445,
        -0.32677, -0.21049, -0.2632, -0.31591, -0.49, -0.1846, -0.2796, -0.3746, -0.33203,
        -0.12278, -0.24393, -0.36508, -0.48578, -0.18248, -0.27842, -0.37437
    ]),
    'amask_s': ((2, 3, 4), [
        -0.32517, -0.20878, -0.26108, -0.31339, -0.32351, -0.20786, -0.26115, -0.31445,
        -0.32677, -0.21049, -0.2632, -0.31591, -0.7, -0.6, -0.5, -0.4, -0.33203, -0.12278,
        -0.24393, -0.36508, -0.48578, -0.18248, -0.27842, -0.37437
    ]),
    'amask_sc': ((2, 2, 3, 5), [
        0.4917, 0.5083, 0.0, 0.0, 0.0, 0.48593, 0.51407, 0.0, 0.0, 0.0, 0.49278, 0.50722, 0.0,
        0.0, 0.0, 0.48851, 0.51149, 0.0, 0.0, 0.0, 0.49779, 0.50221, 0.0, 0.0, 0.0, 0.49993,
        0.50007, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.31983, 0.0, 0.31827, 0.0, 0.3619,
        0.19467, 0.19544, 0.19338, 0.19701, 0.21951, 0.0, 0.0, 0.0, 0.0, 0.0, 0.33179, 0.0,
        0.34099, 0.0, 0.32722, 0.19919, 0.19974, 0.20286, 0.20085, 0.19736
    ]),
    'key': ((2, 3, 4), [
        -0.4561, -0.19314, -0.25996, -0.32678, -0.45654, -0.19352, -0.26023, -0.32693, -0.45597,
        -0.19314, -0.25998, -0.32681, -0.49007, -0.18379, -0.27869, -0.37359, -0.49046,
        -0.18399, -0.27877, -0.37355, -0.49059, -0.1844, -0.27917, -0.37394
    ]),
    'selfmask': ((2, 3, 4), [
        0.056, 0.04, 0.024, 0.008, 0.01012, 0.00408, -0.00196, -0.00799, 0.00267, 0.00167,
        0.00067, -0.00033, -0.008, -0.009, -0.01, -0.011, -0.01067, -0.005, 0.00067, 0.00633,
        -0.01067, -0.005, 0.00067, 0.00633
    ]),
    'selfmask_nc': ((2, 3, 4), [
        0.01013, 0.0041, -0.00193, -0.00797, 0.01012, 0.00408, -0.00196, -0.00799, 0.00267,
        0.00167, 0.00067, -0.00033, -0.008, -0.009, -0.01, -0.011, -0.01067, -0.005, 0.00067,
        0.00633, -0.01067, -0.005, 0.00067, 0.00633
    ]),
    'selfmask_s': ((2, 3, 4), [
        0.01013, 0.0041, -0.00193, -0.00797, 0.01012, 0.00408, -0.00196, -0.00799, 0.0, 0.0,
        0.0, 0.0, -0.008, -0.009, -0.01, -0.011, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    ]),
    'selfmask_sc': ((2, 2, 3, 3), [
        0.50175, 0.49825, 0.0, 0.50212, 0.49788, 0.0, 0.0, 0.0, 0.0, 0.50131, 0.49869, 0.0,
        0.50088, 0.49912, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0,
        0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    ]),
    'grad': ((4, 2, 3), [
        0.00172, -0.00291, -0.00754, 0.00407, 0.0042, 0.00432, -0.00255, -0.00122, 0.00012,
        -0.00236, -0.00082, 0.00072, -0.00695, 0.00048, 0.0079, -0.00889, -0.00589, -0.0029,
        0.00061, 0.00217, 0.00374, -0.00163, -0.00313, -0.00462
    ]),
    'grad2': ((2, 3), [
        0.07554, 0.01694, -0.04166, 0.07254, 0.02768, -0.01718
    ]),
    'grad3': ((6, 2, 3), [
        0.09247, 0.06608, 0.03499, 0.00361, -0.00211, -0.00784, 0.07262, 0.05423, 0.02717,
        0.01477, 0.00161, -0.01156, 0.04549, 0.03788, 0.01616, 0.02483, 0.00496, -0.01491,
        0.06535, 0.05027, 0.02519, 0.00352, -0.00214, -0.00781, 0.06535, 0.05027, 0.02519,
        0.00352, -0.00214, -0.00781, -0.07259, -0.05228, -0.02712, -0.00843, -5e-05, 0.00834
    ]),
    'grad4': ((2, 3), [
        0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    ]),
    'grad5': ((6, 2, 2), [
        0.24356, 0.02821, -0.1697, -0.03086, -0.05412, -0.00527, 0.00983, -0.04327, -0.27206,
        -0.03021, 0.20644, -0.06128, -0.49333, -0.05553, 0.39164, -0.07554, 0.14282, 0.01699,
        -0.09948, 0.10787, -0.8992, -0.09381, 0.70738, -0.3317
    ]),
    'grad6': ((2, 2), [
        6.36147, 0.72514, -4.91119, 1.83407
    ]),
    'grad7': ((2, 2, 4), [
        2.99753, 1.45532, 2.08764, 2.71996, 2.63312, 1.27813, 1.83881, 2.39948, 1.61058, 0.7096,
        1.06248, 1.41537, 1.02243, 0.45114, 0.67131, 0.89147
    ]),
    'grad8': ((4,), [
        -4.56653, -2.23396, -3.17477, -4.11557
    ]),
    'func': ((2, 3, 4), [
        -0.39871, -0.26004, -0.34771, -0.43538, -0.39712, -0.25617, -0.34495, -0.43374, -0.3985,
        -0.25661, -0.34515, -0.43368, -0.49737, -0.10445, -0.23925, -0.37405, -0.49831,
        -0.10616, -0.23959, -0.37302, -0.49849, -0.10555, -0.23892, -0.37229
    ]),
    'dot': ((2, 3, 4), [
        -0.16524, -0.06524, 0.03476, -0.04892, -0.14821, -0.04821, 0.05179, -0.05866, -0.13,
        -0.03, 0.07, -0.07, 0.10136, -0.00821, -0.13981, -0.03981, 0.07476, -0.01963, -0.11017,
        -0.01017, 0.07363, -0.0331, -0.12203, -0.02203
    ]),
    'dotm': ((2, 3, 4), [
        -0.12131, -0.02131, 0.07869, -0.15907, -0.0736, 0.0264, 0.1264, -0.1932, 0.0, 0.0, 0.0,
        0.0, 0.4, 0.5, -0.5, -0.4, 0.0, 0.0, 0.0, 0.0, 0.4, 0.5, -0.5, -0.4
    ]),
    'dotms': ((2, 3, 5), [
        0.36033, 0.33262, 0.30705, 0.0, 0.0, 0.31545, 0.30308, 0.38146, 0.0, 0.0, 0.32319,
        0.32319, 0.35362, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0,
        0.0, 0.0, 0.0
    ]),
    'causal': ((2, 3, 4), [
        -0.5, -0.4, -0.3, -0.2, -0.304, -0.204, -0.104, -0.004, -0.08507, 0.01493, 0.11493,
        -0.1791, 0.4, 0.5, -0.5, -0.4, 0.01685, 0.11685, -0.28106, -0.18106, 0.03843, 0.13843,
        -0.07864, 0.02136
    ]),
    'concat': ((2, 3, 4), [
        -0.0689, 0.0311, 0.1311, -0.04766, -0.06877, 0.03123, 0.13123, -0.0467, -0.06871,
        0.03129, 0.13129, -0.04635, 0.4, 0.5, -0.5, -0.4, 0.4, 0.5, -0.5, -0.4, 0.4, 0.5, -0.5,
        -0.4
    ]),
    'add': ((2, 3, 4), [
        -0.1097, -0.0097, 0.0903, -0.16263, -0.10968, -0.00968, 0.09032, -0.16351, 0.0, 0.0,
        0.0, 0.0, 0.4, 0.5, -0.5, -0.4, 0.0, 0.0, 0.0, 0.0, 0.4, 0.5, -0.5, -0.4
    ]),
    'add_ns': ((2, 3, 4), [
        0.02892, 0.12892, 0.22892, -0.05255, 0.03158, 0.13158, 0.23158, -0.05178, 0.03224,
        0.13224, 0.23224, -0.05075, 0.10588, 0.10349, 0.00422, 0.10422, 0.10511, 0.10043, 6e-05,
        0.10006, 0.1074, 0.1014, -0.00103, 0.09897
    ]),
    'selfmask2': ((2, 3, 4), [
        0.15225, -0.00899, -0.14775, -0.04775, 0.1475, 0.00999, -0.1525, -0.0525, 0.0, 0.0, 0.0,
        0.0, 0.0, 0.1, 0.2, -0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    ]),
    'gq': ((2, 3, 4), [
        0.0003, 0.0, -0.00013, -0.00054, 0.00069, 0.0, -0.00046, -0.00022, 0.0, 0.0, 0.0, 0.0,
        0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    ]),
    'gs': ((4,), [
        0.01149, -0.03378, -0.0362, -0.03602
    ]),
}


def ramp(shape, k=7):
    return ((np.arange(np.prod(shape)).reshape(shape) % k - k // 2) / 10).astype("float32")


def check(name, value):
    shape, values = TF[name]
    value = np.asarray(value)
    assert value.shape == shape
    np.testing.assert_allclose(value.ravel(), values, atol=2e-5)


Q = ramp((2, 3, 4), 5)
V = ramp((2, 5, 6), 11)
ATTENTION_MASK = np.array([[[1, 1, 0, 0, 0]] * 3,
                           [[0, 0, 0, 0, 0], [1, 0, 1, 0, 1], [1, 1, 1, 1, 1]]], bool)


def _mha(dtype=None):
    layer = L.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2, dtype=dtype)
    layer(Q, V)
    layer.set_weights([ramp(tuple(w.shape), 7 + i) for i, w in enumerate(layer.weights)])
    return layer


def test_multi_head_attention_weights_and_outputs():
    layer = _mha()
    # TensorFlow 2.21's weights: shapes and order
    assert [tuple(w.shape) for w in layer.weights] == [
        (4, 2, 3), (2, 3), (6, 2, 3), (2, 3), (6, 2, 2), (2, 2), (2, 2, 4), (4,)]
    assert [w.name.split(":")[0] for w in layer.weights] == [
        "query/kernel", "query/bias", "key/kernel", "key/bias", "value/kernel", "value/bias",
        "attention_output/kernel", "attention_output/bias"]
    check("plain", layer(Q, V))
    output, scores = layer(Q, V, return_attention_scores=True)
    check("withscores", output)
    check("scores", scores)
    check("key", layer(Q, V, ramp((2, 5, 6), 9)))
    assert layer.get_config()["attention_axes"] == (1,)
    assert (layer.num_heads, layer.key_dim, layer.value_dim) == (2, 3, 2)


def test_attention_mask_and_the_two_attention_paths():
    layer = _mha()
    # TensorFlow 2.21: a query that may attend to nothing averages the values without the
    # scores (TensorFlow's fused attention), gets zero weights with them
    check("amask", layer(Q, V, attention_mask=ATTENTION_MASK))
    output, scores = layer(Q, V, attention_mask=ATTENTION_MASK, return_attention_scores=True)
    check("amask_s", output)
    check("amask_sc", scores)


def test_multi_head_attention_gradients_match_tensorflow():
    layer = _mha()
    q = tf.constant(Q)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(q, V, attention_mask=ATTENTION_MASK) ** 2)
    grads = tape.gradient(loss, layer.trainable_weights)
    for name, grad in zip(["grad", "grad2", "grad3", "grad4", "grad5", "grad6", "grad7",
                           "grad8"], grads):
        check(name, grad)


def _masked_embeddings():
    embedding = L.Embedding(6, 4, mask_zero=True)
    embedding.build((None, 3))
    embedding.set_weights([ramp((6, 4), 5)])
    return lambda: embedding(np.array([[1, 2, 0], [3, 0, 0]]))


def test_self_attention_with_the_inputs_masks():
    embed = _masked_embeddings()
    layer = L.MultiHeadAttention(num_heads=2, key_dim=2, output_shape=4, use_bias=False)
    x = embed()
    layer(x, x)
    assert [tuple(w.shape) for w in layer.weights] == [(4, 2, 2), (4, 2, 2), (4, 2, 2),
                                                       (2, 2, 4)]
    layer.set_weights([ramp(tuple(w.shape), 5 + i) for i, w in enumerate(layer.weights)])
    # as Keras 3, the layer takes the masks off its inputs: a second call sees none
    assert getattr(x, "_keras_mask", None) is None
    x = embed()
    y = layer(x, x, use_causal_mask=True)
    check("selfmask", y)
    assert y._keras_mask.numpy().tolist() == [[True, True, False], [True, False, False]]
    x = embed()
    check("selfmask_nc", layer(x, x))
    x = embed()
    output, scores = layer(x, x, return_attention_scores=True)
    check("selfmask_s", output)
    check("selfmask_sc", scores)
    x = embed()
    # TensorFlow 2.21: the residual sum has no mask (the input's was taken off)
    assert getattr(L.Add()([x, layer(x, x)]), "_keras_mask", None) is None


def test_multi_head_attention_in_a_functional_model():
    query, value = tf.keras.Input((3, 4)), tf.keras.Input((5, 6))
    outputs = L.MultiHeadAttention(2, 3, name="mh")(query, value)
    assert outputs.shape == (None, 3, 4)
    model = tf.keras.Model([query, value], outputs)
    model.set_weights([ramp(tuple(w.shape), 7 + i) for i, w in enumerate(model.weights)])
    check("func", model([Q, V]))


def test_multi_head_attention_refuses_what_it_cannot_match():
    layer = L.MultiHeadAttention(2, 3, dropout=0.5)
    layer(Q, V)   # inference: no dropout
    with pytest.raises(NotImplementedError, match="dropout=0.5 while training"):
        layer(Q, V, training=True)
    with pytest.raises(NotImplementedError, match="rank 4"):
        L.MultiHeadAttention(2, 3)(np.ones((1, 2, 3, 4), "float32"), np.ones((1, 2, 3, 4),
                                                                             "float32"))
    with pytest.raises(NotImplementedError, match="attention_axes"):
        L.MultiHeadAttention(2, 3, attention_axes=(0,))(Q, V)
    with pytest.raises(ValueError, match="expected a positive integer. Received: num_heads=0"):
        L.MultiHeadAttention(0, 3)


def test_multi_head_attention_gradients_in_float64():
    layer = _mha("float64")
    mask = ATTENTION_MASK.copy()
    mask[1, 0, 0] = True   # every query attends to something
    check_gradients(lambda q, v: layer(q, v, attention_mask=mask), [Q, V], order=1)
    check_gradients(lambda q, v: layer(q, v, use_causal_mask=True, return_attention_scores=True),
                    [Q, ramp((2, 3, 6), 11)], order=1)


QA = ramp((2, 3, 4), 5)
VA = ramp((2, 5, 4), 11)
KA = ramp((2, 5, 4), 9)
QUERY_MASK = np.array([[1, 1, 0], [1, 0, 1]], bool)
VALUE_MASK = np.array([[1, 1, 1, 0, 0], [1, 0, 0, 0, 0]], bool)


def test_dot_product_attention():
    layer = L.Attention()
    check("dot", layer([QA, VA]))
    output, scores = layer([QA, VA, KA], mask=[QUERY_MASK, VALUE_MASK],
                           return_attention_scores=True)
    check("dotm", output)
    check("dotms", scores)
    check("causal", layer([QA, VA[:, :3]], use_causal_mask=True))
    concat = L.Attention(use_scale=True, score_mode="concat")
    concat([QA, VA])
    assert [w.name.split("/")[-1] for w in concat.weights] == ["scale:0",
                                                               "concat_score_weight:0"]
    concat.set_weights([np.float32(0.5), np.float32(1.5)])
    check("concat", concat([QA, VA, KA], mask=[None, VALUE_MASK]))
    x = _masked_embeddings()()
    y = layer([x, x])
    check("selfmask2", y)
    assert y._keras_mask.numpy().tolist() == [[True, True, False], [True, False, False]]
    assert layer.get_config()["score_mode"] == "dot"


def test_additive_attention_and_its_gradients():
    layer = L.AdditiveAttention()
    layer([QA, VA])
    layer.set_weights([ramp((4,), 3)])
    check("add", layer([QA, VA, KA], mask=[QUERY_MASK, VALUE_MASK]))
    check("add_ns", L.AdditiveAttention(use_scale=False)([QA, VA]))
    q = tf.constant(QA)
    with tf.GradientTape() as tape:
        tape.watch(q)
        loss = tf.reduce_sum(layer([q, VA, KA], mask=[QUERY_MASK, VALUE_MASK]) ** 2)
    grad_q, grad_scale = tape.gradient(loss, [q, layer.scale])
    check("gq", grad_q)
    check("gs", grad_scale)
    assert "score_mode" not in layer.get_config()
    check_gradients(lambda q, v: L.Attention(dtype="float64")([q, v], mask=[None, VALUE_MASK]),
                    [QA, VA], order=1)
    additive = L.AdditiveAttention(dtype="float64")
    check_gradients(lambda q, k: additive([q, VA, k], mask=[QUERY_MASK, VALUE_MASK]),
                    [QA, KA], order=1)


def test_attention_errors_as_keras():
    layer = L.Attention()
    with pytest.raises(ValueError, match="must be called on a list of inputs"):
        layer(QA)
    with pytest.raises(ValueError, match="accepts inputs list of length 2 or 3"):
        layer([QA])
    with pytest.raises(ValueError, match="mask must be a list"):
        layer([QA, VA], mask=QUERY_MASK)
    with pytest.raises(ValueError, match="Invalid value for argument score_mode"):
        L.Attention(score_mode="x")
    with pytest.raises(NotImplementedError, match="dropout=0.1 while training"):
        L.Attention(dropout=0.1)([QA, VA], training=True)
