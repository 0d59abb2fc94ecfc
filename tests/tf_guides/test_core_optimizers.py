"""The Core APIs optimizers guide (gradient descent, momentum and Adam written
by hand) under gradtape, with 100 iterations instead of 2000.  The optimizers,
the loss ``2x^4 + 3x^3 + 2``, the gradient function and the convergence test
are the guide's.  Every expected value is what TensorFlow 2.21 printed for the
same program."""
import warnings

import numpy as np
import pytest

import gradtape as tf

MAX_ITERS = 100


class GradientDescent(tf.Module):
    def __init__(self, learning_rate=1e-3):
        self.learning_rate = learning_rate
        self.title = f"Gradient descent optimizer: learning rate={self.learning_rate}"

    def apply_gradients(self, grads, vars):
        for grad, var in zip(grads, vars):
            var.assign_sub(self.learning_rate * grad)


class Momentum(tf.Module):
    def __init__(self, learning_rate=1e-3, momentum=0.7):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.change = 0.
        self.title = f"Gradient descent optimizer: learning rate={self.learning_rate}"

    def apply_gradients(self, grads, vars):
        for grad, var in zip(grads, vars):
            curr_change = self.learning_rate * grad + self.momentum * self.change
            var.assign_sub(curr_change)
            self.change = curr_change


class Adam(tf.Module):
    def __init__(self, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, ep=1e-7):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.learning_rate = learning_rate
        self.ep = ep
        self.t = 1.
        self.v_dvar, self.s_dvar = [], []
        self.title = f"Adam: learning rate={self.learning_rate}"
        self.built = False

    def apply_gradients(self, grads, vars):
        if not self.built:
            for var in vars:
                self.v_dvar.append(tf.Variable(tf.zeros(shape=var.shape)))
                self.s_dvar.append(tf.Variable(tf.zeros(shape=var.shape)))
            self.built = True
        for i, (d_var, var) in enumerate(zip(grads, vars)):
            self.v_dvar[i] = self.beta_1 * self.v_dvar[i] + (1 - self.beta_1) * d_var
            self.s_dvar[i] = self.beta_2 * self.s_dvar[i] + (1 - self.beta_2) * tf.square(d_var)
            v_dvar_bc = self.v_dvar[i] / (1 - (self.beta_1 ** self.t))
            s_dvar_bc = self.s_dvar[i] / (1 - (self.beta_2 ** self.t))
            var.assign_sub(self.learning_rate * (v_dvar_bc / (tf.sqrt(s_dvar_bc) + self.ep)))
        self.t += 1.


def loss(x):
    return 2 * (x ** 4) + 3 * (x ** 3) + 2


def grad(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        result = f(x)
    return tape.gradient(result, x)


def convergence_test(optimizer, loss_fn, grad_fn=grad, init_val=2., max_iters=MAX_ITERS):
    """The guide's test; returns what it prints and the parameter path."""
    x_star = tf.Variable(init_val)
    param_path = []
    for iter in range(1, max_iters + 1):
        x_grad = grad_fn(loss_fn, x_star)
        if tf.math.is_nan(x_grad):
            return f"Gradient exploded at iteration {iter}", []
        x_old = x_star.numpy()
        optimizer.apply_gradients([x_grad], [x_star])
        param_path.append(x_star.numpy())
        if x_star == x_old:
            return f"Converged in {iter} iterations", param_path
    return f"Exceeded maximum of {max_iters} iterations. Test terminated.", param_path


def test_the_loss_and_its_gradient():
    x_vals = tf.cast(tf.linspace(-2, 2, 201), tf.float32)
    # TensorFlow 2.21's values
    np.testing.assert_array_equal(loss(x_vals).numpy()[[0, 50, 100, 150, 200]],
                                  [10.0, 1.0, 2.0, 7.0, 58.0])
    np.testing.assert_array_equal(grad(loss, x_vals).numpy()[[0, 50, 100, 150, 200]],
                                  [-28.0, 1.0, 0.0, 17.0, 100.0])
    assert loss(0) == 2 and loss(-9 / 8) == 0.93212890625


# (optimizer, learning rate) -> what TensorFlow 2.21 printed, the first
# parameter values, the last one and the path's length
CASES = {
    (GradientDescent, 1e-3): ("Exceeded", [1.9, 1.8126379, 1.7354214, 1.6665039], 0.47703528, 100),
    (GradientDescent, 1e-2): ("Exceeded", [1.0, 0.83, 0.72225606, 0.6451658], 0.08428005, 100),
    (GradientDescent, 1e-1): ("Gradient exploded at iteration 6", [], None, 0),
    (Momentum, 1e-3): ("Exceeded", [1.9, 1.742638, 1.5628173, 1.3844252], 0.18170202, 100),
    (Momentum, 1e-2): ("Converged in 80 iterations", [1.0, 0.13, -0.48069674, -0.9200947],
                       -1.1249987, 80),
    (Momentum, 1e-1): ("Gradient exploded at iteration 6", [], None, 0),
    (Adam, 1e-3): ("Exceeded", [1.999, 1.998, 1.9970001, 1.9960003], 1.9022396, 100),
    (Adam, 1e-2): ("Exceeded", [1.99, 1.9800037, 1.9700135, 1.9600319], 1.2182425, 100),
    (Adam, 1e-1): ("Exceeded", [1.9, 1.8005775, 1.7021496, 1.605144], -0.011323885, 100),
}


@pytest.mark.parametrize("optimizer,learning_rate", list(CASES))
def test_convergence_paths(optimizer, learning_rate):
    said, first, last, length = CASES[optimizer, learning_rate]
    opt = optimizer(learning_rate=learning_rate)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # the exploding runs overflow
        message, path = convergence_test(opt, loss_fn=loss)
    assert message.startswith(said)
    assert len(path) == length
    if path:
        # float32 powers in another order than TensorFlow's: within a few ulps
        np.testing.assert_allclose(path[:4], first, rtol=2e-7)
        np.testing.assert_allclose(path[-1], last, rtol=1e-6)
    if optimizer is Adam:   # the slots became Tensors: the module tracks no variable
        assert type(opt.v_dvar[0]).__name__ != "Variable"
        assert len(opt.variables) == len(opt.trainable_variables) == 0


def test_the_contour_grid():
    x_vals = tf.cast(tf.linspace(-2, 2, 201), tf.float32)
    t_vals = tf.range(1., MAX_ITERS + 100.)
    t_grid, x_grid = tf.meshgrid(t_vals, x_vals)
    loss_grid = tf.math.log(loss(x_grid))
    assert (t_vals.shape, t_grid.shape) == ((199,), (201, 199))
    assert str(loss_grid.dtype) == "<dtype: 'float32'>"
    np.testing.assert_allclose(loss_grid.numpy()[[0, 100, 200], 0],   # TensorFlow's
                               [2.3025851, 0.6931472, 4.060443], rtol=1e-7)


def test_equality_as_the_convergence_test_uses_it():
    x_star = tf.Variable(2.0)
    assert bool(x_star == x_star.numpy()) and not bool(x_star != np.float32(2.0))
    # TensorFlow 2.21: shapes that do not broadcast give a scalar bool tensor
    # (gradtape gave Python's False/True), None gives Python's False, a ragged
    # list is a ValueError (gradtape answered False)
    a = tf.constant([1.0, 2.0])
    for out, want in ((a == tf.constant([1.0, 2.0, 3.0]), False), (a != np.ones(3), True),
                      (tf.ones((2, 3)) == tf.ones(2), False)):
        assert out.dtype == tf.bool and out.shape == () and bool(out) is want
    assert (a == None) is False and (a != None) is True   # noqa: E711
    with pytest.raises(ValueError):
        a == [[1.0], [2.0, 3.0]]
