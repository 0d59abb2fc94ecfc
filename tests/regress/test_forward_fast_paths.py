"""The shortcuts of an op's forward path give what the general path gives.

A binary op with a Python float takes x's shared constant without ``pair``
once that constant exists (the second ``x * 1.01``, not the first); a unary op
skips the conversion of an exact Tensor; ``apply`` calls a one-input impl
without a list; a plain ``matmul`` shares one params dict.  Each test runs the
shortcut beside the general path (a fresh value, a constant tensor, a
Variable, an integer tensor) and asks for the same dtype, value, gradient or
error.
"""
import warnings

import numpy as np
import pytest

import gradtape as tf
from gradtape._core import trace

FLOAT_DTYPES = [tf.float16, tf.float32, tf.float64, tf.complex64, tf.complex128]
BINARY = [tf.multiply, tf.add, tf.subtract, tf.divide, tf.maximum, tf.pow, tf.math.squared_difference]


def _same(a, b):
    assert a.dtype == b.dtype
    np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("op", BINARY, ids=lambda f: f.__name__)
def test_python_float_as_first_and_cached_use_and_as_a_tensor(op, dtype):
    x = tf.constant([0.5, 2.0, 3.0], dtype)
    # a number no other test made a constant of
    value = 1.0 + 1.0 / 7 + BINARY.index(op) + FLOAT_DTYPES.index(dtype) / 8
    if op in (tf.math.squared_difference, tf.maximum) and dtype.is_complex:
        # refused for complex inputs, by every path (TensorFlow has no kernel)
        for y in (value, value, tf.constant(value, dtype)):
            with pytest.raises(tf.errors.InvalidArgumentError, match=op.__name__):
                op(x, y)
        return
    first, second = op(x, value), op(x, value)  # general path, then the cached constant
    by_tensor = op(x, tf.constant(value, dtype))
    _same(first, by_tensor)
    _same(second, by_tensor)
    assert second.dtype == dtype


def test_complex_failure_is_the_same_with_a_cached_constant():
    z = tf.constant([1.0 + 1.0j], tf.complex64)
    z * 3.25  # makes the shared complex64 constant 3.25
    errors = []
    for _ in range(2):
        with pytest.raises(TypeError) as info:  # NumPy has no complex arctan2
            tf.math.atan2(z, 3.25)
        errors.append(str(info.value))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("op", [tf.multiply, tf.math.atan2, tf.add], ids=lambda f: f.__name__)
def test_integer_tensor_with_a_float_fails_the_same_every_time(op):
    n = tf.constant([2, 3])
    tf.constant([1.0]) * 1.5  # a float32 constant 1.5 exists: it must not serve int32
    errors = []
    for _ in range(2):
        with pytest.raises((TypeError, tf.errors.InvalidArgumentError)) as info:
            op(n, 1.5)
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]


def test_integer_tensor_with_a_python_int_keeps_its_dtype():
    n = tf.constant([2, 3])
    for _ in range(2):
        out = n * 3
        assert out.dtype == tf.int32
        np.testing.assert_array_equal(out.numpy(), [6, 9])


def test_bool_operand_converts_as_tensorflow_converts_it():
    x = tf.constant([1.5, 2.5])
    x * 1.0, x + 1.0  # the shared float32 constant 1.0 (True == 1.0 and hashes alike)
    for _ in range(2):  # TensorFlow 2.21: [1.5, 2.5] and [2.5, 3.5], float32
        _same(x * True, tf.constant([1.5, 2.5]))
        _same(tf.add(x, True), tf.constant([2.5, 3.5]))


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_gradients_through_the_cached_constant_and_a_variable(dtype):
    x = tf.constant(0.7, dtype)
    v = tf.Variable(0.7, dtype=dtype)
    grads = []
    for _ in range(2):  # the first builds the constant, the second takes it from the cache
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = tf.tanh(tf.sin(x) * 1.01 + 0.1)
            w = tf.tanh(tf.sin(v) * 1.01 + 0.1)
        _same(y, w)
        grads.append((tape.gradient(y, x), tape.gradient(w, v)))
    for gx, gv in grads:
        _same(gx, grads[0][0])
        _same(gv, grads[0][0])
    t = np.tanh(np.sin(0.7) * 1.01 + 0.1)
    np.testing.assert_allclose(grads[0][0].numpy(), (1 - t * t) * 1.01 * np.cos(0.7),
                               rtol=1e-6 if dtype == tf.float32 else 1e-12)


def test_variable_operand_on_the_left_is_read_and_watched():
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = v * 2.5
        y = v * 2.5  # the constant is cached now; a Variable still goes through pair
    assert [w is v for w in tape.watched_variables()] == [True]
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [2.5, 2.5])


@pytest.mark.parametrize("value", [0.5, [0.5, 1.0], np.float32(0.5), np.array([0.5]),
                                   tf.Variable(0.5)], ids=["float", "list", "np_scalar",
                                                           "ndarray", "variable"])
def test_unary_of_a_non_tensor_is_the_unary_of_its_tensor(value):
    _same(tf.sin(value), tf.sin(tf.convert_to_tensor(value)))


def test_unary_refuses_an_integer_tensor_and_an_int():
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in the list of allowed values"):
        tf.sin(tf.constant([1, 2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in the list of allowed values"):
        tf.sin(1)


class _Inputs(trace.Recorder):
    def __init__(self):
        self.seen = []

    def record(self, op, inputs, out, params):
        self.seen.append((op.name, inputs, dict(params)))


def test_one_input_apply_offers_a_tuple_of_snapshots():
    from gradtape.extend import OPS, apply
    v = tf.Variable([0.25])
    rec = _Inputs()
    trace.push(rec)
    try:
        out = apply(OPS["sin"], [v], {})  # a list, and a Variable
    finally:
        trace.pop(rec)
    (name, inputs, _), = rec.seen
    assert name == "sin" and type(inputs) is tuple and type(inputs[0]) is tf.Tensor
    assert inputs[0]._uid == v._uid
    np.testing.assert_array_equal(out.numpy(), np.sin(np.float32([0.25])))


def test_floating_point_warning_of_a_one_input_op_is_at_the_users_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = tf.math.log(tf.constant([0.0, 1.0]))
    assert [w.filename for w in caught] == [__file__]
    assert "log" in str(caught[0].message)
    np.testing.assert_array_equal(out.numpy(), [-np.inf, 0.0])


def test_matmul_flags_reach_the_op_as_bools_and_plain_calls_stay_plain():
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    b = tf.constant([[5.0, 6.0], [7.0, 8.0]])
    rec = _Inputs()
    trace.push(rec)
    try:
        plain = tf.matmul(a, b)
        flagged = tf.matmul(a, b, transpose_a=1, adjoint_b=np.bool_(True))
        plain_again = tf.matmul(a, b)
    finally:
        trace.pop(rec)
    params = [p for _, _, p in rec.seen]
    assert params == [{"transpose_a": False, "transpose_b": False},
                      {"transpose_a": True, "transpose_b": True},
                      {"transpose_a": False, "transpose_b": False}]
    assert all(type(v) is bool for p in params for v in p.values())
    _same(plain, plain_again)
    np.testing.assert_array_equal(plain.numpy(), a.numpy() @ b.numpy())
    np.testing.assert_array_equal(flagged.numpy(), a.numpy().T @ b.numpy().T)
