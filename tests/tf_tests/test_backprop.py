"""TensorFlow's eager backprop tests (``tensorflow/python/eager/backprop_test.py``),
rewritten for gradtape: the same programs and TensorFlow 2.21's numbers, ``None``s
and errors, in eager mode.

TensorFlow's private helpers (``backprop.gradients_function``, ``implicit_grad``,
``make_vjp``, ``val_and_grad_function``) are written here as the tape programs they
stand for: watch the arguments (or read the Variables), run the function, ask for
the gradient.

Not ported, because they cannot apply to an eager NumPy library:

* graph mode only: ``testGradientInsideLoop``, ``testZerosCacheDoesntLeakAcrossGraphs``,
  ``testUnknownShapes`` (placeholders), ``testNameScope`` (inspects graph ops),
  ``testMaxPooling3DGradient`` (compares only with graph mode's ``tf.gradients``);
* string tensors: ``testTapeGradientStringTarget``,
  ``testTapeNoOpGradientStringSourceAndTarget``,
  ``testTapeNoOpGradientWithMultiTargetMultiSourceIncludeString``;
* GPUs: ``testGPU``, ``testGPUImplicitGrad``, ``testTensorCopyGPU2CPU2GPU``,
  ``testTensorCopyCPU2GPU2CPU``;
* internal APIs: ``testGetAttrType``, ``testGetAttrList``, ``testMakeAttrType``,
  ``testMakeAttrTypeList``, ``testMakeAttrString``, ``testMakeAttrStringList``,
  ``testMakeAttrShape``, ``testMakeAttrShapeList`` (``pywrap_tfe``),
  ``testResourceHandleOutputWithoutHandleData`` (``var_handle_op``),
  ``testInvalidRecordOperationMessage`` (``record.record_operation``),
  ``testSameObjectForMultipleArguments`` and ``testDifferentiatingFunctionThatReturnsNone``
  (behaviour of ``gradients_function`` / ``implicit_val_and_grad`` themselves),
  the ``AggregateIndexedSlicesGradientsTest`` class (``backprop_util``);
* sparse tensors: ``testWatchComposite`` (``SparseTensor``);
* ``JacobianTest.test_nested_jacobian``: TensorFlow skips it in eager mode.
"""
import functools

import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

from ._tapes import close as _close


def _grads(f, *args, output_gradients=None):
    """The gradient of ``f(*args)`` with respect to each argument (all watched)."""
    xs = [tf.convert_to_tensor(a) for a in args]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        out = f(*xs)
    return tape.gradient(out, xs, output_gradients=output_gradients)


def _dense(g):
    return tf.convert_to_tensor(g).numpy()


# -- aggregation of gathers ---------------------------------------------------

_TABLE = np.array([[0.5, 1.0], [1.5, 2.0], [2.5, 3.0], [3.5, 4.0]], np.float32)


def test_aggregate_gradients_of_three_lookups():
    def fn(x):
        g1 = tf.nn.embedding_lookup(x, tf.constant(np.array([0, 1])))
        g2 = tf.nn.embedding_lookup(x, tf.constant(np.array([2, 3])))
        g3 = tf.nn.embedding_lookup(x, tf.constant(np.array([1, 3])))
        return g1 * g2 * g3

    [grad] = _grads(fn, tf.constant(_TABLE))
    assert isinstance(grad, tf.IndexedSlices)
    _close(_dense(grad), [[3.75, 6.0], [13.5, 19.0], [0.75, 2.0], [10.5, 16.0]])


def test_aggregate_gradients_of_lookup_and_dense_sum():
    def fn(x):
        g1 = tf.nn.embedding_lookup(x, tf.constant(np.array([0, 1])))
        g2 = tf.reduce_sum(x * tf.constant(2.0))
        return g1 * g2

    [grad] = _grads(fn, tf.constant(_TABLE))
    assert not isinstance(grad, tf.IndexedSlices)
    _close(grad, [[46.0, 46.0], [46.0, 46.0], [10.0, 10.0], [10.0, 10.0]])


# -- basic tapes ----------------------------------------------------------------

def test_gradient_of_variable_read_through_value():
    x = tf.Variable(tf.constant(1.0), name='x')
    with tf.GradientTape() as tape:
        y = tf.add(tf.add(x.value(), tf.constant(2.0)), tf.constant(3.0))
    [grad] = tape.gradient(y, [x])
    assert grad.numpy() == 1.0
    assert tape.watched_variables()[0] is x


@pytest.mark.parametrize("compile", [False, True], ids=["eager", "function"])
def test_no_op_ops_are_distinct_sources(compile):
    def f(x):
        x1 = tf.identity(x)
        x2 = tf.add(x, 0)
        x3 = tf.subtract(x, 0)
        x4 = tf.multiply(x, 1)
        with tf.GradientTape() as t:
            for s in (x, x1, x2, x3, x4):
                t.watch(s)
            loss = x * 2. + x1 * 3. + x2 * 3. + x3 * 3. + x4 * 3.
        return t.gradient(loss, [x, x1, x2, x3, x4])

    if compile:
        f = tf.function(f)
    _close([g.numpy() for g in f(tf.constant(10.))], [2., 3., 3., 3., 3.])


def test_where_gradient():
    def f(x):
        return tf.where(x < 10, x, x * x)

    assert _grads(f, 5.)[0].numpy() == 1.0
    assert _grads(f, 50.)[0].numpy() == 100.0


def test_two_targets():
    with tf.GradientTape() as t:
        x = tf.constant(3.0)
        y = tf.constant(2.0)
        t.watch([x, y])
        xx = 2 * x
        yy = 3 * y
    dx, dy = t.gradient([xx, yy], [x, y])
    assert (dx.numpy(), dy.numpy()) == (2.0, 3.0)


def test_custom_gradient_returning_no_gradients_is_an_error():
    @tf.custom_gradient
    def identity(x):
        def grad(_):
            return []
        return x, grad

    x = tf.Variable(1.0)
    with tf.GradientTape() as t:
        y = identity(x)
    with pytest.raises(ValueError):
        t.gradient(y, [x])


def test_stop_gradient_hides_ops_downstream():
    @tf.custom_gradient
    def must_not_run_backward(x):
        def grad(_):
            raise AssertionError("the backward function ran behind a stop_gradient")
        return x, grad

    f = tf.function(must_not_run_backward)
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(tf.stop_gradient(x))
    assert tape.gradient(y, x) is None


def test_output_gradients_weight_each_target():
    with tf.GradientTape() as t:
        x = tf.constant(3.0)
        y = tf.constant(2.0)
        t.watch([x, y])
        loss = x * y
    dx, = t.gradient([loss, x], [x], output_gradients=[1.0, 2.0])
    assert dx.numpy() == 4.0


def test_output_gradient_of_identity():
    assert _grads(lambda x: x, 1., output_gradients=2.)[0].numpy() == 2.


@pytest.mark.filterwarnings("ignore:The dtype of the")
def test_integer_source_has_no_gradient():
    assert _grads(lambda x: x + x, tf.constant(1))[0] is None


def test_error_raised_in_grad_fn_propagates():
    @tf.custom_gradient
    def f(x):
        def grad(_):
            raise RuntimeError('x')
        return x, grad

    with pytest.raises(RuntimeError, match='x'):
        _grads(f, tf.constant(1.0))


def test_gradient_computed_inside_custom_gradient_function():
    @tf.custom_gradient
    def f(x):
        (y,) = _grads(lambda x: x * x, x)

        def grad(dy):
            return [2 * dy]

        return y, grad

    assert f(1.0).numpy() == 2.0


def test_gradient_of_embedding_variable_is_indexed_slices_and_sgd_applies_it():
    init = np.random.default_rng(0).uniform(size=(1000, 16)).astype(np.float32)
    embedding = tf.Variable(init, dtype=tf.float32, name='embedding')
    x = tf.ones(8, tf.int64)
    with tf.GradientTape() as tape:
        y = tf.constant(1.0, tf.float32) - tf.nn.embedding_lookup(embedding, x)
    grad = tape.gradient(y, embedding)
    assert isinstance(grad, tf.IndexedSlices)
    np.testing.assert_array_equal(grad.indices.numpy(), [1] * 8)
    np.testing.assert_array_equal(grad.values.numpy(), -np.ones((8, 16), np.float32))
    tf.keras.optimizers.SGD(0.1).apply_gradients([(grad, embedding)])
    want = init.copy()
    want[1] += np.float32(0.1) * 8
    _close(embedding.numpy(), want, rtol=1e-6, atol=1e-6)


def test_watched_variables_in_creation_order():
    v0 = tf.Variable(1.0)
    v1 = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = v1 * v1 + v0 * v0
    vs = tape.watched_variables()
    assert vs[0] is v0 and vs[1] is v1
    _close([g.numpy() for g in tape.gradient(y, list(vs))], [2.0, 4.0])


def test_no_op_gradient():
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x
    assert t.gradient(y, x).numpy() == 1.0


def test_identity_gradient_is_identity():
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.identity(x)
    assert t.gradient(y, x).numpy() == 1.0


def test_gather_of_function_output():
    f = tf.function(lambda x: x + 1)
    with tf.GradientTape() as t:
        x = tf.constant([1.0])
        t.watch(x)
        y = tf.gather(f(x), [0])
    _close(_dense(t.gradient(y, x)), [1.0])


def test_targets_including_the_source():
    x = tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
    assert t.gradient([x, y], x).numpy() == 5.0


def test_same_no_op_target_twice():
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x
    assert t.gradient([y, y], x).numpy() == 2.0


def test_no_op_targets_and_several_sources():
    x = tf.constant(3.0)
    y = tf.constant(5.0)
    with tf.GradientTape() as t:
        t.watch(x)
        t.watch(y)
        z = y * y
    _close([g.numpy() for g in t.gradient([x, y, z], [x, y])], [1.0, 11.0])


def test_variable_read_value_is_identity():
    v0 = tf.Variable(1.0)
    with tf.GradientTape() as t:
        y = v0.read_value()
    assert t.gradient(y, v0).numpy() == 1.0


def test_no_op_gradient_2_by_2():
    a = tf.constant(2.0, shape=[2, 2])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(a)
    np.testing.assert_array_equal(tape.gradient(a, [a])[0].numpy(), np.ones((2, 2)))
    np.testing.assert_array_equal(tape.gradient([a, a], [a])[0].numpy(), 2 * np.ones((2, 2)))


def test_stop_recording():
    with tf.GradientTape() as t:
        x = tf.Variable(1.0)
        with t.stop_recording():
            y = x * x
    assert t.gradient(y, x) is None


def test_stop_and_start_recording():
    with tf.GradientTape(persistent=True) as t:
        x = tf.Variable(1.0)
        x2 = x * 2
        with t.stop_recording():
            y = x2 * x2
        z = x2 * x2
    assert t.gradient(y, x2) is None
    assert t.gradient(z, x2).numpy() == 4.0


def test_reset():
    with tf.GradientTape() as t:
        v = tf.Variable(1.0)
        loss = v * v
        t.reset()
        loss += v * v
    assert t.gradient(loss, v).numpy() == 2.0


def test_python_max_of_variables():
    x = [tf.Variable(2.), tf.Variable(3.), tf.Variable(5.)]
    with tf.GradientTape() as t:
        f = max(x)
    grad = t.gradient(f, x)
    assert f.numpy() == 5.
    assert grad[0] is None and grad[1] is None and grad[2].numpy() == 1.0


def test_watched_variables_follow_reads_and_reset():
    with tf.GradientTape() as t:
        assert len(t.watched_variables()) == 0
        v = tf.Variable(1.0)
        loss = v * v
        assert t.watched_variables() == (v,)
        t.reset()
        assert len(t.watched_variables()) == 0
        loss += v * v
        assert t.watched_variables() == (v,)


def test_watched_variables_follow_watch_and_reset():
    with tf.GradientTape() as t:
        assert len(t.watched_variables()) == 0
        v = tf.Variable(1.0)
        t.watch(v)
        assert t.watched_variables() == (v,)
        t.reset()
        assert len(t.watched_variables()) == 0
        t.watch(v)
        assert t.watched_variables() == (v,)


def test_softmax_cross_entropy_label_output_gets_no_gradient():
    def loss(x, labels):
        return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=x, labels=labels),
                              tf.constant([0]))

    logits = tf.constant([[0.0, 0.0]])
    labels = tf.constant([[1.0, 0.0]])
    with tf.GradientTape() as tape:
        tape.watch(logits)
        y = loss(logits, labels)
    np.testing.assert_array_equal(tape.gradient(y, logits).numpy(), [[-0.5, 0.5]])


@pytest.mark.parametrize("persistent", [False, True])
def test_gradient_inside_the_tape_block(persistent):
    v1 = tf.Variable(1.)
    with tf.GradientTape(persistent=persistent) as t:
        loss = 2 * v1
        grad = t.gradient(loss, v1)
    assert grad.numpy() == 2.0


def test_entering_a_tape_twice_is_an_error():
    with tf.GradientTape() as t:
        with pytest.raises(ValueError):
            with t:
                pass


def test_second_derivative_of_softmax_cross_entropy():
    def first(x):
        x = tf.nn.softmax_cross_entropy_with_logits(labels=tf.constant([[0.0]]), logits=x)
        return tf.reduce_sum(x, tf.constant([0]))

    def second(x):
        return tf.reduce_sum(_grads(first, x)[0], tf.constant([0]))

    np.testing.assert_array_equal(_grads(second, tf.constant([[0.1]]))[0].numpy(), [[0.0]])


def test_watching_is_local_to_each_tape():
    x1 = tf.Variable(2.0, trainable=False)
    x2 = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as tape1:
        with tf.GradientTape() as tape2:
            tape1.watch(x1)
            tape2.watch([x1, x2])
            y = x1 ** 3
            z = x2 ** 2
            dy, dz = tape2.gradient([y, z], [x1, x2])
        d2y, d2z = tape1.gradient([dy, dz], [x1, x2])
    assert d2y.numpy() == 12.0
    assert d2z is None


@pytest.mark.parametrize("persistent", [False, True])
def test_vector_jacobian_product(persistent):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=persistent) as tape:
        tape.watch(x)
        result = x * x
    assert result.numpy() == 9.0
    assert tape.gradient(result, x, output_gradients=tf.constant(2.0)).numpy() == 12.0
    if persistent:
        assert tape.gradient(result, x, output_gradients=tf.constant(2.0)).numpy() == 12.0


def test_gradient_of_gradient():
    def grad(x):
        return _grads(lambda x: x * x, x)[0]

    assert _grads(grad, tf.constant(3.0))[0].numpy() == 2.0


def test_gradient_of_gradient_of_exp():
    def grad(x):
        return _grads(tf.exp, x)[0]

    assert _grads(grad, tf.constant(0.0))[0].numpy() == 1.0


@pytest.mark.parametrize("inner", ["stop_gradient_of_argmax", "argmax_then_stop_gradient"])
def test_argmax_has_no_gradient(inner):
    f = lambda x: tf.stop_gradient(tf.math.argmax(x))
    assert _grads(f, [0.0])[0] is None


def test_gradient_through_constants():
    def fn(x):
        return tf.add(tf.add(x, tf.constant(2.0)), tf.constant(3.0))

    assert _grads(fn, tf.constant(1.0))[0].numpy() == 1.0


def test_gradient_of_each_argument():
    x, y = tf.constant(1.0), tf.constant(2.0)
    dx, dy = _grads(lambda a, b: a * b, x, y)
    assert (dx.numpy(), dy.numpy()) == (2.0, 1.0)


def test_read_variable_unconnected_to_target():
    v = tf.Variable(1.0, name='testUnconnectedNone')
    with tf.GradientTape() as tape:
        v.read_value()
        y = tf.constant(1.0)
    assert tape.watched_variables() == (v,)
    assert tape.gradient(y, v) is None


def test_entering_the_same_tape_again():
    g = tf.GradientTape()
    with g:
        x = tf.constant(3.0)
        g.watch(x)
        y = 2 * x
    with g:
        z = 2 * y
    assert [t.numpy() for t in g.gradient(target=z, sources=[x])] == [4.0]


def test_repeated_source():
    with tf.GradientTape(persistent=False) as g:
        x = tf.constant(3.0)
        g.watch(x)
        y = 2 * x
    assert [t.numpy() for t in g.gradient(target=y, sources=[x, x])] == [2.0, 2.0]


def test_persistent_tape_repeated_source():
    with tf.GradientTape(persistent=True) as g:
        x = tf.constant(3.0)
        y = tf.constant(5.0)
        g.watch(x)
        g.watch(y)
        z = x * x + x * y
    assert [t.numpy() for t in g.gradient(target=z, sources=[x, x])] == [11.0, 11.0]
    assert [t.numpy() for t in g.gradient(target=z, sources=[y, x])] == [3.0, 11.0]


def test_gradient_in_the_structure_of_the_sources():
    with tf.GradientTape(persistent=True) as g:
        x1 = tf.constant(3.0)
        x2 = tf.constant(3.1)
        x3 = tf.constant(3.2)
        g.watch(x1)
        g.watch(x2)
        g.watch(x3)
        y = x1 + 2 * x2 + 3 * x3
    as_numbers = functools.partial(tf.nest.map_structure, lambda t: float(t.numpy()))
    assert as_numbers(g.gradient(y, x1)) == 1.0
    assert as_numbers(g.gradient(y, (x1,))) == (1.0,)
    assert as_numbers(g.gradient(y, (x1, x2))) == (1.0, 2.0)
    assert as_numbers(g.gradient(y, [(x1, x2), (x2, x3)])) == [(1.0, 2.0), (2.0, 3.0)]
    assert as_numbers(g.gradient(y, (x1, x2, [x1, x3]))) == (1.0, 2.0, [1.0, 3.0])
    assert as_numbers(g.gradient(y, [x1, {'x2': x2, 'x3': x3}])) == [1.0, {'x2': 2.0, 'x3': 3.0}]


def test_inner_tape_gradient_recorded_by_outer_tape():
    with tf.GradientTape() as g:
        x = tf.constant(3.0)
        g.watch(x)
        y = x * x
        with tf.GradientTape() as gg:
            gg.watch(y)
            z = 2 * y
        inner_grad = gg.gradient(z, [y])[0]
        assert inner_grad.numpy() == 2.0
        y += inner_grad
    assert g.gradient(y, [x])[0].numpy() == 6.0


def test_variable_target_is_constant():
    with tf.GradientTape() as g:
        x = tf.Variable([3.0])
        y = tf.Variable([2.0])
    assert g.gradient(x, y) is None


def test_gradient_through_cond():
    x = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch(x)
        y = tf.cond(x < x, lambda: x, lambda: x * x)
    assert g.gradient(y, [x])[0].numpy() == 6.0


def test_gradient_through_while_loop():
    i = tf.constant(1)
    x = tf.constant(2.)
    with tf.GradientTape() as g:
        g.watch([x])
        _, y = tf.while_loop(lambda i, _: i < 3, lambda i, x: (i + 1, x * 2), [i, x])
    assert g.gradient(y, [x])[0].numpy() == 4.0


def _used_tape(ask):
    with tf.GradientTape() as g:
        x = tf.constant([[3.0]])
        g.watch(x)
        y = x * x
        z = y * y
    ask(g, z, x)
    return g, y, x


@pytest.mark.parametrize("method", ["gradient", "jacobian", "batch_jacobian"])
def test_non_persistent_tape_answers_once(method):
    g, y, x = _used_tape(lambda g, z, x: getattr(g, method)(z, x))
    with pytest.raises(RuntimeError, match='A non-persistent GradientTape can only'):
        getattr(g, method)(y, x)


def test_jacobian_inside_the_tape_block():
    with tf.GradientTape() as g:
        x = tf.constant(3.0)
        g.watch(x)
        y = x * x
        z = y * y
        _close(g.jacobian(z, x), 4.0 * 3.0 ** 3.0)


def test_batch_jacobian_inside_the_tape_block():
    with tf.GradientTape(persistent=True) as g:
        x = tf.constant([[3.0]])
        g.watch(x)
        y = x * x
        z = y * y
        _close(g.batch_jacobian(z, x), [[[4.0 * 3.0 ** 3.0]]])


def test_batch_jacobian_parallel_iterations_in_function():
    @tf.function
    def f(persistent):
        with tf.GradientTape(persistent=persistent) as t:
            x = tf.constant([[3.0]])
            t.watch(x)
            y = x * x
            z = tf.tile(y * y, [1, 16])
        return t.batch_jacobian(z, x, parallel_iterations=8)

    with pytest.raises(RuntimeError, match='persistent=True.*parallel_iterations'):
        f(persistent=False)
    _close(f(persistent=True), [[[4.0 * 3.0 ** 3.0]] * 16])


def test_persistent_tape():
    with tf.GradientTape(persistent=True) as g:
        x = tf.constant(3.0)
        g.watch(x)
        y = x * x
        z = y * y
    assert g.gradient(z, [x])[0].numpy() == 4 * 3 * 3 * 3
    assert g.gradient(y, [x])[0].numpy() == 2 * 3


def test_higher_order_gradients_on_one_persistent_tape():
    with tf.GradientTape(persistent=True) as g:
        x = tf.constant(3.0)
        g.watch(x)
        y = x ** 3
        dy_dx = g.gradient(y, x)
        d2y_dx2 = g.gradient(dy_dx, x)
    d3y_dx3 = g.gradient(d2y_dx2, x)
    _close(y, 27.0)
    assert (dy_dx.numpy(), d2y_dx2.numpy(), d3y_dx3.numpy()) == (27.0, 18.0, 6.0)


def test_persistent_nested_tapes():
    with tf.GradientTape(persistent=True) as g:
        x = tf.constant(3.0)
        g.watch(x)
        y = x * x
        with tf.GradientTape(persistent=True) as gg:
            gg.watch(y)
            z = 2 * y
        for _ in range(2):
            inner_grad = gg.gradient(z, [y])[0]
            assert inner_grad.numpy() == 2.0
        y += inner_grad
        del gg
    assert g.gradient(y, [x])[0].numpy() == 6.0
    assert g.gradient(z, [x])[0].numpy() == 12.0


def test_variable_source():
    v = tf.Variable(1.0, name='v')
    with tf.GradientTape() as g:
        y = v * v
    assert g.gradient(y, [v])[0].numpy() == 2.0


def test_gradients_to_a_source_and_an_intermediate():
    x = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
        z = y * y
    dz_dx, dz_dy = g.gradient(z, [x, y])
    assert (dz_dx.numpy(), dz_dy.numpy()) == (108.0, 18.0)


def test_unconnected_gradients_default_to_none():
    x = tf.constant(1.0)
    y = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch([x, y])
        z = y * 2
    assert g.gradient(z, x) is None


@pytest.mark.parametrize("variable", [False, True])
def test_unconnected_gradients_zero(variable):
    x = tf.constant(1.0, shape=[2, 2])
    y = tf.constant(3.0)
    if variable:
        x, y = tf.Variable(x), tf.Variable(y)
    with tf.GradientTape() as g:
        g.watch([x, y])
        z = y * 2
    got = g.gradient(z, x, unconnected_gradients='zero')
    assert got.dtype == tf.float32
    np.testing.assert_array_equal(got.numpy(), [[0.0, 0.0], [0.0, 0.0]])


def test_unknown_unconnected_gradients_value():
    x = tf.constant(1.0)
    y = tf.constant(1.0)
    with tf.GradientTape() as g:
        g.watch([x, y])
        z = y * 2
    with pytest.raises(ValueError, match="Unknown value for unconnected_gradients: 'nonsense'"):
        g.gradient(z, x, unconnected_gradients='nonsense')


def test_unconnected_zero_through_nested_functions_and_stop_gradient():
    f = tf.function(lambda x: x * x)
    h = tf.function(lambda y: tf.stop_gradient(f(y)))
    x = tf.constant(1.0)
    with tf.GradientTape() as g:
        g.watch(x)
        k = x + 2.
        y = h(k)
    assert g.gradient(y, x, unconnected_gradients='zero').numpy() == 0.0


def test_value_and_gradients_of_a_product():
    x, y = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        val = x * y
    dx, dy = tape.gradient(val, [x, y])
    assert (val.numpy(), dx.numpy(), dy.numpy()) == (6.0, 3.0, 2.0)


def test_multiply_gradient():
    assert _grads(lambda x: tf.multiply(x, x), 3.0)[0].numpy() == 6.0


def test_variadic_function():
    def f(*args):
        return args[0] * args[0]

    assert _grads(f, 1.0)[0].numpy() == 2.0


def test_partial_function():
    part = functools.partial(lambda x, y: x * y, tf.constant(2.0))
    assert _grads(part, tf.constant(1.0))[0].numpy() == 2.0


def test_function_returning_two_things_of_the_source():
    assert _grads(lambda x: (x, 2 * x), 1.0)[0].numpy() == 3.0


def test_tape_usable_after_an_exception_in_its_block():
    def f(unused_x):
        raise ValueError()

    with pytest.raises(ValueError):
        _grads(f, 1.0)
    assert _grads(lambda x: x * x, 1.0)[0].numpy() == 2.0


def test_stack_of_variable_reads():
    x = tf.Variable(initial_value=tf.constant([1.0]), name='x')
    with tf.GradientTape() as tape:
        a = tf.add(x.value(), 1.0)
        y = tf.reduce_mean(tf.stack([a, a], axis=0))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [1.0])


def test_several_outputs_summed():
    grad = _grads(lambda x: (x + 2, x * x), tf.constant([0.0, 1.0, 2.0]))[0]
    np.testing.assert_array_equal(grad.numpy(), [1.0, 3.0, 5.0])


def test_conv2d_gradient_of_the_image_only():
    i = tf.constant([[[[1.0]]]])
    k = tf.constant([[[[2.0]]]])
    with tf.GradientTape() as tape:
        tape.watch(i)
        y = tf.nn.conv2d(i, k, [1, 1, 1, 1], 'SAME')
    np.testing.assert_array_equal(tape.gradient(y, i).numpy(), [[[[2.0]]]])


def test_custom_gradient_of_a_variable():
    @tf.custom_gradient
    def my_square(x):
        def grad(dr):
            return 2 * dr * x + 1
        return tf.square(x), grad

    x = tf.Variable(initial_value=3., name='X')
    with tf.GradientTape() as tape:
        y = my_square(x)
    assert tape.watched_variables() == (x,)
    assert tape.gradient(y, x).numpy() == 7


def test_custom_gradient_with_variables_inside_function_and_jacobian():
    class MyCallable:
        def __init__(self):
            self.a = tf.Variable(1.)
            self.b = tf.Variable(2.)
            self.c = tf.Variable(3.)

        def __call__(self, x):
            return self.a * x * x + self.b * x + self.c

    @tf.function
    def call(c, x):
        @tf.custom_gradient
        def _call():
            y = c(x)

            def grad(dy, variables=None):
                with tf.GradientTape(persistent=True) as g:
                    g.watch(variables)
                    y = c(x)
                grad_vars = [2 * tf.reduce_sum(dy * g.jacobian(y, v)) for v in variables]
                del g
                return (), grad_vars

            return y, grad

        return _call()

    c = MyCallable()
    x = tf.constant([1., 2., 3.])
    with tf.GradientTape(persistent=True) as g:
        g.watch([c.a, c.b, c.c])
        y = call(c, x)
    assert g.gradient(y, x) is None
    _close([t.numpy() for t in g.gradient(y, [c.a, c.b, c.c])], [28.0, 12.0, 6.0])


def test_custom_gradient_training_loop():
    @tf.custom_gradient
    def my_mul(x, y):
        def grad(dr):
            return [dr * y, dr * x]
        return x * y, grad

    x = tf.Variable(2., name='x')
    losses = []
    for _ in range(5):
        with tf.GradientTape() as tape:
            loss = my_mul(2., x.read_value())
        losses.append(loss.numpy())
        x.assign_sub(0.25 * tape.gradient(loss, x))
    assert losses == [4.0, 3., 2., 1., 0.]


def test_custom_gradient_of_identity():
    @tf.custom_gradient
    def my_identity(x):
        def grad(dresult):
            return [2 * dresult]
        return x, grad

    assert _grads(my_identity, 1.0)[0].numpy() == 2.0


def test_watch_accessed_variables_false():
    x1 = tf.Variable(1.0)
    x2 = tf.Variable(1.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x2)
        y = x1 ** 2
        z = x2 ** 3
    assert tape.watched_variables() == (x2,)
    dy, dz = tape.gradient([y, z], [x1, x2])
    assert dy is None
    assert dz.numpy() == 3.0


def test_equal_scalar_constants_are_distinct_sources():
    with tf.GradientTape(persistent=False) as g:
        x1 = tf.constant(3.0)
        x2 = tf.constant(3.0)
        g.watch(x1)
        g.watch(x2)
        y = x1 + x2
    assert [t.numpy() for t in g.gradient(target=y, sources=[x1])] == [1.0]


def test_variables_and_constants_give_the_same_gradients():
    def get_grads(a, b):
        with tf.GradientTape() as tape:
            tape.watch([a, b])
            y = a ** 3
            z = b ** 2
        return [g.numpy() for g in tape.gradient([y, z], [a, b])]

    assert get_grads(tf.constant(2.0), tf.constant(2.0)) == [12.0, 4.0]
    assert get_grads(tf.Variable(2.0), tf.Variable(2.0)) == [12.0, 4.0]


def test_custom_gradient_replaces_the_derivative():
    @tf.custom_gradient
    def f(x):
        def grad(dy):
            return [4 * dy]
        return x * x, grad

    with tf.GradientTape() as t:
        c = tf.constant(1.0)
        t.watch(c)
        g = f(c)
    assert t.gradient(g, c).numpy() == 4.0


def test_custom_gradient_overriding_the_second_order():
    @tf.custom_gradient
    def f(x):
        def first_order_grad(dz):
            @tf.custom_gradient
            def first_order_custom(unused_x):
                def h(ddz):
                    return -2.1 * ddz
                return -1.1, h
            return dz * first_order_custom(x)
        return x + 10., first_order_grad

    c = tf.constant(1.)
    with tf.GradientTape() as outer:
        outer.watch(c)
        with tf.GradientTape() as inner:
            inner.watch(c)
            d = f(c) ** 4.
        dd = inner.gradient(d, c)
        _close(dd, 4. * 11. ** 3. * -1.1, rtol=1e-6)
    _close(outer.gradient(dd, c), 3. * 4. * 11. ** 2. * -1.1 * -1.1 + 4. * 11. ** 3. * -2.1,
           rtol=1e-6)


def test_custom_gradient_second_order_and_transpose():
    @tf.custom_gradient
    def f(x):
        z = 2. * tf.get_static_value(x)

        def g(dz):
            @tf.custom_gradient
            def first_order(unused_x, unused_dz):
                def second_order_and_transpose(unused_ddz):
                    return 2.2, 3.1
                return 2.1, second_order_and_transpose
            return first_order(x, dz)

        return z, g

    with tf.GradientTape(persistent=True) as t:
        with tf.GradientTape() as tt:
            c = tf.constant(1.)
            t.watch(c)
            tt.watch(c)
            output_grad = tf.ones([])
            t.watch(output_grad)
            output = f(c)
            _close(output, 2.)
        gc = tt.gradient(output, c, output_gradients=output_grad)
        _close(gc, 2.1)
    _close(t.gradient(gc, c), 2.2)
    _close(t.gradient(gc, output_grad), 3.1)


def test_watching_a_numpy_array_is_an_error():
    g = tf.GradientTape()
    with pytest.raises(ValueError, match='ndarray'):
        g.watch(np.array(1.))


def test_watched_variables_after_non_persistent_gradient():
    with tf.GradientTape(persistent=False) as tape:
        x = tf.Variable(1.0)
        tape.watch(x)
    tape.gradient(x, x)
    assert tape.watched_variables() == (x,)


def test_watched_variables_only_of_the_last_tape():
    with tf.GradientTape(persistent=False) as tape:
        x = tf.Variable(1.0)
        tape.watch(x)
    with tf.GradientTape(persistent=False) as tape:
        z = tf.Variable(2.0)
        tape.watch(z)
    tape.gradient(z, z)
    assert tape.watched_variables() == (z,)


def test_watched_variables_respect_reset():
    with tf.GradientTape(persistent=False) as tape:
        x = tf.Variable(1.0)
        tape.watch(x)
        assert tape.watched_variables() == (x,)
        tape.reset()
        z = tf.Variable(2.0)
        tape.watch(z)
        assert tape.watched_variables() == (z,)
    tape.gradient(z, z)
    assert tape.watched_variables() == (z,)


def test_recompute_grad_of_a_list():
    @tf.recompute_grad
    def outer(x):
        return [x[0] + 1, x[1] + 1]

    x = [tf.Variable([1.0, 2.0], name='a'), tf.Variable(1.0, name='b')]
    with tf.GradientTape() as tape:
        y = outer(x)
        np.testing.assert_array_equal(y[0].numpy(), [2.0, 3.0])
        assert y[1].numpy() == 2.0
    grads = tape.gradient(y, x)
    np.testing.assert_array_equal(grads[0].numpy(), [1.0, 1.0])
    assert grads[1].numpy() == 1.0


def test_recompute_grad_of_a_dict_keyed_by_references():
    @tf.recompute_grad
    def outer_dict(x):
        for key in x.keys():
            x[key] = x[key] + 1
        return x

    a, b = tf.Variable([1.0, 2.0], name='a'), tf.Variable(1.0, name='b')
    with tf.GradientTape():
        y = outer_dict({a.ref(): a, b.ref(): b})
        np.testing.assert_array_equal(y[a.ref()].numpy(), [2.0, 3.0])
        assert y[b.ref()].numpy() == 2.0


@pytest.mark.parametrize("reduce_retracing", [True, False])
def test_recompute_grad_of_nested_functions_with_while_loop(reduce_retracing):
    function = functools.partial(tf.function, reduce_retracing=reduce_retracing)

    @tf.recompute_grad
    @function
    def outer(x):
        @function
        def middle(y):
            inner = function(lambda z: z + 1)
            y, _ = tf.while_loop(lambda y, i: i < 10., lambda y, i: (inner(y), i + 1.0),
                                 [y, tf.constant(0.0)])
            return y
        return middle(x)

    for _ in range(3):
        x = tf.Variable(1.0, name='x')
        with tf.GradientTape() as tape:
            y = outer(x)
            assert y.numpy() == 11.0
        assert tape.gradient(y, x).numpy() == 1.0


# -- Jacobians ------------------------------------------------------------------

@pytest.mark.parametrize("use_pfor", [True, False])
@pytest.mark.parametrize("compile", [False, True], ids=["eager", "function"])
def test_jacobian_of_two_sources(use_pfor, compile):
    def jacobian():
        with tf.GradientTape(persistent=not use_pfor) as g:
            x = tf.constant([1., 2.])
            y = tf.constant([3., 4.])
            g.watch(x)
            g.watch(y)
            z = x * x * y
        return g.jacobian(z, [x, y], experimental_use_pfor=use_pfor)

    if compile:
        jacobian = tf.function(jacobian)
    jx, jy = jacobian()
    np.testing.assert_array_equal(jx.numpy(), [[6., 0.], [0., 16.]])
    np.testing.assert_array_equal(jy.numpy(), [[1., 0.], [0., 4.]])


def test_jacobian_without_pfor_needs_a_persistent_tape():
    with tf.GradientTape() as g:
        x = tf.constant([1.0, 2.0])
        g.watch(x)
        y = x * x
    with pytest.raises(RuntimeError, match='persistent'):
        g.jacobian(y, x, experimental_use_pfor=False)


def test_jacobian_parallel_iterations():
    with tf.GradientTape(persistent=True) as g:
        x = tf.constant([[1., 2], [3, 4]])
        g.watch(x)
        y = tf.matmul(x, x)
    two, three = g.jacobian(y, x, parallel_iterations=2), g.jacobian(y, x, parallel_iterations=3)
    np.testing.assert_array_equal(two.numpy(), three.numpy())
    assert two.shape == (2, 2, 2, 2)
    np.testing.assert_array_equal(two.numpy()[0, 1], [[2., 5.], [0., 2.]])


def _foldl_cos(x):
    return tf.reshape(tf.foldl(lambda a, b: tf.cos(a + b), tf.transpose(x)), [1, 1])


def _batch_jacobian_of(f):
    def jac(primal):
        with tf.GradientTape() as tape:
            tape.watch(primal)
            primal_out = f(primal)
        return tape.batch_jacobian(primal_out, primal)
    return jac


def test_nested_batch_jacobian_of_foldl():
    x = tf.constant([[1.0, 2.0]])
    f = _foldl_cos
    for _ in range(2):
        theoretical, numerical = tf.test.compute_gradient(f, [x])
        _close(theoretical, numerical, rtol=1e-3, atol=1e-3)
        f = _batch_jacobian_of(f)
        expected_flat = np.reshape(numerical, [-1])
        _close(tf.reshape(f(x), [-1]), expected_flat, rtol=1e-3, atol=1e-3)
        _close(tf.reshape(tf.function(f)(x), [-1]), expected_flat, rtol=1e-3, atol=1e-3)
    # the first and second derivatives of cos(cos(x0) + x1), at TensorFlow's values
    check_gradients(lambda x: _foldl_cos(x), [np.array([[1.0, 2.0]])], order=2)


def test_gradient_of_batch_jacobian_of_conv2d():
    def inner(x):
        kernel = tf.ones([3, 3, 1, 9])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.nn.conv2d(x, kernel, strides=(1, 1), padding='SAME', data_format='NHWC')
            reduced = tf.reduce_sum(y ** 2.0, axis=[2, 3])
        return tf.reduce_sum(tape.batch_jacobian(reduced, x))

    theoretical, numerical = tf.test.compute_gradient(tf.function(inner), [tf.ones([10, 4, 4, 1])])
    _close(numerical, theoretical, rtol=0.1, atol=1e-3)

    @tf.function
    def outer():
        with tf.GradientTape() as tape:
            x = tf.ones([10, 4, 4, 1])
            tape.watch(x)
            y = inner(x)
        return tape.gradient(y, x)

    _close(tf.reshape(outer(), [-1]), np.reshape(numerical, [-1]), rtol=0.1, atol=1e-3)
    _close(tf.reshape(outer(), [10, 16])[0], [450., 720., 720., 450., 720., 1152., 1152., 720.,
                                              720., 1152., 1152., 720., 450., 720., 720., 450.])


def test_jacobian_of_embedding_lookup_with_and_without_pfor():
    with tf.GradientTape(persistent=True) as g:
        inp = tf.constant([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])
        g.watch(inp)
        output = tf.nn.embedding_lookup(inp, [0, 2])
    pfor = g.jacobian(output, inp, experimental_use_pfor=True)
    loop = g.jacobian(output, inp, experimental_use_pfor=False)
    np.testing.assert_array_equal(pfor.numpy(), loop.numpy())
    assert pfor.shape == (2, 2, 3, 2)
    np.testing.assert_array_equal(pfor.numpy()[1, 0], [[0., 0.], [0., 0.], [1., 0.]])


def test_jacobian_of_foldl_partial_function():
    add_all = tf.function(functools.partial(tf.foldl, lambda a, b: a + b))
    x = tf.zeros([3])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        result = add_all(x)
    _close(tape.jacobian(result, x, experimental_use_pfor=True), [1.0, 1.0, 1.0])
    _close(tape.jacobian(result, x, experimental_use_pfor=False), [1.0, 1.0, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        result = add_all(x)
    _close(tape.jacobian(result, x, experimental_use_pfor=True), [1.0, 1.0, 1.0])


def test_jacobian_of_foldl_inside_function():
    @tf.function
    def compute_jacobian(use_pfor):
        x = tf.zeros([3])
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            result = functools.partial(tf.foldl, lambda a, b: a + b)(x)
        return tape.jacobian(result, x, experimental_use_pfor=use_pfor)

    _close(compute_jacobian(use_pfor=True), [1.0, 1.0, 1.0])
    _close(compute_jacobian(use_pfor=False), [1.0, 1.0, 1.0])


def test_jacobian_of_gradient_through_cond_in_function():
    @tf.function
    def f(x):
        return tf.cond(x > 0.0, lambda: x ** 3.0, lambda: x ** 2.0)

    with tf.GradientTape(persistent=True) as tape:
        x = tf.constant(1.0)
        tape.watch(x)
        y = f(x)
        grad = tape.gradient(y, x)
    _close(grad, 3.0)
    _close(tape.jacobian(grad, x, experimental_use_pfor=False), 6.0)
    _close(tape.jacobian(grad, x, experimental_use_pfor=True), 6.0)


def test_jacobian_of_empty_tensor():
    variable = tf.Variable(1.0)
    inputs = (tf.constant(np.zeros((0, 4))), tf.constant(np.zeros((0, 3))))
    with tf.GradientTape(persistent=True) as tape:
        outputs = variable * tf.cast(tf.concat(inputs, axis=-1), tf.float32)
    pfor = tape.jacobian(outputs, variable, experimental_use_pfor=True)
    loop = tape.jacobian(outputs, variable, experimental_use_pfor=False)
    assert pfor.shape == loop.shape == (0, 7)
    assert pfor.dtype == loop.dtype == tf.float32


# -- batch Jacobians --------------------------------------------------------------

@pytest.mark.parametrize("use_pfor", [True, False])
@pytest.mark.parametrize("compile", [False, True], ids=["eager", "function"])
def test_batch_jacobian(use_pfor, compile):
    def batch_jacobian():
        with tf.GradientTape(persistent=not use_pfor) as g:
            x = tf.constant([[1., 2.], [3., 4.]])
            y = tf.constant([[3., 4.], [5., 6.]])
            g.watch(x)
            z = x * x * y
        return g.batch_jacobian(z, x, experimental_use_pfor=use_pfor)

    if compile:
        batch_jacobian = tf.function(batch_jacobian)
    np.testing.assert_array_equal(batch_jacobian().numpy(),
                                  [[[6., 0.], [0., 16.]], [[30., 0.], [0., 48.]]])


def test_batch_jacobian_without_pfor_needs_a_persistent_tape():
    with tf.GradientTape() as g:
        x = tf.constant([[1.0, 2.0]])
        g.watch(x)
        y = x * x
    with pytest.raises(RuntimeError, match='persistent'):
        g.batch_jacobian(y, x, experimental_use_pfor=False)


def test_batch_jacobian_needs_equal_batch_sizes():
    x = tf.random.uniform([2, 3])
    with tf.GradientTape() as g:
        y = tf.concat([x, x], axis=0)
    with pytest.raises(ValueError, match='Need first dimension'):
        g.batch_jacobian(y, x)


@pytest.mark.parametrize("x_shape,y_shape", [([2], [2, 2]), ([2, 2], [2])],
                         ids=["source", "target"])
def test_batch_jacobian_needs_rank_two(x_shape, y_shape):
    x = tf.random.uniform(x_shape)
    with tf.GradientTape() as g:
        y = tf.random.uniform(y_shape)
    with pytest.raises(ValueError, match='must have rank at least 2'):
        g.batch_jacobian(y, x)


def test_batch_jacobian_parallel_iterations():
    with tf.GradientTape(persistent=True) as g:
        x = tf.constant([[1., 2], [3, 4]])
        g.watch(x)
        w = tf.constant([[1., 2, 3, 4], [5, 6, 7, 8]])
        y = tf.matmul(x, w)
    two = g.batch_jacobian(y, x, parallel_iterations=2)
    np.testing.assert_array_equal(two.numpy(), g.batch_jacobian(y, x, parallel_iterations=3).numpy())
    np.testing.assert_array_equal(two.numpy()[1], [[1., 5.], [2., 6.], [3., 7.], [4., 8.]])


@pytest.mark.parametrize("use_pfor", [True, False])
@pytest.mark.parametrize("compile", [True, False])
def test_batch_jacobian_of_empty_examples(compile, use_pfor):
    def f(x):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = x ** 2
        return tape.batch_jacobian(y, x, experimental_use_pfor=use_pfor)

    if compile:
        f = tf.function(f)
    np.testing.assert_array_equal(tf.shape(f(tf.zeros([1, 0]))).numpy(), [1, 0, 0])


@pytest.mark.parametrize("use_pfor", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batch_jacobian_zeros_of_the_source_dtype(use_pfor, dtype):
    dtype = tf.as_dtype(dtype)

    @tf.function
    def f(x):
        del x
        return tf.constant([[1.0]], dtype=dtype)

    for unconnected in ('none', 'zero'):
        with tf.GradientTape(persistent=True) as tape:
            x = tf.constant([[2.0]], dtype=dtype)
            tape.watch(x)
            y = f(x)
        jac = tape.batch_jacobian(y, x, unconnected_gradients=unconnected,
                                  experimental_use_pfor=use_pfor)
        assert jac.dtype == dtype
        np.testing.assert_array_equal(jac.numpy(), [[[0.0]]])


def test_batch_jacobian_of_strided_slice_with_tensor_bound():
    x = tf.ones([2, 4, 2])
    length = tf.constant([2, 3, 4, 4], dtype=tf.int64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.repeat(x, [2], axis=1)
        y = y[:, :tf.reduce_max(length), :]
    jac = tape.batch_jacobian(y, x)
    assert jac.shape == (2, 4, 2, 4, 2)
    np.testing.assert_array_equal(jac.numpy()[0, :, 0, :, 0],
                                  [[1., 0., 0., 0.], [1., 0., 0., 0.],
                                   [0., 1., 0., 0.], [0., 1., 0., 0.]])
