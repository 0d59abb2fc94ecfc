"""Vectorized Jacobians against gradtape's own row loop and hand-written NumPy.

Cases: the 100x100 Jacobian of ``tanh(W @ x)``, the batch Jacobian of a
2-layer MLP on a batch of 64, the 1000x1000 Jacobian of ``tanh(W @ x)``, and
the peak memory (tracemalloc) of that 1000x1000 Jacobian under a small chunk
budget.  Each gradtape timing includes the forward pass recorded on the tape.
Targets, as ratios to NumPy: 100x100 <= 15x, 1000x1000 <= 3x; the vectorized
path >= 20x faster than the loop on 100x100.

Run: ``python -m benchmarks.bench_jacobian`` (``--quick`` for fewer repeats).
"""
import statistics
import sys
import time
import tracemalloc

import numpy as np

import gradtape as tf
from gradtape import tape as tape_module


def median_time(fn, repeat, number=1):
    """Median seconds per call of ``fn`` over ``repeat`` timings of ``number`` calls."""
    fn()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


# ---------------------------------------------------------------------------
# tanh(W @ x)
# ---------------------------------------------------------------------------

def tanh_problem(n, seed=0):
    rng = np.random.default_rng(seed)
    w = (rng.standard_normal((n, n)) / np.sqrt(n)).astype(np.float32)
    x = rng.standard_normal((n, 1)).astype(np.float32)
    return w, x


def tanh_numpy(w, x):
    """d tanh(W x) / dx = diag(1 - tanh(W x)^2) W."""
    s = 1.0 - np.tanh(w @ x) ** 2  # (n, 1)
    return s * w


def dense_seed_numpy(w, x):
    """What any reverse-mode Jacobian with identity seeds computes: the rows of
    diag(1 - tanh(W x)^2) pushed through W^T as one dense matrix product."""
    s = 1.0 - np.tanh(w @ x) ** 2
    return (np.eye(len(s), dtype=w.dtype) * s[:, 0]) @ w


def tanh_gradtape(w, x, **jacobian_kwargs):
    """The same Jacobian, with ``x`` a column (n, 1) as matmul wants it."""
    n = x.shape[0]
    with tf.GradientTape(persistent=not jacobian_kwargs.get("experimental_use_pfor", True)) as tape:
        tape.watch(x)
        y = tf.tanh(w @ x)
    return tf.reshape(tape.jacobian(y, x, **jacobian_kwargs), (n, n))


# ---------------------------------------------------------------------------
# batch Jacobian of a 2-layer MLP
# ---------------------------------------------------------------------------

def mlp_problem(batch=64, n_in=32, hidden=64, n_out=16, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, n_in)).astype(np.float32)
    w1 = (rng.standard_normal((n_in, hidden)) / np.sqrt(n_in)).astype(np.float32)
    b1 = np.zeros(hidden, np.float32)
    w2 = (rng.standard_normal((hidden, n_out)) / np.sqrt(hidden)).astype(np.float32)
    b2 = np.zeros(n_out, np.float32)
    return x, w1, b1, w2, b2


def mlp_numpy(x, w1, b1, w2, b2):
    """Per-example d tanh(tanh(x W1 + b1) W2 + b2) / dx: (batch, n_out, n_in)."""
    h = np.tanh(x @ w1 + b1)
    y = np.tanh(h @ w2 + b2)
    s1, s2 = 1.0 - h * h, 1.0 - y * y
    inner = s1[:, :, None] * w1.T[None]  # (batch, hidden, n_in)
    return s2[:, :, None] * (w2.T[None] @ inner)


def mlp_gradtape(x, w1, b1, w2, b2, **kwargs):
    with tf.GradientTape(persistent=not kwargs.get("experimental_use_pfor", True)) as tape:
        tape.watch(x)
        y = tf.tanh(tf.tanh(x @ w1 + b1) @ w2 + b2)
    return tape.batch_jacobian(y, x, **kwargs)


# ---------------------------------------------------------------------------
# memory
# ---------------------------------------------------------------------------

def peak_jacobian_memory(n, budget):
    """Peak traced bytes of an n x n Jacobian computed with a chunk budget of ``budget``."""
    w, x = tanh_problem(n)
    wt, xt = tf.constant(w), tf.constant(x)
    saved = tape_module.JACOBIAN_CHUNK_BYTES
    tape_module.JACOBIAN_CHUNK_BYTES = budget
    try:
        tracemalloc.start()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        j = tanh_gradtape(wt, xt)
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
    finally:
        tape_module.JACOBIAN_CHUNK_BYTES = saved
    np.testing.assert_allclose(j.numpy(), tanh_numpy(w, x), rtol=1e-4, atol=1e-5)
    return peak, j.numpy().nbytes


def main(argv=()):
    quick = "--quick" in argv
    rep = 5 if quick else 21
    print("Vectorized Jacobians (medians; gradtape times include the recorded forward pass)")

    w, x = tanh_problem(100)
    wt, xt = tf.constant(w), tf.constant(x)
    np.testing.assert_allclose(tanh_gradtape(wt, xt).numpy(), tanh_numpy(w, x), rtol=1e-5, atol=1e-6)
    t_np = median_time(lambda: tanh_numpy(w, x), rep, 20)
    t_vec = median_time(lambda: tanh_gradtape(wt, xt), rep, 5)
    t_loop = median_time(lambda: tanh_gradtape(wt, xt, experimental_use_pfor=False), max(3, rep // 4))
    print(f"tanh(W@x) 100x100   numpy {t_np * 1e6:9.1f} us | vectorized {t_vec * 1e6:9.1f} us "
          f"({t_vec / t_np:6.1f}x numpy, target <= 15x) | loop {t_loop * 1e6:9.1f} us "
          f"(vectorized {t_loop / t_vec:5.1f}x faster, target >= 20x)")

    args = mlp_problem()
    targs = [tf.constant(a) for a in args]
    np.testing.assert_allclose(mlp_gradtape(*targs).numpy(), mlp_numpy(*args), rtol=1e-4, atol=1e-5)
    t_np = median_time(lambda: mlp_numpy(*args), rep, 10)
    t_vec = median_time(lambda: mlp_gradtape(*targs), rep, 3)
    t_loop = median_time(lambda: mlp_gradtape(*targs, experimental_use_pfor=False), max(3, rep // 4))
    print(f"MLP batch_jacobian  numpy {t_np * 1e6:9.1f} us | vectorized {t_vec * 1e6:9.1f} us "
          f"({t_vec / t_np:6.1f}x numpy) | loop {t_loop * 1e6:9.1f} us "
          f"(vectorized {t_loop / t_vec:5.1f}x faster)")

    w, x = tanh_problem(1000)
    wt, xt = tf.constant(w), tf.constant(x)
    np.testing.assert_allclose(tanh_gradtape(wt, xt).numpy(), tanh_numpy(w, x), rtol=1e-4, atol=1e-5)
    t_np = median_time(lambda: tanh_numpy(w, x), max(3, rep // 2), 3)
    t_vec = median_time(lambda: tanh_gradtape(wt, xt), max(3, rep // 2))
    t_gemm = median_time(lambda: dense_seed_numpy(w, x), max(3, rep // 2))
    print(f"tanh(W@x) 1000x1000 numpy {t_np * 1e3:9.2f} ms | vectorized {t_vec * 1e3:9.2f} ms "
          f"({t_vec / t_np:6.1f}x numpy, target <= 3x) | dense-seed numpy "
          f"{t_gemm * 1e3:6.2f} ms (vectorized {t_vec / t_gemm:4.1f}x that)")

    budget = 2 * 2**20
    peak, result = peak_jacobian_memory(1000, budget)
    verdict = "under" if peak <= budget + result else "OVER"
    print(f"memory 1000x1000, chunk budget {budget / 2**20:.0f} MiB: peak {peak / 2**20:.2f} MiB, "
          f"budget + result {(budget + result) / 2**20:.2f} MiB ({verdict})")


if __name__ == "__main__":
    main(sys.argv[1:])
