"""tf.keras pieces added to match Keras 3.15 (TensorFlow 2.21): activations,
layers, optimizers and schedules.

Every expected number below was printed by TensorFlow 2.21 and copied by hand.
"""
import numpy as np
import pytest

import gradtape as tf

keras = tf.keras
A = tf.keras.activations

X = [-3.5, -3.0, -1.0, -0.5, -0.2, 0.0, 0.3, 0.5, 1.0, 3.0, 4.0]
W = np.arange(1, 12, dtype=np.float32)


def _value_and_grad(fn, x, w):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
        loss = tf.reduce_sum(y * w)
    return y.numpy(), tape.gradient(loss, x).numpy()


# TensorFlow 2.21's values and gradients of sum(f(X) * W), W = 1..11
ACTIVATIONS = {
    "mish": ([-0.10409577190876007, -0.14564748108386993, -0.30340149998664856,
              -0.22074377536773682, -0.1071447879076004, 0.0, 0.20800139009952545,
              0.37524518370628357, 0.8650984168052673, 2.98653507232666, 3.9974124431610107],
             [-0.07276040315628052, -0.18678617477416992, 0.17765045166015625,
              1.1580426692962646, 2.357651472091675, 3.5999999046325684, 5.479791164398193,
              7.091394901275635, 9.441326141357422, 10.21107006072998, 11.048768997192383]),
    "log_sigmoid": ([-3.529750347137451, -3.0485870838165283, -1.31326162815094,
                     -0.9740769267082214, -0.7981389164924622, -0.6931471824645996,
                     -0.5543552041053772, -0.4740769863128662, -0.3132616877555847,
                     -0.04858735203742981, -0.018149929121136665],
                    [0.970687747001648, 1.9051482677459717, 2.1931755542755127,
                     2.489837408065796, 2.7491698265075684, 3.0, 2.9789018630981445,
                     3.0203254222869873, 2.4204728603363037, 0.4742587208747864,
                     0.19784830510616302]),
    "hard_silu": ([-0.0, -0.0, -0.3333333432674408, -0.2083333283662796, -0.09333333373069763,
                   0.0, 0.16500000655651093, 0.2916666567325592, 0.6666666865348816, 3.0, 4.0],
                  [0.0, 0.0, 0.5, 1.3333332538604736, 2.1666665077209473, 3.0,
                   4.200000286102295, 5.3333330154418945, 7.5, 10.0, 11.0]),
    "celu": ([-0.9698026180267334, -0.9502129554748535, -0.6321205496788025,
              -0.39346933364868164, -0.18126927316188812, 0.0, 0.30000001192092896, 0.5, 1.0,
              3.0, 4.0],
             [0.03019738383591175, 0.09957414120435715, 1.1036384105682373, 2.4261226654052734,
              4.093653678894043, 12.0, 7.0, 8.0, 9.0, 10.0, 11.0]),
    "hard_tanh": ([-1.0, -1.0, -1.0, -0.5, -0.20000000298023224, 0.0, 0.30000001192092896, 0.5,
                   1.0, 1.0, 1.0],
                  [0.0, 0.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 0.0, 0.0]),
    "soft_shrink": ([-3.0, -2.5, -0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 2.5, 3.5],
                    [1.0, 2.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0]),
    "hard_shrink": ([-3.5, -3.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 3.0, 4.0],
                    [1.0, 2.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0]),
    "tanh_shrink": ([-2.501821994781494, -2.0049452781677246, -0.23840582370758057,
                     -0.037882864475250244, -0.0026246756315231323, 0.0, 0.008687376976013184,
                     0.037882864475250244, 0.23840582370758057, 2.0049452781677246,
                     3.0006706714630127],
                    [0.9963592290878296, 1.9802677631378174, 1.740077018737793,
                     0.8542089462280273, 0.19478511810302734, 0.0, 0.5940413475036621,
                     1.7084178924560547, 5.220231056213379, 9.901338577270508,
                     10.985249519348145]),
    "squareplus": ([0.2655644416809082, 0.30277562141418457, 0.6180340051651001,
                    0.7807763814926147, 0.9049875736236572, 1.0, 1.1611874103546143,
                    1.2807763814926147, 1.6180340051651, 3.3027756214141846, 4.236067771911621],
                   [0.06587845087051392, 0.16794967651367188, 0.8291796445846558,
                    1.5149286985397339, 2.2512407302856445, 3.0, 4.019191741943359,
                    4.970142364501953, 6.512461185455322, 9.16025161743164, 10.419349670410156]),
    "sparse_plus": ([0.0, 0.0, 0.0, 0.0625, 0.1600000113248825, 0.25, 0.42249998450279236,
                     0.5625, 1.0, 3.0, 4.0],
                    [0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.549999713897705, 6.0, 9.0, 10.0, 11.0]),
    "sparse_sigmoid": ([0.0, 0.0, 0.0, 0.25, 0.4000000059604645, 0.5, 0.6499999761581421,
                        0.75, 1.0, 1.0, 1.0],
                       [0.0, 0.0, 0.0, 2.0, 2.5, 3.0, 3.5, 4.0, 0.0, 0.0, 0.0]),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_values_and_gradients(name):
    # TensorFlow 2.21's values, including the gradient at every kink (0, +-0.5, +-1, +-3)
    want_y, want_g = ACTIVATIONS[name]
    y, g = _value_and_grad(A.get(name), X, W)
    np.testing.assert_allclose(y, want_y, rtol=2e-6, atol=1e-7)
    np.testing.assert_allclose(g, want_g, rtol=2e-6, atol=1e-7)
    assert y.dtype == np.float32


def test_activation_parameters_and_aliases():
    # TensorFlow 2.21's values
    x = tf.constant(X)
    np.testing.assert_allclose(A.celu(x, alpha=0.5).numpy()[:5], [
        -0.49954405426979065, -0.4987606108188629, -0.4323323667049408, -0.31606027483940125,
        -0.1648399829864502], rtol=1e-6)
    np.testing.assert_allclose(A.squareplus(x, b=1).numpy()[[0, 2, 5, 8]], [
        0.07002747058868408, 0.20710676908493042, 0.5, 1.2071068286895752], rtol=1e-6)
    np.testing.assert_array_equal(A.hard_shrink(x, threshold=1.0).numpy(),
                                  [-3.5, -3.0, 0, 0, 0, 0, 0, 0, 0, 3.0, 4.0])
    np.testing.assert_array_equal(A.soft_shrink(x, threshold=1.0).numpy(),
                                  [-2.5, -2.0, 0, 0, 0, 0, 0, 0, 0, 2.0, 3.0])
    y, g = _value_and_grad(lambda t: A.threshold(t, 0.3, -2.0), X, W)
    np.testing.assert_array_equal(y, [-2.0] * 7 + [0.5, 1.0, 3.0, 4.0])
    np.testing.assert_array_equal(g, [0.0] * 7 + [8.0, 9.0, 10.0, 11.0])
    assert A.get("hard_swish") is A.hard_silu is A.hard_swish
    assert A.serialize(A.hard_swish) == "hard_silu"
    assert A.mish(tf.constant([-1.0], tf.float64)).dtype == tf.float64
    with pytest.raises(ValueError):
        A.get("nope")


M = [[1.0, 2.0, 0.5, -1.0], [0.1, 0.1, 0.1, 0.1], [3.0, -2.0, 3.0, 0.0]]
WM = np.arange(1, 13, dtype=np.float32).reshape(3, 4)


def test_glu():
    # TensorFlow 2.21's values
    y, g = _value_and_grad(A.glu, M, WM[:, :2])
    np.testing.assert_allclose(y, [[0.622459352016449, 0.5378828644752502],
                                   [0.05249791964888573, 0.05249791964888573],
                                   [2.857722282409668, -1.0]], rtol=2e-6)
    np.testing.assert_allclose(g, [
        [0.622459352016449, 0.5378828644752502, 0.23500370979309082, 0.7864477634429932],
        [2.6248958110809326, 3.1498751640319824, 0.12468802183866501, 0.14962562918663025],
        [8.573166847229004, 5.0, 1.2197695970535278, -5.0]], rtol=2e-6)
    with pytest.raises(ValueError, match="divisible by 2"):
        A.glu(tf.constant(M), axis=0)


def test_sparsemax_is_keras_formula():
    # TensorFlow 2.21's values: Keras sums the support's cumulative sums for tau, so the
    # equal row gives 0.1 each (not 0.25) and the tied row gives zeros
    y, g = _value_and_grad(A.sparsemax, M, WM)
    np.testing.assert_allclose(y, [[0, 1, 0, 0], [0.1, 0.1, 0.1, 0.1], [0, 0, 0, 0]],
                               rtol=1e-6)
    np.testing.assert_allclose(g, [[1.0, -1.0, 0.0, 0.0], [-21.0, -13.5, -6.0, 1.5],
                                   [0.0, 0.0, 0.0, 0.0]], rtol=1e-6)
    y, g = _value_and_grad(lambda t: A.sparsemax(t, axis=0), M, WM)
    np.testing.assert_allclose(y, [[0, 1, 0, 0], [0, 0, 0, 0.5], [1, 0, 1, 0.4]], rtol=1e-6)
    np.testing.assert_allclose(g, [[0, 0, 0, 0], [0, 0, 0, -12.0], [0, 0, 0, 2.0]],
                               rtol=1e-6)


@pytest.mark.parametrize("name", ["mish", "log_sigmoid", "celu", "tanh_shrink",
                                  "squareplus", "sparse_plus", "hard_silu", "soft_shrink",
                                  "glu"])
def test_activation_gradients_numerically(name):
    # smooth points only (away from each kink)
    x = tf.constant([[-2.3, -0.7, 0.4, 1.7]], tf.float64)
    tf.testing.check_gradients(A.get(name), [x])


def test_layers_take_the_new_activation_names():
    # TensorFlow 2.21: Dense(2, activation="mish", kernel_initializer="ones")(ones((1, 2)))
    layer = keras.layers.Dense(2, activation="mish", kernel_initializer="ones")
    np.testing.assert_allclose(layer(tf.ones((1, 2))).numpy(), [[1.9439589, 1.9439589]],
                               rtol=1e-6)


# ---------------------------------------------------------------------------
# Layers
# ---------------------------------------------------------------------------

layers = keras.layers
B = np.float32([[0.5, -0.2, 0.3, 1.0]] * 2)
C = np.float32([[0.5, 0.7, -2.0, 1.0], [0.1, 0.2, 0.3, 0.4]])
RAMP = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10 - 1
IMG = np.arange(36, dtype=np.float32).reshape(2, 3, 3, 2) / 7 - 2


def _layer_value_and_grads(layer, x, **kwargs):
    """The layer's output and the gradient of sum(output * (1, 2, 3, ...))."""
    xs = [tf.constant(a) for a in x] if isinstance(x, list) else tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = layer(xs, **kwargs)
        weights = tf.reshape(tf.range(1.0, 1.0 + int(np.prod(y.shape))), y.shape)
        loss = tf.reduce_sum(y * weights)
    grads = tape.gradient(loss, xs)
    return y.numpy(), ([g.numpy() for g in grads] if isinstance(grads, list) else grads.numpy())


@pytest.mark.parametrize("name, want_y, want_g", [
    # TensorFlow 2.21's values
    ("Add", [[1.0, 0.5, -1.7, 2.0], [0.6, 0.0, 0.6, 1.4]], [[1, 2, 3, 4], [5, 6, 7, 8]] * 2),
    ("Subtract", [[0.0, -0.9, 2.3, 0.0], [0.4, -0.4, 0.0, 0.6]],
     [[1, 2, 3, 4], [5, 6, 7, 8], [-1, -2, -3, -4], [-5, -6, -7, -8]]),
    ("Multiply", [[0.25, -0.14, -0.6, 1.0], [0.05, -0.04, 0.09, 0.4]],
     [[0.5, 1.4, -6.0, 4.0], [0.5, 1.2, 2.1, 3.2], [0.5, -0.4, 0.9, 4.0], [2.5, -1.2, 2.1, 8.0]]),
    ("Average", [[0.5, 0.25, -0.85, 1.0], [0.3, 0.0, 0.3, 0.7]],
     [[0.5, 1.0, 1.5, 2.0], [2.5, 3.0, 3.5, 4.0]] * 2),
    ("Maximum", [[0.5, 0.7, 0.3, 1.0], [0.5, 0.2, 0.3, 1.0]],
     [[1, 0, 3, 4], [5, 0, 7, 8], [0, 2, 0, 0], [0, 6, 0, 0]]),
    ("Minimum", [[0.5, -0.2, -2.0, 1.0], [0.1, -0.2, 0.3, 0.4]],
     [[1, 2, 0, 4], [0, 6, 7, 0], [0, 0, 3, 0], [5, 0, 0, 8]]),
])
def test_merging_layers(name, want_y, want_g):
    # ties (0.5 == 0.5, 1.0 == 1.0) send Maximum's and Minimum's gradient to the first input
    y, (ga, gb) = _layer_value_and_grads(getattr(layers, name)(), [B, C])
    np.testing.assert_allclose(y, want_y, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(np.concatenate([ga, gb]), want_g, rtol=1e-6, atol=1e-7)


def test_merging_layers_insert_axes_after_the_batch_axis():
    # TensorFlow 2.21: Add()([RAMP[:, :2], C]) broadcasts C as (2, 1, 4)
    y, (ga, gb) = _layer_value_and_grads(layers.Add(), [RAMP[:, :2, :], C])
    np.testing.assert_allclose(y[1], [[0.30000004, 0.49999994, 0.7, 0.9],
                                      [0.70000005, 0.9, 1.1, 1.3]], rtol=1e-6)
    np.testing.assert_allclose(gb, [[6, 8, 10, 12], [22, 24, 26, 28]])
    # TensorFlow 2.21: Maximum of three with a tie gives the gradient to the first
    a, b, c = (tf.constant([v]) for v in ([1.0, 2.0], [1.0, 3.0], [1.0, 0.0]))
    with tf.GradientTape() as tape:
        tape.watch([a, b, c])
        y = layers.maximum([a, b, c])
    assert [g.numpy().tolist() for g in tape.gradient(y, [a, b, c])] == [
        [[1.0, 0.0]], [[0.0, 1.0]], [[0.0, 0.0]]]


def test_merging_layer_errors():
    # TensorFlow 2.21 raises ValueError for each
    for layer, inputs in [(layers.Subtract(), [B, C, B]), (layers.Add(), B),
                          (layers.Add(), [B, B[:1]]), (layers.Concatenate(), [RAMP, C])]:
        with pytest.raises(ValueError):
            layer(inputs if not isinstance(inputs, list) else [tf.constant(v) for v in inputs])
    # TensorFlow 2.21: one input passes through
    np.testing.assert_array_equal(layers.Add()([tf.constant(B)]).numpy(), B)


def test_concatenate():
    # TensorFlow 2.21's values
    y, (ga, gb) = _layer_value_and_grads(layers.Concatenate(), [B, C])
    np.testing.assert_allclose(y[1], [0.5, -0.2, 0.3, 1.0, 0.1, 0.2, 0.3, 0.4], rtol=1e-6)
    np.testing.assert_array_equal(gb, [[5, 6, 7, 8], [13, 14, 15, 16]])
    assert layers.concatenate([tf.constant([[1, 2]]), tf.constant([[3]])]).dtype == tf.int32
    assert layers.Concatenate(axis=1)([tf.constant(RAMP)] * 2).shape == (2, 6, 4)


def test_reshape_permute_repeat_vector():
    # TensorFlow 2.21's values
    y, g = _layer_value_and_grads(layers.Reshape((4, -1)), RAMP)
    assert y.shape == (2, 4, 3)
    np.testing.assert_array_equal(g.ravel(), np.arange(1, 25))
    with pytest.raises(ValueError):
        layers.Reshape((5, -1))(tf.constant(RAMP))
    y, g = _layer_value_and_grads(layers.Permute((2, 1)), RAMP)
    np.testing.assert_allclose(y[0, 0], [-1.0, -0.6, -0.2], rtol=1e-6)
    np.testing.assert_array_equal(g[0], [[1, 4, 7, 10], [2, 5, 8, 11], [3, 6, 9, 12]])
    with pytest.raises(ValueError):
        layers.Permute((1, 3))
    y, g = _layer_value_and_grads(layers.RepeatVector(2), RAMP[:, 0, :])
    assert y.shape == (2, 2, 4)
    np.testing.assert_array_equal(g, [[6, 8, 10, 12], [22, 24, 26, 28]])
    with pytest.raises(ValueError):
        layers.RepeatVector(2)(tf.constant(RAMP))


def test_zero_padding_cropping_up_sampling():
    # TensorFlow 2.21's shapes and values
    y, g = _layer_value_and_grads(layers.ZeroPadding2D(((1, 0), (2, 1))), IMG)
    assert y.shape == (2, 4, 6, 2)
    np.testing.assert_allclose(y[0, 1], [[0, 0], [0, 0], [-2.0, -1.8571428], [-1.7142857, -1.5714285],
                                         [-1.4285715, -1.2857143], [0, 0]], rtol=1e-6)
    assert layers.ZeroPadding2D((1, 2), data_format="channels_first")(
        tf.constant(IMG)).shape == (2, 3, 5, 6)
    y, g = _layer_value_and_grads(layers.Cropping2D(((1, 0), (0, 1))), IMG)
    np.testing.assert_allclose(y[0, 0], [[-1.1428571, -1.0], [-0.8571428, -0.7142857]],
                               rtol=1e-6)
    np.testing.assert_array_equal(g[0, :, :, 0], [[0, 0, 0], [1, 3, 0], [5, 7, 0]])
    assert layers.Cropping2D(((0, 1), (0, 0)), data_format="channels_first")(
        tf.constant(IMG)).shape == (2, 3, 2, 2)
    with pytest.raises(ValueError):
        layers.Cropping2D(((2, 1), (0, 0)))(tf.constant(IMG))
    y, g = _layer_value_and_grads(layers.UpSampling2D((2, 3)), IMG)
    assert y.shape == (2, 6, 9, 2)
    np.testing.assert_allclose(y[0, 1, :4, 0], [-2.0, -2.0, -2.0, -1.7142857], rtol=1e-6)
    # each input gets the sum of its 2 x 3 copies' weights
    assert g[0, 0, 0, 0] == 1 + 3 + 5 + 19 + 21 + 23
    assert layers.UpSampling2D(2, data_format="channels_first")(
        tf.constant(IMG)).shape == (2, 3, 6, 4)


def test_lambda_passes_arguments_and_training():
    # TensorFlow 2.21's values
    y, g = _layer_value_and_grads(layers.Lambda(lambda x, k: x * k, arguments={"k": 3.0}),
                                  RAMP)
    np.testing.assert_allclose(y[0, 0], [-3.0, -2.7, -2.4, -2.1], rtol=1e-6)
    np.testing.assert_array_equal(g[0, 0], [3, 6, 9, 12])
    double = layers.Lambda(lambda x, training=None: x * (2.0 if training else 1.0))
    assert double(tf.ones((1, 1)), training=True).numpy() == 2.0
    assert double(tf.ones((1, 1))).numpy() == 1.0


def test_noise_layers():
    # TensorFlow 2.21: identity outside training; in training the noise has the
    # layer's standard deviation and the gradient is 1 (GaussianNoise) or the noise
    # (GaussianDropout); SpatialDropout2D keeps or drops whole channels
    x = tf.ones((200, 50))
    for layer in (layers.GaussianNoise(0.3), layers.GaussianDropout(0.2),
                  layers.SpatialDropout2D(0.5)):
        assert layer(tf.constant(IMG)).numpy().tolist() == IMG.tolist()
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layers.GaussianNoise(0.3)(x, training=True)
    assert abs(float(tf.math.reduce_std(y)) - 0.3) < 0.02
    assert np.all(tape.gradient(y, x).numpy() == 1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layers.GaussianDropout(0.2)(x, training=True)
    assert abs(float(tf.math.reduce_std(y)) - 0.5) < 0.03
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), y.numpy())
    y = layers.SpatialDropout2D(0.5)(tf.ones((20, 3, 3, 8)), training=True).numpy()
    assert set(y.ravel().tolist()) <= {0.0, 2.0}
    assert all(len(set(y[i, :, :, c].ravel())) == 1 for i in range(20) for c in range(8))
    for bad in (lambda: layers.GaussianNoise(1.5), lambda: layers.GaussianDropout(-0.1)):
        with pytest.raises(ValueError):
            bad()


def test_default_layer_names_as_keras():
    # TensorFlow 2.21 (Keras 3.15) names ZeroPadding2D 'zero_padding2d', Conv2D 'conv2d'
    assert layers.ZeroPadding2D().name.startswith("zero_padding2d")
    assert layers.Conv2D(1, 1).name.startswith("conv2d")
    assert layers.RepeatVector(2).name.startswith("repeat_vector")


def test_new_layers_in_a_sequential_model():
    # TensorFlow 2.21's value
    model = keras.Sequential([layers.Dense(4, kernel_initializer="ones"), layers.Reshape((2, 2)),
                              layers.Permute((2, 1)), layers.Flatten(),
                              layers.Activation("hard_swish")])
    np.testing.assert_allclose(model(tf.constant([[0.1, -0.3]])).numpy(),
                               [[-0.09333334] * 4], rtol=1e-6)


# ---------------------------------------------------------------------------
# Optimizers
# ---------------------------------------------------------------------------

FTRL_COEF = [[1.0, -2.0], [0.3, 0.7], [0.5, 0.5]]


def _ftrl_run(opt, dtype=np.float32, sparse=False):
    var = tf.Variable(np.array([[1.0, -2.0], [0.5, 3.0], [-1.5, 0.25]], dtype), name="v")
    coef = tf.constant(FTRL_COEF, dtype)
    for step in range(3):
        with tf.GradientTape() as tape:
            if sparse:
                loss = (tf.reduce_sum(tf.gather(var, [0, 2, 0]) * coef)
                        + tf.reduce_sum(tf.gather(var, [2]) ** 2))
            else:
                loss = tf.reduce_sum(var * coef * (step + 1)) + tf.reduce_sum(var ** 3) * 0.1
        opt.apply_gradients([(tape.gradient(loss, var), var)])
    return var.numpy(), [v.numpy() for v in opt.variables[2:]]


@pytest.mark.parametrize("kwargs, sparse, want_var, want_acc, want_linear", [
    # TensorFlow 2.21's values after three steps (float32)
    ({}, False,
     [[0.504121720790863, -0.9907995462417603], [-0.052037566900253296, 2.487377643585205],
      [-1.3557578325271606, -0.12984038889408112]],
     [[15.960284233093262, 45.577552795410156], [1.4146251678466797, 40.081119537353516],
      [7.520715713500977, 3.6221556663513184]],
     [[-20.13982582092285, 66.8900146484375], [0.6189244985580444, -157.47500610351562],
      [37.180198669433594, 2.4711172580718994]]),
    ({"learning_rate": 0.2, "learning_rate_power": -0.7, "initial_accumulator_value": 0.05,
      "l1_regularization_strength": 0.01, "l2_regularization_strength": 0.02,
      "l2_shrinkage_regularization_strength": 0.03, "beta": 0.1}, False,
     [[0.4753958582878113, -1.0675843954086304], [-0.25513845682144165, 2.6091036796569824],
      [-1.6059520244598389, -0.3094130754470825]],
     [[15.897825241088867, 44.511043548583984], [1.3690705299377441, 43.076759338378906],
      [8.762500762939453, 3.603537082672119]],
     [[-16.74688720703125, 76.67160034179688], [1.737214207649231, -183.1509246826172],
      [37.566749572753906, 3.9721457958221436]]),
    ({"learning_rate_power": 0.0, "initial_accumulator_value": 0.0}, False,
     [[-0.6337839961051941, 1.0729014873504639], [-0.18782763183116913, -0.7004802823066711],
      [-0.3693388104438782, -0.3026484549045563]],
     [[14.908001899719238, 51.800636291503906], [1.3162775039672852, 18.32773780822754],
      [4.681866645812988, 3.541546106338501]],
     [[6.3378400802612305, -10.729015350341797], [1.8782763481140137, 7.004802703857422],
      [3.693387985229492, 3.026484489440918]]),
    # a gradient by gather: a repeated row's squares are summed (1 + 0.25, not 1.5 ** 2)
    ({"l2_shrinkage_regularization_strength": 0.03}, True,
     [[0.4203653931617737, -1.5201618671417236], [-0.009130247868597507, -0.054781485348939896],
      [-1.14697265625, -0.08142699301242828]],
     [[3.8499999046325684, 12.850000381469727], [0.10000000149011612, 0.10000000149011612],
      [21.334794998168945, 1.8287858963012695]],
     [[-8.248164176940918, 54.49308776855469], [0.028872380033135414, 0.1732342690229416],
      [52.97821044921875, 1.1011584997177124]]),
])
def test_ftrl(kwargs, sparse, want_var, want_acc, want_linear):
    kwargs = {"learning_rate": 0.1, **kwargs}
    var, (acc, linear) = _ftrl_run(keras.optimizers.Ftrl(**kwargs), sparse=sparse)
    # within a few float32 ulps: NumPy's power (learning_rate_power other than -0.5)
    # rounds its last bit differently with the CPU's vector kernels
    np.testing.assert_array_max_ulp(var, np.float32(want_var), maxulp=4)
    np.testing.assert_array_max_ulp(acc, np.float32(want_acc), maxulp=4)
    np.testing.assert_array_max_ulp(linear, np.float32(want_linear), maxulp=4)


def test_ftrl_float64_and_errors():
    # TensorFlow 2.21's values
    var, _ = _ftrl_run(keras.optimizers.Ftrl(0.1, l1_regularization_strength=0.01, beta=0.1),
                       dtype=np.float64)
    np.testing.assert_allclose(var, [[0.4623925178171142, -0.871539788863875],
                                     [-0.05457751587861687, 2.416514816041628],
                                     [-1.2550079519288868, -0.12388711556170322]], rtol=1e-14)
    for kwargs in ({"learning_rate_power": 0.5}, {"initial_accumulator_value": -1.0},
                   {"l1_regularization_strength": -1.0}, {"l2_regularization_strength": -1.0},
                   {"l2_shrinkage_regularization_strength": -0.1}):
        with pytest.raises(ValueError):
            keras.optimizers.Ftrl(**kwargs)
    assert type(keras.optimizers.get("ftrl")) is keras.optimizers.Ftrl


def test_float64_accumulator_starts_at_float32_rounded_value():
    # TensorFlow 2.21: Keras' Constant initializer gives 0.10000000149011612 in float64
    var = tf.Variable(np.array([1.0, -2.0]), dtype=tf.float64)
    opt = keras.optimizers.Adagrad(0.1)
    for _ in range(2):
        opt.apply_gradients([(tf.constant([0.7, -0.3], tf.float64), var)])
    np.testing.assert_allclose(var.numpy(), [0.8415102395493101, -1.8744806356736163],
                               rtol=1e-15)
    np.testing.assert_allclose(opt.variables[2].numpy(), [1.080000001490116, 0.2800000014901161],
                               rtol=1e-15)


def _ema_run(opt, dtype=np.float32, steps=4, compiled=False):
    a = tf.Variable(np.array([1.0, -2.0], dtype), name="a")
    b = tf.Variable(np.array([0.5], dtype), name="b")

    def step(scale):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(a ** 2) * scale + tf.reduce_sum(b * 3.0)
        opt.apply_gradients(zip(tape.gradient(loss, [a, b]), [a, b]))
    run = tf.function(step) if compiled else step
    for s in range(steps):
        run(tf.constant(float(s + 1), dtype))
    names = [v.name.rsplit("/", 1)[-1].split(":")[0] for v in opt.variables]
    return a.numpy(), b.numpy(), [v.numpy() for v in opt.variables[2:]], names


def test_use_ema_keeps_moving_averages():
    # TensorFlow 2.21's values (the averages come before the slots in `variables`)
    a, b, (avg_a, avg_b), names = _ema_run(keras.optimizers.SGD(0.1, use_ema=True))
    np.testing.assert_array_equal(a, np.float32([0.03839999437332153, -0.07679998874664307]))
    np.testing.assert_array_equal(avg_a, np.float32([0.7832284569740295, -1.566456913948059]))
    np.testing.assert_array_equal(avg_b, np.float32([0.1821196973323822]))
    assert names == ["iteration", "learning_rate", "a_average", "b_average"]
    a, b, slots, names = _ema_run(keras.optimizers.Adam(0.1, use_ema=True, ema_momentum=0.9))
    np.testing.assert_array_equal(a, np.float32([0.6065088510513306, -1.60910964012146]))
    np.testing.assert_array_equal(slots[0], np.float32([0.8451831340789795, -1.845615267753601]))
    np.testing.assert_array_equal(slots[1], np.float32([0.3439011871814728]))
    assert names[2:] == ["a_average", "b_average", "a_momentum", "a_velocity", "b_momentum",
                         "b_velocity"]
    a, b, (avg_a, avg_b), _ = _ema_run(
        keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.7), dtype=np.float64)
    np.testing.assert_allclose(avg_a, [0.39679999546051026, -0.7935999909210205], rtol=1e-15)
    np.testing.assert_allclose(avg_b, [-0.24010001102834946], rtol=1e-15)


@pytest.mark.parametrize("compiled", [False, True])
def test_ema_overwrite_frequency(compiled):
    # TensorFlow 2.21's values: every 2nd (3rd) step the variables take their averages
    a, b, slots, _ = _ema_run(keras.optimizers.SGD(
        0.1, momentum=0.5, use_ema=True, ema_momentum=0.8, ema_overwrite_frequency=2), steps=5,
        compiled=compiled)
    np.testing.assert_array_equal(a, np.float32([-0.1904599964618683, 0.3809199929237366]))
    np.testing.assert_array_equal(b, np.float32([-0.7727500200271606]))
    np.testing.assert_array_equal(slots[0], np.float32([0.2895560562610626, -0.5791121125221252]))
    a, b, slots, _ = _ema_run(keras.optimizers.Adam(
        0.1, use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=3), steps=5,
        compiled=compiled)
    np.testing.assert_array_equal(a, np.float32([0.6771500706672668, -1.6782363653182983]))
    np.testing.assert_array_equal(b, np.float32([0.17100293934345245]))
    np.testing.assert_array_equal(slots[2], np.float32([2.186213970184326, -4.815972328186035]))


def test_ema_finalize_config_and_errors():
    # TensorFlow 2.21's values
    opt = keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5)
    w = tf.Variable([1.0])
    for _ in range(3):
        opt.apply_gradients([(tf.constant([1.0]), w)])
    opt.finalize_variable_values([w])
    np.testing.assert_array_equal(w.numpy(), np.float32([0.7749999761581421]))
    config = keras.optimizers.Adam(use_ema=True, ema_overwrite_frequency=3).get_config()
    assert (config["use_ema"], config["ema_momentum"], config["ema_overwrite_frequency"]) == (
        True, 0.99, 3)
    for kwargs in ({"ema_momentum": 1.5}, {"ema_overwrite_frequency": 1.5}):
        with pytest.raises(ValueError):
            keras.optimizers.SGD(use_ema=True, **kwargs)
    keras.optimizers.SGD(use_ema=True, ema_overwrite_frequency=0)   # as Keras: 0 means never
    keras.optimizers.SGD(ema_momentum=1.5)   # as Keras: not checked without use_ema


# ---------------------------------------------------------------------------
# Schedules
# ---------------------------------------------------------------------------

RESTART_STEPS = [0, 1, 5, 9, 10, 11, 15, 29, 30, 31, 69, 70, 71, 150, 310, 1000]


@pytest.mark.parametrize("kwargs, want", [
    # TensorFlow 2.21's values (to an ulp: TensorFlow's float32 cos and log round
    # differently from NumPy's now and then)
    ({}, [0.10000000149011612, 0.0975528284907341, 0.04999999701976776, 0.0024471760261803865,
          0.10000000149011612, 0.09938441962003708, 0.08535534143447876, 0.0006155818700790405,
          0.10000000149011612, 0.09984587132930756, 0.00015413165965583175, 0.10000000149011612,
          0.09996145218610764, 0.10000000149011612, 0.10000000149011612, 0.037850990891456604]),
    ({"t_mul": 1.0},
     [0.10000000149011612, 0.0975528284907341, 0.04999999701976776, 0.0024471760261803865,
      0.10000000149011612, 0.0975528284907341, 0.04999999701976776, 0.0024471671786159277,
      0.10000000149011612, 0.0975528284907341, 0.0024471671786159277, 0.10000000149011612,
      0.0975528284907341, 0.10000000149011612, 0.10000000149011612, 0.10000000149011612]),
    ({"t_mul": 2.0, "m_mul": 0.5, "alpha": 0.1},
     [0.10000000149011612, 0.09779754281044006, 0.05499999597668648, 0.012202458456158638,
      0.055000003427267075, 0.05472299084067345, 0.04840990528464317, 0.01027701236307621,
      0.032499998807907104, 0.03246532008051872, 0.010034679435193539, 0.021250000223517418,
      0.021245663985610008, 0.015625, 0.012812499888241291, 0.010532279498875141]),
    ({"t_mul": 1.5, "m_mul": 0.9, "alpha": 0.05},
     [0.10000000149011612, 0.09767518192529678, 0.05249999836087227, 0.0073248171247541904,
      0.09049999713897705, 0.08956580609083176, 0.06912499666213989, 0.07610365003347397,
      0.07294855266809464, 0.06921979784965515, 0.025176113471388817, 0.022313745692372322,
      0.01960129663348198, 0.053573835641145706, 0.006307078059762716, 0.014880738221108913]),
    ({"t_mul": 3.0},
     [0.10000000149011612, 0.0975528284907341, 0.04999999701976776, 0.0024471760261803865,
      0.10000000149011612, 0.09972609579563141, 0.09330127388238907, 0.02966316044330597,
      0.02499999664723873, 0.020610740408301353, 0.07649596035480499, 0.07500000298023224,
      0.07347358018159866, 0.09865224361419678, 0.02499999664723873, 0.015687916427850723]),
    ({"t_mul": 0.5},
     [0.10000000149011612, 0.0975528284907341, 0.04999999701976776, 0.0024471760261803865,
      0.10000000149011612, 0.09045084565877914, 0.10000000149011612] + [np.nan] * 9),
])
def test_cosine_decay_restarts(kwargs, want):
    schedule = keras.optimizers.schedules.CosineDecayRestarts(0.1, 10, **kwargs)
    got = [schedule(k).numpy() for k in RESTART_STEPS]
    assert all(g.dtype == np.float32 for g in got)
    np.testing.assert_allclose(got, want, rtol=3e-7)


def test_cosine_decay_restarts_compiled_and_config():
    # TensorFlow 2.21's value after 35 compiled SGD steps of gradient 1
    schedule = keras.optimizers.schedules.CosineDecayRestarts(0.1, 10, t_mul=2.0, m_mul=0.5,
                                                               alpha=0.1)
    opt, w = keras.optimizers.SGD(schedule), tf.Variable(1.0)
    step = tf.function(lambda: opt.apply_gradients([(tf.constant(1.0), w)]))
    for _ in range(35):
        step()
    np.testing.assert_allclose(w.numpy(), -0.42896533012390137, rtol=1e-6)
    with pytest.raises(ValueError):
        keras.optimizers.schedules.CosineDecayRestarts(0.1, 0)
    assert keras.optimizers.schedules.CosineDecayRestarts(0.1, 10).get_config() == {
        "alpha": 0.0, "first_decay_steps": 10, "initial_learning_rate": 0.1, "m_mul": 1.0,
        "name": "SGDRDecay", "t_mul": 2.0}


# ---------------------------------------------------------------------------
# LayerNormalization(rms_scaling=True)
# ---------------------------------------------------------------------------

def test_layer_normalization_rms_scaling_is_keras_variance_scaling():
    # TensorFlow 2.21's values: Keras scales by rsqrt(variance + epsilon) (not the mean
    # square), has gamma only (even with scale=False) and warns that it is deprecated
    x = tf.constant([[1.0, 3.0, -2.0, 0.5], [0.1, 0.1, 0.2, -0.4], [5.0, 5.0, 5.0, 5.0]])
    with pytest.warns(UserWarning, match="rms_scaling"):
        ln = layers.LayerNormalization(rms_scaling=True)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = ln(x)
        loss = tf.reduce_sum(y * tf.reshape(tf.range(1.0, 13.0), (3, 4)))
    gx, gamma = tape.gradient(loss, [x, ln.gamma])
    assert [v.name.rsplit("/", 1)[-1] for v in ln.weights] == ["gamma:0"]
    np.testing.assert_allclose(y.numpy(), [
        [0.5614014267921448, 1.684204339981079, -1.1228028535842896, 0.2807007133960724],
        [0.4225771427154541, 0.4225771427154541, 0.8451542854309082, -1.6903085708618164],
        [158.11387634277344] * 4], rtol=1e-6)
    np.testing.assert_allclose(gx.numpy(), [
        [0.5116376876831055, 0.8076324462890625, 2.032550573348999, 2.2621936798095703],
        [22.44940948486328, 26.675182342529297, 32.22150802612305, 28.523956298828125],
        [284.60498046875, 316.2277526855469, 347.85052490234375, 379.4732971191406]], rtol=2e-6)
    np.testing.assert_allclose(gamma.numpy(), [1425.69921875, 1587.042724609375,
                                               1741.8004150390625, 1884.966796875], rtol=1e-6)
    with pytest.warns(UserWarning):
        ln = layers.LayerNormalization(rms_scaling=True, scale=False, epsilon=0.01)
    np.testing.assert_allclose(ln(x).numpy()[1], [0.3922322392463684, 0.3922322392463684,
                                                  0.7844644784927368, -1.5689289569854736],
                               rtol=1e-6)
    assert [v.name.rsplit("/", 1)[-1] for v in ln.weights] == ["gamma:0"]


def test_layer_normalization_rms_scaling_gradients_numerically():
    with pytest.warns(UserWarning):
        ln = layers.LayerNormalization(rms_scaling=True, axis=[1, 2], dtype="float64")
    x = tf.constant(np.linspace(-1.0, 2.0, 24).reshape(2, 3, 4) ** 2)
    ln(x)
    tf.testing.check_gradients(ln, [x])


@pytest.mark.parametrize("make, shape, axes", [
    (lambda: layers.SpatialDropout1D(0.5), (30, 4, 6), (1,)),
    (lambda: layers.SpatialDropout2D(0.5, data_format="channels_first"), (30, 6, 3, 3), (2, 3)),
    (lambda: layers.SpatialDropout3D(0.5), (30, 2, 2, 2, 6), (1, 2, 3)),
    (lambda: layers.SpatialDropout3D(0.5, data_format="channels_first"), (30, 6, 2, 2, 2),
     (2, 3, 4)),
])
def test_spatial_dropout_drops_whole_channels(make, shape, axes):
    # TensorFlow 2.21: values 0 or 2, constant over the spatial axes
    y = make()(tf.ones(shape), training=True).numpy()
    assert set(y.ravel().tolist()) <= {0.0, 2.0}
    assert np.all(y.min(axis=axes) == y.max(axis=axes))


def test_spatial_dropout_checks_the_rank_outside_training_too():
    # TensorFlow 2.21 raises ValueError
    for layer in (layers.SpatialDropout1D(0.5), layers.SpatialDropout2D(0.5)):
        with pytest.raises(ValueError):
            layer(tf.ones((2, 3)))


XA = [[-2.0, -0.5, 0.0, 1.5], [3.0, -1.0, 0.2, -0.1]]


@pytest.mark.parametrize("make, want_y, want_g", [
    # TensorFlow 2.21's values (Keras 3's LeakyReLU slope defaults to 0.3)
    (lambda: layers.LeakyReLU(), [[-0.6, -0.15, 0.0, 1.5], [3.0, -0.3, 0.2, -0.03]],
     [[0.3, 0.6, 0.9, 4.0], [5.0, 1.8, 7.0, 2.4]]),
    (lambda: layers.ELU(alpha=0.5),
     [[-0.4323323667049408, -0.19673466682434082, 0.0, 1.5],
      [3.0, -0.31606027483940125, 0.2, -0.04758131504058838]],
     [[0.0676676332950592, 0.6065306663513184, 1.5, 4.0],
      [5.0, 1.1036384105682373, 7.0, 3.619349479675293]]),
    (lambda: layers.Identity(), XA, [[1, 2, 3, 4], [5, 6, 7, 8]]),
    (lambda: layers.Rescaling(0.5, offset=-1.0),
     [[-2.0, -1.25, -1.0, -0.25], [0.5, -1.5, -0.9, -1.05]],
     [[0.5, 1.0, 1.5, 2.0], [2.5, 3.0, 3.5, 4.0]]),
    (lambda: layers.Rescaling([1.0, 2.0, 3.0, 4.0]),
     [[-2.0, -1.0, 0.0, 6.0], [3.0, -2.0, 0.6, -0.4]], [[1, 4, 9, 16], [5, 12, 21, 32]]),
])
def test_activation_and_rescaling_layers(make, want_y, want_g):
    y, g = _layer_value_and_grads(make(), np.float32(XA))
    np.testing.assert_allclose(y, want_y, rtol=1e-6)
    np.testing.assert_allclose(g, want_g, rtol=1e-6)


def test_prelu():
    # TensorFlow 2.21's values: at 0 the input's gradient is 0
    x = tf.constant(XA)
    for layer, want_gx, want_ga in [
            (layers.PReLU(alpha_initializer=tf.keras.initializers.Constant(0.25)),
             [[0.25, 0.5, 0.0, 4.0], [5.0, 1.5, 7.0, 2.0]], [-2.0, -7.0, 0.0, -0.8]),
            (layers.PReLU(alpha_initializer="ones", shared_axes=[1]),
             [[1, 2, 0, 4], [5, 6, 7, 8]], [-9.8])]:
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(layer(x) * tf.reshape(tf.range(1.0, 9.0), (2, 4)))
        gx, ga = tape.gradient(loss, [x, layer.alpha])
        np.testing.assert_allclose(gx.numpy(), want_gx, rtol=1e-6)
        np.testing.assert_allclose(ga.numpy(), want_ga, rtol=1e-6)
        assert layer.name.startswith("p_re_lu")
    assert layers.LeakyReLU().name.startswith("leaky_re_lu")
    with pytest.raises(ValueError):
        layers.LeakyReLU(-1.0)
    with pytest.warns(UserWarning, match="negative_slope"):
        assert layers.LeakyReLU(alpha=0.2).negative_slope == 0.2
    np.testing.assert_array_equal(layers.Rescaling(1 / 255)(tf.constant([[0, 255]])).numpy(),
                                  [[0.0, 1.0]])


SEQ = np.float32([[[1, 2], [3, -1], [3, 0.5]], [[0, 0], [-2, 4], [1, 4]]])
IMG2 = np.float32([1, 5, 5, 2, 0, 3, 3, 3, -1, 2, 7, 7, 0, 1, 2, 3]).reshape(2, 2, 2, 2)


@pytest.mark.parametrize("make, x, want_y, want_g", [
    # TensorFlow 2.21's values; a max's gradient is shared among ties
    (lambda: layers.GlobalMaxPooling1D(), SEQ, [[3, 2], [1, 4]],
     [[[0, 2], [0.5, 0], [0.5, 0]], [[0, 0], [0, 2], [3, 2]]]),
    (lambda: layers.GlobalAveragePooling1D(), SEQ,
     [[2.3333332538604736, 0.5], [-0.3333333432674408, 2.6666667461395264]],
     [[[1 / 3, 2 / 3]] * 3, [[1.0, 4 / 3]] * 3]),
    (lambda: layers.GlobalMaxPooling1D(keepdims=True, data_format="channels_first"), SEQ,
     [[[2], [3], [3]], [[0], [4], [4]]], [[[0, 1], [2, 0], [3, 0]], [[2, 2], [0, 5], [0, 6]]]),
    (lambda: layers.GlobalMaxPooling2D(), IMG2, [[5, 5], [7, 7]],
     [[[[0, 2], [1, 0]], [[0, 0], [0, 0]]], [[[0, 0], [3, 4]], [[0, 0], [0, 0]]]]),
    (lambda: layers.GlobalMaxPooling2D(data_format="channels_first", keepdims=True), IMG2,
     [[[[5]], [[3]]], [[[7]], [[3]]]],
     [[[[0, 0.5], [0.5, 0]], [[0, 2 / 3], [2 / 3, 2 / 3]]],
      [[[0, 0], [1.5, 1.5]], [[0, 0], [0, 4]]]]),
    (lambda: layers.GlobalAveragePooling2D(data_format="channels_first"), IMG2,
     [[3.25, 2.25], [3.75, 1.5]], [[[[0.25] * 2] * 2, [[0.5] * 2] * 2],
                                   [[[0.75] * 2] * 2, [[1.0] * 2] * 2]]),
    (lambda: layers.ZeroPadding1D((1, 2)), SEQ,
     [[[0, 0], [1, 2], [3, -1], [3, 0.5], [0, 0], [0, 0]],
      [[0, 0], [0, 0], [-2, 4], [1, 4], [0, 0], [0, 0]]],
     [[[3, 4], [5, 6], [7, 8]], [[15, 16], [17, 18], [19, 20]]]),
    (lambda: layers.ZeroPadding1D(1, data_format="channels_first"), SEQ,
     [[[0, 1, 2, 0], [0, 3, -1, 0], [0, 3, 0.5, 0]], [[0, 0, 0, 0], [0, -2, 4, 0], [0, 1, 4, 0]]],
     [[[2, 3], [6, 7], [10, 11]], [[14, 15], [18, 19], [22, 23]]]),
    (lambda: layers.Cropping1D((1, 0)), SEQ, [[[3, -1], [3, 0.5]], [[-2, 4], [1, 4]]],
     [[[0, 0], [1, 2], [3, 4]], [[0, 0], [5, 6], [7, 8]]]),
    (lambda: layers.UpSampling1D(3), SEQ,
     [[[1, 2]] * 3 + [[3, -1]] * 3 + [[3, 0.5]] * 3, [[0, 0]] * 3 + [[-2, 4]] * 3 + [[1, 4]] * 3],
     [[[9, 12], [27, 30], [45, 48]], [[63, 66], [81, 84], [99, 102]]]),
])
def test_global_pooling_and_1d_layers(make, x, want_y, want_g):
    y, g = _layer_value_and_grads(make(), x)
    np.testing.assert_allclose(y, want_y, rtol=1e-6)
    np.testing.assert_allclose(g, want_g, rtol=1e-6)


def test_1d_layer_errors():
    # TensorFlow 2.21's error types
    for bad, error in [(lambda: layers.Cropping1D((2, 1))(tf.constant(SEQ)), ValueError),
                       (lambda: layers.UpSampling1D(0), ValueError),
                       (lambda: layers.UpSampling1D(2.0), TypeError),
                       (lambda: layers.GlobalMaxPooling2D()(tf.constant(SEQ)), ValueError),
                       (lambda: layers.ZeroPadding1D(1)(tf.constant(IMG2)), ValueError)]:
        with pytest.raises(error):
            bad()
