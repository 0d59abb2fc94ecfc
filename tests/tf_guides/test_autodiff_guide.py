"""TensorFlow's "Introduction to gradients and automatic differentiation" guide:
the cells tests/test_seed_notebook.py does not already hold, and tf.image.adjust_contrast,
which the guide uses for an op with no gradient.  Expected values are TensorFlow 2.21's."""
import numpy as np
import pytest

import gradtape as tf


def test_gradient_structures_follow_the_sources():
    rng = np.random.default_rng(0)
    w = tf.Variable(rng.standard_normal((3, 2)).astype(np.float32), name='w')
    b = tf.Variable(tf.zeros(2, dtype=tf.float32), name='b')
    x = [[1., 2., 3.]]
    with tf.GradientTape(persistent=True) as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y**2)
    [dl_dw, dl_db] = tape.gradient(loss, [w, b])
    assert w.shape == dl_dw.shape == (3, 2)
    grad = tape.gradient(loss, {'w': w, 'b': b})
    # TensorFlow 2.21 (for these weights)
    np.testing.assert_allclose(grad['b'].numpy(), [-0.20043, 1.16248], atol=1e-5)
    np.testing.assert_allclose(dl_dw.numpy(), [[-0.20043, 1.16248], [-0.40087, 2.32496],
                                               [-0.6013, 3.48744]], atol=1e-5)


def test_gradients_with_respect_to_a_layer():
    layer = tf.keras.layers.Dense(2, activation='relu')
    x = tf.constant([[1., 2., 3.]])
    layer(x)
    layer.kernel.assign([[0.5, -0.2], [0.1, 0.3], [0.2, -0.1]])
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(layer(x)**2)
    grad = tape.gradient(loss, layer.trainable_variables)
    # TensorFlow 2.21 (its names are Keras 3's 'kernel' and 'bias': docs/tensorflow.md)
    assert [g.shape for g in grad] == [(3, 2), (2,)]
    np.testing.assert_allclose(grad[0].numpy(), [[1.3, 0.1], [2.6, 0.2], [3.9, 0.3]], rtol=1e-6)
    np.testing.assert_allclose(grad[1].numpy(), [1.3, 0.1], rtol=1e-6)


def test_what_the_tape_watches():
    x0 = tf.Variable(3.0, name='x0')
    x1 = tf.Variable(3.0, name='x1', trainable=False)
    x2 = tf.Variable(2.0, name='x2') + 1.0
    x3 = tf.constant(3.0, name='x3')
    with tf.GradientTape() as tape:
        y = (x0**2) + (x1**2) + (x2**2)
    grad = tape.gradient(y, [x0, x1, x2, x3])
    # TensorFlow 2.21: tf.Tensor(6.0, ...), None, None, None and ['x0:0']
    assert str(grad[0]) == "tf.Tensor(6.0, shape=(), dtype=float32)"
    assert grad[1:] == [None, None, None]
    assert [var.name for var in tape.watched_variables()] == ['x0:0']


def test_watch_accessed_variables_false():
    x0, x1 = tf.Variable(0.0), tf.Variable(10.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x1)
        y = tf.math.sin(x0) + tf.nn.softplus(x1)
        ys = tf.reduce_sum(y)
    grad = tape.gradient(ys, {'x0': x0, 'x1': x1})
    assert grad['x0'] is None   # TensorFlow 2.21: None and 0.9999546
    np.testing.assert_allclose(grad['x1'].numpy(), 0.9999546, rtol=1e-7)


def test_intermediate_results_and_persistent_tapes():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert tape.gradient(z, y).numpy() == 18.0   # TensorFlow 2.21
    x = tf.constant([1, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert tape.gradient(z, x).numpy().tolist() == [4.0, 108.0]   # TensorFlow 2.21
    assert tape.gradient(y, x).numpy().tolist() == [2.0, 6.0]


def test_gradients_of_non_scalar_targets():
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y0 = x**2
        y1 = 1 / x
    # TensorFlow 2.21: 4.0, -0.25, then 3.75 for both as a dict, 7.0 for x * [3., 4.]
    assert (tape.gradient(y0, x).numpy(), tape.gradient(y1, x).numpy()) == (4.0, -0.25)
    assert tape.gradient({'y0': y0, 'y1': y1}, x).numpy() == 3.75
    with tf.GradientTape() as tape:
        y = x * [3., 4.]
    assert tape.gradient(y, x).numpy() == 7.0


def test_elementwise_gradient_of_a_sum():
    x = tf.linspace(-10.0, 10.0, 200+1)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.sigmoid(x)
    dy_dx = tape.gradient(y, x)
    # TensorFlow 2.21
    np.testing.assert_allclose(dy_dx.numpy()[::20], [
        0.00005, 0.00034, 0.00247, 0.01766, 0.10499, 0.25, 0.10499, 0.01766, 0.00247,
        0.00034, 0.00005], atol=5e-6)
    assert np.asarray(dy_dx).dtype == np.float32


def test_python_control_flow():
    x = tf.constant(1.0)
    v0, v1 = tf.Variable(2.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        if x > 0.0:
            result = v0
        else:
            result = v1**2
    dv0, dv1 = tape.gradient(result, [v0, v1])
    # TensorFlow 2.21: tf.Tensor(1.0, ...), None, and None for x
    assert str(dv0) == "tf.Tensor(1.0, shape=(), dtype=float32)" and dv1 is None
    assert tape.gradient(result, x) is None


def test_cases_where_the_gradient_is_none():
    x, y = tf.Variable(2.), tf.Variable(3.)
    with tf.GradientTape() as tape:
        z = y * y
    assert tape.gradient(z, x) is None   # TensorFlow 2.21: None

    x = tf.Variable(2.0)   # 1. a Variable replaced by a tensor
    seen = []
    for epoch in range(2):
        with tf.GradientTape() as tape:
            y = x+1
        seen.append(tape.gradient(y, x))
        x = x + 1
    assert str(seen[0]) == "tf.Tensor(1.0, shape=(), dtype=float32)" and seen[1] is None

    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]], dtype=tf.float32)   # 2. NumPy
    with tf.GradientTape() as tape:
        x2 = x**2
        y = np.mean(x2, axis=0)
        assert type(y) is np.ndarray and y.dtype == np.float32
        y = tf.reduce_mean(y, axis=0)
    assert tape.gradient(y, x) is None

    x = tf.constant(10)   # 3. an integer (TensorFlow warns, and gives None)
    with tf.GradientTape() as g:
        with pytest.warns(UserWarning, match="must be floating"):
            g.watch(x)
        y = x * x
    with pytest.warns(UserWarning, match="must be floating"):
        assert g.gradient(y, x) is None

    x0, x1 = tf.Variable(3.0), tf.Variable(0.0)   # 4. a stateful object
    with tf.GradientTape() as tape:
        x1.assign_add(x0)
        y = x1**2
    assert tape.gradient(y, x0) is None


def test_no_gradient_registered():
    image = tf.Variable([[[0.5, 0.0, 0.0]]])
    delta = tf.Variable(0.1)
    with tf.GradientTape() as tape:
        new_image = tf.image.adjust_contrast(image, delta)
    # TensorFlow 2.21: the image is unchanged (one pixel is its own mean), and
    # LookupError: gradient registry has no entry for: AdjustContrastv2
    assert str(new_image) == "tf.Tensor([[[0.5 0.  0. ]]], shape=(1, 1, 3), dtype=float32)"
    with pytest.raises(LookupError) as info:
        tape.gradient(new_image, [image, delta])
    assert f'{type(info.value).__name__}: {info.value}' == (
        "LookupError: gradient registry has no entry for: AdjustContrastv2")


def test_zeros_instead_of_none():
    x, y = tf.Variable([2., 2.]), tf.Variable(3.)
    with tf.GradientTape() as tape:
        z = y**2
    # TensorFlow 2.21: tf.Tensor([0. 0.], shape=(2,), dtype=float32)
    assert str(tape.gradient(z, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)) == (
        "tf.Tensor([0. 0.], shape=(2,), dtype=float32)")


# --- tf.image.adjust_contrast -------------------------------------------------

_IMAGES = np.arange(24, dtype=np.float32).reshape(2, 2, 2, 3) / 10.0


def test_adjust_contrast_values_and_dtypes():
    # TensorFlow 2.21
    np.testing.assert_allclose(tf.image.adjust_contrast(_IMAGES, 2.0).numpy(), [
        [[[-0.45, -0.35, -0.25], [0.15, 0.25, 0.35]], [[0.75, 0.85, 0.95], [1.35, 1.45, 1.55]]],
        [[[0.75, 0.85, 0.95], [1.35, 1.45, 1.55]], [[1.95, 2.05, 2.15], [2.55, 2.65, 2.75]]]],
        atol=3e-7)
    double = tf.image.adjust_contrast(_IMAGES.astype(np.float64), 0.5)
    assert double.dtype == tf.float64
    np.testing.assert_allclose(double.numpy()[0, 0], [[0.225, 0.325, 0.425],
                                                      [0.375, 0.475, 0.575]], atol=1e-7)
    bytes_ = tf.image.adjust_contrast((_IMAGES * 40).astype(np.uint8), 1.5)
    ints = tf.image.adjust_contrast((_IMAGES * 40).astype(np.int32), 1.5)
    assert (bytes_.dtype, ints.dtype) == (tf.uint8, tf.int32)
    assert bytes_.numpy()[0, 0].tolist() == [[0, 0, 0], [9, 13, 17]]   # clipped at 0
    assert ints.numpy()[0, 0].tolist() == [[-9, -5, -1], [9, 13, 17]]
    np.testing.assert_allclose(tf.image.adjust_contrast(_IMAGES[0], -1.0).numpy()[0],
                               [[0.9, 1.0, 1.1], [0.6, 0.7, 0.8]], atol=2e-7)
    five = np.array([1.0, 2.0, 3.0, 5.0], np.float32).reshape(1, 1, 2, 2, 1)
    np.testing.assert_allclose(tf.image.adjust_contrast(five, 2.0).numpy().ravel(),
                               [-0.75, 1.25, 3.25, 7.25])
    np.testing.assert_allclose(tf.image.adjust_contrast(_IMAGES, 2).numpy()[0, 0, 0],
                               [-0.45, -0.35, -0.25], atol=3e-7)


def test_adjust_contrast_errors():
    # TensorFlow 2.21's error classes
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"at least 3-D, got shape\[2,3\]"):
        tf.image.adjust_contrast(_IMAGES[0, 0], 2.0)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"must be scalar: \[2\]"):
        tf.image.adjust_contrast(_IMAGES, [2.0, 3.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a float tensor"):
        tf.image.adjust_contrast(_IMAGES, tf.constant(2.0, tf.float64))
    with pytest.raises(tf.errors.NotFoundError):
        tf.image.adjust_contrast(_IMAGES.astype(np.float16), 1.5)


def test_adjust_contrast_has_no_gradient_in_either_mode():
    x = tf.constant(_IMAGES)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.image.adjust_contrast(tf.stop_gradient(x), 2.0) + x
        factor = tf.constant(2.0)
        tape.watch(factor)
        z = tf.image.adjust_contrast(_IMAGES, factor)
    # TensorFlow 2.21: ones past a stop_gradient; LookupError for the factor alone
    assert tape.gradient(y, x).numpy().ravel()[:3].tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(LookupError, match="AdjustContrastv2"):
        tape.gradient(z, factor)
    with tf.GradientTape() as tape:
        y = tf.image.adjust_contrast(x, 2.0)   # nothing watched
    assert tape.gradient(y, x) is None
    with pytest.raises(LookupError, match="AdjustContrastv2"):
        with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)):
            tf.image.adjust_contrast(x, 2.0)


def test_adjust_contrast_compiles():
    step = tf.function(lambda images: tf.image.adjust_contrast(images, 2.0))
    for _ in range(2):
        np.testing.assert_allclose(step(tf.constant(_IMAGES)).numpy(),
                                   tf.image.adjust_contrast(_IMAGES, 2.0).numpy())
