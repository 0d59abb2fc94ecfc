"""ForwardAccumulator: TensorFlow's documented examples, its contract, second
derivatives in forward-over-forward mode, custom_gradient in forward mode,
and forward-mode Jacobians from batched tangents."""
import gc
import warnings

import numpy as np
import pytest

import gradtape as tf
from gradtape._core import nest
from gradtape.errors import UnimplementedError
from gradtape.jacobians import forward_jacobian
from gradtape.rules._util import apply, defop
from gradtape.testing import check_gradients
from tests.opspec import cases

ForwardAccumulator = tf.autodiff.ForwardAccumulator


# ---------------------------------------------------------------------------
# TensorFlow's ForwardAccumulator docstring examples, with their values
# ---------------------------------------------------------------------------

def _dense_regression():
    x = tf.constant([[2.0, 3.0], [1.0, 4.0]])
    targets = tf.constant([[1.0], [-1.0]])
    kernel = tf.Variable([[0.5], [-0.25]], name="kernel")
    bias = tf.Variable([0.1], name="bias")
    return x, targets, kernel, bias, lambda: tf.reduce_sum((x @ kernel + bias - targets) ** 2.0)


def test_docstring_linear_regression_jvp_matches_closed_form():
    x, targets, kernel, bias, loss_fn = _dense_regression()
    with ForwardAccumulator(primals=kernel, tangents=tf.constant([[1.0], [0.0]])) as acc:
        loss = loss_fn()
    residual = x.numpy() @ kernel.numpy() + bias.numpy() - targets.numpy()
    expected = np.sum(2.0 * residual * (x.numpy() @ np.array([[1.0], [0.0]])))
    assert acc.jvp(loss).shape == ()
    assert acc.jvp(loss).dtype == tf.float32
    np.testing.assert_allclose(acc.jvp(loss).numpy(), expected, rtol=1e-6)


def test_docstring_forward_columns_equal_backprop_row():
    x, targets, kernel, bias, loss_fn = _dense_regression()
    kernel_fprop = []
    with ForwardAccumulator(kernel, tf.constant([[1.0], [0.0]])) as acc:
        kernel_fprop.append(acc.jvp(loss_fn()))
    with ForwardAccumulator(kernel, tf.constant([[0.0], [1.0]])) as acc:
        kernel_fprop.append(acc.jvp(loss_fn()))
    with ForwardAccumulator(bias, tf.constant([1.0])) as acc:
        bias_fprop = acc.jvp(loss_fn())
    with tf.GradientTape() as tape:
        loss = loss_fn()
    kernel_grad, bias_grad = tape.gradient(loss, (kernel, bias))
    np.testing.assert_allclose(kernel_grad, tf.stack(kernel_fprop)[:, tf.newaxis], rtol=1e-6)
    np.testing.assert_allclose(bias_grad, bias_fprop[tf.newaxis], rtol=1e-6)


def test_docstring_higher_order_jvps_from_outer_accumulators():
    primal = tf.constant(1.1)
    with ForwardAccumulator(primal, tf.constant(1.0)) as outer:
        with ForwardAccumulator(primal, tf.constant(1.0)) as inner:
            primal_out = primal ** tf.constant(3.5)
    inner_jvp = inner.jvp(primal_out)
    np.testing.assert_allclose(inner_jvp.numpy(), 4.4417057, rtol=1e-6)  # 3.5 * 1.1 ** 2.5
    np.testing.assert_allclose(outer.jvp(inner_jvp).numpy(), 10.094786, rtol=1e-6)
    # the other way round does not work: inner accumulators never see outer JVPs
    assert outer.jvp(primal_out) is not None
    assert inner.jvp(outer.jvp(primal_out)) is None


def test_docstring_forward_over_backward_hvp():
    v = tf.Variable([1.0, 2.0])
    with ForwardAccumulator(v, tf.constant([1.0, 0.0])) as acc:
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(v ** 3.0)
        backward = tape.gradient(y, v)
    np.testing.assert_array_equal(backward.numpy(), np.array([3.0, 12.0], np.float32))
    hvp = acc.jvp(backward)
    assert hvp.dtype == tf.float32
    np.testing.assert_array_equal(hvp.numpy(), np.array([6.0, 0.0], np.float32))


# ---------------------------------------------------------------------------
# The contract
# ---------------------------------------------------------------------------

def test_nested_primals_and_tangents_give_nested_jvps():
    a, b = tf.constant([1.0, 2.0]), tf.constant(3.0)
    primals = {"a": a, "rest": [b]}
    with ForwardAccumulator(primals, {"a": tf.constant([1.0, 1.0]), "rest": [2.0]}) as acc:
        out = {"prod": a * b, "pair": (tf.sin(b), tf.constant(5.0))}
    got = acc.jvp(out)
    np.testing.assert_allclose(got["prod"].numpy(), [1 * 3 + 1 * 2, 1 * 3 + 2 * 2])
    np.testing.assert_allclose(got["pair"][0].numpy(), np.cos(3.0) * 2.0, rtol=1e-6)
    assert got["pair"][1] is None
    zeros = acc.jvp(out, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert zeros["pair"][1].numpy() == 0.0 and zeros["pair"][1].dtype == tf.float32


def test_structure_shape_and_dtype_mismatches_are_clear_errors():
    x = tf.constant([1.0, 2.0])
    with pytest.raises(ValueError, match="structure"):
        ForwardAccumulator([x], [tf.constant([1.0, 0.0]), tf.constant(1.0)])
    with pytest.raises(ValueError, match=r"shape \(3,\).*\(2,\)"):
        ForwardAccumulator(x, tf.constant([1.0, 0.0, 0.0]))
    with pytest.raises(ValueError, match="requested dtype float32 for Tensor with dtype float64"):
        ForwardAccumulator(x, tf.constant([1.0, 0.0], dtype=tf.float64))
    with pytest.raises(TypeError, match="primals must be"):
        ForwardAccumulator([1.0, 2.0], [1.0, 0.0])


def test_python_tangents_take_the_primal_dtype():
    x = tf.constant(2.0, dtype=tf.float64)
    with ForwardAccumulator(x, 1.0) as acc:
        y = x * 2.0
    assert acc.jvp(y).dtype == tf.float64 and acc.jvp(y).numpy() == 2.0


def test_primal_listed_twice_is_an_error():
    x = tf.constant(1.0)
    with pytest.raises(ValueError, match="specified as a primal multiple times"):
        ForwardAccumulator([x, x], [1.0, 1.0])


def test_accumulator_already_recording_is_an_error():
    x = tf.constant(1.0)
    acc = ForwardAccumulator(x, 1.0)
    with acc:
        with pytest.raises(ValueError, match="already recording"):
            acc.__enter__()


def test_variables_as_primals():
    v = tf.Variable([1.0, -2.0])
    w = tf.Variable(3.0)  # not a primal: no tangent, and never auto-watched
    with ForwardAccumulator(v, tf.constant([0.5, 1.0])) as acc:
        y = v * v * w
    np.testing.assert_allclose(acc.jvp(y).numpy(), 2 * np.array([1.0, -2.0]) * [0.5, 1.0] * 3.0)
    np.testing.assert_allclose(acc.jvp(v).numpy(), [0.5, 1.0])
    assert acc.jvp(w) is None


def test_non_floating_primal_warns_and_gets_no_tangent():
    n = tf.constant([1, 2])
    with pytest.warns(UserWarning, match="floating"):
        acc = ForwardAccumulator(n, tf.constant([1, 1]))
    with acc:
        m = n * 2
    assert acc.jvp(m) is None


def test_jvp_outside_the_block_and_no_recording_after_exit():
    x = tf.constant(2.0)
    with ForwardAccumulator(x, tf.constant(1.0)) as acc:
        y = x * x
    z = x * x
    assert acc.jvp(y).numpy() == 4.0
    assert acc.jvp(z) is None


def test_op_without_jvp_raises_naming_the_op():
    op = defop("mystery_op", lambda xp, a: a * 2, vjp=lambda ct, ans, x: ct * 2.0,
               register_as=False)
    x = tf.constant([1.0])
    with ForwardAccumulator(x, tf.constant([1.0])):
        with pytest.raises(UnimplementedError, match="mystery_op"):
            apply(op, (x,), {})
    # a tape alone does not need the JVP
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = apply(op, (x,), {})
    assert tape.gradient(y, x).numpy().tolist() == [2.0]


def test_non_differentiable_ops_cut_the_tangent():
    x = tf.constant([0.4, 1.6])
    with ForwardAccumulator(x, tf.constant([1.0, 1.0])) as acc:
        r = tf.round(x)
        c = tf.cast(x, tf.int32)
        s = tf.stop_gradient(x)
    assert acc.jvp(r) is None and acc.jvp(c) is None and acc.jvp(s) is None


def test_output_tangent_has_the_broadcast_output_shape():
    x = tf.constant([1.0, 2.0, 3.0])
    with ForwardAccumulator(x, tf.constant([1.0, 1.0, 1.0])) as acc:
        y = x + tf.ones((2, 3))
    assert acc.jvp(y).shape == (2, 3)
    np.testing.assert_array_equal(acc.jvp(y).numpy(), np.ones((2, 3)))


def test_tangents_are_freed_with_their_tensors():
    x = tf.constant(np.ones(1000))
    with ForwardAccumulator(x, tf.constant(np.ones(1000))) as acc:
        y = x
        for _ in range(50):
            y = tf.sin(y)
    gc.collect()
    # the primal's and the last output's tangents remain, not 50 intermediates
    assert len(acc._rec.tangents) <= 3
    assert acc.jvp(y) is not None


# ---------------------------------------------------------------------------
# Second derivatives, forward over forward
# ---------------------------------------------------------------------------

def _fwd_fwd(fn, x_values):
    x = tf.constant(np.asarray(x_values, np.float64))
    ones = tf.constant(np.ones_like(x_values, np.float64))
    with ForwardAccumulator(x, ones) as outer:
        with ForwardAccumulator(x, ones) as inner:
            y = fn(x)
        first = inner.jvp(y)
    return first.numpy(), outer.jvp(first, unconnected_gradients="zero").numpy()


@pytest.mark.parametrize("fn,d1,d2,points", [
    (tf.sin, np.cos, lambda x: -np.sin(x), [-2.0, 0.3, 1.7]),
    (tf.tanh, lambda x: 1 - np.tanh(x) ** 2,
     lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2), [-1.5, 0.2, 2.0]),
    (tf.exp, np.exp, np.exp, [-1.0, 0.0, 1.5]),
    (tf.abs, np.sign, np.zeros_like, [-2.0, -0.5, 0.7, 3.0]),
], ids=["sin", "tanh", "exp", "abs"])
def test_forward_over_forward_second_derivatives(fn, d1, d2, points):
    first, second = _fwd_fwd(fn, points)
    np.testing.assert_allclose(first, d1(np.array(points)), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(second, d2(np.array(points)), rtol=1e-12, atol=1e-15)
    check_gradients(fn, [np.array(points)], order=2)


def test_abs_and_sign_derivatives_where_tensorflow_gets_them_wrong():
    points = np.array([-2.0, -0.5, 0.7, 3.0])
    # third derivative of |x| through three nested accumulators: exactly zero
    x = tf.constant(points)
    ones = tf.constant(np.ones(4))
    with ForwardAccumulator(x, ones) as a3:
        with ForwardAccumulator(x, ones) as a2:
            with ForwardAccumulator(x, ones) as a1:
                y = tf.abs(x) * x  # x|x|: derivative 2|x|, second 2 sign(x)
            d1 = a1.jvp(y)
        d2 = a2.jvp(d1)
    np.testing.assert_array_equal(d1.numpy(), 2 * np.abs(points))
    np.testing.assert_array_equal(d2.numpy(), 2 * np.sign(points))
    np.testing.assert_array_equal(a3.jvp(d2).numpy(), np.zeros(4))
    # sign has a zero derivative (a tensor, not None) in forward mode and under nesting
    with ForwardAccumulator(x, ones) as outer:
        with ForwardAccumulator(x, ones) as inner:
            s = tf.sign(x)
        ds = inner.jvp(s)
    assert ds is not None
    np.testing.assert_array_equal(ds.numpy(), np.zeros(4))
    np.testing.assert_array_equal(outer.jvp(ds, unconnected_gradients="zero").numpy(),
                                  np.zeros(4))


# ---------------------------------------------------------------------------
# custom_gradient in forward mode
# ---------------------------------------------------------------------------

@tf.custom_gradient
def _log1pexp_numpy_forward(x):
    # the forward pass leaves gradtape (NumPy), so only grad_fn knows the derivative
    e = tf.constant(np.exp(x.numpy()))
    out = tf.constant(np.log1p(np.exp(x.numpy())))

    def grad(upstream):
        return upstream * (1.0 - 1.0 / (1.0 + e))
    return out, grad


def test_custom_gradient_jvp_is_the_transpose_of_grad_fn():
    x = tf.constant(np.array([-1.0, 0.5, 3.0]))
    u = np.array([1.0, -2.0, 0.5])
    with ForwardAccumulator(x, tf.constant(u)) as acc:
        y = _log1pexp_numpy_forward(x)
    sig = 1.0 / (1.0 + np.exp(-x.numpy()))
    np.testing.assert_allclose(acc.jvp(y).numpy(), sig * u, rtol=1e-12)
    check_gradients(_log1pexp_numpy_forward, [x.numpy()], order=1)


def test_custom_gradient_forward_mode_follows_the_functions_own_ops():
    # TensorFlow 2.21: [1.0, 3.0] (the identity's tangent, not grad_fn's)
    @tf.custom_gradient
    def doubled_grad(x):
        return tf.identity(x), lambda dy: 2.0 * dy
    x = tf.constant([1.0, 2.0])
    with ForwardAccumulator(x, tf.constant([1.0, 3.0])) as acc:
        y = doubled_grad(x)
    np.testing.assert_array_equal(acc.jvp(y).numpy(), [1.0, 3.0])


def test_custom_gradient_with_opaque_grad_fn_reruns_the_function():
    @tf.custom_gradient
    def square(x):
        def grad(dy):  # computed outside gradtape: not transposable
            return tf.constant(2.0 * x.numpy() * dy.numpy())
        return x * x, grad
    x = tf.constant([1.0, -3.0])
    with ForwardAccumulator(x, tf.constant([1.0, 1.0])) as acc:
        y = square(x)
    np.testing.assert_array_equal(acc.jvp(y).numpy(), [2.0, -6.0])


# ---------------------------------------------------------------------------
# Forward-mode Jacobians
# ---------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("spec,sample", cases())
def test_forward_jacobian_equals_reverse_jacobian(spec, sample):
    arrays, params = sample.arrays, sample.params
    xs = [tf.constant(a) for a in arrays]

    def fn(*a):
        return nest.flatten(spec.fn(*a, *params))[0]
    fwd = forward_jacobian(fn, xs)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(xs)
        y = fn(*xs)
    rev = tape.jacobian(y, xs, unconnected_gradients="zero")
    for f, r in zip(fwd, rev):
        assert f.shape == r.shape
        np.testing.assert_allclose(f.numpy(), r.numpy(), rtol=1e-12, atol=1e-12)


def _mlp(x, w1, w2):
    return tf.tanh(tf.tanh(x @ w1) @ w2)


def test_forward_jacobian_is_one_pass_and_chunks_agree():
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((3, 4)))
    w1, w2 = tf.constant(rng.standard_normal((4, 5))), tf.constant(rng.standard_normal((5, 2)))
    calls = []

    def f(a, b, c):
        calls.append(1)
        return {"out": _mlp(a, b, c), "const": tf.constant([1.0, 2.0])}
    whole = forward_jacobian(f, [x, w1, w2])
    assert len(calls) == 1
    calls.clear()
    pieces = forward_jacobian(f, [x, w1, w2], parallel_iterations=7)
    assert len(calls) == -(-(12 + 20 + 10) // 7)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, w1, w2])
        y = _mlp(x, w1, w2)
    rev = tape.jacobian(y, [x, w1, w2])
    for w, p, r in zip(whole["out"], pieces["out"], rev):
        assert w.shape == (3, 2) + tuple(r.shape[2:])
        np.testing.assert_allclose(w.numpy(), r.numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(p.numpy(), r.numpy(), rtol=1e-12, atol=1e-14)
    for z, x_ in zip(whole["const"], [x, w1, w2]):
        assert z.shape == (2,) + tuple(x_.shape) and not np.any(z.numpy())


def test_forward_jacobian_single_primal_and_dtype():
    x = tf.constant([0.5, -1.0, 2.0])
    j = forward_jacobian(lambda v: tf.reduce_sum(v * v) * v, x)
    assert j.shape == (3, 3) and j.dtype == tf.float32
    xv = x.numpy()
    expected = np.sum(xv * xv) * np.eye(3) + 2 * np.outer(xv, xv)
    np.testing.assert_allclose(j.numpy(), expected, rtol=1e-6)


def test_forward_jacobian_loops_where_a_rule_cannot_batch():
    x = tf.constant(np.arange(6.0).reshape(2, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        j = forward_jacobian(lambda v: tf.broadcast_to(v[:, None, :], (2, 4, 3)) * 2.0, x)
        j_custom = forward_jacobian(_log1pexp_numpy_forward, x)
    expected = np.zeros((2, 4, 3, 2, 3))
    for a in range(2):
        for b in range(4):
            for c in range(3):
                expected[a, b, c, a, c] = 2.0
    np.testing.assert_array_equal(j.numpy(), expected)
    sig = 1.0 / (1.0 + np.exp(-x.numpy()))
    np.testing.assert_allclose(j_custom.numpy(),
                               np.einsum("ij,ik,jl->ijkl", sig, np.eye(2), np.eye(3)), rtol=1e-12)


def test_forward_jacobian_uneven_ranks_in_a_non_broadcasting_op():
    rng = np.random.default_rng(1)
    a, w = tf.constant(rng.standard_normal((2, 3, 4))), tf.constant(rng.standard_normal((4, 5)))
    fwd = forward_jacobian(lambda p, q: tf.matmul(p, q), [a, w])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([a, w])
        y = tf.matmul(a, w)
    for f, r in zip(fwd, tape.jacobian(y, [a, w])):
        np.testing.assert_allclose(f.numpy(), r.numpy(), rtol=1e-12, atol=1e-14)


def test_forward_jacobian_rejects_bad_primals():
    with pytest.raises(TypeError, match="forward_jacobian"):
        forward_jacobian(lambda x: x, [1.0, 2.0])
    with pytest.raises(TypeError, match="int32"):
        forward_jacobian(lambda x: x, tf.constant([1, 2]))


def test_forward_jacobian_pads_lower_rank_tangents_of_broadcasting_ops():
    # two columns, so an unpadded (2, 2) tangent would broadcast silently wrong
    x = tf.constant(np.array([1.5, -2.0]))
    y = tf.constant(np.array([[1.0, 2.0], [3.0, 4.0]]))
    j = forward_jacobian(lambda v: tf.where(y > 2.0, v * y, v - y), x)
    expected = np.zeros((2, 2, 2))
    for r in range(2):
        for c in range(2):
            expected[r, c, c] = y.numpy()[r, c] if y.numpy()[r, c] > 2.0 else 1.0
    np.testing.assert_array_equal(j.numpy(), expected)


def test_forward_over_reverse_hessian_from_batched_tangents():
    rng = np.random.default_rng(2)
    x = tf.constant(rng.standard_normal((3, 4)))
    b = tf.constant(rng.standard_normal(5))

    def loss(w):
        h = tf.tanh(x @ w + b)
        return (tf.reduce_mean(tf.square(h)) + 0.1 * tf.reduce_sum(tf.abs(w))
                + tf.reduce_sum(h[:, 1:3] * tf.sigmoid(w[0, 1:3])))

    def grad(w):
        with tf.GradientTape() as tape:
            tape.watch(w)
            value = loss(w)
        return tape.gradient(value, w)
    w = tf.constant(rng.standard_normal((4, 5)))
    hessian = forward_jacobian(grad, w)
    with tf.GradientTape() as outer:
        outer.watch(w)
        g = grad(w)
    reverse = outer.jacobian(g, w)
    assert hessian.shape == (4, 5, 4, 5)
    np.testing.assert_allclose(hessian.numpy(), reverse.numpy(), rtol=1e-12, atol=1e-14)
    h = hessian.numpy().reshape(20, 20)
    np.testing.assert_allclose(h, h.T, atol=1e-12)
