"""NumPy interop: operators with ndarray and Python operands on either side keep
the tensor's dtype and are recorded; NumPy functions applied to tensors return
ndarrays and leave the tape, as TensorFlow's EagerTensor does."""
import operator

import numpy as np
import pytest

import gradtape as tf

FLOATS = [tf.float16, tf.float32, tf.float64]
ARITHMETIC = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
              operator.floordiv, operator.mod]
DIFFERENTIABLE = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow]
COMPARISONS = [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]


def _operands(shape):
    """Non-tensor operands of every kind: Python numbers, NumPy scalars, arrays, lists."""
    return [2, 1.5, True, np.float64(1.5), np.float32(1.5), np.int64(2),
            np.full(shape, 1.5), np.full(shape, 2, np.int64), np.full(shape, 1.5).tolist()]


def _holders(dtype):
    value = np.array([0.5, 1.25], dtype.as_numpy_dtype)
    return [tf.constant(value), tf.Variable(value)]


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.name)
@pytest.mark.parametrize("op", ARITHMETIC + COMPARISONS, ids=lambda f: f.__name__)
def test_operators_keep_the_tensor_dtype_on_either_side(op, dtype):
    want = tf.bool if op in COMPARISONS else dtype
    for x in _holders(dtype):
        for other in _operands((2,)):
            for args in ((x, other), (other, x)):
                out = op(*args)
                kinds = tuple(type(a).__name__ for a in args)
                assert isinstance(out, tf.Tensor), f"{op.__name__}{kinds} gave {type(out).__name__}"
                assert out.dtype == want, f"{op.__name__}{kinds} gave {out.dtype.name}"
                with np.errstate(all="ignore"):
                    a, b = (np.asarray(v, dtype.as_numpy_dtype) for v in args)
                    np.testing.assert_allclose(np.asarray(out, np.float64), op(a, b).astype(np.float64),
                                               rtol=2e-3 if dtype == tf.float16 else 1e-6)


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.name)
def test_matmul_with_arrays_and_lists(dtype):
    m = tf.ones((2, 2), dtype)
    for other in (np.ones((2, 2)), np.ones((2, 2), np.float32), [[1.0, 2.0], [3.0, 4.0]]):
        for out in (m @ other, other @ m):
            assert isinstance(out, tf.Tensor) and out.dtype == dtype


@pytest.mark.parametrize("op", DIFFERENTIABLE + [operator.matmul], ids=lambda f: f.__name__)
def test_ndarray_on_the_left_is_recorded(op):
    w = tf.Variable(np.array([[0.5, 1.5], [2.0, 0.25]], np.float32))
    left = np.array([[1.0, 2.0], [3.0, 4.0]])  # float64: takes the Variable's float32
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(op(left, w))
    g = tape.gradient(y, w)
    assert g is not None and g.dtype == tf.float32

    def f(v):
        return tf.reduce_sum(op(left.astype(np.float64), v))
    tf.testing.check_gradients(f, [w.numpy().astype(np.float64)], order=1)


def test_array_priority_is_set_like_tensorflow():
    assert tf.Tensor.__array_priority__ >= 100
    assert tf.Variable.__array_priority__ >= 100


@pytest.mark.parametrize("make", [tf.constant, tf.Variable], ids=["Tensor", "Variable"])
def test_conversions_to_numpy(make):
    x = make(np.array([1.5, -2.0], np.float32))
    a = np.asarray(x)
    assert isinstance(a, np.ndarray) and a.dtype == np.float32
    np.testing.assert_array_equal(a, [1.5, -2.0])
    assert np.array(x, dtype=np.float64).dtype == np.float64
    s = make(np.float32(2.5))
    assert np.float32(s) == np.float32(2.5) and type(np.float32(s)) is np.float32
    assert np.float64(s) == 2.5 and float(s) == 2.5 and int(make(7)) == 7


NUMPY_FUNCTIONS = [
    ("sin", np.sin), ("add", lambda t: np.add(t, t)), ("sum", np.sum), ("mean", np.mean),
    ("reshape", lambda t: np.reshape(t, (2, 1))), ("transpose", np.transpose),
    ("clip", lambda t: np.clip(t, 0.0, 1.0)), ("concatenate", lambda t: np.concatenate([t, t])),
    ("where", lambda t: np.where(np.asarray(t) > 1.0, t, 0.0)), ("dot", lambda t: np.dot(t, t)),
    ("maximum", lambda t: np.maximum(t, 1.0)), ("round", np.round),
]


@pytest.mark.parametrize("fn", [f for _, f in NUMPY_FUNCTIONS], ids=[n for n, _ in NUMPY_FUNCTIONS])
@pytest.mark.parametrize("make", [tf.constant, tf.Variable], ids=["Tensor", "Variable"])
def test_numpy_functions_return_arrays_and_leave_the_tape(fn, make):
    x = make(np.array([0.5, 2.0], np.float32))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        out = fn(x)
        y = tf.reduce_sum(tf.constant(out) * 2.0) if np.ndim(out) else tf.constant(out) * 2.0
    assert isinstance(out, (np.ndarray, np.generic)), type(out)
    assert tape.gradient(y, x) is None  # NumPy left the tape, as TensorFlow's eager tensors do
    assert len(tape._rec.entries) <= 1  # only gradtape's own multiply of a constant


@pytest.mark.parametrize("make", [tf.constant, tf.Variable], ids=["Tensor", "Variable"])
def test_explain_names_the_escape_to_numpy(make):
    x = make(np.array([0.5, 2.0], np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.constant(np.exp(x)))
    reason = tf.explain(tape, y, [x]).reasons[0]
    assert reason.category == "left_tape"
    assert "NumPy" in str(reason)
