"""GradientTape.jacobian and batch_jacobian: TensorFlow's documented examples
(API docs and the "Advanced automatic differentiation" guide) with their shapes
and values, the contracts (nested sources, unconnected sources, errors), the
chunking by memory budget, and batch_jacobian's one-sweep-per-row design."""
import numpy as np
import pytest

import gradtape as tf
from gradtape import tape as tape_module


def _dense(rng, n_in, n_out, name):
    limit = np.sqrt(6.0 / (n_in + n_out))
    kernel = tf.Variable(rng.uniform(-limit, limit, (n_in, n_out)).astype(np.float32),
                         name=name + "_kernel")
    bias = tf.Variable(rng.uniform(-0.1, 0.1, n_out).astype(np.float32), name=name + "_bias")
    return kernel, bias


def _elu(x):
    return tf.where(x > 0.0, x, tf.math.expm1(tf.minimum(x, 0.0)))


def _apply(layer, x, activation):
    kernel, bias = layer
    return activation(x @ kernel + bias)


# ---------------------------------------------------------------------------
# API docstring examples
# ---------------------------------------------------------------------------

def test_api_jacobian_example():
    with tf.GradientTape() as g:
        x = tf.constant([1.0, 2.0])
        g.watch(x)
        y = x * x
    jacobian = g.jacobian(y, x)
    assert jacobian.shape == (2, 2) and jacobian.dtype == tf.float32
    np.testing.assert_array_equal(jacobian.numpy(), [[2.0, 0.0], [0.0, 4.0]])


def test_api_batch_jacobian_example():
    with tf.GradientTape() as g:
        x = tf.constant([[1, 2], [3, 4]], dtype=tf.float32)
        g.watch(x)
        y = x * x
    batch_jacobian = g.batch_jacobian(y, x)
    assert batch_jacobian.shape == (2, 2, 2)
    np.testing.assert_array_equal(batch_jacobian.numpy(),
                                  [[[2, 0], [0, 4]], [[6, 0], [0, 8]]])


# ---------------------------------------------------------------------------
# The "Advanced automatic differentiation" guide
# ---------------------------------------------------------------------------

def test_guide_scalar_source():
    x = tf.constant(np.linspace(-10.0, 10.0, 200 + 1).astype(np.float32))
    delta = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        y = tf.nn.sigmoid(x + delta)
    dy_dx = tape.jacobian(y, delta)
    assert y.shape == (201,) and dy_dx.shape == (201,)
    s = 1.0 / (1.0 + np.exp(-x.numpy().astype(np.float64)))
    np.testing.assert_allclose(dy_dx.numpy(), s * (1 - s), rtol=1e-5, atol=1e-7)


def test_guide_tensor_source():
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((7, 5)).astype(np.float32))
    layer = _dense(rng, 5, 10, "dense")
    with tf.GradientTape(persistent=True) as tape:
        y = _apply(layer, x, tf.nn.relu)
    assert y.shape == (7, 10)
    assert layer[0].shape == (5, 10)
    j = tape.jacobian(y, layer[0])
    assert j.shape == (7, 10, 5, 10)
    g = tape.gradient(y, layer[0])
    assert g.shape == (5, 10)
    j_sum = tf.reduce_sum(j, axis=[0, 1])
    delta = np.max(abs(g - j_sum).numpy())
    assert delta < 1e-3
    # and each entry is right: d y[b, o] / d kernel[i, o'] = relu'(.) x[b, i] [o == o']
    active = (y.numpy() > 0).astype(np.float32)
    expected = np.einsum("bo,bi,op->boip", active, x.numpy(), np.eye(10, dtype=np.float32))
    np.testing.assert_allclose(j.numpy(), expected, rtol=1e-6)


def test_guide_hessian():
    rng = np.random.default_rng(1)
    x = tf.constant(rng.standard_normal((7, 5)).astype(np.float32))
    layer1, layer2 = _dense(rng, 5, 8, "layer1"), _dense(rng, 8, 6, "layer2")
    kernel = layer1[0]
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            h1 = _apply(layer1, x, tf.nn.relu)
            out = _apply(layer2, h1, tf.nn.relu)
            loss = tf.reduce_mean(out ** 2)
        g = t1.gradient(loss, kernel)
    h = t2.jacobian(g, kernel)
    assert kernel.shape == (5, 8) and h.shape == (5, 8, 5, 8)
    n_params = int(np.prod(kernel.shape))
    h_mat = tf.reshape(h, [n_params, n_params]).numpy()
    np.testing.assert_allclose(h_mat, h_mat.T, atol=1e-6)  # the Hessian is symmetric
    # each column is a Hessian-vector product, computed here forward-over-reverse
    for col in (0, 17, 39):
        e = np.zeros(n_params, np.float32)
        e[col] = 1.0
        with tf.autodiff.ForwardAccumulator(kernel, tf.constant(e.reshape(5, 8))) as acc:
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(_apply(layer2, _apply(layer1, x, tf.nn.relu),
                                             tf.nn.relu) ** 2)
            grad = tape.gradient(loss, kernel)
        np.testing.assert_allclose(h_mat[:, col], acc.jvp(grad).numpy().ravel(),
                                   rtol=1e-5, atol=1e-7)


def _batch_problem(coupled):
    rng = np.random.default_rng(2)
    x = tf.constant(rng.standard_normal((7, 5)).astype(np.float32))
    layer1, layer2 = _dense(rng, 5, 8, "layer1"), _dense(rng, 8, 6, "layer2")
    with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = _apply(layer1, x, _elu)
        if coupled:  # batch normalization in training mode mixes the examples
            mean = tf.reduce_mean(y, axis=0)
            var = tf.reduce_mean((y - mean) ** 2, axis=0)
            y = (y - mean) * tf.math.rsqrt(var + 1e-3)
        y = _apply(layer2, y, _elu)
    return tape, x, y


def test_guide_batch_jacobian():
    tape, x, y = _batch_problem(coupled=False)
    assert y.shape == (7, 6)
    j = tape.jacobian(y, x)
    assert j.shape == (7, 6, 7, 5)
    j_np = j.numpy()
    # every (batch, batch) slice is diagonal
    for b1 in range(7):
        for b2 in range(7):
            if b1 != b2:
                assert not np.any(j_np[b1, :, b2, :])
    j_sum = tf.reduce_sum(j, axis=2)
    assert j_sum.shape == (7, 6, 5)
    j_select = np.einsum("bxby->bxy", j_np)
    jb = tape.batch_jacobian(y, x)
    assert jb.shape == (7, 6, 5)
    error = np.max(abs(jb - j_sum).numpy())
    assert error < 1e-3
    np.testing.assert_allclose(jb.numpy(), j_select, rtol=1e-6, atol=1e-7)


def test_guide_batch_jacobian_with_batch_norm_is_one_sweep_summed_over_examples():
    tape, x, y = _batch_problem(coupled=True)
    j = tape.jacobian(y, x)
    assert j.shape == (7, 6, 7, 5)
    jb = tape.batch_jacobian(y, x)
    assert jb.shape == (7, 6, 5)
    j_np = j.numpy()
    # the slices are not diagonal ...
    assert np.abs(j_np[0, :, 1, :]).max() > 1e-3
    # ... and batch_jacobian gives, like TensorFlow's, each source example's row
    # summed over the target's examples: it never builds the (batch x batch)
    # Jacobian to pick its diagonal, which would give something else here
    summed = np.einsum("cxby->bxy", j_np)
    np.testing.assert_allclose(jb.numpy(), summed, rtol=1e-5, atol=1e-6)
    assert np.abs(jb.numpy() - np.einsum("bxby->bxy", j_np)).max() > 1e-3


def test_batch_jacobian_sweeps_once_per_target_row_not_per_example(monkeypatch):
    sweeps = []
    real = tf.GradientTape._sweep

    def counting(tape, target_cts, *args, **kwargs):
        sweeps.append(target_cts[0][1].shape)
        return real(tape, target_cts, *args, **kwargs)
    monkeypatch.setattr(tf.GradientTape, "_sweep", counting)
    x = tf.constant(np.random.default_rng(3).standard_normal((64, 5)))
    w = tf.constant(np.random.default_rng(4).standard_normal((5, 3)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.tanh(x @ w)
    jb = tape.batch_jacobian(y, x)
    assert sweeps == [(3, 64, 3)]  # 3 target rows, each for all 64 examples at once
    expected = np.einsum("bo,io->boi", 1 - np.tanh(x.numpy() @ w.numpy()) ** 2, w.numpy())
    np.testing.assert_allclose(jb.numpy(), expected, rtol=1e-12)


# ---------------------------------------------------------------------------
# Contracts
# ---------------------------------------------------------------------------

def test_shapes_for_scalar_vector_and_matrix_targets_and_sources():
    x = tf.constant(np.arange(6.0).reshape(2, 3))
    s = tf.constant(1.5, tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, s])
        scalar = tf.reduce_sum(x) * s
        vector = tf.reduce_sum(x, axis=0) * s
        matrix = x * s
    for target in (scalar, vector, matrix):
        jx, js = tape.jacobian(target, [x, s])
        assert jx.shape == tuple(target.shape) + (2, 3)
        assert js.shape == tuple(target.shape)
    np.testing.assert_array_equal(tape.jacobian(matrix, s).numpy(), x.numpy())
    np.testing.assert_array_equal(tape.jacobian(scalar, x).numpy(), np.full((2, 3), 1.5))


def test_nested_sources_and_unconnected_sources():
    a, b, c = tf.constant([1.0, 2.0]), tf.constant(3.0), tf.constant([[4.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([a, b, c])
        y = a * b
    got = tape.jacobian(y, {"a": a, "more": [b, c]})
    assert set(got) == {"a", "more"} and len(got["more"]) == 2
    np.testing.assert_array_equal(got["a"].numpy(), [[3.0, 0.0], [0.0, 3.0]])
    np.testing.assert_array_equal(got["more"][0].numpy(), [1.0, 2.0])
    assert got["more"][1] is None
    zero = tape.jacobian(y, {"a": a, "more": [b, c]}, unconnected_gradients="zero")
    assert zero["more"][1].shape == (2, 1, 1) and not np.any(zero["more"][1].numpy())
    unconnected = tape.batch_jacobian(tf.reshape(y, (2, 1)), tf.constant([[1.0], [2.0]]))
    assert unconnected.shape == (2, 1, 1) and not np.any(unconnected.numpy())  # as TensorFlow
    z = tape.batch_jacobian(tf.reshape(y, (2, 1)), tf.constant([[1.0], [2.0]]),
                            unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert z.shape == (2, 1, 1) and not np.any(z.numpy())


def test_batch_jacobian_checks_rank_and_leading_dimension():
    x = tf.constant(np.ones((4, 3)))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * 2.0
        flat = tf.reduce_sum(x, axis=1)
    with pytest.raises(ValueError, match=r"Shape \(4,\) must have rank at least 2"):
        tape.batch_jacobian(flat, x)
    with pytest.raises(ValueError, match=r"Shape \(3,\) must have rank at least 2"):
        tape.batch_jacobian(y[:, 0:2], x[0])
    with pytest.raises(ValueError, match=r"Need first dimension of target shape \(\(2, 3\)\) "
                       r"and source shape \(\(4, 3\)\) to match\."):
        tape.batch_jacobian(y[0:2], x)


def test_loop_needs_a_persistent_tape_and_agrees_with_the_vectorized_path():
    x = tf.constant(np.array([[0.5, -1.0], [2.0, 0.3]]))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.sin(x) * tf.reduce_sum(x)
    with pytest.raises(RuntimeError, match="persistent=True"):
        tape.jacobian(y, x, experimental_use_pfor=False)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.sin(x) * tf.reduce_sum(x)
    with pytest.raises(RuntimeError, match="persistent=True"):
        tape.batch_jacobian(y, x, experimental_use_pfor=False)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.sin(x) * tf.reduce_sum(x)
    for method in (tape.jacobian, tape.batch_jacobian):
        fast = method(y, x)
        slow = method(y, x, experimental_use_pfor=False)
        np.testing.assert_allclose(fast.numpy(), slow.numpy(), rtol=1e-14)


def test_non_persistent_tape_gives_one_jacobian():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.jacobian(y, x, parallel_iterations=1)
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.jacobian(y, x)


# ---------------------------------------------------------------------------
# Chunking
# ---------------------------------------------------------------------------

def _count_sweeps(monkeypatch):
    sweeps = []
    real = tf.GradientTape._sweep

    def counting(*args, **kwargs):
        sweeps.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(tf.GradientTape, "_sweep", counting)
    return sweeps


def _problem():
    rng = np.random.default_rng(5)
    w = tf.constant(rng.standard_normal((10, 8)))
    x = tf.constant(rng.standard_normal((4, 8)))
    tape = tf.GradientTape(persistent=True)
    with tape:
        tape.watch([w, x])
        y = tf.tanh(x @ tf.transpose(w))  # (4, 10)
    return tape, y, w, x


@pytest.mark.parametrize("parallel_iterations", [1, 3, 7])
def test_small_parallel_iterations_give_the_same_jacobians(monkeypatch, parallel_iterations):
    tape, y, w, x = _problem()
    whole = tape.jacobian(y, [w, x])
    whole_b = tape.batch_jacobian(y, x)
    sweeps = _count_sweeps(monkeypatch)
    parts = tape.jacobian(y, [w, x], parallel_iterations=parallel_iterations)
    assert len(sweeps) == -(-40 // parallel_iterations)
    parts_b = tape.batch_jacobian(y, x, parallel_iterations=parallel_iterations)
    for a, b in zip(whole + [whole_b], parts + [parts_b]):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-14, atol=1e-15)


def test_byte_budget_splits_the_rows(monkeypatch):
    tape, y, w, x = _problem()
    whole = tape.jacobian(y, w)
    assert tape_module.JACOBIAN_CHUNK_BYTES == 256 * 2**20
    monkeypatch.setattr(tape_module, "JACOBIAN_CHUNK_BYTES", 4096)
    sweeps = _count_sweeps(monkeypatch)
    small = tape.jacobian(y, w)
    assert len(sweeps) > 1
    np.testing.assert_allclose(small.numpy(), whole.numpy(), rtol=1e-14)
