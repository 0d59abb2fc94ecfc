"""The C sweep loop (``gradtape/_core/_sweep.c``) against its Python reference
``reverse.python_sweep_arrays``: every program here gives bit-identical gradients
both ways, frees the same entries, and names the same op in a VJP's warning."""
import warnings

import numpy as np
import pytest

import gradtape as tf
from gradtape._core import reverse
from gradtape.extend import apply, defop

pytestmark = [pytest.mark.skipif(not reverse.C_SWEEP, reason="the C sweep was not built"),
              pytest.mark.usefixtures("numpy_alone")]


def _broadcast(x, w, v):
    # v is added to every row (its cotangent is summed back), x is used three times
    h = tf.matmul(x, w) + v
    return tf.reduce_sum(h * x + x)


def _scalars(x, w, v):
    # NumPy scalar cotangents, summed with the operator
    s = tf.reduce_sum(x)
    return tf.sin(s) * s + tf.cos(s) * w[0, 0]


def _multi_output(x, w, v):
    # one output of a multi-output op unused: its cotangent is zeros
    a, b = tf.unstack(w, axis=0)
    values, indices = tf.math.top_k(x, k=1)
    return tf.reduce_sum(a * 3.0) + tf.reduce_sum(values)


def _many_inputs(x, w, v):
    # more inputs than the C loop keeps on its stack
    return tf.reduce_sum(tf.add_n([x * float(k) for k in range(12)]))


def _mixed_dtypes(x, w, v):
    # a float64 cotangent cast back to a float32 input, a float16 one
    a = tf.cast(x, tf.float64) * tf.constant(2.0, tf.float64)
    b = tf.cast(tf.cast(x, tf.float16) * tf.constant(3.0, tf.float16), tf.float32)
    return tf.cast(tf.reduce_sum(a), tf.float32) + tf.reduce_sum(b) + tf.reduce_sum(v)


def _tensor_rules(x, w, v):
    # ops whose VJPs are Tensor rules only (no NumPy VJP)
    return tf.reduce_sum(tf.linalg.det(w + tf.eye(2))) + tf.reduce_sum(tf.math.cumsum(x, axis=1))


def _complex(x, w, v):
    z = tf.complex(x, x * 2.0)
    return tf.math.real(tf.reduce_sum(z * tf.math.conj(z))) + tf.reduce_sum(v)


def _wide_vjp(ct, ans, x, y):
    # a cotangent of the broadcast shape, in float64: the sweep must undo both
    return np.broadcast_to(ct, np.broadcast_shapes(x.shape, y.shape)).astype(np.float64) * 2.0


_SCALED_SUM = defop("test_c_sweep_scaled_sum", lambda xp, x, y: 2.0 * x + 2.0 * y,
                    vjp=(lambda ct, ans, x, y: ct * 2.0, lambda ct, ans, x, y: ct * 2.0),
                    numpy_vjps=(_wide_vjp, _wide_vjp), broadcasts=True)


def _user_op(x, w, v):
    return tf.reduce_sum(apply(_SCALED_SUM, (x, v), {}) * x)


def _known_rules(x, w, v):
    # the rules the C sweep makes itself (pass-through, negation, matmul's two
    # products, tanh, relu, the sum over the broadcast rows), and matmul with a
    # transpose, which it leaves to the Python rule
    h = tf.tanh(tf.matmul(x, w) + v)
    r = tf.nn.relu(x @ w - v) - tf.matmul(x, w, transpose_b=True)
    return tf.reduce_sum(h * r) + tf.reduce_sum(-(h - x))


def _broadcast_matrix(x, w, v):
    # a matrix added to a stack of them: its cotangent summed over the stack's axis,
    # back to two axes
    stack = tf.reshape(tf.concat([x, x * 2.0], axis=0), (2, 3, 2))
    return tf.reduce_sum(tf.tanh(stack + tf.matmul(x, w)) * stack)


PROGRAMS = [_user_op, _broadcast, _scalars, _multi_output, _many_inputs, _mixed_dtypes, _tensor_rules,
            _complex, _known_rules, _broadcast_matrix]


def _inputs():
    rng = np.random.default_rng(1)
    return (tf.constant(rng.standard_normal((3, 2)).astype(np.float32)),
            tf.Variable(rng.standard_normal((2, 2)).astype(np.float32)),
            tf.Variable(rng.standard_normal(2).astype(np.float32)))


def _gradients(program, python, monkeypatch, persistent):
    if python:
        monkeypatch.setattr(reverse, "_sweep_loop", reverse.python_sweep_arrays)
    x, w, v = _inputs()
    with tf.GradientTape(persistent=persistent) as tape:
        tape.watch(x)
        y = program(x, w, v)
    grads = tape.gradient(y, [x, w, v])
    freed = [e is None for e in tape._rec.entries] if persistent else None
    monkeypatch.undo()
    return [None if g is None else g.numpy() for g in grads], freed


@pytest.mark.parametrize("persistent", [False, True])
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_the_same_gradients_as_the_python_loop(program, persistent, monkeypatch):
    c_grads, c_freed = _gradients(program, False, monkeypatch, persistent)
    py_grads, py_freed = _gradients(program, True, monkeypatch, persistent)
    assert c_freed == py_freed
    assert any(g is not None for g in c_grads)
    for a, b in zip(c_grads, py_grads):
        assert (a is None) == (b is None)
        if a is not None:
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


def test_gradients_are_right_through_the_c_loop():
    x, w, v = _inputs()
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _broadcast(x, w, v)
    gx, gw, gv = tape.gradient(y, [x, w, v])
    xs, ws = x.numpy(), w.numpy()
    h = xs @ ws + v.numpy()
    # d/dx sum(h * x + x) = x @ w.T (through h) + h + 1; d/dw = x.T @ x; d/dv = column sums of x
    np.testing.assert_allclose(gx.numpy(), xs @ ws.T + h + 1.0, rtol=1e-5)
    np.testing.assert_allclose(gw.numpy(), xs.T @ xs, rtol=1e-5)
    np.testing.assert_allclose(gv.numpy(), xs.sum(axis=0), rtol=1e-5)


def test_a_second_gradient_on_a_spent_tape_still_raises():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError):
        tape.gradient(y, x)


@pytest.mark.parametrize("python", [False, True])
def test_a_vjp_warning_names_the_op_being_differentiated(python, monkeypatch):
    if python:
        monkeypatch.setattr(reverse, "_sweep_loop", reverse.python_sweep_arrays)
    x = tf.constant([0.0, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.sqrt(x))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tape.gradient(y, x)
    texts = [str(w.message) for w in caught]
    assert any("in the derivative of sqrt" in t for t in texts), texts
    assert all(w.filename == __file__ for w in caught)


def test_an_error_in_a_vjp_propagates_and_leaves_no_half_sum(monkeypatch):
    x = tf.constant([1.0, 2.0])

    @tf.custom_gradient
    def broken(t):
        def grad(dy):
            raise ValueError("broken gradient")
        return tf.identity(t), grad
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(broken(x) * 2.0)
    with pytest.raises(ValueError, match="broken gradient"):
        tape.gradient(y, x)
