"""An MLP loss over a chunked Dask array of 100,000 rows: the gradient stays a
lazy Dask array until asked for, equals the NumPy gradient, and computing it
never holds the whole input in one piece."""
import numpy as np
import pytest

import gradtape as tf

da = pytest.importorskip("dask.array", reason="dask is not installed (pip install 'gradtape[test]')")
pytest.importorskip("array_api_compat", reason="array-api-compat is not installed")
import dask  # noqa: E402
from dask.callbacks import Callback  # noqa: E402

ROWS, CHUNK, FEATURES, HIDDEN = 100_000, 10_000, 8, 16


class LargestResult(Callback):
    """Records the size of the largest value any task of a computation produced."""

    def __init__(self):
        super().__init__()
        self.largest = 0
        self.tasks = 0

    def _posttask(self, key, result, dsk, state, worker_id):
        self.tasks += 1
        self.largest = max(self.largest, getattr(result, "nbytes", 0))


def _data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((ROWS, FEATURES))
    y = rng.standard_normal((ROWS, 1))
    weights = [rng.standard_normal((FEATURES, HIDDEN)) * 0.3, np.zeros(HIDDEN),
               rng.standard_normal((HIDDEN, 1)) * 0.3]
    return x, y, weights


def _loss_and_grads(x, y, weights):
    params = [tf.Variable(w) for w in weights]
    with tf.GradientTape() as tape:
        hidden = tf.tanh(tf.constant(x) @ params[0] + params[1])
        loss = tf.reduce_mean((hidden @ params[2] - tf.constant(y)) ** 2)
    return loss, tape.gradient(loss, params)


def test_mlp_gradient_over_chunked_rows_is_lazy_equal_and_chunkwise():
    x, y, weights = _data()
    want_loss, want_grads = _loss_and_grads(x, y, weights)

    lazy_x = da.from_array(x, chunks=(CHUNK, FEATURES))
    lazy_y = da.from_array(y, chunks=(CHUNK, 1))
    loss, grads = _loss_and_grads(lazy_x, lazy_y, [da.from_array(w) for w in weights])

    assert loss.backend is da and all(g.backend is da for g in grads)
    assert all(isinstance(g._value, da.Array) for g in grads)  # nothing computed yet
    with dask.config.set(scheduler="sync"), LargestResult() as seen:
        got = [g.numpy() for g in grads]
        got_loss = loss.numpy()
    assert seen.tasks > ROWS // CHUNK  # the work ran chunk by chunk...
    assert seen.largest < x.nbytes // 4  # ...and no task ever held the whole input
    assert all(type(g) is np.ndarray for g in got)
    np.testing.assert_allclose(got_loss, want_loss.numpy(), rtol=1e-12)
    for g, w in zip(got, want_grads):
        np.testing.assert_allclose(g, w.numpy(), rtol=1e-10, atol=1e-14)


def test_constant_of_a_dask_array_stays_lazy_and_mixing_is_an_error():
    lazy = da.ones((4, 3), chunks=(2, 3))
    t = tf.constant(lazy) * 2.0
    assert isinstance(t._value, da.Array) and t.dtype == tf.float64
    assert t.numpy().tolist() == [[2.0] * 3] * 4
    with pytest.raises(tf.errors.InvalidArgumentError, match="dask.array and numpy"):
        t + tf.constant(np.ones((4, 3)))
