"""The "TensorFlow basics" guide (site/en/guide/basics.ipynb), its code cells
adapted: the random data is NumPy's with a fixed seed and ``tf.data`` is a
list of batches.  Expected values are TensorFlow 2.21's, typed from its output."""
import numpy as np
import pytest

import gradtape as tf


def test_tensors():
    # TensorFlow 2.21's values and printouts
    x = tf.constant([[1., 2., 3.], [4., 5., 6.]])
    assert str(x.dtype) == "<dtype: 'float32'>"
    np.testing.assert_array_equal((x @ tf.transpose(x)).numpy(), [[14., 32.], [32., 77.]])
    assert tf.concat([x, x, x], axis=0).shape == (6, 3)
    # TensorFlow: [0.09003057, 0.24472848, 0.66524094] (NumPy's exp rounds the middle one down)
    np.testing.assert_allclose(tf.nn.softmax(x, axis=-1).numpy()[0],
                               [0.09003057, 0.24472848, 0.66524094], rtol=2e-7)
    assert tf.reduce_sum(x).numpy() == 21.0
    assert tf.reduce_sum([1, 2, 3]).numpy() == 6
    assert tf.reduce_sum([1, 2, 3]).dtype == tf.int32
    assert not tf.config.list_physical_devices("GPU")


def test_variables_and_a_gradient():
    # TensorFlow 2.21's values
    var = tf.Variable([0.0, 0.0, 0.0])
    np.testing.assert_array_equal(var.assign([1, 2, 3]).numpy(), [1., 2., 3.])
    np.testing.assert_array_equal(var.assign_add([1, 1, 1]).numpy(), [2., 3., 4.])
    x = tf.Variable(1.0)

    def f(x):
        return x**2 + 2*x - 5
    assert f(x).numpy() == -2.0
    with tf.GradientTape() as tape:
        y = f(x)
    assert tape.gradient(y, x).numpy() == 4.0


def test_a_function_traces_once_per_signature(capsys):
    # TensorFlow 2.21: "Tracing." for the int32 call and again for the float32 one
    @tf.function
    def my_func(x):
        print('Tracing.\n')
        return tf.reduce_sum(x)
    assert my_func(tf.constant([1, 2, 3])).numpy() == 6
    assert my_func(tf.constant([10, 9, 8])).numpy() == 27
    out = my_func(tf.constant([10.0, 9.1, 8.2], dtype=tf.float32))
    assert out.dtype == tf.float32 and out.numpy() == np.float32(27.3)
    assert capsys.readouterr().out.count("Tracing.") == 2


def test_a_module_with_a_function_and_no_saved_model():
    class MyModule(tf.Module):
        def __init__(self, value):
            self.weight = tf.Variable(value)

        @tf.function
        def multiply(self, x):
            return x * self.weight
    mod = MyModule(3)
    # TensorFlow 2.21's values
    np.testing.assert_array_equal(mod.multiply(tf.constant([1, 2, 3])).numpy(), [3, 6, 9])
    with pytest.raises(AttributeError, match="saved_model is not implemented in gradtape"):
        tf.saved_model.save(mod, "./saved")


class _Quadratic(tf.Module):
    def __init__(self):
        rand_init = tf.constant([1.5, 3.0, 4.0])  # the guide draws these at random
        self.w_q = tf.Variable(rand_init[0])
        self.w_l = tf.Variable(rand_init[1])
        self.b = tf.Variable(rand_init[2])

    @tf.function
    def __call__(self, x):
        return self.w_q * (x**2) + self.w_l * x + self.b


def test_the_training_loop():
    x = tf.cast(tf.linspace(-2, 2, 201), tf.float32)

    def f(x):
        return x**2 + 2*x - 5
    y = f(x) + tf.constant(np.random.default_rng(1).normal(size=201).astype(np.float32))
    quad_model = _Quadratic()

    def mse_loss(y_pred, y):
        return tf.reduce_mean(tf.square(y_pred - y))
    perm = np.random.default_rng(2).permutation(201)
    xs, ys = x.numpy()[perm], y.numpy()[perm]
    dataset = [(tf.constant(xs[i:i + 32]), tf.constant(ys[i:i + 32])) for i in range(0, 201, 32)]
    printed = []
    for epoch in range(100):
        for x_batch, y_batch in dataset:
            with tf.GradientTape() as tape:
                batch_loss = mse_loss(quad_model(x_batch), y_batch)
            grads = tape.gradient(batch_loss, quad_model.variables)
            for g, v in zip(grads, quad_model.variables):
                v.assign_sub(0.01 * g)
        loss = mse_loss(quad_model(x), y)
        if epoch % 10 == 0:
            printed.append(f"{loss.numpy():0.3f}")
    # TensorFlow 2.21's printout and final variables (b, w_l, w_q: sorted by attribute name)
    assert printed == ["46.264", "8.588", "3.587", "1.839", "1.223", "1.004", "0.925",
                       "0.896", "0.885", "0.881"]
    np.testing.assert_allclose([v.numpy() for v in quad_model.variables],
                               [-5.0711455, 1.9658688, 0.96507037], rtol=1e-6)


def test_keras_fit_as_in_the_guide():
    # the guide's Sequential model trained with compile/fit, from zero weights on the
    # noise-free data, without shuffling: TensorFlow 2.21's losses and weights
    x = tf.linspace(-2.0, 2.0, 201)
    y = x**2 + 2 * x - 5
    new_model = tf.keras.Sequential([
        tf.keras.layers.Lambda(lambda x: tf.stack([x, x**2], axis=1)),
        tf.keras.layers.Dense(units=1, kernel_initializer="zeros")])
    assert new_model(tf.constant([0.0, 1.0, 2.0, 3.0])).shape == (4, 1)  # TensorFlow: (4, 1)
    new_model.compile(loss=tf.keras.losses.MSE,
                      optimizer=tf.keras.optimizers.SGD(learning_rate=0.01))
    history = new_model.fit(x, y, epochs=5, batch_size=32, verbose=0, shuffle=False)
    np.testing.assert_allclose(history.history["loss"],
                               [18.31026, 13.56621, 10.5465, 8.52189, 7.10214], rtol=1e-5)
    kernel, bias = (w.numpy().ravel() for w in new_model.weights)
    np.testing.assert_allclose(kernel, [1.6060646772384644, -0.18780772387981415], rtol=1e-6)
    np.testing.assert_allclose(bias, [-1.350135326385498], rtol=1e-6)
