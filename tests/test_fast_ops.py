"""Op functions with their common case in C (``rules._util.fast_public``) against their
Python functions (``__wrapped__``): for every kind of operand, the same result (value,
dtype, shape) or the same error, taped or not, and the same gradients."""
import contextlib
import itertools

import numpy as np
import pytest

import gradtape as tf
from gradtape.rules import _util

# (numpy_alone: once another array namespace is in use, every call takes the Python path)
pytestmark = [pytest.mark.skipif(_util._FAST_OP is None, reason="the C op functions were not built"),
              pytest.mark.usefixtures("numpy_alone")]

UNARY = [tf.tanh, tf.exp, tf.sin, tf.math.log, tf.sqrt, tf.nn.relu, tf.sigmoid, tf.square]
BINARY = [tf.add, tf.subtract, tf.multiply, tf.divide, tf.matmul, tf.maximum, tf.math.floormod,
          tf.math.xlogy]


def _operands():
    rng = np.random.default_rng(0)
    m = rng.standard_normal((2, 3)).astype(np.float32)
    return [tf.constant(m), tf.constant(m.T.copy()), tf.constant(m[0]), tf.constant(1.5),
            tf.constant(m.astype(np.float64)), tf.constant([[1, 2, 3], [4, 5, 6]]),
            tf.constant([True, False]), tf.Variable(m), tf.Variable(m.T.copy()),
            tf.constant(m.astype(np.complex64)), 2.0, 3, True, m, [[1.0, 2.0, 3.0]]]


def _outcome(fn, *args):
    try:
        out = fn(*args)
    except Exception as err:  # the same error type and words both ways
        return type(err).__name__, str(err)
    return out.dtype.name, tuple(out.shape), out.numpy().tobytes()


def _both(fn, args):
    return _outcome(fn, *args), _outcome(fn.__wrapped__, *args)


def _maybe_taped(taped):
    return tf.GradientTape(persistent=True) if taped else contextlib.nullcontext()


@pytest.mark.parametrize("taped", [False, True])
@pytest.mark.parametrize("fn", UNARY, ids=lambda f: f.__name__)
def test_unary_ops_do_what_their_python_function_does(fn, taped):
    assert type(fn).__name__ == "FastOp"
    with _maybe_taped(taped):
        for x in _operands():
            fast, python = _both(fn, (x,))
            assert fast == python, (fn.__name__, x)


@pytest.mark.parametrize("taped", [False, True])
@pytest.mark.parametrize("fn", BINARY, ids=lambda f: f.__name__)
def test_binary_ops_do_what_their_python_function_does(fn, taped):
    assert type(fn).__name__ == "FastOp"
    with _maybe_taped(taped):
        for x, y in itertools.product(_operands(), repeat=2):
            fast, python = _both(fn, (x, y))
            assert fast == python, (fn.__name__, x, y)


def test_operators_bind_as_methods_and_do_what_the_functions_do():
    x, v = tf.constant([[1.0, 2.0]]), tf.Variable([[3.0], [4.0]])
    assert (x + 1.0).numpy().tolist() == [[2.0, 3.0]]
    assert (x @ v).numpy().tolist() == [[11.0]]
    assert (v * 2).numpy().tolist() == [[6.0], [8.0]]
    assert x.__add__(x).numpy().tolist() == [[2.0, 4.0]]
    assert tf.Tensor.__sub__(x, x).numpy().tolist() == [[0.0, 0.0]]


def test_the_same_gradients_taped():
    def loss(fast):
        w, b = tf.Variable([[0.5, -1.0], [2.0, 0.25]]), tf.Variable([0.1, -0.2])
        x = tf.constant([[1.0, 2.0], [3.0, -4.0]])
        unwrap = (lambda f: f) if fast else (lambda f: f.__wrapped__)
        with tf.GradientTape() as tape:
            h = unwrap(tf.tanh)(unwrap(tf.add)(unwrap(tf.matmul)(x, w), b))
            y = tf.reduce_sum(unwrap(tf.multiply)(unwrap(tf.nn.relu)(h), 1.5))
        return [g.numpy() for g in tape.gradient(y, [w, b])]
    for a, b in zip(loss(True), loss(False)):
        np.testing.assert_array_equal(a, b)


def test_names_docs_signatures_and_pickling_are_the_python_functions():
    import inspect
    import pickle
    assert tf.tanh.__name__ == "tanh" and tf.tanh.__doc__ == tf.tanh.__wrapped__.__doc__
    assert str(inspect.signature(tf.matmul)).startswith("(a: 'TensorInput', b: 'TensorInput'")
    assert pickle.loads(pickle.dumps(tf.add)) is tf.add
    assert tf.tanh.op.name == "tanh"
    assert tf.tanh(tf.constant(0.0), name="t").numpy() == 0.0  # keywords: the Python function
