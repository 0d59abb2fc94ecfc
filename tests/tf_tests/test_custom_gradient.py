"""The gradient-tape parts of TensorFlow's ``tensorflow/python/ops/gradients_test.py``
(``CustomGradientTest``, ``VariablesGradientTest``, ``GradPassThroughTest``), rewritten
for gradtape: the same programs and TensorFlow 2.21's numbers and errors, eagerly.

Tests TensorFlow writes in graph mode with ``tf.gradients`` whose program runs
eagerly on a tape are ported as tapes (``testCustomGradientTrivial``,
``testCustomGradient``, ``testCustomGradientClass``, ``testCustomGradientErrors``,
``testCustomGradientWithVariables``, ``testCustomGradientWithCapture`` (in a
``tf.function``), ``testCustomGradientWithVariablesNoFalsePositives``,
``testRecursiveCustomGradient``, ``testFnRecompute``, ``testFnRecomputeSameTensor``).

Not ported, because they cannot apply to an eager NumPy library:

* graph mode only or ``tf.compat.v1``: the ``GradientsTest``, ``FunctionGradientsTest``,
  ``StopGradientTest``, ``PreventGradientTest``, ``HessianVectorProductTest``,
  ``HessianTest``, ``IndexedSlicesToTensorTest``, ``OnlyRealGradientsTest``,
  ``ResourceCondTest``, ``GetDependentVariablesTest`` and ``TensorListGradientsTest``
  classes (``tf.gradients`` on graphs, placeholders, ``Defun``, variable scopes),
  ``testCustomGradientErrorsWithNonResourceVariables``, ``testRVGradientsDynamicCond``,
  ``testFnRecomputeWithScopeGradient`` (``variable_scope``), ``test_gradients_v1``;
* ragged and quantized tensors: ``testCustomGradientRaggedTensor``,
  ``testCustomGradientMultipleRaggedTensors``, ``testCustomGradientQuantizedDtypeTraining``.
"""
import numpy as np
import pytest

import gradtape as tf

from ._tapes import close as _close, custom_variable_gradient, grad_of as _grad


# -- custom_gradient ----------------------------------------------------------------

def test_custom_gradient_applied_twice():
    @tf.custom_gradient
    def my_identity(x):
        def grad(dy):
            return [3 * dy]
        return x, grad

    x = tf.constant(3.)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = my_identity(my_identity(x))
    assert tape.gradient(y, x).numpy() == 9.


def test_custom_gradient_of_two_inputs():
    @tf.custom_gradient
    def my_multiply(x1, x2):
        def grad(dy):
            return [dy * x1, dy * x2]  # switched on purpose
        return x1 * x2, grad

    x1, x2 = tf.constant(3.), tf.constant(5.)
    with tf.GradientTape() as tape:
        tape.watch([x1, x2])
        y = my_multiply(x1, x2)
    assert [g.numpy() for g in tape.gradient(y, [x1, x2])] == [3., 5.]


def test_custom_gradient_on_a_method():
    class Model:
        @tf.custom_gradient
        def multiply(self, x1, x2):
            return x1 * x2, lambda dy: (dy * x1, dy * x2)

    x1, x2 = tf.constant(3.), tf.constant(5.)
    with tf.GradientTape() as tape:
        tape.watch([x1, x2])
        y = Model().multiply(x1, x2)
    assert [g.numpy() for g in tape.gradient(y, [x1, x2])] == [3., 5.]


def test_custom_gradient_error_propagates():
    @tf.custom_gradient
    def f(x):
        def grad(_):
            raise RuntimeError("x")
        return x, grad

    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    with pytest.raises(RuntimeError):
        tape.gradient(y, x)


@pytest.mark.parametrize("depth", [1, 2], ids=["once", "inside_another"])
def test_custom_gradient_with_variables(depth):
    layer = tf.keras.layers.Dense(3, use_bias=False)
    f = layer
    for _ in range(depth):
        f = custom_variable_gradient(f, tf.ones((4, 3)))
    x = tf.ones((2, 4))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    dx, dw = tape.gradient(y, [x, layer.kernel])
    assert tf.reduce_sum(dw).numpy() == 12.
    _close(dx, np.tile(np.sum(layer.kernel.numpy(), axis=1), (2, 1)), rtol=1e-6)


def test_custom_gradient_in_a_function_with_a_captured_tensor():
    x = tf.constant(3.)

    @tf.function
    def f(y):
        @tf.custom_gradient
        def my_multiply(x1, x2):
            def grad(dy):
                return [dy * x1, dy * x2]  # switched on purpose
            return x1 * x2, grad

        with tf.GradientTape() as tape:
            tape.watch(y)
            res = my_multiply(x, y)
        return tape.gradient(res, [y])

    assert [g.numpy() for g in f(tf.constant(5.))] == [5.]


def test_custom_gradient_variables_are_only_those_read_inside():
    a = tf.ones((2, 4))
    layers = [tf.keras.layers.Dense(3, use_bias=False) for _ in range(4)]
    b = layers[0](a)
    c = layers[1](b)
    with tf.GradientTape() as tape:
        tape.watch(b)
        x = layers[2](b) + c
        y = custom_variable_gradient(layers[3], tf.ones((3, 3)))(x)
    kernels = [layer.kernel for layer in layers]
    grads = tape.gradient(y, [x] + kernels)
    assert grads[1] is None and grads[2] is None  # read before the tape
    assert all(g is not None for g in [grads[0], grads[3], grads[4]])
    assert tf.reduce_sum(grads[4]).numpy() == 9.


def test_custom_gradient_with_variables_eager():
    layer = tf.keras.layers.Dense(4, use_bias=False)

    @tf.custom_gradient
    def f(x):
        out = layer(x)

        def grad(out_grad, variables=None):
            del out_grad
            assert len(variables) == 1
            return tf.ones((3, 2)), [tf.ones((2, 4))]

        return out, grad

    x = tf.ones((3, 2)) + 2.
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    w, = layer.variables
    dx, dw = tape.gradient(y, [x, w])
    assert tf.reduce_sum(dx).numpy() == 6.
    assert tf.reduce_sum(dw).numpy() == 8.


@pytest.mark.parametrize("anonymous_varargs", [True, False])
def test_custom_gradient_variables_as_keyword_only_argument(anonymous_varargs):
    x_captured = tf.Variable(3.)

    @tf.custom_gradient
    def func_mult(x):
        def actual_grad(dy, variables):
            assert len(variables) == 1 and variables[0] is x_captured
            return 4. * x_captured * dy, [5. * x * dy]

        if anonymous_varargs:
            def grad_mult(dy, *, variables=None):
                return actual_grad(dy, variables)
        else:
            def grad_mult(*dys, variables=None):
                return actual_grad(dys[0], variables)

        return x * x_captured, grad_mult

    x = tf.Variable(6.)
    with tf.GradientTape(persistent=True) as g:
        y = func_mult(x)
    assert g.gradient(y, x).numpy() == 4. * 3.
    assert g.gradient(y, x_captured).numpy() == 5. * 6.


def test_custom_gradient_without_variables_argument_is_an_error():
    v = tf.Variable(2.)

    @tf.custom_gradient
    def f(x):
        return x * v, lambda dy: dy * v

    with tf.GradientTape():
        with pytest.raises(TypeError, match="grad_fn must accept keyword argument 'variables', since function uses variables"):
            f(tf.constant(1.))


def test_custom_gradient_accepts_numpy_inputs():
    @tf.custom_gradient
    def f(x):
        return x, lambda _: (None, None)

    out = f(np.ones((3, 2), dtype=np.float32))
    np.testing.assert_array_equal(out.numpy(), np.ones((3, 2)))


def _zeros(structure):
    return tf.nest.map_structure(lambda _: tf.zeros([], "float32"), structure)


def _shape_of(structure):
    return tf.nest.map_structure(lambda _: None, structure)


_Y_STRUCTS = [[None, ()], (None, (), [], (None, ((), None)))]
_X_STRUCTS = [(None, ()), (((), ()), [None, None], [], (None, ()))]


@pytest.mark.parametrize("y_struct", _Y_STRUCTS)
@pytest.mark.parametrize("x_struct", _X_STRUCTS)
def test_custom_gradient_of_nested_inputs_and_outputs(x_struct, y_struct):
    @tf.custom_gradient
    def f(*x):
        assert _shape_of(x) == x_struct

        def vjp(*dy):
            assert len(tf.nest.flatten(dy)) == len(tf.nest.flatten(y_struct))
            return tf.nest.flatten(_zeros(x_struct))

        return _zeros(y_struct), vjp

    x, dy = _zeros([x_struct, y_struct])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(tf.nest.flatten(x))
        y = f(*x)
    dx = tape.gradient(y, x, output_gradients=dy)
    assert _shape_of(dx) == x_struct
    assert _shape_of(y) == y_struct


# -- recompute_grad -----------------------------------------------------------------

def _gradients_with_and_without_recompute(inputs, fn, sources):
    fn_re = tf.recompute_grad(fn)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(sources)
        out_re = fn_re(inputs, sources)
        out = fn(inputs, sources)
    return tape.gradient(out_re, sources), tape.gradient(out, sources)


def _check_numerically(f, inputs, order, delta=1e-3, rtol=1e-2, atol=1e-6):
    """Reverse-mode Jacobians of ``f`` and its gradients up to ``order`` match
    central differences."""
    if order > 1:
        _check_numerically(_grad(f), inputs, order - 1, delta, rtol, atol)
    back, numerical = tf.test.compute_gradient(f, inputs, delta=delta)
    _close(back, numerical, rtol=rtol, atol=atol)


def test_recompute_grad_keeps_the_function():
    def f(x):
        return 2 * x

    assert tf.recompute_grad(f).__wrapped__ is f


def test_recompute_grad_of_an_empty_input():
    def f(x):
        return 2 * x

    x = tf.constant(())
    _close(_grad(tf.recompute_grad(f))(x), _grad(f)(x))
    f_graph = tf.function(f, input_signature=[tf.TensorSpec(None)])
    got = _grad(tf.recompute_grad(f_graph))(x)
    assert got.shape == (0,) and got.dtype == tf.float32
    _close(got, _grad(f_graph)(x))


@pytest.mark.filterwarnings("ignore:The dtype of the")
def test_recompute_grad_of_inputs_of_different_dtypes():
    def f(x1, x2):
        return 2 * x1, 2 * x2

    x1 = tf.constant(1, dtype=tf.int32)
    x2 = tf.constant(1., dtype=tf.float32)
    want = _grad(f)(x1, x2)
    got = _grad(tf.recompute_grad(f))(x1, x2)
    assert want.dtype == got.dtype == tf.int32
    assert want.numpy() == got.numpy() == 0
    f_graph = tf.function(f, input_signature=[tf.TensorSpec(None, dtype=tf.int32),
                                              tf.TensorSpec(None, dtype=tf.float32)])
    assert _grad(tf.recompute_grad(f_graph))(x1, x2).numpy() == _grad(f_graph)(x1, x2).numpy()


def test_recompute_grad_higher_order():
    @tf.recompute_grad
    def f(x):
        return tf.reduce_prod(tf.tanh(x) ** 2)

    _check_numerically(f, [tf.constant([1.])], order=3)


def test_recompute_grad_of_arguments():
    def fn(inputs, input_vars):
        return inputs * input_vars

    def fn_seq(inputs, input_vars):
        return inputs * input_vars, inputs * input_vars * 2.0

    test_var = tf.Variable(np.ones([10], np.float32), name="test_var")
    test_input = tf.constant(np.ones((10, 10), dtype=np.float32))
    for f in (fn, fn_seq):
        for sources in (test_input, test_var):
            grads_re, grads = _gradients_with_and_without_recompute(test_input, f, sources)
            _close(grads_re, grads)
    grads_re, _ = _gradients_with_and_without_recompute(test_input, fn_seq, test_var)
    _close(grads_re, np.full(10, 30.))


@pytest.mark.parametrize("fn", [lambda x, y: x * y, lambda x, y: x], ids=["mul", "first"])
def test_recompute_grad_of_the_same_tensor_twice(fn):
    x = tf.ones((10))
    grads_re, grads = _gradients_with_and_without_recompute(x, fn, x)
    _close(grads_re, grads)


# -- grad_pass_through ----------------------------------------------------------------

def test_grad_pass_through():
    x = tf.Variable(1.0, name="x")
    z = tf.Variable(3.0, name="z")
    with tf.GradientTape() as tape:
        y = x.assign(z ** 2)
    assert tape.gradient(y, z) is None
    with tf.GradientTape() as tape:
        y = tf.grad_pass_through(x.assign)(z ** 2)
    _close(tape.gradient(y, z), 6.0)
    with tf.GradientTape() as tape:
        y = tf.grad_pass_through(lambda v: x * v)(z)
    assert tape.gradient(y, x) is None
