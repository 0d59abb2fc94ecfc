"""TensorFlow's forward-mode tests (``tensorflow/python/eager/forwardprop_test.py``),
rewritten for gradtape: the same programs and TensorFlow 2.21's numbers, ``None``s
and errors, in eager mode.

``_check_jacobians`` is that file's gradient check: the Jacobians of ``f`` and of
its gradients up to ``order`` by central differences (``tf.test.compute_gradient``),
in reverse mode (tapes) and in forward mode (one accumulator per column) agree.

Not ported, because they cannot apply to an eager NumPy library:

* internal APIs: ``testJVPFunction`` (``_jvp_dispatch``),
  ``testJVPFunctionUsedByAccumulatorForOps`` (``TFE_Py_RegisterJVPFunction``),
  ``testPushPopAccumulatorState`` (``forwardprop_util.push_forwardprop_state``),
  ``testShouldRecordAndStopRecord``, ``testRecordingSelectively``,
  ``testRecordingWithJVPIndices``, ``testSpecialForwardFunctionUsed``
  (``tape.should_record_backprop``, ``record_operation_*``); the ``acc._watch`` half of
  ``testMultipleWatchesAdd``, the ``pack_tangents`` half of ``testJVPPacking`` and the
  ``should_record_backprop`` checks of ``testForwardOverBackwardMemoryEfficiency``
  (their public halves are here);
* ``tf.compat.v1``: ``testFusedBatchNormGradsTraining``, ``testFusedBatchNormGradsInference``
  (``fused_batch_norm`` is only in ``tf.compat.v1.nn``);
* ``tf.distribute``: ``testMirroredVariableWatched``.
"""
import functools
import gc
import weakref

import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

from ._tapes import close as _close, grad_of as _grad


_X11_35_DERIVATIVES = [1.1 ** 3.5, 3.5 * 1.1 ** 2.5, 3.5 * 2.5 * 1.1 ** 1.5,
                       3.5 * 2.5 * 1.5 * 1.1 ** 0.5]


def _jvp(f, primals, tangents):
    """``f(*primals)`` and its Jacobian times ``tangents`` (zeros if unconnected)."""
    with tf.autodiff.ForwardAccumulator(primals, tangents) as acc:
        primals_out = f(*primals)
    return primals_out, acc.jvp(primals_out, unconnected_gradients=tf.UnconnectedGradients.ZERO)


def _jacfwd(f, primals):
    """``f``'s Jacobian with respect to each of ``primals``, one forward pass a column."""
    flat = tf.nest.flatten(primals)
    jacobians = []
    for i, primal in enumerate(flat):
        size = int(tf.size(primal))
        columns = []
        for k in range(size):
            tangents = [tf.zeros_like(p) for p in flat]
            tangents[i] = tf.reshape(tf.one_hot(k, size, dtype=primal.dtype), tf.shape(primal))
            _, jvp = _jvp(f, primals, tf.nest.pack_sequence_as(primals, tangents))
            columns.append(tf.reshape(jvp, [-1]))
        jacobians.append(tf.stack(columns, axis=1))
    return jacobians


def _check_jacobians(f, primals, order, delta=1e-3, rtol=1e-2, atol=1e-6, exact=1e-6):
    """Numerical, reverse and forward Jacobians of ``f`` and its gradients agree
    (the last two to ``exact``: float32 rounding differs by the order of the ops)."""
    if order > 1:
        _check_jacobians(_grad(f), primals, order - 1, delta, rtol, atol, exact)
    back, numerical = tf.test.compute_gradient(f, primals, delta=delta)
    _close(back, numerical, rtol=rtol, atol=atol)
    forward = _jacfwd(f, primals)
    _close(forward, numerical, rtol=rtol, atol=atol)
    _close(back, forward, rtol=exact, atol=exact)


def _hvp(f, primals, tangents):
    """The forward-over-back Hessian-vector product of the scalar ``f``."""
    with tf.autodiff.ForwardAccumulator(primals, tangents) as acc:
        with tf.GradientTape() as tape:
            tape.watch(primals)
            f_out = f(*primals)
            f_out.shape.assert_is_compatible_with([])
        return acc.jvp(tape.gradient(f_out, primals))


def _vectorize_parameters(f, params, use_pfor, dtype):
    """``f`` of each one-hot tangent over all of ``params``, stacked."""
    sizes = [tf.size(p) for p in params]
    total = tf.add_n(sizes)

    def one(index):
        pieces = tf.split(tf.one_hot(index, total), sizes)
        return f([tf.reshape(v, tf.shape(p)) for p, v in zip(params, pieces)])

    if use_pfor:
        return tf.vectorized_map(one, tf.range(total))
    return tf.map_fn(one, tf.range(total), dtype)


def _forward_over_back_hessian(f, params, use_pfor, dtype=None):
    return _vectorize_parameters(functools.partial(_hvp, f, params), params,
                                 use_pfor=use_pfor, dtype=dtype)


# -- accumulators -----------------------------------------------------------------

def test_jvp_of_new_shapes_each_time():
    for size in range(8):
        x = tf.zeros([size])
        with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
            y = x + x
        _close(acc.jvp(y), 2. * np.ones(size))


def test_primal_listed_twice_is_an_error():
    x = tf.constant(-2.)
    with pytest.raises(ValueError, match="multiple times"):
        with tf.autodiff.ForwardAccumulator([x, x], [1., 2.]):
            pass
    with tf.autodiff.ForwardAccumulator([x], [3.]) as acc:
        _close(acc.jvp(x), 3.)
        y = tf.constant(3.) * x
    _close(acc.jvp(y), 9.)


def test_reenter():
    x = tf.constant(-2.)
    with tf.autodiff.ForwardAccumulator(x, 1.5) as acc:
        _close(acc.jvp(x), 1.5)
        y = 4. * x
        _close(acc.jvp(y), 6.)
        with pytest.raises(ValueError, match="already recording"):
            with acc:
                pass
    z = 4. * x
    assert acc.jvp(z) is None
    with acc:
        yy = y * y
    _close(acc.jvp(yy), 6. * -8. * 2.)


def test_dead_tensors_and_their_tangents_are_freed():
    x = tf.ones([100])
    x_weak = weakref.ref(x)
    grad_tensor = tf.constant(tf.zeros([100]))
    grad_tensor_weak = weakref.ref(grad_tensor)
    with tf.autodiff.ForwardAccumulator(x, grad_tensor) as acc:
        derived_tensor = tf.constant(2.) * x
        del grad_tensor
        _close(acc.jvp(x), np.zeros(100))
        del x
        gc.collect()
        assert x_weak() is None
        assert grad_tensor_weak() is None
        derived_tensor_weak = weakref.ref(derived_tensor)
        derived_tensor_grad = acc.jvp(derived_tensor)
        derived_tensor_grad_weak = weakref.ref(derived_tensor_grad)
        del derived_tensor
        del derived_tensor_grad
        gc.collect()
        assert derived_tensor_weak() is None
        assert derived_tensor_grad_weak() is None


def test_jvp_of_sin():
    primal, tangent = _jvp(tf.sin, (tf.constant(0.1),), (tf.constant(0.2),))
    _close(primal, np.sin(np.float32(0.1)))
    _close(tangent, np.cos(np.float32(0.1)) * np.float32(0.2))


def test_numeric_higher_order():
    def f(x):
        pointwise = tf.sin(x) * tf.tan(x)
        return tf.reduce_prod(pointwise + tf.reduce_sum(pointwise), axis=1)

    # third derivatives of about 5000: reverse and forward mode round apart by 2e-5
    _check_jacobians(f, [tf.constant([[2.0, 3.0], [1.0, 4.0]])], order=3, exact=1e-4)
    check_gradients(f, [np.array([[2.0, 3.0], [1.0, 4.0]])], order=3, rtol=1e-4, atol=1e-5)


def test_custom_gradient_with_numpy_forward():
    @tf.custom_gradient
    def f(x):
        def grad(dy):
            return dy * tf.cos(x)
        return np.sin(x.numpy()), grad

    _check_jacobians(f, [tf.constant([1., 2.])], order=3)


def test_recompute_grad():
    @tf.recompute_grad
    def f(x):
        return tf.reduce_prod(tf.tanh(x) ** 2)

    # reverse mode only: TensorFlow's forward mode raises NotImplementedError through
    # recompute_grad, where gradtape gives the JVP (checked by check_gradients)
    g = f
    for _ in range(3):
        back, numerical = tf.test.compute_gradient(g, [tf.constant([1.])], delta=1e-3)
        _close(back, numerical, rtol=1e-2)
        g = _grad(g)
    check_gradients(f, [np.array([1.0, -0.5])], order=3, rtol=1e-4, atol=1e-6)


def test_error_in_grad_fn_is_not_swallowed_by_forward_mode():
    @tf.custom_gradient
    def f(unused_x):
        def grad(unused_dy):
            raise ValueError("test_error_string")
        return 1., grad

    c = tf.constant(1.)
    d = tf.constant(2.)
    with tf.autodiff.ForwardAccumulator(c, d):
        with pytest.raises(ValueError, match="test_error_string"):
            f(c)


@pytest.mark.parametrize("value,op", [(-0.5, tf.nn.elu), ([0.5], tf.nn.elu),
                                      (0.5, tf.nn.swish), ([-0.5], tf.nn.swish)],
                         ids=["EluM5", "EluP5", "SwishP5", "SwishM5"])
def test_elementwise_nn_ops(value, op):
    _check_jacobians(op, [tf.constant(value)], order=3)
    check_gradients(op, [np.asarray(value, np.float64)], order=3)


def _ramp_weights(layer):
    """Weights ``-1, ..., 1`` (TensorFlow's deterministic choice) in each variable."""
    for v in layer.trainable_variables:
        n = int(np.prod(v.shape))
        v.assign(tf.reshape(tf.range(-1., 1., 2. / n, dtype=tf.float32), v.shape))


@pytest.mark.parametrize("value,make_layer,atol", [
    ([[0.1]], functools.partial(tf.keras.layers.Dense, 5), 1e-6),
    (np.reshape(np.arange(start=-1., stop=1., step=2. / (1 * 2 * 4 * 4)), [1, 2, 4, 4]),
     functools.partial(tf.keras.layers.Conv2D, 2, 2), 1e-3)], ids=["Dense", "Conv2D"])
def test_keras_layers(value, make_layer, atol):
    layer = make_layer()
    input_value = tf.constant(value, dtype=tf.float32)
    layer.build(input_value.shape)
    _ramp_weights(layer)
    _check_jacobians(layer, [input_value], atol=atol, order=2)


_BN_INPUTS = [[[0.1], [0.2], [-0.3]], [[[[0.1, 2.]]], [[[0.2, -3.]]], [[[-0.3, 4.]]]]]


@pytest.mark.parametrize("value", _BN_INPUTS, ids=["2d", "4d"])
@pytest.mark.parametrize("training", [True, False])
def test_batch_normalization(value, training):
    layer = tf.keras.layers.BatchNormalization()
    input_value = tf.constant(value, dtype=tf.float32)
    layer.build(input_value.shape)
    _check_jacobians(functools.partial(layer, training=training), [input_value],
                     order=2, atol=1e-3)


@pytest.mark.parametrize("value", _BN_INPUTS, ids=["2d", "4d"])
@pytest.mark.parametrize("training", [True, False])
def test_batch_normalization_parameter_jacobians(value, training):
    layer = tf.keras.layers.BatchNormalization()
    with tf.GradientTape() as tape:
        input_value = tf.constant(value, dtype=tf.float32)
        tape.watch(input_value)
        output = layer(input_value, training=training)
    jac_back = tape.jacobian(output, [input_value] + layer.trainable_variables)
    jac_forward = _jacfwd(lambda *args: layer(args[0], training=training),
                          [input_value] + layer.trainable_variables)
    for backward, forward in zip(jac_back, jac_forward):
        _close(tf.reshape(forward, tf.shape(backward)), backward)


class _Model(tf.Module):
    def __init__(self):
        self._first_dense = tf.keras.layers.Dense(18)
        self._conv = tf.keras.layers.Conv2D(2, 2)
        self._norm = tf.keras.layers.BatchNormalization()
        self._second_dense = tf.keras.layers.Dense(1)

    @property
    def weights(self):
        """The layers' Variables (a Module does not collect Keras layers' weights in
        TensorFlow 2.21 either: TensorFlow's test predates Keras 3)."""
        return [v for layer in (self._first_dense, self._conv, self._norm, self._second_dense)
                for v in layer.trainable_variables]

    def __call__(self, x):
        x = self._first_dense(x)
        x = tf.nn.relu(x)
        x = self._norm(x)
        x = tf.nn.relu(self._conv(tf.reshape(x, [-1, 2, 3, 3])))
        return self._second_dense(x)


@pytest.mark.parametrize("compile", [False, True], ids=["eager", "function"])
def test_hvp_of_variables_forward_over_back_and_back_over_back(compile):
    tf.random.set_seed(1)
    model = _Model()

    def loss():
        input_value = tf.constant([[-0.5, 1.], [0.5, -1.]])
        target = tf.constant([[-1.], [2.]])
        return tf.reduce_sum((model(input_value) - target) ** 2.)

    loss()  # builds the layers

    def compute_hvps():
        with tf.GradientTape() as tape:
            first = loss()
        vector = tape.gradient(first, model.weights)
        forward_over_back_hvp, = _hvp(lambda unused_variables: loss(), [model.weights], [vector])
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(model.weights)
            first = loss()
            first_grads = tape.gradient(first, model.weights)
        back_over_back_hvp = tape.gradient(first_grads, model.weights, output_gradients=vector)
        return forward_over_back_hvp, back_over_back_hvp

    if compile:
        compute_hvps = tf.function(compute_hvps)
    forward, back = compute_hvps()
    assert len(forward) == len(back) == 8
    for f, b in zip(forward, back):
        _close(f, b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("order", range(4))
def test_higher_order_pure_forward(order):
    def forwardgrad(f):
        def compute(primal):
            with tf.autodiff.ForwardAccumulator(primal, tf.constant(1.)) as acc:
                primal_out = f(primal)
            return acc.jvp(primal_out)
        return compute

    f = lambda x: x ** 3.5
    for _ in range(order):
        f = forwardgrad(f)
    _close(f(tf.constant(1.1)), _X11_35_DERIVATIVES[order], rtol=1e-6)


def _derivatives_by_nested_accumulators(f):
    """``f(1.1)``, its first and second derivatives by two accumulators on one
    primal, and the inner JVP of the outer's (None: the inner does not see it)."""
    primal = tf.constant(1.1)
    with tf.autodiff.ForwardAccumulator(primal, tf.constant(1.)) as outer_acc:
        with tf.autodiff.ForwardAccumulator(primal, tf.constant(1.)) as acc:
            primal_out = f(primal)
    inner_jvp = acc.jvp(primal_out)
    return primal_out, inner_jvp, outer_acc.jvp(inner_jvp), acc.jvp(outer_acc.jvp(primal_out))


def _check_x11_35(primal_out, inner_jvp, outer_jvp):
    _close(primal_out, 1.1 ** 3.5)
    _close(inner_jvp, 3.5 * 1.1 ** 2.5)
    _close(outer_jvp, 3.5 * 2.5 * 1.1 ** 1.5)


@pytest.mark.parametrize("compile", [False, True], ids=["eager", "function"])
def test_nested_accumulators_on_one_primal(compile):
    f = lambda x: x ** 3.5
    if compile:
        f = tf.function(f)
    *derivatives, unseen = _derivatives_by_nested_accumulators(f)
    _check_x11_35(*derivatives)
    assert unseen is None


def test_nested_accumulators_on_two_primals():
    two = tf.constant(2.)
    primal_in = tf.constant(1.)
    inner_jvp = tf.constant(3.)
    with tf.autodiff.ForwardAccumulator([primal_in, inner_jvp],
                                        [tf.constant(2.), tf.constant(4.)]) as outer_acc:
        with tf.autodiff.ForwardAccumulator(primal_in, inner_jvp) as inner_acc:
            primal_out = primal_in * two
            _close(inner_acc.jvp(primal_out), 6.)
            _close(outer_acc.jvp(primal_out), 4.)
            _close(outer_acc.jvp(inner_acc.jvp(primal_out)), 8.)


def test_nested_accumulators_inside_a_function():
    @tf.function
    def take_gradients():
        *derivatives, unseen = _derivatives_by_nested_accumulators(
            tf.function(lambda x: x ** 3.5))
        assert unseen is None
        return derivatives

    _check_x11_35(*take_gradients())


def test_function_gradients():
    @tf.function
    def f(x):
        return tf.reduce_prod(tf.tanh(x) ** 2)

    _check_jacobians(f, [tf.constant([1., 2.])], order=3)


def test_jvps_of_two_primals_with_equal_values():
    rng = np.random.default_rng(3)
    m1 = tf.constant(rng.uniform(size=(16, 40)).astype(np.float32))
    m2 = tf.identity(m1)
    tangent1 = tf.constant(rng.uniform(size=(16, 40)).astype(np.float32))
    tangent2 = tf.constant(rng.uniform(size=(16, 40)).astype(np.float32))
    matmul = tf.function(tf.matmul)
    with tf.autodiff.ForwardAccumulator(primals=[m1, m2], tangents=[tangent1, tangent2]) as acc:
        result1 = matmul(m1, m1, transpose_b=True)
        result2 = matmul(m2, m2, transpose_b=True)

    def expected(mat, tangent):
        return tf.matmul(tangent, mat, transpose_b=True) + tf.matmul(mat, tangent, transpose_b=True)

    _close(result1, result2)
    _close(acc.jvp(result1), expected(m1, tangent1), rtol=1e-5)
    _close(acc.jvp(result2), expected(m2, tangent2), rtol=1e-5)


def _tanh_squared_product(x):
    return tf.reduce_prod(tf.tanh(x) ** 2)


def test_hvp_forward_over_back_matches_back_over_back():
    primals = tf.constant([1., 2., 3.])
    tangents = tf.constant([3., 4., 5.])
    eager, = _hvp(_tanh_squared_product, (primals,), (tangents,))
    compiled, = tf.function(_hvp)(_tanh_squared_product, (primals,), (tangents,))
    with tf.GradientTape(persistent=True) as g:
        g.watch(primals)
        with tf.GradientTape() as gg:
            gg.watch(primals)
            out = _tanh_squared_product(primals)
        grad = tf.unstack(gg.gradient(out, primals))
    hessian = tf.stack([g.gradient(grad[i], primals) for i in range(3)], axis=0)
    backback = tf.tensordot(hessian, tangents, axes=1)
    _close(eager, backback, rtol=1e-5)
    _close(compiled, backback, rtol=1e-5)
    _close(backback, [-1.3125436, -0.3138051, -0.06356774], rtol=1e-5)


def test_assign_under_an_accumulator():
    v = tf.Variable(1.)
    with tf.autodiff.ForwardAccumulator(v, 11.):
        v.assign_sub(0.5)
        assert v.numpy() == 0.5


def test_variable_read_in_a_function():
    v = tf.Variable(1.)
    with tf.autodiff.ForwardAccumulator(v, 11.) as acc:
        @tf.function
        def f():
            return v.read_value(), 2. * v.read_value()
        result = f()
        _close(result, (1.0, 2.))
        _close(acc.jvp(result), (11., 22.))


def _tape_and_accumulator(c, forward_prop_first):
    """Nesting decides who sees whom, not the order the two were made in."""
    if forward_prop_first:
        accumulator = tf.autodiff.ForwardAccumulator(c, .1)
        return tf.GradientTape(), accumulator
    tape = tf.GradientTape()
    return tape, tf.autodiff.ForwardAccumulator(c, .1)


@pytest.mark.parametrize("forward_prop_first", [True, False],
                         ids=["ForwardPropFirst", "TapeFirst"])
def test_tape_inside_an_accumulator_does_not_see_its_tangents(forward_prop_first):
    c = tf.constant(1.)
    gradient_tape, forward_accumulator = _tape_and_accumulator(c, forward_prop_first)
    with gradient_tape as tape:
        pass
    with forward_accumulator as acc:
        with gradient_tape as tape:
            tape.watch(c)
            d = tf.cos(c)
            e = tf.cos(acc.jvp(d))
            tf.cos(e)
        assert tape.gradient(acc.jvp(d), c) is None


@pytest.mark.parametrize("forward_prop_first", [True, False],
                         ids=["ForwardPropFirst", "TapeFirst"])
def test_tape_outside_an_accumulator_differentiates_its_tangents(forward_prop_first):
    c = tf.constant(1.)
    gradient_tape, forward_accumulator = _tape_and_accumulator(c, forward_prop_first)
    with gradient_tape as tape:
        with forward_accumulator as acc:
            tape.watch(c)
            d = tf.cos(c)
        _close(tape.gradient(acc.jvp(d), c), -.1 * np.cos(np.float32(1.)))


def test_variable_watched():
    v = tf.Variable([1., 2., 3.])
    with tf.autodiff.ForwardAccumulator(v, tf.constant([.1, -.2, .3])) as acc:
        _close(acc.jvp(v), [.1, -.2, .3])
        x = v * 2.
        _close(acc.jvp(x), [.2, -.4, .6])
        x2 = v + .1
        _close(acc.jvp(x2), [.1, -.2, .3])


def test_unconnected_gradients():
    x = tf.constant(-1.)
    with tf.autodiff.ForwardAccumulator(x, 0.1) as acc:
        _close(acc.jvp(x, unconnected_gradients="zero"), 0.1)
        _close(acc.jvp(x, unconnected_gradients="none"), 0.1)
        y = tf.constant(-2.)
        _close(acc.jvp(y, unconnected_gradients="zero"), 0.0)
        assert acc.jvp(y, unconnected_gradients="none") is None


def test_variable_made_and_watched_inside_a_function():
    class _VariableModel(tf.Module):
        def __init__(self):
            self._v = None

        @tf.function
        def compute_jvps(self):
            if self._v is None:
                self._v = tf.Variable([1., 2., 3.])
            with tf.autodiff.ForwardAccumulator(self._v, tf.constant([.1, -.2, .3])) as acc:
                x = self._v * 2.
                x2 = self._v + .1
            return acc.jvp((self._v, x, x2))

    model = _VariableModel()
    for _ in range(2):
        v_jvp, x_jvp, x2_jvp = model.compute_jvps()
        _close(v_jvp, [.1, -.2, .3])
        _close(x_jvp, [.2, -.4, .6])
        _close(x2_jvp, [.1, -.2, .3])


def test_unused_function_argument():
    v = tf.constant(1.)
    with tf.autodiff.ForwardAccumulator(v, 11.) as acc:
        @tf.function
        def _f(x):
            del x
            return tf.constant(1.)

        result = _f(v)
        _close(result, 1.0)
        assert acc.jvp(result) is None


# -- control flow -----------------------------------------------------------------

@tf.function
def _has_loop(iters, y):
    ret = 0.
    for i in tf.range(iters):
        ret += y * tf.cast(i, tf.float32)
    return ret


@tf.function
def _has_cond(k, y):
    if k > 1:
        ret = 3. * y
    else:
        ret = 0.
    return ret


@tf.function
def _fprop_while(iters, y):
    with tf.autodiff.ForwardAccumulator(y, 1.) as acc:
        ret = 0.
        for i in tf.range(iters):
            ret += y * tf.cast(i, tf.float32)
    return acc.jvp(ret)


@tf.function
def _fprop_cond(k, y):
    with tf.autodiff.ForwardAccumulator(y, 1.) as acc:
        if k > 1:
            ret = 3. * y
        else:
            ret = 0.
    return acc.jvp(ret)


def test_jvp_of_a_function_with_a_loop():
    y = tf.constant(1.)
    with tf.autodiff.ForwardAccumulator(y, 1.) as acc:
        _close(acc.jvp(_has_loop(tf.constant(5), y)), 10.)


_AUTOGRAPH = pytest.mark.xfail(
    strict=True, reason="tf.function runs a Python `if` on a tensor as Python (no autograph): "
    "the branch not depending on y gives a constant (JVP None) or a Python float, where "
    "TensorFlow's tf.cond output depends on y (JVP 0)")


def test_jvp_of_a_function_with_a_cond_taken_branch():
    y = tf.constant(1.)
    with tf.autodiff.ForwardAccumulator(y, 1.) as acc:
        _close(acc.jvp(_has_cond(tf.constant(5), y)), 3.)


@_AUTOGRAPH
def test_jvp_of_a_function_with_a_cond():
    y = tf.constant(1.)
    with tf.autodiff.ForwardAccumulator(y, 1.) as acc:
        _close(acc.jvp(_has_cond(tf.constant(0), y)), 0.)


def test_accumulator_over_a_loop_inside_a_function():
    _close(_fprop_while(tf.constant(5), tf.constant(1.)), 10.)


def test_accumulator_over_a_cond_inside_a_function_taken_branch():
    _close(_fprop_cond(tf.constant(5), tf.constant(1.)), 3.)


@_AUTOGRAPH
def test_accumulator_over_a_cond_inside_a_function():
    _close(_fprop_cond(tf.constant(0), tf.constant(1.)), 0.)


# -- Hessians ---------------------------------------------------------------------

def test_hessian_of_a_quadratic_form():
    rng = np.random.RandomState([1, 2, 3])
    mat_value = rng.randn(4, 4).astype("float32")
    x_value = rng.randn(4).astype("float32")
    hess_value = mat_value + mat_value.T
    mat = tf.Variable(mat_value)

    def _f(x):
        return tf.reduce_sum(x[:, None] * mat * x[None, :])

    x = [tf.constant(x_value)]
    hessian_eager, = _forward_over_back_hessian(_f, x, use_pfor=False, dtype=[tf.float32])
    _close(hessian_eager, hess_value)
    hessian_function, = tf.function(_forward_over_back_hessian)(
        _f, x, use_pfor=False, dtype=[tf.float32])
    _close(hessian_function, hess_value)
    hessian_pfor, = tf.function(_forward_over_back_hessian)(
        _f, x, use_pfor=True, dtype=[tf.float32])
    _close(hessian_pfor, hess_value)


@pytest.mark.parametrize("use_pfor", [True, False], ids=["PFor", "MapFn"])
def test_hessian_of_variables(use_pfor):
    model = tf.keras.layers.Dense(1)
    model.build([2])

    def _loss(*unused_args):
        input_value = tf.constant([[-0.5, 1.], [0.5, -1.]])
        target = tf.constant([[-1.], [2.]])
        return tf.reduce_sum((model(input_value) - target) ** 2.)

    kernel_hess, bias_hess = _forward_over_back_hessian(
        _loss, [model.kernel, model.bias], use_pfor=use_pfor, dtype=[tf.float32, tf.float32])
    assert kernel_hess.shape == (3, 2, 1)
    assert bias_hess.shape == (3, 1)
    full_hessian = tf.concat([tf.reshape(kernel_hess, [3, 2]), bias_hess], axis=1)
    # the loss is quadratic: its Hessian is 2 [x 1]^T [x 1] summed over the batch
    _close(full_hessian, [[1., -2., 0.], [-2., 4., 0.], [0., 0., 4.]])
    _close(full_hessian, tf.transpose(full_hessian))
