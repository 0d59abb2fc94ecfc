"""tf.keras against TensorFlow 2.21 (Keras 3.15): optimizers, layers and losses.

Every expected number below was printed by TensorFlow 2.21 and copied by hand.
"""
import numpy as np
import pytest

import gradtape as tf

keras = tf.keras
L = tf.keras.losses


# ---------------------------------------------------------------------------
# Optimizers
# ---------------------------------------------------------------------------

def test_adam_slots_are_listed_variable_by_variable():
    # TensorFlow 2.21: ['iteration', 'learning_rate', 'a_0_momentum', 'a_0_velocity',
    #   'b_0_momentum', 'b_0_velocity', 'a_0_velocity_hat', 'b_0_velocity_hat']
    opt = keras.optimizers.Adam(amsgrad=True)
    opt.build([tf.Variable([1.0], name="a"), tf.Variable([2.0], name="b")])
    names = [v.name.split("/")[-1].split(":")[0] for v in opt.variables]
    assert names == ["iteration", "learning_rate", "a_momentum", "a_velocity",
                     "b_momentum", "b_velocity", "a_velocity_hat", "b_velocity_hat"]


@pytest.mark.parametrize("name, want", [
    # TensorFlow 2.21's values after two steps
    ("Adam", [[0.8000019, 2.1999981], [3.0, 4.0], [4.800002, 6.199998]]),
    ("RMSprop", [[0.45435655, 2.5456433], [3.0, 4.0], [4.4543567, 6.545644]]),
    ("Adagrad", [[0.8309542, 2.1702895], [3.0, 4.0], [4.835647, 6.169046]]),
])
def test_global_clipnorm_makes_a_sparse_gradient_dense(name, want):
    # Keras scales an IndexedSlices by the global norm into a dense tensor: a
    # repeated row's gradients are summed before they are squared
    opt = getattr(keras.optimizers, name)(0.1, global_clipnorm=10.0)
    table = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    for _ in range(2):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.gather(table, [0, 2, 0]) * [1.0, -2.0])
        opt.apply_gradients(zip(tape.gradient(loss, [table]), [table]))
    np.testing.assert_allclose(table.numpy(), want, rtol=1e-6)


def _two_steps(opt, dtype, steps=2):
    var = tf.Variable(np.array([1.0, 2.0], dtype))
    for _ in range(steps):
        opt.apply_gradients([(tf.constant(np.array([2.0, -4.0], dtype)), var)])
    return var.numpy(), [v.numpy() for v in opt.variables[2:]]


def test_adam_moments_take_one_minus_beta_in_python():
    # TensorFlow 2.21: one step of Adam(0.1): m = [0.2, -0.4], v = [0.004, 0.016] exactly
    # in float32 (1 - 0.9 computed in float32 would give 0.099999964)
    var, (m, v) = _two_steps(keras.optimizers.Adam(0.1), np.float32, steps=1)
    np.testing.assert_array_equal(m, np.float32([0.2, -0.4]))
    np.testing.assert_array_equal(v, np.float32([0.004, 0.016]))
    np.testing.assert_array_equal(var, np.float32([0.9000008, 2.0999992]))


def test_rmsprop_takes_one_minus_rho_in_python():
    # TensorFlow 2.21's values after two steps
    var, (velocity,) = _two_steps(keras.optimizers.RMSprop(0.1), np.float32)
    np.testing.assert_array_equal(velocity, np.float32([0.7599999904632568, 3.0399999618530273]))
    np.testing.assert_array_equal(var, np.float32([0.4543565511703491, 2.5456433296203613]))
    var, (velocity, average) = _two_steps(keras.optimizers.RMSprop(0.1, centered=True),
                                          np.float32)
    np.testing.assert_array_equal(average, np.float32([0.3799999952316284, -0.7599999904632568]))
    np.testing.assert_array_equal(var, np.float32([0.4117603898048401, 2.5882396697998047]))


def test_float64_variables_get_float32_rounded_hyperparameters():
    # TensorFlow 2.21: Keras casts beta_1, beta_2, momentum and weight_decay to the
    # variable's dtype through float32
    var, _ = _two_steps(keras.optimizers.Adam(0.1), np.float64, steps=1)
    np.testing.assert_allclose(var, [0.900000824196408, 2.0999992548598194], rtol=1e-15)
    var, (momentum,) = _two_steps(keras.optimizers.SGD(0.1, momentum=0.9), np.float64)
    np.testing.assert_allclose(var, [0.41999999612569816, 3.1600000077486037], rtol=1e-15)
    np.testing.assert_allclose(momentum, [-0.3800000008940696, 0.7600000017881392], rtol=1e-15)
    var, _ = _two_steps(keras.optimizers.SGD(0.1, weight_decay=0.1), np.float64)
    np.testing.assert_allclose(var, [0.5820999935388566, 2.756200010561943], rtol=1e-15)


@pytest.mark.parametrize("name, rate, want", [
    # TensorFlow 2.21's values after three steps on gathered rows (row 0 twice)
    ("Adamax", 0.1, [[0.7154995799064636, 2.2935776710510254], [3.0, 4.0],
                     [4.702890872955322, 6.297731399536133]]),
    ("Nadam", 0.1, [[0.6593872904777527, 2.368277072906494], [3.0, 4.0],
                    [4.746972560882568, 6.256173133850098]]),
    ("Lion", 0.1, [[0.6999999284744263, 2.299999713897705], [3.0, 4.0],
                   [4.700000286102295, 6.299999713897705]]),
    ("Adadelta", 1.0, [[0.9939385652542114, 2.0060715675354004], [3.0, 4.0],
                       [4.9957098960876465, 6.004291534423828]]),
])
def test_adamax_nadam_lion_adadelta(name, rate, want):
    opt = getattr(keras.optimizers, name)(rate)
    table = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.gather(table, [0, 2, 0]) ** 2 * [1.0, -2.0])
        opt.apply_gradients(zip(tape.gradient(loss, [table]), [table]))
    np.testing.assert_allclose(table.numpy(), want, rtol=1e-6)


def test_piecewise_constant_and_polynomial_decay():
    S = keras.optimizers.schedules
    # TensorFlow 2.21's rates
    got = [float(S.PiecewiseConstantDecay([2, 5], [1.0, 0.5, 0.1])(k)) for k in (0, 2, 3, 5, 6)]
    np.testing.assert_allclose(got, [1.0, 1.0, 0.5, 0.5, 0.10000000149011612], rtol=1e-7)
    # an integer step truncates the boundaries, a float step does not: [1.0, 0.5, 1.0, 0.5]
    got = [float(S.PiecewiseConstantDecay([1.5, 5], [1.0, 0.5, 0.1])(k)) for k in (1, 2, 1.2, 1.7)]
    assert got == [1.0, 0.5, 1.0, 0.5]
    got = [float(S.PolynomialDecay(0.1, 5, 0.01, power=0.5)(k)) for k in (0, 1, 3, 5, 7)]
    np.testing.assert_allclose(got, [0.10000000149011612, 0.09049844741821289, 0.06692100316286087,
                                     0.009999999776482582, 0.009999999776482582], rtol=1e-7)
    got = [float(S.PolynomialDecay(0.1, 3, 0.01, power=2.0, cycle=True)(k)) for k in (0, 1, 3, 4, 5, 7)]
    np.testing.assert_allclose(got, [0.10000000149011612, 0.04999999701976776, 0.009999999776482582,
                                     0.019999999552965164, 0.012500000186264515,
                                     0.014444444328546524], rtol=1e-7)


# ---------------------------------------------------------------------------
# Layers
# ---------------------------------------------------------------------------

def test_a_layer_built_by_hand_keeps_its_weights_on_first_call():
    # TensorFlow 2.21: build() marks the layer built, so set_weights before the
    # first call is kept: sigmoid([30, -2] @ I) = [1.0, 0.11920292]
    layer = keras.layers.Dense(2, activation="sigmoid")
    layer.build((None, 2))
    assert layer.built
    layer.set_weights([np.eye(2, dtype=np.float32), np.zeros(2, np.float32)])
    np.testing.assert_allclose(layer(np.array([[30.0, -2.0]], np.float32)).numpy(),
                               [[1.0, 0.11920292]], rtol=1e-6)
    np.testing.assert_array_equal(layer.get_weights()[0], np.eye(2))


# ---------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------

Y_TRUE = np.array([[0., 1., 0.], [1., 0., 0.], [0.2, 0.3, 0.5]], np.float32)
Y_PRED = np.array([[0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.0, 1.0, 0.0]], np.float32)


def _value_and_gradient(loss, y_true=Y_TRUE, y_pred=Y_PRED):
    x = tf.Variable(y_pred)
    with tf.GradientTape() as tape:
        value = loss(tf.constant(y_true), x)
    return value.numpy(), tape.gradient(value, x).numpy()


def test_sigmoid_output_goes_through_its_logits():
    # TensorFlow 2.21: 15.156732, gradient [[-2.3e-14, 0.029800728], [0.25, -0.25]]
    # (from the probabilities, clipped to [1e-7, 1 - 1e-7], the loss would be
    # 11.4 and the saturated entries' gradients 0)
    x = tf.Variable([[30.0, -2.0], [20.0, -40.5]])
    with tf.GradientTape() as tape:
        loss = L.BinaryCrossentropy()(tf.constant([[1., 0.], [0., 1.]]),
                                      keras.activations.sigmoid(x))
    np.testing.assert_allclose(loss.numpy(), 15.156732, rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(),
                               [[0.0, 0.029800728], [0.25, -0.25]], rtol=1e-6, atol=1e-13)


def test_softmax_output_goes_through_its_logits():
    # TensorFlow 2.21: 26.75 with gradient [[-0.5, 0.5, 0], [0.5, 0, -0.5]], for a
    # Dense layer's softmax and for keras.activations.softmax with the sparse loss
    want_grad = [[-0.5, 0.5, 0.0], [0.5, 0.0, -0.5]]
    layer = keras.layers.Dense(3, activation="softmax")
    layer.build((None, 3))
    layer.set_weights([np.eye(3, dtype=np.float32), np.zeros(3, np.float32)])
    x = tf.Variable([[1.0, 30.0, -20.0], [25.0, -30.0, 0.5]])
    with tf.GradientTape() as tape:
        loss = L.CategoricalCrossentropy()(tf.constant([[1., 0., 0.], [0., 0., 1.]]), layer(x))
    np.testing.assert_allclose(loss.numpy(), 26.75, rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), want_grad, atol=1e-12)
    with tf.GradientTape() as tape:
        loss = L.SparseCategoricalCrossentropy()(tf.constant([0, 2]),
                                                 keras.activations.softmax(x))
    np.testing.assert_allclose(loss.numpy(), 26.75, rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), want_grad, atol=1e-12)


def test_loss_objects_compute_in_float32():
    # TensorFlow 2.21: float16 inputs give 8.10455 (float32), not NaN: 1 - 1e-7 is 1 in float16
    bce = L.BinaryCrossentropy()(np.array([[1., 0.], [0., 1.]], np.float16),
                                 np.array([[0.0, 1.0], [0.3, 0.999]], np.float16))
    assert bce.dtype == tf.float32
    np.testing.assert_allclose(bce.numpy(), 8.10455, rtol=1e-6)
    # TensorFlow 2.21: float64 inputs give 0.42499998, float32
    mse = L.MeanSquaredError()(np.array([[1., 0.]]), np.array([[0.1, 0.2]]))
    assert mse.dtype == tf.float32
    np.testing.assert_allclose(mse.numpy(), 0.42499998, rtol=1e-7)
    assert L.MeanSquaredError().dtype == "float32"
    assert L.MeanSquaredError(dtype="float64")(np.ones((1, 2)), np.zeros((1, 2))).dtype == tf.float64


def test_ranks_are_matched_then_broadcast():
    # TensorFlow 2.21: (3, 1) labels against (3,) predictions: [0.25, 0.25, 4.]
    got = L.MeanSquaredError(reduction="none")(tf.constant([[1.0], [2.0], [3.0]]),
                                               tf.constant([0.5, 2.5, 1.0]))
    np.testing.assert_allclose(got.numpy(), [0.25, 0.25, 4.0])
    # TensorFlow 2.21: (3, 1) against (3, 2) broadcast: [0.125, 2.125, 4.]
    got = L.MeanSquaredError(reduction="none")(
        tf.constant([[1.0], [2.0], [3.0]]), tf.constant([[0.5, 1.0], [2.5, 0.0], [1.0, 1.0]]))
    np.testing.assert_allclose(got.numpy(), [0.125, 2.125, 4.0])


def test_sample_weight_and_reductions_as_keras():
    y, zeros = tf.constant([[1.0], [2.0], [3.0]]), tf.zeros((3, 1))
    # TensorFlow 2.21: 'mean_with_sample_weight' 3.857143, 'mean' 4.5
    got = L.MeanSquaredError(reduction="mean_with_sample_weight")(y, zeros,
                                                                   sample_weight=[1., 2., 0.5])
    np.testing.assert_allclose(got.numpy(), 3.857143, rtol=1e-6)
    got = L.MeanSquaredError(reduction="mean")(y, zeros, sample_weight=[1., 2., 0.5])
    np.testing.assert_allclose(got.numpy(), 4.5)
    # TensorFlow 2.21: a weight of rank one below broadcasts on the last axis: [[1, 2], [1, 2]]
    got = L.MeanSquaredError(reduction="none")(tf.ones((2, 2, 2)), tf.zeros((2, 2, 2)),
                                               sample_weight=[1., 2.])
    np.testing.assert_allclose(got.numpy(), [[1.0, 2.0], [1.0, 2.0]])
    # TensorFlow 2.21: weights (3, 1) of per-sample values (3,) give shape (3, 1)
    got = L.MeanSquaredError(reduction="none")(tf.ones((3, 2)), tf.zeros((3, 2)),
                                               sample_weight=[[1.], [2.], [3.]])
    assert got.shape == (3, 1)
    # TensorFlow 2.21: an empty batch is returned unreduced, shape (0,)
    assert L.MeanSquaredError()(tf.ones((0, 2)), tf.zeros((0, 2))).shape == (0,)
    with pytest.raises(ValueError, match="reduction"):
        L.MeanSquaredError(reduction="mean_of_means")


def test_label_smoothing_counts_the_classes_on_the_last_axis():
    # TensorFlow 2.21: [5.0971627, 1.3793027]
    got = L.CategoricalCrossentropy(axis=0, label_smoothing=0.3, reduction="none")(
        Y_TRUE[:, :2], Y_PRED[:, :2])
    np.testing.assert_allclose(got.numpy(), [5.0971627, 1.3793027], rtol=1e-6)


@pytest.mark.parametrize("name, value, grad", [
    # TensorFlow 2.21's values and gradients
    ("MeanAbsolutePercentageError", 6.6666724e+07,
     [[1.1111111e+08, -1.1111112e+01, 1.1111111e+08], [-1.1111112e+01, 1.1111111e+08, 1.1111111e+08],
      [-5.5555557e+01, 3.7037037e+01, -2.2222223e+01]]),
    ("MeanSquaredLogarithmicError", 0.060021967,
     [[0.019254562, -0.01300747, 0.019254562], [-0.03099216, 0.044848565, 0.019254562],
      [0.0, 0.047864772, 0.0]]),
    ("LogCosh", 0.058265578,
     [[0.011074238, -0.021930598, 0.011074238], [-0.04221656, 0.032368064, 0.011074238],
      [-0.021930598, 0.06715198, -0.051346354]]),
    ("KLDivergence", 3.6623259,
     [[-3.3333333e-07, -4.1666663e-01, -3.3333333e-07], [-5.5555558e-01, -1.1111111e-07, -3.3333333e-07],
      [0.0, -1.0000001e-01, 0.0]]),
    ("Poisson", 1.6685152,
     [[1.1111111e-01, -2.7777769e-02, 1.1111111e-01], [-7.4074037e-02, 1.1111111e-01, 1.1111111e-01],
      [-2.2222212e+05, 7.7777788e-02, -5.5555544e+05]]),
    ("CosineSimilarity", -0.7853493,
     [[0.04973393, -0.012433529, 0.04973393], [-0.10684201, 0.19231558, 0.06410519],
      [-0.10814762, 0.0, -0.27036905]]),
    ("Hinge", 0.81111115,
     [[0.0, -0.11111111, 0.0], [-0.11111111, 0.0, 0.0], [-0.022222223, -0.033333335, -0.055555556]]),
    ("SquaredHinge", 0.74333334,
     [[0.0, -0.04444444, 0.0], [-0.08888888, 0.0, 0.0], [-0.044444446, -0.04666667, -0.11111111]]),
    ("CategoricalHinge", 0.8,
     [[0.16666667, -0.33333334, 0.16666667], [-0.33333334, 0.33333334, 0.0],
      [-0.06666667, 0.13333333, -0.16666667]]),
])
def test_more_losses(name, value, grad):
    got, got_grad = _value_and_gradient(getattr(L, name)())
    np.testing.assert_allclose(got, value, rtol=2e-6)
    np.testing.assert_allclose(got_grad, grad, rtol=2e-6, atol=1e-12)


def test_cosine_similarity_along_axis_0_and_hinge_of_signed_labels():
    # TensorFlow 2.21: [-0.9672389, -0.801044, -0.]
    got = L.CosineSimilarity(axis=0, reduction="none")(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(got.numpy(), [-0.9672389, -0.801044, 0.0], rtol=1e-6)
    # TensorFlow 2.21: labels already -1 and 1 are used as they are: 0.6
    got = L.Hinge()(tf.constant([[-1., 1.], [1., -1.]]), tf.constant([[0.3, 0.4], [2.0, -0.5]]))
    np.testing.assert_allclose(got.numpy(), 0.6, rtol=1e-6)


# ---------------------------------------------------------------------------
# More layers, initializers, metrics
# ---------------------------------------------------------------------------

def test_layer_normalization_over_two_axes():
    # TensorFlow 2.21's output and gradients (loss sum(y**2 * [1, 3]))
    ln = keras.layers.LayerNormalization(axis=[1, 2], epsilon=0.01)
    x = tf.Variable(np.array([[[1.0, 2.0], [4.0, -1.0]], [[0.5, 0.5], [3.0, 1.0]]], np.float32))
    ln.build(x.shape)
    ln.set_weights([np.array([[1.0, 2.0], [0.5, -1.0]], np.float32),
                    np.array([[0.1, 0.0], [0.0, 0.2]], np.float32)])
    with tf.GradientTape() as tape:
        y = ln(x)
        loss = tf.reduce_sum(y * y * [1.0, 3.0])
    grads = tape.gradient(loss, [x] + ln.trainable_variables)
    np.testing.assert_allclose(y.numpy(), [[[-0.17692440748214722, 0.5538487434387207],
                                            [0.6923109889030457, 1.5846221446990967]],
                                           [[-0.6242067813873291, -1.448413610458374],
                                            [0.8449079394340515, 0.4414023160934448]]], rtol=1e-6)
    np.testing.assert_allclose(grads[0].numpy(), [[[0.769235372543335, 3.41447114944458],
                                                   [-2.3465237617492676, -1.8371829986572266]],
                                                  [[6.4470977783203125, -9.130637168884277],
                                                   [-0.5983505249023438, 3.281888961791992]]],
                               rtol=1e-5)
    np.testing.assert_allclose(grads[1].numpy(), [[1.0020989179611206, 7.213951110839844],
                                                  [4.772655487060547, -13.803948402404785]],
                               rtol=1e-5)
    np.testing.assert_allclose(grads[2].numpy(), [[-1.6022623777389526, -5.367388725280762],
                                                  [3.0744378566741943, 12.156146049499512]],
                               rtol=1e-5)
    assert [v.name.split("/")[-1] for v in ln.weights] == ["gamma:0", "beta:0"]


def test_softmax_and_activation_layers_keep_the_logits():
    # TensorFlow 2.21: 26.75 through the Softmax layer's logits, 15.156732 through
    # Activation('sigmoid')'s, as for the activation functions
    x = tf.Variable([[1.0, 30.0, -20.0], [25.0, -30.0, 0.5]])
    loss = L.CategoricalCrossentropy()([[1., 0., 0.], [0., 0., 1.]], keras.layers.Softmax()(x))
    np.testing.assert_allclose(loss.numpy(), 26.75, rtol=1e-6)
    x = tf.constant([[30.0, -2.0], [20.0, -40.5]])
    loss = L.BinaryCrossentropy()([[1., 0.], [0., 1.]], keras.layers.Activation("sigmoid")(x))
    np.testing.assert_allclose(loss.numpy(), 15.156732, rtol=1e-6)
    # TensorFlow 2.21: ReLU(max_value=1, negative_slope=0.1, threshold=0.5)
    got = keras.layers.ReLU(1.0, 0.1, 0.5)(tf.constant([[-1.0, 0.2, 0.7, 3.0]]))
    np.testing.assert_allclose(got.numpy(), [[-0.15, -0.03, 0.7, 1.0]], rtol=1e-6)


def test_dense_promotes_integer_inputs():
    # TensorFlow 2.21: [[3., 3.]] and [[1., 1.]], float32
    dense = keras.layers.Dense(2, kernel_initializer="ones")
    got = dense(tf.constant([[1, 2]], dtype=tf.int64))
    assert got.dtype == tf.float32
    np.testing.assert_array_equal(got.numpy(), [[3.0, 3.0]])
    np.testing.assert_array_equal(dense(np.array([[True, False]])).numpy(), [[1.0, 1.0]])


def test_identity_and_orthogonal_initializers():
    # TensorFlow 2.21: eye(2, 3) * gain; a rank other than 2 raises ValueError
    np.testing.assert_array_equal(keras.initializers.Identity(gain=2.0)((2, 3)).numpy(),
                                  [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    with pytest.raises(ValueError, match="2D matrices"):
        keras.initializers.Identity()((2, 3, 3))
    q = keras.initializers.Orthogonal(gain=2.0, seed=1)((5, 3)).numpy()
    np.testing.assert_allclose(q.T @ q, 4.0 * np.eye(3), atol=1e-5)
    assert keras.initializers.Orthogonal(seed=1)((2, 3, 4)).shape == (2, 3, 4)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        keras.initializers.Orthogonal()((3,))
    assert type(keras.initializers.get("orthogonal")).__name__ == "Orthogonal"


@pytest.mark.parametrize("make, args, first, second", [
    # TensorFlow 2.21's results after one batch, then the same batch weighted [1, 2, 0, 0.5]
    (lambda: keras.metrics.Accuracy(), ([[1], [2], [3], [4]], [1, 0, 3, 4]), 0.75, 0.6000000238418579),
    (lambda: keras.metrics.BinaryAccuracy(threshold=0.3), None, 0.7500000596046448, 0.6666666865348816),
    (lambda: keras.metrics.MeanSquaredError(), None, 0.13833333551883698, 0.164000004529953),
    (lambda: keras.metrics.MeanAbsoluteError(), None, 0.30000001192092896, 0.324444442987442),
    (lambda: keras.metrics.RootMeanSquaredError(), None, 0.37193191051483154, 0.40496912598609924),
    (lambda: keras.metrics.CategoricalCrossentropy(label_smoothing=0.1), None,
     0.8426599502563477, 0.9028061032295227),
    (lambda: keras.metrics.SparseCategoricalCrossentropy(), (np.array([1, 0, 2, 2]), None),
     4.514009475708008, 3.8328232765197754),
    (lambda: keras.metrics.BinaryCrossentropy(), None, 0.4169079661369324, 0.47027358412742615),
])
def test_more_metrics(make, args, first, second):
    y_true = np.array([[0., 1., 0.], [1., 0., 0.], [0., 0., 1.], [0, 1, 0]], np.float32)
    y_pred = np.array([[0.1, 0.8, 0.1], [0.3, 0.6, 0.1], [0.2, 0.2, 0.6], [0.5, 0.5, 0.0]],
                      np.float32)
    args = (y_true, y_pred) if args is None else (args[0], y_pred if args[1] is None else args[1])
    metric = make()
    metric.update_state(*args)
    np.testing.assert_allclose(float(metric.result()), first, rtol=1e-6)
    metric.update_state(*args, sample_weight=[1., 2., 0., 0.5])
    np.testing.assert_allclose(float(metric.result()), second, rtol=1e-6)
    assert metric.result().dtype == tf.float32


def test_average_pooling_layers():
    # TensorFlow 2.21's output and gradient (loss sum(y**2)), and the global mean
    x = tf.Variable(np.arange(40, dtype=np.float32).reshape(2, 4, 5, 1) ** 1.5 / 10)
    with tf.GradientTape() as tape:
        y = keras.layers.AveragePooling2D(3, strides=2, padding="same")(x)
        loss = tf.reduce_sum(y * y)
    np.testing.assert_allclose(y.numpy()[0, :, :, 0], [
        [1.5830488204956055, 2.108815908432007, 2.7013156414031982],
        [4.75501012802124, 5.589743137359619, 6.461049556732178]], rtol=1e-6)
    row = [0.5276829600334167, 0.9963086843490601, 0.4686257541179657, 1.3690643310546875,
           0.9004385471343994]
    np.testing.assert_allclose(tape.gradient(loss, x).numpy()[0, :, :, 0], [
        row, row, [2.9051880836486816, 5.237061500549316, 2.3318734169006348, 6.462837219238281,
                   4.130963325500488],
        [2.37750506401062, 4.240752696990967, 1.8632477521896362, 5.0937724113464355,
         3.230524778366089]], rtol=1e-6)
    got = keras.layers.GlobalAveragePooling2D(keepdims=True)(x)
    np.testing.assert_allclose(got.numpy(), [[[[3.356769561767578]]], [[[16.253177642822266]]]],
                               rtol=1e-6)


def test_dropout_of_rate_one_gives_zeros_and_no_gradient():
    # TensorFlow 2.21: [[0., 0.]] and a None gradient
    x = tf.Variable([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        y = keras.layers.Dropout(1.0)(x, training=True)
    np.testing.assert_array_equal(y.numpy(), [[0.0, 0.0]])
    assert tape.gradient(tf.reduce_sum(y), x) is None


def test_a_tensor_learning_rate_is_refused():
    # TensorFlow 2.21: ValueError (a Variable's later values would be ignored)
    with pytest.raises(ValueError, match="learning_rate"):
        keras.optimizers.SGD(tf.Variable(0.1))
    with pytest.raises(ValueError, match="learning_rate"):
        keras.optimizers.Adam(tf.constant(0.1))


def test_focal_crossentropies():
    # TensorFlow 2.21's values and gradients; from logits the binary one takes the
    # sigmoid's logits for its cross-entropy, as Keras does
    x = tf.Variable([[30.0, -2.0], [20.0, -40.5]])
    y = tf.constant([[1., 0.], [0., 1.]])
    with tf.GradientTape() as tape:
        loss = L.BinaryFocalCrossentropy(from_logits=True)(y, x)
    np.testing.assert_allclose(loss.numpy(), 15.12545108795166, rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(),
                               [[0.0, 0.0012177347671240568], [0.25, -0.25]], rtol=1e-6)
    with tf.GradientTape() as tape:
        loss = L.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=1.5,
                                         label_smoothing=0.1, from_logits=True)(y, x)
    np.testing.assert_allclose(loss.numpy(), 5.6417131423950195, rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(),
                               [[3.8432423025369644e-05, 0.003094470128417015],
                                [0.15943622589111328, -0.06047581136226654]], rtol=1e-5)
    z = tf.Variable([[1.0, 3.0, -2.0], [2.5, -3.0, 0.5]])
    with tf.GradientTape() as tape:
        loss = L.CategoricalFocalCrossentropy(from_logits=True, alpha=0.5, gamma=1.0,
                                              label_smoothing=0.2)(
            tf.constant([[0., 1., 0.], [1., 0., 0.]]), z)
    np.testing.assert_allclose(loss.numpy(), 0.24821530282497406, rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, z).numpy(), [
        [-0.008460324257612228, 0.025013409554958344, -0.016553085297346115],
        [0.02518068626523018, -0.016630787402391434, -0.00854989979416132]], rtol=1e-5)


def test_msle_of_float16_computes_in_float32():
    # TensorFlow 2.21: Keras' epsilon is a float32 tensor, so float16 promotes:
    # [0.009761091321706772, 0.32030192017555237], float32
    got = L.msle(tf.constant(np.array([[0., 1., 0.], [1., 0., 0.]], np.float16)),
                 tf.constant(np.array([[0.1, 0.8, 0.1], [0.0, 1.0, 0.0]], np.float16)))
    assert got.dtype == tf.float32
    np.testing.assert_allclose(got.numpy(), [0.009761091321706772, 0.32030192017555237], rtol=1e-6)


def test_sparse_crossentropy_ignore_class():
    # TensorFlow 2.21: the ignored samples count 0 and the mean is over the others;
    # with sample weights, 1.8693369626998901 ('sum_over_batch_size') and
    # 0.9346684813499451 ('mean_with_sample_weight')
    z = tf.Variable([[1.0, 3.0, -2.0], [2.5, -3.0, 0.5], [0.2, 0.1, 0.0], [1.0, 1.0, 4.0]])
    labels = tf.constant([1, 255, 2, 255])
    with tf.GradientTape() as tape:
        loss = L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=255)(labels, z)
    np.testing.assert_allclose(loss.numpy(), 0.6673941016197205, rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, z).numpy(), [
        [0.05924979969859123, -0.06219970062375069, 0.0029498999938368797], [0.0, 0.0, 0.0],
        [0.18358269333839417, 0.1661124974489212, -0.34969520568847656], [0.0, 0.0, 0.0]],
        rtol=1e-5, atol=1e-7)
    weights = tf.constant([1., 2., 3., 4.])
    got = L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=255)(
        labels, z, sample_weight=weights)
    np.testing.assert_allclose(got.numpy(), 1.8693369626998901, rtol=1e-6)
    got = L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=255,
                                          reduction="mean_with_sample_weight")(
        labels, z, sample_weight=weights)
    np.testing.assert_allclose(got.numpy(), 0.9346684813499451, rtol=1e-6)
    got = L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=255, reduction="none")(
        labels, z)
    np.testing.assert_allclose(got.numpy(), [0.13284526765346527, 0.0, 1.2019429206848145, 0.0],
                               rtol=1e-6)
