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
