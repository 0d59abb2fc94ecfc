"""Every cell of the seed notebook (shared/seed/000_3c3b8d18041fc97d.txt), with
its values, Nones and errors.  Random weights are recomputed with NumPy."""
import numpy as np
import pytest

import gradtape as tf


def test_variable_is_watched_automatically():
    x = tf.Variable(3.0, trainable=True)
    with tf.GradientTape() as tape:
        y = x**2
    dy_dx = tape.gradient(y, x)
    assert repr(dy_dx) == "<tf.Tensor: shape=(), dtype=float32, numpy=6.0>"


@pytest.fixture
def layer():
    tf.random.set_seed(0)
    w = tf.Variable(tf.random.normal((3, 2)), name="weight")
    b = tf.Variable(tf.zeros(2), name="bias")
    x = tf.Variable([[1., 1., 0.]], name="input")
    return w, b, x


def _expected(w, b, x):
    y = x.numpy() @ w.numpy() + b.numpy()
    dy = 2 * y / y.size
    return x.numpy().T @ dy, dy.sum(0), dy


def test_shapes(layer):
    w, b, x = layer
    assert repr((x.shape, w.shape, b.shape)) == \
        "(TensorShape([1, 3]), TensorShape([3, 2]), TensorShape([2]))"


def test_gradient_of_loss_as_dict_and_list(layer):
    w, b, x = layer
    dw, db, _ = _expected(w, b, x)
    with tf.GradientTape() as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y**2)
    grads = tape.gradient(loss, {"w": w, "b": b})
    assert set(grads) == {"w", "b"}
    np.testing.assert_allclose(grads["w"].numpy(), dw, rtol=1e-6)
    np.testing.assert_allclose(grads["b"].numpy(), db, rtol=1e-6)
    assert grads["w"].numpy()[2].tolist() == [0.0, 0.0]
    assert grads["w"].dtype == tf.float32 and grads["w"].shape == (3, 2)
    assert repr(grads["b"]).startswith("<tf.Tensor: shape=(2,), dtype=float32, numpy=array([")

    with tf.GradientTape() as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y**2)
    dloss_dw, dloss_db = tape.gradient(loss, [w, b])
    np.testing.assert_allclose(dloss_dw.numpy(), dw, rtol=1e-6)
    np.testing.assert_allclose(dloss_db.numpy(), db, rtol=1e-6)
    assert [var.name for var in tape.watched_variables()] == ["weight:0", "bias:0", "input:0"]
    shown = repr(tape.watched_variables())
    assert shown.startswith("(<tf.Variable 'weight:0' shape=(3, 2) dtype=float32, numpy=\narray([[")
    assert "<tf.Variable 'bias:0' shape=(2,) dtype=float32, numpy=array([0., 0.], dtype=float32)>" in shown
    assert shown.endswith("<tf.Variable 'input:0' shape=(1, 3) dtype=float32, "
                          "numpy=array([[1., 1., 0.]], dtype=float32)>)")


def test_gradient_of_intermediate_and_second_call_error(layer):
    w, b, x = layer
    _, _, dy = _expected(w, b, x)
    with tf.GradientTape() as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y**2)
    dloss_dy = tape.gradient(loss, y)
    assert dloss_dy.shape == (1, 2)
    np.testing.assert_allclose(dloss_dy.numpy(), dy, rtol=1e-6)
    with pytest.raises(RuntimeError) as err:
        tape.gradient(loss, y)
    assert f"{type(err.value).__name__}: {err.value}" == (
        "RuntimeError: A non-persistent GradientTape can only be used to compute one set "
        "of gradients (or jacobians)")


def test_persistent_tape_gives_gradients_twice(layer):
    w, b, x = layer
    _, _, dy = _expected(w, b, x)
    with tf.GradientTape(persistent=True) as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y**2)
    first = tape.gradient(loss, y)
    second = tape.gradient(loss, y)
    np.testing.assert_allclose(first.numpy(), dy, rtol=1e-6)
    np.testing.assert_array_equal(first.numpy(), second.numpy())


def test_multiple_targets(layer):
    _, _, x = layer
    with tf.GradientTape(persistent=True) as tape:
        y0 = x
        y1 = x**2
    dy1 = tape.gradient(y1, x)
    dy0 = tape.gradient(y0, x)
    assert repr((dy1, dy0, x)) == (
        "(<tf.Tensor: shape=(1, 3), dtype=float32, numpy=array([[2., 2., 0.]], dtype=float32)>, "
        "<tf.Tensor: shape=(1, 3), dtype=float32, numpy=array([[1., 1., 1.]], dtype=float32)>, "
        "<tf.Variable 'input:0' shape=(1, 3) dtype=float32, numpy=array([[1., 1., 0.]], dtype=float32)>)")
    both = tape.gradient({"y0": y0, "y1": y1}, x)
    assert repr(both) == ("<tf.Tensor: shape=(1, 3), dtype=float32, "
                          "numpy=array([[3., 3., 1.]], dtype=float32)>")


def test_non_scalar_target_is_summed(capsys):
    x1 = tf.Variable(2.)
    with tf.GradientTape() as tape:
        y1 = x1 * [3., 4.]
    print(tape.gradient(y1, x1).numpy())
    assert capsys.readouterr().out == "7.0\n"


def test_control_flow(capsys):
    x = tf.Variable(-1.0)
    v0 = tf.Variable(2.0)
    v1 = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        if x > 0.0:
            result = v0
        else:
            result = v1**2
    dv0, dv1 = tape.gradient(result, [v0, v1])
    print(dv0)
    print(dv1)
    assert capsys.readouterr().out == "None\ntf.Tensor(4.0, shape=(), dtype=float32)\n"
    x = tf.Variable(1.0)
    dx = tape.gradient(result, x)
    print(dx)
    assert capsys.readouterr().out == "None\n"


def test_assign_after_recording_does_not_change_gradients(capsys):
    x = tf.Variable(2.0)
    y = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        if x > y:
            z = x ** 2
        else:
            z = y ** 3
    gradients = tape.gradient(z, [x, y])
    print(gradients)
    x.assign(4.0)
    y.assign(5.0)
    gradients_updated = tape.gradient(z, [x, y])
    print(gradients_updated)
    del tape
    line = "[None, <tf.Tensor: shape=(), dtype=float32, numpy=27.0>]\n"
    assert capsys.readouterr().out == line + line


# -- "Cases when gradient returns None" -------------------------------------

def test_none_when_target_not_connected():
    x, y = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = y * y
    assert tape.gradient(z, x) is None


def test_none_when_variable_replaced_by_tensor():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        for _ in range(2):
            y = x * x
            x = x + 1.0  # x is now a Tensor, not the Variable
    assert tape.gradient(y, x) is None


def test_none_when_computation_leaves_for_numpy():
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        x2 = x**2
        y = np.mean(x2, axis=0)
        y = tf.reduce_mean(y, axis=0)
    assert tape.gradient(y, x) is None


def test_none_through_integers():
    x = tf.constant(10)
    with tf.GradientTape() as g:
        with pytest.warns(UserWarning, match="int32"):
            g.watch(x)
        y = x * x
    with pytest.warns(UserWarning, match="int32"):
        assert g.gradient(y, x) is None


def test_none_through_state():
    x0 = tf.Variable(3.0)
    x1 = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        x1.assign_add(x0)  # updating x1 is state: no gradient flows
        y = x1**2
    assert tape.gradient(y, x0) is None
