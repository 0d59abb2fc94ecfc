"""TensorFlow's "Advanced automatic differentiation" guide, cell by cell.

The guide's random inputs and layer weights are drawn here with NumPy from a
fixed seed; every expected value is what TensorFlow 2.21 printed for the same
inputs and weights."""
import numpy as np
import pytest

import gradtape as tf


def _normal(rng, shape):
    return tf.constant(rng.standard_normal(shape).astype(np.float32))


def _dense(rng, units, activation, x):
    """A built Dense layer with weights drawn from ``rng`` (the guide's are random)."""
    layer = tf.keras.layers.Dense(units, activation=activation)
    layer(x)
    for v in layer.trainable_variables:
        v.assign(rng.standard_normal(v.shape).astype(np.float32) * 0.5)
    return layer


def _x_and_y_gradients(record):
    x, y = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as t:
        z = record(t, x, y)
    return t.gradient(z, {'x': x, 'y': y})


def _stop_recording(t, x, y):
    x_sq = x * x
    with t.stop_recording():
        y_sq = y * y
    return x_sq + y_sq


def _reset(t, x, y):
    y_sq = y * y
    t.reset()
    return x * x + y_sq


def _stop_gradient(t, x, y):
    return x**2 + tf.stop_gradient(y**2)


@pytest.mark.parametrize("record", [_stop_recording, _reset, _stop_gradient])
def test_controlling_gradient_recording(record):
    grad = _x_and_y_gradients(record)
    # TensorFlow 2.21: dz/dx: tf.Tensor(4.0, shape=(), dtype=float32), dz/dy: None
    assert str(grad['x']) == "tf.Tensor(4.0, shape=(), dtype=float32)"
    assert grad['y'] is None


@tf.custom_gradient
def clip_gradients(y):
    def backward(dy):
        return tf.clip_by_norm(dy, 0.5)
    return y, backward


def test_custom_gradient_clips_the_intermediate_gradient():
    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        output = clip_gradients(v * v)
    # TensorFlow 2.21: tf.Tensor(2.0, shape=(), dtype=float32)
    assert str(t.gradient(output, v)) == "tf.Tensor(2.0, shape=(), dtype=float32)"


def test_custom_gradient_in_a_module_function_and_saved_model_out_of_scope():
    class MyModule(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec(None)])
        def call_custom_grad(self, x):
            return clip_gradients(x)

    model = MyModule()
    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        output = model.call_custom_grad(v * v)
    assert t.gradient(output, v).numpy() == 2.0   # TensorFlow 2.21: 2.0
    assert model.call_custom_grad(tf.constant([1.0, 2.0])).numpy().tolist() == [1.0, 2.0]
    with pytest.raises(AttributeError, match="saved_model"):
        tf.saved_model.save(model, "saved_model")


def test_multiple_tapes_watch_different_tensors():
    x0, x1 = tf.constant(0.0), tf.constant(0.0)
    with tf.GradientTape() as tape0, tf.GradientTape() as tape1:
        tape0.watch(x0)
        tape1.watch(x1)
        y = tf.math.sin(x0) + tf.nn.sigmoid(x1)
        ys = tf.reduce_sum(y)
    # TensorFlow 2.21: np.float32(1.0) and np.float32(0.25)
    g0, g1 = tape0.gradient(ys, x0).numpy(), tape1.gradient(ys, x1).numpy()
    assert (type(g0), g0, type(g1), g1) == (np.float32, 1.0, np.float32, 0.25)


def test_higher_order_gradients():
    x = tf.Variable(1.0)
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = x * x * x
        dy_dx = t1.gradient(y, x)
    d2y_dx2 = t2.gradient(dy_dx, x)
    assert (dy_dx.numpy(), d2y_dx2.numpy()) == (3.0, 6.0)   # TensorFlow 2.21


def test_input_gradient_regularization():
    rng = np.random.default_rng(1)
    x = _normal(rng, [7, 5])
    layer = _dense(rng, 10, tf.nn.relu, x)
    with tf.GradientTape() as t2:
        with tf.GradientTape(watch_accessed_variables=False) as t1:
            t1.watch(x)
            out = tf.reduce_sum(layer(x)**2)
        g1 = t1.gradient(out, x)
        g1_mag = tf.norm(g1)
    dg1_mag = t2.gradient(g1_mag, layer.trainable_variables)
    # TensorFlow 2.21
    assert repr([var.shape for var in dg1_mag]) == "[TensorShape([5, 10]), TensorShape([10])]"
    np.testing.assert_allclose(g1_mag.numpy(), 14.698486, rtol=1e-6)
    np.testing.assert_allclose(dg1_mag[1].numpy(), [
        1.1277254, 0.2906105, 2.590488, 1.3024118, 0.7330813, 0.8373048, 0.2016953,
        1.8650172, 2.2540855, 0.298361], rtol=1e-6)


def test_jacobian_with_respect_to_a_scalar_source():
    x = tf.linspace(-10.0, 10.0, 200+1)
    delta = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        y = tf.nn.sigmoid(x+delta)
    dy_dx = tape.jacobian(y, delta)
    # TensorFlow 2.21: (201,) twice
    assert (y.shape, dy_dx.shape) == ((201,), (201,))
    assert repr(dy_dx.dtype) == "tf.float32"
    np.testing.assert_allclose(dy_dx.numpy()[95:106], [
        0.235, 0.24026, 0.24446, 0.24752, 0.24938, 0.25, 0.24938, 0.24752, 0.24446,
        0.24026, 0.235], atol=1e-5)


def test_jacobian_with_respect_to_a_kernel_sums_to_the_gradient():
    rng = np.random.default_rng(0)
    x = _normal(rng, [7, 5])
    layer = _dense(rng, 10, tf.nn.relu, x)
    with tf.GradientTape(persistent=True) as tape:
        y = layer(x)
    j = tape.jacobian(y, layer.kernel)
    g = tape.gradient(y, layer.kernel)
    assert (y.shape, layer.kernel.shape, j.shape, g.shape) == (
        (7, 10), (5, 10), (7, 10, 5, 10), (5, 10))   # TensorFlow 2.21
    j_sum = tf.reduce_sum(j, axis=[0, 1])
    delta = tf.reduce_max(abs(g - j_sum)).numpy()
    assert delta < 1e-3   # TensorFlow 2.21: 4.7683716e-07
    assert type(delta) is np.float32


def test_hessian_and_a_newton_step():
    rng = np.random.default_rng(2)
    x = _normal(rng, [7, 5])
    layer1 = _dense(rng, 8, tf.nn.relu, x)
    layer2 = _dense(rng, 6, tf.nn.relu, layer1(x))
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            x = layer1(x)
            x = layer2(x)
            loss = tf.reduce_mean(x**2)
        g = t1.gradient(loss, layer1.kernel)
    h = t2.jacobian(g, layer1.kernel)
    assert f'layer.kernel.shape: {layer1.kernel.shape}' == 'layer.kernel.shape: (5, 8)'
    assert f'h.shape: {h.shape}' == 'h.shape: (5, 8, 5, 8)'   # TensorFlow 2.21
    n_params = tf.reduce_prod(layer1.kernel.shape)
    assert repr(n_params) == "<tf.Tensor: shape=(), dtype=int32, numpy=40>"
    g_vec = tf.reshape(g, [n_params, 1])
    h_mat = tf.reshape(h, [n_params, n_params])
    h_np = h_mat.numpy()
    # TensorFlow 2.21: max 0.43698284, min -0.3219107, symmetric to 3e-8
    np.testing.assert_allclose([h_np.max(), h_np.min()], [0.43698284, -0.3219107], rtol=1e-6)
    assert np.abs(h_np - h_np.T).max() < 1e-7
    np.testing.assert_allclose(g_vec.numpy()[:8, 0], [
        0.0340106, 0., -0.1638354, 0.0197654, 0.1366644, 0.1016675, 0.0244112, -0.0109922],
        atol=1e-7)
    eye_eps = tf.eye(h_mat.shape[0]) * 1e-3
    update = tf.linalg.solve(h_mat + eye_eps, g_vec)
    before = layer1.kernel.numpy().copy()
    _ = layer1.kernel.assign_sub(tf.reshape(update, layer1.kernel.shape))
    # TensorFlow 2.21 (the system's condition number is about 1e3, so float32
    # solvers agree to about 1e-5)
    np.testing.assert_allclose(update.numpy()[:8, 0], [
        -0.1424156, 0., -0.1803994, -0.1671178, 0.2751377, 0.4171436, 0.0614488, -0.2876631],
        atol=3e-5)
    np.testing.assert_allclose(before - layer1.kernel.numpy(),
                               update.numpy().reshape(5, 8), atol=1e-7)


def _batch_jacobians(batch_norm):
    rng = np.random.default_rng(3)
    x = _normal(rng, [7, 5])
    layer1 = _dense(rng, 8, tf.nn.elu, x)
    bn = tf.keras.layers.BatchNormalization()
    layer2 = _dense(rng, 6, tf.nn.elu, layer1(x))
    with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = layer1(x)
        if batch_norm:
            y = bn(y, training=True)
        y = layer2(y)
    return y, tape.jacobian(y, x), tape.batch_jacobian(y, x)


def _as_patches(j):
    j = tf.transpose(j, [1, 0, 3, 2])
    lim = tf.reduce_max(abs(j))
    j = tf.pad(j, [[0, 0], [1, 1], [0, 0], [1, 1]], constant_values=-lim)
    s = j.shape
    return tf.reshape(j, [s[0]*s[1], s[2]*s[3]])


def test_batch_jacobian_of_independent_rows():
    y, j, jb = _batch_jacobians(batch_norm=False)
    assert (y.shape, j.shape, jb.shape) == ((7, 6), (7, 6, 7, 5), (7, 6, 5))   # TensorFlow 2.21
    # TensorFlow 2.21: every (batch, batch) slice is diagonal
    np.testing.assert_allclose(np.diag(j[:, 0, :, 0].numpy()), [
        -0.0335205, 0.0848495, 0.0062625, 0.0632807, 0.009736, -0.0636885, 0.0918341], atol=2e-7)
    assert np.count_nonzero(j[:, 0, :, 0].numpy() - np.diag(np.diag(j[:, 0, :, 0].numpy()))) == 0
    assert _as_patches(j).shape == (54, 45)
    j_sum = tf.reduce_sum(j, axis=2)
    j_select = tf.einsum('bxby->bxy', j)
    assert j_sum.shape == j_select.shape == (7, 6, 5)
    error = tf.reduce_max(abs(jb - j_sum))
    assert error.numpy() == 0.0   # TensorFlow 2.21: 0.0
    np.testing.assert_allclose(jb.numpy()[0, 5], [
        0.6339265, 0.0157373, -1.0406016, -0.3197498, 0.7609875], atol=2e-7)
    np.testing.assert_allclose(jb.numpy()[6, 5], [
        0.510793, -0.1148076, -0.019668, -0.0232885, 0.5024743], atol=2e-7)


def test_batch_jacobian_through_batch_normalization_mixes_rows():
    y, j, jb = _batch_jacobians(batch_norm=True)
    assert (j.shape, jb.shape) == ((7, 6, 7, 5), (7, 6, 5))   # TensorFlow 2.21
    np.testing.assert_allclose(j[:, 0, :, 0].numpy()[1], [
        -0.3030097, -0.1221721, 0.1762716, -0.0411176, 0.1497272, 0.0646809, 0.2063492],
        atol=2e-7)   # TensorFlow 2.21: not diagonal
    np.testing.assert_allclose(jb.numpy()[6, 5], [
        -0.4435703, 0.1980714, -0.0937166, 0.1162896, -0.327315], atol=2e-7)
    np.testing.assert_allclose(tf.reduce_max(abs(jb - tf.einsum('bxby->bxy', j))).numpy(),
                               1.428018, rtol=1e-6)   # TensorFlow 2.21
